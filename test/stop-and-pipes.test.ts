// Ctrl+C and SIGTERM stop a run in the middle of a wait, with one line and 128+N; a reader that
// closes the pipe early (| head -1, | true) ends nothing with a stack trace.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {cliPath, copyDemoConfig} from './helpers/cli.js';

function parentOf(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
	} catch {
		return undefined;
	}
}

/** Processes whose command line names `needle` (the sendmail checks of a run name its temp config). */
function processesNaming(needle: string): number[] {
	const found: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}

		try {
			if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(needle)) {
				found.push(Number(entry));
			}
		} catch {}
	}

	return found;
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 50);
		});
	}
}

for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
	test(`${signal} while sendmail reads the new config: stops at once with one line and ${code}, sendmail ended, nothing written`, async () => {
		const {folder, cfPath} = copyDemoConfig();
		const before = readFileSync(cfPath);
		// A sendmail that takes two minutes to read a config (as one waiting on DNS would).
		const slowSendmail = path.join(folder, 'slow-sendmail');
		writeFileSync(slowSendmail, '#!/bin/sh\nsleep 120\n', {mode: 0o755});
		const child = spawn(process.execPath, [cliPath, '--config', cfPath, '--yes', '--no-restart', '--answers', 'test/fixtures/article-answers.json'], {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: {...process.env, SENDMAIL_HARDEN_SENDMAIL: slowSendmail, SENDMAIL_HARDEN_STATE_DIR: path.join(folder, 'state')},
		});
		let stderr = '';
		child.stderr.on('data', chunk => {
			stderr += chunk;
		});
		const closed = new Promise<[number | null, NodeJS.Signals | null]>(resolve => {
			child.on('close', (status, sig) => {
				resolve([status, sig]);
			});
		});
		const sendmails = () => processesNaming(slowSendmail).filter(pid => parentOf(pid) === child.pid);
		await until(() => sendmails().length > 0 || child.exitCode !== null, 'sendmail to start');
		assert.equal(child.exitCode, null, `the run ended before sendmail started: ${stderr}`);
		const running = sendmails();
		child.kill(signal);
		const [status] = await closed;
		assert.equal(status, code, stderr);
		assert.equal(stderr.split('\n').filter(line => line.startsWith('sendmail-harden: stopped')).join('\n'), `sendmail-harden: stopped by ${signal === 'SIGINT' ? 'Ctrl+C (SIGINT)' : 'SIGTERM'}`);
		assert.ok(stderr.endsWith('stopped by ' + (signal === 'SIGINT' ? 'Ctrl+C (SIGINT)' : 'SIGTERM') + '\n'), stderr);
		await until(() => running.every(pid => !processesNaming(slowSendmail).includes(pid)), 'sendmail to end', 10_000);
		assert.deepEqual(readFileSync(cfPath), before);
	});
}

function shell(script: string): {status: number | null; stdout: string; stderr: string} {
	const result = spawnSync('bash', ['-c', script], {encoding: 'utf8', env: {...process.env, CLI: cliPath}});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

test('audit | head -1: no stack trace; audit exits with its own status (1: not hardened)', () => {
	const script = `node "$CLI" audit --config ${copyDemoConfig().cfPath} | head -1; echo "status \${PIPESTATUS[0]}"`;
	const result = shell(`${script}; ${script}; ${script}`);
	assert.equal(result.stderr, '');
	assert.deepEqual(result.stdout.split('\n').filter(line => line.startsWith('status')), ['status 1', 'status 1', 'status 1']);
});

test('explain | true and explain 2>&1 | head -c 1: no stack trace, exit status 0', () => {
	// Three times each: whether the reader is gone before the first write is a race.
	for (const script of ['node "$CLI" explain | true; echo "status ${PIPESTATUS[0]}"', 'node "$CLI" explain 2>&1 | head -c 1 >/dev/null; echo "status ${PIPESTATUS[0]}"']) {
		const result = shell(`${script}; ${script}; ${script}`);
		assert.equal(result.stderr, '');
		assert.equal(result.stdout, 'status 0\n'.repeat(3));
	}
});

/** Whether a process has its own handlers for SIGINT and SIGTERM yet (SigCgt in /proc/PID/status). */
function catchesStopSignals(pid: number): boolean {
	try {
		const caught = BigInt(`0x${/SigCgt:\s+([\da-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]}`);
		// SIGHUP too: node itself catches SIGINT and SIGTERM from its start (to reset the terminal,
		// then die by the signal), so only all three show that the CLI's own handlers are in place.
		return [1n, 2n, 15n].every(signal => (caught & (1n << (signal - 1n))) !== 0n);
	} catch {
		return false;
	}
}

/** Starts the built CLI with `args`, waits for `ready`, sends `signal`, and gives what it ended with. */
async function stopDuring(args: string[], env: NodeJS.ProcessEnv, ready: (pid: number) => boolean, signal: NodeJS.Signals) {
	const child = spawn(process.execPath, [cliPath, ...args], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...env}});
	let stderr = '';
	child.stderr.on('data', chunk => {
		stderr += chunk;
	});
	const closed = new Promise<number | null>(resolve => {
		child.on('close', status => {
			resolve(status);
		});
	});
	await until(() => (catchesStopSignals(child.pid!) && ready(child.pid!)) || child.exitCode !== null, 'the run to start waiting');
	// The wait has begun once the CLI is up; give it a moment to be inside it.
	await new Promise(resolve => {
		setTimeout(resolve, 300);
	});
	assert.equal(child.exitCode, null, `the run ended before the wait: ${stderr}`);
	child.kill(signal);
	return {status: await closed, stderr};
}

test('SIGTERM while verify waits on a server that never answers: one line, 143', async t => {
	const sockets: net.Socket[] = [];
	let connected = false;
	const server = net.createServer(socket => {
		connected = true;
		sockets.push(socket);
	});
	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	t.after(() => {
		for (const socket of sockets) {
			socket.destroy();
		}

		server.close();
	});
	const {port} = server.address() as net.AddressInfo;
	const {status, stderr} = await stopDuring(['verify', '--host', '127.0.0.1', '--port', String(port)], {}, () => connected, 'SIGTERM');
	assert.equal(status, 143, stderr);
	assert.equal(stderr, 'sendmail-harden: stopped by SIGTERM\n');
});

test('Ctrl+C while presets save waits for the store\'s lock: one line, 130; the holder\'s lock stays', async t => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'lock-wait-'));
	const storeFolder = path.join(folder, 'sendmail-harden');
	mkdirSync(storeFolder, {recursive: true});
	// Another run holds the lock: a live process (this sleep) on this host.
	const holder = spawn('sleep', ['120'], {stdio: 'ignore'});
	t.after(() => holder.kill());
	const lock = path.join(storeFolder, 'config.json.lock');
	writeFileSync(lock, JSON.stringify({pid: holder.pid, host: os.hostname(), since: new Date().toISOString(), nonce: 'held-by-test'}));
	const {status, stderr} = await stopDuring(['presets', 'save', 'web', '--answers', 'test/fixtures/article-answers.json'], {XDG_CONFIG_HOME: folder}, () => true, 'SIGINT');
	assert.equal(status, 130, stderr);
	assert.equal(stderr, 'sendmail-harden: stopped by Ctrl+C (SIGINT)\n');
	assert.match(readFileSync(lock, 'utf8'), /held-by-test/);
});

test('presets save gives up on a lock held too long, saying who holds it', async t => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'lock-busy-'));
	const storeFolder = path.join(folder, 'sendmail-harden');
	mkdirSync(storeFolder, {recursive: true});
	const holder = spawn('sleep', ['120'], {stdio: 'ignore'});
	t.after(() => holder.kill());
	writeFileSync(path.join(storeFolder, 'config.json.lock'), JSON.stringify({pid: holder.pid, host: os.hostname(), since: '2026-12-02T08:00:00.000Z', nonce: 'held-by-test'}));
	const result = spawnSync(process.execPath, [cliPath, 'presets', 'save', 'web', '--answers', 'test/fixtures/article-answers.json'], {encoding: 'utf8', env: {...process.env, XDG_CONFIG_HOME: folder}});
	assert.equal(result.status, 2);
	assert.equal(result.stderr, `sendmail-harden: the presets file ${path.join(storeFolder, 'config.json')} is in use by another sendmail-harden run (pid ${holder.pid} on ${os.hostname()}, since 2026-12-02T08:00:00.000Z); try again when it has finished, or remove ${path.join(storeFolder, 'config.json.lock')} if no such run exists\n`);

	// Once the holder is gone, its lock is stale and the next save takes it.
	holder.kill();
	await until(() => holder.exitCode !== null || holder.signalCode !== null, 'the holder to end');
	const after = spawnSync(process.execPath, [cliPath, 'presets', 'save', 'web', '--answers', 'test/fixtures/article-answers.json'], {encoding: 'utf8', env: {...process.env, XDG_CONFIG_HOME: folder}});
	assert.equal(after.status, 0, after.stderr);
});
