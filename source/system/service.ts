import {spawn, type ChildProcess} from 'node:child_process';
import {constants as fsConstants} from 'node:fs';
import {access, open, readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {
	detectRestart,
	parsePidFile,
	sendmailPidFile,
	type HostProbe,
	type RestartPlan,
} from '../core/restart-plan.js';

export {describeManualRestart, detectRestart, sendmailPidFile} from '../core/restart-plan.js';
export type {HostProbe, RestartPlan} from '../core/restart-plan.js';

export type ProbeOptions = {
	/** Environment whose PATH is searched; process.env by default. */
	env?: NodeJS.ProcessEnv;
	/** Folder that stands for `/` when looking for files (tests fake a host with it). */
	root?: string;
	/** Defaults to process.platform. */
	platform?: string;
	/** Time limit for `systemctl list-unit-files`; 10 s by default. */
	timeoutMs?: number;
};

/** Collects the facts `detectRestart` decides on. Never throws for a missing file or command. */
export async function gatherHostProbe(options: ProbeOptions = {}): Promise<HostProbe> {
	const env = options.env ?? process.env;
	const root = options.root ?? '/';
	const onHost = (file: string) => path.join(root, file);

	const [systemdRunning, systemctlPath, servicePath, rcServicePath, initScriptPath, rcScriptPath, debian] = await Promise.all([
		isFolder(onHost('/run/systemd/system')),
		findOnPath('systemctl', env),
		findOnPath('service', env),
		findOnPath('rc-service', env),
		executableOrUndefined(onHost('/etc/init.d/sendmail')),
		executableOrUndefined(onHost('/etc/rc.d/sendmail')),
		exists(onHost('/etc/debian_version')),
	]);

	// Only ask systemd about its units when it is the running init: elsewhere
	// systemctl may be installed yet unable to answer.
	const sendmailUnitKnown = systemdRunning && systemctlPath !== undefined
		&& await listsSendmailUnit(systemctlPath, env, options.timeoutMs ?? 10_000);

	const probe: HostProbe = {
		platform: options.platform ?? process.platform,
		systemdRunning,
		sendmailUnitKnown,
		debian,
	};
	if (systemctlPath !== undefined) {
		probe.systemctlPath = systemctlPath;
	}

	if (servicePath !== undefined) {
		probe.servicePath = servicePath;
	}

	if (initScriptPath !== undefined) {
		probe.initScriptPath = initScriptPath;
		probe.openrcScript = await isOpenRcScript(initScriptPath);
	}

	if (rcServicePath !== undefined) {
		probe.rcServicePath = rcServicePath;
	}

	if (rcScriptPath !== undefined) {
		probe.rcScriptPath = rcScriptPath;
	}

	return probe;
}

/** Probes the host and decides how to restart sendmail there. */
export async function findRestartPlan(options: ProbeOptions = {}): Promise<RestartPlan | undefined> {
	return detectRestart(await gatherHostProbe(options));
}

async function listsSendmailUnit(systemctl: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<boolean> {
	const result = await runRestart(
		{label: 'systemctl list-unit-files sendmail.service', command: systemctl, args: ['list-unit-files', '--no-pager', '--no-legend', 'sendmail.service']},
		{timeoutMs, env},
	);
	// A listed unit is a line starting with its name (systemd's own or one generated from an init script).
	return result.ok && result.output.split('\n').some(line => line.trimStart().startsWith('sendmail.service'));
}

/** Where `name` is on PATH, like the shell finds it, or undefined. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
	for (const folder of (env['PATH'] ?? '').split(path.delimiter)) {
		if (folder === '' || !path.isAbsolute(folder)) {
			continue; // a relative PATH entry would depend on where the tool was started
		}

		const found = await executableOrUndefined(path.join(folder, name));
		if (found !== undefined) {
			return found;
		}
	}

	return undefined;
}

async function executableOrUndefined(file: string): Promise<string | undefined> {
	try {
		const info = await stat(file);
		if (!info.isFile()) {
			return undefined;
		}

		await access(file, fsConstants.X_OK);
		return file;
	} catch {
		return undefined;
	}
}

/** Whether a script's first line runs it with OpenRC (`#!/sbin/openrc-run`, Gentoo's older `#!/sbin/runscript`). */
async function isOpenRcScript(file: string): Promise<boolean> {
	try {
		const handle = await open(file, 'r');
		try {
			const buffer = Buffer.alloc(64);
			const {bytesRead} = await handle.read(buffer, 0, buffer.length, 0);
			return /^#!\s*\S*\/(openrc-run|runscript)\b/.test(buffer.subarray(0, bytesRead).toString('latin1'));
		} finally {
			await handle.close();
		}
	} catch {
		return false;
	}
}

async function isFolder(folder: string): Promise<boolean> {
	try {
		return (await stat(folder)).isDirectory();
	} catch {
		return false;
	}
}

async function exists(file: string): Promise<boolean> {
	try {
		await stat(file);
		return true;
	} catch {
		return false;
	}
}

export type RunningState =
	| {running: true; pid: number}
	| {running: false; reason: string};

/**
 * Whether a sendmail daemon runs, judged by its PidFile (see `sendmailPidFile`)
 * and whether that process is alive.
 */
export async function sendmailRunning(pidFile: string, options: {root?: string} = {}): Promise<RunningState> {
	let text: string;
	try {
		text = await readFile(path.join(options.root ?? '/', pidFile), 'utf8');
	} catch {
		return {running: false, reason: `there is no ${pidFile}`};
	}

	const pid = parsePidFile(text);
	if (pid === undefined) {
		return {running: false, reason: `${pidFile} holds no process id`};
	}

	try {
		process.kill(pid, 0);
	} catch (error: unknown) {
		// EPERM: the process exists but belongs to someone else.
		if ((error as NodeJS.ErrnoException).code !== 'EPERM') {
			return {running: false, reason: `process ${pid} named in ${pidFile} is not running`};
		}
	}

	return {running: true, pid};
}

/**
 * The PID of a sendmail daemon started at or after `since`: the PidFile that cfText names (else
 * the platform's) was written since then and names a live process. Polled for up to waitMs, as a
 * daemon writes it once it listens. Undefined when none came up.
 */
export async function sendmailStartedSince(since: Date, cfText: string, options: {root?: string; waitMs?: number; debian?: boolean} = {}): Promise<number | undefined> {
	const root = options.root ?? '/';
	const debian = options.debian ?? await exists(path.join(root, '/etc/debian_version'));
	const pidFile = sendmailPidFile(cfText, {debian});
	if (pidFile === undefined) {
		return undefined;
	}

	const deadline = Date.now() + (options.waitMs ?? 5000);
	for (;;) {
		try {
			// Whole seconds on some file systems: a file of the same second counts.
			if ((await stat(path.join(root, pidFile))).mtimeMs >= Math.floor(since.getTime() / 1000) * 1000) {
				const state = await sendmailRunning(pidFile, {root});
				if (state.running) {
					return state.pid;
				}
			}
		} catch {
			// Not written yet.
		}

		if (Date.now() >= deadline) {
			return undefined;
		}

		await sleep(200);
	}
}

export type RestartOutcome = {ok: true; output: string} | {ok: false; error: string; output: string};

export type RestartOptions = {
	timeoutMs: number;
	/** Receives stdout and stderr as they arrive. */
	onOutput?: (chunk: string) => void;
	env?: NodeJS.ProcessEnv;
};

// Keep the tail of a chatty command's output, not all of it.
const MAX_OUTPUT = 64 * 1024;
// After the command exits, how long its pipes may stay open (a daemon it started may hold them).
const PIPE_GRACE_MS = 500;
// After SIGTERM at the time limit, how long before SIGKILL.
const KILL_GRACE_MS = 2000;
const LAST_LINES = 3;

/**
 * Runs a restart command as an argument list (never a shell), streaming its
 * output, with a time limit after which its whole process group is killed.
 * Never rejects: every failure is a value with a message for the admin.
 */
export async function runRestart(plan: RestartPlan, options: RestartOptions): Promise<RestartOutcome> {
	return new Promise(resolve => {
		let output = '';
		let settled = false;
		let timedOut = false;
		let killTimer: NodeJS.Timeout | undefined;
		let pipeTimer: NodeJS.Timeout | undefined;
		let exitCode: number | null = null;
		let exitSignal: NodeJS.Signals | null = null;

		let child: ChildProcess;
		try {
			child = spawn(plan.command, plan.args, {
				env: options.env ?? process.env,
				stdio: ['ignore', 'pipe', 'pipe'],
				// Its own process group, so the time limit can stop whatever it started too.
				detached: true,
			});
		} catch (error: unknown) {
			resolve({ok: false, error: spawnErrorMessage(plan, error as NodeJS.ErrnoException), output: ''});
			return;
		}

		const finish = (outcome: RestartOutcome) => {
			if (settled) {
				return;
			}

			settled = true;
			if (timedOut) {
				// Whatever it started and that outlived it (say, ignoring SIGTERM) goes too.
				killGroup(child.pid, 'SIGKILL');
			}

			clearTimeout(limitTimer);
			clearTimeout(killTimer);
			clearTimeout(pipeTimer);
			child.stdout?.destroy();
			child.stderr?.destroy();
			resolve(outcome);
		};

		const collect = (chunk: string) => {
			output = (output + chunk).slice(-MAX_OUTPUT);
			options.onOutput?.(chunk);
		};

		child.stdout?.setEncoding('utf8').on('data', collect);
		child.stderr?.setEncoding('utf8').on('data', collect);

		const limitTimer = setTimeout(() => {
			timedOut = true;
			killGroup(child.pid, 'SIGTERM');
			killTimer = setTimeout(() => {
				killGroup(child.pid, 'SIGKILL');
			}, KILL_GRACE_MS);
		}, options.timeoutMs);

		child.on('error', (error: NodeJS.ErrnoException) => {
			finish({ok: false, error: spawnErrorMessage(plan, error), output});
		});

		const report = () => {
			if (timedOut) {
				finish({
					ok: false,
					error: `\`${plan.label}\` did not finish within ${formatSeconds(options.timeoutMs)}; it was stopped. Check the service's state and its log`,
					output,
				});
			} else if (exitCode === 0) {
				finish({ok: true, output});
			} else {
				const how = exitSignal === null ? `with exit status ${exitCode}` : `(killed by ${exitSignal})`;
				const tail = lastLines(output);
				finish({
					ok: false,
					error: `\`${plan.label}\` failed ${how}${tail === '' ? ' and printed nothing' : `: ${tail}`}`,
					output,
				});
			}
		};

		child.on('exit', (code, signal) => {
			exitCode = code;
			exitSignal = signal;
			// 'close' follows once the pipes are drained; do not wait for ever on a daemon holding them.
			pipeTimer = setTimeout(report, PIPE_GRACE_MS);
		});
		child.on('close', report);
	});
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals) {
	if (pid === undefined) {
		return;
	}

	try {
		process.kill(-pid, signal);
	} catch {
		// The group is already gone.
	}
}

function spawnErrorMessage(plan: RestartPlan, error: NodeJS.ErrnoException): string {
	switch (error.code) {
		case 'ENOENT': {
			return `cannot run \`${plan.label}\`: ${plan.command} was not found; restart sendmail by hand`;
		}

		case 'EACCES': {
			return `cannot run \`${plan.label}\`: ${plan.command} is not executable by this user; run as root or restart sendmail by hand`;
		}

		default: {
			return `cannot run \`${plan.label}\`: ${error.message}; restart sendmail by hand`;
		}
	}
}

/** The last few non-empty lines, joined on one line for an error message. */
function lastLines(output: string): string {
	return output
		.split(/\r?\n/)
		.map(line => line.trim())
		.filter(line => line !== '')
		.slice(-LAST_LINES)
		.join(' / ');
}

function formatSeconds(ms: number): string {
	const seconds = ms / 1000;
	return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(1))} s`;
}
