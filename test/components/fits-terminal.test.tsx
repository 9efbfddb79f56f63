// No frame is taller than the terminal, on any step, at the sizes admins meet over SSH: a frame as
// tall as the terminal makes Ink clear the screen and the scrollback at every key (ESC[2J ESC[3J),
// and a taller one scrolls its top (the highlighted row, the header) out of view.
import test from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {App, type WizardResult} from '../../source/app.js';
import {ok} from '../../source/core/result.js';
import {openPresetStore} from '../../source/presets.js';
import {KEY, NOW, PRESET, readTarget, tempConfig, testEffects} from '../app-helpers.js';
import {copyDebianMcPair, haveDebianMc} from '../helpers/debian-mc.js';
import {renderSized} from '../helpers/sized-terminal.js';
import {enterUntil, STEP_COUNT, stepOf} from '../helpers/steps.js';

const pause = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

const SIZES = [[80, 24], [80, 15], [60, 20], [120, 40], [200, 50]] as const;

async function walk(t: {after(fn: () => void): void}, columns: number, rows: number, cfPath: string, presets: boolean) {
	let result: WizardResult | undefined;
	const folder = mkdtempSync(path.join(os.tmpdir(), 'fits-presets-'));
	const store = await openPresetStore({cwd: folder});
	if (presets && store.ok) {
		for (const name of ['web', 'relay', 'a-much-longer-preset-name']) {
			await store.value.save(name, PRESET, {force: true, now: NOW});
		}
	}

	const {stdin, frames, last, waitFor} = renderSized(t, (
		<App
			setup={{target: await readTarget(cfPath), answers: {}, hostname: 'mail.example.org'}}
			effects={testEffects({loadPresets: async () => (store.ok ? ok(store.value) : store)})}
			onExit={value => {
				result = value;
			}}
		/>
	), columns, rows);
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			stdin.write(key);
			await pause(20);
		}
	};

	// Every step: Welcome (presets, .mc choice), Greeting with a long custom greeting, each Privacy
	// row, Review, Apply, Done.
	await waitFor(stepOf('Welcome'));
	await pause(presets ? 400 : 100);
	await press(KEY.enter);
	await waitFor(stepOf('Greeting'));
	await press(KEY.down, KEY.down, KEY.down, ...'$j mail gateway for the example organisation; $b; no unsolicited mail please'.split(''));
	await waitFor('please');
	await press(KEY.enter);
	await waitFor(stepOf('Size'));
	await press(KEY.down, KEY.enter);
	await waitFor(stepOf('Recipients'));
	await press(KEY.enter);
	await waitFor(stepOf('Privacy'));
	for (let row = 0; row < 15; row++) {
		await press(KEY.down);
		const frame = last();
		assert.match(frame, /› \[/, `at ${columns}x${rows} the highlighted Privacy row is not on screen:\n${frame}`);
	}

	// The steps after Privacy, every page of each, keeping what they show, up to Review.
	await enterUntil({frame: last, press}, 'Review');

	await waitFor('Write changes');
	await press(KEY.enter);
	await waitFor(new RegExp(`${stepOf('Done')}|Continue`));
	if (last().includes('Continue')) {
		await press(KEY.enter);
	}

	await waitFor(stepOf('Done'));
	await press(KEY.escape);
	await pause(100);
	return {frames, result};
}

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: every frame of every step is shorter than the terminal`, async t => {
		const {cfPath} = tempConfig(t);
		const {frames} = await walk(t, columns, rows, cfPath, true);
		const steps = new Set<string>();
		for (const frame of frames) {
			const lines = frame.replace(/\n$/, '').split('\n');
			const step = new RegExp(`Step \\d+ of ${STEP_COUNT} {2}\\w+`).exec(frame)?.[0] ?? '?';
			steps.add(step);
			assert.ok(lines.length < rows, `${step} is ${lines.length} rows at ${columns}x${rows}:\n${frame}`);
			for (const line of lines) {
				assert.ok(line.length <= columns, `${step}: a line overflows ${columns} columns: ${line}`);
			}
		}

		assert.equal(steps.size >= 8, true, `not every step was seen: ${[...steps].join(', ')}`);
	});
}

test('80x15 with a sendmail.mc: Welcome offers the choice and still fits', {skip: haveDebianMc ? undefined : 'no Debian sendmail.mc'}, async t => {
	const parent = mkdtempSync(path.join(os.tmpdir(), 'fits-mc-'));
	const {cfPath} = copyDebianMcPair(parent);
	const {frames, waitFor} = renderSized(t, <App setup={{target: await readTarget(cfPath), answers: {}, hostname: 'mail.example.org'}} effects={testEffects()} onExit={() => {}} />, 80, 15);
	await waitFor('Edit sendmail.cf only');
	for (const frame of frames) {
		assert.ok(frame.replace(/\n$/, '').split('\n').length < 15, frame);
	}
});
