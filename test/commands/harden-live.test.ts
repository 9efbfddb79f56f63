// The article's answers plus hideHelpVersion, applied by the real CLI to a copy of Debian's
// config, then served by a real sendmail daemon: its SMTP replies are the proof.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {after, before, test} from 'node:test';
import {copyDemoConfig, runCli} from '../helpers/cli.js';
import {skipUnlessSendmail, smtpTalk, startSendmailDaemon, type SendmailDaemon} from '../helpers/sendmail.js';

const skip = skipUnlessSendmail();
let daemon: SendmailDaemon | undefined;

before(async () => {
	if ('skip' in skip) {
		return;
	}

	const {cfPath} = copyDemoConfig();
	const run = await runCli(['--config', cfPath, '--answers', 'test/fixtures/article-answers.json', '--yes']);
	assert.equal(run.status, 0, run.stderr);
	daemon = await startSendmailDaemon(readFileSync(cfPath, 'latin1'));
});

after(async () => {
	await daemon?.stop();
});

test('the banner names neither Sendmail nor its version', skip, async () => {
	const [banner] = await smtpTalk(daemon!.port, []);
	// docs/sendmail.md, "The greeting": `$j mailserver; $b` gives `220 <host> ESMTP mailserver; <date>`.
	assert.match(banner!, /^220 mail\.test\.example ESMTP mailserver; \w{3}, \d{1,2} \w{3} \d{4} /);
	assert.doesNotMatch(banner!, /sendmail|8\.\d+\.\d+/i);
});

test('HELP no longer states the version', skip, async () => {
	const [, help] = await smtpTalk(daemon!.port, ['HELP']);
	// docs/sendmail.md, "The helpfile": without the $v line, HELP starts with `214-2.0.0 Topics:`.
	assert.match(help!, /^214-2\.0\.0 Topics:/);
	assert.doesNotMatch(help!, /version|8\.\d+\.\d+/i);
});

test('MAIL before HELO is refused (goaway implies needmailhelo)', skip, async () => {
	const [, reply] = await smtpTalk(daemon!.port, ['MAIL FROM:<>']);
	assert.equal(reply, '503 5.0.0 Polite people say HELO first');
});

test('VRFY and EXPN give nothing away, and EHLO offers SIZE 500000', skip, async () => {
	const [, ehlo, vrfy, expn] = await smtpTalk(daemon!.port, ['EHLO client.example', 'VRFY root', 'EXPN root']);
	assert.match(ehlo!, /^250-SIZE 500000$/m);
	assert.doesNotMatch(ehlo!, /^250.(EXPN|VERB)$/m);
	assert.equal(vrfy, '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)');
	assert.equal(expn, '502 5.7.0 Sorry, we do not allow this operation');
});

test('the 11th recipient of one message is deferred with 452', skip, async () => {
	const recipients = Array.from({length: 11}, () => 'RCPT TO:<root@localhost>');
	const replies = await smtpTalk(daemon!.port, ['EHLO client.example', 'MAIL FROM:<>', ...recipients, 'RSET']);
	const rcptReplies = replies.slice(3, 14);
	assert.deepEqual(rcptReplies.slice(0, 10).map(reply => reply.slice(0, 3)), Array.from({length: 10}, () => '250'));
	assert.equal(rcptReplies[10], '452 4.5.3 Too many recipients');
});
