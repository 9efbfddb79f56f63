// A private test network: two network namespaces joined by a veth pair, so a client can talk to a
// sendmail daemon from an address that is not the daemon host's own. Only such a client meets the
// server as an outsider does: sendmail lets the host's own addresses relay, and Debian's access
// map favours 127/8 (docs/sendmail.md, "The outsider's view").
//
//   server namespace  198.51.100.1  (mail.test.example)     the daemon under test
//   client namespace  198.51.100.9  (outside.test.example)  the outsider
//
// Both get an /etc/hosts naming both ends (`ip netns exec` mounts /etc/netns/NAME/hosts over
// /etc/hosts): without a reverse name for the client, sendmail answers relaying with a temporary
// 450 instead of 550 5.7.1. 198.51.100.0/24 is a documentation range; Debian's access map rejects
// 192.0.2.0/24 outright, so that one would not show the outsider's ordinary view.
import {spawn, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {startSendmailDaemon, type SendmailDaemon} from './sendmail.js';

export const SERVER_ADDR = '198.51.100.1';
export const CLIENT_ADDR = '198.51.100.9';
export const SERVER_NAME = 'mail.test.example';
export const CLIENT_NAME = 'outside.test.example';

export type Side = 'server' | 'client';

export type RunResult = {status: number | null; stdout: string; stderr: string};

export type TestNetwork = {
	/** The namespace names, for `ip netns exec NAME ...`. */
	readonly namespaces: Readonly<Record<Side, string>>;
	/** Runs a program in one side's namespace; resolves when it exits (or is killed at the timeout). */
	run(side: Side, command: string, args: readonly string[], options?: {input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv}): Promise<RunResult>;
	/** Sends each line in turn on one SMTP connection from that side; the replies, the banner first (multi-line replies joined with "\n"). */
	talk(side: Side, host: string, port: number, lines: readonly string[]): Promise<string[]>;
	/** Starts a test daemon (test/helpers/sendmail.ts) in the server namespace, listening on addr (SERVER_ADDR by default). */
	startDaemon(cfText: string, options?: {helpFile?: string; addr?: string; opensslConf?: string}): Promise<SendmailDaemon>;
	/** Stops the daemons it started and removes both namespaces. */
	close(): Promise<void>;
};

const talkScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp-talk.mjs');
const open = new Set<() => void>();

process.on('exit', () => {
	for (const remove of open) {
		remove();
	}
});

function ip(...args: string[]): void {
	const result = spawnSync('ip', args, {encoding: 'utf8'});
	if (result.status !== 0) {
		throw new Error(`ip ${args.join(' ')} failed: ${(result.stderr || result.error?.message || '').trim()}`);
	}
}

/**
 * Options for `test(name, skipUnlessNetns(), fn)`: needs root and `ip` (iproute2). Never skips
 * under CI=true, where a missing one is an error.
 */
export function skipUnlessNetns(): {skip: string} | Record<string, never> {
	const missing = process.getuid?.() !== 0 ? 'tests in private network namespaces run as root'
		: existsSync('/usr/sbin/ip') || existsSync('/sbin/ip') || existsSync('/usr/bin/ip') ? undefined
			: 'ip (iproute2) is not installed';
	if (missing === undefined) {
		return {};
	}

	if (process.env['CI'] === 'true') {
		throw new Error(`${missing}; CI must run them (apt-get install iproute2)`);
	}

	return {skip: missing};
}

/** Makes the two namespaces and the link between them. Call close() in an `after` or `finally`. */
export async function createTestNetwork(): Promise<TestNetwork> {
	const id = randomBytes(3).toString('hex');
	const namespaces = {server: `smh-${id}-s`, client: `smh-${id}-c`} as const;
	const hosts = `127.0.0.1\tlocalhost\n${SERVER_ADDR}\t${SERVER_NAME} mail\n${CLIENT_ADDR}\t${CLIENT_NAME} outside\n`;
	const daemons = new Set<SendmailDaemon>();

	const remove = () => {
		for (const name of Object.values(namespaces)) {
			spawnSync('ip', ['netns', 'del', name]);
			rmSync(path.join('/etc/netns', name), {recursive: true, force: true});
		}
	};

	open.add(remove);
	try {
		for (const name of Object.values(namespaces)) {
			ip('netns', 'add', name);
			mkdirSync(path.join('/etc/netns', name), {recursive: true});
			writeFileSync(path.join('/etc/netns', name, 'hosts'), hosts);
			ip('-n', name, 'link', 'set', 'lo', 'up');
		}

		ip('link', 'add', `smh${id}s`, 'netns', namespaces.server, 'type', 'veth', 'peer', 'name', `smh${id}c`, 'netns', namespaces.client);
		ip('-n', namespaces.server, 'addr', 'add', `${SERVER_ADDR}/24`, 'dev', `smh${id}s`);
		ip('-n', namespaces.client, 'addr', 'add', `${CLIENT_ADDR}/24`, 'dev', `smh${id}c`);
		ip('-n', namespaces.server, 'link', 'set', `smh${id}s`, 'up');
		ip('-n', namespaces.client, 'link', 'set', `smh${id}c`, 'up');
	} catch (error) {
		remove();
		open.delete(remove);
		throw error;
	}

	const run: TestNetwork['run'] = async (side, command, args, options = {}) => new Promise(resolve => {
		const child = spawn('ip', ['netns', 'exec', namespaces[side], command, ...args], {stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => {
			stdout += String(chunk);
		});
		child.stderr.on('data', chunk => {
			stderr += String(chunk);
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
		child.on('error', error => {
			stderr += error.message;
		});
		child.on('close', status => {
			clearTimeout(timer);
			resolve({status, stdout, stderr});
		});
		child.stdin.end(options.input ?? '');
	});

	const talk: TestNetwork['talk'] = async (side, host, port, lines) => {
		const result = await run(side, process.execPath, [talkScript, host, String(port)], {input: JSON.stringify(lines), timeoutMs: 30_000});
		if (result.status !== 0) {
			throw new Error(`SMTP talk from the ${side} side to ${host}:${port} failed: ${result.stderr.trim() || `exit ${String(result.status)}`}`);
		}

		return (JSON.parse(result.stdout) as Array<{reply: string}>).map(each => each.reply);
	};

	return {
		namespaces,
		run,
		talk,
		async startDaemon(cfText, options = {}) {
			const addr = options.addr ?? SERVER_ADDR;
			const daemon = await startSendmailDaemon(cfText, {
				helpFile: options.helpFile,
				opensslConf: options.opensslConf,
				netns: namespaces.server,
				addr,
				// From inside the server's namespace: bash's /dev/tcp opens the connection and reads the
				// first three bytes of the greeting, without starting a node for each try.
				greets: async port => (await run('server', 'bash', ['-c', 'exec 3<>"/dev/tcp/$0/$1" && head -c 3 <&3', addr, String(port)], {timeoutMs: 2000})).stdout === '220',
			});
			daemons.add(daemon);
			return daemon;
		},
		async close() {
			for (const daemon of daemons) {
				await daemon.stop();
			}

			daemons.clear();
			remove();
			open.delete(remove);
		},
	};
}
