// The trust rule, from the attacker's side: on Debian /etc/mail belongs to the mail user (smmta),
// who can replace any file in it. Root's runs must not act on what that user wrote: no file of
// theirs is edited, printed, handed to m4 or to sendmail. Each attack is played with files that
// really belong to smmta (or nobody), in a folder laid out as Debian's.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {buildCfFromMc} from '../../source/system/mc-rebuild.js';
import {runCli} from '../helpers/cli.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';
import {haveDebianMc} from '../helpers/debian-mc.js';

const article = ['--answers', 'test/fixtures/article-answers.json'];
const id = (name: string) => Number(spawnSync('id', ['-u', name], {encoding: 'utf8'}).stdout.trim());
const gid = (name: string) => Number(spawnSync('getent', ['group', name], {encoding: 'utf8'}).stdout.split(':')[2]);
const smmta = id('smmta');
const smmsp = gid('smmsp');
const nobody = id('nobody');
const asRoot = process.getuid?.() === 0 && Number.isInteger(smmta) && smmta > 0;
const needRoot = () => (asRoot ? {} : {skip: 'needs root and the smmta user (Debian sendmail)'});

// The mail user must reach the folders below to play its part.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'trust-test-'));
chmodSync(scratch, 0o755);
test.after(() => {
	rmSync(scratch, {recursive: true, force: true});
});

/** A Debian-like mail folder: owned by smmta, mode 2755, with the bundled config and help file owned by root. */
function mailFolder(): {root: string; mail: string; cfPath: string; helpPath: string} {
	const root = mkdtempSync(path.join(scratch, 'host-'));
	chmodSync(root, 0o755);
	const mail = path.join(root, 'mail');
	mkdirSync(mail);
	const helpPath = path.join(mail, 'helpfile');
	cpSync('source/demo/helpfile', helpPath);
	const cfPath = path.join(mail, 'sendmail.cf');
	writeFileSync(cfPath, readFileSync('source/demo/sendmail.cf', 'latin1').replace('O HelpFile=/etc/mail/helpfile', `O HelpFile=${helpPath}`), 'latin1');
	for (const file of [helpPath, cfPath]) {
		chownSync(file, 0, smmsp);
		chmodSync(file, 0o644);
	}

	chownSync(mail, smmta, smmsp);
	chmodSync(mail, 0o2755);
	return {root, mail, cfPath, helpPath};
}

/** What the mail user does: writes a file of its own, then renames it over root's (it owns the folder). */
function swapIn(file: string, text: string): void {
	const staged = `${file}.new`;
	writeFileSync(staged, text, 'latin1');
	chownSync(staged, smmta, smmsp);
	chmodSync(staged, 0o644);
	const moved = spawnSync('setpriv', [`--reuid=${smmta}`, `--regid=${smmsp}`, '--clear-groups', 'mv', '-f', staged, file], {encoding: 'utf8'});
	assert.equal(moved.status, 0, moved.stderr);
	assert.equal(statSync(file).uid, smmta);
}

const oneLine = (stderr: string) => {
	assert.equal(stderr.split('\n').filter(Boolean).length, 1, stderr);
};

// Attack 1: the swapped sendmail.cf names a root-only script as its HelpFile. Before: --yes with
// hideHelpVersion deleted the script's `$v` lines and audit printed them.
test('attack 1: a sendmail.cf the mail user swapped in is refused; the root-only file it names as HelpFile is neither edited nor printed', needRoot(), async () => {
	const {root, cfPath} = mailFolder();
	const scripts = path.join(root, 'sbin');
	mkdirSync(scripts, {mode: 0o700});
	const script = path.join(scripts, 'backup.sh');
	const scriptText = '#!/bin/sh\n[ "$valid" = yes ] || exit 1\necho password=$v/$Z\n';
	writeFileSync(script, scriptText, {mode: 0o700});
	swapIn(cfPath, readFileSync(cfPath, 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${script}`));
	const cf = readFileSync(cfPath);

	for (const args of [[...article, '--yes'], [...article, '--dry-run'], [...article, '--dry-run', '--json'], ['audit'], ['audit', '--json']]) {
		const run = await runCli(['--config', cfPath, ...args]);
		assert.equal(run.status, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
		assert.ok(!run.stdout.includes('valid') && !run.stderr.includes('valid') && !run.stdout.includes('password'), `${args.join(' ')} showed the script: ${run.stdout}`);
		oneLine(run.stderr);
		assert.match(run.stderr, new RegExp(`${cfPath} is not trusted: it is owned by smmta.*chown root:smmsp ${cfPath}`));
	}

	assert.equal(readFileSync(script, 'utf8'), scriptText);
	assert.deepEqual(readFileSync(cfPath), cf);
});

// Attack 1, with a config root did write: its HelpFile is outside the config's folder, in a folder
// the mail user can write to, or is a root-only secret under a folder anyone can add to (/tmp).
test('attack 1: a HelpFile outside the config\'s folder, in a folder others can change, is never edited or printed', needRoot(), async () => {
	const {root, cfPath} = mailFolder();
	const shared = path.join(root, 'shared');
	mkdirSync(shared);
	chownSync(shared, nobody, 0);
	const planted = path.join(shared, 'helpfile');
	writeFileSync(planted, 'smtp\tThis is sendmail version $v (valid)\n', {mode: 0o644});
	const secrets = path.join(root, 'secret');
	mkdirSync(secrets, {mode: 0o700});
	const secret = path.join(secrets, 'shadow');
	writeFileSync(secret, 'root:$6$hash:19000:0:99999:7:::\nsmtp\tpassword=hunter2 $v\n', {mode: 0o600});
	const original = readFileSync(cfPath, 'latin1');

	for (const [helpFile, folder] of [[planted, shared], [secret, os.tmpdir()]] as const) {
		writeFileSync(cfPath, original.replace(/^O HelpFile=.*$/m, `O HelpFile=${helpFile}`), 'latin1');
		const before = readFileSync(helpFile);
		for (const args of [[...article, '--yes'], [...article, '--dry-run'], ['audit'], ['audit', '--json']]) {
			const run = await runCli(['--config', cfPath, ...args]);
			assert.equal(run.status, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
			assert.ok(!/valid|hunter2|\$6\$/.test(run.stdout + run.stderr), `${args.join(' ')} showed the file: ${run.stdout}${run.stderr}`);
			oneLine(run.stderr);
			assert.match(run.stderr, new RegExp(`the help file ${helpFile} that ${cfPath} names is outside .*\\(${folder}`));
		}

		assert.deepEqual(readFileSync(helpFile), before);
	}
});

/** Debian's sendmail.mc and sendmail.cf in a Debian-like folder, the .mc including files of the folder's m4/. */
function mcFolder(): {root: string; mail: string; mcPath: string; cfPath: string; include: string} {
	const {root, mail, cfPath, helpPath} = mailFolder();
	const m4 = path.join(mail, 'm4');
	mkdirSync(m4);
	const include = path.join(m4, 'dialup.m4');
	writeFileSync(include, '', {mode: 0o640});
	chownSync(include, 0, smmsp);
	chownSync(m4, smmta, smmsp);
	chmodSync(m4, 0o2755);
	const mcPath = path.join(mail, 'sendmail.mc');
	const mc = readFileSync('/etc/mail/sendmail.mc', 'latin1')
		.replace(/^include\(`\/etc\/mail\/m4\/provider\.m4'\)dnl\n/m, '')
		.replace('/etc/mail/m4/dialup.m4', include)
		.replace(/^MAILER\(/m, `define(\`HELP_FILE', \`${helpPath}')dnl\nMAILER(`);
	writeFileSync(mcPath, mc, 'latin1');
	writeFileSync(cfPath, readFileSync('/etc/mail/sendmail.cf', 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`), 'latin1');
	return {root, mail, mcPath, cfPath, include};
}

const needMc = () => (!asRoot ? needRoot() : haveDebianMc ? skipUnlessSendmail() : {skip: 'no Debian /etc/mail/sendmail.mc'});

// Attack 2: syscmd() in a planted .mc ran as root during --dry-run, before the .mc/.cf
// disagreement was reported.
test('attack 2: m4 never runs on a .mc the mail user planted: its syscmd() does not run, even on --dry-run', needMc(), async () => {
	const {root, mcPath, cfPath} = mcFolder();
	const marker = path.join(root, 'marker-mc');
	swapIn(mcPath, `syscmd(\`touch ${marker}')dnl\n${readFileSync(mcPath, 'latin1')}`);
	for (const args of [[...article, '--dry-run'], [...article, '--dry-run', '--json'], [...article, '--yes']]) {
		const run = await runCli(['--config', cfPath, ...args]);
		assert.equal(existsSync(marker), false, `${args.join(' ')}: the .mc's syscmd ran as root`);
		assert.equal(run.status, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
		oneLine(run.stderr);
		assert.match(run.stderr, new RegExp(`${mcPath} is not trusted: it is owned by smmta`));
	}
});

test('attack 2: m4 never runs a file the .mc includes that the mail user swapped in', needMc(), async () => {
	const {root, mcPath, cfPath, include} = mcFolder();
	const marker = path.join(root, 'marker-include');
	swapIn(include, `syscmd(\`touch ${marker}')dnl\n`);
	const mc = readFileSync(mcPath);
	for (const args of [[...article, '--dry-run'], [...article, '--yes']]) {
		const run = await runCli(['--config', cfPath, ...args]);
		assert.equal(existsSync(marker), false, `${args.join(' ')}: the included file's syscmd ran as root`);
		assert.equal(run.status, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
		oneLine(run.stderr);
		assert.match(run.stderr, new RegExp(`${include} is not trusted: it is owned by smmta`));
	}

	assert.deepEqual(readFileSync(mcPath), mc);
});

// The race: the mail user swaps an included file after it was checked, before m4 opens it. Here
// the swap is made by the m4 the tool starts (a wrapper that swaps, as smmta, then runs m4): m4
// must read the copy taken through the checked descriptor, not the name in the mail user's folder.
test('attack 2: an include swapped between its check and m4\'s open is not what m4 reads', needMc(), async () => {
	const {root, mcPath, include} = mcFolder();
	const marker = path.join(root, 'marker-race');
	const staged = path.join(path.dirname(include), 'staged.m4');
	const wrapper = path.join(root, 'm4-after-swap');
	writeFileSync(staged, `syscmd(\`touch ${marker}')dnl\n`);
	chownSync(staged, smmta, smmsp);
	writeFileSync(wrapper, `#!/bin/sh\nsetpriv --reuid=${smmta} --regid=${smmsp} --clear-groups mv -f ${staged} ${include} || exit 9\nexec m4 "$@"\n`, {mode: 0o755});
	const built = await buildCfFromMc(readFileSync(mcPath, 'latin1'), mcPath, {m4: wrapper});
	assert.equal(statSync(include).uid, smmta, 'the wrapper swapped the include');
	assert.match(readFileSync(include, 'latin1'), /syscmd/);
	assert.equal(existsSync(marker), false, 'm4 read the swapped include');
	assert.ok(built.ok, built.ok ? '' : built.error);
	assert.match(built.value, /^O PrivacyOptions=/m);
});

// Attack 3: a config that runs a program for a class (F{X}|prog) as DefaultUser 0:0 ran it as
// root on a plain audit, since the rehearsal hands the config to sendmail.
test('attack 3: a sendmail.cf the mail user swapped in is not handed to sendmail: audit and --dry-run run none of its programs', asRoot ? skipUnlessSendmail() : needRoot(), async () => {
	const {root, cfPath} = mailFolder();
	const marker = path.join(root, 'marker-prog');
	const prog = path.join(root, 'prog');
	writeFileSync(prog, `#!/bin/sh\ntouch ${marker}\necho x\n`, {mode: 0o755});
	swapIn(cfPath, `${readFileSync(cfPath, 'latin1')}O DefaultUser=0:0\nF{X}|${prog}\n`);
	for (const args of [['audit'], ['audit', '--json'], [...article, '--dry-run'], [...article, '--yes']]) {
		const run = await runCli(['--config', cfPath, ...args]);
		assert.equal(existsSync(marker), false, `${args.join(' ')}: the config's program ran`);
		assert.equal(run.status, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
		oneLine(run.stderr);
		assert.match(run.stderr, new RegExp(`${cfPath} is not trusted: it is owned by smmta`));
	}
});

// Debian's stock files pass: sendmail.cf root:smmsp 0644 in /etc/mail, smmta:smmsp 2755.
test('Debian\'s /etc/mail copied with its owners and modes is hardened as before: --yes edits the .mc and rebuilds the .cf', needMc(), async () => {
	const copy = path.join(mkdtempSync(path.join(scratch, 'debian-')), 'mail');
	assert.equal(spawnSync('cp', ['-a', '/etc/mail', copy]).status, 0);
	assert.equal(statSync(copy).uid, smmta);
	assert.equal(statSync(path.join(copy, 'm4')).uid, smmta);
	const cfPath = path.join(copy, 'sendmail.cf');
	const mcPath = path.join(copy, 'sendmail.mc');
	const helpPath = path.join(copy, 'helpfile');
	// Point the copy at its own help file and m4 files (writing keeps owners and modes).
	writeFileSync(mcPath, readFileSync(mcPath, 'latin1').replaceAll('/etc/mail/m4/', `${copy}/m4/`).replace(/^MAILER\(/m, `define(\`HELP_FILE', \`${helpPath}')dnl\nMAILER(`), 'latin1');
	writeFileSync(cfPath, readFileSync(cfPath, 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`), 'latin1');
	assert.deepEqual([statSync(cfPath).uid, statSync(cfPath).mode & 0o7777], [0, 0o644]);

	const dry = await runCli(['--config', cfPath, ...article, '--dry-run']);
	assert.equal(dry.status, 0, dry.stderr);
	const run = await runCli(['--config', cfPath, ...article, '--yes']);
	assert.equal(run.status, 0, run.stderr);
	assert.match(run.stdout, /HELP version: shown -> hidden/);
	assert.match(readFileSync(mcPath, 'latin1'), /`goaway,restrictmailq,restrictqrun'/);
	assert.match(readFileSync(cfPath, 'latin1'), /^O PrivacyOptions=goaway,restrictmailq,restrictqrun$/m);
	assert.match(readFileSync(cfPath, 'latin1'), /^O MaxRecipientsPerMessage=10$/m);
	assert.doesNotMatch(readFileSync(helpPath, 'latin1'), /\$v/);
	assert.deepEqual([statSync(cfPath).uid, statSync(cfPath).gid, statSync(cfPath).mode & 0o7777], [0, smmsp, 0o644]);
	assert.equal(statSync(copy).uid, smmta);
});

// m4 runs in a private folder, yet a relative include still means the .mc's folder, as in the
// host's own build. A line that looks commented out is checked too: sendmail's cf.m4 turns m4's
// `#` comments off, so m4 opens what it names.
test('includes: a relative one is read from the .mc\'s folder through a checked copy; one after # is checked too', asRoot ? skipUnlessSendmail() : needRoot(), async () => {
	const {root, mail, mcPath} = mcFolder();
	const local = path.join(mail, 'local.m4');
	writeFileSync(local, "define(`confMAX_MESSAGE_SIZE', `12345')dnl\n");
	const mc = readFileSync(mcPath, 'latin1').replace(/^MAILER\(/m, "include(`local.m4')dnl\nMAILER(");
	const built = await buildCfFromMc(mc, mcPath);
	assert.ok(built.ok, built.ok ? '' : built.error);
	assert.match(built.value, /^O MaxMessageSize=12345$/m);

	chownSync(local, smmta, smmsp);
	const refused = await buildCfFromMc(mc, mcPath);
	assert.match(refused.ok ? '' : refused.error, new RegExp(`^${local} is not trusted: it is owned by smmta`));

	const marker = path.join(root, 'marker-comment');
	const planted = path.join(mail, 'planted.m4');
	writeFileSync(planted, `syscmd(\`touch ${marker}')dnl\n`);
	chownSync(planted, smmta, smmsp);
	const commented = await buildCfFromMc(readFileSync(mcPath, 'latin1').replace(/^MAILER\(/m, `# include(\`${planted}')\nMAILER(`), mcPath);
	assert.equal(existsSync(marker), false);
	assert.match(commented.ok ? '' : commented.error, new RegExp(`^${planted} is not trusted`));
});
