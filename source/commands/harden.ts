import {unifiedDiff} from '../core/diff.js';
import type {Plan} from '../core/plan.js';
import {loadAnswers} from '../system/answers-source.js';
import {applyPlan} from '../system/apply.js';
import {makePlan} from '../system/make-plan.js';
import {loadTarget} from '../system/target.js';
import {EXIT, type CommandIo} from './command-io.js';

export type HardenFlags = {
	config?: string;
	preset?: string;
	answers?: string;
	yes?: boolean;
	dryRun?: boolean;
	cfOnly?: boolean;
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
export async function runHarden(flags: HardenFlags, io: CommandIo, now: () => Date = () => new Date()): Promise<number> {
	const source = await loadAnswers(flags);
	if (!source.ok) {
		io.err(`sendmail-harden: ${source.error}\n`);
		return EXIT.badInput;
	}

	if (source.value === undefined) {
		io.err(`sendmail-harden: ${flags.dryRun ? '--dry-run' : '--yes'} needs answers: give --preset NAME or --answers FILE\n`);
		return EXIT.badInput;
	}

	const target = await loadTarget(flags.config);
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

	if (flags.dryRun) {
		for (const file of plan.value.files) {
			io.out(unifiedDiff(file));
		}

		for (const warning of plan.value.warnings) {
			io.err(`sendmail-harden: warning: ${warning}\n`);
		}

		return EXIT.done;
	}

	const applied = await applyPlan(plan.value, {cfPath, now: now(), env: io.env});
	if (!applied.ok) {
		io.err(`sendmail-harden: ${applied.error}\n`);
		return applied.stage === 'validate' ? EXIT.badInput : EXIT.writeFailed;
	}

	io.out(`Changed ${cfPath} with the answers of ${source.value.from}:\n`);
	printPlanSummary(plan.value, io);
	if (!applied.value.validation.checked) {
		io.err(`sendmail-harden: warning: ${applied.value.validation.reason}\n`);
	}

	io.out(`Backup: ${applied.value.backup.files.map(file => file.backup).join(', ')}\n`);
	io.out(`Undo with: sendmail-harden rollback --config ${cfPath}\n`);
	return EXIT.done;
}
