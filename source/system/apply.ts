import type {Plan} from '../core/plan.js';
import type {Result} from '../core/result.js';
import {writeChanges} from './write-changes.js';
import type {BackupSet} from './backup-sets.js';
import type {FileOps} from './safe-write.js';
import {validateChange, type Validation} from './sendmail.js';
import {deferStops} from './stop-signals.js';

export type Applied = {validation: Validation; backup: BackupSet};

export type ApplyFailure = {
	/** "write": the disk refused; "stopped": Ctrl+C came before the writes began. Nothing was changed in either case. */
	stage: 'write' | 'stopped';
	error: string;
};

export type ApplyOptions = {
	cfPath: string;
	now: Date;
	env?: NodeJS.ProcessEnv;
	/** How long sendmail may take to read a config (it waits 60 s when the host name is unqualified). */
	checkTimeoutMs?: number;
	fileOps?: FileOps;
	/** Ctrl+C: stops before the writes begin; once they have begun they finish first. */
	signal?: AbortSignal;
	/** Counts down, once a second, while sendmail sleeps on a host name that is not qualified. */
	onHostNameWait?: (secondsLeft: number) => void;
	/**
	 * validatePlan's verdict: the apply flow's check step (source/flow/apply-flow.ts) asks sendmail
	 * before this writes; there is no second check-and-write path.
	 */
	validated: Validation;
	/** How many backup sets of the config to keep (--keep); older ones are removed after the write. */
	keep?: number;
};

export const DEFAULT_CHECK_TIMEOUT_MS = 90_000;

/**
 * Whether the installed sendmail loads the plan's new config (`sendmail -C NEW -bt`). Ctrl+C does
 * not wait for it: checking may take up to a minute on a host whose name is not qualified.
 */
export async function validatePlan(plan: Plan, options: Pick<ApplyOptions, 'cfPath' | 'env' | 'checkTimeoutMs' | 'signal' | 'onHostNameWait'>): Promise<Result<Validation>> {
	const cf = plan.files.find(file => file.role === 'cf');
	if (cf === undefined) {
		return {ok: true, value: {checked: false, reason: 'the config itself does not change'}};
	}

	const checked = validateChange(cf.before, cf.after, {
		env: options.env,
		timeoutMs: options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
		cfPath: options.cfPath,
		onHostNameWait: options.onHostNameWait,
	});
	const interrupted = untilAborted(options.signal);
	const validation = await Promise.race([checked, interrupted.promise]);
	interrupted.cancel();
	return validation;
}

/**
 * Backs up and writes every file of the plan, once the apply flow's check step has validated it
 * (the wizard and --yes both come through the flow).
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<{ok: true; value: Applied} | ({ok: false} & ApplyFailure)> {
	if (options.signal?.aborted) {
		return {ok: false, stage: 'stopped', error: STOPPED_BEFORE_WRITING};
	}

	const written = await withSignalsDeferred(async () => writeChanges(plan.files, {cfPath: options.cfPath, now: options.now, fileOps: options.fileOps, keep: options.keep}));
	if (!written.ok) {
		return {ok: false, stage: 'write', error: written.error};
	}

	return {ok: true, value: {validation: options.validated, backup: written.value}};
}

const STOPPED_BEFORE_WRITING = 'stopped before writing (Ctrl+C); nothing was written';

/** Settles with a failure when the signal fires; cancel() lets go of the signal. */
function untilAborted(signal: AbortSignal | undefined): {promise: Promise<Result<never>>; cancel(): void} {
	if (signal === undefined) {
		return {promise: new Promise(() => undefined), cancel() {}};
	}

	let onAbort = () => {};
	const promise = new Promise<Result<never>>(resolve => {
		onAbort = () => {
			resolve({ok: false, error: STOPPED_BEFORE_WRITING});
		};

		if (signal.aborted) {
			onAbort();
		} else {
			signal.addEventListener('abort', onAbort, {once: true});
		}
	});
	return {promise, cancel: () => signal.removeEventListener('abort', onAbort)};
}

const DEFERRED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs the writes with Ctrl+C and friends held back: a stop between two files would leave a
 * half-applied set (say, a new help file with the old config). The signal takes effect after.
 */
async function withSignalsDeferred<T>(work: () => Promise<T>): Promise<T> {
	const received: NodeJS.Signals[] = [];
	const hold = (signal: NodeJS.Signals) => {
		received.push(signal);
	};

	for (const signal of DEFERRED_SIGNALS) {
		process.on(signal, hold);
	}

	// The command line's stop handler (stop-signals.ts) stands back meanwhile.
	const endDeferral = deferStops();
	try {
		return await work();
	} finally {
		for (const signal of DEFERRED_SIGNALS) {
			process.off(signal, hold);
		}

		endDeferral();

		if (received.length > 0) {
			process.kill(process.pid, received[0]);
		}
	}
}
