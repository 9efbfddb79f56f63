// How an O line's name is looked up: setoption() in readcf.c scans the option table for the first
// name the written one starts (any case), takes an exact match at once, and refuses a second
// partial one as ambiguous. The lookup's shortcut for full names must answer as that scan does.
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import {OPTION_NAMES, optionByName} from '../../source/core/sendmail-options.js';

function tableScan(written: string) {
	const name = written.split('.')[0]!;
	let selected: string | undefined;
	for (const candidate of OPTION_NAMES) {
		if (!candidate.toLowerCase().startsWith(name.toLowerCase())) {
			continue;
		}

		if (candidate.length === name.length) {
			return {ok: true, option: candidate, form: 'name'};
		}

		if (selected !== undefined) {
			return {ok: false};
		}

		selected = candidate;
	}

	return selected === undefined ? {ok: false} : {ok: true, option: selected, form: 'abbreviation'};
}

const comparable = (found: ReturnType<typeof optionByName>) => (found.ok ? {ok: true, option: found.option, form: found.form} : {ok: false});

test('every option name, in any case, and every start of one, is found as the table scan finds it', () => {
	assert.ok(OPTION_NAMES.length > 150);
	for (const name of OPTION_NAMES) {
		for (const written of [name, name.toLowerCase(), name.toUpperCase(), `${name}.sub`]) {
			assert.deepEqual(comparable(optionByName(written)), tableScan(written), written);
			const found = optionByName(written);
			assert.equal(found.ok ? found.form : found.problem, 'name', written);
		}

		for (let length = 1; length < name.length; length++) {
			assert.deepEqual(comparable(optionByName(name.slice(0, length))), tableScan(name.slice(0, length)), name.slice(0, length));
		}
	}

	fc.assert(fc.property(fc.string({unit: fc.constantFrom('a', 'e', 'm', 'x', 'M', 'P', 'r', 'S', 'o', 'i')}), written => {
		fc.pre(written !== '');
		assert.deepEqual(comparable(optionByName(written)), tableScan(written));
	}), {numRuns: 2000});
});
