// Recommended answers are registry data: each setting says what it recommends, why and what it
// may break; the steps mark that choice and `explain` prints the reasons.
import assert from 'node:assert/strict';
import test from 'node:test';
import {render} from 'ink-testing-library';
import {formatFlagHelp, formatSettingHelp} from '../../source/commands/explain.js';
import {SETTING, SETTINGS} from '../../source/settings/registry.js';
import {recipientOptions, sizeOptions} from '../../source/steps/choices.js';
import {GreetingStep} from '../../source/steps/GreetingStep.js';
import {renderSized} from '../helpers/sized-terminal.js';

test('every setting recommends something, and says why and what it may break', () => {
	for (const setting of SETTINGS) {
		assert.ok(setting.recommendation.why.length > 20, setting.key);
		assert.ok(setting.recommendation.mayBreak.length > 5, setting.key);
		const help = formatSettingHelp(setting).join(' ');
		assert.match(help, /Recommended: /, setting.key);
		assert.match(help, /May break: /, setting.key);
	}

	// The article's flags and the two goaway does not cover.
	assert.deepEqual(SETTING.privacyOptions.recommended, ['needmailhelo', 'noexpn', 'novrfy', 'restrictmailq', 'restrictqrun', 'noetrn', 'noreceipts']);
});

test('explain says why noetrn and noreceipts are recommended and what they may break; goaway names what it covers', () => {
	const etrn = formatFlagHelp('noetrn').join(' ');
	assert.match(etrn, /Recommended: audit asks for it\. ETRN lets any client start a queue run/);
	assert.match(etrn, /May break: A partner that collects its queued mail with ETRN/);
	const receipts = formatFlagHelp('noreceipts').join(' ');
	assert.match(receipts, /May break: Users who want delivery receipts/);
	assert.match(formatFlagHelp('goaway').join(' '), /Recommended: it sets needmailhelo, noexpn, novrfy, which audit asks for\./);
	assert.doesNotMatch(formatFlagHelp('noverb').join(' '), /Recommended/);
});

test('Size and Recipients mark the registry\'s recommended value, and only it', () => {
	assert.deepEqual(sizeOptions(0).filter(option => option.recommended).map(option => option.value), [SETTING.maxMessageSize.recommended]);
	assert.deepEqual(recipientOptions(0).filter(option => option.recommended).map(option => option.value), [SETTING.maxRecipientsPerMessage.recommended]);
});

test('Greeting marks the generic greeting and each switch as recommended', async () => {
	const app = render(<GreetingStep current="$j Sendmail $v/$Z; $b" answers={{}} preview={{hostname: 'mail.example.org', now: new Date(0)}} help={{kind: 'leaks', line: 'This is sendmail version 8.17.1.9'}} receivedLeak="($v/$Z)" onNext={() => undefined} />);
	let frame = '';
	for (let tries = 0; tries < 200 && !frame.includes('Received'); tries++) {
		frame = app.lastFrame() ?? '';
		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}

	assert.match(frame, /\( \) Generic: host name and "mailserver" +\(recommended\)/);
	assert.doesNotMatch(frame, /Hide the version +\(recommended\)/);
	assert.match(frame, /\[ \] Also hide the version from HELP \(recommended\)/);
	assert.match(frame, /\[ \] Also remove sendmail's name and site from HELP \(recommended\)/);
	assert.match(frame, /\[ \] Also hide the version from Received: headers \(recommended\)/);
	// Each box says what it hides: under the HELP boxes, "it" would read as HELP.
	assert.doesNotMatch(frame, /hide it from/);
	app.unmount();
});

test('at 60 columns each Greeting checkbox wraps under itself and keeps its whole "(recommended)" mark, within the screen', async t => {
	const app = renderSized(t, <GreetingStep current="$j Sendmail $v/$Z; $b" answers={{}} preview={{hostname: 'mail.example.org', now: new Date(0)}} help={{kind: 'leaks', line: 'This is sendmail version 8.17.1.9'}} receivedLeak="($v/$Z)" onNext={() => undefined} />, 60, 20);
	const frame = await app.waitFor('Received');
	assert.ok(frame.split('\n').length <= 19, frame);
	assert.ok(frame.split('\n').every(line => line.length <= 60), frame);
	assert.doesNotMatch(frame, /\(recom[a-z]*…/);
	// The generic greeting and the three boxes.
	assert.equal((frame.match(/\(recommended\)/g) ?? []).length, 4, frame);
	assert.match(frame, /\[ \] Also remove sendmail's name and site from HELP\n {6}\(recommended\)/);
});

test('at 60x20 the Greeting choices all stay on screen, the 220 preview giving up rows first', async t => {
	const current = '$j Sendmail $v/$Z; $b (No UCE/UBE) $?{client_addr}logging access from: ${client_name}(${client_resolve})-$_$.';
	const app = renderSized(t, <GreetingStep current={current} answers={{}} preview={{hostname: 'mail.example.org', now: new Date(0)}} help={{kind: 'leaks', line: 'This is sendmail version 8.17.1.9'}} receivedLeak="($v/$Z)" onNext={() => undefined} />, 60, 20);
	const frame = await app.waitFor('Received');
	assert.ok(frame.split('\n').length <= 19, frame);
	assert.doesNotMatch(frame, /\(\d+-\d+ of 4\)/, frame);
	assert.match(frame, /\( \) Generic: host name and "mailserver" \(recommended\)/, frame);
	assert.match(frame, /Custom text/, frame);
});

test('at 60 columns Size keeps its whole "(recommended)" mark and cuts the detail beside it instead', async t => {
	const {SizeStep} = await import('../../source/steps/SizeStep.js');
	const app = renderSized(t, <SizeStep current={0} answers={{}} onNext={() => undefined} />, 60, 20);
	const frame = await app.waitFor('Largest message');
	assert.match(frame, /25 MB +attachments up to .*\(recommended\)$/m, frame);
	assert.doesNotMatch(frame, /\(r[a-z]*…/, frame);
});
