import {existsSync} from 'node:fs';
import {unifiedDiff} from '../core/diff.js';
import type {Plan} from '../core/plan.js';
import {loadAnswers} from '../system/answers-source.js';
import {applyPlan} from '../system/apply.js';
import {recoverInterrupted} from '../system/config-files.js';
import {makePlan} from '../system/make-plan.js';
import {readDaemonAddress} from '../core/verify-checks.js';
import {restartOrRecover, waitForListener} from '../system/restart.js';
import {describeManualRestart, findRestartPlan, type RestartPlan} from '../system/service.js';
import {DEFAULT_CONFIG, loadTarget} from '../system/target.js';
import {EXIT, type CommandIo} from './command-io.js';
import {runVerify} from './verify.js';

export type HardenFlags = {
	/** true: restart after writing; false or undefined: print the command to run. */
	restart?: boolean;
	config?: string;
	/** --demo: work on a copy of the bundled sample. */
	demo?: boolean;
	preset?: string;
	answers?: string;
	yes?: boolean;
	dryRun?: boolean;
	cfOnly?: boolean;
	/** How many backup sets to keep (--keep N). */
	keep?: number;
};

function printPlanSummary(plan: Plan, io: CommandIo): void {
	for (const change of plan.settings) {
		io.out(`  ${change.setting}: ${change.from ?? '(not set)'} -> ${change.to}\n`);
	}

	for (const note of plan.notes) {
		io.out(`  note: ${note}\n`);
	}

	for (const warning of plan.warnings) {
		io.err(`sendmail-harden: warning: ${warning}\n`);
	}
}

/**
 * The no-UI path: `--dry-run` prints the diff of what would change; `--yes`
 * checks, backs up and writes it. Both take their answers from --preset or --answers.
 */
export type HardenDeps = {
	now: () => Date;
	/** How this host restarts sendmail (systemd, init script, rc); tests pass a stand-in. */
	findRestartPlan: () => Promise<RestartPlan | undefined>;
};

const realDeps: HardenDeps = {now: () => new Date(), findRestartPlan: async () => findRestartPlan()};

export async function runHarden(flags: HardenFlags, io: CommandIo, deps: HardenDeps = realDeps): Promise<number> {
	const source = await loadAnswers(flags);
	if (!source.ok) {
		io.err(`sendmail-harden: ${source.error}\n`);
		return EXIT.badInput;
	}

	if (source.value === undefined) {
		io.err(`sendmail-harden: ${flags.dryRun ? '--dry-run' : '--yes'} needs answers: give --preset NAME or --answers FILE\n`);
		return EXIT.badInput;
	}

	// A run killed halfway leaves a half-applied set: settle it before reading the files.
	const settleConfig = flags.config ?? (!flags.demo && existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
	if (!flags.dryRun && settleConfig !== undefined) {
		const recovered = await recoverInterrupted(settleConfig);
		if (!recovered.ok) {
			io.err(`sendmail-harden: ${recovered.error}\n`);
			return EXIT.writeFailed;
		}

		for (const note of recovered.value) {
			io.err(`sendmail-harden: note: ${note}\n`);
		}
	}

	const target = await loadTarget(flags.config, flags.demo ? null : undefined);
	if (!target.ok) {
		io.err(`sendmail-harden: ${target.error}\n`);
		return EXIT.badInput;
	}

	const {cfPath, cfText, helpFile, demo} = target.value;
	if (demo) {
		io.err(`sendmail-harden: demo mode: there is no /etc/mail/sendmail.cf, so working on a copy of the bundled sample at ${cfPath}\n`);
	}

	const plan = await makePlan(target.value, source.value.answers, {cfOnly: flags.cfOnly, env: io.env});
	if (!plan.ok) {
		io.err(`sendmail-harden: ${plan.error}\n`);
		return EXIT.badInput;
	}

	if (plan.value.files.length === 0) {
		io.out(`Nothing to change: ${cfPath} already has the settings of ${source.value.from}.\n`);
		for (const warning of plan.value.warnings) {
			io.err(`sendmail-harden: warning: ${warning}\n`);
		}

		return EXIT.done;
	}

	const {source: planSource} = plan.value;
	if (flags.dryRun) {
		// On stderr, so that stdout stays a patch; the .mc diff comes first, then the .cf it rebuilds.
		for (const note of plan.value.notes) {
			io.err(`sendmail-harden: note: ${note}\n`);
		}

		if (planSource?.kind === 'mc') {
			io.err(`sendmail-harden: the new ${cfPath} is built with: ${planSource.buildCommand}: ${planSource.rebuildOutput}\n`);
		}

		for (const file of plan.value.files) {
			io.out(unifiedDiff(file));
		}

		for (const warning of plan.value.warnings) {
			io.err(`sendmail-harden: warning: ${warning}\n`);
		}

		return EXIT.done;
	}

	const applied = await applyPlan(plan.value, {cfPath, now: deps.now(), env: io.env, keep: flags.keep});
	if (!applied.ok) {
		io.err(`sendmail-harden: ${applied.error}\n`);
		return applied.stage === 'validate' ? EXIT.badInput : EXIT.writeFailed;
	}

	io.out(
		planSource?.kind === 'mc'
			? `Changed ${planSource.mcPath} and rebuilt ${cfPath} from it with the answers of ${source.value.from}:\n`
			: `Changed ${cfPath} with the answers of ${source.value.from}:\n`,
	);
	printPlanSummary(plan.value, io);
	if (planSource?.kind === 'mc') {
		io.out(`  rebuilt with: ${planSource.buildCommand}: ${planSource.rebuildOutput}\n`);
	}

	if (!applied.value.validation.checked) {
		io.err(`sendmail-harden: warning: ${applied.value.validation.reason}\n`);
	}

	io.out(`Backup: ${applied.value.backup.files.map(file => file.backup).join(', ')}\n`);
	io.out(`Undo with: sendmail-harden rollback --config ${cfPath}\n`);

	const restartPlan = demo ? undefined : await deps.findRestartPlan();
	if (flags.restart !== true || restartPlan === undefined) {
		io.out(demo ? 'Demo mode: no sendmail was restarted.\n' : `${describeManualRestart(restartPlan)}\n`);
		return EXIT.done;
	}

	io.out(`Restarting sendmail: ${restartPlan.label}\n`);
	const restarted = await restartOrRecover(restartPlan, applied.value.backup, {onOutput: chunk => io.out(chunk), env: io.env});
	if (!restarted.ok) {
		io.err(`sendmail-harden: ${restarted.error}; ${restarted.rolledBack.ok ? restarted.rolledBack.value : restarted.rolledBack.error}\n`);
		return EXIT.writeFailed;
	}

	// Prove it on the live server, at the address the config itself listens on.
	const {host, port} = readDaemonAddress(plan.value.files.find(file => file.role === 'cf')?.after ?? cfText);
	io.out(`sendmail restarted. Checking ${host}:${port}:\n`);
	if (!(await waitForListener(host, port, 15_000))) {
		io.err(`sendmail-harden: sendmail was restarted but nothing listens on ${host}:${port} after 15 s; check its log, or roll back with: sendmail-harden rollback --config ${cfPath}\n`);
		return EXIT.writeFailed;
	}

	const verified = await runVerify({host, port, answers: source.value.answers}, io);
	if (verified !== EXIT.done) {
		io.err(`sendmail-harden: the server does not answer as hardened yet (see above); roll back with: sendmail-harden rollback --config ${cfPath}\n`);
	}

	return verified;
}
