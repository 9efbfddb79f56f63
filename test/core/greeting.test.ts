import {after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {
	cfValueAsRead,
	expandMacros,
	greetingChoices,
	greetingReply,
	previewGreeting,
	rfc822Date,
	withoutVersion,
	type GreetingContext,
} from '../../source/core/greeting.js';
import {skipUnlessSendmail, smtpTalk, startSendmailDaemon, type SendmailDaemon} from '../helpers/sendmail.js';

// docs/sendmail.md, "The stock options": Debian's SmtpGreetingMessage, verbatim.
const DEBIAN_GREETING = '$j Sendmail $v/$Z; $b; (No UCE/UBE) $?{client_addr}logging access from: ${client_name}(${client_resolve})-$_$.';

const lab: GreetingContext = {
	hostname: 'lab.example.test',
	version: '8.17.1.9',
	cfVersion: '8.17.1.9/Debian-2+deb12u2',
	now: new Date('2026-11-24T22:35:10Z'),
};

describe('expandMacros', () => {
	test('single-letter and long macros, undefined ones expand to nothing', () => {
		assert.equal(expandMacros('$j and ${client_name} and [$q] [${nope}]', {j: 'host', client_name: 'c.example'}), 'host and c.example and [] []');
	});

	test('${x} is the same macro as $x, and $&x the deferred form of $x', () => {
		assert.equal(expandMacros('${j}/$&j/$j', {j: 'h'}), 'h/h/h');
	});

	test('$$ is a literal dollar, and a final lone $ stays', () => {
		assert.equal(expandMacros('cost $$5 $', {}), 'cost $5 $');
	});

	test('conditionals take the yes branch only for a set, non-empty macro', () => {
		const template = '[$?{a}yes$|no$.]';
		assert.equal(expandMacros(template, {a: 'x'}), '[yes]');
		assert.equal(expandMacros(template, {a: ''}), '[no]');
		assert.equal(expandMacros(template, {}), '[no]');
		assert.equal(expandMacros('[$?ayes$.]', {}), '[]');
	});

	test('conditionals nest', () => {
		const template = '$?a A$?b B$|notB$. $|notA$?b B$|notB$.$.';
		assert.equal(expandMacros(template, {a: '1', b: '1'}), ' A B ');
		assert.equal(expandMacros(template, {a: '1'}), ' AnotB ');
		assert.equal(expandMacros(template, {b: '1'}), 'notA B');
		assert.equal(expandMacros(template, {}), 'notAnotB');
	});

	test('$| and $. outside a conditional are dropped', () => {
		assert.equal(expandMacros('a$|b$.c', {}), 'abc');
	});

	test('text without $ is unchanged', () => {
		fc.assert(fc.property(fc.string().filter(text => !text.includes('$')), text => {
			assert.equal(expandMacros(text, {j: 'x'}), text);
		}));
	});

	test('$$ always gives one $, whatever the macros', () => {
		fc.assert(fc.property(fc.array(fc.constantFrom('a', ' ', '$$', 'b')), parts => {
			const template = parts.join('');
			assert.equal(expandMacros(template, {a: 'X', b: 'Y'}), template.replaceAll('$$', '$'));
		}));
	});
});

describe('greetingReply', () => {
	// docs/sendmail.md, "The greeting": ESMTP goes after the first word, always.
	test('inserts ESMTP after the first word', () => {
		assert.equal(greetingReply('mailserver ready'), '220 mailserver ESMTP ready');
		assert.equal(greetingReply('lab.example.test ESMTP hello'), '220 lab.example.test ESMTP ESMTP hello');
		assert.equal(greetingReply('lab.example.test mailserver; Tue, 24 Nov 2026 22:35:26 GMT'), '220 lab.example.test ESMTP mailserver; Tue, 24 Nov 2026 22:35:26 GMT');
	});

	test('a single word gets ESMTP after it', () => {
		assert.equal(greetingReply('host'), '220 host ESMTP');
	});

	test('always starts with "220 " and contains " ESMTP"', () => {
		fc.assert(fc.property(fc.string(), text => {
			const line = greetingReply(text);
			assert.ok(line.startsWith('220 '));
			assert.ok(line.includes(' ESMTP'));
			assert.ok(!line.includes('\n'));
		}));
	});

	test('keeps every character of a one-line greeting, in order', () => {
		fc.assert(fc.property(fc.string().filter(text => !text.includes('\n')), text => {
			assert.equal(greetingReply(text).replace(' ESMTP', ''), `220 ${text}`);
		}));
	});
});

describe('rfc822Date', () => {
	// docs/sendmail.md, "The greeting": "Tue, 24 Nov 2026 22:35:10 GMT" seen on a UTC machine.
	test('at UTC it ends in GMT', () => {
		assert.equal(rfc822Date(new Date('2026-11-24T22:35:10Z')), 'Tue, 24 Nov 2026 22:35:10 GMT');
	});

	test('the day of the month is not padded (arpadate.c)', () => {
		assert.equal(rfc822Date(new Date('2026-12-01T03:04:05Z')), 'Tue, 1 Dec 2026 03:04:05 GMT');
	});

	test('elsewhere it gives the local time and the offset', () => {
		assert.equal(rfc822Date(new Date('2026-12-01T23:30:00Z'), 60, 'CET'), 'Wed, 2 Dec 2026 00:30:00 +0100 (CET)');
		assert.equal(rfc822Date(new Date('2026-12-01T03:00:00Z'), -330), 'Mon, 30 Nov 2026 21:30:00 -0530');
	});
});

describe('previewGreeting', () => {
	// docs/sendmail.md, "The greeting".
	test('Debian\'s stock greeting', () => {
		const preview = previewGreeting('$j Sendmail $v/$Z; $b', lab);
		assert.equal(preview.line, '220 lab.example.test ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; Tue, 24 Nov 2026 22:35:10 GMT');
		assert.equal(preview.warnings.length, 2);
		assert.match(preview.warnings.join('\n'), /version/);
		assert.match(preview.warnings.join('\n'), /Sendmail/);
	});

	test('Debian\'s full greeting shows the sample client in its conditional', () => {
		const preview = previewGreeting(DEBIAN_GREETING, lab);
		assert.equal(preview.line, '220 lab.example.test ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; Tue, 24 Nov 2026 22:35:10 GMT; (No UCE/UBE) logging access from: client.example.net(OK)-client.example.net [192.0.2.10]');
		const local = previewGreeting(DEBIAN_GREETING, {...lab, client: false});
		assert.ok(local.line.endsWith('(No UCE/UBE) '));
	});

	test('the generic greeting has no warnings', () => {
		const preview = previewGreeting('$j mailserver; $b', {...lab, now: new Date('2026-11-24T22:35:26Z')});
		assert.equal(preview.line, '220 lab.example.test ESMTP mailserver; Tue, 24 Nov 2026 22:35:26 GMT');
		assert.deepEqual(preview.warnings, []);
	});

	test('warns when $j is not first', () => {
		const preview = previewGreeting('mailserver ready', lab);
		assert.equal(preview.line, '220 mailserver ESMTP ready');
		assert.equal(preview.warnings.length, 1);
		assert.match(preview.warnings[0]!, /\$j/);
	});

	test('warns about a version number written out, and about ${v}', () => {
		assert.match(previewGreeting('$j mail 8.17.1.9 ready', lab).warnings.join(), /8\.17\.1\.9/);
		assert.match(previewGreeting('$j mail ${v} ready', lab).warnings.join(), /version/);
		assert.deepEqual(previewGreeting('$j mail; $b', lab).warnings, []);
	});

	test('an unknown version is shown as such, never invented', () => {
		const preview = previewGreeting('$j $v', {hostname: 'h.example', now: lab.now});
		assert.equal(preview.line, '220 h.example ESMTP <version>');
	});

	test('$w and $m split the host name', () => {
		assert.equal(previewGreeting('$j $w $m', lab).line, '220 lab.example.test ESMTP lab example.test');
	});

	test('a # starts a comment in sendmail.cf, so the rest is dropped, with a warning', () => {
		assert.equal(cfValueAsRead('$j mail # not shown'), '$j mail');
		assert.equal(cfValueAsRead('$j mail \\#1'), '$j mail #1');
		const preview = previewGreeting('$j mail # no', lab);
		assert.equal(preview.line, '220 lab.example.test ESMTP mail');
		assert.match(preview.warnings.join(), /comment/);
	});

	// The live tests below check these against sendmail's own banner.
	test('$$ becomes $ when sendmail reads the value, so the greeting sees a macro again', () => {
		assert.equal(cfValueAsRead('a$$b'), 'a$b');
		assert.equal(cfValueAsRead('a$$$$b'), 'a$$b');
		assert.equal(cfValueAsRead('a$$$jb'), 'a$$jb');
		assert.equal(cfValueAsRead('$# not a comment'), '$# not a comment');
		assert.equal(previewGreeting('$j a$$$$b', lab).line, '220 lab.example.test ESMTP a$b');
		assert.equal(previewGreeting('$j a$$b', lab).line, '220 lab.example.test ESMTP aTue, 24 Nov 2026 22:35:10 GMT');
		assert.match(previewGreeting('$j a$$b', lab).warnings.join(), /\$\$\$\$/);
	});

	test('warns about an unclosed conditional', () => {
		assert.match(previewGreeting('$j $?{client_addr}hi', lab).warnings.join(), /\$\./);
	});
});

describe('greetingChoices', () => {
	test('hiding the version removes $v/$Z cleanly', () => {
		assert.equal(withoutVersion('$j Sendmail $v/$Z; $b'), '$j Sendmail; $b');
		assert.equal(withoutVersion('$j Sendmail ${v}; $b'), '$j Sendmail; $b');
		assert.equal(withoutVersion('$j Sendmail $Z ready'), '$j Sendmail ready');
		assert.equal(withoutVersion('$v $j'), '$j');
		assert.equal(withoutVersion('$j Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; $b'), '$j Sendmail; $b');
		assert.equal(withoutVersion('$j mailserver; $b'), '$j mailserver; $b');
	});

	test('on Debian\'s real greeting line', () => {
		const cf = readFileSync('/etc/mail/sendmail.cf', 'latin1');
		const current = /^O SmtpGreetingMessage=(.*)$/m.exec(cf)?.[1] ?? DEBIAN_GREETING;
		const choices = greetingChoices(current);
		assert.deepEqual(choices.map(choice => choice.id), ['keep', 'hide-version', 'generic']);
		assert.equal(choices[0]!.template, current);
		assert.equal(choices[1]!.template, current.replace(' $v/$Z', ''));
		assert.equal(choices[2]!.template, '$j mailserver; $b');
		const hidden = previewGreeting(choices[1]!.template, lab);
		assert.ok(!hidden.line.includes('8.17'));
		assert.ok(!hidden.warnings.some(warning => warning.includes('version')));
		assert.deepEqual(previewGreeting(choices[2]!.template, lab).warnings, []);
	});

	test('hiding the version never leaves a version macro behind', () => {
		fc.assert(fc.property(fc.array(fc.constantFrom('$j', ' ', 'Sendmail', '$v', '/', '$Z', '${v}', ';', '$b', '(', ')')), parts => {
			const hidden = withoutVersion(parts.join(''));
			assert.doesNotMatch(hidden, /\$(?:v|Z|\{v\}|\{Z\})/);
		}));
	});
});

describe('previewGreeting against a live sendmail', () => {
	const skip = skipUnlessSendmail();
	const daemons: SendmailDaemon[] = [];
	after(async () => {
		await Promise.all(daemons.map(async daemon => daemon.stop()));
	});

	const cf = readFileSync('/etc/mail/sendmail.cf', 'latin1');
	const cfVersion = /^DZ(.*)$/m.exec(cf)?.[1];
	// the date is the only part that depends on when the test runs
	const dateless = (line: string) => line.replace(/\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d (?:GMT|[+-]\d{4}(?: \([^)]*\))?)/, '<date>');

	for (const template of [
		'$j mailserver; $b',
		'mailserver ready',
		'$j ESMTP hello',
		'$j Sendmail $v/$Z; $b',
		'$j x$$y [$?{client_addr}c$|none$.] [$?{no_such_macro}yes$|no$.] [$?j$?{no_such_macro}A$|B$.$|C$.] ${no_such_macro}end',
		'$j hash \\# here # dropped',
		'$j a$$b',
		'$j a$$$$b c$$',
		'$j 5$$ x$ y',
		'$j a$$$jb',
	]) {
		test(`matches the real banner for "${template}"`, skip, async () => {
			const daemon = await startSendmailDaemon(cf.replace(/^O SmtpGreetingMessage=.*$/m, `O SmtpGreetingMessage=${template}`));
			daemons.push(daemon);
			const [banner] = await smtpTalk(daemon.port, ['QUIT']);
			const preview = previewGreeting(template, {
				hostname: 'mail.test.example',
				version: '8.17.1.9',
				cfVersion,
				now: new Date(),
				client: {addr: '127.0.0.1'},
			});
			assert.equal(dateless(banner!), dateless(preview.line));
		});
	}
});
