// Shared by the wizard's tests: a temp copy of the bundled config, the App wired to the real
// plan and write code, and key presses with a wait for the screen to show something.
import {mkdtempSync, copyFileSync, readFileSync, writeFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {App, type WizardEffects, type WizardResult, type WizardSetup} from '../source/app.js';
import type {Answers} from '../source/core/answers.js';
import {GENERIC_GREETING} from '../source/core/greeting.js';
import {realFlowDeps} from '../source/flow/real-deps.js';
import {makePlan} from '../source/system/make-plan.js';
import {findMcFor} from '../source/system/mc-rebuild.js';
import {loadTarget, type Target} from '../source/system/target.js';
import {sendmailWrapper} from './helpers/sendmail.js';
import './helpers/state-dir.js';

export const KEY = {
	enter: '\r',
	escape: '\u001B',
	up: '\u001B[A',
	down: '\u001B[B',
	space: ' ',
	ctrlC: '\u0003',
	backspace: '\u007F',
	pageDown: '\u001B[6~',
} as const;

/** The answers the wizard tests replay, as a saved preset "web" would hold them. */
export const PRESET: Answers = {
	greeting: GENERIC_GREETING,
	maxMessageSize: 500_000,
	maxRecipientsPerMessage: 10,
	privacyOptions: ['goaway', 'restrictmailq', 'restrictqrun'],
	hideHelpVersion: true,
};

/** A fixed clock, so the $b in previews is the same on every run. */
export const NOW = new Date('2025-03-04T05:06:07Z');

/** The env for the write path: the config check runs through the UTS wrapper (no 60 s sleep). */
export const checkEnv: NodeJS.ProcessEnv = {SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper};

/** A temp folder with the bundled sendmail.cf and its help file, HelpFile pointing at the copy. */
export function tempConfig(t: {after(fn: () => void): void}): {folder: string; cfPath: string; helpPath: string} {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'wizard-test-'));
	t.after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	const cfPath = path.join(folder, 'sendmail.cf');
	const helpPath = path.join(folder, 'helpfile');
	copyFileSync('source/demo/helpfile', helpPath);
	const sample = readFileSync('source/demo/sendmail.cf', 'latin1');
	writeFileSync(cfPath, sample.replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`), 'latin1');
	return {folder, cfPath, helpPath};
}

export async function readTarget(cfPath: string): Promise<Target> {
	const target = await loadTarget(cfPath);
	if (!target.ok) {
		throw new Error(target.error);
	}

	return target.value;
}

export function testEffects(overrides: Partial<WizardEffects> = {}): WizardEffects {
	return {
		// The flow's real effects, as the CLI wires them (source/flow/real-deps.ts), but for the
		// host's name and a daemon's PidFile, which a test says when it needs them.
		...realFlowDeps(checkEnv),
		hostNameWait: () => undefined,
		sendmailStartedSince: async () => undefined,
		now: () => NOW,
		sendmailVersion: async () => '8.17.1.9',
		findMc: async cfPath => findMcFor(cfPath),
		makePlan: async (target, answers, {cfOnly}) => makePlan(target, answers, {cfOnly, env: checkEnv}),
		// The rehearsal's own tests use sendmail; here it is not asked unless a test says so.
		rehearse: async () => ({ok: true, value: {status: 'skipped', reason: 'not asked in this test'}}),
		// A temp copy is not what a daemon reads, unless a test says so.
		isLiveConfig: () => false,
		findRestartPlan: async () => undefined,
		...overrides,
	};
}

export type Rendered = ReturnType<typeof render> & {
	result(): WizardResult | undefined;
	press(...keys: string[]): Promise<void>;
	waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
	frame(): string;
};

const pause = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

/** Waits, polling, until the screen shows `text`; then returns it. */
export async function waitForScreen(frame: () => string, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
	const start = Date.now();
	for (;;) {
		const shown = frame();
		if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) {
			// Ink attaches a step's key handler in an effect after the screen is drawn.
			await pause(20);
			return shown;
		}

		if (Date.now() - start > timeoutMs) {
			throw new Error(`the screen never showed ${String(text)}; it shows:\n${shown}`);
		}

		await pause(10);
	}
}

/** Renders the wizard on a target, with answers pre-filled as --preset/--answers would. */
export function renderWizard(target: Target, options: {answers?: Answers; answersFrom?: string; effects?: Partial<WizardEffects>; setup?: Partial<WizardSetup>} = {}): Rendered {
	let result: WizardResult | undefined;
	const setup: WizardSetup = {
		target,
		answers: options.answers ?? {},
		answersFrom: options.answersFrom,
		hostname: 'mail.example.org',
		...options.setup,
	};
	const instance = render(<App setup={setup} effects={testEffects(options.effects)} onExit={value => {
		result = value;
	}} />);
	const frame = () => instance.lastFrame() ?? '';
	return Object.assign(instance, {
		result: () => result,
		frame,
		async press(...keys: string[]) {
			for (const key of keys) {
				instance.stdin.write(key);
				// Let Ink parse the key and React commit the new screen.
				await pause(15);
			}
		},
		waitFor: async (text: string | RegExp, timeoutMs?: number) => waitForScreen(frame, text, timeoutMs),
	});
}

type RenderOptions = Parameters<typeof renderWizard>[1];

/** The wizard on the config at cfPath, unmounted when the test ends. */
export async function openWizard(t: {after(fn: () => void): void}, cfPath: string, options?: RenderOptions): Promise<Rendered> {
	const app = renderWizard(await readTarget(cfPath), options);
	t.after(() => app.unmount());
	return app;
}

export {enterUntil, escapeUntil, type Screen} from './helpers/steps.js';
