// The step a whole-number setting gets from its registry entry alone, driven by keys.
import assert from 'node:assert/strict';
import test from 'node:test';
import {render} from 'ink-testing-library';
import type {Answers} from '../../source/core/answers.js';
import {SETTING} from '../../source/settings/registry.js';
import {CountStep} from '../../source/steps/CountStep.js';

const KEY = {enter: '\r', down: '\u001B[B'};

async function until(frame: () => string | undefined, wanted: RegExp): Promise<string> {
	for (let tries = 0; tries < 200; tries++) {
		const text = frame() ?? '';
		if (wanted.test(text)) {
			return text;
		}

		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}

	assert.fail(`never saw ${wanted}: ${frame()}`);
}

test('a count setting\'s step shows its option, label and choices, and Enter gives the highlighted value', async () => {
	const setting = SETTING.maxRecipientsPerMessage;
	const chosen: Answers[] = [];
	const app = render(<CountStep setting={setting} current={0} answers={{}} onNext={answers => chosen.push(answers)} />);
	const frame = await until(app.lastFrame, /Recipients per message/);
	assert.match(frame, new RegExp(setting.option));
	for (const value of setting.choices) {
		assert.match(frame, new RegExp(`\\b${value}\\b`));
	}

	assert.match(frame, /No limit \(as now\)/);
	app.stdin.write(KEY.down);
	await until(app.lastFrame, /› \( \) 10\n/);
	app.stdin.write(KEY.enter);
	for (let tries = 0; tries < 200 && chosen.length === 0; tries++) {
		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}

	assert.deepEqual(chosen, [{maxRecipientsPerMessage: 10}]);
	app.unmount();
});

test('a count setting in bytes offers sizes and reads typed units within its bounds', async () => {
	const {countOptions, parseCountOf} = await import('../../source/steps/choices.js');
	assert.deepEqual(countOptions(SETTING.maxMessageSize, 0).map(option => option.label).slice(0, 3), ['10 MB', '25 MB', '50 MB']);
	const parse = parseCountOf(SETTING.maxMessageSize);
	assert.deepEqual(parse('20MB'), {ok: true, value: 20_000_000});
	const recipients = parseCountOf(SETTING.maxRecipientsPerMessage);
	assert.equal(recipients(String(SETTING.maxRecipientsPerMessage.max + 1)).ok, false);
	assert.match(recipients('x').ok ? '' : (recipients('x') as {error: string}).error, /recipients per message/);
});

test('BadRcptShutdownGood\'s 0 reads as "Off", not "No limit", and carries the recommended mark it is', async () => {
	const setting = SETTING.badRcptShutdownGood;
	assert.equal(setting.recommended, 0);
	for (const current of [0, 75]) {
		const app = render(<CountStep setting={setting} current={current} answers={{}} onNext={() => undefined} />);
		const frame = await until(app.lastFrame, new RegExp(setting.label));
		// 0 closes a connection at BadRcptShutdown whatever its good recipients: the strictest value, not "no limit".
		assert.doesNotMatch(frame, /No limit/, frame);
		assert.match(frame, current === 0 ? /› \(•\) Off \(as now\) +\(recommended\)/ : /\( \) Off +\(recommended\)/, frame);
		assert.equal((frame.match(/\(recommended\)/g) ?? []).length, 1, frame);
		if (current === 0) {
			assert.match(frame, /Off: a connection is closed at BadRcptShutdown unknown recipients/);
		}

		app.unmount();
	}
});

test('audit reads BadRcptShutdownGood=0 as off, not as no limit, and does not count it as open', async () => {
	const {auditConfig} = await import('../../source/core/audit.js');
	const row = auditConfig('V10/Berkeley\nO BadRcptShutdownGood=0\nO BadRcptShutdown=10\n', undefined).items.find(item => item.setting === 'BadRcptShutdownGood');
	assert.ok(row !== undefined);
	assert.match(row.value, /^0 \(off\)/);
	assert.equal(row.hardened, true);
});

test('a Floods page whose explanation is longer than the screen scrolls it (pgdn, ]) instead of cutting it with "…"', async t => {
	const {renderSized} = await import('../helpers/sized-terminal.js');
	const setting = SETTING.badRcptShutdown;
	const app = renderSized(t, <CountStep setting={setting} page={{number: 2, of: 5}} current={0} answers={{}} onNext={() => undefined} />, 60, 20);
	let frame = await app.waitFor(setting.label);
	assert.doesNotMatch(frame, /…/, frame);
	assert.match(frame, /↓ \d+ more lines? below \(pgdn or \]\)/, frame);
	let text = frame;
	for (let pages = 0; pages < 20 && /below \(pgdn/.test(frame); pages++) {
		const before = frame;
		app.stdin.write(']');
		frame = await app.waitFor(shown => shown !== before, 'the next page of the explanation');
		assert.ok(frame.split('\n').length <= 19, frame);
		assert.doesNotMatch(frame, /…/, frame);
		text += frame;
	}

	// The explanation's last sentence is reached, and the list stays on screen while it scrolls.
	assert.match(frame, /↑ \d+ more lines? above \(pgup or \[\)/, frame);
	assert.match(frame, new RegExp(setting.label));
	assert.match(text.replaceAll(/\s+/g, ' '), /_FFR_BADRCPT_SHUTDOWN/);
	// Moving to another choice shows its explanation from the top.
	app.stdin.write('\u001B[A');
	await app.waitFor(shown => !/above \(pgup/.test(shown), 'the top of the explanation');
});

test('on a terminal too short for the title, a Floods page still names its setting and its place', async t => {
	const {renderSized} = await import('../helpers/sized-terminal.js');
	const setting = SETTING.badRcptShutdown;
	const short = renderSized(t, <CountStep setting={setting} page={{number: 2, of: 5}} current={0} answers={{}} onNext={() => undefined} />, 80, 15);
	const frame = await short.waitFor(setting.label);
	assert.ok(frame.split('\n').length <= 14, frame);
	assert.match(frame, /^\(2\/5\) BadRcptShutdown: Unknown recipients before closing$/m, frame);
	// With the title shown, the list keeps its plain label.
	const tall = renderSized(t, <CountStep setting={setting} page={{number: 2, of: 5}} current={0} answers={{}} onNext={() => undefined} />, 80, 24);
	const full = await tall.waitFor(setting.label);
	assert.match(full, /^\(2\/5\) BadRcptShutdown: after this many/m);
	assert.match(full, /^Unknown recipients before closing$/m);
});
