import {useEffect, useMemo, useRef, useState} from 'react';
import {useApp, useInput} from 'ink';
import type {Answers} from './core/answers.js';
import {auditConfig} from './core/audit.js';
import {previewGreeting, type GreetingContext} from './core/greeting.js';
import {helpLinesRevealingVersion, type Plan} from './core/plan.js';
import type {Result} from './core/result.js';
import type {applyPlan} from './system/apply.js';
import type {BackupSet} from './system/config-files.js';
import type {Target} from './system/target.js';
import {ThemeContext, themeFor} from './components/theme.js';
import {StepNavigationContext, type StepNavigation} from './hooks/use-step-keys.js';
import {useWizard} from './hooks/use-wizard.js';
import {ApplyStep, type ApplySummary, type RestartSeam} from './steps/ApplyStep.js';
import {currentSettings, SENDMAIL_DEFAULT_GREETING} from './steps/choices.js';
import {DoneStep, type PresetSaver} from './steps/DoneStep.js';
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
	/** Saved presets Welcome offers to start from, and how to read one. */
	presetNames?: string[];
	loadPreset?(name: string): Result<Answers>;
	/** Restart and live check after writing, or why there is none (demo, another file). */
	restart: RestartSeam | {reason: string};
};

/** Every effect the wizard has, so tests can run it on a temp copy with the real plan/apply code. */
export type WizardEffects = {
	now(): Date;
	env: NodeJS.ProcessEnv;
	/** The installed sendmail's version; undefined when unknown. */
	sendmailVersion(): Promise<string | undefined>;
	/** source/system/make-plan.ts makePlan: the same plan as --yes (through the .mc when there is one). */
	makePlan(target: Target, answers: Answers): Promise<Result<Plan>>;
	/** source/system/apply.ts applyPlan: the same write path as --yes. */
	applyPlan: typeof applyPlan;
	rollback(set: BackupSet): Promise<Result<string[]>>;
	presets?: PresetSaver;
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

const cfVersionOf = (cfText: string) => /^DZ(.+)$/m.exec(cfText)?.[1]?.trim();

export function App({setup, effects, onExit}: Props) {
	const {exit} = useApp();
	const {target} = setup;
	const [state, dispatch] = useWizard(setup.answers);
	const [answersFrom, setAnswersFrom] = useState(setup.answersFrom);
	const [version, setVersion] = useState<VersionState>({kind: 'checking'});
	const [summary, setSummary] = useState<ApplySummary>();
	const busy = useRef(false);
	const ended = useRef(false);
	const [now] = useState(() => effects.now());
	const theme = useMemo(() => themeFor(effects.env), [effects.env]);
	const current = useMemo(() => currentSettings(target.cfText), [target.cfText]);
	const audit = useMemo(() => auditConfig(target.cfText, target.helpFile), [target]);

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

	const preview: GreetingContext = {
		hostname: setup.hostname,
		version: version.kind === 'known' ? version.version : undefined,
		cfVersion: cfVersionOf(target.cfText),
		now,
	};
	// Planned when Review opens, for the answers as they are then; Apply writes that plan.
	const [planned, setPlanned] = useState<{answers: Answers; plan: Result<Plan>}>();
	const onReview = state.step === 'review';
	useEffect(() => {
		if (!onReview || planned?.answers === state.answers) {
			return;
		}

		let live = true;
		const {answers} = state;
		effects.makePlan(target, answers).then(
			plan => live && setPlanned({answers, plan}),
			(error: unknown) => live && setPlanned({answers, plan: {ok: false, error: `cannot work out the changes: ${String(error)}`}}),
		);
		return () => {
			live = false;
		};
	}, [onReview, state, planned, effects, target]);
	const plan = planned?.answers === state.answers ? planned.plan : undefined;
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
					presetNames={setup.presetNames ?? []}
					onNext={name => {
						if (name !== undefined && setup.loadPreset) {
							const loaded = setup.loadPreset(name);
							if (loaded.ok) {
								dispatch({type: 'replace-answers', answers: loaded.value});
								setAnswersFrom(`preset "${name}"`);
							}
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
					restart={setup.restart}
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
				<DoneStep cfPath={target.cfPath} summary={summary} answers={state.answers} presets={effects.presets} onFinish={() => end({code: 0})} />
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
