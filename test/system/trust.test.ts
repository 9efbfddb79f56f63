// The trust rule on its own: who may own a file root acts on, and what the refusal says.
import assert from 'node:assert/strict';
import {chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {readTextFile} from '../../source/system/read-files.js';
import {folderChainProblem, readTrustedFile} from '../../source/system/trust.js';

const asRoot = process.getuid?.() === 0;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'trust-unit-'));
test.after(() => {
	rmSync(scratch, {recursive: true, force: true});
});

const file = (name: string, mode: number, uid = 0, gid = 0) => {
	const filePath = path.join(scratch, name);
	writeFileSync(filePath, 'O HelpFile=helpfile\n');
	chownSync(filePath, uid, gid);
	chmodSync(filePath, mode);
	return filePath;
};

test('root\'s files that only root may write pass: 0644 and 0640, whatever the group', {skip: !asRoot && 'needs root'}, async () => {
	for (const mode of [0o644, 0o640, 0o600, 0o444]) {
		const read = await readTrustedFile(file(`ok-${mode.toString(8)}`, mode, 0, 8));
		assert.equal(read.bytes.toString(), 'O HelpFile=helpfile\n');
	}
});

test('a file another user owns is refused in one line naming its owner, group and mode, and the chown that fixes it', {skip: !asRoot && 'needs root'}, async () => {
	const filePath = file('theirs', 0o644, 65534, 0);
	const read = await readTextFile(filePath);
	assert.equal(read.ok, false);
	const error = read.ok ? '' : read.error;
	assert.doesNotMatch(error, /\n/);
	assert.match(error, new RegExp(`^${filePath} is not trusted: it is owned by nobody, not by root \\(owner nobody, group root, mode 0644\\).*fix it: chown root:root ${filePath}$`));
});

test('a file group or others may write is refused, with the chmod that fixes it (other bits kept)', {skip: !asRoot && 'needs root'}, async () => {
	const groupWritable = file('group-writable', 0o664);
	const read = await readTextFile(groupWritable);
	assert.match(read.ok ? '' : read.error, new RegExp(`its mode 0664 lets group root write to it .*fix it: chmod 644 ${groupWritable}$`));
	const everyone = file('world-writable', 0o666, 65534);
	const again = await readTextFile(everyone);
	assert.match(again.ok ? '' : again.error, new RegExp(`owned by nobody, not by root and its mode 0666 lets anyone write to it .*chown root:root ${everyone}; chmod 644 ${everyone}$`));
});

test('the running user\'s own files pass: an admin may audit a copy of their own', async () => {
	const mine = path.join(scratch, 'mine');
	writeFileSync(mine, 'x', {mode: 0o644});
	assert.equal((await readTrustedFile(mine)).bytes.toString(), 'x');
});

test('folders: only chains no one else may change pass; sticky /tmp and a folder of another user do not', {skip: !asRoot && 'needs root'}, () => {
	assert.equal(folderChainProblem('/usr/share'), undefined);
	assert.match(folderChainProblem(scratch) ?? '', new RegExp(`^${os.tmpdir()} may be written by anyone \\(mode 1777\\)$`));
	const theirs = path.join(scratch, 'theirs-folder');
	mkdirSync(theirs);
	chownSync(theirs, 65534, 0);
	assert.match(folderChainProblem(theirs) ?? '', /is owned by nobody$/);
	// A link is followed: the real folders are the ones checked.
	const link = path.join(scratch, 'to-usr');
	symlinkSync('/usr/share', link);
	assert.equal(folderChainProblem(link), undefined);
});
