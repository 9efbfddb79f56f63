import test from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {parseSize} from '../../source/core/answers.js';
import {
	currentSettings, greetingAnswer, greetingSelection, largestAttachment, limitAnswer, limitSelection, roughSize,
	privacyAnswer, sizeOptions, sizeText, toggleFlag,
} from '../../source/steps/choices.js';

const debianGreeting = '$j Sendmail $v/$Z; $b; (No UCE/UBE) $?{client_addr}logging access from: ${client_name}(${client_resolve})-$_$.';

test('current settings are read from the bundled Debian config (docs/sendmail.md, "The stock options")', () => {
	const current = currentSettings(readFileSync('source/demo/sendmail.cf', 'latin1'));
	assert.equal(current.greeting, debianGreeting);
	assert.equal(current.maxMessageSize, 0);
	assert.equal(current.maxRecipientsPerMessage, 0);
	assert.deepEqual(current.privacyOptions, ['needmailhelo', 'needexpnhelo', 'needvrfyhelo', 'restrictqrun', 'restrictexpand', 'nobodyreturn', 'authwarnings']);
});

test('a greeting answer pre-selects its option; keep gives no answer', () => {
	assert.deepEqual(greetingSelection(undefined, debianGreeting).id, 'keep');
	assert.deepEqual(greetingSelection(debianGreeting, debianGreeting).id, 'keep');
	assert.deepEqual(greetingSelection('$j mailserver; $b', debianGreeting).id, 'generic');
	assert.deepEqual(greetingSelection('$j hello', debianGreeting), {id: 'custom', customText: '$j hello'});
	assert.deepEqual(greetingAnswer('keep', debianGreeting, ''), {ok: true, value: undefined});
	assert.deepEqual(greetingAnswer('generic', debianGreeting, ''), {ok: true, value: '$j mailserver; $b'});
	assert.equal(greetingAnswer('custom', debianGreeting, 'a\tb').ok, false);
});

test('limits: fixed values, custom text that reads back exactly, no limit, keep', () => {
	const options = sizeOptions(0);
	// No limit now: "No limit" and "Keep" are one row.
	assert.deepEqual(options.map(option => option.id), ['10000000', '25000000', '50000000', 'custom', 'keep']);
	assert.deepEqual(options.map(option => option.label).filter(label => /no limit/i.test(label)), ['No limit (as now)']);
	assert.equal(options[limitSelection(options, undefined, sizeText).index]!.id, 'keep');
	assert.equal(options[limitSelection(options, 0, sizeText).index]!.id, 'keep');
	const limited = sizeOptions(5_000_000);
	assert.deepEqual(limited.map(option => option.id), ['10000000', '25000000', '50000000', 'custom', 'none', 'keep']);
	assert.equal(limited[limitSelection(limited, 0, sizeText).index]!.id, 'none');
	assert.equal(limited.at(-1)!.label, 'Keep: 5 MB');
	assert.equal(options[limitSelection(options, 25_000_000, sizeText).index]!.id, '25000000');
	assert.deepEqual(limitSelection(options, 500_000, sizeText), {index: 3, customText: '500 KB'});
	assert.deepEqual(limitSelection(options, 1_234_567, sizeText), {index: 3, customText: '1234567'});
	assert.deepEqual(limitAnswer(options[3]!, '20MB', parseSize), {ok: true, value: 20_000_000});
	assert.equal(limitAnswer(options[3]!, '', parseSize).ok, false);
	assert.deepEqual(limitAnswer(options[4]!, '', parseSize), {ok: true, value: undefined});
});

test('rough sizes use the largest unit that fits, one decimal under 100: no "738076.9 MB"', () => {
	assert.equal(roughSize(largestAttachment(1_009_000_000_000)), '737 GB');
	assert.equal(roughSize(7_300_000), '7.3 MB');
	assert.equal(roughSize(18_280_000), '18.3 MB');
	assert.equal(roughSize(2_500_000_000_000), '2.5 TB');
	assert.equal(roughSize(456_000), '456 KB');
});

test('docs/sendmail.md, "Guidance numbers": a 10 MB attachment needs about 14 MB, so 14 MB carries about 10 MB', () => {
	assert.ok(Math.abs(largestAttachment(14_000_000) - 10_230_000) < 10_000);
	assert.ok(largestAttachment(10_000_000) * (4 / 3) * (78 / 76) <= 10_000_000);
});

test('privacy flags keep their order when toggled; untouched file flags stay "keep"', () => {
	assert.deepEqual(toggleFlag(['goaway', 'restrictqrun'], 'noetrn'), ['goaway', 'restrictqrun', 'noetrn']);
	assert.deepEqual(toggleFlag(['goaway', 'restrictqrun'], 'goaway'), ['restrictqrun']);
	assert.equal(privacyAnswer(['b' as never, 'a' as never], ['a' as never, 'b' as never], undefined), undefined);
	assert.deepEqual(privacyAnswer(['goaway'], ['goaway'], ['goaway']), ['goaway']);
});
