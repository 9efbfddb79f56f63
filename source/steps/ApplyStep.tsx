import path from 'node:path';
import {useEffect, useRef, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Answers} from '../core/answers.js';
import type {Plan} from '../core/plan.js';
import {describeManualRestart, type RestartPlan} from '../core/restart-plan.js';
import type {Result} from '../core/result.js';
import type {Check} from '../core/verify-checks.js';
import type {Applied, ApplyFailure} from '../system/apply.js';
import type {BackupSet} from '../system/config-files.js';
import type {RestartReport} from '../system/restart.js';
import type {RestartOutcome} from '../system/service.js';
import {OptionList} from '../components/OptionList.js';
import {HINTS, StepFrame} from '../components/StepFrame.js';
import {useTheme} from '../components/theme.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';

export type ApplyOutcome = {ok: true; value: Applied} | ({ok: false} & ApplyFailure);

/**
 * Restarting and checking the live server, when the written file is the one the daemon
 * reads. The App builds it from the same functions --yes --restart uses.
 */
export type RestartSeam = {
	/** How this host restarts sendmail; undefined when no way was found. */
	findPlan(): Promise<RestartPlan | undefined>;
	/** restartOrRecover: restart; when that fails, the old files are put back and sendmail restarted on them. */
	restartOrRecover(plan: RestartPlan, backup: BackupSet, onOutput: (chunk: string) => void): Promise<RestartReport>;
	/** One restart, after the admin rolled back (the old files are already back). */
	restartOnly(plan: RestartPlan, onOutput: (chunk: string) => void): Promise<RestartOutcome>;
	/** Where the new config listens (its DaemonPortOptions). */
	address: {host: string; port: number};
	/** Waits until the restarted daemon accepts connections; false when nothing listens in time. */
	waitForListener(): Promise<boolean>;
	verify(answers: Answers): Promise<Result<{checks: Check[]}>>;
	/** --no-restart: never restart, only say how. */
	never: boolean;
};

/** How the Apply step ended, for Done. */
export type ApplySummary = {
	applied: Applied | undefined;
	/** One line each: restart, verification, rollback. */
	events: string[];
	rolledBack: boolean;
	failed: boolean;
	/** Set when the write was refused and the admin quit. */
	stage?: ApplyFailure['stage'];
};

type Props = {
	plan: Plan;
	answers: Answers;
	apply(): Promise<ApplyOutcome>;
	/** Either the seam, or why there is nothing to restart. */
	restart: RestartSeam | {reason: string};
	rollback(set: BackupSet): Promise<Result<string[]>>;
	/** True while files are being written or a restart runs: quitting then is refused. */
	onBusy(busy: boolean): void;
	onWritten(): void;
	/** Back to Review after a refused write (nothing was written). */
	onBack(): void;
	onDone(summary: ApplySummary): void;
};

type Phase =
	| {kind: 'writing'}
	| {kind: 'refused'; failure: ApplyFailure}
	| {kind: 'ask-restart'; plan: RestartPlan}
	| {kind: 'restarting'}
	| {kind: 'waiting'}
	| {kind: 'verifying'}
	| {kind: 'offer-rollback'; why: string}
	| {kind: 'rolling-back'}
	| {kind: 'finished'};

type Tone = 'good' | 'bad' | 'warn' | 'plain';

/** What the screen shows after the write, in order; `note` lines are not repeated on Done. */
type Entry =
	| {kind: 'text'; text: string; tone: Tone; note?: boolean}
	| {kind: 'output'; run: number}
	| {kind: 'checks'};

const OUTPUT_LINES = 4;

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.)]$/.test(text) ? '' : '.'}`;

/** What the admin can choose in a phase; none while something runs. */
function choicesFor(phase: Phase): Array<{key: string; label: string}> {
	switch (phase.kind) {
		case 'refused': {
			return [{key: 'back', label: 'Back to Review'}, {key: 'quit', label: 'Quit (nothing was written)'}];
		}

		case 'ask-restart': {
			return [{key: 'restart', label: `Restart sendmail now (${phase.plan.label})`}, {key: 'skip', label: 'Don\'t restart'}];
		}

		case 'offer-rollback': {
			return [{key: 'rollback', label: 'Roll back to the old files and restart'}, {key: 'keep', label: 'Keep the new files'}];
		}

		case 'finished': {
			return [{key: 'next', label: 'Continue'}];
		}

		default: {
			return [];
		}
	}
}

export function ApplyStep({plan, answers, apply, restart, rollback, onBusy, onWritten, onBack, onDone}: Props) {
	const theme = useTheme();
	// Synced, as the highlight: the keys of one burst (Down then Enter, Enter then Enter) each see the ones before.
	const [phase, setPhase, phaseNow] = useSyncedState<Phase>({kind: 'writing'});
	const [applied, setApplied] = useState<Applied>();
	const [entries, setEntries, entriesNow] = useSyncedState<Entry[]>([]);
	const [outputs, setOutputs] = useState<string[]>([]);
	const [highlight, setHighlight, highlightNow] = useSyncedState(0);
	const [rolledBack, setRolledBack, rolledBackNow] = useSyncedState(false);
	const [checks, setChecks] = useState<Check[]>([]);
	const restartPlan = useRef<RestartPlan | undefined>(undefined);
	const started = useRef(false);
	const seam = 'findPlan' in restart ? restart : undefined;

	const say = (text: string, tone: Tone = 'plain', note = false) => setEntries(list => [...list, {kind: 'text', text, tone, note}]);
	// Each restart's output gets its own block, kept to its last few lines.
	const outputCount = useRef(0);
	const newOutput = () => {
		const run = outputCount.current++;
		setOutputs(list => [...list, '']);
		setEntries(list => [...list, {kind: 'output', run}]);
		return (chunk: string) => setOutputs(list => list.map((text, index) => (index === run ? (text + chunk).split('\n').slice(-OUTPUT_LINES - 1).join('\n') : text)));
	};

	useEffect(() => {
		if (started.current) {
			return;
		}

		started.current = true;
		onBusy(true);
		void (async () => {
			const result = await apply();
			onBusy(false);
			if (!result.ok) {
				setPhase({kind: 'refused', failure: result});
				return;
			}

			setApplied(result.value);
			onWritten();
			if (seam === undefined) {
				setPhase({kind: 'finished'});
				return;
			}

			const found = await seam.findPlan();
			restartPlan.current = found;
			if (seam.never || found === undefined) {
				say(describeManualRestart(found));
				setPhase({kind: 'finished'});
				return;
			}

			setPhase({kind: 'ask-restart', plan: found});
		})();
	}, []);

	const restartAndVerify = async (found: RestartPlan, backup: BackupSet) => {
		if (seam === undefined) {
			return;
		}

		say(`Restarting sendmail: ${found.label}`, 'plain', true);
		const onOutput = newOutput();
		setPhase({kind: 'restarting'});
		onBusy(true);
		const report = await seam.restartOrRecover(found, backup, onOutput);
		onBusy(false);
		if (!report.ok) {
			const back = report.filesRestored;
			setRolledBack(back);
			say(`✗ The restart failed: ${report.error}`, 'bad');
			say(sentence(report.rolledBack.ok ? report.rolledBack.value : report.rolledBack.error), back ? 'warn' : 'bad');
			if (back) {
				setPhase({kind: 'finished'});
			} else {
				setPhase({kind: 'offer-rollback', why: 'The new files are still in place and sendmail may not be running.'});
			}

			return;
		}

		say(`✓ sendmail restarted (${found.label}).`, 'good');
		const {host, port} = seam.address;
		setPhase({kind: 'waiting'});
		onBusy(true);
		const listening = await seam.waitForListener();
		if (!listening) {
			onBusy(false);
			setPhase({kind: 'offer-rollback', why: `sendmail was restarted, but nothing listens on ${host}:${port}; check its log.`});
			return;
		}

		setPhase({kind: 'verifying'});
		const verified = await seam.verify(answers);
		onBusy(false);
		if (!verified.ok) {
			say(`✗ Could not check the live server: ${verified.error}`, 'bad');
			setPhase({kind: 'offer-rollback', why: 'The live server could not be checked.'});
			return;
		}

		setChecks(verified.value.checks);
		setEntries(list => [...list, {kind: 'checks'}]);
		const failed = verified.value.checks.filter(check => check.status === 'fail');
		if (failed.length === 0) {
			say(`✓ The live server on ${host}:${port} passed every check.`, 'good');
			setPhase({kind: 'finished'});
		} else {
			say(`✗ The live server failed ${failed.length} check${failed.length === 1 ? '' : 's'}: ${failed.map(check => check.name).join(', ')}.`, 'bad');
			setPhase({kind: 'offer-rollback', why: ''});
		}
	};

	const doRollback = async () => {
		if (applied === undefined) {
			return;
		}

		// The first restart's output and checks give way to the rollback's, so the screen fits.
		setEntries(list => list.filter(entry => entry.kind === 'text' && !entry.note));
		setPhase({kind: 'rolling-back'});
		onBusy(true);
		const result = await rollback(applied.backup);
		if (!result.ok) {
			onBusy(false);
			say(`✗ Rollback failed: ${result.error}`, 'bad');
			setPhase({kind: 'finished'});
			return;
		}

		setRolledBack(true);
		say(`Restored ${result.value.join(', ')} from the backup.`, 'warn');
		const found = restartPlan.current;
		if (seam === undefined || found === undefined) {
			onBusy(false);
			setPhase({kind: 'finished'});
			return;
		}

		say(`Restarting sendmail on the old files: ${found.label}`, 'plain', true);
		const onOutput = newOutput();
		setPhase({kind: 'restarting'});
		const again = await seam.restartOnly(found, onOutput);
		onBusy(false);
		say(again.ok ? '✓ sendmail restarted on the old files.' : `✗ Restarting sendmail on the old files failed: ${again.error}`, again.ok ? 'good' : 'bad');
		setPhase({kind: 'finished'});
	};

	const choices = choicesFor(phase);
	const busy = choices.length === 0;
	const summaryEvents = () => entriesNow().flatMap(entry => (entry.kind === 'text' && !entry.note ? [entry.text] : []));

	useStepKeys({
		active: !busy,
		canGoBack: false,
		onUp() {
			const count = Math.max(choicesFor(phaseNow()).length, 1);
			setHighlight(index => (index + count - 1) % count);
		},
		onDown() {
			const count = Math.max(choicesFor(phaseNow()).length, 1);
			setHighlight(index => (index + 1) % count);
		},
		onEnter() {
			const phase = phaseNow();
			const choice = choicesFor(phase)[highlightNow()]?.key;
			setHighlight(0);
			switch (choice) {
				case 'back': {
					onBack();
					break;
				}

				case 'quit': {
					onDone({applied: undefined, events: [], rolledBack: false, failed: true, stage: phase.kind === 'refused' ? phase.failure.stage : undefined});
					break;
				}

				case 'restart': {
					if (phase.kind === 'ask-restart' && applied !== undefined) {
						void restartAndVerify(phase.plan, applied.backup);
					}

					break;
				}

				case 'skip': {
					say(describeManualRestart(restartPlan.current));
					setPhase({kind: 'finished'});
					break;
				}

				case 'rollback': {
					void doRollback();
					break;
				}

				case 'keep': {
					say('Kept the new files.');
					setPhase({kind: 'finished'});
					break;
				}

				case 'next': {
					onDone({applied, events: summaryEvents(), rolledBack: rolledBackNow(), failed: false});
					break;
				}

				default: {
					// Nothing to choose while something runs (a key of the burst that started it).
				}
			}
		},
	});

	const color = (tone: Tone) => (tone === 'good' ? theme.good : tone === 'bad' ? theme.bad : tone === 'warn' ? theme.warn : undefined);
	// Once a restart is under way the screen needs its rows for the output and the checks.
	const compact = entries.some(entry => entry.kind === 'output');
	return (
		<StepFrame step="apply" hints={busy ? [{keys: 'please wait', action: ''}] : [...(choices.length > 1 ? [HINTS.move] : []), {keys: 'enter', action: 'choose'}, ...(phase.kind === 'refused' ? [] : [HINTS.quit])]}>
			{phase.kind === 'writing' ? (
				<Text color={theme.accent}>Checking the new config with sendmail, then backing up and writing...</Text>
			) : null}
			{phase.kind === 'refused' ? (
				<Box flexDirection="column">
					<Text color={theme.bad} wrap="wrap">{`✗ ${phase.failure.error}`}</Text>
					<Text wrap="wrap">Nothing was written; every file is as it was.</Text>
				</Box>
			) : null}
			{applied === undefined ? null : (
				<Box flexDirection="column">
					<Text wrap="wrap" color={applied.validation.checked ? theme.good : theme.warn}>
						{applied.validation.checked
							? `✓ sendmail accepted the new config${compact ? `; ${plan.settings.length} setting${plan.settings.length === 1 ? '' : 's'} changed` : ''}`
							: `! Not checked with sendmail: ${applied.validation.reason}`}
					</Text>
					{compact || plan.source?.kind !== 'mc' ? null : (
						<Text wrap="wrap" color={theme.good}>
							{`✓ Wrote ${path.basename(plan.source.mcPath)} and rebuilt ${path.basename(plan.files.find(file => file.role === 'cf')?.path ?? 'sendmail.cf')} from it; both were backed up first.`}
						</Text>
					)}
					{compact ? null : plan.settings.map(change => (
						<Text key={change.setting} wrap="truncate-end">{`✓ ${change.setting}: ${change.to}`}</Text>
					))}
					{applied.backup.files.map(file => (
						<Text key={file.backup} wrap="wrap" dimColor>{`Backup: ${file.backup}`}</Text>
					))}
				</Box>
			)}
			{'reason' in restart && applied !== undefined ? <Text wrap="wrap" dimColor>{restart.reason}</Text> : null}
			{entries.map((entry, index) => {
				const key = `${entry.kind}-${index}`;
				if (entry.kind === 'output') {
					const text = (outputs[entry.run] ?? '').trimEnd();
					return text === '' ? null : (
						<Box key={key} flexDirection="column" paddingLeft={2}>
							{text.split('\n').map((line, lineIndex) => (
								<Text key={lineIndex} wrap="truncate-end" dimColor>{line}</Text>
							))}
						</Box>
					);
				}

				if (entry.kind === 'checks') {
					return (
						<Box key={key} flexDirection="column">
							{checks.map(check => (
								<Text key={check.name} wrap="truncate-end" color={check.status === 'fail' ? theme.bad : check.status === 'pass' ? theme.good : undefined}>
									{`${check.status === 'pass' ? '✓' : check.status === 'fail' ? '✗' : '·'} ${check.name}: ${check.reply}`}
								</Text>
							))}
						</Box>
					);
				}

				return <Text key={key} wrap="wrap" color={color(entry.tone)}>{entry.text}</Text>;
			})}
			{phase.kind === 'waiting' && seam !== undefined ? <Text color={theme.accent}>{`Waiting for sendmail on ${seam.address.host}:${seam.address.port}...`}</Text> : null}
			{phase.kind === 'verifying' && seam !== undefined ? <Text color={theme.accent}>{`Checking the live server on ${seam.address.host}:${seam.address.port}...`}</Text> : null}
			{phase.kind === 'rolling-back' ? <Text color={theme.accent}>Restoring the backup...</Text> : null}
			{phase.kind === 'offer-rollback' && phase.why !== '' ? <Text color={theme.bad} wrap="wrap">{`✗ ${phase.why}`}</Text> : null}
			{choices.length > 0 ? (
				<Box marginTop={1}>
					<OptionList label="" kind="radio" items={choices} highlight={highlight} />
				</Box>
			) : null}
		</StepFrame>
	);
}
