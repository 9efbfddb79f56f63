// Ctrl+C and SIGTERM stop a run in the middle of a wait, with one line and 128+N; a reader that
// closes the pipe early (| head -1, | true) ends nothing with a stack trace.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {cliPath, copyDemoConfig} from './helpers/cli.js';
import {skipUnlessSendmail} from './helpers/sendmail.js';

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
	test(`${signal} while sendmail checks the new config: stops at once with one line and ${code}, the check ended, nothing written`, skipUnlessSendmail(), async () => {
		const {folder, cfPath} = copyDemoConfig();
		const before = readFileSync(cfPath);
		// The real sendmail, outside a UTS namespace: on this unqualified host it waits 60 s for
		// the host name, a wait as long as any a run meets.
		const child = spawn(process.execPath, [cliPath, '--config', cfPath, '--yes', '--no-restart', '--answers', 'test/fixtures/article-answers.json'], {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: {...process.env, SENDMAIL_HARDEN_SENDMAIL: '/usr/sbin/sendmail', SENDMAIL_HARDEN_STATE_DIR: path.join(folder, 'state')},
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
		const checks = () => processesNaming('sendmail-harden-check').filter(pid => parentOf(pid) === child.pid);
		await until(() => checks().length > 0 || child.exitCode !== null, 'the sendmail check to start');
		assert.equal(child.exitCode, null, `the run ended before its check: ${stderr}`);
		const running = checks();
		child.kill(signal);
		const [status] = await closed;
		assert.equal(status, code, stderr);
		assert.equal(stderr, `sendmail-harden: stopped by ${signal === 'SIGINT' ? 'Ctrl+C (SIGINT)' : 'SIGTERM'}\n`);
		await until(() => running.every(pid => !processesNaming('sendmail-harden-check').includes(pid)), 'the sendmail checks to end', 10_000);
		assert.deepEqual(readFileSync(cfPath), before);
	});
}

function shell(script: string): {status: number | null; stdout: string; stderr: string} {
	const result = spawnSync('bash', ['-c', script], {encoding: 'utf8', env: {...process.env, CLI: cliPath}});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

test('audit | head -1: no stack trace; audit exits with its own status (1: not hardened)', () => {
	const script = 'node "$CLI" audit --config source/demo/sendmail.cf | head -1; echo "status ${PIPESTATUS[0]}"';
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
