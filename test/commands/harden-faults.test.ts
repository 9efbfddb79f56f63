// The built CLI on a bad day: a full disk, a read-only one, kill -9 halfway through a two-file
// change, two runs at once, and files planted in the config folder by someone who can write there.
// Each run: the config is exactly the old or exactly the new bytes, a victim file outside the
// folder is untouched, the exit code and one-line message are right, no raw control byte is printed.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, {describe} from 'node:test';
import {configStateFolder} from '../../source/system/state-folder.js';
import {copyDemoConfig, runCli, type CliRun} from '../helpers/cli.js';
import {bundledFixture} from '../helpers/fixture-bundle.js';
import {fillTo, hashOf, linkToVictim, makeVictim, mountTmpfs, placeDemoConfig, RAW_CONTROL, remount} from '../helpers/faults.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';

const article = ['--answers', 'test/fixtures/article-answers.json'];

function answersFile(answers: object): string {
	const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-answers-')), 'answers.json');
	writeFileSync(file, JSON.stringify(answers));
	return file;
}

/** What every run must hold: nothing raw on the terminal, and a failure is one line. */
function assertClean(run: CliRun, label = ''): void {
	assert.doesNotMatch(run.stdout, RAW_CONTROL, `${label} stdout`);
	assert.doesNotMatch(run.stderr, RAW_CONTROL, `${label} stderr`);
	if (run.status !== 0) {
		const errors = run.stderr.split('\n').filter(line => line !== '' && !/^sendmail-harden: (?:note|warning): /.test(line));
		assert.equal(errors.length, 1, `${label} a failure is one line: ${run.stderr}`);
	}
}

const tempLeftovers = (folder: string) => readdirSync(folder).filter(name => name.endsWith('.tmp'));

// The tests share nothing (each its own copies, tmpfs and victim file) and mostly wait on sendmail:
// three run at once.
describe('the built CLI on a bad day', {concurrency: 3}, () => {
	test('--yes on a full disk: exit 3 with one line and the old bytes, or exit 0 with the new bytes; never a truncated config', skipUnlessSendmail(), async t => {
		// Each amount of free space on a tmpfs of its own, three runs at a time (a run mostly waits on sendmail).
		const frees = [0, 20_480, 65_536, 102_400, 143_360, 184_320, 225_280, 262_144, 409_600];
		const disks: string[] = [];
		for (const _ of frees) {
			const disk = mountTmpfs(t, '512k');
			if (!disk) {
				return;
			}

			disks.push(disk);
		}

		const victim = makeVictim();
		const victimHash = hashOf(victim);
		const placed = disks.map(disk => placeDemoConfig(path.join(disk, 'mail')));
		const old = placed.map(({cfPath}) => readFileSync(cfPath));
		// The new bytes, from a run on a roomy disk (alongside the others).
		const reference = copyDemoConfig();
		const runs: CliRun[] = [];
		const [referenceRun] = await Promise.all([
			runCli(['--config', reference.cfPath, ...article, '--yes']),
			(async () => {
				for (let first = 0; first < frees.length; first += 3) {
					runs.push(...await Promise.all(frees.slice(first, first + 3).map(async (free, offset) => {
						const index = first + offset;
						fillTo(disks[index]!, free);
						return runCli(['--config', placed[index]!.cfPath, ...article, '--yes'], {env: {SENDMAIL_HARDEN_STATE_DIR: path.join(disks[index]!, 'state')}});
					})));
				}
			})(),
		]);
		assert.equal(referenceRun.status, 0, referenceRun.stderr);
		const outcomes: string[] = [];
		for (const [index, free] of frees.entries()) {
			const {cfPath, helpPath} = placed[index]!;
			const run = runs[index]!;
			// The new help file names its own path, so compare the config with the reference's, the HelpFile line aside.
			const expected = readFileSync(reference.cfPath, 'latin1').replace(`O HelpFile=${reference.helpPath}`, `O HelpFile=${helpPath}`);
			assertClean(run, `${free} bytes free`);
			const now = readFileSync(cfPath);
			if (run.status === 0) {
				assert.equal(now.toString('latin1'), expected, `${free} bytes free: exit 0 and the new config`);
				assert.match(run.stdout, /^Changed /);
			} else {
				assert.equal(run.status, 3, `${free} bytes free: ${run.stderr}`);
				assert.match(run.stderr, /^sendmail-harden: cannot .*: the disk is full; (?:every file was left as it was|nothing was written)\n$/);
				assert.deepEqual(now, old[index], `${free} bytes free: exit 3 and the old config`);
			}

			assert.deepEqual(tempLeftovers(path.dirname(cfPath)), []);
			outcomes.push(`${free}:${run.status}`);
		}

		assert.equal(hashOf(victim), victimHash);
		t.diagnostic(`free bytes:exit code: ${outcomes.join(' ')}`);
		assert.ok(outcomes.some(outcome => outcome.endsWith(':3')) && outcomes.some(outcome => outcome.endsWith(':0')));
	});

	test('a read-only config folder: --yes and rollback exit 3 with one line, nothing changed', skipUnlessSendmail(), async t => {
		const disk = mountTmpfs(t, '1m');
		if (!disk) {
			return;
		}

		const {cfPath} = placeDemoConfig(path.join(disk, 'mail'));
		const old = readFileSync(cfPath);
		remount(disk, 'ro');
		const refused = await runCli(['--config', cfPath, ...article, '--yes']);
		assertClean(refused);
		assert.equal(refused.status, 3, refused.stderr);
		assert.match(refused.stderr, /^sendmail-harden: cannot back up to .*sendmail\.cf\.sendmail-harden-.*\.bak: the file system is read-only; every file was left as it was\n$/);
		assert.deepEqual(readFileSync(cfPath), old);

		remount(disk, 'rw');
		assert.equal((await runCli(['--config', cfPath, ...article, '--yes'])).status, 0);
		const fresh = readFileSync(cfPath);
		remount(disk, 'ro');
		const back = await runCli(['rollback', '--config', cfPath]);
		assertClean(back);
		assert.equal(back.status, 3, back.stderr);
		assert.match(back.stderr, /read-only; every file was left as it was and the backup is still there to roll back to\n$/);
		assert.deepEqual(readFileSync(cfPath), fresh);
		remount(disk, 'rw');
		assert.equal((await runCli(['rollback', '--config', cfPath])).status, 0);
		assert.deepEqual(readFileSync(cfPath), old);
	});

	/** Runs the writer, which kills itself (-9) just before its `crashAt`th write or rename. */
	async function killedWriter(writer: string, cfPath: string, crashAt: number): Promise<NodeJS.Signals | null> {
		return new Promise((resolve, reject) => {
			const child = spawn(process.execPath, [writer, cfPath, '0', String(crashAt)], {stdio: 'ignore'});
			child.on('error', reject);
			child.on('close', (_code, signal) => {
				resolve(signal);
			});
		});
	}

	test('kill -9 before, between and after the renames of a two-file change: the next run finishes or undoes it, without --force, and says so', skipUnlessSendmail(), async t => {
		const answers = answersFile({maxMessageSize: 1000, hideHelpVersion: true});
		const writer = bundledFixture('test/fixtures/write-slowly.ts');
		// The whole change, for its new bytes and how many writes and renames it takes.
		const probe = copyDemoConfig();
		const probed = spawnSync(process.execPath, [writer, probe.cfPath, '0'], {encoding: 'utf8'});
		const total = Number(/(\d+) operations/.exec(probed.stdout)?.[1]);
		assert.ok(total > 5, probed.stdout + probed.stderr);
		const newCf = readFileSync(probe.cfPath);
		const newHelp = readFileSync(probe.helpPath);
		const victim = makeVictim();
		const victimHash = hashOf(victim);
		// One run: kill the writer before operation crashAt, then run the next command.
		const killThenRun = async (crashAt: number, command: 'rollback' | 'yes') => {
			const {folder, cfPath, helpPath} = copyDemoConfig();
			const old = [readFileSync(cfPath), readFileSync(helpPath)];
			const expectedNew = [Buffer.from(newCf.toString('latin1').replaceAll(probe.helpPath, helpPath), 'latin1'), newHelp];
			assert.equal(await killedWriter(writer, cfPath, crashAt), 'SIGKILL');
			const after = [readFileSync(cfPath), readFileSync(helpPath)];
			const cfNew = after[0]!.equals(expectedNew[0]!);
			const helpNew = after[1]!.equals(expectedNew[1]!);
			assert.ok(cfNew || after[0]!.equals(old[0]!), 'the config is exactly old or new');
			assert.ok(helpNew || after[1]!.equals(old[1]!), 'the help file is exactly old or new');
			const label = `killed before operation ${crashAt} of ${total}, then ${command}`;
			const next = command === 'rollback' ? await runCli(['rollback', '--config', cfPath]) : await runCli(['--config', cfPath, '--answers', answers, '--yes']);
			assertClean(next, label);
			const settled = [readFileSync(cfPath), readFileSync(helpPath)];
			if (command === 'rollback') {
				assert.deepEqual(settled, old, `${label}: rollback leaves both files old (${next.stderr})`);
				assert.ok(next.status === 0 || (next.status === 2 && /there is no backup/.test(next.stderr)), next.stderr);
			} else {
				assert.equal(next.status, 0, next.stderr);
				assert.deepEqual(settled, expectedNew, `${label}: --yes leaves both files new`);
			}

			if (cfNew !== helpNew) {
				assert.match(next.stderr, /^sendmail-harden: note: a sendmail-harden change of .* \(pid \d+, started .*\) was stopped before it finished and has been undone \(put back as they were before it: .*\)$/m);
			}

			assert.deepEqual(tempLeftovers(folder), [], 'temporary files are cleaned up');
			const state = await configStateFolder(cfPath);
			assert.ok(state.ok);
			assert.equal(existsSync(path.join(state.value, 'journal.json')), false);
			assert.deepEqual(readdirSync(state.value).filter(name => !['sets', 'files'].includes(name)), [], `${label}: no lock or journal left`);
			return {crashAt, command, killed: cfNew === helpNew ? (cfNew ? 'new' : 'old') : 'mixed'};
		};

		// Each kind of state a kill leaves, met by both next commands: before the first operation
		// (nothing written), between the renames of the two files (one new, one old), and before the
		// last operation (both files new, the change not yet recorded as done). test/system/
		// write-faults.test.ts kills before every operation and recovers each in process.
		const renames = [...probed.stdout.matchAll(/^rename (\d+) (.*)$/gm)].filter(match => [probe.cfPath, probe.helpPath].includes(match[2]!)).map(match => Number(match[1]));
		assert.equal(renames.length, 2, probed.stdout);
		const points = [1, renames[0]! + 1, total];
		// Each on its own copy of the config, all at once: they mostly wait on sendmail.
		const outcomes = await Promise.all(points.flatMap(crashAt => (['rollback', 'yes'] as const).map(async command => killThenRun(crashAt, command))));

		assert.deepEqual(outcomes.map(outcome => outcome.killed), ['old', 'old', 'mixed', 'mixed', 'new', 'new']);
		assert.equal(hashOf(victim), victimHash);
		t.diagnostic(`kills before operations ${points.join(', ')} of ${total} (kill point:files after the kill->next command): ${outcomes.map(outcome => `${outcome.crashAt}:${outcome.killed}->${outcome.command}`).join(' ')}`);
	});

	test('two --yes at once, 10 pairs: never a lost update; the other applies on top or refuses with one line', skipUnlessSendmail(), async t => {
		const size = answersFile({maxMessageSize: 1000});
		const recipients = answersFile({maxRecipientsPerMessage: 7});
		let bothApplied = 0;
		let oneRefused = 0;
		// Five pairs at a time, each pair on its own copy of the config: a run mostly waits on sendmail.
		const pairs: Array<{pair: number; cfPath: string; runs: CliRun[]}> = [];
		for (let first = 0; first < 10; first += 5) {
			pairs.push(...await Promise.all(Array.from({length: 5}, async (_, offset) => {
				const {cfPath} = copyDemoConfig();
				const runs = await Promise.all([runCli(['--config', cfPath, '--answers', size, '--yes']), runCli(['--config', cfPath, '--answers', recipients, '--yes'])]);
				return {pair: first + offset, cfPath, runs};
			})));
		}

		for (const {pair, cfPath, runs} of pairs) {
			const text = readFileSync(cfPath, 'latin1');
			const applied = runs.map(run => run.status === 0);
			for (const run of runs) {
				assertClean(run, `pair ${pair}`);
				if (run.status !== 0) {
					assert.equal(run.status, 3);
					assert.match(run.stderr, /^sendmail-harden: (?:.* changed on disk since it was read; nothing was written\. Run again to start from its new contents|.* is being changed by another sendmail-harden run \(pid \d+ on .*, since .*\); nothing was written\. Try again when it has finished)\n$/);
				}
			}

			// What each run said it applied is in the file.
			assert.equal(/^O MaxMessageSize=1000$/m.test(text), applied[0], `pair ${pair}: ${runs[0]!.stderr}`);
			assert.equal(/^O MaxRecipientsPerMessage=7$/m.test(text), applied[1], `pair ${pair}: ${runs[1]!.stderr}`);
			assert.ok(applied[0] || applied[1], 'at least one applies');
			if (applied[0] && applied[1]) {
				bothApplied++;
			} else {
				oneRefused++;
			}
		}

		t.diagnostic(`10 pairs: ${bothApplied} with both applied (one on top of the other), ${oneRefused} with one refused`);
	});

	test('a manifest planted beside the config is never read: rollback writes nowhere', skipUnlessSendmail(), async () => {
		const {folder, cfPath} = copyDemoConfig();
		const victim = makeVictim();
		const victimHash = hashOf(victim);
		const evilBackup = path.join(folder, 'evil.bak');
		writeFileSync(evilBackup, 'evil::0:0:owned:/root:/bin/sh\n');
		writeFileSync(`${cfPath}.sendmail-harden-20261126T100000-000Z.json`, JSON.stringify({savedAt: '2026-11-26T10:00:00Z', files: [{path: victim, backup: evilBackup, writtenSha256: hashOf(victim)}]}));
		const cf = readFileSync(cfPath);
		const run = await runCli(['rollback', '--config', cfPath]);
		assertClean(run);
		assert.equal(run.status, 2);
		assert.match(run.stderr, /there is no backup of .* to roll back to .*; the \.json lists beside the config are not trusted/);
		assert.equal(hashOf(victim), victimHash);
		assert.deepEqual(readFileSync(cfPath), cf);
	});

	test('sendmail.cf or its help file as a symbolic link: --yes and rollback refuse with one line, the target untouched', skipUnlessSendmail(), async () => {
		for (const which of ['cf', 'helpfile'] as const) {
			const {cfPath, helpPath} = copyDemoConfig();
			const {victim, victimHash} = linkToVictim(which === 'cf' ? cfPath : helpPath);
			for (const args of [['--config', cfPath, ...article, '--yes'], ['rollback', '--config', cfPath]]) {
				const run = await runCli(args);
				assertClean(run, `${which} ${args[0]}`);
				assert.equal(run.status, 2, run.stderr);
				if (args[0] !== 'rollback') {
					assert.match(run.stderr, /is a symbolic link \(to .*\); sendmail-harden does not follow links in the config folder/);
				}

				assert.equal(hashOf(victim), victimHash);
			}
		}
	});

	test('rollback after the .bak was altered or deleted: the verified copy is restored, with a warning; with no good copy, refused', skipUnlessSendmail(), async () => {
		const {folder, cfPath, helpPath} = copyDemoConfig();
		const victim = makeVictim();
		const victimHash = hashOf(victim);
		const original = [readFileSync(cfPath), readFileSync(helpPath)];
		assert.equal((await runCli(['--config', cfPath, ...article, '--yes'])).status, 0);
		const [cfBackup, helpBackup] = ['sendmail.cf', 'helpfile'].map(base => path.join(folder, readdirSync(folder).find(name => name.startsWith(`${base}.sendmail-harden-`) && name.endsWith('.bak'))!));
		writeFileSync(cfBackup!, 'evil::0:0:owned:/root:/bin/sh\n');
		unlinkSync(helpBackup!);
		symlinkSync(victim, helpBackup!);
		const run = await runCli(['rollback', '--config', cfPath]);
		assertClean(run);
		assert.equal(run.status, 0, run.stderr);
		assert.match(run.stderr, /warning: the backup .*sendmail\.cf\.sendmail-harden-.*\.bak is not what was saved/);
		assert.match(run.stderr, /warning: the backup .*helpfile\.sendmail-harden-.*\.bak is not what was saved \(its sha256 differs, or it was replaced by a link\)/);
		assert.deepEqual([readFileSync(cfPath), readFileSync(helpPath)], original);
		assert.equal(hashOf(victim), victimHash);

		// The same with the copies in the state folder gone: refused, nothing restored.
		assert.equal((await runCli(['--config', cfPath, ...article, '--yes'])).status, 0);
		const fresh = readFileSync(cfPath);
		const newest = readdirSync(folder).filter(name => name.startsWith('sendmail.cf.sendmail-harden-') && name.endsWith('.bak')).sort().at(-1)!;
		writeFileSync(path.join(folder, newest), 'evil::0:0:owned:/root:/bin/sh\n');
		const state = await configStateFolder(cfPath);
		assert.ok(state.ok);
		rmSync(path.join(state.value, 'files'), {recursive: true});
		mkdirSync(path.join(state.value, 'files'), {mode: 0o700});
		const refused = await runCli(['rollback', '--config', cfPath]);
		assertClean(refused);
		assert.equal(refused.status, 2);
		assert.match(refused.stderr, /is altered .*; nothing was restored/);
		assert.deepEqual(readFileSync(cfPath), fresh);
	});

	test('the newest backup lost everywhere: rollback explains and goes back to the older set with --set, no --force', skipUnlessSendmail(), async () => {
		const {folder, cfPath, helpPath} = copyDemoConfig();
		const original = [readFileSync(cfPath), readFileSync(helpPath)];
		assert.equal((await runCli(['--config', cfPath, '--answers', answersFile({maxMessageSize: 1000}), '--yes'])).status, 0);
		assert.equal((await runCli(['--config', cfPath, '--answers', answersFile({maxMessageSize: 2000}), '--yes'])).status, 0);
		const backups = readdirSync(folder).filter(name => name.endsWith('.bak')).sort();
		assert.equal(backups.length, 2);
		unlinkSync(path.join(folder, backups[1]!));
		const state = await configStateFolder(cfPath);
		assert.ok(state.ok);
		// The newest set's copy in the state folder (the config as the first change left it); the oldest's stays.
		const oldest = hashOf(path.join(folder, backups[0]!));
		for (const name of readdirSync(path.join(state.value, 'files')).filter(name => name !== oldest)) {
			unlinkSync(path.join(state.value, 'files', name));
		}

		const refused = await runCli(['rollback', '--config', cfPath]);
		assertClean(refused);
		assert.equal(refused.status, 2);
		const hint = /can still be undone \(which undoes this one too\): sendmail-harden rollback --config (\S+) --set (\S+)\n$/.exec(refused.stderr);
		assert.ok(hint, refused.stderr);
		const back = await runCli(['rollback', '--config', cfPath, '--set', hint[2]!]);
		assertClean(back);
		assert.equal(back.status, 0, back.stderr);
		assert.deepEqual([readFileSync(cfPath), readFileSync(helpPath)], original);
	});

	test('--keep N keeps the newest N backup sets; a bad --keep is one line, exit 2', skipUnlessSendmail(), async () => {
		const {folder, cfPath} = copyDemoConfig();
		for (const size of [1000, 2000, 3000]) {
			const run = await runCli(['--config', cfPath, '--answers', answersFile({maxMessageSize: size}), '--yes', '--keep', '2']);
			assert.equal(run.status, 0, run.stderr);
		}

		assert.equal(readdirSync(folder).filter(name => name.endsWith('.bak')).length, 2);
		for (const bad of ['0', 'ten', '1.5']) {
			const run = await runCli(['--config', cfPath, ...article, '--yes', '--keep', bad]);
			assertClean(run);
			assert.equal(run.status, 2);
			assert.match(run.stderr, /--keep must be a whole number of backup sets, 1 or more/);
		}
	});

	test('a run killed while sendmail checks the config: its temporary folder in $TMPDIR is removed by the next run', skipUnlessSendmail(), async () => {
		const {cfPath} = copyDemoConfig();
		const tmp = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-tmpdir-'));
		chmodSync(tmp, 0o700);
		// A sendmail that takes its time, so the kill lands during the check.
		const slow = path.join(tmp, '..', `${path.basename(tmp)}-slow-sendmail`);
		writeFileSync(slow, '#!/bin/sh\nsleep 30\n', {mode: 0o755});
		const child = spawn(process.execPath, ['dist/cli.js', '--config', cfPath, ...article, '--yes'], {stdio: 'ignore', env: {...process.env, TMPDIR: tmp, SENDMAIL_HARDEN_SENDMAIL: slow}});
		const deadline = Date.now() + 60_000;
		while (!readdirSync(tmp).some(name => name.startsWith('sendmail-harden-check-')) && Date.now() < deadline) {
			await new Promise(resolve => {
				setTimeout(resolve, 50);
			});
		}

		child.kill('SIGKILL');
		await new Promise(resolve => child.on('close', resolve));
		assert.ok(readdirSync(tmp).some(name => name.startsWith('sendmail-harden-check-')), 'the killed run left its folder');
		const next = await runCli(['--config', cfPath, ...article, '--yes'], {env: {TMPDIR: tmp}});
		assert.equal(next.status, 0, next.stderr);
		assert.deepEqual(readdirSync(tmp).filter(name => name.startsWith('sendmail-harden-')), []);
		unlinkSync(slow);
	});
});
