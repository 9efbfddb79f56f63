// Where the installed sendmail proved the tool's model wrong (docs/sendmail.md, "The
// helpfile", "The Received header" and "Option syntax"), the plan and audit now follow sendmail; each case is asked of sendmail itself.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {runAudit} from '../../source/commands/audit.js';
import {runVerifyCommand} from '../../source/commands/verify-command.js';
import {validateAnswers} from '../../source/core/answers.js';
import {helpFileIsOldStyle, planHardening, removeVersionFromHelp} from '../../source/core/plan.js';
import {findReceivedHeaders, hideReceivedVersionIn, receivedVersionLeak} from '../../source/core/received-header.js';
import {makePlan} from '../../source/system/make-plan.js';
import {rehearseFiles} from '../../source/system/rehearsal.js';
import {loadTarget} from '../../source/system/target.js';
import {captureIo} from '../helpers/capture-io.js';
import {copyDebianMcPair, haveDebianMc} from '../helpers/debian-mc.js';
import {sendmailBt, skipUnlessSendmail} from '../helpers/sendmail.js';

const skip = skipUnlessSendmail();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearsal-model-'));
const debianHelp = readFileSync('/etc/mail/helpfile', 'latin1');
// The help file beside the configs written here: one in /etc/mail (the mail user's folder on
// Debian) is refused for a config elsewhere.
writeFileSync(path.join(scratch, 'helpfile'), debianHelp, 'latin1');
const debianCf = readFileSync('/etc/mail/sendmail.cf', 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${scratch}/helpfile`);
test.after(() => {
	rmSync(scratch, {recursive: true, force: true});
});

const helpReply = (exchange: string[]) => exchange[exchange.indexOf('> HELP') + 1];

describe('an old-style help file leaks the version by itself', () => {
	// Debian's help file without its "#vers<TAB>2" first line, with and without its $v line.
	const oldStyle = debianHelp.replace(/^#vers\t2\n/, '');
	const oldStyleNoV = oldStyle.split('\n').filter(line => !line.includes('$v')).join('\n');

	test('sendmail prints "This is Sendmail version" for it, and the plan\'s help file does not', skip, async () => {
		for (const helpText of [oldStyle, oldStyleNoV]) {
			const before = await rehearseFiles({cfText: debianCf, helpFileText: helpText}, {hideHelpVersion: true});
			assert.ok(before.ok && before.value.status === 'ran');
			assert.equal(helpReply(before.value.exchange), '214-2.0.0 This is Sendmail version 8.17.1.9');

			const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: debianCf, helpFile: {path: '/etc/mail/helpfile', text: helpText}, answers: {hideHelpVersion: true}});
			assert.ok(plan.ok);
			const help = plan.value.files.find(file => file.role === 'helpfile');
			assert.ok(help, 'the plan changes the help file');
			const after = await rehearseFiles({cfText: debianCf, helpFileText: help.after}, {hideHelpVersion: true});
			assert.ok(after.ok && after.value.status === 'ran');
			assert.equal(helpReply(after.value.exchange), '214-2.0.0 Topics:');
			assert.equal(after.value.checks.find(check => check.name === 'HELP')?.status, 'pass');
		}
	});

	test('the marker must be "#vers<TAB>2" before the smtp lines; "#vers 2" with a space does not count', () => {
		assert.equal(helpFileIsOldStyle(debianHelp), false);
		assert.equal(helpFileIsOldStyle(oldStyle), true);
		assert.equal(helpFileIsOldStyle(`#vers 2\n${oldStyle}`), true);
		assert.equal(helpFileIsOldStyle(''), false);
		assert.equal(helpFileIsOldStyle('helo\tsay hello\n'), false);
		assert.equal(removeVersionFromHelp(oldStyleNoV), `#vers\t2\n${oldStyleNoV}`);
		assert.equal(removeVersionFromHelp('smtp\tTopics:\r\n'), '#vers\t2\r\nsmtp\tTopics:\r\n');
	});
});

describe('the Received header', () => {
	test('audit reports its version leak, and hideReceivedVersion takes out only "($v/$Z)"', skip, async () => {
		assert.equal(receivedVersionLeak(debianCf), '($v/$Z)');
		const io = captureIo({...process.env});
		const cfPath = path.join(scratch, 'received.cf');
		writeFileSync(cfPath, debianCf, 'latin1');
		await runAudit({config: cfPath}, io);
		assert.match(io.stdout, /^✘ Received header +every relayed message says "by host \(\$v\/\$Z\)"$/m);

		const plan = planHardening({cfPath, cfText: debianCf, answers: {hideReceivedVersion: true}});
		assert.ok(plan.ok);
		const after = plan.value.files[0]!.after;
		const changed = after.split('\n').filter((line, index) => line !== debianCf.split('\n')[index]);
		assert.deepEqual(changed, ['\t$.by $j$?r with $r$. id $i$?{tls_version}']);
		assert.equal(after.length, debianCf.length - ' ($v/$Z)'.length);
		assert.deepEqual(plan.value.settings, [{setting: 'Received header', from: '$.by $j ($v/$Z)$?r with $r$. id $i$?{tls_version}', to: '$.by $j$?r with $r$. id $i$?{tls_version}'}]);
		// sendmail loads the edited config as it loads the original.
		writeFileSync(cfPath, after, 'latin1');
		assert.equal(sendmailBt(cfPath).status, 0);
		const again = captureIo({...process.env});
		await runAudit({config: cfPath}, again);
		assert.match(again.stdout, /^✔ Received header +no version$/m);
		assert.equal(hideReceivedVersionIn(after), undefined);
	});

	test('answers and presets accept hideReceivedVersion as true or false', () => {
		assert.deepEqual(validateAnswers({hideReceivedVersion: true}), {ok: true, value: {hideReceivedVersion: true}});
		assert.deepEqual(validateAnswers({hideReceivedVersion: 'yes'}), {ok: false, error: 'hideReceivedVersion must be true or false'});
	});

	test('in .mc mode it goes through confRECEIVED_HEADER, and the rebuilt .cf keeps the rest of the header', haveDebianMc ? skip : {skip: 'no Debian sendmail.mc'}, async () => {
		const {cfPath, mcPath} = copyDebianMcPair(scratch);
		const target = await loadTarget(cfPath);
		assert.ok(target.ok);
		const plan = await makePlan(target.value, {hideReceivedVersion: true});
		assert.ok(plan.ok, plan.ok ? '' : plan.error);
		assert.equal(plan.value.source?.kind, 'mc');
		const mc = plan.value.files.find(file => file.path === mcPath)!;
		assert.match(mc.after, /^define\(`confRECEIVED_HEADER', `\$\?sfrom \$s/m);
		const cf = plan.value.files.find(file => file.path === cfPath)!;
		// The rebuilt header is the directly edited one, byte for byte.
		assert.deepEqual(findReceivedHeaders(cf.after), findReceivedHeaders(hideReceivedVersionIn(cf.before)!.text));
		assert.equal(receivedVersionLeak(cf.after), undefined);
	});
});

describe('PrivacyOptions lines add up: the rehearsal asks sendmail, whatever the model says', () => {
	const twoLines = debianCf.replace(/^O PrivacyOptions=.*$/m, 'O PrivacyOptions=goaway\nO PrivacyOptions=public');

	test('VRFY answers 252 on a config whose last PrivacyOptions line says public', skip, async () => {
		const report = await rehearseFiles({cfText: twoLines, helpFileText: debianHelp}, {privacyOptions: ['goaway']});
		assert.ok(report.ok && report.value.status === 'ran');
		const vrfy = report.value.checks.find(check => check.name === 'VRFY')!;
		assert.equal(vrfy.reply, '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)');
		assert.equal(vrfy.status, 'pass');
	});

	test('audit takes VRFY, EXPN and MAIL before HELO from sendmail, not from the last line', skip, async () => {
		const cfPath = path.join(scratch, 'two-lines.cf');
		writeFileSync(cfPath, twoLines, 'latin1');
		const io = captureIo({...process.env});
		await runAudit({config: cfPath, json: true}, io);
		const privacy = JSON.parse(io.stdout).settings.find((item: {setting: string}) => item.setting === 'PrivacyOptions');
		assert.equal(privacy.from, 'sendmail');
		// goaway is in force: only what SMTP cannot show is missing.
		assert.equal(privacy.advice, 'missing restrictmailq, restrictqrun, noetrn, noreceipts');
	});

	test('verify --config FILE says what sendmail answers for FILE, with verify\'s exit codes', skip, async () => {
		const cfPath = path.join(scratch, 'verify-two-lines.cf');
		writeFileSync(cfPath, twoLines, 'latin1');
		const answers = path.join(scratch, 'goaway.json');
		writeFileSync(answers, JSON.stringify({privacyOptions: ['goaway']}));
		const io = captureIo({...process.env});
		assert.equal(await runVerifyCommand({config: cfPath, answers}, io), 1);
		assert.match(io.stdout, /^Checking .*verify-two-lines\.cf in the installed sendmail \(sendmail -C COPY -bs/);
		assert.match(io.stdout, /^✔ VRFY: expected 252 \(Cannot VRFY user, from goaway\) — server said "252 2\.5\.2 Cannot VRFY user/m);
		// The banner and HELP still show the version.
		// The findings the answers do not decide include AUTH before STARTTLS.
		assert.match(io.stdout, /^Not hardened as the answers say: 3 passed, 2 failed, 8 for information only\.$/m);
		const missing = captureIo({...process.env});
		assert.equal(await runVerifyCommand({config: path.join(scratch, 'nope.cf')}, missing), 2);
	});
});

test('verify --json: one document with the shared keys, the rehearsal\'s checks and replies for --config', skip, async () => {
	const io = captureIo({...process.env});
	assert.equal(await runVerifyCommand({config: '/etc/mail/sendmail.cf', answers: 'test/fixtures/article-answers.json', json: true}, io), 1);
	const document = JSON.parse(io.stdout);
	assert.deepEqual(Object.keys(document), ['command', 'config', 'changed', 'exitCode', 'meaning', 'error', 'settings', 'diff', 'files', 'notes', 'warnings', 'rehearsal', 'backup', 'restart', 'verify']);
	assert.equal(document.command, 'verify');
	assert.equal(document.meaning, 'verify failed');
	assert.equal(document.rehearsal.status, 'ran');
	assert.equal(document.rehearsal.agrees, false);
	assert.ok(document.rehearsal.exchange.includes('> EHLO localhost'));
	// The client the rehearsal played.
	assert.deepEqual(document.rehearsal.vantage, {kind: 'outside', address: '198.51.100.7', name: 'outside.example.net'});
	assert.equal(io.stderr, '');

	const bad = captureIo({...process.env});
	assert.equal(await runVerifyCommand({port: '0', json: true}, bad), 2);
	assert.equal(JSON.parse(bad.stdout).error, '--port must be a port number from 1 to 65535, not "0"');
	assert.equal(bad.stderr, 'sendmail-harden: --port must be a port number from 1 to 65535, not "0"\n');
});

test('a message queued by sendmail on the edited config has a Received header without the version', skip, async () => {
	// DATA only here, never in the rehearsal: the message stays in a private queue (-odq), unsent.
	const {spawn} = await import('node:child_process');
	const {mkdirSync, readdirSync} = await import('node:fs');
	const {smtpSession} = await import('../../source/system/smtp-client.js');
	const {sendmailWrapper} = await import('../helpers/sendmail.js');
	const folder = mkdtempSync('/run/sendmail-harden-received-test-');
	try {
		const queued = async (cfText: string) => {
			const queue = path.join(folder, `mq-${Math.random().toString(36).slice(2)}`);
			mkdirSync(queue, {mode: 0o700});
			const cfPath = `${queue}.cf`;
			writeFileSync(cfPath, `${cfText}\nO QueueDirectory=${queue}\n`, 'latin1');
			const child = spawn(sendmailWrapper, ['-C', cfPath, '-bs', '-odq'], {stdio: ['pipe', 'pipe', 'ignore']});
			const session = await smtpSession({input: child.stdout, output: child.stdin, destroy: () => child.kill('SIGKILL')}, 'sendmail -bs');
			assert.ok(session.ok, session.ok ? '' : session.error);
			for (const command of ['EHLO localhost', 'MAIL FROM:<root@localhost>', 'RCPT TO:<root@localhost>', 'DATA', '.']) {
				if (command === '.') {
					// The message itself gets no reply until its final dot.
					child.stdin.write('Subject: test\r\n\r\nbody\r\n');
				}

				const reply = await session.value.send(command);
				assert.ok(reply.ok && reply.value.code < 400, JSON.stringify(reply));
			}

			await session.value.close();
			const qf = readdirSync(queue).find(name => name.startsWith('qf'));
			assert.ok(qf, 'sendmail queued the message');
			return readFileSync(path.join(queue, qf), 'latin1').split('\n').filter(line => /^H\?*[^:]*Received:|^\t/.test(line)).join('\n');
		};

		const before = await queued(debianCf);
		assert.match(before, /by \S+ \(8\.17\.1\.9\/8\.17\.1\.9\/Debian-/);
		const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: debianCf, answers: {hideReceivedVersion: true}});
		assert.ok(plan.ok);
		const after = await queued(plan.value.files[0]!.after);
		assert.match(after, /by \S+ with E?SMTP id /);
		assert.doesNotMatch(after, /8\.17/);
	} finally {
		rmSync(folder, {recursive: true, force: true});
	}
});
