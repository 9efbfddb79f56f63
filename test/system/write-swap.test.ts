// The mail user owns the config folder on Debian (smmta, 2755), so it can put a link in place of
// root's temporary file after it was written and checked, right before the rename (or the link
// that makes a backup). The hooks below let that user win the race every time.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import type {FileChange} from '../../source/core/plan.js';
import {runHarden} from '../../source/commands/harden.js';
import {applyPlan} from '../../source/system/apply.js';
import {recoverInterrupted} from '../../source/system/journal.js';
import {writeChanges} from '../../source/system/write-changes.js';
import {realFileOps, type FileOps} from '../../source/system/safe-write.js';
import {captureIoWithSendmail} from '../helpers/capture-io.js';
import {hashOf, makeVictim, placeDemoConfig} from '../helpers/faults.js';
import '../helpers/state-dir.js';

const now = new Date('2026-11-26T10:00:00.000Z');
const uidOf = (user: string) => Number(spawnSync('id', ['-u', user], {encoding: 'utf8'}).stdout.trim());
const gidOf = (group: string) => Number(spawnSync('getent', ['group', group], {encoding: 'utf8'}).stdout.split(':')[2]);

/** Debian's layout: the folder belongs to smmta:smmsp, mode 2755; the files to root. */
function debianFolder(): {folder: string; cfPath: string; helpPath: string} {
	const parent = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-swap-'));
	chmodSync(parent, 0o755);
	const folder = path.join(parent, 'mail');
	mkdirSync(folder);
	const placed = placeDemoConfig(folder);
	chownSync(folder, uidOf('smmta'), gidOf('smmsp'));
	chmodSync(folder, 0o2755);
	return {folder, ...placed};
}

/** As the mail user: removes `name` (root's file, in the folder that user owns) and plants a link to `target` there. */
function plantLinkAsMailUser(name: string, target: string): void {
	const run = spawnSync('setpriv', ['--reuid=smmta', '--regid=smmsp', '--clear-groups', 'sh', '-c', 'rm -f -- "$1" && ln -s -- "$2" "$1"', 'sh', name, target], {encoding: 'utf8'});
	assert.equal(run.status, 0, `the mail user could not swap ${name}: ${run.stderr}`);
	assert.ok(lstatSync(name).isSymbolicLink());
}

function changes(cfPath: string, helpPath: string): FileChange[] {
	const cf = readFileSync(cfPath, 'latin1');
	const help = readFileSync(helpPath, 'latin1');
	return [
		{role: 'cf', path: cfPath, before: cf, after: cf.replace('#O MaxMessageSize=0\n', '#O MaxMessageSize=0\nO MaxMessageSize=500000\n')},
		{role: 'helpfile', path: helpPath, before: help, after: help.replace(/^smtp\tThis is sendmail version \$v\n/m, '')},
	];
}

for (const [which, op] of [['cf', 'rename'], ['helpfile', 'rename'], ['cf', 'link'], ['helpfile', 'link']] as const) {
	test(`the ${which}'s ${op === 'rename' ? 'new version' : 'backup'} swapped for the mail user's link before the ${op}: refused, files restored, no link left`, async () => {
		const {folder, cfPath, helpPath} = debianFolder();
		const victim = makeVictim();
		const victimHash = hashOf(victim);
		const before = [readFileSync(cfPath), readFileSync(helpPath)];
		const target = which === 'cf' ? cfPath : helpPath;
		let swaps = 0;
		const attacked: FileOps = {
			...realFileOps,
			async rename(from, to) {
				if (op === 'rename' && to === target && swaps === 0) {
					swaps++;
					plantLinkAsMailUser(from, victim);
				}

				await realFileOps.rename(from, to);
			},
			async link(from, to) {
				if (op === 'link' && to.startsWith(`${target}.sendmail-harden-`) && swaps === 0) {
					swaps++;
					plantLinkAsMailUser(from, victim);
				}

				await realFileOps.link(from, to);
			},
		};

		const written = await writeChanges(changes(cfPath, helpPath), {cfPath, now, fileOps: attacked});
		assert.equal(swaps, 1, 'the attacker had its chance');
		assert.ok(!written.ok, 'the write is refused');
		assert.doesNotMatch(written.error, /\n/);
		assert.match(written.error, new RegExp(`^${target.replaceAll('.', '\\.')}\\S* is not the file that was written and checked \\(a symbolic link was put in its place after it was checked\\)`));
		assert.match(written.error, /every file was left as it was$/);
		assert.deepEqual([readFileSync(cfPath), readFileSync(helpPath)], before, 'both files byte-identical');
		assert.ok(lstatSync(cfPath).isFile() && lstatSync(helpPath).isFile(), 'both files are regular files');
		assert.equal(hashOf(victim), victimHash);
		const links = readdirSync(folder).filter(name => lstatSync(path.join(folder, name)).isSymbolicLink());
		assert.deepEqual(links, [], 'no link left in the config folder');
		assert.deepEqual(readdirSync(folder).sort(), ['helpfile', 'sendmail.cf'], 'no backup nor temporary file left');

		// Nothing is stuck: the next run, unattacked, writes.
		const again = await writeChanges(changes(cfPath, helpPath), {cfPath, now});
		assert.ok(again.ok, again.ok ? '' : again.error);
		assert.ok(lstatSync(cfPath).isFile());
	});
}

test('--yes when the mail user swaps the new sendmail.cf for a link: exit 3, one line naming the file, sendmail.cf as it was', async () => {
	const {folder, cfPath, helpPath} = debianFolder();
	const victim = makeVictim();
	const victimHash = hashOf(victim);
	const before = [readFileSync(cfPath), readFileSync(helpPath)];
	let swaps = 0;
	const attacked: FileOps = {
		...realFileOps,
		async rename(from, to) {
			if (to === cfPath && swaps++ === 0) {
				plantLinkAsMailUser(from, victim);
			}

			await realFileOps.rename(from, to);
		},
	};
	const io = captureIoWithSendmail();
	const code = await runHarden({config: cfPath, yes: true, answers: 'test/fixtures/article-answers.json'}, io, {
		now: () => now,
		findRestartPlan: async () => undefined,
		flow: {applyPlan: async (plan, options) => applyPlan(plan, {...options, fileOps: attacked})},
	});
	assert.equal(code, 3, io.stderr);
	const errors = io.stderr.split('\n').filter(line => line.startsWith('sendmail-harden: ') && !line.startsWith('sendmail-harden: warning'));
	assert.equal(errors.length, 1, io.stderr);
	assert.match(errors[0]!, new RegExp(`${cfPath.replaceAll('.', '\\.')} is not the file that was written and checked`));
	assert.doesNotMatch(io.stdout, /^Changed/m);
	assert.deepEqual([readFileSync(cfPath), readFileSync(helpPath)], before);
	assert.ok(lstatSync(cfPath).isFile() && lstatSync(helpPath).isFile());
	assert.equal(hashOf(victim), victimHash);
	assert.deepEqual(readdirSync(folder).sort(), ['helpfile', 'sendmail.cf']);
});

test('the mail user races the putting back too: a few tries, each checked; past them, a failure that says to restore by hand', async () => {
	for (const times of [2, 10]) {
		const {folder, cfPath, helpPath} = debianFolder();
		const victim = makeVictim();
		const victimHash = hashOf(victim);
		const before = readFileSync(cfPath);
		let swaps = 0;
		const attacked: FileOps = {
			...realFileOps,
			async rename(from, to) {
				if (to === cfPath && swaps < times) {
					swaps++;
					plantLinkAsMailUser(from, victim);
				}

				await realFileOps.rename(from, to);
			},
		};
		const written = await writeChanges(changes(cfPath, helpPath), {cfPath, now, fileOps: attacked});
		assert.ok(!written.ok);
		assert.doesNotMatch(written.error, /\n/);
		assert.equal(hashOf(victim), victimHash);
		if (times === 2) {
			// The write, then the first try at putting it back.
			assert.equal(swaps, 2);
			assert.match(written.error, /every file was left as it was$/);
			assert.deepEqual(readFileSync(cfPath), before);
			assert.ok(lstatSync(cfPath).isFile());
			assert.deepEqual(readdirSync(folder).filter(name => lstatSync(path.join(folder, name)).isSymbolicLink()), []);
		} else {
			// The write and three tries; the admin is told, never "Changed".
			assert.equal(swaps, 4);
			assert.match(written.error, /putting back the files already written failed too .*: restore them from their \.bak files by hand$/);
			// The journal is still there: the next run, unraced, puts the original back.
			const recovered = await recoverInterrupted(cfPath);
			assert.ok(recovered.ok, recovered.ok ? '' : recovered.error);
			assert.match(recovered.value.join('\n'), /has been undone \(put back as they were before it: [^)]*sendmail\.cf/);
			assert.deepEqual(readFileSync(cfPath), before);
			assert.ok(lstatSync(cfPath).isFile());
		}
	}
});
