// The Greeting and Privacy steps ask sendmail itself (issue 10): in the background, once per
// greeting or flag set, never holding up a key. Here sendmail is a stand-in that counts its
// sessions; test/system/ask-sendmail.test.ts asks the real one.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {WizardEffects} from '../source/app.js';
import {FLAG_PROBE} from '../source/core/flag-probe.js';
import type {SmtpReply} from '../source/core/verify-checks.js';
import {KEY, openWizard, tempConfig, enterUntil} from './app-helpers.js';
import {stepHeading} from './helpers/steps.js';

const reply = (line: string): SmtpReply => ({code: Number(line.slice(0, 3)), lines: [line]});

/** A stand-in sendmail that reads the PrivacyOptions it was given and answers VRFY as 8.17 does. */
function standIn(sessions: string[], options: {hold?: boolean} = {}): NonNullable<WizardEffects['askSendmail']> {
	return async (files, commands) => {
		const privacy = /^O PrivacyOptions=(.*)$/m.exec(files.cfText)?.[1] ?? '';
		const greeting = /^O SmtpGreetingMessage=(.*)$/m.exec(files.cfText)?.[1] ?? '';
		sessions.push(commands.length === 0 ? `greeting:${greeting}` : `flags:${privacy}`);
		if (options.hold) {
			return new Promise(() => {});
		}

		const vague = /novrfy|goaway/.test(privacy);
		const replies = commands.map((command, index) => {
			if (command === 'VRFY root' && FLAG_PROBE[index]?.state === 'after EHLO') {
				return reply(vague ? '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)' : '250 2.1.5 root <root@mail.test.example>');
			}

			return reply('250 2.0.0 ok');
		});
		const banner = `220 mail.test.example ESMTP ${greeting.replace(/^\$j /, '').replace('$b', 'Wed, 2 Dec 2026 08:00:00 GMT')}`;
		return {ok: true, value: {status: 'ran', greeting: reply(banner), replies}};
	};
}

async function toPrivacy(app: Awaited<ReturnType<typeof openWizard>>) {
	return enterUntil(app, 'Privacy');
}

test('Privacy: the highlighted flag shows what sendmail answers with the flags ticked now, asked once per set', async t => {
	const {cfPath} = tempConfig(t);
	const sessions: string[] = [];
	const app = await openWizard(t, cfPath, {effects: {askSendmail: standIn(sessions)}});
	await toPrivacy(app);
	await app.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down); // novrfy, not ticked
	assert.match(await app.waitFor('without novrfy as ticked now'), /VRFY root: 250 2\.1\.5 root <root@mail\.test\.example>/);
	await app.press(KEY.space); // novrfy on: a new set, a new question
	const on = await app.waitFor('with novrfy as ticked now');
	assert.match(on.replaceAll('\n', ' '), /VRFY root: 252 2\.5\.2 Cannot VRFY user/);
	await app.press(KEY.space); // back to the first set: answered from the cache
	await app.waitFor('without novrfy as ticked now');
	assert.equal(sessions.filter(session => session.startsWith('flags:')).length, 2, sessions.join('\n'));
});

test('Privacy: keys are never held up while sendmail is asked', async t => {
	const {cfPath} = tempConfig(t);
	const sessions: string[] = [];
	const app = await openWizard(t, cfPath, {effects: {askSendmail: standIn(sessions, {hold: true})}});
	await toPrivacy(app);
	await app.waitFor('Asking sendmail what it answers');
	await app.press(KEY.down, KEY.space);
	await enterUntil(app, 'Review');
});

test('Privacy: a sendmail that cannot be asked says why, in one line, and the explanation stays', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath, {effects: {askSendmail: async () => ({ok: true, value: {status: 'skipped', reason: 'sendmail is not installed here'}})}});
	await toPrivacy(app);
	const frame = await app.waitFor('sendmail was not asked: sendmail is not installed here');
	assert.match(frame, /public: Turns nothing on/);
});

test('Greeting: sendmail\'s own 220 line replaces the preview once it has answered for that text', async t => {
	const {cfPath} = tempConfig(t);
	const sessions: string[] = [];
	const app = await openWizard(t, cfPath, {effects: {askSendmail: standIn(sessions)}});
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Greeting'));
	await app.press(KEY.down, KEY.down); // mailserver
	const frame = await app.waitFor('(sendmail itself answers)');
	assert.match(frame, /220 mail\.test\.example ESMTP mailserver; Wed, 2 Dec 2026 08:00:00 GMT/);
	assert.ok(sessions.includes('greeting:$j mailserver; $b'), sessions.join('\n'));
});

test('Greeting: "Also hide the version from Received: headers" gives hideReceivedVersion, and Review shows the H line', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Greeting'));
	await app.press(KEY.up, KEY.space); // the last row: Received
	assert.match(app.frame(), /› \[x\] Also hide the version from Received: headers/);
	await enterUntil(app, 'Review');
	// docs/sendmail.md, "The Received header": Debian's HReceived line says "by $j ($v/$Z)"; only that part goes.
	const review = await app.waitFor('by $j$?r with');
	assert.match(review, /- +\$\.by \$j \(\$v\/\$Z\)\$\?r with \$r\$\. id \$i/);
	assert.match(review, /\+ +\$\.by \$j\$\?r with \$r\$\. id \$i/);
});

test('Welcome says when the host name is not fully qualified, with the fix', async t => {
	const {cfPath} = tempConfig(t);
	const warning = 'The host name "vm" is not fully qualified: sendmail sleeps 60 s at every start. Fix: add "127.0.1.1 vm.example.org vm" to /etc/hosts.';
	const app = await openWizard(t, cfPath, {effects: {hostNameWarning: () => warning}});
	const frame = (await app.waitFor('not fully qualified')).replaceAll('\n', ' ');
	assert.match(frame, /! The host name "vm" is not fully qualified: sendmail sleeps 60 s at every start\. Fix: add/);
});

test('Welcome judges what clients see by sendmail\'s replies to the current config, once it has answered', async t => {
	const {cfPath} = tempConfig(t);
	const checks = [
		{name: 'banner', status: 'pass' as const, expected: 'no version number', reply: '220 mail.test.example ESMTP hello'},
		{name: 'HELP', status: 'fail' as const, expected: 'no version number in HELP', reply: '214-2.0.0 This is sendmail version 8.17.1.9'},
	];
	const app = await openWizard(t, cfPath, {effects: {rehearse: async () => ({ok: true, value: {status: 'ran', checks, exchange: [], agrees: false}})}});
	const frame = await app.waitFor('(asked of sendmail)');
	// The file's greeting has $v/$Z, but the stand-in sendmail's banner shows no version: its reply decides.
	assert.match(frame, /✓ SmtpGreetingMessage/);
	assert.match(frame, /✗ HELP/);
});

test('Welcome says the verdicts are read from the file while sendmail is not asked', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	const frame = await app.waitFor('Current settings');
	assert.match(frame, /\(read from the file\)/);
	assert.match(frame, /✗ SmtpGreetingMessage/);
});
