import {unifiedDiff} from '../core/diff.js';
import {auditAfter, hardenedText} from '../core/hardened-table.js';
import type {StarttlsAudit} from '../core/certificate-audit.js';
import {readStarttlsAudit} from '../system/audit-extras.js';
import type {HelpFileState, Plan, TlsFileState} from '../core/plan.js';
import type {Check} from '../core/verify-checks.js';
import {safeJson} from '../core/sanitize.js';
import {candidateFiles, runApplyFlow, type ApplyFlowDeps, type ApplyFlowResult, type FlowKnown, type FlowStepView, type RehearseFiles} from '../flow/apply-flow.js';
import {emptyDocument, flowDocument, planDocument, withFailure, type JsonDocument} from '../flow/json-document.js';
import {realFlowDeps} from '../flow/real-deps.js';
import {daemonReadsConfig, noRestartReason, setUpRun} from '../flow/setup.js';
import {makePlan} from '../system/make-plan.js';
import type {RestartPlan} from '../system/service.js';
import {DEFAULT_CONFIG, loadTarget, removeDemoCopies} from '../system/target.js';
import {EXIT, type CommandIo} from './command-io.js';
import {hostNameCountdown} from './audit.js';
import {askSendmail} from '../system/rehearsal.js';
import {complaintWarnings, formatCheck, rehearsalVantage} from './verify.js';
import {addressText} from '../core/address.js';

export type HardenFlags = {
	/** true: restart after writing; false or undefined: print the command to run. */
	restart?: boolean;
	/** --restart-command CMD: the restart to run (or print) instead of the detected one. */
	restartCommand?: RestartPlan;
	config?: string;
	/** --demo: work on a copy of the bundled sample. */
	demo?: boolean;
	preset?: string;
	answers?: string;
	yes?: boolean;
	dryRun?: boolean;
	cfOnly?: boolean;
	/** One JSON document on stdout (json-document.ts) instead of the text. */
	json?: boolean;
	/** How many backup sets to keep (--keep N). */
	keep?: number;
	/** --hostname NAME: the host name sendmail's rehearsal runs under (the $j of the banner shown). */
	hostname?: string;
	/** --from ADDR: the client address the rehearsal plays. */
	from?: string;
};

/**
 * The no-UI path: `--dry-run` prints the diff of what would change and what the apply flow would
 * do; `--yes` runs the flow (source/flow/apply-flow.ts). Both take their answers from --preset or
 * --answers. Tests replace effects; anything left out is the real one.
 */
export type HardenDeps = {
	now: () => Date;
	/** How this host restarts sendmail (systemd, init script, rc); tests pass a stand-in. */
	findRestartPlan: () => Promise<RestartPlan | undefined>;
	rehearse?: RehearseFiles;
	/** Any other effect of the flow, for tests. */
	flow?: Partial<ApplyFlowDeps>;
	/**
	 * Whether the running daemon reads the config (flow/setup.ts daemonReadsConfig unless a test
	 * runs its own daemon on a temp copy): the wizard asks the same before offering a restart.
	 */
	isLiveConfig?(cfPath: string): boolean;
};


function defaultDeps(): HardenDeps {
	return {now: () => new Date(), findRestartPlan: async () => realFlowDeps(process.env).findRestartPlan()};
}

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

function printChecks(heading: string, checks: readonly Check[], io: CommandIo, peer = 'server'): void {
	io.out(heading);
	for (const check of checks) {
		// The replies of a rehearsal are sendmail's own, not a server's over the network.
		io.out(peer === 'server' ? formatCheck(check) : formatCheck(check).replace(/ \u2014 server said "/, ` \u2014 ${peer} said "`));
	}
}

export async function runHarden(flags: HardenFlags, io: CommandIo, deps: HardenDeps = defaultDeps()): Promise<number> {
	const command = flags.dryRun ? 'dry-run' : 'harden';
	let document = emptyDocument(command, flags.config ?? DEFAULT_CONFIG);
	// Text mode prints as it goes; JSON mode prints the one document at the end, and the error line.
	const text = flags.json !== true;
	const end = (code: number, error?: string) => {
		// A demo copy is for this run only (every return after loadTarget comes through here; a
		// stop signal or a crash goes through target.ts's exit hook instead).
		removeDemoCopies();
		if (error !== undefined) {
			io.err(`sendmail-harden: ${error}\n`);
		}

		if (!text) {
			io.out(`${safeJson(document, '\t')}\n`);
		}

		return code;
	};

	const badInput = (error: string) => {
		document = withFailure(document, 'bad input', error);
		return end(EXIT.badInput, error);
	};

	const setup = await setUpRun(flags, {settle: !flags.dryRun, needAnswers: `${flags.dryRun ? '--dry-run' : '--yes'} needs answers: give --preset NAME or --answers FILE`});
	const notes = setup.ok ? setup.value.notes : setup.notes;
	for (const note of notes) {
		if (text) {
			io.err(`sendmail-harden: note: ${note}\n`);
		}

		document.notes.push(note);
	}

	if (!setup.ok) {
		if (setup.meaning === 'write failed') {
			document = withFailure(document, 'write failed', setup.error);
			return end(EXIT.writeFailed, setup.error);
		}

		return badInput(setup.error);
	}

	const {target} = setup.value;
	const answersSource = setup.value.source!;

	const {cfPath, cfText, helpFile, demo} = target;
	document.config = cfPath;
	const demoNote = `demo mode: ${flags.demo ? '--demo' : `there is no ${DEFAULT_CONFIG}`}, so working on a copy of the bundled sample at ${cfPath}`;
	if (demo && text) {
		io.err(`sendmail-harden: ${demoNote}\n`);
	}

	const plan = await makePlan(target, answersSource.answers, {cfOnly: flags.cfOnly, env: io.env, mailHostName: flags.hostname});
	if (!plan.ok) {
		return badInput(plan.error);
	}

	document = planDocument(command, cfPath, plan.value, [...document.notes, ...(demo ? [demoNote] : [])]);
	if (plan.value.files.length === 0) {
		if (text) {
			io.out(`Nothing to change: ${cfPath} already has the settings of ${answersSource.from}.\n`);
			for (const warning of plan.value.warnings) {
				io.err(`sendmail-harden: warning: ${warning}\n`);
			}

			// Done as asked is not hardened: audit's account of the files as they are.
			io.out(hardenedText(auditAfter(cfText, helpFile, undefined, {starttls: await readStarttlsAudit(cfText)})));
		}

		return end(EXIT.done);
	}

	const {source: planSource} = plan.value;
	if (flags.dryRun && text) {
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
	}

	const real = realFlowDeps(io.env, {hostName: flags.hostname, restartCommand: flags.restartCommand, from: flags.from});
	const rehearseCandidate = deps.rehearse ?? real.rehearse;
	const flowDeps: ApplyFlowDeps = {
		// The wizard's effects too: --hostname stands for the host's name in the rehearsal.
		...real,
		// sendmail's complaints before its greeting: said to be old news when the current config draws them too.
		async rehearse(files, answers, options) {
			const report = await rehearseCandidate(files, answers, options);
			if (report.ok && report.value.status === 'ran' && (report.value.complaints?.length ?? 0) > 0) {
				const helpFileText = helpFile !== undefined && 'text' in helpFile ? helpFile.text : undefined;
				const now = await askSendmail(helpFileText === undefined ? {cfText} : {cfText, helpFileText}, [], {env: io.env, hostName: flags.hostname, from: flags.from, signal: options?.signal});
				if (now.ok && now.value.status === 'ran') {
					report.value.complaintsNow = report.value.complaints!.every(line => now.value.status === 'ran' && (now.value.complaints ?? []).includes(line));
				}
			}

			return report;
		},
		now: deps.now,
		findRestartPlan: flags.restartCommand === undefined ? deps.findRestartPlan : async () => flags.restartCommand,
		...deps.flow,
	};
	// The certificate's findings for the table the run ends with, from the files the new config names.
	const starttls = text ? await readStarttlsAudit(candidateFiles({plan: plan.value, cfText}).cfText) : undefined;
	const printer = text ? stepPrinter(flags, io, {plan: plan.value, cfPath, from: answersSource.from, cfText, helpFile, starttls}) : undefined;
	const result = await runApplyFlow(
		{
			plan: plan.value,
			answers: answersSource.answers,
			cfPath,
			cfText,
			helpFileText: helpFile !== undefined && 'text' in helpFile ? helpFile.text : undefined,
			dryRun: flags.dryRun === true,
			restart: flags.restart === true ? 'yes' : 'no',
			keep: flags.keep,
			// As in the wizard: a restart for a config the daemon does not read proves nothing.
			noRestartReason: noRestartReason(target, deps.isLiveConfig?.(cfPath) ?? daemonReadsConfig(target, flags)),
		},
		flowDeps,
		{
			onChange: printer?.onChange,
			onOutput: printer?.onOutput,
			// Where sendmail must sleep on an unqualified host name, the wait is counted down on
			// stderr (not in --json, where stderr is the one error line).
			onHostNameWait: text ? hostNameCountdown(io) : undefined,
			// Nothing listening after the restart: mail is down, so the old files go back. A server
			// that runs but fails a check keeps the new files (undo with rollback).
			confirmRollback: async (_why, outcome) => outcome === 'not-listening',
		},
	);
	document = flowDocument(document, result);
	if (text) {
		printer?.finish(result);
	} else if (result.error !== undefined) {
		io.err(`sendmail-harden: ${result.error}\n`);
	}

	return end(result.exitCode);
}

type PrintContext = {plan: Plan; cfPath: string; from: string; cfText: string; helpFile: HelpFileState; starttls?: StarttlsAudit; dhFile?: TlsFileState};

/** Prints the flow's steps as they change, in the words --yes has always used. */
function stepPrinter(flags: HardenFlags, io: CommandIo, context: PrintContext) {
	const {plan, cfPath, from} = context;
	const planSource = plan.source;
	const seen = new Map<string, FlowStepView['status']>();
	let outputEndsLine = true;

	const onStep = (step: FlowStepView, known: FlowKnown) => {
		if (flags.dryRun) {
			// After the diff: what sendmail itself answers with the new files.
			if (step.id === 'rehearse' && (step.status === 'done' || step.status === 'failed')) {
				const {rehearsal} = known;
				if (rehearsal?.status === 'ran') {
					for (const warning of complaintWarnings(rehearsal.complaints, rehearsal.complaintsNow)) {
						io.err(warning);
					}

					printChecks(`Rehearsal with the installed sendmail (sendmail -C NEW -bs), what clients would see, ${rehearsalVantage(rehearsal)}:\n`, rehearsal.checks, io, 'sendmail');
				} else if (rehearsal?.status === 'skipped') {
					io.out(`Not rehearsed with sendmail: ${rehearsal.reason}.\n`);
				}
			}

			// A dry run skips every step that would change something, each with its reason.
			if (step.status === 'skipped' && step.id !== 'rehearse') {
				io.out(`skipped: ${step.title} — ${step.detail ?? ''}\n`);
			}

			return;
		}

		switch (`${step.id}:${step.status}`) {
			case 'write:done': {
				io.out(
					planSource?.kind === 'mc'
						? `Changed ${planSource.mcPath} and rebuilt ${cfPath} from it with the answers of ${from}:\n`
						: `Changed ${cfPath} with the answers of ${from}:\n`,
				);
				printPlanSummary(plan, io);
				if (planSource?.kind === 'mc') {
					io.out(`  rebuilt with: ${planSource.buildCommand}: ${planSource.rebuildOutput}\n`);
				}

				const {rehearsal, applied} = known;
				if (rehearsal?.status === 'ran') {
					for (const warning of complaintWarnings(rehearsal.complaints, rehearsal.complaintsNow)) {
						io.err(warning);
					}

					io.out(`Rehearsed with the installed sendmail first, ${rehearsalVantage(rehearsal)}: ${rehearsal.checks.filter(check => check.status === 'pass').length} checks passed.\n`);
				} else if (rehearsal?.status === 'skipped') {
					io.out(`Not rehearsed with sendmail: ${rehearsal.reason}.\n`);
				}

				if (applied !== undefined) {
					if (!applied.validation.checked) {
						io.err(`sendmail-harden: warning: ${applied.validation.reason}\n`);
					}

					io.out(`Backup: ${applied.backup.files.map(file => file.backup ?? `none for ${file.path} (created)`).join(', ')}\n`);
				}

				io.out(`Undo with: sendmail-harden rollback --config ${cfPath}\n`);
				break;
			}

			case 'verify:done':
			case 'verify:failed': {
				if (known.verify !== undefined) {
										printChecks(`Checking the server at ${addressText(known.address)}\n`, known.verify.checks, io);
					const failed = known.verify.checks.filter(check => check.status === 'fail').length;
					const passed = known.verify.checks.filter(check => check.status === 'pass').length;
					io.out(failed === 0 ? `All checks passed: ${passed} passed.\n` : `Not hardened as the answers say: ${passed} passed, ${failed} failed.\n`);
				}

				break;
			}

			case 'restart:skipped': {
				if (seen.get('write') === 'done') {
					io.out(`${step.detail ?? ''}\n`);
				}

				break;
			}

			case 'restart:running': {
				io.out(`${step.doing}\n`);
				break;
			}

			case 'rollback:running': {
				io.out(`${step.doing}\n`);
				break;
			}

			case 'listen:running': {
				io.out(`sendmail restarted. Checking ${addressText(known.address)}:\n`);
				break;
			}

			default: {
				break;
			}
		}
	};

	return {
		onChange(steps: readonly FlowStepView[], known: FlowKnown) {
			for (const step of steps) {
				if (seen.get(step.id) !== step.status) {
					seen.set(step.id, step.status);
					// A command's output ends on a line of its own before anything else is said.
					if (!outputEndsLine) {
						io.out('\n');
						outputEndsLine = true;
					}

					onStep(step, known);
				}
			}
		},
		onOutput(_id: string, chunk: string) {
			if (chunk !== '') {
				io.out(chunk);
				outputEndsLine = chunk.endsWith('\n');
			}
		},
		finish(result: ApplyFlowResult) {
			if (!outputEndsLine) {
				io.out('\n');
			}

			for (const problem of result.problems) {
				io.err(`sendmail-harden: ${problem}\n`);
			}

			// Audit's account of the files the run leaves (a dry run: would leave), so that "done"
			// never stands alone while audit would find something open. A run that wrote nothing or
			// put the old files back ends with its error instead.
			const kept = flags.dryRun ? result.error === undefined : result.changed && result.rollback?.ok !== true;
			if (kept) {
				io.out(`${flags.dryRun ? 'After these changes, audit would find:\n' : ''}${hardenedText(auditAfter(context.cfText, context.helpFile, plan, context.starttls === undefined ? {} : {starttls: context.starttls}, context.dhFile))}`);
			}

			if (result.error !== undefined) {
				const undo = (result.outcome === 'verify-failed' || result.outcome === 'stopped' || (result.outcome === 'not-listening' && result.rollback === undefined)) && result.changed
					? `; roll back with: sendmail-harden rollback --config ${cfPath}`
					: '';
				io.err(`sendmail-harden: ${result.error}${undo}\n`);
			}
		},
	};
}
