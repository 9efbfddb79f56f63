// Shared harness for tests that use the real sendmail: building the shipped example configs,
// checking a config with -bt, and running a throwaway daemon on 127.0.0.1.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {smtpConversation} from './smtp-replies.mjs';

export const sendmailPath = '/usr/sbin/sendmail';
export const sendmailInstalled: boolean = existsSync(sendmailPath);

/** Absolute path of the script that runs sendmail with a qualified host name (see the script). */
export const sendmailWrapper: string = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sendmail-in-uts.sh');

const exampleCfFolder = '/usr/share/sendmail/cf/cf';
const testHostName = 'mail.test.example';

/**
 * Options for `test(name, skipUnlessSendmail(), fn)`. Live tests may skip only where sendmail is
 * missing, and never under CI=true: there a missing sendmail is an error, not a skip.
 */
export function skipUnlessSendmail(): {skip: string} | Record<string, never> {
	if (sendmailInstalled) {
		return {};
	}

	if (process.env['CI'] === 'true') {
		throw new Error(`${sendmailPath} is missing, and live sendmail tests must run under CI=true; install sendmail (Debian: apt-get install sendmail-bin)`);
	}

	return {skip: `${sendmailPath} is not installed`};
}

// The -bt prompt that sendmail prints on stdout before reading its (empty) input.
const btPrompt = /^(ADDRESS TEST MODE \(ruleset 3 NOT automatically invoked\)|Enter <ruleset> <address>|> ?)$/;

/**
 * Checks a config as the tool's validation does: `sendmail -C FILE -bt` reading no input.
 * In -bt mode sendmail prints its complaints about the file (e.g. `line 1: unknown configuration
 * line "this is garbage"`) on stdout, not stderr, so `stderr` here holds sendmail's stderr followed
 * by its stdout without the -bt prompt: every diagnostic, whichever stream it used.
 */
export function sendmailBt(cfPath: string): {status: number | null; stderr: string} {
	const result = spawnSync(sendmailWrapper, ['-C', cfPath, '-bt'], {
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: 30_000,
		encoding: 'latin1',
	});
	const timedOut = result.error !== undefined && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
	return btOutcome(result.status, result.stdout ?? '', result.stderr ?? '', timedOut);
}

/** sendmailBt without blocking: corpus tests run several of them at once (most of each is waiting). */
export async function sendmailBtAsync(cfPath: string): Promise<{status: number | null; stderr: string}> {
	return new Promise(resolve => {
		const child = spawn(sendmailWrapper, ['-C', cfPath, '-bt'], {stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString('latin1');
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString('latin1');
		});
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, 30_000);
		child.on('error', error => {
			stderr += error.message;
		});
		child.on('close', status => {
			clearTimeout(timer);
			resolve(btOutcome(timedOut ? null : status, stdout, stderr, timedOut));
		});
	});
}

function btOutcome(status: number | null, stdout: string, stderr: string, timedOut: boolean): {status: number | null; stderr: string} {
	const diagnostics = stderr + stdout
		.split('\n')
		.filter(line => line !== '' && !btPrompt.test(line))
		.map(line => `${line}\n`)
		.join('');
	if (timedOut) {
		return {status: null, stderr: `${diagnostics}sendmail -bt did not finish within 30 s\n`};
	}

	return {status, stderr: diagnostics};
}

const builtExamples = new Map<string, string>();
const examplesScript = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'example-configs.js');
let examplesFolder: string | undefined;

/**
 * The shipped examples built three ways, once per cf tree for every test file and run: see
 * scripts/example-configs.js (scripts/run-tests.js builds them before the tests start; a test file
 * run alone builds them here, or finds them from an earlier run).
 */
function exampleBuild(mcName: string, layout: 'debian' | BuildLayout): string {
	const key = `${layout}:${mcName}`;
	const cached = builtExamples.get(key);
	if (cached !== undefined) {
		return cached;
	}

	if (examplesFolder === undefined) {
		const result = spawnSync(process.execPath, [examplesScript], {encoding: 'utf8', timeout: 600_000});
		if (result.status !== 0) {
			throw new Error(`scripts/example-configs.js could not build the examples: ${result.error?.message ?? result.stderr}`);
		}

		examplesFolder = result.stdout.trim();
	}

	const base = path.join(examplesFolder, layout, mcName);
	if (existsSync(`${base}.error`)) {
		throw new Error(`m4 could not build ${mcName}: ${readFileSync(`${base}.error`, 'latin1')}`);
	}

	const text = readFileSync(`${base}.cf`, 'latin1');
	builtExamples.set(key, text);
	return text;
}

/** The .cf that m4 builds from a shipped example .mc such as "generic-linux.mc" (built once). */
export function buildExampleCf(mcName: string): string {
	return exampleBuild(mcName, 'debian');
}

export type BuildLayout = 'rhel' | 'freebsd';

/**
 * The .cf an example .mc gives when built the way another system's Makefile builds it, with this
 * host's m4 and cf files (core/sendmail-layouts.ts):
 * - rhel: the .mc includes cf.m4 itself and `m4 sendmail.mc > sendmail.cf` runs in its folder, and
 *   the RPM's sendmail.spec strips the stamp (`sed -i '/##### built by.*on/,+3d' sendmail.cf`);
 * - freebsd: /etc/mail/Makefile's `m4 -D_CF_DIR_=<cf>/ <cf>/m4/cf.m4 host.mc`.
 */
export function buildExampleCfAs(mcName: string, layout: BuildLayout): string {
	return exampleBuild(mcName, layout);
}

/** Every example .mc that Debian ships, sorted (docs/sendmail.md, "Where things are on Debian": 33 of them). */
export function exampleMcNames(): string[] {
	return readdirSync(exampleCfFolder)
		.filter(name => name.endsWith('.mc'))
		.sort();
}

export type SendmailDaemon = {
	/** The address it listens on: 127.0.0.1, or its address in a test network (test/helpers/netns.ts). */
	host: string;
	port: number;
	dir: string;
	cfPath: string;
	stop(): Promise<void>;
};

// Daemons still running, so a crashed test never leaves one behind.
const runningDaemons = new Set<ChildProcess>();

/** The process id on the first line of a PidFile, or undefined when there is none. */
export function readPid(pidFile: string): number | undefined {
	try {
		const pid = Number.parseInt(readFileSync(pidFile, 'latin1').split('\n')[0] ?? '', 10);
		return Number.isInteger(pid) && pid > 1 ? pid : undefined;
	} catch {
		return undefined;
	}
}

process.on('exit', () => {
	for (const daemon of runningDaemons) {
		daemon.kill('SIGKILL');
	}
});

const sleep = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

/** The config rewritten per docs/sendmail.md, "A test daemon", with its files in `dir`. */
export function daemonCf(cfText: string, dir: string, port: number, helpFile?: string, addr = '127.0.0.1'): string {
	// Commented out: each gets its own line below, except Debian's ControlSocketName, which parallel
	// daemons would share; a test daemon has no control socket.
	const ownOptions = ['DaemonPortOptions', 'PidFile', 'QueueDirectory', 'StatusFile', 'ServiceSwitchFile', 'ControlSocketName'];
	if (helpFile !== undefined) {
		ownOptions.push('HelpFile');
	}

	const pattern = new RegExp(`^O (?:${ownOptions.join('|')})=`);
	const lines = cfText.split('\n').map(line => (pattern.test(line) ? `#${line}` : line));
	if (lines.at(-1) === '') {
		lines.pop();
	}

	lines.push(
		'# test daemon',
		`O DaemonPortOptions=Name=MTA-test,Port=${port},Addr=${addr}`,
		`O PidFile=${dir}/sendmail.pid`,
		`O QueueDirectory=${dir}/mqueue`,
		`O StatusFile=${dir}/sendmail.st`,
		'O ServiceSwitchFile=/etc/mail/service.switch-nodns',
		...(helpFile === undefined ? [] : [`O HelpFile=${helpFile}`]),
		`Dj${testHostName}`,
		'',
	);
	return lines.join('\n');
}

async function portIsFree(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const server = net.createServer();
		server.once('error', () => {
			resolve(false);
		});
		server.listen(port, '127.0.0.1', () => {
			server.close(() => {
				resolve(true);
			});
		});
	});
}

/** A port in 20000-60000 that nothing listens on now (sendmail may still find it taken later). */
export async function freePort(): Promise<number> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = 20_000 + Math.floor(Math.random() * 40_000);
		if (await portIsFree(port)) {
			return port;
		}
	}

	throw new Error('found no free port in 20000-60000 after 50 tries');
}

/** The first reply line on port, or undefined when nothing answers within a second. */
export async function readBanner(port: number): Promise<string | undefined> {
	return new Promise(resolve => {
		let text = '';
		const socket = net.connect({host: '127.0.0.1', port});
		const done = (value: string | undefined) => {
			socket.destroy();
			resolve(value);
		};

		socket.setTimeout(1000, () => {
			done(undefined);
		});
		socket.once('error', () => {
			done(undefined);
		});
		socket.on('data', chunk => {
			text += chunk.toString('latin1');
			const end = text.indexOf('\r\n');
			if (end !== -1) {
				socket.end('QUIT\r\n');
				done(text.slice(0, end));
			}
		});
	});
}

/** Where a daemon runs: the host's own network on 127.0.0.1 unless a test network's namespace is named. */
export type DaemonPlace = {
	/** The network namespace (`ip netns`) to run it in. */
	netns?: string;
	/** The address it listens on; 127.0.0.1 by default. */
	addr?: string;
	/** Answers true once something on addr:port sends a 220 greeting; by default readBanner from here. */
	greets?: (port: number) => Promise<boolean>;
	/**
	 * An openssl.cnf the daemon's OpenSSL reads instead of the system's, bound over it in the
	 * daemon's own mount namespace: sendmail clears its environment, so OPENSSL_CONF never reaches it.
	 */
	opensslConf?: string;
};

async function startOnPort(cfText: string, port: number, helpFile: string | undefined, place: DaemonPlace = {}): Promise<SendmailDaemon | 'port taken'> {
	const addr = place.addr ?? '127.0.0.1';
	const dir = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-daemon-'));
	mkdirSync(path.join(dir, 'mqueue'), {mode: 0o700});
	const cfPath = path.join(dir, 'test.cf');
	const pidFile = path.join(dir, 'sendmail.pid');
	writeFileSync(cfPath, daemonCf(cfText, dir, port, helpFile, addr), 'latin1');

	// -bD: the daemon stays in the foreground as our child, so it is reaped when it exits (PID 1
	// here reaps nothing) and what it says on stderr reaches us. unshare and sh exec, so the
	// child is sendmail itself.
	let stderr = '';
	const inUts = place.opensslConf === undefined
		? ['unshare', '--uts', 'sh', '-c', `hostname ${testHostName} && exec "$0" -C "$1" -bD -q15m`, sendmailPath, cfPath]
		: ['unshare', '--uts', '--mount', 'sh', '-c', `mount --bind "$2" "$(readlink -f /usr/lib/ssl/openssl.cnf)" && hostname ${testHostName} && exec "$0" -C "$1" -bD -q15m`, sendmailPath, cfPath, place.opensslConf];
	const command = place.netns === undefined ? inUts : ['ip', 'netns', 'exec', place.netns, ...inUts];
	const daemon = spawn(command[0]!, command.slice(1), {
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	runningDaemons.add(daemon);
	daemon.stderr.on('data', chunk => {
		stderr += String(chunk);
	});
	let exited = false;
	const exit = new Promise<void>(resolve => {
		daemon.on('close', () => {
			exited = true;
			runningDaemons.delete(daemon);
			resolve();
		});
	});
	daemon.on('error', error => {
		stderr += error.message;
	});

	let stopped = false;
	const stop = async () => {
		if (stopped) {
			return;
		}

		stopped = true;
		if (!exited) {
			const pid = readPid(pidFile) ?? daemon.pid;
			if (pid !== undefined) {
				process.kill(pid, 'SIGTERM');
			}

			const timer = setTimeout(() => daemon.kill('SIGKILL'), 10_000);
			await exit;
			clearTimeout(timer);
		}

		rmSync(dir, {recursive: true, force: true});
	};

	for (let waited = 0; waited < 15_000 && !exited; waited += 100) {
		if (readPid(pidFile) !== undefined) {
			const greets = place.greets ?? (async (on: number) => (await readBanner(on))?.startsWith('220') === true);
			if (await greets(port)) {
				return {host: addr, port, dir, cfPath, stop};
			}
		}

		if (/Address already in use/i.test(stderr)) {
			await stop();
			return 'port taken';
		}

		await sleep(100);
	}

	await stop();
	throw new Error(`sendmail did not answer with a 220 banner on ${addr}:${port}${exited ? ` (it exited with ${String(daemon.exitCode ?? daemon.signalCode)})` : ' within 15 s'}: ${stderr.trim() || 'it said nothing on stderr'}`);
}

/**
 * Starts a sendmail daemon on 127.0.0.1 with a copy of cfText rewritten per docs/sendmail.md,
 * "A test daemon" (own port, PidFile, queue, status file, no DNS, host mail.test.example).
 * Always call stop() in an `after` or `finally`.
 */
export async function startSendmailDaemon(cfText: string, options: {helpFile?: string} & DaemonPlace = {}): Promise<SendmailDaemon> {
	for (let attempt = 0; attempt < 5; attempt++) {
		const daemon = await startOnPort(cfText, await freePort(), options.helpFile, options);
		if (daemon !== 'port taken') {
			return daemon;
		}
	}

	throw new Error('sendmail found its port taken five times in a row');
}

/**
 * Sends each line in turn on a fresh SMTP connection and returns the replies, the banner first
 * (each reply's lines joined with "\n"). Ends with the connection closed.
 */
export async function smtpTalk(port: number, lines: string[]): Promise<string[]> {
	return (await smtpConversation('127.0.0.1', port, lines, 10_000)).map(({reply}) => reply);
}

/**
 * Each value sendmail sets `option` to while it reads the config, in order: `sendmail -C FILE -bt
 * -d37.1` prints every setoption call ("setoption PrivacyOptions (p)=goaway"). For PrivacyOptions
 * the set in force is all of them together (docs/sendmail.md, "Option syntax").
 */
export function sendmailOptionValues(cfPath: string, option: string): string[] {
	const result = spawnSync(sendmailWrapper, ['-C', cfPath, '-bt', '-d37.1'], {stdio: ['ignore', 'pipe', 'pipe'], encoding: 'latin1', timeout: 30_000});
	const prefix = `setoption ${option} (`;
	return `${result.stdout ?? ''}${result.stderr ?? ''}`
		.split('\n')
		.filter(line => line.startsWith(prefix))
		.map(line => line.slice(line.indexOf('=') + 1));
}
