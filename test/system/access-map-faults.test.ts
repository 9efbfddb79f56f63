// The access map's files on bad days: a rename of the rebuilt .db that fails, a .db the mail user
// replaced by a link, an access file the mail user owns. Every one leaves sendmail.cf, the .mc,
// access and access.db byte-identical, with one line saying why.
import assert from 'node:assert/strict';
import {chownSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {makePlan} from '../../source/system/make-plan.js';
import {realFileOps, type FileOps} from '../../source/system/safe-write.js';
import {loadTarget} from '../../source/system/target.js';
import {writeChanges} from '../../source/system/write-changes.js';
import {copyDebianAccessPair} from '../helpers/access-fixture.js';
import {skipUnlessDebianMc} from '../helpers/debian-mc.js';
import '../helpers/state-dir.js';

type Pair = ReturnType<typeof copyDebianAccessPair>;
const keys = ['cfPath', 'mcPath', 'accessPath', 'dbPath'] as const;
const bytesOf = (pair: Pair) => keys.map(key => readFileSync(pair[key]));
const smmta = Number(readFileSync('/etc/passwd', 'latin1').split('\n').find(line => line.startsWith('smmta:'))?.split(':')[2] ?? 0);

function freshPair(t: {after(fn: () => void): void}): Pair {
	const parent = mkdtempSync(path.join(os.tmpdir(), 'access-faults-'));
	t.after(() => rmSync(parent, {recursive: true, force: true}));
	return copyDebianAccessPair(parent);
}

function assertUnchanged(pair: Pair, before: Buffer[]): void {
	for (const [index, bytes] of bytesOf(pair).entries()) {
		assert.ok(bytes.equals(before[index]!), `${keys[index]} changed`);
	}
}

test('the rename of the rebuilt access.db fails after the .mc, the .cf and access were renamed: all four are put back byte-identical', skipUnlessDebianMc(), async t => {
	const pair = freshPair(t);
	const before = bytesOf(pair);
	const target = await loadTarget(pair.cfPath);
	assert.ok(target.ok);
	const plan = await makePlan(target.value, {clientRate: 3, maxDaemonChildren: 40}, {env: process.env});
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	assert.deepEqual(plan.value.files.map(file => file.role), ['mc', 'cf', 'access', 'accessdb']);
	const failing: FileOps = {
		...realFileOps,
		async rename(from, to) {
			if (to === pair.dbPath) {
				throw Object.assign(new Error('EIO: i/o error, rename'), {code: 'EIO'});
			}

			return realFileOps.rename(from, to);
		},
	};
	const written = await writeChanges(plan.value.files, {cfPath: pair.cfPath, now: new Date(), fileOps: failing});
	assert.equal(written.ok, false);
	assert.match(written.ok ? '' : written.error, /access\.db.*every file was left as it was$/);
	assert.doesNotMatch(written.ok ? '' : written.error, /\n/);
	assertUnchanged(pair, before);
});

test('an access.db the mail user replaced by a link is refused: nothing is read through it, nothing written', skipUnlessDebianMc(), async t => {
	const pair = freshPair(t);
	const elsewhere = path.join(path.dirname(pair.dbPath), 'elsewhere.db');
	renameSync(pair.dbPath, elsewhere);
	symlinkSync(elsewhere, pair.dbPath);
	const before = bytesOf(pair);
	const target = await loadTarget(pair.cfPath);
	assert.ok(target.ok);
	const plan = await makePlan(target.value, {clientRate: 3}, {env: process.env});
	assert.equal(plan.ok, false);
	assert.match(plan.ok ? '' : plan.error, /access\.db.*link.*nothing was written$/i);
	assertUnchanged(pair, before);
});

test('an access file the mail user owns is neither read nor edited (clientConn is refused); greet_pause, in root\'s .mc and .cf, still is', skipUnlessDebianMc(), async t => {
	const pair = freshPair(t);
	chownSync(pair.accessPath, smmta, 0);
	const target = await loadTarget(pair.cfPath);
	assert.ok(target.ok);
	assert.ok(target.value.access !== undefined && 'problem' in target.value.access);
	assert.match(target.value.access.problem, /access is not trusted: it is owned by smmta/);
	const plan = await makePlan(target.value, {clientConn: 5}, {env: process.env});
	assert.equal(plan.ok, false);
	assert.match(plan.ok ? '' : plan.error, /^clientConn: .*access is not trusted: it is owned by smmta.*nothing was written$/);
	// greet_pause's number is the cf's and the .mc's, which root owns: still offered and written.
	const pause = await makePlan(target.value, {greetPause: 3000}, {env: process.env});
	assert.ok(pause.ok, pause.ok ? '' : pause.error);
	assert.deepEqual(pause.value.files.map(file => file.role), ['mc', 'cf']);
});
