// The write path on a bad day, in-process (the built CLI's side is in test/commands/harden-faults):
// a full disk at every level that matters, a read-only remount, a disk that lies about a write,
// names planted in the folder, locks, retention and rollback past a lost backup.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import type {FileChange} from '../../source/core/plan.js';
import {fail} from '../../source/core/result.js';
import {acquireLock} from '../../source/system/config-lock.js';
import {listBackupSets, newestBackupSet, type BackupSet} from '../../source/system/backup-sets.js';
import {recoverInterrupted} from '../../source/system/journal.js';
import {rollbackBackupSet, rollbackWithNotes} from '../../source/system/rollback.js';
import {writeChanges} from '../../source/system/write-changes.js';
import {createVerifiedFile, realFileOps, sha256, tempNameFor, type FileOps} from '../../source/system/safe-write.js';
import {configStateFolder, stateFolderPath} from '../../source/system/state-folder.js';
import {copyDemoConfig} from '../helpers/cli.js';
import {bundledFixture} from '../helpers/fixture-bundle.js';
import {fillTo, freeBytes, hashOf, linkToVictim, makeVictim, mountTmpfs, placeDemoConfig, remount} from '../helpers/faults.js';

const now = new Date('2026-11-26T10:00:00.000Z');

function changes(cfPath: string, helpPath: string, size = 500_000): FileChange[] {
	const cf = readFileSync(cfPath, 'latin1');
	const help = readFileSync(helpPath, 'latin1');
	return [
		{role: 'cf', path: cfPath, before: cf, after: cf.replace('#O MaxMessageSize=0\n', `#O MaxMessageSize=0\nO MaxMessageSize=${size}\n`)},
		{role: 'helpfile', path: helpPath, before: help, after: help.replace(/^smtp\tThis is sendmail version \$v\n/m, '')},
	];
}

/** Runs `work` with the state folder at `folder` (the variable is read at each use). */
async function withStateFolder<T>(folder: string, work: () => Promise<T>): Promise<T> {
	const saved = process.env['SENDMAIL_HARDEN_STATE_DIR'];
	process.env['SENDMAIL_HARDEN_STATE_DIR'] = folder;
	try {
		return await work();
	} finally {
		process.env['SENDMAIL_HARDEN_STATE_DIR'] = saved;
	}
}

const leftovers = (folder: string) => readdirSync(folder).filter(name => name.includes('.sendmail-harden-') && name.endsWith('.tmp'));

test('a full disk at every level around the config\'s size: the files are exactly old or exactly new, and the result says which', async t => {
	const disk = mountTmpfs(t, '512k');
	if (!disk) {
		return;
	}

	const folder = path.join(disk, 'mail');
	const state = path.join(disk, 'state');
	const {cfPath, helpPath} = placeDemoConfig(folder);
	const old = [readFileSync(cfPath), readFileSync(helpPath)];
	const planned = changes(cfPath, helpPath);
	const fresh = planned.map(change => Buffer.from(change.after, 'latin1'));
	const setSize = old[0]!.length + old[1]!.length;
	let failed = 0;
	let succeeded = 0;
	let firstSuccess: number | undefined;
	// From a full disk to room for everything (originals' copies in the state folder, the backups, the new files), page by page.
	for (let free = 0; free <= setSize * 4 + 16_384; free += 4096) {
		rmSync(folder, {recursive: true, force: true});
		rmSync(state, {recursive: true, force: true});
		rmSync(path.join(disk, 'filler'), {force: true});
		placeDemoConfig(folder);
		fillTo(disk, free);
		const written = await withStateFolder(state, async () => writeChanges(planned, {cfPath, now}));
		const files = [readFileSync(cfPath), readFileSync(helpPath)];
		assert.deepEqual(leftovers(folder), [], `no temporary file left at ${free} bytes free`);
		if (written.ok) {
			succeeded++;
			firstSuccess ??= free;
			assert.deepEqual(files, fresh, `at ${free} bytes free the write reported success: both files are new`);
		} else {
			failed++;
			assert.match(written.error, /the disk is full; (?:every file was left as it was|nothing was written)$/, `at ${free} bytes free`);
			assert.deepEqual(files, old, `at ${free} bytes free the write failed: both files are as they were`);
			assert.deepEqual(readdirSync(folder).sort(), ['helpfile', 'sendmail.cf'], 'a failed change leaves no backup for rollback to offer');
			assert.equal(existsSync(path.join(state, 'configs')) && readdirSync(path.join(state, 'configs')).some(key => existsSync(path.join(state, 'configs', key, 'journal.json'))), false);
			assert.ok(firstSuccess === undefined, `at ${free} bytes free it failed after succeeding with ${firstSuccess} free`);
		}
	}

	t.diagnostic(`${failed} levels refused, ${succeeded} written; the first that fits: ${firstSuccess} bytes free for a ${setSize}-byte set`);
	assert.ok(failed > 10 && succeeded > 0);
});

test('rollback on a full disk fails without truncating anything and without using up the backup set', async t => {
	const disk = mountTmpfs(t, '512k');
	if (!disk) {
		return;
	}

	const folder = path.join(disk, 'mail');
	const state = path.join(disk, 'state');
	let refused = 0;
	let restored = 0;
	for (let free = 0; free <= 200_000; free += 8192) {
		rmSync(folder, {recursive: true, force: true});
		rmSync(state, {recursive: true, force: true});
		rmSync(path.join(disk, 'filler'), {force: true});
		const {cfPath, helpPath} = placeDemoConfig(folder);
		const old = [readFileSync(cfPath), readFileSync(helpPath)];
		await withStateFolder(state, async () => {
			const written = await writeChanges(changes(cfPath, helpPath), {cfPath, now});
			assert.ok(written.ok, written.ok ? '' : written.error);
			const fresh = [readFileSync(cfPath), readFileSync(helpPath)];
			fillTo(disk, free);
			const back = await rollbackBackupSet(written.value);
			const files = [readFileSync(cfPath), readFileSync(helpPath)];
			assert.deepEqual(leftovers(folder), []);
			if (back.ok) {
				restored++;
				assert.deepEqual(files, old, `at ${free} bytes free`);
				assert.equal((await newestBackupSet(cfPath)).ok, false, 'the set is used up');
			} else {
				refused++;
				assert.match(back.error, /the disk is full; (?:every file was left as it was and the backup is still there to roll back to|nothing was written|nothing was restored)$/);
				assert.deepEqual(files, fresh, `at ${free} bytes free the rollback failed: the files are still the new ones, whole`);
				const still = await newestBackupSet(cfPath);
				assert.ok(still.ok && still.value.id === written.value.id, 'the set is not marked as used');
			}
		});
	}

	t.diagnostic(`rollback: ${refused} levels refused, ${restored} restored`);
	assert.ok(refused > 0 && restored > 0);
});

test('a read-only file system: the write and the rollback fail with one message, nothing changed, the set kept', async t => {
	const disk = mountTmpfs(t, '1m');
	if (!disk) {
		return;
	}

	const {cfPath, helpPath} = placeDemoConfig(path.join(disk, 'mail'));
	const old = [readFileSync(cfPath), readFileSync(helpPath)];
	remount(disk, 'ro');
	const refused = await writeChanges(changes(cfPath, helpPath), {cfPath, now});
	assert.ok(!refused.ok);
	assert.match(refused.error, /^cannot back up to .*\/sendmail\.cf\.sendmail-harden-[^/]*\.bak: the file system is read-only; every file was left as it was$/);
	assert.deepEqual([readFileSync(cfPath), readFileSync(helpPath)], old);

	remount(disk, 'rw');
	const written = await writeChanges(changes(cfPath, helpPath), {cfPath, now});
	assert.ok(written.ok);
	const fresh = [readFileSync(cfPath), readFileSync(helpPath)];
	remount(disk, 'ro');
	const back = await rollbackBackupSet(written.value);
	assert.ok(!back.ok);
	assert.match(back.error, /read-only; every file was left as it was/);
	assert.deepEqual([readFileSync(cfPath), readFileSync(helpPath)], fresh);
	remount(disk, 'rw');
	assert.ok((await rollbackBackupSet(written.value)).ok, 'the set is still there to roll back to');
	assert.deepEqual([readFileSync(cfPath), readFileSync(helpPath)], old);
});

test('a disk that takes part of each write is written in a loop; one that loses bytes is caught before the rename', async () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const short: FileOps = {
		...realFileOps,
		// At most 1000 bytes per write(2), as a pipe or a filling disk may do.
		write: async (handle, bytes, offset, length, position, file) => realFileOps.write(handle, bytes, offset, Math.min(length, 1000), position, file),
	};
	const planned = changes(cfPath, helpPath);
	const written = await writeChanges(planned, {cfPath, now, fileOps: short});
	assert.ok(written.ok, written.ok ? '' : written.error);
	assert.equal(readFileSync(cfPath, 'latin1'), planned[0]!.after);

	const {cfPath: cf2, helpPath: help2} = copyDemoConfig();
	const before = readFileSync(cf2);
	const lying: FileOps = {
		...realFileOps,
		// Says it wrote everything; kept only the first 20480 bytes of the config (the strace of the bug report).
		async write(handle, bytes, offset, length, position, file) {
			if (/^\.sendmail\.cf\.sendmail-harden-\d+-[\da-f]{16}\.tmp$/.test(path.basename(file)) && length > 20_480) {
				await realFileOps.write(handle, bytes, offset, 20_480, position, file);
				return length;
			}

			return realFileOps.write(handle, bytes, offset, length, position, file);
		},
	};
	const caught = await writeChanges(changes(cf2, help2), {cfPath: cf2, now, fileOps: lying});
	assert.ok(!caught.ok);
	assert.match(caught.error, /the disk did not keep every byte written .*; every file was left as it was$/);
	assert.deepEqual(readFileSync(cf2), before);
	assert.deepEqual(leftovers(path.dirname(cf2)), []);
});

test('names planted where the backups will go are skipped, never followed; the victim is untouched', async () => {
	const {folder, cfPath, helpPath} = copyDemoConfig();
	const victim = makeVictim();
	const victimHash = hashOf(victim);
	const stamp = '20261126T100000-000Z';
	const planted = [`${cfPath}.sendmail-harden-${stamp}.bak`, `${helpPath}.sendmail-harden-${stamp}.bak`, `${cfPath}.sendmail-harden-${stamp}.json`];
	for (const name of planted) {
		symlinkSync(victim, name);
	}

	const original = readFileSync(cfPath);
	const written = await writeChanges(changes(cfPath, helpPath), {cfPath, now});
	assert.ok(written.ok, written.ok ? '' : written.error);
	assert.equal(hashOf(victim), victimHash);
	for (const name of planted) {
		assert.ok(lstatSync(name).isSymbolicLink(), `${name} is left as it was`);
	}

	const cfBackup = written.value.files.find(file => file.role === 'cf')!.backup;
	assert.equal(cfBackup, `${cfPath}.sendmail-harden-${stamp}-1.bak`);
	assert.deepEqual(readFileSync(cfBackup), original);
	assert.ok((await rollbackBackupSet(written.value)).ok);
	assert.deepEqual(readFileSync(cfPath), original);
	assert.equal(hashOf(victim), victimHash);
	assert.equal(readdirSync(folder).filter(name => name.endsWith('.json')).length, 1, 'only the planted one: no record is kept beside the config');
});

test('temporary files: unpredictable names, created O_EXCL|O_NOFOLLOW, so a planted link or file there is refused', async () => {
	const {cfPath} = copyDemoConfig();
	const names = new Set(Array.from({length: 50}, () => tempNameFor(cfPath)));
	assert.equal(names.size, 50);
	for (const name of names) {
		assert.match(path.basename(name), new RegExp(`^\\.sendmail\\.cf\\.sendmail-harden-${process.pid}-[\\da-f]{16}\\.tmp$`));
	}

	const victim = makeVictim();
	const victimHash = hashOf(victim);
	const [linkName, fileName] = [...names];
	symlinkSync(victim, linkName!);
	writeFileSync(fileName!, 'planted');
	for (const name of [linkName!, fileName!]) {
		await assert.rejects(createVerifiedFile(name, Buffer.from('evil::0:0:owned:/root:/bin/sh\n'), undefined), {code: 'EEXIST'});
	}

	assert.equal(hashOf(victim), victimHash);
	assert.equal(readFileSync(fileName!, 'utf8'), 'planted');
});

test('a config or help file that is a symbolic link is refused, and the file it points to is untouched', async () => {
	for (const which of ['cf', 'helpfile'] as const) {
		const {cfPath, helpPath} = copyDemoConfig();
		const planned = changes(cfPath, helpPath);
		const linked = which === 'cf' ? cfPath : helpPath;
		const {victim, victimHash} = linkToVictim(linked);
		const written = await writeChanges(planned, {cfPath, now});
		assert.ok(!written.ok);
		assert.match(written.error, new RegExp(`^${linked.replaceAll('.', '\\.')} is a symbolic link \\(to .*\\); sendmail-harden does not follow links`));
		assert.equal(hashOf(victim), victimHash);
		assert.ok(lstatSync(linked).isSymbolicLink());
	}
});

test('the state folder is refused when others could write to it, or when it is not the running user\'s', async () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const before = readFileSync(cfPath);
	const open = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-state-open-'));
	chmodSync(open, 0o777);
	const notMine = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-state-other-'));
	chownSync(notMine, 1, 1);
	for (const [folder, why] of [[open, /can be written by others \(mode 777\)/], [notMine, /belongs to user 1, not to you/]] as const) {
		const written = await withStateFolder(folder, async () => writeChanges(changes(cfPath, helpPath), {cfPath, now}));
		assert.ok(!written.ok);
		assert.match(written.error, why);
		assert.match(written.error, /nothing was written$/);
		assert.deepEqual(readFileSync(cfPath), before);
	}
});

test('the lock: a second run waits, then says who holds it; a dead holder\'s lock is taken over; never two holders', async () => {
	const {cfPath} = copyDemoConfig();
	const state = await configStateFolder(cfPath);
	assert.ok(state.ok);
	const first = await acquireLock(state.value, cfPath);
	assert.ok(first.ok);
	const second = await acquireLock(state.value, cfPath, {waitMs: 300});
	assert.ok(!second.ok);
	assert.match(second.error, new RegExp(`is being changed by another sendmail-harden run \\(pid ${process.pid} on ${os.hostname()}, since .*\\); nothing was written`));
	await first.value.release();

	// A holder killed without releasing: its pid is gone.
	const gone = spawnSync('true').pid;
	writeFileSync(path.join(state.value, 'lock'), JSON.stringify({pid: gone, command: 'sendmail-harden --yes', since: now.toISOString(), nonce: 'dead'}));
	const taken = await acquireLock(state.value, cfPath, {waitMs: 2000});
	assert.ok(taken.ok, taken.ok ? '' : taken.error);
	await taken.value.release();

	// Twenty at once, each holding a moment: never two inside.
	let inside = 0;
	let most = 0;
	await Promise.all(Array.from({length: 20}, async () => {
		const lock = await acquireLock(state.value, cfPath, {waitMs: 60_000, pollMs: 5});
		assert.ok(lock.ok);
		inside++;
		most = Math.max(most, inside);
		await new Promise(resolve => {
			setTimeout(resolve, 5);
		});
		inside--;
		await lock.value.release();
	}));
	assert.equal(most, 1);
});

test('retention: the newest N sets are kept with their backups; older ones and their copies go; never the one just made', async () => {
	const {folder, cfPath, helpPath} = copyDemoConfig();
	for (let n = 1; n <= 6; n++) {
		// Each change on top of the last: the first adds the line, the next ones change it.
		const text = readFileSync(cfPath, 'latin1');
		const planned: FileChange[] = n === 1 ? changes(cfPath, helpPath, 1000) : [{role: 'cf', path: cfPath, before: text, after: text.replace(/^O MaxMessageSize=\d+$/m, `O MaxMessageSize=${n * 1000}`)}];
		const written = await writeChanges(planned, {cfPath, now: new Date(now.getTime() + n * 1000), keep: 3});
		assert.ok(written.ok, written.ok ? '' : written.error);
		const sets = await listBackupSets(cfPath);
		assert.ok(sets.ok);
		assert.ok(sets.value.at(-1)!.id === written.value.id);
	}

	const sets = await listBackupSets(cfPath);
	assert.ok(sets.ok);
	assert.deepEqual(sets.value.map(set => set.savedAt), [4, 5, 6].map(n => new Date(now.getTime() + n * 1000).toISOString()));
	assert.equal(readdirSync(folder).filter(name => name.endsWith('.bak')).length, 3, 'the backups of pruned sets are gone too');
	const state = await configStateFolder(cfPath);
	assert.ok(state.ok);
	assert.equal(readdirSync(path.join(state.value, 'files')).length, 3, 'and so are their copies');

	const one = await writeChanges(changes(cfPath, helpPath, 7000).slice(0, 1), {cfPath, now: new Date(now.getTime() + 7000), keep: 1});
	assert.ok(one.ok);
	const left = await listBackupSets(cfPath);
	assert.deepEqual(left.ok && left.value.map(set => set.id), [one.value.id]);
});

test('backups checked by hash: an altered or deleted .bak is never restored; the copy in the state folder is, and it says so', async () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const original = readFileSync(cfPath);
	const written = await writeChanges(changes(cfPath, helpPath), {cfPath, now});
	assert.ok(written.ok);
	const [cf, help] = [written.value.files.find(file => file.role === 'cf')!, written.value.files.find(file => file.role === 'helpfile')!];
	writeFileSync(cf.backup!, 'evil::0:0:owned:/root:/bin/sh\n');
	unlinkSync(help.backup!);
	const back = await rollbackWithNotes(written.value);
	assert.ok(back.ok, back.ok ? '' : back.error);
	assert.deepEqual(readFileSync(cfPath), original);
	assert.match(back.value.notes.join('\n'), new RegExp(`the backup ${cf.backup!.replaceAll('.', '\\.')} is not what was saved .* was not used`));
	assert.match(back.value.notes.join('\n'), /helpfile\.sendmail-harden-.*\.bak is gone; used the copy kept in the state folder/);

	// With no good copy left, the set is refused, never restored from the altered file.
	const {cfPath: cf2, helpPath: help2} = copyDemoConfig();
	const second = await writeChanges(changes(cf2, help2), {cfPath: cf2, now});
	assert.ok(second.ok);
	const fresh = readFileSync(cf2);
	const cf2File = second.value.files.find(file => file.role === 'cf')!;
	writeFileSync(cf2File.backup!, 'evil::0:0:owned:/root:/bin/sh\n');
	const state = await configStateFolder(cf2);
	assert.ok(state.ok);
	unlinkSync(path.join(state.value, 'files', cf2File.backupSha256!));
	const refused = await rollbackBackupSet(second.value);
	assert.ok(!refused.ok);
	assert.match(refused.error, /the backup of .*sendmail\.cf from the change of .* is altered \(.*: altered; the copy in the state folder: gone\); nothing was restored$/);
	assert.deepEqual(readFileSync(cf2), fresh);
});

test('a lost newest backup does not strand older sets: rollback names the older one, and going back to it needs no --force', async () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const original = [readFileSync(cfPath), readFileSync(helpPath)];
	const first = await writeChanges(changes(cfPath, helpPath), {cfPath, now});
	assert.ok(first.ok);
	const text = readFileSync(cfPath, 'latin1');
	const second = await writeChanges([{role: 'cf', path: cfPath, before: text, after: text.replace('O MaxMessageSize=500000', 'O MaxMessageSize=1000')}], {cfPath, now: new Date(now.getTime() + 1000)});
	assert.ok(second.ok);
	const newest = second.value.files[0]!;
	unlinkSync(newest.backup!);
	const state = await configStateFolder(cfPath);
	assert.ok(state.ok);
	unlinkSync(path.join(state.value, 'files', newest.backupSha256!));

	const refused = await rollbackBackupSet(second.value);
	assert.ok(!refused.ok);
	assert.match(refused.error, new RegExp(`is gone .*; nothing was restored\\. The change before it, of ${first.value.savedAt}, can still be undone \\(which undoes this one too\\): sendmail-harden rollback --config ${cfPath} --set ${first.value.id}$`));
	const back = await rollbackBackupSet(first.value);
	assert.ok(back.ok, back.ok ? '' : back.error);
	assert.deepEqual([readFileSync(cfPath), readFileSync(helpPath)], original);
	assert.equal((await newestBackupSet(cfPath)).ok, false, 'both sets are used up');
});

test('a restore is checked with sendmail like a write: a refusal restores nothing and keeps the set', async () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const written = await writeChanges(changes(cfPath, helpPath), {cfPath, now});
	assert.ok(written.ok);
	const fresh = readFileSync(cfPath);
	const back = await rollbackBackupSet(written.value, {checkConfig: async () => fail('sendmail rejects the new config: line 3: unknown configuration line; nothing was written')});
	assert.ok(!back.ok);
	assert.match(back.error, /is refused: sendmail rejects the new config: line 3: unknown configuration line; nothing was restored$/);
	assert.deepEqual(readFileSync(cfPath), fresh);
	assert.ok((await newestBackupSet(cfPath)).ok);
});

test('records are only read from the state folder: a planted one there that names a file elsewhere is ignored', async () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const victim = makeVictim();
	const victimHash = hashOf(victim);
	const written = await writeChanges(changes(cfPath, helpPath), {cfPath, now});
	assert.ok(written.ok);
	// Even a record in the state folder may not send a restore outside the config's own files.
	const {manifest: _, ...record} = written.value;
	const evil: Omit<BackupSet, 'manifest'> = {...record, id: '20261126T110000-000Z', files: [{...record.files[0]!, role: 'cf', path: victim, backup: `${victim}.sendmail-harden-20261126T110000-000Z.bak`}]};
	const state = await configStateFolder(cfPath);
	assert.ok(state.ok);
	mkdirSync(path.join(state.value, 'sets'), {recursive: true});
	writeFileSync(path.join(state.value, 'sets', '20261126T110000-000Z.json'), JSON.stringify(evil));
	const newest = await newestBackupSet(cfPath);
	assert.ok(newest.ok);
	assert.equal(newest.value.id, written.value.id);
	assert.equal(hashOf(victim), victimHash);
	assert.ok(stateFolderPath().length > 0);
	assert.equal(sha256(readFileSync(victim)), victimHash);
});

test('kill -9 before every write and rename of a two-file change: the next run puts back a whole set, old or new', async t => {
	const writer = bundledFixture('test/fixtures/write-slowly.ts');
	const whole = copyDemoConfig();
	const probe = spawnSync(process.execPath, [writer, whole.cfPath, '0'], {encoding: 'utf8'});
	const total = Number(/(\d+) operations/.exec(probe.stdout)?.[1]);
	assert.ok(total > 5, probe.stdout + probe.stderr);
	const fresh = [readFileSync(whole.cfPath), readFileSync(whole.helpPath)];
	// One kill at each operation, a few writers at a time (each has its own files and state folder),
	// then each recovered in turn.
	const crashes: Array<{crashAt: number; folder: string; cfPath: string; helpPath: string; old: Buffer[]}> = [];
	for (let crashAt = 1; crashAt <= total; crashAt++) {
		const copy = copyDemoConfig();
		crashes.push({crashAt, ...copy, old: [readFileSync(copy.cfPath), readFileSync(copy.helpPath)]});
	}

	for (let start = 0; start < crashes.length; start += 4) {
		const signals = await Promise.all(crashes.slice(start, start + 4).map(async ({cfPath, crashAt}) => new Promise<NodeJS.Signals | null>(resolve => {
			const child = spawn(process.execPath, [writer, cfPath, '0', String(crashAt)], {stdio: 'ignore'});
			child.on('close', (_code, signal) => {
				resolve(signal);
			});
		})));
		assert.deepEqual(signals, signals.map(() => 'SIGKILL'));
	}

	const outcomes: string[] = [];
	for (const {crashAt, folder, cfPath, helpPath, old} of crashes) {
		const expected = [Buffer.from(fresh[0]!.toString('latin1').replaceAll(whole.helpPath, helpPath), 'latin1'), fresh[1]!];
		const after = [readFileSync(cfPath), readFileSync(helpPath)];
		const mixed = !after[0]!.equals(after[1]!.equals(expected[1]!) ? expected[0]! : old[0]!);
		const recovered = await recoverInterrupted(cfPath);
		assert.ok(recovered.ok, recovered.ok ? '' : recovered.error);
		const settled = [readFileSync(cfPath), readFileSync(helpPath)];
		const isOld = settled[0]!.equals(old[0]!) && settled[1]!.equals(old[1]!);
		const isNew = settled[0]!.equals(expected[0]!) && settled[1]!.equals(expected[1]!);
		assert.ok(isOld || isNew, `killed before operation ${crashAt} of ${total}: a whole set after recovery`);
		if (mixed) {
			assert.match(recovered.value.join('\n'), /was stopped before it finished and has been undone \(put back as they were before it: /);
		}

		// A set in force can be rolled back; one that was undone left no backup behind.
		const sets = await listBackupSets(cfPath);
		assert.ok(sets.ok);
		assert.equal(sets.value.length, isNew ? 1 : 0);
		assert.deepEqual(readdirSync(folder).filter(name => name.endsWith('.bak')).length, isNew ? 2 : 0);
		assert.deepEqual(leftovers(folder), []);
		const killedState = mixed ? 'mixed' : after[0]!.equals(expected[0]!) ? 'new' : 'old';
		outcomes.push(`${crashAt}:${killedState}->${isNew ? 'new' : 'old'}`);
	}

	t.diagnostic(`killed before each of ${total} operations (kill point:files after the kill->after recovery): ${outcomes.join(' ')}`);
	assert.ok(outcomes.some(outcome => outcome.includes('mixed')), 'some kill fell between the two files');
});
