import type {Plan} from '../core/plan.js';
import type {Result} from '../core/result.js';
import {writeChanges, type BackupSet, type FileOps} from './config-files.js';
import {validateChange, type Validation} from './sendmail.js';
import {deferStops} from './stop-signals.js';

export type Applied = {validation: Validation; backup: BackupSet};

export type ApplyFailure = {
	/** "validate": sendmail refused the new config; "write": the disk did. Nothing was changed either way. */
	stage: 'validate' | 'write';
	error: string;
};

export type ApplyOptions = {
	cfPath: string;
	now: Date;
	env?: NodeJS.ProcessEnv;
	/** How long sendmail may take to read a config (it waits 60 s when the host name is unqualified). */
	checkTimeoutMs?: number;
	fileOps?: FileOps;
	/** How many backup sets of the config to keep (--keep); older ones are removed after the write. */
	keep?: number;
};

export const DEFAULT_CHECK_TIMEOUT_MS = 90_000;

/**
 * Checks the new config with the installed sendmail, then backs up and writes
 * every file of the plan. The wizard and --yes both come through here.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<{ok: true; value: Applied} | ({ok: false} & ApplyFailure)> {
	const cf = plan.files.find(file => file.role === 'cf');
	let validation: Result<Validation> = {ok: true, value: {checked: false, reason: 'the config itself does not change'}};
	if (cf) {
		validation = await validateChange(cf.before, cf.after, {
			env: options.env,
			timeoutMs: options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
			cfPath: options.cfPath,
		});
	}

	if (!validation.ok) {
		return {ok: false, stage: 'validate', error: validation.error};
	}

	const written = await withSignalsDeferred(async () => writeChanges(plan.files, {cfPath: options.cfPath, now: options.now, fileOps: options.fileOps, keep: options.keep}));
	if (!written.ok) {
		return {ok: false, stage: 'write', error: written.error};
	}

	return {ok: true, value: {validation: validation.value, backup: written.value}};
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
