// `sendmail-harden --yes / --dry-run` on Debian's own sendmail.mc and sendmail.cf, copied into a
// temporary folder: the .mc is edited, the .cf rebuilt from it, both backed up and restored together.
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {runHarden} from '../../source/commands/harden.js';
import {runRollback} from '../../source/commands/rollback.js';
import type {Answers} from '../../source/core/answers.js';
import {optionValue, parseCf} from '../../source/core/sendmail-cf.js';
import {findMcDefines} from '../../source/core/sendmail-mc.js';
import {applyPlan} from '../../source/system/apply.js';
import {makePlan} from '../../source/system/make-plan.js';
import {realFileOps} from '../../source/system/safe-write.js';
import {stateFolderPath} from '../../source/system/state-folder.js';
import {buildCfFromMc} from '../../source/system/mc-rebuild.js';
import {loadTarget} from '../../source/system/target.js';
import {sendmailBt, smtpTalk, startSendmailDaemon, type SendmailDaemon} from '../helpers/sendmail.js';
import {captureIoWithSendmail} from '../helpers/capture-io.js';
import {runCli} from '../helpers/cli.js';
import {copyDebianMcPair, skipUnlessDebianMc, stampLines, withoutStamp} from '../helpers/debian-mc.js';

const answersFile = 'test/fixtures/article-answers.json';
const article = {answers: answersFile};

const scratch = mkdtempSync(path.join(os.tmpdir(), 'harden-mc-test-'));
test.after(() => {
	rmSync(scratch, {recursive: true, force: true});
});


const copyDebian = () => copyDebianMcPair(scratch);

function snapshot(files: string[]): Buffer[] {
	return files.map(file => readFileSync(file));
}

test('--yes edits the .mc, rebuilds the .cf from it, and a live daemon on it answers as hardened', skipUnlessDebianMc(), async () => {
	const {mcPath, cfPath, helpPath} = copyDebian();
	const originalCf = readFileSync(cfPath, 'latin1');
	const io = captureIoWithSendmail();
	const status = await runHarden({config: cfPath, ...article, yes: true}, io);
	assert.equal(status, 0, io.stderr);
	assert.match(io.stdout, new RegExp(`^Changed ${mcPath} and rebuilt ${cfPath} from it with the answers of `));
	assert.match(io.stdout, /note: sendmail\.cf is built from .*: a direct edit of the \.cf would be lost at the next rebuild/);
	assert.match(io.stdout, /rebuilt with: cd .* && m4 sendmail\.mc: m4 built \d+ lines of sendmail\.cf with no errors/);
	assert.match(io.stdout, /Backup: .*sendmail\.mc\.sendmail-harden-.*\.bak, .*sendmail\.cf\.sendmail-harden-.*\.bak, .*helpfile\.sendmail-harden-.*\.bak/);

	const mc = readFileSync(mcPath, 'latin1');
	const defines = findMcDefines(mc);
	assert.equal(defines.confSMTP_LOGIN_MSG?.cfValue, '$j mailserver; $b');
	assert.equal(defines.confMAX_MESSAGE_SIZE?.cfValue, '500000');
	assert.equal(defines.confMAX_RCPTS_PER_MESSAGE?.cfValue, '10');
	assert.equal(defines.confPRIVACY_FLAGS?.cfValue, 'goaway,restrictmailq,restrictqrun');

	const cf = readFileSync(cfPath, 'latin1');
	const lines = cf.split('\n');
	for (const line of [
		'O SmtpGreetingMessage=$j mailserver; $b',
		'O MaxMessageSize=500000',
		'O MaxRecipientsPerMessage=10',
		'O PrivacyOptions=goaway,restrictmailq,restrictqrun',
	]) {
		assert.ok(lines.includes(line), line);
	}

	// Exactly what m4 builds from the edited .mc, but with the build stamp of the file it replaced.
	const built = await buildCfFromMc(mc, mcPath);
	assert.ok(built.ok);
	assert.equal(withoutStamp(cf), withoutStamp(built.value));
	assert.deepEqual(stampLines(cf), stampLines(originalCf));

	// docs/sendmail.md, "Asking sendmail: -bt, -bC, -bs": `sendmail -C FILE -bt` reading no input exits 0 for a good file.
	const loaded = sendmailBt(cfPath);
	assert.equal(loaded.status, 0, loaded.stderr);

	let daemon: SendmailDaemon | undefined;
	try {
		daemon = await startSendmailDaemon(cf);
		const [banner, mailBeforeHelo, help] = await smtpTalk(daemon.port, ['MAIL FROM:<a@example.org>', 'HELP', 'QUIT']);
		// docs/sendmail.md, "The greeting": "$j mailserver; $b" gives "220 <host> ESMTP mailserver; <date>".
		assert.match(banner ?? '', /^220 mail\.test\.example ESMTP mailserver; /);
		assert.doesNotMatch(banner ?? '', /Sendmail|8\.\d+\.\d+/);
		// docs/sendmail.md, "SMTP replies per setting": needmailhelo (in goaway) answers MAIL before HELO like this.
		assert.equal(mailBeforeHelo, '503 5.0.0 Polite people say HELO first');
		// docs/sendmail.md, "The helpfile": a help file without its $v line no longer states the version.
		assert.doesNotMatch(help ?? '', /version|8\.\d+\.\d+/);
		assert.match(help ?? '', /^214-2\.0\.0 /);
	} finally {
		await daemon?.stop();
	}

	assert.doesNotMatch(readFileSync(helpPath, 'latin1'), /\$v/);
});

test('rollback puts back the .mc, the .cf and the help file together, byte for byte', skipUnlessDebianMc(), async () => {
	const {mcPath, cfPath, helpPath} = copyDebian();
	const files = [mcPath, cfPath, helpPath];
	const before = snapshot(files);
	assert.equal(await runHarden({config: cfPath, ...article, yes: true}, captureIoWithSendmail()), 0);
	assert.notDeepEqual(snapshot(files), before);

	const io = captureIoWithSendmail();
	assert.equal(await runRollback({config: cfPath}, io), 0, io.stderr);
	assert.deepEqual(snapshot(files), before);
	assert.ok(io.stdout.includes(mcPath) && io.stdout.includes(cfPath));
});

test('--dry-run shows the .mc diff, then the .cf diff it rebuilds, and writes nothing', skipUnlessDebianMc(), async () => {
	const {folder, mcPath, cfPath} = copyDebian();
	const before = snapshot([mcPath, cfPath]);
	const names = readdirSync(folder).sort();
	const io = captureIoWithSendmail();
	assert.equal(await runHarden({config: cfPath, ...article, dryRun: true}, io), 0, io.stderr);
	const mcDiff = io.stdout.indexOf(`--- ${mcPath}\tcurrent\n+++ ${mcPath}\thardened\n`);
	const cfDiff = io.stdout.indexOf(`--- ${cfPath}\tcurrent\n+++ ${cfPath}\thardened\n`);
	assert.ok(mcDiff !== -1 && cfDiff > mcDiff, io.stdout.slice(0, 400));
	assert.match(io.stdout, /^\+`goaway,restrictmailq,restrictqrun'\)dnl$/m);
	assert.match(io.stdout, /^\+define\(`confMAX_MESSAGE_SIZE', `500000'\)dnl$/m);
	assert.match(io.stdout, /^-#O MaxMessageSize=0\n\+O MaxMessageSize=500000$/m);
	assert.match(io.stdout, /^\+O SmtpGreetingMessage=\$j mailserver; \$b$/m);
	// The build stamp of the current file is kept, so it is not part of the diff.
	assert.doesNotMatch(io.stdout, /^[-+]##### (built by|in) /m);
	assert.match(io.stderr, /note: sendmail\.cf is built from /);
	assert.deepEqual(snapshot([mcPath, cfPath]), before);
	assert.deepEqual(readdirSync(folder).sort(), names);
});

test('a failed rebuild exits 2 and leaves both files byte-identical', skipUnlessDebianMc(), async () => {
	const {folder, mcPath, cfPath} = copyDebian();
	const names = readdirSync(folder).sort();
	let before = snapshot([mcPath, cfPath]);

	const noM4 = captureIoWithSendmail({PATH: path.join(scratch, 'no-such-bin')});
	assert.equal(await runHarden({config: cfPath, ...article, yes: true}, noM4), 2);
	assert.match(noM4.stderr, /^sendmail-harden: Cannot rebuild sendmail\.cf: m4 is not installed or not on PATH.*\n$/);
	assert.deepEqual(snapshot([mcPath, cfPath]), before);

	writeFileSync(mcPath, readFileSync(mcPath, 'latin1').replace(/^MAILER\(`local'\)/m, "include(`/no/such/file.m4')dnl\n$&"), 'latin1');
	before = snapshot([mcPath, cfPath]);
	const broken = captureIoWithSendmail();
	assert.equal(await runHarden({config: cfPath, ...article, yes: true}, broken), 2);
	assert.match(broken.stderr, /^sendmail-harden: m4 could not build sendmail\.cf from .*no\/such\/file\.m4.*\n$/);
	assert.deepEqual(snapshot([mcPath, cfPath]), before);
	assert.deepEqual(readdirSync(folder).sort(), names, 'no backup, no temporary file');
});

test('a .cf edited by hand stops the run with one line naming both files and --cf-only', skipUnlessDebianMc(), async () => {
	const {mcPath, cfPath} = copyDebian();
	writeFileSync(cfPath, readFileSync(cfPath, 'latin1').replace('O Timeout.queuereturn=5d', 'O Timeout.queuereturn=9d'), 'latin1');
	const before = snapshot([mcPath, cfPath]);
	const io = captureIoWithSendmail();
	assert.equal(await runHarden({config: cfPath, ...article, yes: true}, io), 2);
	assert.match(io.stderr, /^sendmail-harden: sendmail\.cf and sendmail\.mc disagree: .* or use --cf-only to edit sendmail\.cf alone and keep it\n$/);
	assert.deepEqual(snapshot([mcPath, cfPath]), before);
});

test('--dry-run on a .cf with a line added by hand: one line naming that line, its option, what the .mc builds instead, and --cf-only', skipUnlessDebianMc(), async () => {
	const {mcPath, cfPath} = copyDebian();
	// A line added after Timeout.ident: every later line is one further down than in the build.
	const cf = readFileSync(cfPath, 'latin1').replace(/^O Timeout\.ident=5s$/m, '$&\nO Timeout.iconnect=30s');
	writeFileSync(cfPath, cf, 'latin1');
	const line = cf.split('\n').indexOf('O Timeout.iconnect=30s') + 1;
	const before = snapshot([mcPath, cfPath]);
	const run = await runCli(['--config', cfPath, '--answers', answersFile, '--dry-run']);
	assert.equal(run.status, 2, run.stderr);
	assert.equal(run.stderr.split('\n').length, 2, run.stderr);
	assert.ok(
		run.stderr.startsWith(`sendmail-harden: sendmail.cf and sendmail.mc disagree: ${cfPath} has a line ${mcPath} does not build: line ${line} "O Timeout.iconnect=30s" (the .mc builds "O Timeout.iconnect=2m"). A rebuild from the .mc (`),
		run.stderr,
	);
	assert.match(run.stderr, /would undo it, so nothing was changed: carry the hand edit into sendmail\.mc first .* or use --cf-only to edit sendmail\.cf alone and keep it\n$/);
	// Not the first line that no longer lines up with the build, which nobody touched.
	assert.doesNotMatch(run.stderr, /queuereturn/);
	assert.deepEqual(snapshot([mcPath, cfPath]), before);
});

test('--cf-only edits the .cf alone and keeps the rebuild warning in view', skipUnlessDebianMc(), async () => {
	const {mcPath, cfPath} = copyDebian();
	const mc = readFileSync(mcPath);
	const io = captureIoWithSendmail();
	assert.equal(await runHarden({config: cfPath, ...article, yes: true, cfOnly: true}, io), 0, io.stderr);
	assert.match(io.stdout, new RegExp(`^Changed ${cfPath} with the answers of `));
	assert.match(io.stderr, /warning: sendmail\.cf is built from .*sendmail\.mc, and this edits the \.cf alone: the next rebuild .* will silently undo it/);
	assert.deepEqual(readFileSync(mcPath), mc);
	assert.equal(optionValue(parseCf(readFileSync(cfPath, 'latin1')), 'MaxMessageSize'), '500000');
});

test('when the second rename fails, the .mc already renamed is restored: both files byte-identical', skipUnlessDebianMc(), async () => {
	const {mcPath, cfPath, helpPath} = copyDebian();
	const files = [mcPath, cfPath, helpPath];
	const before = snapshot(files);
	const answers = JSON.parse(readFileSync(answersFile, 'utf8')) as Answers;
	const loaded = await loadTarget(cfPath);
	assert.ok(loaded.ok);
	const plan = await makePlan(loaded.value, answers);
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	assert.deepEqual(plan.value.files.map(file => file.role), ['mc', 'cf', 'helpfile']);

	const written: string[] = [];
	let failedOnce = false;
	const applied = await applyPlan(plan.value, {
		cfPath,
		validated: {checked: true},
		now: new Date('2026-11-26T10:00:00Z'),
		env: captureIoWithSendmail().env,
		fileOps: {
			...realFileOps,
			// rename(2) itself can fail for want of room for the new directory entry.
			async rename(from, to) {
				written.push(to);
				if (to === cfPath && !failedOnce) {
					failedOnce = true;
					throw Object.assign(new Error('no space left on device'), {code: 'ENOSPC'});
				}

				await realFileOps.rename(from, to);
			},
		},
	});
	assert.equal(applied.ok, false);
	assert.equal(applied.ok ? '' : applied.stage, 'write');
	assert.match(applied.ok ? '' : applied.error, /the disk is full; every file was left as it was/);
	// The journal and the backup copies in the state folder, then the .mc, the failing .cf, and the .mc again from its backup.
	assert.deepEqual(written.filter(file => !file.startsWith(path.resolve(stateFolderPath()))), [mcPath, cfPath, mcPath]);
	assert.deepEqual(snapshot(files), before);
});
