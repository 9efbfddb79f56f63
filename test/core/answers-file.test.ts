import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {PRIVACY_FLAG_NAMES} from '../../source/core/privacy-flag-names.js';
import {checkPresetName, presetExport, readAnswersFile} from '../../source/core/answers-file.js';
import type {Answers} from '../../source/core/answers.js';

test('bare answers in the format of docs/design.md, "Answers" are read, with no name', () => {
	const text = JSON.stringify({
		greeting: '$j mailserver; $b',
		maxMessageSize: 500_000,
		maxRecipientsPerMessage: 10,
		privacyOptions: ['goaway', 'restrictmailq', 'restrictqrun'],
		hideHelpVersion: true,
	});
	const result = readAnswersFile(text, 'answers.json');
	assert.deepEqual(result, {
		ok: true,
		value: {
			answers: {
				greeting: '$j mailserver; $b',
				maxMessageSize: 500_000,
				maxRecipientsPerMessage: 10,
				privacyOptions: ['goaway', 'restrictmailq', 'restrictqrun'],
				hideHelpVersion: true,
			},
		},
	});
});

test('a preset export is read with its name', () => {
	const text = JSON.stringify({sendmailHardenPreset: 1, name: 'web', savedAt: '2025-01-31T09:30:00.000Z', answers: {maxMessageSize: 0}});
	assert.deepEqual(readAnswersFile(text, 'web.json'), {ok: true, value: {answers: {maxMessageSize: 0}, name: 'web'}});
});

test('an export without a name still gives its answers', () => {
	const text = JSON.stringify({sendmailHardenPreset: 1, answers: {hideHelpVersion: false}});
	assert.deepEqual(readAnswersFile(text, 'x.json'), {ok: true, value: {answers: {hideHelpVersion: false}}});
});

test('a byte-order mark before the JSON is ignored', () => {
	assert.deepEqual(readAnswersFile('\uFEFF{"maxRecipientsPerMessage": 50}', 'a.json'), {ok: true, value: {answers: {maxRecipientsPerMessage: 50}}});
});

function errorOf(result: {ok: boolean; error?: string}): string {
	assert.equal(result.ok, false);
	assert.ok(result.error);
	assert.doesNotMatch(result.error, /\n/);
	return result.error;
}

test('bad files give one line that names the file', () => {
	const cases: Array<[string, RegExp]> = [
		['{"maxMessageSize": 5', /^a\.json is not valid JSON/],
		['', /^a\.json is not valid JSON/],
		['{"maxMesageSize": 5}', /^a\.json: unknown key "maxMesageSize"/],
		['{"privacyOptions": ["goawya"]}', /^a\.json: unknown privacy flag "goawya"/],
		['[1, 2]', /^a\.json: the answers must be a JSON object/],
		['{"greeting": "hi\\nO HelpFile=/tmp/x"}', /^a\.json: the greeting contains a control character/],
		['{"sendmailHardenPreset": 1, "name": "web", "answers": {}, "note": "x"}', /^a\.json: unknown key "note" in the preset export/],
		['{"sendmailHardenPreset": 1, "name": "web"}', /^a\.json: the preset export has no "answers"/],
		['{"sendmailHardenPreset": 2, "answers": {}}', /^a\.json is a preset export in format 2, newer than/],
		['{"sendmailHardenPreset": "1", "answers": {}}', /^a\.json: "sendmailHardenPreset" must be 1/],
		['{"sendmailHardenPreset": 1, "name": "../etc", "answers": {}}', /^a\.json: "\.\.\/etc" is not a usable preset name/],
		['{"sendmailHardenPreset": 1, "name": 7, "answers": {}}', /^a\.json: the preset's "name" must be a string/],
		['{"sendmailHardenPreset": 1, "answers": {"maxMessageSize": -1}}', /^a\.json: maxMessageSize must be 0 or more/],
	];
	for (const [text, expected] of cases) {
		assert.match(errorOf(readAnswersFile(text, 'a.json')), expected, text);
	}
});

test('preset names: letters, digits, ".", "_", "-", 1 to 64, not starting with "." or "-"', () => {
	for (const name of ['a', 'web', 'web-2025', 'web.example.org', '_tmp', '9', 'A_b-c.d', 'x'.repeat(64)]) {
		assert.deepEqual(checkPresetName(name), {ok: true, value: name}, name);
	}

	for (const name of ['', '.hidden', '-x', '--force', 'x'.repeat(65), 'a b', 'a/b', 'ü', 'a\n', 'name!']) {
		assert.match(errorOf(checkPresetName(name)), /is not a usable preset name; use 1 to 64 letters/, name);
	}
});

const answersArbitrary: fc.Arbitrary<Answers> = fc.record({
	greeting: fc.constantFrom('$j mailserver; $b', 'mailserver ready', '$j ESMTP'),
	maxMessageSize: fc.nat(),
	maxRecipientsPerMessage: fc.nat({max: 2_147_483_647}),
	privacyOptions: fc.uniqueArray(fc.constantFrom(...PRIVACY_FLAG_NAMES)),
	hideHelpVersion: fc.boolean(),
}, {requiredKeys: []}).map(answers => ({...answers}));

test('an export reads back to the same answers and name', () => {
	fc.assert(fc.property(answersArbitrary, answers => {
		const text = JSON.stringify(presetExport({name: 'p', savedAt: '2025-01-31T09:30:00.000Z', answers}));
		assert.deepEqual(readAnswersFile(text, 'p.json'), {ok: true, value: {answers, name: 'p'}});
	}));
});

test('JSON errors say where, never what: a .env file given as answers is not quoted', () => {
	const read = readAnswersFile('SECRET_API_KEY=sk_live_51H\nDB_PASSWORD=hunter2\n', '.env');
	assert.deepEqual(read, {ok: false, error: '.env is not valid JSON (an unexpected character); fix the file or export it again with "sendmail-harden presets export NAME FILE"'});
	const cut = readAnswersFile('{\n  "greeting": "SECRET', 'a.json');
	assert.ok(!cut.ok && /\(unterminated string at line 2, column 22\)/.test(cut.error) && !cut.error.includes('SECRET'), cut.ok ? '' : cut.error);
});
