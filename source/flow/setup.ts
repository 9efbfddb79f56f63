// The start of every run, once for both faces (the wizard and --yes/--dry-run): the answers, then
// a run killed halfway settled, then the config read. Each face renders the failure and the notes
// its own way; the order and the exit codes are the same for both.
import {existsSync} from 'node:fs';
import type {Result} from '../core/result.js';
import {loadAnswers, type AnswersSource} from '../system/answers-source.js';
import {recoverInterrupted} from '../system/journal.js';
import {DEFAULT_CONFIG, loadTarget, type Target} from '../system/target.js';

export type RunSetupFlags = {
	config?: string;
	demo?: boolean;
	preset?: string;
	answers?: string;
	/** --restart-command: the admin names the restart of the daemon that reads --config. */
	restartCommand?: unknown;
};

export type RunSetup = {
	/** undefined: no --preset or --answers (the wizard starts from the config itself). */
	source: AnswersSource | undefined;
	target: Target;
	/** What settling an interrupted run did, one line each. */
	notes: string[];
};

/** Why the setup stopped: `bad input` (exit 2) or `write failed` (exit 3, a recovery that failed). */
export type RunSetupFailure = {meaning: 'bad input' | 'write failed'; error: string; notes: string[]};

/**
 * loadAnswers (needAnswers: the error when there are none), then recoverInterrupted (unless `settle` is false: a dry run changes nothing, not
 * even a half-applied set), then loadTarget.
 */
export async function setUpRun(flags: RunSetupFlags, options: {settle: boolean; needAnswers?: string}): Promise<{ok: true; value: RunSetup} | ({ok: false} & RunSetupFailure)> {
	const source = await loadAnswers(flags);
	if (!source.ok) {
		return {ok: false, meaning: 'bad input', error: source.error, notes: []};
	}

	// --yes and --dry-run need answers: said before anything is touched.
	if (source.value === undefined && options.needAnswers !== undefined) {
		return {ok: false, meaning: 'bad input', error: options.needAnswers, notes: []};
	}

	const notes: string[] = [];
	// A run killed halfway leaves a half-applied set: settle it before reading the files.
	const settleConfig = flags.config ?? (!flags.demo && existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
	if (options.settle && settleConfig !== undefined) {
		const recovered: Result<string[]> = await recoverInterrupted(settleConfig);
		if (!recovered.ok) {
			return {ok: false, meaning: 'write failed', error: recovered.error, notes};
		}

		notes.push(...recovered.value);
	}

	const target = await loadTarget(flags.config, flags.demo ? null : undefined);
	if (!target.ok) {
		return {ok: false, meaning: 'bad input', error: target.error, notes};
	}

	return {ok: true, value: {source: source.value, target: target.value, notes}};
}

/**
 * Whether the running daemon reads this config, so that a restart proves something: the default
 * config, or any config when the admin names the restart (--restart-command). Both faces ask this.
 */
export function daemonReadsConfig(target: Pick<Target, 'cfPath' | 'demo'>, flags: Pick<RunSetupFlags, 'restartCommand'>): boolean {
	return !target.demo && (target.cfPath === DEFAULT_CONFIG || flags.restartCommand !== undefined);
}

/**
 * Why the flow does not restart sendmail for this config, or undefined when it may (the apply
 * flow's noRestartReason). One text for both faces.
 */
export function noRestartReason(target: Pick<Target, 'cfPath' | 'demo'>, readsConfig: boolean): string | undefined {
	if (target.demo) {
		return 'Demo mode: the running sendmail does not read this copy, so there is nothing to restart.';
	}

	return readsConfig ? undefined : `sendmail does not read this config; not restarted (the running sendmail reads ${DEFAULT_CONFIG}, not this file).`;
}
