import assert from 'node:assert/strict';
import {chmodSync, chownSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import type {FileChange} from '../../source/core/plan.js';
import {newestBackupSet} from '../../source/system/backup-sets.js';
import {rollbackBackupSet} from '../../source/system/rollback.js';
import {writeChanges} from '../../source/system/write-changes.js';
import type {FileOps} from '../../source/system/safe-write.js';
import {realFileOps} from '../../source/system/safe-write.js';
import {stateFolderPath} from '../../source/system/state-folder.js';
import {copyDemoConfig} from '../helpers/cli.js';

const now = new Date('2026-11-26T10:00:00.000Z');

function changes(cfPath: string, helpPath: string): FileChange[] {
	const cf = readFileSync(cfPath, 'latin1');
	const help = readFileSync(helpPath, 'latin1');
	return [
		{role: 'helpfile', path: helpPath, before: help, after: help.replace(/^smtp\tThis is sendmail version \$v\n/m, '')},
		{role: 'cf', path: cfPath, before: cf, after: cf.replace('#O MaxMessageSize=0\n', '#O MaxMessageSize=0\nO MaxMessageSize=500000\n')},
	];
}

test('writes every file, keeps byte-identical backups with the same mode and owner, and rolls back', async () => {
	const {cfPath, helpPath} = copyDemoConfig();
	chmodSync(cfPath, 0o640);
	// Owned by root (a file of another user is refused, see trust.test.ts), with another group.
	chownSync(cfPath, 0, 2);
	const originalCf = readFileSync(cfPath);
	const originalHelp = readFileSync(helpPath);
	const planned = changes(cfPath, helpPath);

	const written = await writeChanges(planned, {cfPath, now});
	assert.ok(written.ok, written.ok ? '' : written.error);
	assert.equal(readFileSync(cfPath, 'latin1'), planned[1]!.after);
	assert.equal(readFileSync(helpPath, 'latin1'), planned[0]!.after);
	for (const file of [cfPath]) {
		const stat = statSync(file);
		assert.equal(stat.mode & 0o7777, 0o640, 'the written file keeps its mode');
		assert.equal(stat.uid, 0, 'and its owner');
		assert.equal(stat.gid, 2);
	}

	const cfBackup = written.value.files.find(file => file.path === cfPath)!.backup!;
	assert.deepEqual(readFileSync(cfBackup), originalCf);
	assert.equal(statSync(cfBackup).mode & 0o7777, 0o640, 'the backup keeps the mode');
	assert.equal(statSync(cfBackup).uid, 0, 'and the owner');
	assert.equal(statSync(cfBackup).gid, 2);

	const set = await newestBackupSet(cfPath);
	assert.ok(set.ok);
	const restored = await rollbackBackupSet(set.value);
	assert.ok(restored.ok, restored.ok ? '' : restored.error);
	assert.deepEqual(readFileSync(cfPath), originalCf);
	assert.deepEqual(readFileSync(helpPath), originalHelp);
	assert.equal(statSync(cfPath).mode & 0o7777, 0o640);

	// The set is used up: there is nothing older to go back to.
	const again = await newestBackupSet(cfPath);
	assert.ok(!again.ok);
	assert.match(again.error, /no backup of .* to roll back to/);
});

test('a failing second write restores the first: both files stay byte-identical', async () => {
	const {folder, cfPath, helpPath} = copyDemoConfig();
	const originalCf = readFileSync(cfPath);
	const originalHelp = readFileSync(helpPath);
	// The backups and the help file's new version are written; the config's new version fails as a full disk would.
	const failingDisk: FileOps = {
		...realFileOps,
		async write(handle, bytes, offset, length, position, file) {
			if (/^\.sendmail\.cf\.sendmail-harden-\d+-/.test(path.basename(file))) {
				throw Object.assign(new Error('no space left on device'), {code: 'ENOSPC'});
			}

			return realFileOps.write(handle, bytes, offset, length, position, file);
		},
	};

	const written = await writeChanges(changes(cfPath, helpPath), {cfPath, now, fileOps: failingDisk});
	assert.ok(!written.ok);
	assert.match(written.error, /the disk is full; every file was left as it was/);
	assert.deepEqual(readFileSync(cfPath), originalCf);
	assert.deepEqual(readFileSync(helpPath), originalHelp);
	assert.deepEqual(readdirSync(folder).sort(), ['helpfile', 'sendmail.cf'], 'a set never in force leaves no backup for rollback to offer');
});

test('a file changed on disk since it was read stops the write before anything is touched', async () => {
	const {folder, cfPath, helpPath} = copyDemoConfig();
	const planned = changes(cfPath, helpPath);
	writeFileSync(cfPath, readFileSync(cfPath, 'latin1') + '# edited meanwhile\n', 'latin1');
	const edited = readFileSync(cfPath);
	const names = readdirSync(folder);

	const written = await writeChanges(planned, {cfPath, now});
	assert.ok(!written.ok);
	assert.match(written.error, /changed on disk since it was read; nothing was written/);
	assert.deepEqual(readFileSync(cfPath), edited);
	assert.deepEqual(readdirSync(folder), names, 'no backup or temporary file left behind');
});

test('rollback refuses to drop a change made after the write, unless forced', async () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const originalCf = readFileSync(cfPath);
	const written = await writeChanges(changes(cfPath, helpPath), {cfPath, now});
	assert.ok(written.ok);
	// A line sendmail reads (comment lines alone, such as a rebuild's build stamp, are no edit).
	writeFileSync(cfPath, readFileSync(cfPath, 'latin1') + 'O MaxRecipientsPerMessage=7\n', 'latin1');

	const refused = await rollbackBackupSet(written.value);
	assert.ok(!refused.ok);
	assert.match(refused.error, /was changed after sendmail-harden wrote it; .*use --force/);
	assert.match(readFileSync(cfPath, 'latin1'), /O MaxRecipientsPerMessage=7\n$/);

	const forced = await rollbackBackupSet(written.value, {force: true});
	assert.ok(forced.ok);
	assert.deepEqual(readFileSync(cfPath), originalCf);
});

test('two changes in a row roll back one step at a time', async () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const original = readFileSync(cfPath);
	const first = changes(cfPath, helpPath);
	assert.ok((await writeChanges(first, {cfPath, now})).ok);
	const middle = readFileSync(cfPath);
	const text = middle.toString('latin1');
	const second: FileChange[] = [{role: 'cf', path: cfPath, before: text, after: text.replace('O MaxMessageSize=500000', 'O MaxMessageSize=1000')}];
	assert.ok((await writeChanges(second, {cfPath, now: new Date(now.getTime() + 1000)})).ok);

	const newest = await newestBackupSet(cfPath);
	assert.ok(newest.ok && (await rollbackBackupSet(newest.value)).ok);
	assert.deepEqual(readFileSync(cfPath), middle);
	const older = await newestBackupSet(cfPath);
	assert.ok(older.ok && (await rollbackBackupSet(older.value)).ok);
	assert.deepEqual(readFileSync(cfPath), original);
	// The record of a set is kept in the state folder, never beside the config where others can write.
	assert.ok(older.value.manifest.startsWith(path.resolve(stateFolderPath()) + path.sep));
	assert.equal(readdirSync(path.dirname(cfPath)).some(name => name.endsWith('.json')), false);
});
