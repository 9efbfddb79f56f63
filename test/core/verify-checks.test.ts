import test from 'node:test';
import assert from 'node:assert/strict';
import type {Answers} from '../../source/core/answers.js';
import {
	findVersion,
	HARVEST_NAMES,
	harvestCounts,
	readDaemonAddress,
	recipientProbeCount,
	verifyChecks,
	viewDifferences,
	type Check,
	type SmtpReply,
	type VerifyTranscript,
} from '../../source/core/verify-checks.js';
import {articleAnswers} from '../helpers/article.js';

const reply = (...lines: string[]): SmtpReply => ({code: Number(lines[0]!.slice(0, 3)), lines});
const times = (count: number, value: SmtpReply) => Array.from({length: count}, () => value);

const article = articleAnswers;

const accepted = reply('250 2.1.5 <root@localhost>... Recipient ok');
const tooMany = reply('452 4.5.3 Too many recipients');

// What Debian's default sendmail.cf says (docs/sendmail.md, "The stock options" and "The greeting").
const debianDefault: VerifyTranscript = {
	banner: reply('220 lab.example.test ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; Tue, 24 Nov 2026 22:35:10 GMT; (No UCE/UBE) logging access from: localhost(OK)-localhost [127.0.0.1]'),
	help: reply('214-2.0.0 This is sendmail version 8.17.1.9', '214-2.0.0 Topics:', '214 2.0.0 End of HELP info'),
	mailBeforeHelo: reply('503 5.0.0 Polite people say HELO first'),
	ehlo: reply('250-lab.example.test Hello localhost [127.0.0.1], pleased to meet you', '250-ENHANCEDSTATUSCODES', '250-EXPN', '250-SIZE', '250 HELP'),
	vrfy: reply('250 2.1.5 root <root@lab.example.test>'),
	expn: reply('250 2.1.5 root <root@lab.example.test>'),
	mailFrom: reply('250 2.1.0 <>... Sender ok'),
	recipients: times(11, accepted),
	recipientsPlanned: 11,
};

// The same server with the article's answers applied and HELP's $v line removed.
const hardened: VerifyTranscript = {
	banner: reply('220 lab.example.test ESMTP mailserver; Tue, 24 Nov 2026 22:35:26 GMT'),
	help: reply('214-2.0.0 Topics:', '214-2.0.0 \tHELO\tEHLO\tMAIL\tRCPT\tDATA', '214 2.0.0 End of HELP info'),
	mailBeforeHelo: reply('503 5.0.0 Polite people say HELO first'),
	ehlo: reply('250-lab.example.test Hello localhost [127.0.0.1], pleased to meet you', '250-SIZE 500000', '250-DSN', '250 HELP'),
	vrfy: reply('252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)'),
	expn: reply('502 5.7.0 Sorry, we do not allow this operation'),
	mailFrom: reply('250 2.1.0 <>... Sender ok'),
	recipients: [...times(10, accepted), tooMany],
	recipientsPlanned: 11,
};

const byName = (checks: Check[]) => Object.fromEntries(checks.map(check => [check.name, check]));
const statuses = (checks: Check[]) => Object.fromEntries(checks.map(check => [check.name, check.status]));

test('Debian\'s default server fails every check the article\'s answers set, except MAIL before HELO', () => {
	const checks = byName(verifyChecks(article, debianDefault));
	assert.deepEqual(statuses(Object.values(checks)), {
		banner: 'fail',
		HELP: 'fail',
		'MAIL before HELO': 'pass',
		VRFY: 'fail',
		EXPN: 'fail',
		SIZE: 'fail',
		'recipient limit': 'fail',
	});
	assert.match(checks['banner']!.expected, /8\.17\.1\.9\/8\.17\.1\.9\/Debian-2\+deb12u2/);
	assert.equal(checks['HELP']!.reply, '214-2.0.0 This is sendmail version 8.17.1.9');
	assert.equal(checks['SIZE']!.reply, '250-SIZE');
	assert.equal(checks['VRFY']!.reply, '250 2.1.5 root <root@lab.example.test>');
});

test('the hardened server passes every check', () => {
	const checks = verifyChecks(article, hardened);
	assert.deepEqual(checks.filter(check => check.status !== 'pass'), []);
	assert.equal(byName(checks)['recipient limit']!.reply, '452 4.5.3 Too many recipients');
	assert.equal(byName(checks)['SIZE']!.reply, '250-SIZE 500000');
});

test('HELP without a HelpFile leaks the version too', () => {
	// docs/sendmail.md, "The helpfile": with no HelpFile, HELP answers this.
	const help = reply('502 5.3.0 Sendmail 8.17.1.9 -- HELP not implemented');
	const check = byName(verifyChecks(article, {...hardened, help}))['HELP']!;
	assert.equal(check.status, 'fail');
	assert.equal(check.reply, '502 5.3.0 Sendmail 8.17.1.9 -- HELP not implemented');
});

test('the version checks apply even when the answers leave everything alone', () => {
	const checks = verifyChecks({}, debianDefault);
	assert.deepEqual(statuses(checks), {
		banner: 'fail',
		HELP: 'fail',
		'MAIL before HELO': 'info',
		VRFY: 'info',
		EXPN: 'info',
		SIZE: 'info',
		'recipient limit': 'info',
	});
	assert.equal(byName(checks)['VRFY']!.reply, '250 2.1.5 root <root@lab.example.test>');
});

test('the banner may say Sendmail only when the chosen greeting does', () => {
	const banner = reply('220 lab.example.test ESMTP Sendmail; Tue, 24 Nov 2026 22:35:26 GMT');
	assert.equal(byName(verifyChecks(article, {...hardened, banner}))['banner']!.status, 'fail');
	assert.equal(byName(verifyChecks({...article, greeting: '$j Sendmail; $b'}, {...hardened, banner}))['banner']!.status, 'pass');
	// A host name is not the word.
	const named = reply('220 sendmail.example.org ESMTP mailserver; Tue, 24 Nov 2026 22:35:26 GMT');
	assert.equal(byName(verifyChecks(article, {...hardened, banner: named}))['banner']!.status, 'pass');
});

test('findVersion finds version numbers but not dates, times, status codes or address literals', () => {
	assert.equal(findVersion('lab.example.test ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; Tue'), '8.17.1.9/8.17.1.9/Debian-2+deb12u2');
	assert.equal(findVersion('This is sendmail version 8.17.1.9'), '8.17.1.9');
	assert.equal(findVersion('mailserver 8.15.2;'), '8.15.2');
	assert.equal(findVersion('lab.example.test ESMTP mailserver; Tue, 24 Nov 2026 22:35:26 GMT'), undefined);
	assert.equal(findVersion('from: localhost(OK)-localhost [127.0.0.1]'), undefined);
	assert.equal(findVersion('from [IPv6:::1]'), undefined);
});

test('privacy options chosen without the flag expect the command to be answered', () => {
	const answers: Answers = {privacyOptions: ['restrictqrun']};
	const checks = byName(verifyChecks(answers, {...debianDefault, mailBeforeHelo: reply('250 2.1.0 <>... Sender ok')}));
	assert.equal(checks['MAIL before HELO']!.status, 'pass');
	assert.equal(checks['VRFY']!.status, 'pass');
	assert.equal(checks['EXPN']!.status, 'pass');
	// ... and a refusal then fails.
	assert.equal(byName(verifyChecks(answers, hardened))['VRFY']!.status, 'fail');
	// The single flags work like goaway for their own command.
	assert.deepEqual(
		statuses(verifyChecks({privacyOptions: ['needmailhelo', 'novrfy', 'noexpn']}, hardened)).VRFY,
		'pass',
	);
});

test('SIZE: 0 means a bare SIZE line; a missing EHLO fails a chosen size', () => {
	assert.equal(byName(verifyChecks({maxMessageSize: 0}, debianDefault))['SIZE']!.status, 'pass');
	assert.equal(byName(verifyChecks({maxMessageSize: 0}, hardened))['SIZE']!.status, 'fail');
	assert.equal(byName(verifyChecks({maxMessageSize: 500_000}, {...hardened, ehlo: undefined}))['SIZE']!.status, 'fail');
	assert.equal(byName(verifyChecks({maxMessageSize: 400_000}, hardened))['SIZE']!.status, 'fail');
});

test('recipient limit: a lower limit, a refused recipient and other 452s are told apart', () => {
	const lower = byName(verifyChecks(article, {...hardened, recipients: [...times(5, accepted), tooMany]}))['recipient limit']!;
	assert.equal(lower.status, 'fail');
	assert.match(lower.expected, /refused recipient 6/);

	const refused = byName(verifyChecks(article, {...hardened, recipients: [reply('550 5.1.1 <root@localhost>... User unknown')]}))['recipient limit']!;
	assert.equal(refused.status, 'fail');
	assert.match(refused.expected, /could not check/);
	assert.equal(refused.reply, '550 5.1.1 <root@localhost>... User unknown');

	const disk = byName(verifyChecks(article, {...hardened, recipients: [...times(10, accepted), reply('452 4.3.1 Insufficient system storage')]}))['recipient limit']!;
	assert.equal(disk.status, 'fail');
	assert.match(disk.expected, /could not check/);

	const noSender = byName(verifyChecks(article, {...hardened, mailFrom: reply('553 5.1.8 <>... Domain of sender address does not exist'), recipients: []}))['recipient limit']!;
	assert.match(noSender.expected, /refused MAIL FROM/);

	// Left alone and probed anyway: info, saying what the server's limit is.
	const info = byName(verifyChecks({}, hardened))['recipient limit']!;
	assert.equal(info.status, 'info');
	assert.match(info.expected, /limit is 10/);
	// Left alone and not probed (the default): info that says why nothing was sent.
	const none = byName(verifyChecks({}, {...hardened, recipients: [], recipientsPlanned: 0}))['recipient limit']!;
	assert.equal(none.status, 'info');
	assert.match(none.expected, /not checked: no RCPT TO was sent, as no limit is expected/);
});

test('recipient limit: no limit passes when all sent are accepted; a limit past the cap is info', () => {
	assert.equal(byName(verifyChecks({maxRecipientsPerMessage: 0}, {...debianDefault, recipients: times(1000, accepted), recipientsPlanned: 1000}))['recipient limit']!.status, 'pass');
	assert.equal(byName(verifyChecks({maxRecipientsPerMessage: 0}, hardened))['recipient limit']!.status, 'fail');
	const big = byName(verifyChecks({maxRecipientsPerMessage: 5000}, {...debianDefault, recipients: times(1000, accepted), recipientsPlanned: 1000}))['recipient limit']!;
	assert.equal(big.status, 'info');
	assert.match(big.expected, /cannot be seen/);
});

test('recipientProbeCount sends one past the limit, capped', () => {
	assert.equal(recipientProbeCount({maxRecipientsPerMessage: 10}), 11);
	assert.equal(recipientProbeCount({maxRecipientsPerMessage: 0}), 1000);
	// No limit chosen, none expected: nothing to prove, so no RCPT at all (issue 21).
	assert.equal(recipientProbeCount({}), 0);
	assert.equal(recipientProbeCount({maxRecipientsPerMessage: 5000}), 1000);
});

test('readDaemonAddress reads the first MTA DaemonPortOptions line', () => {
	// Debian's sendmail.cf (docs/sendmail.md, "The stock options"): MTA-v4 on port smtp, MSP-v4 on submission.
	const debian = [
		'O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1',
		'O DaemonPortOptions=Family=inet,  Name=MSP-v4, Port=submission, M=Ea, Addr=127.0.0.1',
	].join('\n');
	assert.deepEqual(readDaemonAddress(debian), {host: '127.0.0.1', port: 25});
	assert.deepEqual(readDaemonAddress('O DaemonPortOptions=Name=MSA, Port=587, M=E\nO DaemonPortOptions=Name=MTA-test,Port=2525,Addr=0.0.0.0\n'), {host: '127.0.0.1', port: 2525});
	assert.deepEqual(readDaemonAddress('#O DaemonPortOptions=Port=2525\n'), {host: '127.0.0.1', port: 25});
	assert.deepEqual(readDaemonAddress('O DaemonPortOptions=Port=esmtp, Addr=10.0.0.5\r\n'), {host: '10.0.0.5', port: 25});
	assert.deepEqual(readDaemonAddress('O DaemonPortOptions=Family=inet6, Name=MTA-v6, Port=smtp, Addr=::\n'), {host: '::1', port: 25});
});

test('a 252 that gives the address (VRFY of a relayed user) is not novrfy\'s refusal', () => {
	// clientproto.mc, as the installed sendmail answers: VRFY root -> "252 2.1.5 <root@mailhost.localdomain>".
	const checks = verifyChecks({privacyOptions: ['novrfy']}, {
		banner: {code: 220, lines: ['220 mail ESMTP']},
		vrfy: {code: 252, lines: ['252 2.1.5 <root@mailhost.localdomain>']},
		recipients: [],
		recipientsPlanned: 1,
	});
	assert.equal(checks.find(check => check.name === 'VRFY')?.status, 'fail');
	const refused = verifyChecks({privacyOptions: ['novrfy']}, {
		banner: {code: 220, lines: ['220 mail ESMTP']},
		vrfy: {code: 252, lines: ['252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)']},
		recipients: [],
		recipientsPlanned: 1,
	});
	assert.equal(refused.find(check => check.name === 'VRFY')?.status, 'pass');
});

// The outsider's checks: what the answers choose decides pass/fail, the rest is reported.
const outsiderTranscript = (overrides: Partial<VerifyTranscript>): VerifyTranscript => ({
	...hardened,
	vantage: {kind: 'outside', address: '198.51.100.9'},
	etrn: reply('250 2.0.0 Queuing for node probe.invalid started'),
	dsnMail: reply('250 2.1.0 <>... Sender ok'),
	relay: reply('550 5.7.1 <relay-probe@example.org>... Relaying denied'),
	harvest: {domain: 'mail.test.example', replies: HARVEST_NAMES.map(name => (['root', 'mail', 'daemon'].includes(name) ? reply(`250 2.1.5 <${name}@mail.test.example>... Recipient ok`) : reply(`550 5.1.1 <${name}@mail.test.example>... User unknown`)))},
	...overrides,
});

test('ETRN and DSN: pass/fail when noetrn and noreceipts are chosen, information otherwise', () => {
	const flags = {privacyOptions: ['goaway', 'noetrn', 'noreceipts']} as Answers;
	const open = byName(verifyChecks(flags, outsiderTranscript({})));
	assert.equal(open['ETRN']!.status, 'fail');
	assert.equal(open['DSN']!.status, 'fail');
	const closed = byName(verifyChecks(flags, outsiderTranscript({
		ehlo: reply('250-lab.example.test Hello', '250-SIZE 500000', '250 HELP'),
		etrn: reply('502 5.7.0 Sorry, we do not allow this operation'),
		dsnMail: reply('504 5.7.0 Sorry, RET not supported, we do not allow DSN'),
	})));
	assert.equal(closed['ETRN']!.status, 'pass');
	assert.equal(closed['DSN']!.status, 'pass');
	// DSN still offered in EHLO fails even when RET= is refused.
	const offered = byName(verifyChecks(flags, outsiderTranscript({
		ehlo: reply('250-lab.example.test Hello', '250-DSN', '250 HELP'),
		dsnMail: reply('504 5.7.0 Sorry, RET not supported, we do not allow DSN'),
	})));
	assert.equal(offered['DSN']!.status, 'fail');
	const article = byName(verifyChecks(articleAnswers, outsiderTranscript({})));
	assert.equal(article['ETRN']!.status, 'info');
	assert.match(article['ETRN']!.expected, /noetrn not chosen; ETRN answered: anyone may start a queue run/);
	assert.equal(article['DSN']!.status, 'info');
});

test('HELP naming sendmail fails only when the answers hide the product', () => {
	const help = reply('214-2.0.0 Topics:', '214-2.0.0 \thttp://www.sendmail.org/email-addresses.html', '214 2.0.0 End of HELP info');
	assert.equal(byName(verifyChecks({}, outsiderTranscript({help})))['HELP product']!.status, 'info');
	const hide = {hideHelpProduct: true} as Answers;
	assert.equal(byName(verifyChecks(hide, outsiderTranscript({help})))['HELP product']!.status, 'fail');
	assert.equal(byName(verifyChecks(hide, outsiderTranscript({help: reply('214-2.0.0 Topics:', '214 2.0.0 End of HELP info')})))['HELP product']!.status, 'pass');
});

test('relaying and the account harvest are findings that say where the client stood', () => {
	const checks = byName(verifyChecks({}, outsiderTranscript({})));
	assert.deepEqual(checks['relaying'], {name: 'relaying', status: 'info', expected: 'relaying to an outside domain from outside (198.51.100.9): denied (550 5.7.1)', reply: '550 5.7.1 <relay-probe@example.org>... Relaying denied'});
	assert.match(checks['account harvest']!.expected, /^3 of 30 common account names confirmed by RCPT TO from outside \(198\.51\.100\.9\) \(root, mail, daemon\); of nmap's 10 default names: 1\. What limits it: BadRcptShutdown/);
	const open = byName(verifyChecks({}, outsiderTranscript({relay: reply('250 2.1.5 <relay-probe@example.org>... Recipient ok')})));
	assert.match(open['relaying']!.expected, /ALLOWED, anyone can send mail through this server/);
	const here = byName(verifyChecks({}, outsiderTranscript({vantage: {kind: 'this host', address: '127.0.0.1'}, relay: reply('250 2.1.5 <relay-probe@example.org>... Recipient ok')})));
	assert.match(here['relaying']!.expected, /from this host \(127\.0\.0\.1\): allowed, as expected from this host/);
	assert.deepEqual(viewDifferences(Object.values(checks), Object.values(here)), ['relaying: from outside: denied (550 5.7.1 <relay-probe@example.org>... Relaying denied); from this host: allowed (250 2.1.5 <relay-probe@example.org>... Recipient ok)']);
});

test('a harvest cut short by BadRcptShutdown or slowed by BadRcptThrottle says so', () => {
	const unknown = (name: string) => reply(`550 5.1.1 <${name}@x>... User unknown`);
	const shut = {domain: 'x', replies: [reply('250 2.1.5 <root@x>... Recipient ok'), ...['admin', 'administrator', 'webadmin', 'sysadmin'].map(unknown), reply('421 4.7.0 mail.test.example Too many bad recipients; closing connection')]};
	assert.deepEqual(harvestCounts(shut), {confirmed: ['root'], tried: 5, nmapConfirmed: 1, nmapTried: 5});
	assert.match(byName(verifyChecks({}, outsiderTranscript({harvest: shut})))['account harvest']!.expected, /^1 of the first 5 of 30 .*of nmap's 10 default names: 1 \(of the first 5\); the server closed the connection after 5 names \(BadRcptShutdown at work\)/);
	const slow = {domain: 'x', replies: shut.replies.slice(0, 5), throttled: true};
	assert.match(byName(verifyChecks({}, outsiderTranscript({harvest: slow})))['account harvest']!.expected, /each reply came a second late \(BadRcptThrottle\)/);
});
