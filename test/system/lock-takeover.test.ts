// Locks after a power cut or a crash: an empty or garbled lock file, or one whose process is gone
// (its pid dead, or reused by another process, or written under a host name since changed), is
// taken over after a short grace and the takeover is said, naming the lock file. A lock held by a
// running process is still respected.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {acquireLock} from '../../source/system/config-lock.js';
import {recoverInterrupted} from '../../source/system/journal.js';
import {configStateFolder} from '../../source/system/state-folder.js';
import {copyDemoConfig, runCli} from '../helpers/cli.js';

async function lockFileOf(): Promise<{cfPath: string; lock: string; state: string}> {
	const {cfPath} = copyDemoConfig();
	const state = await configStateFolder(cfPath);
	assert.ok(state.ok);
	return {cfPath, state: state.value, lock: path.join(state.value, 'lock')};
}

/** Back-dates a file as a power cut an hour ago would have left it. */
function leftLongAgo(file: string): void {
	const then = new Date(Date.now() - 3600_000);
	utimesSync(file, then, then);
}

function startTimeOf(pid: number): string {
	const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
	return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

const deadPid = () => spawnSync('true').pid!;

const cases: Array<[string, () => string | Buffer, boolean]> = [
	['an empty lock file', () => '', true],
	['a garbled lock file (zeros, as a lost write leaves it)', () => Buffer.alloc(180), true],
	['a lock file cut off mid-way', () => '{"pid":12', true],
	['a lock of a dead pid', () => JSON.stringify({pid: deadPid(), startTime: '1', command: 'sendmail-harden --yes', since: '2026-12-01T08:00:00.000Z', nonce: 'dead'}), false],
	['a lock of a live pid with another start time (the pid was reused)', () => JSON.stringify({pid: process.ppid, startTime: String(Number(startTimeOf(process.ppid)) + 1), host: os.hostname(), since: '2026-12-01T08:00:00.000Z', nonce: 'reused'}), false],
	['a lock of a dead pid written under an older host name', () => JSON.stringify({pid: deadPid(), host: 'old-name.example', since: '2026-12-01T08:00:00.000Z', nonce: 'renamed'}), false],
	['a lock of a dead pid from an earlier boot', () => JSON.stringify({pid: deadPid(), host: os.hostname(), boot: '00000000-0000-0000-0000-000000000000', since: '2026-12-01T08:00:00.000Z', nonce: 'booted'}), false],
];

for (const [what, content, garbled] of cases) {
	test(`${what} is taken over, and the takeover is said naming the lock file`, async () => {
		const {cfPath, lock} = await lockFileOf();
		writeFileSync(lock, content());
		leftLongAgo(lock);
		const taken = await acquireLock(path.dirname(lock), cfPath, {waitMs: 300});
		assert.ok(taken.ok, taken.ok ? '' : taken.error);
		assert.ok(taken.value.note?.startsWith(`took over the lock ${lock}`), taken.value.note);
		assert.match(taken.value.note!, garbled ? /(empty|garbled) \(as a power cut leaves it\)/ : /no longer running/);
		await taken.value.release();
	});
}

test('journal recovery (the start of --yes and rollback) goes past an empty lock, with a note naming it', async () => {
	const {cfPath, lock} = await lockFileOf();
	writeFileSync(lock, '');
	leftLongAgo(lock);
	const recovered = await recoverInterrupted(cfPath);
	assert.ok(recovered.ok, recovered.ok ? '' : recovered.error);
	assert.deepEqual(recovered.value, [`took over the lock ${lock}, which was empty (as a power cut leaves it) and named no running holder`]);
});

test('a garbled lock just written is not taken over before the grace: one a live run puts there meanwhile is respected', async () => {
	const {cfPath, lock} = await lockFileOf();
	// Fresh: it may be a lock being written right now.
	writeFileSync(lock, '');
	const taking = acquireLock(path.dirname(lock), cfPath, {waitMs: 100, pollMs: 10, graceMs: 60_000});
	await new Promise(resolve => {
		setTimeout(resolve, 300);
	});
	// Whenever this lands within the minute of grace, the run must find the lock held.
	writeFileSync(`${lock}.new`, JSON.stringify({pid: process.pid, startTime: startTimeOf(process.pid), host: os.hostname(), since: '2026-12-01T08:00:00.000Z', nonce: 'live'}));
	spawnSync('mv', [`${lock}.new`, lock]);
	const taken = await taking;
	assert.ok(!taken.ok);
	assert.match(taken.error, new RegExp(`another sendmail-harden run \\(pid ${process.pid} on `));
	assert.ok(taken.error.includes(`lock file ${lock}`), taken.error);
	assert.match(readFileSync(lock, 'utf8'), /"nonce":"live"/);
	rmSync(lock);
});

test('a garbled lock that stays garbled through the grace is taken over, even with a time stamp in the future', async () => {
	const {cfPath, lock} = await lockFileOf();
	writeFileSync(lock, 'not a lock');
	const later = new Date(Date.now() + 3600_000);
	utimesSync(lock, later, later);
	const taken = await acquireLock(path.dirname(lock), cfPath, {waitMs: 0, pollMs: 10, graceMs: 200});
	assert.ok(taken.ok, taken.ok ? '' : taken.error);
	assert.match(taken.value.note!, /garbled/);
	await taken.value.release();
});

test('a lock held by another running process is respected, and the message names the lock file and the holder', async t => {
	const {cfPath, lock, state} = await lockFileOf();
	// A real second process takes the lock and holds it until its stdin closes.
	const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
		const {acquireLock} = await import(${JSON.stringify(path.resolve('source/system/config-lock.ts'))});
		const lock = await acquireLock(${JSON.stringify(state)}, 'held');
		if (!lock.ok) { console.log(lock.error); process.exit(1); }
		console.log('held');
		process.stdin.resume();
		process.stdin.on('end', async () => { await lock.value.release(); process.exit(0); });
	`], {stdio: ['pipe', 'pipe', 'inherit']});
	t.after(() => holder.kill());
	const said = await new Promise<string>(resolve => {
		let out = '';
		holder.stdout.on('data', chunk => {
			out += chunk;
			if (out.includes('\n')) {
				resolve(out);
			}
		});
	});
	assert.equal(said, 'held\n');
	const busy = await acquireLock(state, cfPath, {waitMs: 300, pollMs: 20});
	assert.ok(!busy.ok);
	assert.ok(busy.error.startsWith(`${cfPath} is being changed by another sendmail-harden run (pid ${holder.pid} on ${os.hostname()}, since `), busy.error);
	assert.ok(busy.error.includes(`lock file ${lock}`), busy.error);
	assert.match(readFileSync(lock, 'utf8'), new RegExp(`"pid":${holder.pid},`));

	// The holder stops: its lock goes, and the next run takes the lock with no takeover to say.
	holder.stdin.end();
	await new Promise(resolve => holder.once('exit', resolve));
	const taken = await acquireLock(state, cfPath, {waitMs: 5000});
	assert.ok(taken.ok, taken.ok ? '' : taken.error);
	assert.equal(taken.value.note, undefined);
	await taken.value.release();
});

test('a lock that is not a file is never removed, and the message names it', async () => {
	const {cfPath, lock} = await lockFileOf();
	mkdirSync(lock);
	const taken = await acquireLock(path.dirname(lock), cfPath, {waitMs: 100});
	assert.ok(!taken.ok);
	assert.ok(taken.error.startsWith(`cannot take the lock ${lock}: it cannot be read (it is not a regular file)`), taken.error);
	rmSync(lock, {recursive: true});
});

test('--yes and rollback after a power cut left the lock empty: each goes on, with one note line naming the lock', async () => {
	const {cfPath, lock} = await lockFileOf();
	const note = `sendmail-harden: note: took over the lock ${lock}, which was empty (as a power cut leaves it) and named no running holder\n`;
	writeFileSync(lock, '');
	leftLongAgo(lock);
	const harden = await runCli(['--config', cfPath, '--yes', '--no-restart', '--answers', 'test/fixtures/article-answers.json']);
	assert.equal(harden.status, 0, harden.stderr);
	assert.ok(harden.stderr.startsWith(note), harden.stderr);

	writeFileSync(lock, Buffer.alloc(96));
	leftLongAgo(lock);
	const rollback = await runCli(['rollback', '--config', cfPath]);
	assert.equal(rollback.status, 0, rollback.stderr);
	assert.ok(rollback.stderr.startsWith(note.replace('was empty', 'was garbled')), rollback.stderr);
});
