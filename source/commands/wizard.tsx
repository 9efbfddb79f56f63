import os from 'node:os';
import {render} from 'ink';
import type {Answers} from '../core/answers.js';
import {describeManualRestart} from '../core/restart-plan.js';
import {readDaemonAddress} from '../core/verify-checks.js';
import {App, type WizardEffects, type WizardResult, type WizardSetup} from '../app.js';
import {loadAnswers} from '../system/answers-source.js';
import {applyPlan} from '../system/apply.js';
import {makePlan} from '../system/make-plan.js';
import {rollbackBackupSet} from '../system/config-files.js';
import {findSendmail, sendmailVersion} from '../system/sendmail.js';
import {DEFAULT_CONFIG, loadTarget, type Target} from '../system/target.js';
import type {RestartSeam} from '../steps/ApplyStep.js';
import type {PresetSaver} from '../steps/DoneStep.js';
import {EXIT, type CommandIo} from './command-io.js';

export type WizardFlags = {
	config?: string;
	preset?: string;
	answers?: string;
	hostname?: string;
	/** --restart / --no-restart; undefined: ask. */
	restart?: boolean;
	cfOnly?: boolean;
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

	const fromCf = /^Dj(\S+)\s*$/m.exec(cfText)?.[1];
	return fromCf !== undefined && !fromCf.includes('$') ? fromCf : os.hostname();
}

/**
 * Restart and live check are offered only for the file the running daemon reads: a demo
 * copy or another --config path is not it, and restarting would prove nothing.
 */
async function restartSeam(target: Target, flags: WizardFlags, env: NodeJS.ProcessEnv): Promise<RestartSeam | {reason: string}> {
	if (target.demo) {
		return {reason: 'Demo mode: the running sendmail does not read this copy, so there is nothing to restart.'};
	}

	if (target.cfPath !== DEFAULT_CONFIG) {
		return {reason: `The running sendmail reads ${DEFAULT_CONFIG}, not this file, so there is nothing to restart.`};
	}

	const service = await import('../system/service.js');
	const {verifyServer} = await import('../system/verify-server.js');
	const address = readDaemonAddress(target.cfText);
	return {
		findPlan: async () => service.findRestartPlan({env}),
		run: async (plan, onOutput) => service.runRestart(plan, {timeoutMs: 120_000, onOutput, env}),
		verify: async (answers: Answers) => verifyServer(address.host, address.port, answers),
		manual: plan => describeManualRestart(plan),
		never: flags.restart === false,
	};
}

async function presetAccess(): Promise<{names: string[]; saver: PresetSaver; load: WizardSetup['loadPreset']} | undefined> {
	try {
		const {openPresetStore} = await import('../presets.js');
		const store = openPresetStore();
		if (!store.ok) {
			return undefined;
		}

		const presets = store.value;
		return {
			names: presets.list().map(preset => preset.name),
			saver: {
				exists: name => presets.get(name).ok,
				save: (name, answers, force) => presets.save(name, answers, {force, now: new Date()}),
			},
			load(name) {
				const preset = presets.get(name);
				return preset.ok ? {ok: true, value: preset.value.answers} : preset;
			},
		};
	} catch {
		return undefined;
	}
}

/** The interactive wizard (design.md "The wizard"). Exit codes as for --yes. */
export async function runWizard(flags: WizardFlags, io: CommandIo, terminal: WizardTerminal = process): Promise<number> {
	// Ink needs raw mode; without a terminal its error would be a stack trace.
	if (!terminal.stdin.isTTY) {
		io.err('sendmail-harden: the wizard needs a terminal; to apply answers without one, use --yes with --preset NAME or --answers FILE\n');
		return EXIT.badInput;
	}

	const source = await loadAnswers(flags);
	if (!source.ok) {
		io.err(`sendmail-harden: ${source.error}\n`);
		return EXIT.badInput;
	}

	const target = await loadTarget(flags.config);
	if (!target.ok) {
		io.err(`sendmail-harden: ${target.error}\n`);
		return EXIT.badInput;
	}

	const env = io.env;
	const presets = await presetAccess();
	const setup: WizardSetup = {
		target: target.value,
		answers: source.value?.answers ?? {},
		answersFrom: source.value?.from,
		hostname: previewHostname(flags.hostname, target.value.cfText),
		presetNames: source.value === undefined ? presets?.names ?? [] : [],
		loadPreset: presets?.load,
		restart: await restartSeam(target.value, flags, env),
	};
	const effects: WizardEffects = {
		now: () => new Date(),
		env,
		async sendmailVersion() {
			const program = findSendmail(env);
			return program === undefined ? undefined : sendmailVersion(program, target.value.cfPath);
		},
		makePlan: async (target, answers) => makePlan(target, answers, {cfOnly: flags.cfOnly, env}),
		applyPlan,
		rollback: async set => rollbackBackupSet(set),
		presets: presets?.saver,
	};

	let result: WizardResult = {code: EXIT.done};
	const instance = render(<App setup={setup} effects={effects} onExit={value => {
		result = value;
	}} />, {
		stdin: terminal.stdin,
		stdout: terminal.stdout,
		stderr: terminal.stderr,
		exitOnCtrlC: false,
	});
	await instance.waitUntilExit();
	if (result.message !== undefined) {
		io.out(`${result.message}\n`);
	}

	return result.code;
}
