// The .mc mode on each system's own layout (core/sendmail-layouts.ts), with fixtures built here:
// RHEL's stamp-stripped .cf beside its .mc, FreeBSD's /etc/mail with freebsd.mc and its Makefile
// and no $(hostname).mc, a Solaris/illumos tree, and an .mc whose LOCAL_CONFIG sets
// PrivacyOptions. In each the plan finds the source the host's own build uses, edits it, and
// sendmail, reading the rebuilt .cf, ends up with exactly the answers.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import type {Answers} from '../../source/core/answers.js';
import {optionValue, parseCf} from '../../source/core/sendmail-cf.js';
import {makePlan} from '../../source/system/make-plan.js';
import {buildCfFromMc, findMcSource} from '../../source/system/mc-rebuild.js';
import {rehearseFiles} from '../../source/system/rehearsal.js';
import {loadTarget} from '../../source/system/target.js';
import {sendmailBt, sendmailOptionValues, skipUnlessSendmail} from '../helpers/sendmail.js';

const cfDir = '/usr/share/sendmail/cf';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'layouts-test-'));
// The configs built here name a help file beside them: one in /etc/mail (the mail user's folder on
// Debian) is refused for a config elsewhere (see test/commands/trust.test.ts).
const localHelp = (folder: string, mcText: string) => `define(\`HELP_FILE', \`${folder}/helpfile')dnl\n${mcText}`;
test.after(() => rmSync(scratch, {recursive: true, force: true}));

const answers: Answers = {
	greeting: '$j mailserver; $b',
	maxMessageSize: 500_000,
	maxRecipientsPerMessage: 10,
	privacyOptions: ['goaway', 'restrictmailq', 'restrictqrun'],
};

function m4(args: string[], cwd: string): string {
	const result = spawnSync('m4', args, {cwd, encoding: 'latin1'});
	assert.equal(result.status, 0, result.stderr);
	return result.stdout;
}

async function planFor(cfPath: string, options: Parameters<typeof makePlan>[2] = {}) {
	const target = await loadTarget(cfPath);
	assert.ok(target.ok, target.ok ? '' : target.error);
	const plan = await makePlan(target.value, answers, {hostname: 'box.example.org', makeConfPath: path.join(scratch, 'no-make.conf'), ...options});
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	return plan.value;
}

/**
 * The rebuilt .cf loads, sendmail reads exactly the answers from it, and the rehearsal (a -bs
 * session on a private copy, the same checks as `verify`) agrees with the answers.
 */
async function assertSendmailReadsAnswers(cfText: string, name: string): Promise<void> {
	const file = path.join(scratch, `${name}.cf`);
	writeFileSync(file, cfText, 'latin1');
	const loaded = sendmailBt(file);
	assert.equal(loaded.status, 0, loaded.stderr);
	assert.deepEqual(sendmailOptionValues(file, 'PrivacyOptions'), ['goaway,restrictmailq,restrictqrun']);
	assert.deepEqual(sendmailOptionValues(file, 'MaxMessageSize'), ['500000']);
	assert.deepEqual(sendmailOptionValues(file, 'MaxRecipientsPerMessage'), ['10']);
	assert.deepEqual(sendmailOptionValues(file, 'SmtpGreetingMessage'), ['$j mailserver; $b']);
	const rehearsal = await rehearseFiles({cfText}, answers);
	assert.ok(rehearsal.ok, rehearsal.ok ? '' : rehearsal.error);
	assert.equal(rehearsal.value.status, 'ran', JSON.stringify(rehearsal.value));
	// HELP is not among these answers (the example configs' helpfile states the version).
	// The outsider's findings (ETRN, relaying, the harvest, ...) are information these answers do not decide.
	const failed = rehearsal.value.status === 'ran' ? rehearsal.value.checks.filter(check => check.name !== 'HELP' && check.status !== 'pass' && !(check.status === 'info' && ['ETRN', 'DSN', 'HELP product', 'relaying', 'account harvest', 'AUTH before STARTTLS'].includes(check.name))) : [];
	assert.deepEqual(failed.map(check => `${check.name}: ${check.reply}`), []);
	assert.ok(rehearsal.value.status === 'ran' && rehearsal.value.checks.length >= 7);
}

// RHEL's /etc/mail: sendmail.mc includes cf.m4 itself (there from the sendmail-cf package; here
// Debian's), the Makefile's pattern rule, and the .cf as the RPM ships it: sendmail.spec deletes
// the stamp with `sed -i '/##### built by.*on/,+3d' sendmail.cf`.
function rhelFolder(): {folder: string; mcPath: string; cfPath: string} {
	const folder = mkdtempSync(path.join(scratch, 'rhel-'));
	const mcPath = path.join(folder, 'sendmail.mc');
	const cfPath = path.join(folder, 'sendmail.cf');
	const example = readFileSync(path.join(cfDir, 'cf', 'generic-linux.mc'), 'latin1');
	writeFileSync(mcPath, localHelp(folder, `include(\`${cfDir}/m4/cf.m4')dnl\n${example}`), 'latin1');
	writeFileSync(path.join(folder, 'Makefile'), [
		'all: sendmail.cf',
		'%.cf: %.mc',
		'\t@if test -f /usr/share/sendmail-cf/m4/cf.m4; then \\',
		'\t\tm4 $< > $@; \\',
		'\telse echo "install sendmail-cf to rebuild $@"; fi',
		'',
	].join('\n'));
	writeFileSync(cfPath, m4(['sendmail.mc'], folder), 'latin1');
	const sed = spawnSync('sed', ['-i', '/##### built by.*on/,+3d', cfPath]);
	assert.equal(sed.status, 0);
	return {folder, mcPath, cfPath};
}

test('RHEL: a .cf whose build stamp the RPM removed is still what its .mc builds, and the plan goes through the .mc', skipUnlessSendmail(), async () => {
	const {mcPath, cfPath} = rhelFolder();
	const before = readFileSync(cfPath, 'latin1');
	assert.doesNotMatch(before, /##### built by/);
	const source = await findMcSource(cfPath, 'box.example.org');
	assert.deepEqual(source, {found: true, mcPath, layout: 'rhel'});

	const plan = await planFor(cfPath);
	assert.deepEqual(plan.files.map(file => `${file.role} ${file.path}`), [`mc ${mcPath}`, `cf ${cfPath}`]);
	const cf = plan.files[1]!;
	// The header stays as the RPM left it: the diff holds only the option lines.
	assert.doesNotMatch(cf.after, /##### built by/);
	const changed = cf.after.split('\n').filter((line, index) => line !== before.split('\n')[index]);
	assert.ok(changed.every(line => /^O (SmtpGreetingMessage|MaxMessageSize|MaxRecipientsPerMessage|PrivacyOptions)=/.test(line)), changed.join('\n'));
	await assertSendmailReadsAnswers(cf.after, 'rhel');
});

test('RHEL: when the .cf really differs from what the .mc builds, the error says which lines and options', skipUnlessSendmail(), async () => {
	const {cfPath} = rhelFolder();
	const text = readFileSync(cfPath, 'latin1').replace(/^O PrivacyOptions=authwarnings$/m, 'O PrivacyOptions=authwarnings,noetrn');
	writeFileSync(cfPath, text, 'latin1');
	const target = await loadTarget(cfPath);
	assert.ok(target.ok);
	const plan = await makePlan(target.value, answers, {hostname: 'box.example.org'});
	assert.equal(plan.ok, false);
	assert.match(plan.ok ? '' : plan.error, /disagree: .* has a line .* does not build: line \d+ "O PrivacyOptions=authwarnings,noetrn" \(the \.mc builds "O PrivacyOptions=authwarnings"\)\. A rebuild from the \.mc/);
});

// FreeBSD's /etc/mail: freebsd.mc, the Makefile's rules for SENDMAIL_MC, and sendmail.cf as a
// release build installs it (a different `##### using` line), with no $(hostname).mc yet.
const freebsdMc = [
	'divert(-1)',
	'# Laid out as FreeBSD\'s /etc/mail/freebsd.mc.',
	'divert(0)',
	'VERSIONID(`$FreeBSD$\')',
	'OSTYPE(freebsd6)',
	'DOMAIN(generic)',
	'FEATURE(`no_default_msa\')',
	'define(`confCW_FILE\', `-o /etc/mail/local-host-names\')',
	'DAEMON_OPTIONS(`Name=IPv4, Family=inet\')',
	'define(`confPRIVACY_FLAGS\', `authwarnings,noexpn,novrfy\')',
	'MAILER(local)',
	'MAILER(smtp)',
	'',
].join('\n');
const freebsdMakefile = [
	'.ifndef SENDMAIL_MC',
	'SENDMAIL_MC!=           hostname',
	'SENDMAIL_MC:=           ${SENDMAIL_MC}.mc',
	'',
	'${SENDMAIL_MC}:',
	'\t${CP} freebsd.mc ${SENDMAIL_MC}',
	'.endif',
	'',
	'INSTALL_CF=\t\t${SENDMAIL_MC:R}.cf',
	'SENDMAIL_CF_DIR?=\t/usr/share/sendmail/cf',
	'M4?=\t\t\t/usr/bin/m4',
	'.SUFFIXES: .cf .mc',
	'.mc.cf: ${M4FILES}',
	'\t${M4} -D_CF_DIR_=${SENDMAIL_CF_DIR}/ ${SENDMAIL_M4_FLAGS} \\',
	'\t    ${SENDMAIL_CF_DIR}/m4/cf.m4 ${@:R}.mc > ${.TARGET}',
	'',
	'install-cf: ${INSTALL_CF}',
	'.if ${INSTALL_CF} != /etc/mail/sendmail.cf',
	'\t${INSTALL} -m ${SHAREMODE} ${INSTALL_CF} /etc/mail/sendmail.cf',
	'.endif',
	'',
].join('\n');

function freebsdFolder(): {folder: string; mcPath: string; cfPath: string} {
	const folder = mkdtempSync(path.join(scratch, 'freebsd-'));
	const mcPath = path.join(folder, 'freebsd.mc');
	const cfPath = path.join(folder, 'sendmail.cf');
	writeFileSync(mcPath, localHelp(folder, freebsdMc));
	writeFileSync(path.join(folder, 'Makefile'), freebsdMakefile);
	const built = m4([`-D_CF_DIR_=${cfDir}/`, `${cfDir}/m4/cf.m4`, 'freebsd.mc'], folder)
		.replace(/^##### built by .*$/m, '##### built by root@releng3.nyi.freebsd.org on Fri Jun  6 06:00:00 UTC 2025')
		.replace(/^##### in .*$/m, '##### in /usr/src/etc/sendmail')
		.replace(/^##### using .*$/m, '##### using /usr/src/contrib/sendmail/cf/ as configuration include directory');
	writeFileSync(cfPath, built, 'latin1');
	return {folder, mcPath, cfPath};
}

test('FreeBSD: with no $(hostname).mc, freebsd.mc is the source the Makefile builds, and the plan edits it', skipUnlessSendmail(), async () => {
	const {folder, mcPath, cfPath} = freebsdFolder();
	const source = await findMcSource(cfPath, 'box.example.org', {makeConfPath: path.join(scratch, 'no-make.conf')});
	assert.equal(source.found && source.mcPath, mcPath);
	assert.equal(source.found && source.layout, 'freebsd');

	const plan = await planFor(cfPath);
	assert.deepEqual(plan.files.map(file => `${file.role} ${file.path}`), [`mc ${mcPath}`, `cf ${cfPath}`]);
	assert.equal(plan.source?.kind, 'mc');
	assert.equal(plan.source?.rebuildCommand, `cd ${folder} && make install`);
	assert.match(plan.notes.join('\n'), /there is no box\.example\.org\.mc yet: \/etc\/mail\/Makefile copies freebsd\.mc to it/);
	// The release's stamp stays.
	assert.match(plan.files[1]!.after, /^##### using \/usr\/src\/contrib\/sendmail\/cf\/ as configuration include directory$/m);
	await assertSendmailReadsAnswers(plan.files[1]!.after, 'freebsd');
});

test('FreeBSD: $(hostname).mc wins over freebsd.mc, and SENDMAIL_MC in make.conf over both', async () => {
	const {folder, cfPath} = freebsdFolder();
	const own = path.join(folder, 'box.example.org.mc');
	writeFileSync(own, freebsdMc);
	const makeConf = path.join(folder, 'make.conf');
	assert.equal(((await findMcSource(cfPath, 'box.example.org', {makeConfPath: makeConf})) as {mcPath: string}).mcPath, own);
	const mine = path.join(folder, 'mine.mc');
	writeFileSync(mine, freebsdMc);
	writeFileSync(makeConf, `SENDMAIL_MC=${mine}\n`);
	assert.equal(((await findMcSource(cfPath, 'box.example.org', {makeConfPath: makeConf})) as {mcPath: string}).mcPath, mine);
});

// Solaris and illumos: /etc/mail/cf/cf/sendmail.mc, built in its folder with ../m4/cf.m4 and
// copied to /etc/mail/sendmail.cf.
test('Solaris/illumos: /etc/mail/cf/cf/sendmail.mc is the source of /etc/mail/sendmail.cf', skipUnlessSendmail(), async () => {
	const root = mkdtempSync(path.join(scratch, 'solaris-'));
	const mail = path.join(root, 'etc', 'mail');
	const cfFolder = path.join(mail, 'cf', 'cf');
	mkdirSync(cfFolder, {recursive: true});
	for (const part of ['m4', 'ostype', 'domain', 'feature', 'mailer', 'hack', 'sh', 'siteconfig']) {
		symlinkSync(path.join(cfDir, part), path.join(mail, 'cf', part));
	}

	const mcPath = path.join(cfFolder, 'sendmail.mc');
	writeFileSync(mcPath, localHelp(mail, readFileSync(path.join(cfDir, 'cf', 'generic-solaris.mc'), 'latin1')), 'latin1');
	writeFileSync(path.join(cfFolder, 'Makefile'), '.SUFFIXES: .mc .cf\n.mc.cf:\n\t$(M4) ../m4/cf.m4 $< > $@\n');
	const cfPath = path.join(mail, 'sendmail.cf');
	writeFileSync(cfPath, m4(['../m4/cf.m4', 'sendmail.mc'], cfFolder), 'latin1');

	const source = await findMcSource(cfPath, 'box.example.org');
	assert.deepEqual(source, {found: true, mcPath, layout: 'solaris', note: `${mcPath} is built in its folder and copied to ${cfPath}`});
	const plan = await planFor(cfPath);
	assert.deepEqual(plan.files.map(file => `${file.role} ${file.path}`), [`mc ${mcPath}`, `cf ${cfPath}`]);
	assert.equal(plan.source?.rebuildCommand, `cd ${cfFolder} && make sendmail.cf && cp sendmail.cf ${cfPath}`);
	await assertSendmailReadsAnswers(plan.files[1]!.after, 'solaris');
});

test('an .mc whose LOCAL_CONFIG sets PrivacyOptions: that line is commented out, so the set in force is the answers', skipUnlessSendmail(), async () => {
	const folder = mkdtempSync(path.join(scratch, 'local-config-'));
	const mcPath = path.join(folder, 'sendmail.mc');
	const cfPath = path.join(folder, 'sendmail.cf');
	const example = readFileSync(path.join(cfDir, 'cf', 'generic-linux.mc'), 'latin1');
	writeFileSync(mcPath, localHelp(folder, `include(\`${cfDir}/m4/cf.m4')dnl\n${example}LOCAL_CONFIG\nO PrivacyOptions=noetrn\n`), 'latin1');
	writeFileSync(cfPath, m4(['sendmail.mc'], folder), 'latin1');
	// m4 puts LOCAL_CONFIG lines before proto.m4's options: both lines count.
	assert.deepEqual(sendmailOptionValues(cfPath, 'PrivacyOptions'), ['noetrn', 'authwarnings']);

	const plan = await planFor(cfPath);
	const [mc, cf] = plan.files;
	assert.match(mc!.after, /^#O PrivacyOptions=noetrn$/m);
	assert.match(plan.notes.join('\n'), /PrivacyOptions is also set on line \d+ of the \.mc, copied into the \.cf as is/);
	await assertSendmailReadsAnswers(cf!.after, 'local-config');
	assert.equal(optionValue(parseCf(cf!.after), 'PrivacyOptions'), 'goaway,restrictmailq,restrictqrun');
});

test('no .mc found for a .cf that m4 built where the host builds it: the plan says so and warns that a rebuild would undo it', skipUnlessSendmail(), async () => {
	const {folder, mcPath, cfPath} = rhelFolder();
	rmSync(mcPath);
	const plan = await planFor(cfPath);
	assert.deepEqual(plan.files.map(file => file.role), ['cf']);
	assert.match(plan.warnings[0]!, /sendmail\.cf was built by m4 from an \.mc, but none was found .*a rebuild from that \.mc would undo it/);
	assert.deepEqual(await findMcSource(cfPath, 'box.example.org'), {found: false, makefile: true});
	assert.ok(folder);
});

test('a failed .mc build quotes cf.m4\'s *** ERROR line, not the WARNING printed before it', async () => {
	const folder = mkdtempSync(path.join(scratch, 'm4-error-'));
	const mcPath = path.join(folder, 'sendmail.mc');
	const text = `include(\`${cfDir}/m4/cf.m4')dnl\nFEATURE(\`promiscuous_relay')dnl\nMAILER(smtp)\n`;
	writeFileSync(mcPath, text);
	const result = await buildCfFromMc(text, mcPath);
	assert.equal(result.ok, false);
	assert.match(result.ok ? '' : result.error, /: \*\*\* ERROR: No system type defined \(use OSTYPE macro\); fix the \.mc/);
});
