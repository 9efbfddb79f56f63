import path from 'node:path';
import {useEffect, useRef, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Plan} from '../core/plan.js';
import type {RestartPlan} from '../core/restart-plan.js';
import type {HostNameWait} from '../system/host-name.js';
import {safeLine} from '../core/sanitize.js';
import {wrapText} from '../core/wrap-text.js';
import type {Applied} from '../system/apply.js';
import type {ApplyFlowHooks, ApplyFlowResult, FlowKnown, FlowStepView} from '../flow/apply-flow.js';
import {hardWrap} from '../components/wrap.js';
import {OptionList} from '../components/OptionList.js';
import {HINTS, StepFrame, useScreenHeight, useScreenWidth} from '../components/StepFrame.js';
import {useTheme, type Theme} from '../components/theme.js';
import {useKeys, useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import {addressText} from '../core/address.js';
import {wrapIndex} from './list-keys.js';

/** How the Apply step ended, for Done and for the wizard's exit code. */
export type ApplySummary = {
	applied: Applied | undefined;
	/** One line each: restart, verification, rollback. */
	events: string[];
	rolledBack: boolean;
	failed: boolean;
	/** The wizard's exit code (readme "Exit codes"). */
	exitCode: number;
	/** Set when nothing was written and the admin quit. */
	stage?: 'validate' | 'write' | 'rehearsal' | 'stopped';
	/** Ctrl+C stopped the flow: the line to leave on the terminal. */
	stopped?: string;
};

type Props = {
	plan: Plan;
	/** Runs the apply flow (source/flow/apply-flow.ts) with these hooks; the App binds its input and effects. */
	run(hooks: ApplyFlowHooks): Promise<ApplyFlowResult>;
	/** True while the flow runs: q is refused then (Ctrl+C stops the flow as soon as it is safe). */
	onBusy(busy: boolean): void;
	/** The exit code if the wizard ended now (q or Ctrl+C at a question). */
	onExitCode(code: number): void;
	onWritten(): void;
	/** Back to Review after a refused write (nothing was written). */
	onBack(): void;
	onDone(summary: ApplySummary): void;
};

type Question =
	| {kind: 'restart'; plan: RestartPlan; hostNameWait?: HostNameWait; answer(yes: boolean): void}
	| {kind: 'rollback'; why: string; answer(yes: boolean): void};

type Tone = 'good' | 'bad' | 'warn' | 'plain' | 'dim' | 'accent';

/** One screen row; rows are dropped lowest priority first when the terminal is short. */
type Row = {key: string; text: string; tone: Tone; priority: number};

const OUTPUT_LINES = 4;

const period = (text: string) => `${text}${/[.)]$/.test(text) ? '' : '.'}`;

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.)]$/.test(text) ? '' : '.'}`;

const MARK: Record<FlowStepView['status'], string> = {pending: '·', running: '›', done: '✓', failed: '✗', skipped: '·', off: ''};

/** The lines a command printed, as it printed them: never merged, control characters made visible. */
export function outputLines(output: string): string[] {
	return output.split(/\r\n|\n|\r/).map(line => safeLine(line).trimEnd()).filter(line => line !== '');
}

/** How the screen says a step: its line, and a longer message under it when it matters. */
function stepText(step: FlowStepView, known: FlowKnown & {restartFailed: boolean}, plan: Plan): {line: string; tone: Tone; message?: string; messageTone?: Tone} {
	const detail = safeLine(step.detail ?? '');
	switch (step.id) {
		case 'check': {
			if (step.status === 'done' && known.validation !== undefined) {
				return known.validation.checked
					? {line: '✓ sendmail accepted the new config', tone: 'good'}
					: {line: `! Not checked with sendmail: ${safeLine(known.validation.reason)}`, tone: 'warn'};
			}

			if (step.status === 'failed') {
				return {line: '✗ Nothing was written; every file is as it was.', tone: 'bad', message: `✗ ${detail}`, messageTone: 'bad'};
			}

			return {line: `${MARK[step.status]} ${step.status === 'running' ? `${step.doing}...` : 'Check the new config with sendmail -bt'}`, tone: step.status === 'running' ? 'accent' : 'dim'};
		}

		case 'rehearse': {
			if (step.status === 'done' && known.rehearsal?.status === 'skipped') {
				return {line: `! Not rehearsed with sendmail: ${safeLine(known.rehearsal.reason)}`, tone: 'warn'};
			}

			return step.status === 'done'
				? {line: `✓ Rehearsed with sendmail: ${detail}`, tone: 'good'}
				: step.status === 'failed'
					? {line: `✗ Rehearsal: ${detail}`, tone: 'bad'}
					: {line: `${MARK[step.status]} ${step.status === 'running' ? `${step.doing}...` : 'Rehearse the new config with sendmail'}`, tone: step.status === 'running' ? 'accent' : 'dim'};
		}

		case 'write': {
			if (step.status === 'done') {
				const cf = plan.files.find(file => file.role === 'cf');
				return plan.source?.kind === 'mc'
					? {line: `✓ Wrote ${path.basename(plan.source.mcPath)} and rebuilt ${path.basename(cf?.path ?? 'sendmail.cf')} from it; both were backed up first.`, tone: 'good'}
					: {line: `✓ Backed up and wrote ${plan.files.map(file => path.basename(file.path)).join(', ')}`, tone: 'good'};
			}

			if (step.status === 'failed') {
				return {line: '✗ Nothing was written; every file is as it was.', tone: 'bad', message: `✗ ${detail}`, messageTone: 'bad'};
			}

			return {line: `${MARK[step.status]} ${step.status === 'running' ? `${step.doing}...` : 'Back up and write'}`, tone: step.status === 'running' ? 'accent' : 'dim'};
		}

		case 'restart': {
			if (step.status === 'skipped') {
				return {line: '· sendmail was not restarted', tone: 'dim', message: sentence(detail), messageTone: 'plain'};
			}

			if (step.status === 'failed') {
				return {line: `✗ ${step.doing}`, tone: 'bad', message: `✗ The restart failed: ${detail}`, messageTone: 'bad'};
			}

			return {line: `${MARK[step.status]} ${step.doing}`, tone: step.status === 'done' ? 'good' : step.status === 'running' ? 'accent' : 'dim'};
		}

		case 'listen': {
			const where = addressText(known.address);
			return step.status === 'failed'
				? {line: `✗ Nothing listens on ${where}`, tone: 'bad', message: `✗ ${period(detail)}`, messageTone: 'bad'}
				: {line: `${MARK[step.status]} ${step.status === 'running' ? `${step.doing}...` : step.status === 'done' ? `sendmail listens on ${where}` : `Wait for sendmail on ${where}`}`, tone: step.status === 'done' ? 'good' : step.status === 'running' ? 'accent' : 'dim'};
		}

		case 'verify': {
			const where = addressText(known.address);
			if (step.status === 'done') {
				return {line: `✓ The live server on ${where} passed every check.`, tone: 'good'};
			}

			if (step.status === 'failed') {
				return known.verify === undefined
					? {line: `✗ Could not check the live server: ${detail}`, tone: 'bad'}
					: {line: `✗ ${sentence(detail)}`, tone: 'bad'};
			}

			return {line: `${MARK[step.status]} ${step.status === 'running' ? `${step.doing}...` : `Check the live server on ${where}`}`, tone: step.status === 'running' ? 'accent' : 'dim'};
		}

		case 'rollback': {
			const rollback = known.rollback;
			if (step.status === 'skipped') {
				return {line: 'Kept the new files.', tone: 'plain'};
			}

			if (step.status === 'running' || step.status === 'pending') {
				return {line: `› ${step.doing}...`, tone: 'accent'};
			}

			if (rollback?.restored === undefined) {
				return {line: `✗ Rollback failed: ${detail}`, tone: 'bad'};
			}

			// After a failed restart the rollback was automatic: one sentence says it all.
			if (known.restartFailed) {
				return {line: sentence(safeLine(rollback.message)), tone: rollback.ok ? 'warn' : 'bad'};
			}

			const restored = `Restored ${safeLine(rollback.restored.join(', '))} from the backup.`;
			if (rollback.restarted === undefined) {
				return {line: restored, tone: 'warn'};
			}

			return rollback.restarted
				? {line: restored, tone: 'warn', message: '✓ sendmail restarted on the old files.', messageTone: 'good'}
				: {line: restored, tone: 'warn', message: `✗ Restarting sendmail on the old files failed: ${safeLine(rollback.restartError ?? '')}`, messageTone: 'bad'};
		}
	}
}

/** Every row of the screen, in order, with its priority (what a short terminal keeps). */
function screenRows(steps: readonly FlowStepView[], known: FlowKnown, plan: Plan, width: number): Row[] {
	const rows: Row[] = [];
	const lines = (key: string, text: string, tone: Tone, priority: number, indent = '') => {
		for (const [index, line] of wrapText(text, width, indent).flatMap(piece => hardWrap(piece, width)).entries()) {
			rows.push({key: `${key}:${index}`, text: line, tone, priority});
		}
	};

	const restart = steps.find(step => step.id === 'restart')?.status;
	for (const step of steps) {
		if (step.status === 'off' || (step.id === 'rollback' && step.status === 'pending')) {
			continue;
		}

		// The wait and the live check belong to a restart; without one, the restart row says why.
		if ((step.id === 'listen' || step.id === 'verify') && (step.status === 'skipped' || (step.status === 'pending' && restart !== 'running' && restart !== 'done'))) {
			continue;
		}

		// A step still to come matters less than what happened.
		const said = stepText(step, {...known, restartFailed: steps.some(each => each.id === 'restart' && each.status === 'failed')}, plan);
		const current = step.status === 'running' || step.status === 'failed';
		rows.push({key: step.id, text: said.line, tone: said.tone, priority: current ? 8 : step.status === 'pending' ? 3 : 5});
		if (step.id === 'write' && step.status === 'done' && known.applied !== undefined) {
			for (const file of known.applied.backup.files) {
				rows.push(file.backup === null
					? {key: `created:${file.path}`, text: `  Created: ${safeLine(file.path)}`, tone: 'dim', priority: 1}
					: {key: `backup:${file.backup}`, text: `  Backup: ${safeLine(file.backup)}`, tone: 'dim', priority: 1});
			}
		}

		if (step.id === 'restart' || step.id === 'rollback') {
			const output = outputLines(step.output).slice(-OUTPUT_LINES);
			for (const [index, line] of output.entries()) {
				rows.push({key: `${step.id}-output:${index}`, text: `    ${line}`, tone: 'dim', priority: index === output.length - 1 ? 4 : 2});
			}
		}

		if (step.id === 'verify' && known.verify !== undefined) {
			for (const check of known.verify.checks.filter(each => each.status !== 'info')) {
				const mark = check.status === 'pass' ? '✓' : '✗';
				rows.push({key: `check:${check.name}`, text: `${mark} ${check.name}: ${safeLine(check.reply)}`, tone: check.status === 'fail' ? 'bad' : 'good', priority: check.status === 'fail' ? 7 : 2});
			}

			// The findings no answer decides (relaying, the account harvest, ...) in one row, the first to go.
			const findings = known.verify.checks.filter(each => each.status === 'info').map(each => each.name);
			if (findings.length > 0) {
				rows.push({key: 'check:findings', text: `· for information: ${findings.join(', ')} (sendmail-harden verify shows them)`, tone: 'plain', priority: 1});
			}
		}

		if (said.message !== undefined) {
			lines(`${step.id}-message`, said.message, said.messageTone ?? 'plain', 9);
		}
	}

	return rows;
}

/** Drops the lowest-priority rows (the latest of equals last) until the rest fit in `height`. */
export function fitRows<T extends {priority: number}>(rows: readonly T[], height: number): T[] {
	if (rows.length <= height) {
		return [...rows];
	}

	const order = rows.map((row, index) => ({row, index})).sort((a, b) => a.row.priority - b.row.priority || a.index - b.index);
	const dropped = new Set(order.slice(0, rows.length - Math.max(height, 0)).map(entry => entry.index));
	return rows.filter((_, index) => !dropped.has(index));
}

function toneColor(theme: Theme, tone: Tone): string | undefined {
	switch (tone) {
		case 'good': {
			return theme.good;
		}

		case 'bad': {
			return theme.bad;
		}

		case 'warn': {
			return theme.warn;
		}

		case 'accent': {
			return theme.accent;
		}

		default: {
			return undefined;
		}
	}
}

/** The words of a finished run for Done: what happened after the write. */
function summaryEvents(result: ApplyFlowResult): string[] {
	const events: string[] = [];
	const restart = result.steps.find(step => step.id === 'restart');
	if (restart?.status === 'skipped' && result.applied !== undefined) {
		events.push(sentence(safeLine(restart.detail ?? '')));
	}

	if (restart?.status === 'done') {
		events.push(`✓ sendmail restarted (${result.restartPlan?.label ?? ''}).`);
	}

	if (restart?.status === 'failed') {
		events.push(`✗ The restart failed: ${safeLine(restart.detail ?? '')}`);
	}

	const verify = result.steps.find(step => step.id === 'verify');
	if (verify?.status === 'done') {
		events.push(`✓ The live server on ${addressText(result.address)} passed every check.`);
	} else if (verify?.status === 'failed') {
		events.push(`✗ ${sentence(safeLine(verify.detail ?? ''))}`);
	}

	if (result.rollback !== undefined) {
		events.push(sentence(safeLine(result.rollback.message)));
	} else if (result.steps.find(step => step.id === 'rollback')?.status === 'skipped') {
		events.push('Kept the new files.');
	}

	return events;
}

/** What the admin can choose: none while something runs. */
function choicesFor(question: Question | undefined, result: ApplyFlowResult | undefined): Array<{key: string; label: string}> {
	if (question?.kind === 'restart') {
		// On a host name sendmail sleeps on, a restart takes a minute more: "not now" is the default.
		const wait = question.hostNameWait;
		return wait === undefined
			? [{key: 'restart', label: `Restart sendmail now (${question.plan.label})`}, {key: 'skip', label: 'Don\'t restart'}]
			: [
				{key: 'restart', label: `Restart sendmail now (${question.plan.label}; it first waits ${wait.seconds} s for the host name)`},
				{key: 'skip', label: `Not now: first add '127.0.1.1 ${wait.name}.example.org ${wait.name}' to /etc/hosts (the host name '${wait.name}' is not fully qualified)`},
			];
	}

	if (question?.kind === 'rollback') {
		return [{key: 'rollback', label: 'Roll back to the old files and restart'}, {key: 'keep', label: 'Keep the new files'}];
	}

	if (result === undefined) {
		return [];
	}

	return result.applied === undefined
		? [{key: 'back', label: 'Back to Review'}, {key: 'quit', label: 'Quit (nothing was written)'}]
		: [{key: 'next', label: 'Continue'}];
}

/** What Ctrl+C left behind, in one line for the terminal after the wizard. */
function stoppedMessage(finished: ApplyFlowResult, plan: Plan): string {
	if (finished.applied === undefined) {
		return 'Stopped: nothing was written.';
	}

	const cfPath = plan.files.find(file => file.role === 'cf')?.path ?? plan.files[0]?.path ?? '';
	const next = finished.manualRestart ?? (finished.verify === undefined ? 'The live server was not checked; check it with: sendmail-harden verify' : '');
	return `Stopped after the write: ${plan.files.map(file => file.path).join(', ')} changed (undo with: sendmail-harden rollback --config ${cfPath}). ${next}`.trim();
}

export function ApplyStep({plan, run, onBusy, onExitCode, onWritten, onBack, onDone}: Props) {
	const theme = useTheme();
	const width = useScreenWidth();
	const height = useScreenHeight();
	const [steps, setSteps] = useState<readonly FlowStepView[]>([]);
	const [known, setKnown] = useState<FlowKnown>({address: {host: '127.0.0.1', port: 25}});
	// Synced, as the highlight: the keys of one burst (Down then Enter) each see the ones before.
	const [question, setQuestion, questionNow] = useSyncedState<Question | undefined>(undefined);
	const [result, setResult, resultNow] = useSyncedState<ApplyFlowResult | undefined>(undefined);
	const [highlight, setHighlight, highlightNow] = useSyncedState(0);
	const [stopping, setStopping] = useState(false);
	// Seconds left while sendmail sleeps on a host name that is not qualified; never a silent wait.
	const [hostNameWait, setHostNameWait] = useState<number>();
	const started = useRef(false);
	const written = useRef(false);
	const abort = useRef(new AbortController());

	useEffect(() => {
		if (started.current) {
			return;
		}

		started.current = true;
		onBusy(true);
		const ask = (make: (answer: (yes: boolean) => void) => Question) => new Promise<boolean>(resolve => {
			onBusy(false);
			const question = make(yes => {
				setQuestion(undefined);
				onBusy(true);
				resolve(yes);
			});
			// "Not now" (the second row) is the default while the host name makes sendmail wait.
			setHighlight(question.kind === 'restart' && question.hostNameWait !== undefined ? 1 : 0);
			setQuestion(question);
		});

		void (async () => {
			const finished = await run({
				signal: abort.current.signal,
				onHostNameWait: setHostNameWait,
				onChange(views, now) {
					if (!views.some(view => view.status === 'running' && (view.id === 'check' || view.id === 'rehearse' || view.id === 'restart' || view.id === 'rollback'))) {
						setHostNameWait(undefined);
					}

					setSteps(views);
					setKnown(now);
					if (!written.current && now.applied !== undefined) {
						written.current = true;
						// Quitting now leaves the new files in place: exit 0, as the write is done.
						onExitCode(0);
						onWritten();
					}
				},
				confirmRestart: async (found, hostNameWait) => ask(answer => ({kind: 'restart', plan: found, hostNameWait, answer})),
				async confirmRollback(why) {
					onExitCode(1);
					return ask(answer => ({kind: 'rollback', why, answer}));
				},
			});
			onBusy(false);
			onExitCode(finished.exitCode);
			if (abort.current.signal.aborted) {
				// Ctrl+C: stopped as soon as it was safe; no more keys to press.
				onDone(doneSummary(finished));
				return;
			}

			setHighlight(0);
			setResult(finished);
		})();
	}, []);

	// Ctrl+C while something runs: say what happens, and stop at the next safe point.
	useKeys((input, key) => {
		if (key.ctrl && input === 'c' && questionNow() === undefined && resultNow() === undefined && !abort.current.signal.aborted) {
			setStopping(true);
			abort.current.abort();
		}
	});

	const refused = result !== undefined && result.applied === undefined;
	const choices = choicesFor(question, result);
	const busy = choices.length === 0;

	function doneSummary(finished: ApplyFlowResult): ApplySummary {
		const nothing = finished.applied === undefined;
		const stage = finished.outcome === 'rejected' ? 'validate' : finished.outcome === 'write-failed' ? 'write' : finished.outcome === 'refused' ? 'rehearsal' : finished.outcome === 'stopped' ? 'stopped' : undefined;
		return {
			applied: finished.applied,
			events: nothing ? [] : summaryEvents(finished),
			rolledBack: finished.rollback?.restored !== undefined,
			failed: finished.exitCode !== 0,
			exitCode: finished.exitCode,
			stage: nothing ? stage : undefined,
			stopped: abort.current.signal.aborted ? stoppedMessage(finished, plan) : undefined,
		};
	}

	useStepKeys({
		active: !busy,
		canGoBack: false,
		onUp() {
			const count = Math.max(choicesFor(questionNow(), resultNow()).length, 1);
			setHighlight(index => wrapIndex(index, -1, count));
		},
		onDown() {
			const count = Math.max(choicesFor(questionNow(), resultNow()).length, 1);
			setHighlight(index => wrapIndex(index, 1, count));
		},
		onEnter() {
			const asked = questionNow();
			const index = highlightNow();
			setHighlight(0);
			if (asked !== undefined) {
				asked.answer(index === 0);
				return;
			}

			const finished = resultNow();
			if (finished === undefined) {
				return; // a key of the burst that started something
			}

			if (finished.applied === undefined && index === 0) {
				onBack();
				return;
			}

			onDone(doneSummary(finished));
		},
	});

	// The frame: header, blank, content, blank, one or two rows of keys; never as tall as the terminal.
	const hints = busy
		? [{keys: stopping ? 'stopping' : 'please wait', action: stopping ? '' : '· ctrl+c stops when safe'}]
		: [...(choices.length > 1 ? [HINTS.move] : []), {keys: 'enter', action: 'choose'}, ...(refused ? [] : [HINTS.quit])];
	const hintRows = Math.ceil(hints.map(hint => `${hint.keys} ${hint.action}`).join(' · ').length / width);
	const stoppingLine = stopping ? (written.current ? 'Ctrl+C: finishing this step, then stopping.' : 'Ctrl+C: finishing the write, then stopping (nothing is left half-written).') : undefined;
	const choiceRows = choices.length === 0 ? 0 : choices.length + 1;
	const waitLine = hostNameWait === undefined ? undefined : `sendmail waits for its host name (not fully qualified): ${hostNameWait} s left`;
	const budget = Math.max(height - 4 - hintRows - choiceRows - 1 - (stoppingLine === undefined ? 0 : 1) - (waitLine === undefined ? 0 : 1), 1);
	const rows = fitRows(screenRows(steps, known, plan, width), budget);
	return (
		<StepFrame step="apply" hints={hints}>
			{rows.map(row => (
				<Text key={row.key} wrap="truncate-end" color={toneColor(theme, row.tone)} dimColor={row.tone === 'dim'}>{row.text}</Text>
			))}
			{waitLine === undefined ? null : <Text wrap="truncate-end" color={theme.warn}>{waitLine}</Text>}
			{stoppingLine === undefined ? null : <Text wrap="truncate-end" color={theme.warn}>{stoppingLine}</Text>}
			{choices.length > 0 ? (
				<Box marginTop={1}>
					<OptionList label="" kind="radio" items={choices} highlight={highlight} />
				</Box>
			) : null}
		</StepFrame>
	);
}
