// The flag help is the Privacy step's teaching text: every word of it must be reachable on a small
// terminal. A help longer than its panel scrolls (PgDn/PgUp, named in the footer) with a marker
// saying how much more there is; a wrapped title stays together at the top.
import test from 'node:test';
import assert from 'node:assert/strict';
import {App} from '../../source/app.js';
import {helpWindow, scrollHelp} from '../../source/components/FlagHelp.js';
import {flagHelp, PRIVACY_FLAG_NAMES} from '../../source/core/privacy-flags.js';
import {KEY, readTarget, tempConfig, testEffects} from '../app-helpers.js';
import {renderSized} from '../helpers/sized-terminal.js';
import {stepOf} from '../helpers/steps.js';

const PAGE_UP = '\u001B[5~';
/** Where the help column starts at 80 columns: the list's 25 columns and one of padding. */
const HELP_COLUMN = 26;

test('helpWindow: short text unmarked; long text paged with a row saying what is above and below; clamped at the end', () => {
	assert.deepEqual(helpWindow(5, 8, 3), {first: 0, count: 5, above: 0, below: 0});
	assert.deepEqual(helpWindow(20, 8, 0), {first: 0, count: 7, above: 0, below: 13});
	assert.deepEqual(helpWindow(20, 8, 7), {first: 7, count: 6, above: 7, below: 7});
	assert.deepEqual(helpWindow(20, 8, 99), {first: 13, count: 7, above: 13, below: 0});
	// Page by page every line is shown once or more, and the pages end at the last line.
	for (const [total, height] of [[20, 8], [57, 7], [10, 3], [9, 2], [4, 1]] as const) {
		const seen = new Set<number>();
		let first = 0;
		for (let page = 0; page < total; page++) {
			const view = helpWindow(total, height, first);
			assert.ok(view.count + (view.above > 0 ? 1 : 0) + (view.below > 0 ? 1 : 0) <= height, `${total}/${height}: a page is taller than the panel`);
			for (let line = view.first; line < view.first + view.count; line++) {
				seen.add(line);
			}

			first = scrollHelp(total, height, first, 1);
		}

		assert.equal(seen.size, total, `${total} lines in ${height} rows: some were never shown`);
		for (let page = 0; page < total && first > 0; page++) {
			first = scrollHelp(total, height, first, -1);
		}

		assert.equal(first, 0);
	}
});

for (const [columns, rows] of [[80, 24], [80, 15]] as const) {
	test(`${columns}x${rows}: every word of every flag's help is on screen at some page, and the footer names the scroll keys`, async t => {
		const {cfPath} = tempConfig(t);
		const {stdin, waitFor} = renderSized(t, <App setup={{target: await readTarget(cfPath), answers: {}, hostname: 'mail.example.org'}} effects={testEffects()} onExit={() => {}} />, columns, rows);
		await waitFor(frame => frame.includes(stepOf('Welcome')), 'Welcome');
		for (const step of ['Greeting', 'Size', 'Recipients', 'Privacy']) {
			stdin.write(KEY.enter);
			await waitFor(frame => frame.includes(stepOf(step)), `step ${step}`);
		}

		for (const [index, flag] of PRIVACY_FLAG_NAMES.entries()) {
			if (index > 0) {
				stdin.write(KEY.down);
			}

			let frame = await waitFor(frame => frame.includes(`› [`) && new RegExp(`› \\[.\\] ${flag}\\b`).test(frame), `${flag} highlighted`);
			const help: string[] = [];
			const column = (shown: string) => shown.split('\n').map(line => line.slice(HELP_COLUMN)).join('\n');
			help.push(column(frame));
			// The title comes first, its rows together.
			assert.match(column(frame), new RegExp(`^\\s*${flag}: `, 'm'), frame);
			let pages = 0;
			while (/more lines? below \(pgdn or \]\)/.test(frame)) {
				assert.match(frame, /pgup\/pgdn \[ \] scroll/, `the footer does not name the scroll keys:\n${frame}`);
				const before = frame;
				// PgDn, or ] (for keyboards without it) on every other flag.
				stdin.write(index % 2 === 0 ? KEY.pageDown : ']');
				frame = await waitFor(shown => shown !== before, `${flag}: a page down`);
				help.push(column(frame));
				assert.ok(++pages < 40, `${flag}: the help never ends`);
			}

			const shown = help.join('\n');
			const words = flagHelp(flag).flatMap(line => `${line.label ?? ''}${line.text}`.split(/\s+/)).filter(word => word !== '');
			const missing = words.filter(word => !shown.includes(word));
			assert.deepEqual(missing, [], `${columns}x${rows} ${flag}: words never on screen:\n${shown}`);
			if (pages > 0) {
				// Back to the top: the title again, and a marker only below.
				for (let page = 0; page < pages; page++) {
					const before = frame;
					stdin.write(index % 2 === 0 ? PAGE_UP : '[');
					frame = await waitFor(shown => shown !== before, `${flag}: a page up`);
				}

				assert.match(column(frame), new RegExp(`^\\s*${flag}: `, 'm'), frame);
				assert.doesNotMatch(frame, /above \(pgup/, frame);
			}

			for (const line of frame.replace(/\n$/, '').split('\n')) {
				assert.ok(line.length <= columns, line);
			}

			assert.ok(frame.replace(/\n$/, '').split('\n').length < rows, frame);
		}
	});
}

test('200x50: the Privacy step uses the width: the help runs past 100 columns, and goaway\'s fits without scrolling', async t => {
	const {cfPath} = tempConfig(t);
	const {stdin, waitFor} = renderSized(t, <App setup={{target: await readTarget(cfPath), answers: {}, hostname: 'mail.example.org'}} effects={testEffects()} onExit={() => {}} />, 200, 50);
	await waitFor(stepOf('Welcome'));
	for (const step of ['Greeting', 'Size', 'Recipients', 'Privacy']) {
		stdin.write(KEY.enter);
		await waitFor(stepOf(step));
	}

	stdin.write(KEY.down.repeat(PRIVACY_FLAG_NAMES.indexOf('goaway')));
	const frame = await waitFor('› [ ] goaway');
	const lines = frame.replace(/\n$/, '').split('\n');
	assert.ok(lines.some(line => line.length > 100), frame);
	assert.ok(lines.every(line => line.length <= 200), frame);
	assert.doesNotMatch(frame, /more lines? below/, frame);
	assert.match(frame, /BadRcptThrottle/, frame);
});
