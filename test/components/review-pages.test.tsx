// Review at 80x24: the diff gets the rows the terminal has. At the top it shares them with what
// clients will see; once scrolled into, a page is every row but the choices', so a long diff is a
// few pages, not one page per five lines.
import test from 'node:test';
import assert from 'node:assert/strict';
import {App} from '../../source/app.js';
import {KEY, PRESET, enterUntil, readTarget, tempConfig, testEffects} from '../app-helpers.js';
import {renderSized} from '../helpers/sized-terminal.js';
import {stepOf} from '../helpers/steps.js';

const pause = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

test('80x24: after the first page down, Review shows 14 diff rows a page, and every row once in order', async t => {
	const {cfPath} = tempConfig(t);
	const {stdin, waitFor, last} = renderSized(t, <App setup={{target: await readTarget(cfPath), answers: PRESET, answersFrom: 'answers.json', hostname: 'mail.example.org'}} effects={testEffects()} onExit={() => {}} />, 80, 24);
	await waitFor(new RegExp(stepOf('Welcome')));
	await enterUntil({
		frame: last,
		async press(...keys) {
			for (const key of keys) {
				stdin.write(key);
				await pause(15);
			}
		},
	}, 'Review');

	let frame = await waitFor(/\(lines 1-\d+ of \d+;/);
	const spans: Array<[number, number]> = [];
	for (let page = 0; page < 10; page++) {
		const [, first, lastRow, total] = /\(lines (\d+)-(\d+) of (\d+);/.exec(frame)!.map(Number);
		spans.push([first!, lastRow!]);
		assert.ok(frame.replace(/\n$/, '').split('\n').length < 24, frame);
		if (lastRow === total) {
			break;
		}

		stdin.write(KEY.pageDown);
		frame = await waitFor(new RegExp(`\\(lines (?!${first}-)\\d+-\\d+ of ${total};`));
	}

	// Each page starts where the one before ended (the last may overlap, to stay full).
	for (const [index, [first]] of spans.entries()) {
		if (index > 0 && index < spans.length - 1) {
			assert.equal(first, spans[index - 1]![1] + 1, JSON.stringify(spans));
		}
	}

	const pages = spans.slice(1, -1);
	assert.ok(spans.length >= 2, JSON.stringify(spans));
	for (const [first, lastRow] of pages) {
		assert.ok(lastRow - first + 1 >= 14, `a page shows ${lastRow - first + 1} rows: ${JSON.stringify(spans)}`);
	}

	const [finalFirst, finalLast] = spans.at(-1)!;
	assert.ok(finalLast - finalFirst + 1 >= 14, `the last page shows ${finalLast - finalFirst + 1} rows: ${JSON.stringify(spans)}`);
	// PgUp back to the top brings back what clients will be greeted with.
	for (let page = 0; page < spans.length; page++) {
		stdin.write('\u001B[5~');
		await pause(30);
	}

	assert.match(await waitFor(/\(lines 1-/), /Clients will be greeted with/);
});
