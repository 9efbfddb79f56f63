import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {cliPath} from './cli.js';
import {sendmailWrapper} from './sendmail.js';

export type BoundedRun = {
	status: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** The CLI's peak resident memory, from /usr/bin/time (kB). */
	peakKb: number | undefined;
	/** Why the run was stopped, when it had to be: it hung or grew without bound. */
	stopped?: 'time' | 'memory';
};

function childOf(pid: number): number | undefined {
	try {
		const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
		return children === '' ? undefined : Number(children.split(' ')[0]);
	} catch {
		return undefined;
	}
}

function residentKb(pid: number): number {
	try {
		return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
	} catch {
		return 0;
	}
}

/**
 * Runs the built CLI under /usr/bin/time, and stops it (the whole process group) if it runs past
 * `timeLimitMs` or its memory passes `memoryLimitKb`: a run that hangs or grows must fail the
 * test, not the machine. The limits are generous; the test asserts on status and message.
 */
export async function runCliBounded(args: string[], options: {env?: NodeJS.ProcessEnv; timeLimitMs?: number; memoryLimitKb?: number; input?: string} = {}): Promise<BoundedRun> {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'bounded-run-'));
	const rssFile = path.join(folder, 'rss');
	const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, cliPath, ...args], {
		stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
		env: {...process.env, SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper, ...options.env},
		detached: true,
	});
	if (options.input !== undefined) {
		child.stdin!.end(options.input);
	}

	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', chunk => {
		stdout += chunk;
	});
	child.stderr!.on('data', chunk => {
		stderr += chunk;
	});
	let stopped: BoundedRun['stopped'];
	const stop = (why: 'time' | 'memory') => {
		stopped ??= why;
		try {
			process.kill(-child.pid!, 'SIGKILL');
		} catch {}
	};

	const timer = setTimeout(() => {
		stop('time');
	}, options.timeLimitMs ?? 60_000);
	const watch = setInterval(() => {
		const cli = childOf(child.pid!);
		if (cli !== undefined && residentKb(cli) > (options.memoryLimitKb ?? 500_000)) {
			stop('memory');
		}
	}, 20);
	const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => {
		child.on('close', (code, sig) => {
			resolve([code, sig]);
		});
	});
	clearTimeout(timer);
	clearInterval(watch);
	let peakKb: number | undefined;
	try {
		// /usr/bin/time writes "Command exited with non-zero status N" before the number.
		peakKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
	} catch {}

	rmSync(folder, {recursive: true, force: true});
	return {status, signal, stdout, stderr, peakKb, stopped};
}
