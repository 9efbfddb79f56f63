import {useEffect, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import type {Answers} from '../core/answers.js';
import type {Plan} from '../core/plan.js';
import type {RestartPlan} from '../core/restart-plan.js';
import type {Result} from '../core/result.js';
import type {Check} from '../core/verify-checks.js';
import type {Applied, ApplyFailure} from '../system/apply.js';
import type {BackupSet} from '../system/config-files.js';
import type {RestartOutcome} from '../system/service.js';
import {OptionList} from '../components/OptionList.js';
import {HINTS, StepFrame} from '../components/StepFrame.js';
import {useTheme} from '../components/theme.js';
import {useStepKeys} from '../hooks/use-step-keys.js';

export type ApplyOutcome = {ok: true; value: Applied} | ({ok: false} & ApplyFailure);

/**
 * Restarting and checking the live server, when the written file is the one the daemon
 * reads. Undefined (with a reason) when there is nothing to restart.
 */
export type RestartSeam = {
	/** How this host restarts sendmail; undefined when no way was found. */
	findPlan(): Promise<RestartPlan | undefined>;
	run(plan: RestartPlan, onOutput: (chunk: string) => void): Promise<RestartOutcome>;
	/** Talks to the live server; undefined when no check is available. */
	verify?(answers: Answers): Promise<Result<{checks: Check[]}>>;
	/** What to tell the admin who restarts by hand. */
	manual(plan: RestartPlan | undefined): string;
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
	| {kind: 'written'}
	| {kind: 'ask-restart'; plan: RestartPlan | undefined}
	| {kind: 'restarting'; label: string}
	| {kind: 'verifying'}
	| {kind: 'offer-rollback'; why: string}
	| {kind: 'rolling-back'}
	| {kind: 'finished'};

const OUTPUT_LINES = 5;

export function ApplyStep({plan, answers, apply, restart, rollback, onBusy, onWritten, onBack, onDone}: Props) {
	const theme = useTheme();
	const [phase, setPhase] = useState<Phase>({kind: 'writing'});
	const [applied, setApplied] = useState<Applied>();
	const [events, setEvents] = useState<string[]>([]);
	const [output, setOutput] = useState('');
	const [highlight, setHighlight] = useState(0);
	const [rolledBack, setRolledBack] = useState(false);
	const [checks, setChecks] = useState<Check[]>([]);
	const restartPlan = useRef<RestartPlan | undefined>(undefined);
	const started = useRef(false);
	const seam = 'findPlan' in restart ? restart : undefined;

	const addEvent = (event: string) => setEvents(list => [...list, event]);

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
				addEvent(seam.manual(found));
				setPhase({kind: 'finished'});
				return;
			}

			setPhase({kind: 'ask-restart', plan: found});
		})();
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, []);

	const runRestart = async (after: 'verify' | 'rolled back') => {
		const found = restartPlan.current;
		if (seam === undefined || found === undefined) {
			return;
		}

		setOutput('');
		setPhase({kind: 'restarting', label: found.label});
		onBusy(true);
		const outcome = await seam.run(found, chunk => setOutput(text => (text + chunk).split('\n').slice(-OUTPUT_LINES - 1).join('\n')));
		onBusy(false);
		if (!outcome.ok) {
			addEvent(`${found.label} failed: ${outcome.error}`);
			if (after === 'verify') {
				setPhase({kind: 'offer-rollback', why: `The restart failed: ${outcome.error}`});
			} else {
				setPhase({kind: 'finished'});
			}

			return;
		}

		addEvent(`Ran ${found.label}.`);
		if (after === 'rolled back' || seam.verify === undefined) {
			setPhase({kind: 'finished'});
			return;
		}

		setPhase({kind: 'verifying'});
		const verified = await seam.verify(answers);
		if (!verified.ok) {
			addEvent(`Could not check the live server: ${verified.error}`);
			setPhase({kind: 'offer-rollback', why: `The live server could not be checked: ${verified.error}`});
			return;
		}

		const failed = verified.value.checks.filter(check => check.status === 'fail');
		setChecks(verified.value.checks);
		if (failed.length === 0) {
			addEvent('The live server passed every check.');
			setPhase({kind: 'finished'});
		} else {
			setPhase({kind: 'offer-rollback', why: `The live server failed ${failed.length} check(s): ${failed.map(check => check.name).join(', ')}.`});
		}
	};

	const doRollback = async () => {
		if (applied === undefined) {
			return;
		}

		setPhase({kind: 'rolling-back'});
		onBusy(true);
		const result = await rollback(applied.backup);
		onBusy(false);
		if (!result.ok) {
			addEvent(`Rollback failed: ${result.error}`);
			setPhase({kind: 'finished'});
			return;
		}

		setRolledBack(true);
		addEvent(`Restored ${result.value.join(', ')} from the backup.`);
		await runRestart('rolled back');
	};

	const choices: Array<{key: string; label: string}> = phase.kind === 'refused'
		? [{key: 'back', label: 'Back to Review'}, {key: 'quit', label: 'Quit (nothing was written)'}]
		: phase.kind === 'ask-restart'
			? [{key: 'restart', label: `Restart sendmail now (${phase.plan?.label ?? ''})`}, {key: 'skip', label: 'Don\'t restart'}]
			: phase.kind === 'offer-rollback'
				? [{key: 'rollback', label: 'Roll back and restart again'}, {key: 'keep', label: 'Keep the new config'}]
				: phase.kind === 'finished'
					? [{key: 'next', label: 'Continue'}]
					: [];
	const busy = choices.length === 0;
	const finish = () => onDone({applied, events, rolledBack, failed: phase.kind === 'refused'});

	useStepKeys({
		active: !busy,
		canGoBack: false,
		onUp: () => setHighlight(index => (index + choices.length - 1) % choices.length),
		onDown: () => setHighlight(index => (index + 1) % choices.length),
		onEnter() {
			const choice = choices[highlight]?.key;
			setHighlight(0);
			switch (choice) {
				case 'back': {
					onBack();
					break;
				}

				case 'quit': {
					onDone({applied: undefined, events, rolledBack: false, failed: true, stage: phase.kind === 'refused' ? phase.failure.stage : undefined});
					break;
				}

				case 'restart': {
					void runRestart('verify');
					break;
				}

				case 'skip': {
					addEvent(seam?.manual(restartPlan.current) ?? '');
					setPhase({kind: 'finished'});
					break;
				}

				case 'rollback': {
					void doRollback();
					break;
				}

				case 'keep': {
					addEvent('Kept the new config.');
					setPhase({kind: 'finished'});
					break;
				}

				default: {
					finish();
				}
			}
		},
	});

	return (
		<StepFrame step="apply" hints={busy ? [{keys: 'please wait', action: ''}] : [...(choices.length > 1 ? [HINTS.move] : []), {keys: 'enter', action: 'choose'}]}>
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
						{applied.validation.checked ? '✓ sendmail accepted the new config' : `! Not checked with sendmail: ${applied.validation.reason}`}
					</Text>
					{plan.settings.map(change => (
						<Text key={change.setting} wrap="truncate-end">{`✓ ${change.setting}: ${change.to}`}</Text>
					))}
					{applied.backup.files.map(file => (
						<Text key={file.backup} wrap="wrap" dimColor>{`Backup: ${file.backup}`}</Text>
					))}
				</Box>
			)}
			{'reason' in restart && applied !== undefined ? <Text wrap="wrap" dimColor>{restart.reason}</Text> : null}
			{events.map((event, index) => (
				// eslint-disable-next-line react/no-array-index-key
				<Text key={index} wrap="wrap">{event}</Text>
			))}
			{phase.kind === 'restarting' || (output !== '' && phase.kind !== 'finished') ? (
				<Box flexDirection="column" marginTop={1}>
					{phase.kind === 'restarting' ? <Text color={theme.accent}>{`Running ${phase.label}...`}</Text> : null}
					<Text wrap="truncate-end" dimColor>{output.trimEnd()}</Text>
				</Box>
			) : null}
			{phase.kind === 'verifying' ? <Text color={theme.accent}>Checking the live server...</Text> : null}
			{phase.kind === 'rolling-back' ? <Text color={theme.accent}>Restoring the backup...</Text> : null}
			{checks.length > 0 ? (
				<Box flexDirection="column">
					{checks.map(check => (
						<Text key={check.name} wrap="truncate-end" color={check.status === 'fail' ? theme.bad : check.status === 'pass' ? theme.good : undefined}>
							{`${check.status === 'pass' ? '✓' : check.status === 'fail' ? '✗' : '·'} ${check.name}: ${check.reply}`}
						</Text>
					))}
				</Box>
			) : null}
			{phase.kind === 'offer-rollback' ? <Text color={theme.bad} wrap="wrap">{`✗ ${phase.why}`}</Text> : null}
			{choices.length > 0 ? (
				<Box marginTop={1}>
					<OptionList label="" kind="radio" items={choices} highlight={highlight} />
				</Box>
			) : null}
		</StepFrame>
	);
}
