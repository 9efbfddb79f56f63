import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {runVerify} from '../../source/commands/verify.js';
import {freePort, skipUnlessSendmail, startSendmailDaemon, type SendmailDaemon} from '../helpers/sendmail.js';
import {captureIo} from '../helpers/capture-io.js';
import {articleAnswers} from '../helpers/article.js';

const skip = skipUnlessSendmail();

const article = articleAnswers;


/** Replaces one whole line, failing loudly when Debian's file no longer has it. */
function replaceLine(text: string, from: RegExp, to: string): string {
	assert.match(text, from);
	return text.replace(from, to);
}

describe('verify against a live sendmail', () => {
	const debianCf = readFileSync('/etc/mail/sendmail.cf', 'latin1');
	const daemons: SendmailDaemon[] = [];
	let folder: string;
	before(() => {
		folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-verify-'));
	});
	after(async () => {
		await Promise.all(daemons.map(async daemon => daemon.stop()));
		rmSync(folder, {recursive: true, force: true});
	});

	test('Debian\'s default config fails, naming the banner version and the HELP leak', skip, async () => {
		const daemon = await startSendmailDaemon(debianCf);
		daemons.push(daemon);
		const io = captureIo({NO_COLOR: '1'});
		assert.equal(await runVerify({host: daemon.host, port: daemon.port, answers: article}, io), 1);
		assert.equal(io.stderr, '');
		// docs/sendmail.md, "The stock options" and "The helpfile": the default greeting "$j Sendmail $v/$Z; $b" and HELP's "$v" line.
		assert.match(io.stdout, /^✘ banner: .*8\.17\.1\.9\/8\.17\.1\.9\/Debian-.* — server said "220 mail\.test\.example ESMTP Sendmail 8\.17\.1\.9\//m);
		assert.match(io.stdout, /^✘ HELP: .* — server said "214-2\.0\.0 This is sendmail version 8\.17\.1\.9"$/m);
		// Debian's PrivacyOptions has needmailhelo, so that one already holds.
		assert.match(io.stdout, /^✔ MAIL before HELO: .* — server said "503 5\.0\.0 Polite people say HELO first"$/m);
		assert.match(io.stdout, /^✘ SIZE: expected SIZE 500000 — server said "250-SIZE"$/m);
		assert.match(io.stdout, /^✘ recipient limit: .*accepted all 11 recipients/m);
	});

	test('a hand-hardened copy with a HelpFile without $v passes every check', skip, async () => {
		let cf = debianCf;
		cf = replaceLine(cf, /^O SmtpGreetingMessage=.*$/m, 'O SmtpGreetingMessage=$j mailserver; $b');
		cf = replaceLine(cf, /^#O MaxMessageSize=0$/m, 'O MaxMessageSize=500000');
		cf = replaceLine(cf, /^#O MaxRecipientsPerMessage=0$/m, 'O MaxRecipientsPerMessage=10');
		cf = replaceLine(cf, /^O PrivacyOptions=.*$/m, 'O PrivacyOptions=goaway,restrictmailq,restrictqrun');
		// docs/sendmail.md, "The helpfile": a HelpFile copy without the $v line stops HELP's leak.
		const helpFile = path.join(folder, 'helpfile');
		const helpText = readFileSync('/etc/mail/helpfile', 'latin1');
		const withoutVersion = helpText.split('\n').filter(line => !line.includes('$v')).join('\n');
		assert.notEqual(withoutVersion, helpText);
		writeFileSync(helpFile, withoutVersion, 'latin1');

		const daemon = await startSendmailDaemon(cf, {helpFile});
		daemons.push(daemon);
		const io = captureIo({NO_COLOR: '1'});
		const code = await runVerify({host: daemon.host, port: daemon.port, answers: article}, io);
		assert.equal(io.stderr, '');
		assert.doesNotMatch(io.stdout, /^✘/m);
		assert.equal(code, 0, io.stdout);
		assert.match(io.stdout, /^✔ banner: .* — server said "220 mail\.test\.example ESMTP mailserver; /m);
		assert.match(io.stdout, /^✔ HELP: .* — server said "214-2\.0\.0 Topics:"$/m);
		assert.match(io.stdout, /^✔ VRFY: .* — server said "252 2\.5\.2 Cannot VRFY user; try RCPT to attempt delivery \(or try finger\)"$/m);
		assert.match(io.stdout, /^✔ EXPN: .* — server said "502 5\.7\.0 Sorry, we do not allow this operation"$/m);
		assert.match(io.stdout, /^✔ SIZE: .* — server said "250-SIZE 500000"$/m);
		assert.match(io.stdout, /^✔ recipient limit: .* — server said "452 4\.5\.3 Too many recipients"$/m);
		// ETRN, DSN, HELP's product name, relaying, the account harvest, AUTH before STARTTLS and the
		// greeting pause: findings the article's answers do not decide.
		assert.match(io.stdout, /^All checks passed: 7 passed, 0 failed, 7 for information only\.$/m);
		// Debian's access map gives 127/8 no greeting pause.
		assert.match(io.stdout, /^• greeting pause: the 220 came at once \(\d\.\d s\) for this host \(127\.0\.0\.1\): no pause before the greeting/m);
		// The daemon listens on 127.0.0.1: a privileged view, and verify says so.
		assert.match(io.stdout, /^Checking the server at 127\.0\.0\.1:\d+ from this host \(127\.0\.0\.1\)$/m);
		assert.match(io.stdout, /^This view is privileged: /m);
	});

	test('answers that leave settings alone report them for information', skip, async () => {
		const daemon = await startSendmailDaemon(debianCf);
		daemons.push(daemon);
		const io = captureIo({NO_COLOR: '1'});
		assert.equal(await runVerify({host: daemon.host, port: daemon.port, answers: {}}, io), 1);
		assert.match(io.stdout, /^• VRFY: not chosen .* — server said "250 2\.1\.5 root <root@mail\.test\.example>"$/m);
		// Nothing expected, so no RCPT sent (it was 1000): the line says so.
		assert.match(io.stdout, /^• recipient limit: .*not checked: no RCPT TO was sent, as no limit is expected/m);
	});
});

test('a closed port is one clear line, exit 1', async () => {
	// Nothing listens there: the port was free a moment ago.
	const port = await freePort();
	const io = captureIo({NO_COLOR: '1'});
	assert.equal(await runVerify({host: '127.0.0.1', port, answers: article}, io), 1);
	assert.equal(io.stdout, '');
	assert.equal(io.stderr, `sendmail-harden: cannot verify: nothing listens on 127.0.0.1:${port}\n`);
});

test('a server that never answers is one clear line, not a hang', async () => {
	const silent = net.createServer(() => {});
	await new Promise<void>(resolve => {
		silent.listen(0, '127.0.0.1', resolve);
	});
	const {port} = silent.address() as net.AddressInfo;
	try {
		const io = captureIo({NO_COLOR: '1'});
		assert.equal(await runVerify({host: '127.0.0.1', port, answers: article, limits: {replyTimeoutMs: 300}}, io), 1);
		assert.equal(io.stderr, `sendmail-harden: cannot verify: the server at 127.0.0.1:${port} did not answer within 0.3 s\n`);
	} finally {
		silent.close();
	}
});
