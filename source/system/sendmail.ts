import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fail, ok, type Result} from '../core/result.js';
import {toBytes} from './read-files.js';
import {configHostName, hostContext, sendmailRun, UNQUALIFIED_SLEEP_SECONDS, type HostContext} from './host-name.js';
import {stopWithRun} from './stop-signals.js';

const KNOWN_PROGRAMS = ['/usr/sbin/sendmail', '/usr/lib/sendmail', '/usr/libexec/sendmail/sendmail'];

/** The installed sendmail, or undefined. SENDMAIL_HARDEN_SENDMAIL names another program (tests use a wrapper). */
export function findSendmail(env: NodeJS.ProcessEnv = process.env): string | undefined {
	const chosen = env['SENDMAIL_HARDEN_SENDMAIL'];
	if (chosen) {
		return chosen;
	}

	return KNOWN_PROGRAMS.find(program => existsSync(program));
}

type RunResult = {status: number | null; stdout: string; stderr: string; timedOut: boolean};

/** How the tool's own sendmail runs meet an unqualified host name (see host-name.ts). */
export type HostNameOptions = {
	/** The host name facts; found out when not given. */
	host?: HostContext;
	/** A qualified name to give sendmail in its own UTS namespace (the config's Dj, --hostname). */
	hostName?: string;
	/** Called once a second while sendmail sleeps on an unqualified host name, with the seconds left. */
	onHostNameWait?: (secondsLeft: number) => void;
};

/**
 * Runs sendmail with no input (so -bt ends at once) and a time limit. On an unqualified host it
 * runs in a private UTS namespace where it can (root on Linux); else sendmail sleeps 60 s, the
 * limit grows by that much, and onHostNameWait counts it down.
 */
async function runSendmail(
	program: string,
	args: string[],
	options: {timeoutMs: number; stopWhen?: (stdout: string) => boolean} & HostNameOptions,
): Promise<RunResult> {
	const run = sendmailRun(program, args, options.host ?? hostContext(), options.hostName);
	const sleeps = run.how === 'waits';
	const timeoutMs = options.timeoutMs + (sleeps ? UNQUALIFIED_SLEEP_SECONDS * 1000 : 0);
	let left = UNQUALIFIED_SLEEP_SECONDS;
	const countdown = sleeps && options.onHostNameWait ? setInterval(() => {
		left = Math.max(left - 1, 0);
		options.onHostNameWait!(left);
	}, 1000) : undefined;
	if (countdown !== undefined) {
		options.onHostNameWait!(left);
	}

	return new Promise<RunResult>(resolve => {
		const child = spawn(run.command, run.args, {stdio: ['ignore', 'pipe', 'pipe'], detached: true});
		stopWithRun(child);
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		const stop = () => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// Already gone.
			}
		};

		const timer = setTimeout(() => {
			timedOut = true;
			stop();
		}, timeoutMs);
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString('latin1');
			if (options.stopWhen?.(stdout)) {
				stop();
			}
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString('latin1');
		});
		child.on('error', error => {
			clearTimeout(timer);
			resolve({status: null, stdout, stderr: stderr + error.message, timedOut});
		});
		child.on('close', status => {
			clearTimeout(timer);
			resolve({status, stdout, stderr, timedOut});
		});
	}).finally(() => {
		clearInterval(countdown);
	});
}

/** The version the installed sendmail reports ("8.17.1.9"), or undefined. */
export async function sendmailVersion(program: string, cfPath: string, options: HostNameOptions = {}): Promise<string | undefined> {
	const versionLine = /^Version (\S+)/m;
	const result = await runSendmail(program, ['-C', cfPath, '-d0.1', '-bt'], {
		...options,
		timeoutMs: 10_000,
		stopWhen: stdout => versionLine.test(stdout),
	});
	return versionLine.exec(result.stdout)?.[1];
}

export type ConfigCheck =
	| {status: 'accepted'}
	| {status: 'rejected'; reason: string};

const BT_PROMPT = /^(ADDRESS TEST MODE|Enter <ruleset> <address>|> ?$)/;

// Warnings that do not make sendmail reject a config.
const HARMLESS = [/WARNING: local host name .* is not qualified/, /unable to qualify my own domain name/, /My unqualified host name .* unknown; sleeping/];

/**
 * Loads a config the way sendmail would (`sendmail -C FILE -bt` reading no input):
 * exit 0 means sendmail accepts it. The text is checked from a private temporary file.
 */
export async function checkConfig(
	program: string,
	cfText: string,
	options: {timeoutMs: number; displayPath: string} & HostNameOptions,
): Promise<Result<ConfigCheck>> {
	const folder = await fs.mkdtemp(path.join(os.tmpdir(), `sendmail-harden-check-${process.pid}-`));
	const file = path.join(folder, 'sendmail.cf');
	try {
		// 'wx': the folder is new and private; a file there already is not ours to write through.
		await fs.writeFile(file, toBytes(cfText), {mode: 0o600, flag: 'wx'});
		const result = await runSendmail(program, ['-C', file, '-bt'], {...options, hostName: options.hostName ?? configHostName(cfText)});
		// In -bt mode sendmail prints its complaints about the file on stdout, after its prompt.
		const reasons = `${result.stderr}\n${result.stdout}`
			.split('\n')
			.filter(line => !BT_PROMPT.test(line))
			.map(line => line.replaceAll(file, options.displayPath).trim())
			.filter(line => line !== '' && !HARMLESS.some(pattern => pattern.test(line)));
		if (result.timedOut) {
			const unqualified = /unqualified host name|not qualified/.test(result.stderr);
			return fail(
				`sendmail did not finish reading the config within ${Math.round(options.timeoutMs / 1000)} s${
					unqualified ? ' (it waits 60 s when the host name is not fully qualified: see "WHO AM I?" in sendmail\'s cf/README)' : ''
				}; nothing was written`,
			);
		}

		if (result.status === null) {
			return fail(`cannot run ${program} to check the config: ${reasons.join('; ') || 'it did not start'}`);
		}

		return ok(result.status === 0 ? {status: 'accepted'} : {status: 'rejected', reason: reasons.join('; ') || `sendmail exited with status ${result.status}`});
	} finally {
		await fs.rm(folder, {recursive: true, force: true});
	}
}

export type Validation = {checked: false; reason: string} | {checked: true};

/**
 * Refuses a new config that sendmail rejects while it accepted the current one.
 * When sendmail already rejects the current config, the new one must fail the same way.
 */
export async function validateChange(
	before: string,
	after: string,
	options: {env?: NodeJS.ProcessEnv; timeoutMs: number; cfPath: string} & HostNameOptions,
): Promise<Result<Validation>> {
	const program = findSendmail(options.env);
	if (program === undefined) {
		return ok({checked: false, reason: 'sendmail is not installed here, so the new config was not checked with it'});
	}

	const [current, next] = await Promise.all([
		checkConfig(program, before, {...options, displayPath: options.cfPath, onHostNameWait: undefined}),
		checkConfig(program, after, {...options, displayPath: `${options.cfPath} (new)`}),
	]);
	if (!next.ok) {
		return next;
	}

	if (next.value.status === 'accepted') {
		return ok({checked: true});
	}

	if (current.ok && current.value.status === 'rejected') {
		// Edits move lines, so compare the complaints without the file and line they name.
		const withoutPlace = (reason: string) => reason.replaceAll(/[^;]*?line \d+: /g, '');
		if (withoutPlace(current.value.reason) === withoutPlace(next.value.reason)) {
			return ok({checked: false, reason: `sendmail already rejects the current config (${current.value.reason}); the change does not make it worse`});
		}
	}

	return fail(`sendmail rejects the new config: ${next.value.reason}; nothing was written`);
}

/**
 * The options sendmail sets while it reads a config, each with the values it was set to in order:
 * `sendmail -C FILE -bt -d37.1` prints every setoption call ("setoption BadRcptThrottle (?)=3").
 * An option sendmail does not know (one not compiled in) is not among them.
 */
export async function sendmailOptionsSet(program: string, cfText: string, options: HostNameOptions = {}): Promise<Result<Map<string, string[]>>> {
	const folder = await fs.mkdtemp(path.join(os.tmpdir(), `sendmail-harden-options-${process.pid}-`));
	const file = path.join(folder, 'sendmail.cf');
	try {
		await fs.writeFile(file, toBytes(cfText), {mode: 0o600, flag: 'wx'});
		const result = await runSendmail(program, ['-C', file, '-bt', '-d37.1'], {...options, timeoutMs: 20_000, hostName: options.hostName ?? configHostName(cfText)});
		if (result.status === null || result.timedOut) {
			return fail(`cannot ask ${program} which options it sets: ${result.timedOut ? 'it did not finish' : result.stderr.trim() || 'it did not start'}`);
		}

		const set = new Map<string, string[]>();
		// One line per option line of the config: a 4 MiB config has 137k PrivacyOptions lines, so
		// each value is pushed, never copied with the ones before it.
		for (const match of `${result.stdout}\n${result.stderr}`.matchAll(/^setoption (\S+) \(.*?\)=(.*)$/gm)) {
			const values = set.get(match[1]!);
			if (values === undefined) {
				set.set(match[1]!, [match[2]!]);
			} else {
				values.push(match[2]!);
			}
		}

		return ok(set);
	} finally {
		await fs.rm(folder, {recursive: true, force: true});
	}
}

/**
 * The FFR ("for future release") defines the installed sendmail was built with, from its
 * `-d0.13 -bt` report ("FFR Defines: _FFR_BADRCPT_SHUTDOWN ..."). Options behind one exist only
 * where it is listed: elsewhere sendmail refuses them as unknown.
 */
export async function sendmailFfrDefines(program: string, options: HostNameOptions & {cfPath?: string} = {}): Promise<Result<Set<string>>> {
	const args = [...(options.cfPath === undefined ? [] : ['-C', options.cfPath]), '-d0.13', '-bt'];
	const result = await runSendmail(program, args, {...options, timeoutMs: 20_000});
	if (result.status === null || result.timedOut || !/^Version /m.test(result.stdout)) {
		return fail(`cannot ask ${program} how it was built: ${result.timedOut ? 'it did not finish' : result.stderr.trim() || 'it printed no version'}`);
	}

	return ok(new Set(result.stdout.match(/\b_FFR_[A-Z0-9_]+/g) ?? []));
}
