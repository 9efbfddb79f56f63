// Rollback undoes the most recent change, whatever the clock said when each change was made:
// a change made once with the clock far ahead must not pass for the newest one ever after.
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import test from 'node:test';
import {listBackupSets, newestBackupSet} from '../../source/system/backup-sets.js';
import {rollbackBackupSet} from '../../source/system/rollback.js';
import {writeChanges} from '../../source/system/write-changes.js';
import {copyDemoConfig} from '../helpers/cli.js';

const ahead = new Date('2099-06-01T12:00:00.000Z');
const today = new Date('2026-11-26T10:00:00.000Z');

/** Sets `O MaxMessageSize=size` in the config, from whatever it holds now. */
async function setSize(cfPath: string, size: number, now: Date) {
	const before = readFileSync(cfPath, 'latin1');
	const after = /^O MaxMessageSize=\d+$/m.test(before)
		? before.replace(/^O MaxMessageSize=\d+$/m, `O MaxMessageSize=${size}`)
		: before.replace('#O MaxMessageSize=0\n', `#O MaxMessageSize=0\nO MaxMessageSize=${size}\n`);
	const written = await writeChanges([{role: 'cf', path: cfPath, before, after}], {cfPath, now});
	assert.ok(written.ok, written.ok ? '' : written.error);
	return written.value;
}

const sizeIn = (cfPath: string) => /^O MaxMessageSize=(\d+)$/m.exec(readFileSync(cfPath, 'latin1'))?.[1];

async function rollBackNewest(cfPath: string): Promise<string> {
	const newest = await newestBackupSet(cfPath);
	assert.ok(newest.ok, newest.ok ? '' : newest.error);
	const rolled = await rollbackBackupSet(newest.value);
	assert.ok(rolled.ok, rolled.ok ? '' : rolled.error);
	return newest.value.id;
}

test('a change made with the clock ahead, then a normal one: rollback undoes the normal one, then the earlier one', async () => {
	const {cfPath} = copyDemoConfig();
	const original = readFileSync(cfPath);
	const first = await setSize(cfPath, 1000, ahead);
	const second = await setSize(cfPath, 2000, today);
	assert.ok(second.id < first.id, 'the later change has the earlier stamp');

	assert.equal(await rollBackNewest(cfPath), second.id);
	assert.equal(sizeIn(cfPath), '1000', 'only the most recent change was undone');
	assert.equal(await rollBackNewest(cfPath), first.id);
	assert.deepEqual(readFileSync(cfPath), original);

	const listed = await listBackupSets(cfPath);
	assert.ok(listed.ok);
	assert.deepEqual(listed.value.map(set => set.id), [first.id, second.id], 'listed in the order they were made');
});

test('records written before sequence numbers (no "sequence") are read, and come before every numbered one', async () => {
	const {cfPath} = copyDemoConfig();
	const original = readFileSync(cfPath);
	const legacy = await setSize(cfPath, 1000, ahead);
	const record = JSON.parse(readFileSync(legacy.manifest, 'utf8')) as Record<string, unknown>;
	delete record['sequence'];
	writeFileSync(legacy.manifest, JSON.stringify(record, undefined, '\t') + '\n');
	const numbered = await setSize(cfPath, 2000, today);
	assert.equal(numbered.sequence, 1);

	const listed = await listBackupSets(cfPath);
	assert.ok(listed.ok);
	assert.deepEqual(listed.value.map(set => [set.id, set.sequence]), [[legacy.id, undefined], [numbered.id, 1]]);
	assert.equal(await rollBackNewest(cfPath), numbered.id);
	assert.equal(sizeIn(cfPath), '1000');
	assert.equal(await rollBackNewest(cfPath), legacy.id);
	assert.deepEqual(readFileSync(cfPath), original);
});

test('rollback --force after a change made with the clock ahead undoes only the most recent change, not every one since', async () => {
	const {cfPath} = copyDemoConfig();
	await setSize(cfPath, 1000, ahead);
	const second = await setSize(cfPath, 2000, today);
	const newest = await newestBackupSet(cfPath);
	assert.ok(newest.ok, newest.ok ? '' : newest.error);
	assert.equal(newest.value.id, second.id);
	const rolled = await rollbackBackupSet(newest.value, {force: true});
	assert.ok(rolled.ok, rolled.ok ? '' : rolled.error);
	assert.equal(sizeIn(cfPath), '1000');
});
