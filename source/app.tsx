import {useEffect, useMemo, useRef, useState} from 'react';
import {useApp} from 'ink';
import type {Answers} from './core/answers.js';
import {auditConfig, auditFromReplies, auditRehearsalAnswers, type Audit} from './core/audit.js';
import {previewGreeting, type GreetingContext} from './core/greeting.js';
import {FLAG_PROBE_COMMANDS} from './core/flag-probe.js';
import type {PrivacyFlag} from './core/privacy-flags.js';
import {helpLinesRevealingVersion, planHardening, type Plan} from './core/plan.js';
import {receivedVersionLeak} from './core/received-header.js';
import {fail, ok, type Result} from './core/result.js';
import {parseCf} from './core/sendmail-cf.js';
import {readDaemonAddress} from './core/verify-checks.js';
import type {PresetStore} from './presets.js';
import {noRestartReason} from './flow/setup.js';
import {candidateFiles, runApplyFlow, type ApplyFlowDeps, type ApplyFlowInput, type RehearseFiles} from './flow/apply-flow.js';
import type {ClientViewState, RehearsalState} from './components/ClientView.js';
import {DEFAULT_CONFIG, type Target} from './system/target.js';
import type {askSendmail} from './system/rehearsal.js';
import type {McDisagreement} from './system/make-plan.js';
import {ThemeContext, themeFor} from './components/theme.js';
import {StepNavigationContext, useKeys, type PendingKey, type StepNavigation} from './hooks/use-step-keys.js';
import {STEPS, useWizard, wizardReducer, type WizardAction} from './hooks/use-wizard.js';
import {useAsyncEffect} from './hooks/use-async-effect.js';
import {ApplyStep, type ApplySummary} from './steps/ApplyStep.js';
import {currentSettings, SENDMAIL_DEFAULT_GREETING} from './steps/choices.js';
import {accessMapOffer, compiledIn, CountPages} from './steps/CountPages.js';
import {ACCESS_MAP_SETTINGS, COUNT_SETTINGS, SETTING, TLS_SETTINGS} from './settings/registry.js';
import {cfDaemons, listenOf} from './core/daemon-addresses.js';
import {FloodsStep} from './steps/FloodsStep.js';
import type {HubState} from './steps/ListenStep.js';
import type {MailHubFinding} from './system/mail-hub.js';
import {TlsStep} from './steps/TlsStep.js';
import {serverCertFile, tlsCurrent} from './core/tls-options.js';
import {AuthPages} from './steps/AuthPages.js';
import {StepParts} from './steps/StepParts.js';
import {DoneStep} from './steps/DoneStep.js';
import {auditAfter} from './core/hardened-table.js';
import type {StarttlsAudit} from './core/certificate-audit.js';
import {GreetingStep, type HelpState} from './steps/GreetingStep.js';
import {PrivacyStep} from './steps/PrivacyStep.js';
import {RecipientsStep} from './steps/RecipientsStep.js';
import {ReviewStep} from './steps/ReviewStep.js';
import {SizeStep} from './steps/SizeStep.js';
import {WelcomeStep, type McProblem, type VersionState} from './steps/WelcomeStep.js';

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
	/** --keep N: how many backup sets of the config to keep (the flow's input, as for --yes). */
	keep?: number;
	/** --cf-only: pre-selects "edit sendmail.cf only" when a sendmail.mc is beside the .cf. */
	cfOnly?: boolean;
};

/** The part of the preset store (source/presets.ts) the wizard uses: Welcome starts from one, Done saves one. */
export type WizardPresets = Pick<PresetStore, 'list' | 'get' | 'save'>;

/**
 * Every effect the wizard has, so tests can run it on a temp copy with the real plan/apply code.
 * The apply flow's effects (source/flow/apply-flow.ts ApplyFlowDeps) are the very ones --yes uses:
 * the CLI passes source/flow/real-deps.ts realFlowDeps; the rest are the wizard's own.
 */
export type WizardEffects = ApplyFlowDeps & {
	env: NodeJS.ProcessEnv;
	/** The installed sendmail's version; undefined when unknown. */
	sendmailVersion(): Promise<string | undefined>;
	/**
	 * source/system/sendmail.ts sendmailFfrDefines: the FFR defines the installed sendmail was built
	 * with. Settings that need one (registry `requires`) are offered only where it is listed.
	 * Absent: not asked, and those settings are not offered.
	 */
	sendmailFfrDefines?(): Promise<Result<Set<string>>>;
	/**
	 * source/system/mc-rebuild.ts findMcFor: the sendmail.mc the .cf is built from, if any. Called
	 * after the first screen is drawn; Welcome then offers to edit the .mc or the .cf only.
	 */
	findMc(cfPath: string): Promise<string | undefined>;
	/**
	 * source/system/make-plan.ts checkMcAgrees: whether the .cf is what its .mc builds, asked on
	 * Welcome, where the choice between them is made. ok(the lines that differ) when they disagree.
	 * Absent: not asked.
	 */
	checkMcAgrees?(target: Target): Promise<Result<McDisagreement | undefined>>;
	/**
	 * source/system/make-plan.ts mailHubFinding: whether this host is its domain's MX, asked when
	 * the listen question shows; "local" is not offered to a hub. Absent: not asked.
	 */
	mailHub?(): Promise<MailHubFinding>;
	/** source/system/access.ts accessProblem: what this user cannot do (write, restart), for Welcome. */
	accessProblem?(target: Target): Promise<string | undefined>;
	/** source/system/host-name.ts hostNameWarning: a host name that makes every sendmail start sleep 60 s. */
	hostNameWarning?(): string | undefined;
	/**
	 * source/system/make-plan.ts makePlan: the same plan as --yes (through the .mc when there is one;
	 * cfOnly: the .cf alone, as --cf-only).
	 */
	makePlan(target: Target, answers: Answers, options: {cfOnly: boolean}): Promise<Result<Plan>>;
	/**
	 * source/system/rehearsal.ts askSendmail: sendmail's greeting and replies with a config, for the
	 * Greeting and Privacy steps' live answers. Absent: those steps show the explanations alone.
	 */
	askSendmail?: typeof askSendmail;
	/**
	 * Whether the running daemon reads this file: only then are restart and live check offered
	 * (never in demo mode). The CLI asks source/flow/setup.ts daemonReadsConfig, as --yes does.
	 */
	isLiveConfig(cfPath: string): boolean;
	/**
	 * Opens the preset store. Called after the first screen is drawn (loading conf and ajv takes
	 * tens of ms); a store that cannot be opened is one line on Welcome, and then no
	 * preset is offered or saved. Absent: no store at all.
	 */
	loadPresets?(): Promise<Result<WizardPresets>>;
	/**
	 * source/system/audit-extras.ts readStarttlsAudit: the STARTTLS account (certificate findings)
	 * of a config's files, read as audit and --yes read them (root's files only, checked on the
	 * descriptor). Asked once, for the files the run leaves, before Done shows. Absent: not read.
	 */
	readStarttlsAudit?(cfText: string): Promise<StarttlsAudit>;
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
 * The apply flow's input for the wizard (source/flow/apply-flow.ts, the same flow as --yes): the
 * admin is asked before a restart, unless --no-restart. No restart for a demo copy or a file the
 * daemon does not read: restarting would prove nothing.
 */
function flowInput(setup: WizardSetup, effects: WizardEffects, target: Target, plan: Plan, answers: Answers): ApplyFlowInput {
	const help = target.helpFile;
	return {
		plan,
		answers,
		cfPath: target.cfPath,
		cfText: target.cfText,
		helpFileText: help !== undefined && 'text' in help ? help.text : undefined,
		dryRun: false,
		restart: setup.restart === false ? 'no' : 'ask',
		keep: setup.keep,
		noRestartReason: noRestartReason(target, effects.isLiveConfig(target.cfPath)),
	};
}

export function App({setup, effects, onExit}: Props) {
	const {exit} = useApp();
	const {target} = setup;
	const [state, dispatchNow] = useWizard(setup.answers);
	// The step the actions dispatched so far lead to, known at once (React applies them at its next
	// render): keys of one burst after an Enter that changes the step wait for the new step.
	const expected = useRef(state);
	expected.current = state;
	const dispatch = (action: WizardAction) => {
		expected.current = wizardReducer(expected.current, action);
		dispatchNow(action);
	};

	const pendingKeys = useRef<PendingKey[]>([]);
	const [answersFrom, setAnswersFrom] = useState(setup.answersFrom);
	const [version, setVersion] = useState<VersionState>({kind: 'checking'});
	const [mcPath, setMcPath] = useState<string>();
	const [mcProblem, setMcProblem] = useState<McProblem>();
	const [access, setAccess] = useState<string>();
	// Read after the first frame: it reads /etc/hosts.
	const [hostNote, setHostNote] = useState<string>();
	useEffect(() => {
		setHostNote(effects.hostNameWarning?.());
	}, [effects]);
	const [cfOnly, setCfOnly] = useState(setup.cfOnly === true);
	const [summary, setSummary] = useState<ApplySummary>();
	// The certificate's findings for Done, read from the files the run leaves.
	const [doneStarttls, setDoneStarttls] = useState<StarttlsAudit>();
	const busy = useRef(false);
	// The code q or Ctrl+C ends with once the Apply step has begun (readme "Exit codes").
	const exitCode = useRef(0);
	const ended = useRef(false);
	const [now] = useState(() => effects.now());
	const theme = useMemo(() => themeFor(effects.env), [effects.env]);
	const current = useMemo(() => currentSettings(target.cfText), [target.cfText]);
	const fileAudit = useMemo(() => auditConfig(target.cfText, target.helpFile, {receivedHeader: true}), [target]);
	// What a client sees is then judged by sendmail's own replies to the current config (as `audit`
	// does), asked after the first frame; until it answers, Welcome says the verdicts are the file's.
	const [rehearsedAudit, setRehearsedAudit] = useState<Audit>();
	useAsyncEffect(() => {
		const help = target.helpFile !== undefined && 'text' in target.helpFile ? target.helpFile.text : undefined;
		return effects.rehearse(help === undefined ? {cfText: target.cfText} : {cfText: target.cfText, helpFileText: help}, auditRehearsalAnswers(target.cfText), {env: effects.env});
	}, [effects, target, fileAudit], result => {
		if (result.ok && result.value.status === 'ran') {
			setRehearsedAudit(auditFromReplies(fileAudit, result.value.checks));
		}
	});
	const audit = rehearsedAudit ?? fileAudit;
	const receivedLeak = useMemo(() => receivedVersionLeak(target.cfText), [target]);
	// The Greeting and Privacy steps ask sendmail about the config with one change at a time.
	const askWith = useMemo(() => {
		const {askSendmail} = effects;
		if (askSendmail === undefined) {
			return undefined;
		}

		const help = target.helpFile !== undefined && 'text' in target.helpFile ? target.helpFile.text : undefined;
		return async (answers: Answers, commands: readonly string[]) => {
			const plan = planHardening({cfPath: target.cfPath, cfText: target.cfText, helpFile: target.helpFile, dhFile: target.dhFile, answers});
			if (!plan.ok) {
				return plan;
			}

			const files = candidateFiles({plan: plan.value, cfText: target.cfText, helpFileText: help});
			return askSendmail(files, commands, {env: effects.env});
		};
	}, [effects, target]);
	const askGreeting = useMemo(() => (askWith === undefined ? undefined : async (template: string) => askWith({greeting: template}, [])), [askWith]);
	const askFlags = useMemo(() => (askWith === undefined ? undefined : async (flags: PrivacyFlag[]) => askWith({privacyOptions: flags}, FLAG_PROBE_COMMANDS)), [askWith]);
	const [presets, setPresets] = useState<{store?: WizardPresets; problem?: string}>({});
	// Welcome offers these only when no --preset or --answers was given.
	const presetNames = useMemo(() => (setup.answersFrom === undefined ? presets.store?.list().map(preset => preset.name) ?? [] : []), [presets.store, setup.answersFrom]);

	useAsyncEffect(
		() => effects.loadPresets?.(),
		[effects],
		store => setPresets(store.ok ? {store: store.value} : {problem: store.error}),
		error => setPresets({problem: `cannot open the preset store: ${error instanceof Error ? error.message : String(error)}`}),
	);
	useAsyncEffect(
		async () => effects.sendmailVersion(),
		[effects],
		found => setVersion(found === undefined ? {kind: 'unknown', reason: 'not found (no sendmail installed, or it did not say)'} : {kind: 'known', version: found}),
		() => setVersion({kind: 'unknown', reason: 'could not be asked'}),
	);
	const [ffr, setFfr] = useState<{defines: Set<string>} | {reason: string}>({reason: 'sendmail has not said yet how it was built'});
	useAsyncEffect(
		() => effects.sendmailFfrDefines?.(),
		[effects],
		found => setFfr(found === undefined ? {reason: 'sendmail was not asked how it was built'} : found.ok ? {defines: found.value} : {reason: found.error}),
		error => setFfr({reason: `sendmail could not be asked how it was built: ${error instanceof Error ? error.message : String(error)}`}),
	);
	// Not finding one is the same as having none: the plan looks again, and says so if it cannot rebuild.
	useAsyncEffect(async () => effects.findMc(target.cfPath), [effects, target.cfPath], found => setMcPath(found));
	useAsyncEffect(
		() => (mcPath === undefined ? undefined : effects.checkMcAgrees?.(target)),
		[effects, target, mcPath],
		agrees => setMcProblem(agrees.ok ? agrees.value : {message: agrees.error}),
	);
	useAsyncEffect(() => effects.accessProblem?.(target), [effects, target], problem => setAccess(problem));
	// Asked once the listen question is reached, not at start: it may wait on the resolver.
	const daemons = useMemo(() => cfDaemons(target.cfText), [target.cfText]);
	const [hub, setHub] = useState<HubState>(undefined);
	// Once reached it stays asked: the answer is kept for Esc back and the later steps.
	const listenReached = useRef(false);
	listenReached.current ||= state.step === SETTING.listen.step;
	useAsyncEffect(
		() => {
			if (!listenReached.current || effects.mailHub === undefined) {
				return undefined;
			}

			setHub({kind: 'asking'});
			return effects.mailHub();
		},
		[effects, listenReached.current],
		found => setHub(found),
		error => setHub({kind: 'unknown', domain: undefined, reason: `the lookup failed: ${error instanceof Error ? error.message : String(error)}`}),
	);

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
			end({code: exitCode.current});
			return;
		}

		// A write Apply refused (sendmail rejected the config, or its replies contradict the answers).
		if (state.step === 'apply') {
			end({code: exitCode.current, message: 'Quit: nothing was written.'});
			return;
		}

		end({code: 0, message: 'Quit: nothing was written.'});
	};

	const navigation: StepNavigation = {
		back: () => dispatch({type: 'back'}),
		quit,
		pending: pendingKeys.current,
		moved: () => expected.current.step !== state.step,
	};

	useKeys((input, key) => {
		if (key.ctrl && input === 'c') {
			quit();
		}
	});

	// $Z for the preview, from the config's DZ line: parsed once, not at every key.
	const cfVersion = useMemo(() => parseCf(target.cfText).macros.get('Z')?.trim(), [target.cfText]);
	// Whether STARTTLS is set up, and the TLS settings' values in force, for the Encryption step:
	// read once it is reached, so the first screen does not wait for another parse of the config.
	const onTlsStep = state.step === 'tls';
	const tls = useMemo(() => {
		if (!onTlsStep) {
			return {starttls: false, current: {}};
		}

		const document = parseCf(target.cfText);
		return {starttls: serverCertFile(document) !== undefined, current: tlsCurrent(document, TLS_SETTINGS)};
	}, [target.cfText, onTlsStep]);
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
	const {answers: reviewed} = state;
	useAsyncEffect(
		() => (!onReview || upToDate ? undefined : effects.makePlan(target, reviewed, {cfOnly})),
		[onReview, upToDate, state, cfOnly, effects, target],
		plan => setPlanned({answers: reviewed, cfOnly, plan}),
		error => setPlanned({answers: reviewed, cfOnly, plan: {ok: false, error: `cannot work out the changes: ${String(error)}`}}),
	);
	const plan = upToDate ? planned?.plan : undefined;
	// What clients will see, now and with the plan's files: asked of sendmail when Review has a plan.
	const [clients, setClients] = useState<{plan: Plan; view: ClientViewState}>();
	const planValue = plan?.ok && plan.value.files.length > 0 ? plan.value : undefined;
	useEffect(() => {
		if (!onReview || planValue === undefined || clients?.plan === planValue) {
			return;
		}

		const asked = planValue;
		setClients({plan: asked, view: {now: {kind: 'asking'}, after: {kind: 'asking'}}});
		const help = target.helpFile !== undefined && 'text' in target.helpFile ? target.helpFile.text : undefined;
		// The new files must keep the STARTTLS the config in force sets up (currentCfText).
		const ask = async (files: {cfText: string; helpFileText?: string}, currentCfText?: string): Promise<RehearsalState> => effects.rehearse(files, state.answers, {env: effects.env, ...(currentCfText === undefined ? {} : {currentCfText})}).then(
			result => (result.ok ? {kind: 'done', report: result.value} : {kind: 'failed', error: result.error}),
			(error: unknown) => ({kind: 'failed', error: String(error)}),
		);
		const settle = (side: 'now' | 'after') => (answer: RehearsalState) => {
			setClients(current => (current?.plan === asked ? {plan: asked, view: {...current.view, [side]: answer}} : current));
		};

		void ask(help === undefined ? {cfText: target.cfText} : {cfText: target.cfText, helpFileText: help}).then(settle('now'));
		void ask(candidateFiles({plan: asked, cfText: target.cfText, helpFileText: help}), target.cfText).then(settle('after'));
	}, [onReview, planValue, clients?.plan, effects, target, state.answers]);
	const clientView = clients !== undefined && clients.plan === planValue ? clients.view : undefined;
	const finalTemplate = state.answers.greeting ?? current.greeting ?? SENDMAIL_DEFAULT_GREETING;
	const next = (answers?: Answers) => dispatch({type: 'next', answers});

	// The step shown before this render: a step of several pages reached by going back opens on its last page.
	const shownStep = useRef(state.step);
	const cameBack = STEPS.indexOf(shownStep.current) > STEPS.indexOf(state.step);
	useEffect(() => {
		shownStep.current = state.step;
	});

	let screen;
	switch (state.step) {
		case 'welcome': {
			screen = (
				<WelcomeStep
					cfPath={target.cfPath}
					demo={target.demo}
					version={version}
					audit={audit}
					auditFromSendmail={rehearsedAudit !== undefined}
					answersFrom={answersFrom}
					presetNames={presetNames}
					presetProblem={presets.problem}
					mcPath={mcPath}
					mcProblem={mcProblem}
					access={access}
					hostNote={hostNote}
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
			screen = <GreetingStep current={current.greeting} answers={state.answers} preview={preview} help={helpState(target, preview.version)} receivedLeak={receivedLeak} askSendmail={askGreeting} onNext={next} />;
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
			screen = <PrivacyStep current={current.privacyOptions} answers={state.answers} askSendmail={askFlags} onNext={next} />;
			break;
		}

		case 'review': {
			// A plan refused through the .mc (it and the .cf disagree, m4 fails) is undone on Welcome, where that choice is.
			const refusedThroughMc = plan?.ok === false && mcPath !== undefined && !cfOnly;
			screen = <ReviewStep plan={plan} greeting={previewGreeting(finalTemplate, preview).line} clients={clientView} answers={state.answers} onWrite={() => next()} onBack={refusedThroughMc ? () => dispatch({type: 'goto', step: 'welcome'}) : undefined} />;
			break;
		}

		case 'apply': {
			// Review only offers Write for a plan that worked out.
			screen = plan?.ok ? (
				<ApplyStep
					plan={plan.value}
					run={async hooks => runApplyFlow(
						// Review's rehearsal of these very files is not run again.
						{...flowInput(setup, effects, target, plan.value, state.answers), rehearsal: clientView?.after.kind === 'done' ? clientView.after.report : undefined},
						effects,
						hooks,
					)}
					onBusy={value => {
						busy.current = value;
					}}
					onExitCode={code => {
						exitCode.current = code;
					}}
					onWritten={() => dispatch({type: 'write-started'})}
					onBack={() => {
						exitCode.current = 0;
						dispatch({type: 'goto', step: 'review'});
					}}
					onDone={result => {
						if (result.stopped !== undefined) {
							end({code: result.exitCode, message: result.stopped});
							return;
						}

						if (result.applied === undefined) {
							end({code: result.exitCode, message: 'Nothing was written.'});
							return;
						}

						// The files the run leaves: the new ones, or the old ones (nothing written, or put back).
						const left = result.applied !== undefined && !result.rolledBack && plan.ok ? candidateFiles({plan: plan.value, cfText: target.cfText}).cfText : target.cfText;
						void (effects.readStarttlsAudit?.(left) ?? Promise.resolve(undefined)).catch(() => undefined).then(starttls => {
							setDoneStarttls(starttls);
							setSummary(result);
							next();
						});
					}}
				/>
			) : null;
			break;
		}

		case 'done': {
			screen = summary === undefined ? null : (
				<DoneStep
					cfPath={target.cfPath}
					demo={target.demo}
					mcPath={plan?.ok && plan.value.source?.kind === 'mc' ? plan.value.source.mcPath : undefined}
					summary={summary}
					// Audit of what the run leaves: the new files, or the old ones when nothing stayed written.
					audit={auditAfter(target.cfText, target.helpFile, summary.applied !== undefined && !summary.rolledBack && plan?.ok ? plan.value : undefined, doneStarttls === undefined ? {} : {starttls: doneStarttls}, target.dhFile)}
					answers={state.answers}
					presets={presets.store === undefined ? undefined : {
						exists: name => presets.store?.get(name).ok ?? false,
						save: async (name, answers, force) => presets.store?.save(name, answers, {force, now: effects.now()}) ?? fail('the preset store is not open'),
					}}
					onFinish={() => end({code: summary.exitCode})}
				/>
			);
			break;
		}

		case 'tls': {
			// The STARTTLS pages, then the AUTH pages (settings/registry.ts, step "tls").
			screen = (
				<StepParts
					key="tls"
					first={(answers, onNext, atEnd) => <TlsStep settings={TLS_SETTINGS} starttls={tls.starttls} current={tls.current} answers={answers} startAtEnd={atEnd} onNext={onNext} />}
					second={(answers, onNext, atEnd) => <AuthPages current={current} answers={answers} startAtEnd={atEnd} onNext={onNext} />}
					answers={state.answers}
					startAtEnd={cameBack}
					onNext={next}
				/>
			);
			break;
		}

		default: {
			// A step the settings registry adds for whole-number settings with no screen of their own.
			const {offered, notes} = compiledIn(COUNT_SETTINGS.filter(each => each.step === (state.step as string)), ffr);
			const accessMap = accessMapOffer(ACCESS_MAP_SETTINGS.filter(each => each.step === (state.step as string)), {mcPath, cfText: target.cfText, access: target.access});
			const offeredPages = [...offered, ...accessMap.offered];
			const pages = (answers: Answers, onNext: (answers: Answers) => void, atEnd: boolean) => <CountPages key={state.step} settings={offeredPages} current={{...current, ...accessMap.current}} answers={answers} notes={[...notes, ...accessMap.notes]} startAtEnd={atEnd} onNext={onNext} />;
			// The listen question opens its step (settings/registry.ts, listen).
			screen = SETTING.listen.step === state.step
				? <FloodsStep key={state.step} listen={{daemons: daemons.daemons, current: listenOf(daemons.daemons), hub}} answers={state.answers} startAtEnd={cameBack} counts={offeredPages.length === 0 ? null : pages} onNext={next} />
				: offeredPages.length === 0 ? null : pages(state.answers, next, cameBack);
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
