// A demo copy is for one run: --demo leaves nothing in $TMPDIR (nor in the state folder), whether
// the run ends normally, with an error, or by a signal (SIGHUP is what a dropped SSH session sends).
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, {before} from 'node:test';
import {cliPath, ensureBuilt, runCli} from './helpers/cli.js';
import {sendmailWrapper} from './helpers/sendmail.js';
import {stepOf} from './helpers/steps.js';

const tmuxInstalled = spawnSync('tmux', ['-V']).status === 0;

// Test the code as it is now, not a stale bundle.
before(ensureBuilt);

/** A scratch $TMPDIR and state folder for one run, removed after the test. */
function scratch(t: {after(fn: () => void): void}): {tmp: string; state: string} {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'demo-cleanup-'));
	t.after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	const tmp = path.join(folder, 'tmp');
	const state = path.join(folder, 'state');
	spawnSync('mkdir', ['-m', '700', tmp, state]);
	return {tmp, state};
}

/** What a run left: everything in the scratch $TMPDIR, and the per-config folders in the state folder. */
const leftovers = ({tmp, state}: {tmp: string; state: string}) => [
	...readdirSync(tmp),
	...(existsSync(path.join(state, 'configs')) ? readdirSync(path.join(state, 'configs')).map(name => `state: ${name}`) : []),
];

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
		await new Promise(resolve => {
			setTimeout(resolve, 50);
		});
	}
}

/** Gone, or a zombie (ended; tmux reaps it when it gets to it). */
function ended(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
		return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
	} catch {
		return true;
	}
}

const runs: Array<[string, string[], number]> = [
	['--demo --yes', ['--demo', '--yes', '--no-restart', '--answers', 'test/fixtures/article-answers.json'], 0],
	['--demo --dry-run', ['--demo', '--dry-run', '--answers', 'test/fixtures/article-answers.json'], 0],
	['--demo --json --yes', ['--demo', '--yes', '--json', '--no-restart', '--answers', 'test/fixtures/article-answers.json'], 0],
	['--demo audit', ['audit', '--demo'], 1],
	['--demo --yes with a state folder others can write (the write is refused: exit 3)', ['--demo', '--yes', '--no-restart', '--answers', 'test/fixtures/article-answers.json'], 3],
];

for (const [name, args, status] of runs) {
	test(`${name}: exit ${status}, and the scratch $TMPDIR holds nothing afterwards`, async t => {
		const dirs = scratch(t);
		if (status === 3) {
			// Refused at the write, after the demo copy was made and checked.
			chmodSync(dirs.state, 0o777);
		}

		const run = await runCli(args, {env: {TMPDIR: dirs.tmp, SENDMAIL_HARDEN_STATE_DIR: dirs.state}});
		assert.equal(run.status, status, run.stderr);
		assert.deepEqual(leftovers(dirs), []);
	});
}

for (const signal of ['SIGHUP', 'SIGTERM', 'SIGINT'] as const) {
	test(`the wizard on --demo in a terminal, stopped by ${signal}${signal === 'SIGHUP' ? ' (the terminal closed)' : ''}: its demo copy is removed`, {skip: tmuxInstalled ? undefined : 'tmux is not installed'}, async t => {
		const dirs = scratch(t);
		const session = `demo-cleanup-${process.pid}-${signal}`;
		const env = {TMPDIR: dirs.tmp, SENDMAIL_HARDEN_STATE_DIR: dirs.state, SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper, XDG_CONFIG_HOME: path.join(dirs.state, 'xdg')};
		const command = `exec env ${Object.entries(env).map(([key, value]) => `${key}='${value}'`).join(' ')} '${process.execPath}' '${cliPath}' --demo`;
		assert.equal(spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '100', '-y', '30', command]).status, 0);
		t.after(() => {
			spawnSync('tmux', ['kill-session', '-t', session]);
		});
		const pid = Number(spawnSync('tmux', ['list-panes', '-t', session, '-F', '#{pane_pid}'], {encoding: 'utf8'}).stdout.trim());
		assert.ok(pid > 0);
		const screen = () => spawnSync('tmux', ['capture-pane', '-p', '-t', session], {encoding: 'utf8'}).stdout;
		await until(() => screen().includes(stepOf('Welcome')), 'the first screen');
		assert.equal(readdirSync(dirs.tmp).filter(entry => entry.startsWith('sendmail-harden-demo-')).length, 1, 'the demo copy is there while the wizard runs');

		if (signal === 'SIGHUP') {
			// Closing the terminal: tmux hangs up the pane, the kernel sends SIGHUP.
			spawnSync('tmux', ['kill-session', '-t', session]);
		} else {
			process.kill(pid, signal);
		}

		await until(() => ended(pid), 'the wizard to end');
		assert.deepEqual(leftovers(dirs), []);
	});
}

test('the demo copy of a run killed with SIGKILL (no exit hook runs) is removed by the next run that writes', async t => {
	const dirs = scratch(t);
	const gone = spawnSync('true').pid!;
	const killed = path.join(dirs.tmp, `sendmail-harden-demo-${gone}_AbC123`);
	spawnSync('mkdir', ['-m', '700', killed]);
	const run = await runCli(['--demo', '--yes', '--no-restart', '--answers', 'test/fixtures/article-answers.json'], {env: {TMPDIR: dirs.tmp, SENDMAIL_HARDEN_STATE_DIR: dirs.state}});
	assert.equal(run.status, 0, run.stderr);
	assert.deepEqual(leftovers(dirs), []);
});
