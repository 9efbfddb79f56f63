import {after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	buildExampleCf,
	exampleMcNames,
	sendmailBt,
	skipUnlessSendmail,
	smtpTalk,
	startSendmailDaemon,
	type SendmailDaemon,
} from './sendmail.js';

const skip = skipUnlessSendmail();

describe('sendmail test harness', () => {
	const daemons: SendmailDaemon[] = [];
	after(async () => {
		await Promise.all(daemons.map(async daemon => daemon.stop()));
	});

	test('a daemon on Debian\'s sendmail.cf greets with its own host name and stops cleanly', skip, async () => {
		const daemon = await startSendmailDaemon(readFileSync('/etc/mail/sendmail.cf', 'latin1'));
		daemons.push(daemon);
		assert.equal(daemon.host, '127.0.0.1');
		assert.ok(daemon.port >= 20_000 && daemon.port < 60_000);

		// docs/sendmail.md, "The greeting": $j Sendmail $v/$Z; $b ... with ESMTP after the first word.
		const replies = await smtpTalk(daemon.port, ['QUIT']);
		assert.match(replies[0] ?? '', /^220 mail\.test\.example ESMTP Sendmail 8\.17\.1\.9\/8\.17\.1\.9\/Debian-/);
		assert.match(replies[1] ?? '', /^221 /);

		const pidFile = `${daemon.dir}/sendmail.pid`;
		const pid = Number(readFileSync(pidFile, 'latin1').split('\n')[0]);
		await daemon.stop();
		assert.throws(() => process.kill(pid, 0));
		assert.equal(existsSync(daemon.dir), false);
		// Nothing answers on the port any more.
		await assert.rejects(smtpTalk(daemon.port, []));
	});

	test('a daemon uses the HelpFile it is given', skip, async () => {
		const daemon = await startSendmailDaemon(readFileSync('/etc/mail/sendmail.cf', 'latin1'), {helpFile: '/nonexistent/helpfile'});
		daemons.push(daemon);
		const replies = await smtpTalk(daemon.port, ['HELP', 'QUIT']);
		// docs/sendmail.md, "The helpfile": with no HelpFile, HELP answers 502 and still names the version.
		assert.equal(replies[1], '502 5.3.0 Sendmail 8.17.1.9 -- HELP not implemented');
	});

	test('-bt accepts Debian\'s sendmail.cf and a built example within the time limit', skip, () => {
		assert.deepEqual(sendmailBt('/etc/mail/sendmail.cf'), {status: 0, stderr: ''});
		// docs/sendmail.md, "The host-name wait": built examples have no Dj line, so -bt would sleep 60 s without the wrapper.
		const dir = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-bt-'));
		try {
			writeFileSync(path.join(dir, 'generic-linux.cf'), buildExampleCf('generic-linux.mc'), 'latin1');
			assert.equal(sendmailBt(path.join(dir, 'generic-linux.cf')).status, 0);
			writeFileSync(path.join(dir, 'bad.cf'), 'this is garbage\n', 'latin1');
			const bad = sendmailBt(path.join(dir, 'bad.cf'));
			assert.equal(bad.status, 70);
			assert.match(bad.stderr, /unknown configuration line "this is garbage"/);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	test('a daemon on a built example greets with the test host name', skip, async () => {
		const daemon = await startSendmailDaemon(buildExampleCf('generic-linux.mc'));
		daemons.push(daemon);
		const replies = await smtpTalk(daemon.port, ['QUIT']);
		assert.match(replies[0] ?? '', /^220 mail\.test\.example ESMTP Sendmail 8\.17\.1\.9\//);
	});

	test('the shipped example .mc files build', skip, () => {
		const names = exampleMcNames();
		assert.equal(names.length, 33); // docs/sendmail.md, "Where things are on Debian": 33 of them
		assert.ok(names.includes('generic-linux.mc'));
		const cf = buildExampleCf('generic-linux.mc');
		assert.match(cf, /^O SmtpGreetingMessage=\$j Sendmail \$v\/\$Z; \$b$/m);
		assert.equal(buildExampleCf('generic-linux.mc'), cf);
	});
});
