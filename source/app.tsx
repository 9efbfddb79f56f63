import {useEffect, useMemo, useRef, useState} from 'react';
import {useApp, useInput} from 'ink';
import type {Answers} from './core/answers.js';
import {auditConfig} from './core/audit.js';
import {previewGreeting, type GreetingContext} from './core/greeting.js';
import {helpLinesRevealingVersion, type Plan} from './core/plan.js';
import type {RestartPlan} from './core/restart-plan.js';
import {fail, type Result} from './core/result.js';
import {parseCf} from './core/sendmail-cf.js';
import {readDaemonAddress} from './core/verify-checks.js';
import type {PresetStore} from './presets.js';
import type {applyPlan} from './system/apply.js';
import type {BackupSet} from './system/config-files.js';
import {RESTART_TIMEOUT_MS, type restartOrRecover, type waitForListener} from './system/restart.js';
import type {runRestart} from './system/service.js';
import {DEFAULT_CONFIG, type Target} from './system/target.js';
import type {verifyServer} from './system/verify-server.js';
import {ThemeContext, themeFor} from './components/theme.js';
import {StepNavigationContext, type StepNavigation} from './hooks/use-step-keys.js';
import {useWizard} from './hooks/use-wizard.js';
import {ApplyStep, type ApplySummary, type RestartSeam} from './steps/ApplyStep.js';
import {currentSettings, SENDMAIL_DEFAULT_GREETING} from './steps/choices.js';
import {DoneStep} from './steps/DoneStep.js';
import {GreetingStep, type HelpState} from './steps/GreetingStep.js';
import {PrivacyStep} from './steps/PrivacyStep.js';
import {RecipientsStep} from './steps/RecipientsStep.js';
import {ReviewStep} from './steps/ReviewStep.js';
import {SizeStep} from './steps/SizeStep.js';
import {WelcomeStep, type VersionState} from './steps/WelcomeStep.js';

/** What the wizard starts from: the config as read, and the pre-filled answers. */
export type WizardSetup = {
	target: Target;
	answers: Answers;
	/** Where the answers come from (`preset "web"`, a file name); undefined: the config itself. */
	answersFrom?: string;
	/** $j for the greeting preview. */
	hostname: string;
	/** --restart / --no-restart: false never restarts, only says how; otherwise the admin is asked. */
	restart?: boolean;
	/** --cf-only: pre-selects "edit sendmail.cf only" when a sendmail.mc is beside the .cf. */
	cfOnly?: boolean;
};

/** The part of the preset store (source/presets.ts) the wizard uses: Welcome starts from one, Done saves one. */
export type WizardPresets = Pick<PresetStore, 'list' | 'get' | 'save'>;

/** How long a restarted daemon may take to listen, as for --yes --restart. */
export const LISTENER_WAIT_MS = 15_000;

/** Every effect the wizard has, so tests can run it on a temp copy with the real plan/apply code. */
export type WizardEffects = {
	now(): Date;
	env: NodeJS.ProcessEnv;
	/** The installed sendmail's version; undefined when unknown. */
	sendmailVersion(): Promise<string | undefined>;
	/**
	 * source/system/mc-rebuild.ts findMcFor: the sendmail.mc the .cf is built from, if any. Called
	 * after the first screen is drawn; Welcome then offers to edit the .mc or the .cf only.
	 */
	findMc(cfPath: string): Promise<string | undefined>;
	/**
	 * source/system/make-plan.ts makePlan: the same plan as --yes (through the .mc when there is one;
	 * cfOnly: the .cf alone, as --cf-only).
	 */
	makePlan(target: Target, answers: Answers, options: {cfOnly: boolean}): Promise<Result<Plan>>;
	/** source/system/apply.ts applyPlan: the same write path as --yes. */
	applyPlan: typeof applyPlan;
	rollback(set: BackupSet): Promise<Result<string[]>>;
	/**
	 * Whether the running daemon reads this file: only then are restart and live check offered
	 * (never in demo mode). The CLI says yes for /etc/mail/sendmail.cf only.
	 */
	isLiveConfig(cfPath: string): boolean;
	/** source/system/service.ts findRestartPlan: how this host restarts sendmail. */
	findRestartPlan(): Promise<RestartPlan | undefined>;
	/** source/system/restart.ts: the same restart-and-recover and wait as --yes --restart. */
	restartOrRecover: typeof restartOrRecover;
	waitForListener: typeof waitForListener;
	/** A plain restart, after the admin rolled back a config the live server failed. */
	runRestart: typeof runRestart;
	verifyServer: typeof verifyServer;
	/**
	 * Opens the preset store. Called after the first screen is drawn (conf, ajv and the schema
	 * compile cost ~120 ms); a store that cannot be opened is one line on Welcome, and then no
	 * preset is offered or saved. Absent: no store at all.
	 */
	loadPresets?(): Promise<Result<WizardPresets>>;
};

/** How the wizard ended: the exit code and a line for the terminal after Ink is gone. */
export type WizardResult = {code: number; message?: string};

type Props = {
	setup: WizardSetup;
	effects: WizardEffects;
	onExit(result: WizardResult): void;
};

function helpState(target: Target, version: string | undefined): HelpState {
	const help = target.helpFile;
	if (help === undefined || 'missing' in help) {
		return {kind: 'none'};
	}

	const leaking = helpLinesRevealingVersion(help.text)[0];
	if (leaking === undefined) {
		return {kind: 'clean'};
	}

	const text = leaking.replace(/^\S+\s+/, '').trim();
	return {kind: 'leaks', line: version === undefined ? text : text.replaceAll('$v', version)};
}

/**
 * Restart and live check for the Apply step, from the same functions --yes --restart uses
 * (source/commands/harden.ts): restartOrRecover, then wait for the address the NEW config
 * listens on, then verifyServer with the answers. None for a demo copy or a file the daemon
 * does not read: restarting would prove nothing.
 */
function restartSeam(setup: WizardSetup, effects: WizardEffects, target: Target, plan: Plan): RestartSeam | {reason: string} {
	if (target.demo) {
		return {reason: 'Demo mode: the running sendmail does not read this copy, so there is nothing to restart.'};
	}

	if (!effects.isLiveConfig(target.cfPath)) {
		return {reason: `The running sendmail reads ${DEFAULT_CONFIG}, not this file, so there is nothing to restart.`};
	}

	const address = readDaemonAddress(plan.files.find(file => file.role === 'cf')?.after ?? target.cfText);
	return {
		findPlan: async () => effects.findRestartPlan(),
		restartOrRecover: async (restartPlan, backup, onOutput) => effects.restartOrRecover(restartPlan, backup, {onOutput, env: effects.env}),
		restartOnly: async (restartPlan, onOutput) => effects.runRestart(restartPlan, {timeoutMs: RESTART_TIMEOUT_MS, onOutput, env: effects.env}),
		address,
		waitForListener: async () => effects.waitForListener(address.host, address.port, LISTENER_WAIT_MS),
		verify: async answers => effects.verifyServer(address.host, address.port, answers),
		never: setup.restart === false,
	};
}

export function App({setup, effects, onExit}: Props) {
	const {exit} = useApp();
	const {target} = setup;
	const [state, dispatch] = useWizard(setup.answers);
	const [answersFrom, setAnswersFrom] = useState(setup.answersFrom);
	const [version, setVersion] = useState<VersionState>({kind: 'checking'});
	const [mcPath, setMcPath] = useState<string>();
	const [cfOnly, setCfOnly] = useState(setup.cfOnly === true);
	const [summary, setSummary] = useState<ApplySummary>();
	const busy = useRef(false);
	const ended = useRef(false);
	const [now] = useState(() => effects.now());
	const theme = useMemo(() => themeFor(effects.env), [effects.env]);
	const current = useMemo(() => currentSettings(target.cfText), [target.cfText]);
	const audit = useMemo(() => auditConfig(target.cfText, target.helpFile), [target]);
	const [presets, setPresets] = useState<{store?: WizardPresets; problem?: string}>({});
	// Welcome offers these only when no --preset or --answers was given.
	const presetNames = useMemo(() => (setup.answersFrom === undefined ? presets.store?.list().map(preset => preset.name) ?? [] : []), [presets.store, setup.answersFrom]);

	useEffect(() => {
		if (effects.loadPresets === undefined) {
			return;
		}

		let live = true;
		effects.loadPresets().then(
			store => live && setPresets(store.ok ? {store: store.value} : {problem: store.error}),
			(error: unknown) => live && setPresets({problem: `cannot open the preset store: ${error instanceof Error ? error.message : String(error)}`}),
		);
		return () => {
			live = false;
		};
	}, [effects]);

	useEffect(() => {
		let live = true;
		effects.sendmailVersion().then(
			found => live && setVersion(found === undefined ? {kind: 'unknown', reason: 'not found (no sendmail installed, or it did not say)'} : {kind: 'known', version: found}),
			() => live && setVersion({kind: 'unknown', reason: 'could not be asked'}),
		);
		return () => {
			live = false;
		};
	}, [effects]);

	useEffect(() => {
		let live = true;
		// Not finding one is the same as having none: the plan looks again, and says so if it cannot rebuild.
		effects.findMc(target.cfPath).then(
			found => live && setMcPath(found),
			() => undefined,
		);
		return () => {
			live = false;
		};
	}, [effects, target.cfPath]);

	const end = (result: WizardResult) => {
		if (ended.current) {
			return;
		}

		ended.current = true;
		onExit(result);
		exit();
	};

	const quit = () => {
		if (busy.current) {
			return;
		}

		if (state.writeStarted) {
			end({code: 0});
			return;
		}

		end({code: 0, message: 'Quit: nothing was written.'});
	};

	const navigation: StepNavigation = {
		back: () => dispatch({type: 'back'}),
		quit,
	};

	useInput((input, key) => {
		if (key.ctrl && input === 'c') {
			quit();
		}
	});

	// $Z for the preview, from the config's DZ line: parsed once, not at every key.
	const cfVersion = useMemo(() => parseCf(target.cfText).macros.get('Z')?.trim(), [target.cfText]);
	const preview: GreetingContext = {
		hostname: setup.hostname,
		version: version.kind === 'known' ? version.version : undefined,
		cfVersion,
		now,
	};
	// Planned when Review opens, for the answers as they are then; Apply writes that plan.
	const [planned, setPlanned] = useState<{answers: Answers; cfOnly: boolean; plan: Result<Plan>}>();
	const onReview = state.step === 'review';
	const upToDate = planned?.answers === state.answers && planned.cfOnly === cfOnly;
	useEffect(() => {
		if (!onReview || upToDate) {
			return;
		}

		let live = true;
		const {answers} = state;
		effects.makePlan(target, answers, {cfOnly}).then(
			plan => live && setPlanned({answers, cfOnly, plan}),
			(error: unknown) => live && setPlanned({answers, cfOnly, plan: {ok: false, error: `cannot work out the changes: ${String(error)}`}}),
		);
		return () => {
			live = false;
		};
	}, [onReview, upToDate, state, cfOnly, effects, target]);
	const plan = upToDate ? planned?.plan : undefined;
	const finalTemplate = state.answers.greeting ?? current.greeting ?? SENDMAIL_DEFAULT_GREETING;
	const next = (answers?: Answers) => dispatch({type: 'next', answers});

	let screen;
	switch (state.step) {
		case 'welcome': {
			screen = (
				<WelcomeStep
					cfPath={target.cfPath}
					demo={target.demo}
					version={version}
					audit={audit}
					answersFrom={answersFrom}
					presetNames={presetNames}
					presetProblem={presets.problem}
					mcPath={mcPath}
					cfOnly={cfOnly}
					onNext={(name, editCfOnly) => {
						setCfOnly(editCfOnly);
						const preset = name === undefined ? undefined : presets.store?.get(name);
						if (preset?.ok) {
							dispatch({type: 'replace-answers', answers: preset.value.answers});
							setAnswersFrom(`preset "${name}"`);
						}

						next();
					}}
				/>
			);
			break;
		}

		case 'greeting': {
			screen = <GreetingStep current={current.greeting} answers={state.answers} preview={preview} help={helpState(target, preview.version)} onNext={next} />;
			break;
		}

		case 'size': {
			screen = <SizeStep current={current.maxMessageSize} answers={state.answers} onNext={next} />;
			break;
		}

		case 'recipients': {
			screen = <RecipientsStep current={current.maxRecipientsPerMessage} answers={state.answers} onNext={next} />;
			break;
		}

		case 'privacy': {
			screen = <PrivacyStep current={current.privacyOptions} answers={state.answers} onNext={next} />;
			break;
		}

		case 'review': {
			screen = <ReviewStep plan={plan} greeting={previewGreeting(finalTemplate, preview).line} onWrite={() => next()} />;
			break;
		}

		case 'apply': {
			// Review only offers Write for a plan that worked out.
			screen = plan?.ok ? (
				<ApplyStep
					plan={plan.value}
					answers={state.answers}
					apply={async () => effects.applyPlan(plan.value, {cfPath: target.cfPath, now: effects.now(), env: effects.env})}
					restart={restartSeam(setup, effects, target, plan.value)}
					rollback={effects.rollback}
					onBusy={value => {
						busy.current = value;
					}}
					onWritten={() => dispatch({type: 'write-started'})}
					onBack={() => dispatch({type: 'goto', step: 'review'})}
					onDone={result => {
						if (result.applied === undefined) {
							end({code: result.stage === 'validate' ? 2 : result.stage === 'write' ? 3 : 0, message: 'Nothing was written.'});
							return;
						}

						setSummary(result);
						next();
					}}
				/>
			) : null;
			break;
		}

		case 'done': {
			screen = summary === undefined ? null : (
				<DoneStep
					cfPath={target.cfPath}
					mcPath={plan?.ok && plan.value.source?.kind === 'mc' ? plan.value.source.mcPath : undefined}
					summary={summary}
					answers={state.answers}
					presets={presets.store === undefined ? undefined : {
						exists: name => presets.store?.get(name).ok ?? false,
						save: async (name, answers, force) => presets.store?.save(name, answers, {force, now: effects.now()}) ?? fail('the preset store is not open'),
					}}
					onFinish={() => end({code: 0})}
				/>
			);
			break;
		}
	}

	return (
		<ThemeContext.Provider value={theme}>
			<StepNavigationContext.Provider value={navigation}>
				{screen}
			</StepNavigationContext.Provider>
		</ThemeContext.Provider>
	);
}
