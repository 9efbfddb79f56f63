// A file a change creates (tlsDhParameters' ffdhe2048.pem beside the certificate): written with the
// set (root's, 0644), recorded without a backup, removed again by a rollback, and undone by the
// journal when the change is stopped halfway; one that appears after planning stops the write.
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {FFDHE2048_PEM} from '../../source/core/ffdhe.js';
import type {FileChange} from '../../source/core/plan.js';
import {newestBackupSet} from '../../source/system/backup-sets.js';
import {rollbackBackupSet} from '../../source/system/rollback.js';
import {realFileOps} from '../../source/system/safe-write.js';
import {writeChanges} from '../../source/system/write-changes.js';
import {placeDemoConfig} from '../helpers/faults.js';

const folders: string[] = [];
after(() => {
	for (const folder of folders) {
		rmSync(folder, {recursive: true, force: true});
	}
});

/** The demo config in a folder of its own, and a plan that sets DHParameters and creates the group's file. */
function setUp(): {cfPath: string; dhPath: string; cf: string; changes: FileChange[]} {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'created-file-'));
	folders.push(folder);
	const {cfPath} = placeDemoConfig(folder);
	const dhPath = path.join(folder, 'ffdhe2048.pem');
	const cf = readFileSync(cfPath, 'latin1');
	return {
		cfPath,
		dhPath,
		cf,
		changes: [
			{role: 'dhparams', path: dhPath, before: '', after: FFDHE2048_PEM, created: true},
			{role: 'cf', path: cfPath, before: cf, after: cf.replace('#O DHParameters\n', `#O DHParameters\nO DHParameters=${dhPath}\n`)},
		],
	};
}

const now = new Date('2026-12-07T10:00:00.000Z');

test('created with the set (0644, no backup), and a rollback removes it and puts the config back', async () => {
	const {cfPath, dhPath, cf, changes} = setUp();
	assert.notEqual(changes[1]!.after, cf);
	const written = await writeChanges(changes, {cfPath, now});
	assert.ok(written.ok, written.ok ? '' : written.error);
	assert.equal(readFileSync(dhPath, 'latin1'), FFDHE2048_PEM);
	assert.equal(statSync(dhPath).mode & 0o7777, 0o644);
	const record = written.value.files.find(file => file.path === dhPath)!;
	assert.deepEqual({backup: record.backup, backupSha256: record.backupSha256}, {backup: null, backupSha256: null});

	const set = await newestBackupSet(cfPath);
	assert.ok(set.ok, set.ok ? '' : set.error);
	const restored = await rollbackBackupSet(set.value);
	assert.ok(restored.ok, restored.ok ? '' : restored.error);
	assert.equal(existsSync(dhPath), false);
	assert.equal(readFileSync(cfPath, 'latin1'), cf);
});

test('a change stopped after the file was created (the config\'s rename fails) removes it again', async () => {
	const {cfPath, dhPath, cf, changes} = setUp();
	const failing = {...realFileOps, async rename(from: string, to: string) {
		if (to === cfPath) {
			throw Object.assign(new Error('EIO: i/o error, rename'), {code: 'EIO'});
		}

		return realFileOps.rename(from, to);
	}};
	const written = await writeChanges(changes, {cfPath, now, fileOps: failing});
	assert.equal(written.ok, false);
	assert.match(written.ok ? '' : written.error, /every file was left as it was/);
	assert.equal(existsSync(dhPath), false, 'the created file is gone again');
	assert.equal(readFileSync(cfPath, 'latin1'), cf);
});

test('a file that appeared at the name after planning stops the write: nothing is written', async () => {
	const {cfPath, dhPath, cf, changes} = setUp();
	writeFileSync(dhPath, 'someone else\'s\n');
	const written = await writeChanges(changes, {cfPath, now});
	assert.equal(written.ok, false);
	assert.match(written.ok ? '' : written.error, /appeared on disk since it was read; nothing was written/);
	assert.equal(readFileSync(dhPath, 'latin1'), 'someone else\'s\n');
	assert.equal(readFileSync(cfPath, 'latin1'), cf);
});
