import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import {readFileSync} from 'node:fs';
import {formatSize, greetingProblem, hostNameProblem, parseCount, parsePrivacyFlags, parseSize, validateAnswers} from '../../source/core/answers.js';

test('sizes as an admin types them', () => {
	assert.deepEqual(parseSize('500000'), {ok: true, value: 500_000});
	assert.deepEqual(parseSize('10MB'), {ok: true, value: 10_000_000});
	assert.deepEqual(parseSize(' 25 MiB '), {ok: true, value: 26_214_400});
	assert.deepEqual(parseSize('1.5 gb'), {ok: true, value: 1_500_000_000});
	assert.deepEqual(parseSize('0'), {ok: true, value: 0});
	for (const bad of ['', '-1', '10 parsecs', '1.5', '0.5 KiB x', 'MB', '1e6']) {
		const result = parseSize(bad);
		assert.ok(!result.ok, bad);
	}
});

test('formatSize and parseSize agree on whole units', () => {
	fc.assert(
		fc.property(fc.integer({min: 1, max: 100_000}), fc.constantFrom('KB', 'MB', 'GB', 'KiB', 'MiB', 'GiB'), (count, unit) => {
			const bytes = parseSize(`${count} ${unit}`);
			assert.ok(bytes.ok);
			const again = parseSize(formatSize(bytes.value));
			assert.deepEqual(again, bytes);
		}),
	);
	assert.equal(formatSize(0), 'no limit');
	assert.equal(formatSize(1234), '1234 bytes');
});

test('counts are whole numbers of 0 or more', () => {
	assert.deepEqual(parseCount('100', 'the limit'), {ok: true, value: 100});
	assert.match((parseCount('-3', 'the limit') as {error: string}).error, /the limit must be a whole number of 0 or more, not "-3"/);
	assert.ok(!parseCount('2.5', 'x').ok);
	assert.ok(!parseCount('3000000000', 'x').ok);
});

test('a greeting is one line of printable ASCII', () => {
	assert.equal(greetingProblem('$j mailserver; $b'), undefined);
	assert.match(greetingProblem('$j\nO QueueDirectory=/tmp')!, /control character \(U\+000A\)/);
	assert.match(greetingProblem('$j\r')!, /control character/);
	assert.match(greetingProblem('\u007F')!, /control character \(U\+007F\)/);
	assert.match(greetingProblem('  ')!, /empty/);
	assert.match(greetingProblem('x'.repeat(401))!, /401 characters/);
	assert.match(greetingProblem('cost $')!, /lone "\$"/);
	fc.assert(
		fc.property(fc.string(), text => {
			// Whatever is accepted can never hold a line break, so it can never add a config line.
			if (greetingProblem(text) === undefined) {
				assert.doesNotMatch(text, /[\r\n]/);
			}
		}),
		{numRuns: 2000},
	);
});

test('answers: every key optional, null means leave it, unknown keys are errors', () => {
	assert.deepEqual(validateAnswers({}), {ok: true, value: {}});
	assert.deepEqual(validateAnswers({greeting: null, maxMessageSize: null}), {ok: true, value: {}});
	assert.deepEqual(validateAnswers({privacyOptions: ['GoAway', 'goaway', 'noetrn']}), {ok: true, value: {privacyOptions: ['goaway', 'noetrn']}});
	assert.match((validateAnswers({hideHelpVersion: 'yes'}) as {error: string}).error, /true or false/);
	assert.match((validateAnswers({privacyOptions: 'goaway'}) as {error: string}).error, /list of flag names/);
	assert.match((validateAnswers(null) as {error: string}).error, /JSON object/);
	assert.match((parsePrivacyFlags(['nope']) as {error: string}).error, /unknown privacy flag "nope"/);
});

test('a MaxMessageSize below 1000 bytes is allowed, with a warning in the plan (5 for 5 MB is a slip)', async () => {
	const {planHardening} = await import('../../source/core/plan.js');
	const cfText = readFileSync('source/demo/sendmail.cf', 'latin1');
	const tiny = planHardening({cfPath: '/x/sendmail.cf', cfText, answers: {maxMessageSize: 5}});
	assert.ok(tiny.ok);
	assert.ok(tiny.value.warnings.some(warning => /MaxMessageSize of 5 bytes refuses almost all mail/.test(warning)), tiny.value.warnings.join('\n'));
	const fine = planHardening({cfPath: '/x/sendmail.cf', cfText, answers: {maxMessageSize: 25_000_000}});
	assert.ok(fine.ok && !fine.value.warnings.some(warning => /MaxMessageSize/.test(warning)));
});

test('an over-large number is quoted as typed, not rounded', () => {
	assert.deepEqual(parseSize('99999999999999999999'), {ok: false, error: 'the size is too large (99999999999999999999); the largest allowed is 9007199254740991'});
	assert.match((parseCount('99999999999999999999', 'the limit') as {error: string}).error, /\(99999999999999999999\)/);
});

test('host names as RFC 1123 allows them; "bad host!" is not one', () => {
	for (const good of ['mail.example.org', 'mx1', 'a-b.example.', 'xn--bcher-kva.example']) {
		assert.equal(hostNameProblem(good), undefined, good);
	}

	for (const bad of ['bad host!', '', '-mail.example', 'mail..example', 'mail_1.example', `${'a'.repeat(64)}.example`, 'host\u001B[2J']) {
		assert.match(hostNameProblem(bad) ?? '', /is not a host name; use letters, digits/, bad);
	}
});
