// The "Floods and harvesting" step's settings off the wire: the options sendmail has only when
// built with _FFR_BADRCPT_SHUTDOWN are offered and written only where it was, the .mc gets them
// as LOCAL_CONFIG lines (built with the real m4), and audit asks sendmail which it takes.
import assert from 'node:assert/strict';
import {chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {makePlan} from '../../source/system/make-plan.js';
import {sendmailFfrDefines} from '../../source/system/sendmail.js';
import {compiledIn} from '../../source/steps/CountPages.js';
import {COUNT_SETTINGS} from '../../source/settings/registry.js';
import {KEY, enterUntil, escapeUntil, openWizard, readTarget, tempConfig} from '../app-helpers.js';
import {runCli} from '../helpers/cli.js';
import {skipUnlessDebianMc} from '../helpers/debian-mc.js';
import {sendmailOptionValues, sendmailPath, skipUnlessSendmail} from '../helpers/sendmail.js';
import {stepHeading} from '../helpers/steps.js';

const floods = COUNT_SETTINGS.filter(setting => setting.step === 'floods');

function tempFolder(t: {after(fn: () => void): void}): string {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'floods-test-'));
	t.after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	return folder;
}

test('the step offers BadRcptShutdown and BadRcptShutdownGood only where sendmail lists _FFR_BADRCPT_SHUTDOWN, and says why not elsewhere', () => {
	const built = compiledIn(floods, {defines: new Set(['_FFR_BADRCPT_SHUTDOWN'])});
	assert.deepEqual(built.offered.map(setting => setting.option), ['BadRcptThrottle', 'BadRcptShutdown', 'BadRcptShutdownGood', 'ConnectionRateThrottle', 'MaxDaemonChildren']);
	assert.deepEqual(built.notes, []);
	const other = compiledIn(floods, {defines: new Set(['_FFR_MTA_STS'])});
	assert.deepEqual(other.offered.map(setting => setting.option), ['BadRcptThrottle', 'ConnectionRateThrottle', 'MaxDaemonChildren']);
	assert.match(other.notes[0]!.text, /Not offered: BadRcptShutdown and BadRcptShutdownGood \(they exist only in a sendmail built with _FFR_BADRCPT_SHUTDOWN; the installed sendmail was not/);
	const unknown = compiledIn(floods, {reason: 'sendmail is not installed here'});
	assert.match(unknown.notes[0]!.text, /_FFR_BADRCPT_SHUTDOWN; sendmail is not installed here\)/);
});

test('the installed sendmail (Debian\'s) lists _FFR_BADRCPT_SHUTDOWN, asked as the tool asks it (no 60 s wait on this unqualified host)', skipUnlessSendmail(), async () => {
	const start = Date.now();
	const defines = await sendmailFfrDefines(sendmailPath, {hostName: 'mail.test.example'});
	assert.ok(defines.ok, defines.ok ? '' : defines.error);
	assert.ok(defines.value.has('_FFR_BADRCPT_SHUTDOWN'), [...defines.value].join(' '));
	assert.ok(Date.now() - start < 30_000);
});

test('answers with badRcptShutdown are refused, writing nothing, where sendmail was built without _FFR_BADRCPT_SHUTDOWN', async t => {
	const folder = tempFolder(t);
	// A sendmail whose -d0.13 report lists other FFR defines only.
	const fake = path.join(folder, 'sendmail');
	writeFileSync(fake, '#!/bin/sh\necho "Version 8.18.1"\necho "   FFR Defines: _FFR_MTA_STS _FFR_TLS_ALTNAMES"\n');
	chmodSync(fake, 0o755);
	const {cfPath} = tempConfig(t);
	const target = await readTarget(cfPath);
	const refused = await makePlan(target, {badRcptShutdown: 4}, {env: {...process.env, SENDMAIL_HARDEN_SENDMAIL: fake}});
	assert.equal(refused.ok, false);
	assert.match(refused.ok ? '' : refused.error, /^BadRcptShutdown exist only in a sendmail built with _FFR_BADRCPT_SHUTDOWN, and .* was not .*leave badRcptShutdown out of the answers; nothing was written$/);
	// The other settings of the step do not need it.
	assert.equal((await makePlan(target, {badRcptThrottle: 5}, {env: {...process.env, SENDMAIL_HARDEN_SENDMAIL: fake}})).ok, true);
});

test('.mc: --yes writes BadRcptShutdown and BadRcptShutdownGood as LOCAL_CONFIG lines, m4 rebuilds the .cf with them, and sendmail sets them', skipUnlessDebianMc(), async t => {
	const folder = tempFolder(t);
	const mcPath = path.join(folder, 'sendmail.mc');
	const cfPath = path.join(folder, 'sendmail.cf');
	const helpPath = path.join(folder, 'helpfile');
	copyFileSync('/etc/mail/helpfile', helpPath);
	// The same HelpFile in both files (proto.m4 reads HELP_FILE), so they still agree.
	writeFileSync(mcPath, readFileSync('/etc/mail/sendmail.mc', 'latin1').replace(/^MAILER\(/m, `define(\`HELP_FILE', \`${helpPath}')dnl\nMAILER(`), 'latin1');
	writeFileSync(cfPath, readFileSync('/etc/mail/sendmail.cf', 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`), 'latin1');
	const answers = path.join(folder, 'answers.json');
	writeFileSync(answers, JSON.stringify({badRcptShutdown: 4, badRcptShutdownGood: 75, maxDaemonChildren: 40}));

	const run = await runCli(['--yes', '--no-restart', '--config', cfPath, '--answers', answers]);
	assert.equal(run.status, 0, run.stderr);
	assert.match(`${run.stdout}${run.stderr}`, /added to the \.mc after LOCAL_CONFIG/);
	const mc = readFileSync(mcPath, 'latin1');
	assert.match(mc, /^LOCAL_CONFIG\nO BadRcptShutdown=4\nO BadRcptShutdownGood=75\n$/m);
	assert.match(mc, /^define\(`confMAX_DAEMON_CHILDREN', `40'\)dnl$/m);
	assert.deepEqual(sendmailOptionValues(cfPath, 'BadRcptShutdown'), ['4']);
	assert.deepEqual(sendmailOptionValues(cfPath, 'BadRcptShutdownGood'), ['75']);
	assert.deepEqual(sendmailOptionValues(cfPath, 'MaxDaemonChildren'), ['40']);

	// A second change rewrites the LOCAL_CONFIG line in place: one line per option, never two.
	writeFileSync(answers, JSON.stringify({badRcptShutdown: 10}));
	const again = await runCli(['--yes', '--no-restart', '--config', cfPath, '--answers', answers]);
	assert.equal(again.status, 0, again.stderr);
	const mcAgain = readFileSync(mcPath, 'latin1');
	assert.equal(mcAgain.match(/^O BadRcptShutdown=/gm)?.length, 1);
	assert.deepEqual(sendmailOptionValues(cfPath, 'BadRcptShutdown'), ['10']);
});

test('audit reports each flood limit with its meaning and whether sendmail sets it, from sendmail\'s own setoption calls', skipUnlessSendmail(), async t => {
	const folder = tempFolder(t);
	const cfPath = path.join(folder, 'sendmail.cf');
	const helpPath = path.join(folder, 'helpfile');
	copyFileSync('/etc/mail/helpfile', helpPath);
	const stock = readFileSync('/etc/mail/sendmail.cf', 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`);
	writeFileSync(cfPath, `${stock}O BadRcptShutdown=4\n`, 'latin1');
	const run = await runCli(['audit', '--json', '--config', cfPath]);
	const settings = (JSON.parse(run.stdout) as {settings: Array<{setting: string; value: string; hardened: boolean; from: string; reply?: string}>}).settings;
	const row = (name: string) => settings.find(item => item.setting === name);
	assert.deepEqual(row('BadRcptShutdown'), {setting: 'BadRcptShutdown', value: '4 (unknown recipients before the connection is closed)', hardened: true, advice: '', from: 'sendmail', reply: 'setoption BadRcptShutdown=4', answer: 'badRcptShutdown: a limit, e.g. 10'} as unknown);
	assert.equal(row('BadRcptThrottle')?.reply, 'setoption BadRcptThrottle=3');
	assert.equal(row('ConnectionRateThrottle')?.reply, 'setoption ConnectionRateThrottle=15');
	// Debian sets MaxDaemonChildren=0: no limit.
	assert.equal(row('MaxDaemonChildren')?.hardened, false);
	assert.equal(row('MaxDaemonChildren')?.reply, 'setoption MaxDaemonChildren=0');
	// Unset, a relief rather than a limit: reported, not held against the config.
	assert.equal(row('BadRcptShutdownGood')?.hardened, true);
	assert.equal(row('BadRcptShutdownGood')?.reply, 'sendmail sets no BadRcptShutdownGood');
	const text = await runCli(['audit', '--config', cfPath]);
	assert.match(text.stdout, /✔ BadRcptShutdown +4 \(unknown recipients before the connection is closed\)\n +\(sendmail\) "setoption BadRcptShutdown=4"/);
});

test('wizard: Floods and harvesting shows one page per setting; the answer of each reaches Review', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath, {effects: {sendmailFfrDefines: async () => ({ok: true, value: new Set(['_FFR_BADRCPT_SHUTDOWN'])})}});
	await enterUntil(app, 'Floods and harvesting');
	// The step opens with the listen question (test/steps/listen-step.test.tsx); Enter keeps it.
	await app.waitFor('Does this host receive mail from other machines?');
	await app.press(KEY.enter);
	assert.match(await app.waitFor('(1/5)'), /\(1\/5\) BadRcptThrottle:/);
	await app.press(KEY.enter);
	await app.waitFor('(2/5) BadRcptShutdown:');
	await app.press(KEY.down); // the last row (Keep: no limit) wraps to the first choice, 4
	assert.match(await app.waitFor('BadRcptShutdown=4.'), /› \( \) 4/);
	await app.press(KEY.enter);
	await app.waitFor('(3/5) BadRcptShutdownGood:');
	// Esc goes back a page, with the answer kept.
	await app.press(KEY.escape);
	assert.match(await app.waitFor('(2/5) BadRcptShutdown:'), /› \(•\) 4/);
	const review = (await enterUntil(app, 'Review'), await app.waitFor('Write changes'));
	assert.match(review.replaceAll('\n', ''), /\+ O BadRcptShutdown=4/);
	// Back from Review, back through the Encryption and login step's pages, lands on the step's last
	// page, and back from there on the page before it.
	await escapeUntil(app, 'Floods and harvesting');
	await app.waitFor('(5/5) MaxDaemonChildren:');
	await app.press(KEY.escape);
	await app.waitFor('(4/5) ConnectionRateThrottle:');
});

test('wizard: where sendmail has not said it has _FFR_BADRCPT_SHUTDOWN, the step has three pages and the last says why two are missing', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await enterUntil(app, 'Floods and harvesting');
	await app.waitFor('Does this host receive mail from other machines?');
	await app.press(KEY.enter);
	assert.match(await app.waitFor('(1/3)'), /\(1\/3\) BadRcptThrottle:/);
	await app.press(KEY.enter, KEY.enter);
	const last = await app.waitFor('(3/3) MaxDaemonChildren:');
	assert.match(last.replaceAll('\n', ' '), /slow-client denial of service/);
	assert.match(last.replaceAll('\n', ' '), /Not offered: BadRcptShutdown and BadRcptShutdownGood/);
	assert.match(last, new RegExp(stepHeading('Floods and harvesting')));
});
