import os from 'node:os';
import {render} from 'ink';
import {App, type WizardEffects, type WizardPresets, type WizardResult, type WizardSetup} from '../app.js';
import {checkMcAgrees, mailHubFinding, makePlan} from '../system/make-plan.js';
import {accessProblem} from '../system/access.js';
import {findMcFor} from '../system/mc-rebuild.js';
import {findSendmail, sendmailFfrDefines, sendmailVersion} from '../system/sendmail.js';
import {askSendmail} from '../system/rehearsal.js';
import {configHostName, hostNameWarning} from '../system/host-name.js';
import type {RestartPlan} from '../system/service.js';
import {DEFAULT_CONFIG, removeDemoCopy} from '../system/target.js';
import {realFlowDeps} from '../flow/real-deps.js';
import {daemonReadsConfig, setUpRun} from '../flow/setup.js';
import {fail, type Result} from '../core/result.js';
import {parseCf} from '../core/sendmail-cf.js';
import {wizardOutput} from '../components/terminal-output.js';
import {EXIT, type CommandIo} from './command-io.js';
import {firstScreenShown} from '../system/launcher-host.js';

export type WizardFlags = {
	config?: string;
	/** --demo: work on a copy of the bundled sample. */
	demo?: boolean;
	preset?: string;
	answers?: string;
	hostname?: string;
	/** --from ADDR: the client address the rehearsal plays. */
	from?: string;
	/** --restart / --no-restart; undefined: ask. */
	restart?: boolean;
	/** --restart-command CMD: the restart offered instead of the detected one. */
	restartCommand?: RestartPlan;
	cfOnly?: boolean;
	/** --keep N: how many backup sets of the config to keep. */
	keep?: number;
};

/** What runWizard needs from the terminal; tests replace it. */
export type WizardTerminal = {
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
};

/** $j for the preview: --hostname, else the cf's own Dj line, else this machine's name. */
export function previewHostname(flag: string | undefined, cfText: string): string {
	if (flag !== undefined) {
		return flag;
	}

	const fromCf = parseCf(cfText).macros.get('j')?.trim();
	return fromCf && !fromCf.includes('$') ? fromCf : os.hostname();
}

/** Opens the preset store; the wizard calls it after its first screen (loading conf and ajv takes tens of ms). */
async function loadPresets(): Promise<Result<WizardPresets>> {
	const {openPresetStore} = await import('../presets.js');
	return openPresetStore();
}

/** The interactive wizard (docs/design.md, "The wizard"). Exit codes as for --yes. */
// Set by scripts/build.js, which also fixes ink's incremental writer; off where ink runs unbundled.
declare const SENDMAIL_HARDEN_BUNDLE: boolean | undefined;
const INCREMENTAL_RENDERING = typeof SENDMAIL_HARDEN_BUNDLE !== 'undefined' && SENDMAIL_HARDEN_BUNDLE;

export async function runWizard(flags: WizardFlags, io: CommandIo, terminal: WizardTerminal = process): Promise<number> {
	// Ink needs raw mode; without a terminal its error would be a stack trace. With stdout sent to
	// a file the wizard would run blind while keys still act, so that is refused the same way.
	if (!terminal.stdin.isTTY || !terminal.stdout.isTTY) {
		io.err(`sendmail-harden: the wizard needs a terminal (${terminal.stdin.isTTY ? 'stdout' : 'stdin'} is not one); to apply answers without one, use --yes with --preset NAME or --answers FILE\n`);
		return EXIT.badInput;
	}

	const prepared = await setUpRun(flags, {settle: true});
	for (const note of prepared.ok ? prepared.value.notes : prepared.notes) {
		io.err(`sendmail-harden: note: ${note}\n`);
	}

	if (!prepared.ok) {
		io.err(`sendmail-harden: ${prepared.error}\n`);
		return prepared.meaning === 'write failed' ? EXIT.writeFailed : EXIT.badInput;
	}

	const {source, target} = prepared.value;
	const env = io.env;
	const setup: WizardSetup = {
		target,
		answers: source?.answers ?? {},
		answersFrom: source?.from,
		hostname: previewHostname(flags.hostname, target.cfText),
		restart: flags.restart,
		cfOnly: flags.cfOnly,
		keep: flags.keep,
	};
	const effects: WizardEffects = {
		// The flow's effects, the same as --yes (--hostname and --restart-command included).
		...realFlowDeps(env, {hostName: flags.hostname, restartCommand: flags.restartCommand, from: flags.from}),
		async sendmailVersion() {
			const program = findSendmail(env);
			return program === undefined ? undefined : sendmailVersion(program, target.cfPath);
		},
		async sendmailFfrDefines() {
			const program = findSendmail(env);
			return program === undefined ? fail('sendmail is not installed here') : sendmailFfrDefines(program, {cfPath: target.cfPath, hostName: flags.hostname ?? configHostName(target.cfText)});
		},
		findMc: async cfPath => findMcFor(cfPath),
		checkMcAgrees: async target => checkMcAgrees(target, {env}),
		hostNameWarning: () => hostNameWarning(),
		accessProblem: async target => (target.demo ? undefined : accessProblem(target.cfPath, {live: target.cfPath === DEFAULT_CONFIG})),
		// Welcome's choice, pre-selected from --cf-only.
		makePlan: async (target, answers, {cfOnly}) => makePlan(target, answers, {cfOnly, env, mailHostName: flags.hostname}),
		mailHub: async () => mailHubFinding(target, {mailHostName: flags.hostname}),
		// --hostname stands for the host's name where it is not qualified.
		askSendmail: async (files, commands, options) => askSendmail(files, commands, {hostName: flags.hostname, from: flags.from, ...options}),
		// The same question --yes asks before a restart.
		isLiveConfig: cfPath => daemonReadsConfig({cfPath, demo: target.demo}, flags),
		loadPresets,
		// The same reading as audit and --yes; loaded when Done needs it, not before the first screen.
		readStarttlsAudit: async cfText => (await import('../system/audit-extras.js')).readStarttlsAudit(cfText),
	};

	let result: WizardResult = {code: EXIT.done};
	const output = wizardOutput(terminal.stdout, env);
	const instance = render(<App setup={setup} effects={effects} onExit={value => {
		result = value;
	}} />, {
		stdin: terminal.stdin,
		stdout: output.stdout,
		stderr: terminal.stderr,
		exitOnCtrlC: false,
		// A terminal that cannot move the cursor gets each screen printed whole (components/terminal-output.ts).
		debug: output.plain,
		// A key rewrites only the lines that changed, each from its first changed cell (under 1 KB
		// an arrow key on Privacy instead of the whole frame): that matters over SSH. Ink 6.8's
		// writer needs the fixes and the line-tail edit that scripts/build.js applies (ink issue
		// #909, source/fast-paths/line-tail.ts), so this is on only in the bundle.
		incrementalRendering: INCREMENTAL_RENDERING,
	});
	firstScreenShown();
	try {
		await instance.waitUntilExit();
	} finally {
		output.flush();
		// A demo copy is for this run only; they would pile up in $TMPDIR.
		await removeDemoCopy(target);
	}

	if (result.message !== undefined) {
		io.out(`${result.message}\n`);
	}

	return result.code;
}
