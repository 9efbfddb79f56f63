// The apply flow, once, for every face: rehearse the candidate files with the installed sendmail,
// back up and write, restart, wait for the listener, verify the live server, and roll back when the
// restart or the verification fails. Like np's release tasks, each step has a title, whether it
// applies, a reason to skip it (in --dry-run: what it would have done) and its work. No Ink here:
// the wizard's Apply step renders the steps, --yes prints them, --json emits them.
import type {Answers} from '../core/answers.js';
import type {Plan} from '../core/plan.js';
import {describeManualRestart, type RestartPlan} from '../core/restart-plan.js';
import type {Result} from '../core/result.js';
import {readDaemonAddress, type Check} from '../core/verify-checks.js';
import type {Applied, ApplyFailure, ApplyOptions} from '../system/apply.js';
import type {Validation} from '../system/sendmail.js';
import {hostNameCause, type HostNameWait} from '../system/host-name.js';
import {RESTART_TIMEOUT_MS} from '../system/restart.js';
import type {BackupSet} from '../system/backup-sets.js';
import type {RestartOutcome} from '../system/service.js';
import type {VerifyResult} from '../system/verify-server.js';
import type {RehearsalReport, rehearseFiles} from '../system/rehearsal.js';
import {namesServerCertificate} from '../core/starttls-files.js';
import type {StarttlsProbe} from '../core/verify-checks.js';
import {addressText} from '../core/address.js';
import {SWITCH_SETTINGS} from '../settings/registry.js';

export type {RehearsalReport} from '../system/rehearsal.js';

/** source/system/rehearsal.ts rehearseFiles, or a stand-in in tests; fail(...) means it broke. */
export type RehearseFiles = typeof rehearseFiles;

export type FlowStepId = 'check' | 'rehearse' | 'write' | 'restart' | 'listen' | 'verify' | 'rollback';

/** `off`: the step does not apply to this run (say, no rollback when nothing failed); not shown. */
export type FlowStepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'off';

/** One step as the faces show it. */
export type FlowStepView = {
	id: FlowStepId;
	title: string;
	/**
	 * What the step is doing while it runs ("Restarting sendmail: CMD"), for every face: the
	 * wizard's line and --yes's progress both say it in these words.
	 */
	doing: string;
	status: FlowStepStatus;
	/** One line: the skip reason, the failure, or what was done. */
	detail?: string;
	/** What the step's command printed (a restart's output), lines kept as they came. */
	output: string;
};

/** The effects the flow needs; the faces pass the real ones (see real-deps.ts), tests pass fakes. */
export type ApplyFlowDeps = {
	now(): Date;
	env?: NodeJS.ProcessEnv;
	/** system/apply.ts validatePlan: does the installed sendmail load the new config (-bt)? */
	validatePlan(plan: Plan, options: {cfPath: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal; onHostNameWait?: (secondsLeft: number) => void}): Promise<Result<Validation>>;
	rehearse: RehearseFiles;
	applyPlan(plan: Plan, options: ApplyOptions): Promise<{ok: true; value: Applied} | ({ok: false} & ApplyFailure)>;
	findRestartPlan(): Promise<RestartPlan | undefined>;
	/** timeoutMs: the restart's time limit, the host name's wait included (see restartTimeoutMs). */
	runRestart(plan: RestartPlan, options: {onOutput(chunk: string): void; timeoutMs: number}): Promise<RestartOutcome>;
	/** A restart's time limit on a qualified host; source/system/restart.ts RESTART_TIMEOUT_MS unless a test shortens it. */
	restartTimeoutMs?: number;
	/**
	 * The host name when sendmail sleeps on it at every start (not fully qualified), and for how
	 * long: a restart is given that much more time, counted down, and a failure names it.
	 * Absent or undefined: the name is qualified.
	 */
	hostNameWait?(): HostNameWait | undefined;
	/**
	 * After a restart command failed or was stopped: the PID of a sendmail daemon started since
	 * `since` (its PidFile, as `cfText` names it, written since then and naming a live process),
	 * waiting a few seconds for one; undefined when none came up.
	 */
	sendmailStartedSince?(since: Date, cfText: string): Promise<number | undefined>;
	waitForListener(host: string, port: number, options: {signal?: AbortSignal}): Promise<boolean>;
	/** `starttls`: where the new config sets STARTTLS up, the live server must offer it and complete a handshake. */
	verifyServer(host: string, port: number, answers: Answers, options?: {starttlsExpected?: StarttlsProbe['expected']}): Promise<Result<VerifyResult>>;
	/** force: restore even over a file that no longer holds what was written (after a failed restart). */
	rollback(set: BackupSet, options: {force: boolean}): Promise<Result<string[]>>;
};

export type ApplyFlowInput = {
	plan: Plan;
	answers: Answers;
	cfPath: string;
	/** The config and help file as they are now: rehearsed where the plan leaves them alone. */
	cfText: string;
	helpFileText?: string;
	dryRun: boolean;
	/** yes: restart after writing; no: never, say how; ask: confirmRestart decides (the wizard). */
	restart: 'yes' | 'no' | 'ask';
	/** Why a restart would prove nothing here (a demo copy, a file the daemon does not read). */
	noRestartReason?: string;
	/** How many backup sets of the config to keep (--keep N); the write removes older ones. */
	keep?: number;
	/** A rehearsal already run on these very files (the wizard's Review): not run again. */
	rehearsal?: RehearsalReport;
};

export type ApplyFlowHooks = {
	/** Every change of any step, with all steps and what the run has found so far. */
	onChange?(steps: readonly FlowStepView[], known: FlowKnown): void;
	/** Each chunk a step's command prints, as it comes. */
	onOutput?(id: FlowStepId, chunk: string): void;
	/** restart 'ask': whether to restart now; hostNameWait: the host name makes each start wait (say so, default to no). */
	confirmRestart?(plan: RestartPlan, hostNameWait?: HostNameWait): Promise<boolean>;
	/** After nothing listened or the live server failed or could not be checked: roll back? Without it: no. */
	confirmRollback?(why: string, outcome: FlowOutcome): Promise<boolean>;
	/** Once a second while sendmail sleeps on a host name that is not qualified (check, rehearsal, restart). */
	onHostNameWait?(secondsLeft: number): void;
	/** Ctrl+C: stop as soon as it is safe (never between two files of a write, never mid-restart). */
	signal?: AbortSignal;
};

/** What the run has found so far (the rehearsal's report, the backup, the live checks). */
export type FlowKnown = Pick<ApplyFlowResult, 'validation' | 'rehearsal' | 'applied' | 'restartPlan' | 'verify' | 'rollback' | 'address'>;

export type FlowMeaning = 'done' | 'not hardened' | 'verify failed' | 'bad input' | 'write failed';

export type FlowOutcome =
	| 'done'
	| 'refused' // the rehearsal contradicts the answers (or broke): nothing written
	| 'rejected' // sendmail refuses to load the new config: nothing written
	| 'write-failed'
	| 'restart-failed'
	| 'not-listening'
	| 'verify-failed'
	| 'stopped';

export type ApplyFlowResult = {
	outcome: FlowOutcome;
	exitCode: 0 | 1 | 2 | 3;
	meaning: FlowMeaning;
	/** The one-line message of a failure. */
	error?: string;
	/** More lines for stderr, one per failed check of the rehearsal or the live server. */
	problems: string[];
	/** A byte is different on disk now (dry-run: would be). */
	changed: boolean;
	/** What sendmail -bt said of the new config (or why it was not asked). */
	validation?: Validation;
	rehearsal?: RehearsalReport;
	/** No check the answers decide failed in the rehearsal (see contradicts); unset when it did not run. */
	rehearsalAgrees?: boolean;
	applied?: Applied;
	restartPlan?: RestartPlan;
	restart?: {attempted: boolean; ok: boolean; command: string; output: string; rolledBack: boolean};
	address: {host: string; port: number};
	verify?: {passed: boolean; checks: Check[]};
	/**
	 * Set when the rollback ran: the files it restored (none when that failed), whether sendmail
	 * was restarted on them, and all of it in one line.
	 */
	rollback?: {ok: boolean; message: string; restored?: string[]; restarted?: boolean; restartError?: string};
	/** When sendmail was not restarted: how to do it by hand. */
	manualRestart?: string;
	steps: FlowStepView[];
};

export const EXIT_OF: Record<FlowMeaning, 0 | 1 | 2 | 3> = {
	done: 0,
	'not hardened': 1,
	'verify failed': 1,
	'bad input': 2,
	'write failed': 3,
};

/** What the run knows so far; the steps read and fill it. */
type FlowState = {
	input: ApplyFlowInput;
	deps: ApplyFlowDeps;
	hooks: ApplyFlowHooks;
	address: {host: string; port: number};
	result: Omit<ApplyFlowResult, 'steps' | 'address' | 'exitCode' | 'meaning' | 'outcome' | 'problems' | 'changed'> & {problems: string[]};
	/** Set by the step that ended the run; later steps are skipped with `stopReason`. */
	failure?: {outcome: FlowOutcome; meaning: FlowMeaning; error: string};
	stopReason?: string;
	written: boolean;
	restarted: boolean;
	/** The check step's verdict, handed to the write so sendmail is not asked twice. */
	validated?: Validation;
	/** Why sendmail cannot rehearse this config (it rejects the current one already). */
	cannotRehearse?: string;
	/** The live check failed or could not be made (rollback is offered). */
	liveProblem?: string;
};

type StepOutcome = {ok: true; detail?: string} | {ok: false; detail: string};

/** One step of the list, as np's tasks: enabled, skip (with its reason), task. */
type FlowStep = {
	id: FlowStepId;
	title(state: FlowState): string;
	doing(state: FlowState): string;
	enabled(state: FlowState): boolean;
	/** Why the step does not run this time; undefined: it runs. */
	skip(state: FlowState): Promise<string | undefined>;
	task(state: FlowState, output: (chunk: string) => void): Promise<StepOutcome>;
};

const stopped = (state: FlowState) => state.hooks.signal?.aborted === true;

const STOPPED = 'stopped (Ctrl+C)';

/** The files a rehearsal reads: the candidate where the plan changes one, else the file as it is. */
export function candidateFiles(input: Pick<ApplyFlowInput, 'plan' | 'cfText' | 'helpFileText'>): {cfText: string; helpFileText?: string} {
	const cf = input.plan.files.find(file => file.role === 'cf');
	const help = input.plan.files.find(file => file.role === 'helpfile');
	const helpFileText = help?.after ?? input.helpFileText;
	return helpFileText === undefined ? {cfText: cf?.after ?? input.cfText} : {cfText: cf?.after ?? input.cfText, helpFileText};
}

/** One stderr line per failed check: what the answers call for and what sendmail said. */
export function checkProblem(source: 'rehearsal' | 'live server', check: Check): string {
	return `${source}: ${check.name}: expected ${check.expected}; ${source === 'rehearsal' ? 'sendmail' : 'the server'} said "${check.reply}"`;
}

/**
 * Whether a failed check contradicts the answers. The banner and HELP checks judge the version
 * whatever the answers say; they count only when the answers chose a greeting without $v/$Z or
 * to turn on the switch the check proves (HELP: hideHelpVersion). The other checks only fail for a
 * setting the answers chose.
 */
export function contradicts(check: Check, answers: Answers): boolean {
	if (check.status !== 'fail') {
		return false;
	}

	switch (check.name) {
		case 'banner': {
			return typeof answers.greeting === 'string' && !/\$[vZ]/.test(answers.greeting);
		}

		default: {
			// A check that proves a switch (settings/registry.ts) counts only when that switch is on.
			const switches = SWITCH_SETTINGS.filter(setting => (setting.checks as readonly string[]).includes(check.name));
			return switches.length === 0 || switches.some(setting => answers[setting.key] === true);
		}
	}
}

const checkStep: FlowStep = {
	id: 'check',
	title: () => 'Check that sendmail loads the new config (sendmail -C NEW -bt)',
	doing: () => 'Checking the new config with sendmail -bt',
	enabled: () => true,
	// It writes nothing: a dry run checks too.
	skip: async state => (stopped(state) ? STOPPED : undefined),
	async task(state) {
		const validated = await state.deps.validatePlan(state.input.plan, {cfPath: state.input.cfPath, env: state.deps.env, signal: state.hooks.signal, onHostNameWait: state.hooks.onHostNameWait});
		if (!validated.ok) {
			if (stopped(state)) {
				state.failure = {outcome: 'stopped', meaning: 'done', error: 'stopped before writing; nothing was written'};
				state.stopReason = STOPPED;
				return {ok: false, detail: STOPPED};
			}

			state.failure = {outcome: 'rejected', meaning: 'bad input', error: validated.error};
			state.stopReason = 'sendmail does not load the new config; nothing was written';
			return {ok: false, detail: validated.error};
		}

		state.validated = validated.value;
		state.result.validation = validated.value;
		if (validated.value.checked) {
			return {ok: true, detail: 'sendmail loads the new config'};
		}

		if (state.input.plan.files.some(file => file.role === 'cf')) {
			state.cannotRehearse = validated.value.reason;
		}

		return {ok: true, detail: `not checked: ${validated.value.reason}`};
	},
};

const rehearseStep: FlowStep = {
	id: 'rehearse',
	title: () => 'Rehearse the new config with the installed sendmail (sendmail -C NEW -bs)',
	doing: () => 'Rehearsing the new config with sendmail',
	enabled: () => true,
	// It writes nothing, so a dry run rehearses too: that is what it prints after the diff.
	skip: async state => (stopped(state) ? STOPPED : undefined),
	async task(state) {
		let report: RehearsalReport;
		if (state.cannotRehearse !== undefined && state.input.rehearsal === undefined) {
			report = {status: 'skipped', reason: state.cannotRehearse};
		} else if (state.input.rehearsal === undefined) {
			const rehearsed = await state.deps.rehearse(candidateFiles(state.input), state.input.answers, {env: state.deps.env, signal: state.hooks.signal, onHostNameWait: state.hooks.onHostNameWait, currentCfText: state.input.cfText});
			if (!rehearsed.ok) {
				if (stopped(state)) {
					state.stopReason = STOPPED;
					state.failure = {outcome: 'stopped', meaning: 'done', error: 'stopped before writing; nothing was written'};
					return {ok: false, detail: STOPPED};
				}

				state.failure = {outcome: 'refused', meaning: 'verify failed', error: `the rehearsal with the installed sendmail did not finish: ${rehearsed.error}; nothing was written`};
				state.stopReason = 'the rehearsal did not finish';
				return {ok: false, detail: rehearsed.error};
			}

			report = rehearsed.value;
		} else {
			report = state.input.rehearsal;
		}

		state.result.rehearsal = report;
		if (report.status === 'skipped') {
			// Said plainly; nothing is claimed about what clients will see.
			return {ok: true, detail: `not rehearsed: ${report.reason}`};
		}

		const failed = report.checks.filter(check => contradicts(check, state.input.answers));
		state.result.rehearsalAgrees = failed.length === 0;
		if (failed.length === 0) {
			const passed = report.checks.filter(check => check.status === 'pass').length;
			return {ok: true, detail: `its replies match the answers (${passed} check${passed === 1 ? '' : 's'} passed)`};
		}

		state.result.problems.push(...failed.map(check => checkProblem('rehearsal', check)));
		// A lost STARTTLS names its reason here (sendmail's own words: the file and what is wrong with it).
		const names = failed.map(check => (check.name === 'STARTTLS' ? `STARTTLS: ${check.expected}` : check.name)).join(', ') || 'a check';
		state.failure = {
			outcome: 'refused',
			meaning: 'verify failed',
			error: `sendmail's rehearsal of the new config contradicts the answers (${names}); nothing was written`,
		};
		state.stopReason = 'the rehearsal contradicts the answers';
		return {ok: false, detail: `fails ${names}`};
	},
};

const writeStep: FlowStep = {
	id: 'write',
	title: state => `Back up and write ${state.input.plan.files.map(file => file.path).join(', ')}`,
	doing: () => 'Backing up and writing',
	enabled: () => true,
	async skip(state) {
		if (state.input.dryRun) {
			return 'dry run: nothing written (--yes backs up each file first)';
		}

		return stopped(state) ? `${STOPPED}: nothing was written` : undefined;
	},
	async task(state) {
		// The check step ran first and passed (else the run stopped there): its verdict goes along.
		const applied = await state.deps.applyPlan(state.input.plan, {cfPath: state.input.cfPath, now: state.deps.now(), env: state.deps.env, signal: state.hooks.signal, validated: state.validated!, keep: state.input.keep});
		if (!applied.ok) {
			if (applied.stage === 'stopped') {
				state.failure = {outcome: 'stopped', meaning: 'done', error: applied.error};
				state.stopReason = STOPPED;
			} else {
				state.failure = {outcome: 'write-failed', meaning: 'write failed', error: applied.error};
				state.stopReason = 'nothing was written';
			}

			return {ok: false, detail: applied.error};
		}

		state.written = true;
		state.result.applied = applied.value;
		return {ok: true, detail: `backup: ${applied.value.backup.files.map(file => file.backup ?? `none for ${file.path} (created)`).join(', ')}`};
	},
};

/** Whether to restart, and if not, why not (the manual command included). */
async function restartSkipReason(state: FlowState): Promise<string | undefined> {
	const {input} = state;
	if (input.noRestartReason !== undefined) {
		return input.noRestartReason;
	}

	const found = await state.deps.findRestartPlan();
	state.result.restartPlan = found;
	if (input.dryRun) {
		return found !== undefined && input.restart !== 'no'
			? `dry run: would run ${found.label}`
			: `dry run: would not restart; ${describeManualRestart(found)}`;
	}

	if (stopped(state)) {
		state.result.manualRestart = describeManualRestart(found);
		return `${STOPPED}; ${state.result.manualRestart}`;
	}

	if (found === undefined || input.restart === 'no') {
		state.result.manualRestart = describeManualRestart(found);
		return state.result.manualRestart;
	}

	if (input.restart === 'ask' && !(await state.hooks.confirmRestart?.(found, state.deps.hostNameWait?.()) ?? false)) {
		state.result.manualRestart = describeManualRestart(found);
		return state.result.manualRestart;
	}

	// The admin may have pressed Ctrl+C while being asked.
	if (stopped(state)) {
		state.result.manualRestart = describeManualRestart(found);
		return `${STOPPED}; ${state.result.manualRestart}`;
	}

	return undefined;
}

/**
 * Runs the restart command. On a host name that is not qualified, sendmail sleeps before it
 * starts: the time limit allows for that wait, which is counted down (onHostNameWait) while the
 * command runs. A command that fails or is stopped while a new daemon did come up (its PidFile)
 * counts as a restart, with a note; a real failure names the host name when that is the cause.
 */
async function restartSendmail(state: FlowState, found: RestartPlan, output: (chunk: string) => void, cfText: string): Promise<{ok: true; note?: string; output: string} | {ok: false; error: string; output: string}> {
	const wait = state.deps.hostNameWait?.();
	const since = state.deps.now();
	let left = wait?.seconds ?? 0;
	const countdown = wait === undefined || state.hooks.onHostNameWait === undefined ? undefined : setInterval(() => {
		left = Math.max(left - 1, 0);
		state.hooks.onHostNameWait?.(left);
	}, 1000);
	if (countdown !== undefined) {
		state.hooks.onHostNameWait?.(left);
	}

	let outcome: RestartOutcome;
	try {
		const timeoutMs = (state.deps.restartTimeoutMs ?? RESTART_TIMEOUT_MS) + ((wait?.seconds ?? 0) * 1000);
		outcome = await state.deps.runRestart(found, {onOutput: output, timeoutMs});
	} finally {
		clearInterval(countdown);
	}

	if (outcome.ok) {
		return {ok: true, output: outcome.output};
	}

	// The command's end is not the daemon's: sendmail may be up, and then the restart did its work.
	const pid = await state.deps.sendmailStartedSince?.(since, cfText);
	if (pid !== undefined) {
		return {ok: true, note: `sendmail came up (process ${pid}), though ${outcome.error.replace(/\. Check the service's state and its log$/, '')}`, output: outcome.output};
	}

	return {ok: false, error: wait === undefined ? outcome.error : `${outcome.error}; ${hostNameCause(wait.name)}`, output: outcome.output};
}

const restartStep: FlowStep = {
	id: 'restart',
	title: state => (state.result.restartPlan === undefined ? 'Restart sendmail' : `Restart sendmail: ${state.result.restartPlan.label}`),
	doing: state => (state.result.restartPlan === undefined ? 'Restarting sendmail' : `Restarting sendmail: ${state.result.restartPlan.label}`),
	enabled: () => true,
	skip: restartSkipReason,
	async task(state, output) {
		const found = state.result.restartPlan!;
		const outcome = await restartSendmail(state, found, output, candidateFiles(state.input).cfText);
		state.result.restart = {attempted: true, ok: outcome.ok, command: found.label, output: outcome.output, rolledBack: false};
		if (outcome.ok) {
			state.restarted = true;
			return {ok: true, detail: outcome.note ?? `sendmail restarted (${found.label})`};
		}

		state.failure = {outcome: 'restart-failed', meaning: 'write failed', error: `the restart failed: ${outcome.error}`};
		state.stopReason = 'the restart failed';
		return {ok: false, detail: outcome.error};
	},
};

const notRestarted = async (state: FlowState, what: string): Promise<string | undefined> => {
	if (state.input.dryRun) {
		return state.result.restartPlan !== undefined && state.input.restart !== 'no' && state.input.noRestartReason === undefined
			? `dry run: would ${what}`
			: 'dry run: sendmail would not be restarted';
	}

	if (!state.restarted) {
		return 'sendmail was not restarted';
	}

	if (stopped(state)) {
		stopBeforeCheck(state);
		return `${STOPPED}; sendmail runs on the new files, not checked: run sendmail-harden verify`;
	}

	return undefined;
};

/** The work's value, or undefined as soon as Ctrl+C comes (the work is left to end by itself). */
async function untilStopped<T>(state: FlowState, work: Promise<T>): Promise<T | undefined> {
	const {signal} = state.hooks;
	if (signal === undefined) {
		return work;
	}

	let onAbort = () => {};
	const aborted = new Promise<undefined>(resolve => {
		onAbort = () => {
			resolve(undefined);
		};

		if (signal.aborted) {
			onAbort();
		} else {
			signal.addEventListener('abort', onAbort, {once: true});
		}
	});
	try {
		return await Promise.race([work, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** Ctrl+C after the restart: written and restarted, but not verified. */
function stopBeforeCheck(state: FlowState): void {
	state.failure ??= {outcome: 'stopped', meaning: 'verify failed', error: 'stopped before the live server was checked; check it with: sendmail-harden verify'};
	state.stopReason ??= STOPPED;
}

export const LISTENER_WAIT_MS = 15_000;

const listenStep: FlowStep = {
	id: 'listen',
	title: state => `Wait for sendmail to listen on ${addressText(state.address)}`,
	doing: state => `Waiting for sendmail on ${addressText(state.address)}`,
	enabled: () => true,
	skip: async state => notRestarted(state, `wait for sendmail on ${addressText(state.address)}`),
	async task(state) {
		const listening = await state.deps.waitForListener(state.address.host, state.address.port, {signal: state.hooks.signal});
		if (listening) {
			return {ok: true, detail: `sendmail listens on ${addressText(state.address)}`};
		}

		if (stopped(state)) {
			stopBeforeCheck(state);
			return {ok: false, detail: STOPPED};
		}

		const why = `sendmail was restarted, but nothing listens on ${addressText(state.address)}; check its log`;
		state.failure = {outcome: 'not-listening', meaning: 'write failed', error: why};
		state.liveProblem = why;
		state.stopReason = 'nothing listens';
		return {ok: false, detail: why};
	},
};

const verifyStep: FlowStep = {
	id: 'verify',
	title: state => `Check the live server on ${addressText(state.address)}`,
	doing: state => `Checking the live server on ${addressText(state.address)}`,
	enabled: () => true,
	skip: async state => notRestarted(state, `check the live server on ${addressText(state.address)}`),
	async task(state) {
		// The checks may take a while (up to 1000 RCPTs for "no limit"); Ctrl+C does not wait for them.
		// A restarted daemon that serves no STARTTLS, where the new config sets it up, fails the check.
		const starttlsExpected = namesServerCertificate(candidateFiles(state.input).cfText) ? {because: 'as the new config sets it up'} : undefined;
		const verified = await untilStopped(state, state.deps.verifyServer(state.address.host, state.address.port, state.input.answers, starttlsExpected === undefined ? {} : {starttlsExpected}));
		if (verified === undefined) {
			stopBeforeCheck(state);
			return {ok: false, detail: STOPPED};
		}

		if (!verified.ok) {
			const why = `could not check the live server: ${verified.error}`;
			state.failure = {outcome: 'verify-failed', meaning: 'verify failed', error: why};
			state.liveProblem = why;
			return {ok: false, detail: verified.error};
		}

		const {checks} = verified.value;
		const failed = checks.filter(check => contradicts(check, state.input.answers));
		state.result.verify = {passed: failed.length === 0, checks};
		if (failed.length === 0) {
			return {ok: true, detail: `the live server on ${addressText(state.address)} passed every check`};
		}

		state.result.problems.push(...failed.map(check => checkProblem('live server', check)));
		const why = `the live server failed ${failed.length} check${failed.length === 1 ? '' : 's'}: ${failed.map(check => check.name).join(', ')}`;
		state.failure = {outcome: 'verify-failed', meaning: 'verify failed', error: why};
		state.liveProblem = why;
		return {ok: false, detail: why};
	},
};

const rollbackStep: FlowStep = {
	id: 'rollback',
	title: () => 'Roll back to the old files and restart sendmail on them',
	doing: () => 'Putting the old files back and restarting sendmail on them',
	// Only when the new files are written and the restart or the live check went wrong.
	enabled: state => state.written && (state.failure?.outcome === 'restart-failed' || state.liveProblem !== undefined),
	async skip(state) {
		// A failed restart leaves sendmail down on the new files: always put the old ones back.
		if (state.failure?.outcome === 'restart-failed') {
			return undefined;
		}

		const rollBack = await state.hooks.confirmRollback?.(state.liveProblem ?? '', state.failure?.outcome ?? 'verify-failed') ?? false;
		return rollBack ? undefined : `kept the new files; undo with: sendmail-harden rollback --config ${state.input.cfPath}`;
	},
	async task(state, output) {
		const backup = state.result.applied!.backup;
		const afterFailedRestart = state.failure?.outcome === 'restart-failed';
		const restored = await state.deps.rollback(backup, {force: afterFailedRestart});
		if (!restored.ok) {
			const message = `the old files could not be put back (${restored.error})`;
			state.result.rollback = {ok: false, message};
			return {ok: false, detail: message};
		}

		state.written = false;
		if (state.result.restart) {
			state.result.restart.rolledBack = true;
		}

		const restoredText = `restored ${restored.value.join(', ')} from the backup`;
		const found = state.result.restartPlan;
		if (found === undefined || !state.result.restart?.attempted) {
			state.result.rollback = {ok: true, message: restoredText, restored: restored.value};
			return {ok: true, detail: restoredText};
		}

		const again = await restartSendmail(state, found, output, state.input.cfText);
		const message = again.ok
			? 'the old files are back and sendmail was restarted on them'
			: `the old files are back, but restarting sendmail failed again (${again.error})`;
		state.result.rollback = again.ok
			? {ok: true, message, restored: restored.value, restarted: true}
			: {ok: false, message, restored: restored.value, restarted: false, restartError: again.error};
		return again.ok ? {ok: true, detail: message} : {ok: false, detail: message};
	},
};

/** The steps, in order. */
export const APPLY_STEPS: readonly FlowStep[] = [checkStep, rehearseStep, writeStep, restartStep, listenStep, verifyStep, rollbackStep];

// A restart's output is kept to its tail, as its lines came (never merged into one).
const MAX_OUTPUT = 16 * 1024;

/** Runs the flow once, end to end. Never throws for what the admin or the host can cause. */
export async function runApplyFlow(input: ApplyFlowInput, deps: ApplyFlowDeps, hooks: ApplyFlowHooks = {}): Promise<ApplyFlowResult> {
	const cf = input.plan.files.find(file => file.role === 'cf');
	const state: FlowState = {
		input,
		deps,
		hooks,
		// Where the NEW config listens: the live check goes there.
		address: readDaemonAddress(cf?.after ?? input.cfText),
		result: {problems: []},
		written: false,
		restarted: false,
	};
	const views: FlowStepView[] = APPLY_STEPS.map(step => ({id: step.id, title: step.title(state), doing: step.doing(state), status: 'pending', output: ''}));
	const changed = () => hooks.onChange?.(views.map(view => ({...view})), {...state.result, address: state.address});
	const update = (index: number, patch: Partial<FlowStepView>) => {
		views[index] = {...views[index]!, ...patch};
		changed();
	};

	changed();
	let rolledBackOnce = false;
	for (const [index, step] of APPLY_STEPS.entries()) {
		if (!step.enabled(state)) {
			update(index, {status: 'off'});
			continue;
		}

		if (step.id === 'rollback') {
			// Run once, whatever asked for it.
			if (rolledBackOnce) {
				continue;
			}

			rolledBackOnce = true;
		} else if (state.stopReason !== undefined) {
			update(index, {status: 'skipped', detail: state.stopReason});
			continue;
		}

		const reason = await step.skip(state);
		if (reason !== undefined) {
			update(index, {title: step.title(state), doing: step.doing(state), status: 'skipped', detail: reason});
			continue;
		}

		update(index, {title: step.title(state), doing: step.doing(state), status: 'running'});
		const output = (chunk: string) => {
			const view = views[index]!;
			update(index, {output: (view.output + chunk).slice(-MAX_OUTPUT)});
			hooks.onOutput?.(step.id, chunk);
		};

		const outcome = await step.task(state, output);
		update(index, {status: outcome.ok ? 'done' : 'failed', detail: outcome.detail});
	}

	return finish(state, views);
}

function finish(state: FlowState, steps: FlowStepView[]): ApplyFlowResult {
	const {input, result} = state;
	const wouldChange = input.plan.files.length > 0;
	const base = {...result, address: state.address, steps, problems: result.problems};
	if (state.failure === undefined) {
		return {...base, outcome: 'done', exitCode: 0, meaning: 'done', changed: input.dryRun ? wouldChange : state.written};
	}

	const {outcome, meaning, error} = state.failure;
	const rollback = result.rollback;
	const detail = outcome === 'restart-failed'
		? `${error}; ${rollback?.message ?? 'the old files were not put back'}`
		: rollback === undefined ? error : `${error}; ${rollback.message}`;
	return {...base, outcome, exitCode: EXIT_OF[meaning], meaning, error: detail, changed: state.written};
}
