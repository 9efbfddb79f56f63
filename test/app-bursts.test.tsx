// Keys that arrive in one chunk: over SSH, from tmux send-keys, or pasted. Ink hands each key of
// the chunk to the step before React renders again, so every key must see the ones before it
// (source/hooks/use-synced-state.ts). Each test writes its keys in ONE stdin write.
import test from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {KEY, enterUntil, escapeUntil, readTarget, renderWizard, tempConfig} from './app-helpers.js';
import {stepBefore, stepHeading} from './helpers/steps.js';

type App = ReturnType<typeof renderWizard>;

/** Enter from Welcome to the named step, one key at a time. */
async function goTo(app: App, step: string): Promise<string> {
	await app.waitFor(stepHeading('Welcome'));
	return enterUntil(app, step);
}

test('Greeting: Down and Enter in one burst choose the row moved to', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	assert.match(await goTo(app, 'Greeting'), /› \(•\) Keep as it is/);
	app.stdin.write(KEY.down + KEY.enter);
	await app.waitFor(stepHeading('Size'));
	await app.press(KEY.escape);
	// Back on Greeting, the highlight starts from the answer given.
	assert.match(await app.waitFor(stepHeading('Greeting')), /› \(•\) Hide the version/);
});

test('Greeting: three Downs and typed text in one burst land in the custom field', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	await goTo(app, 'Greeting');
	app.stdin.write(KEY.down + KEY.down + KEY.down + 'mx');
	// The custom row's field starts from the greeting in the file; the letters are added to it.
	const screen = await app.waitFor('[192.0.2.10]mx');
	// The field is one row: a text longer than the row shows its end, where the typing is.
	assert.match(screen, /› \(•\) ….*-\$_\$\.mx ?\n/);
});

test('Size: Down and Enter in one burst choose the row moved to', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	// The bundled config sets no MaxMessageSize: "Keep" is the last row, Down wraps to the first.
	assert.match(await goTo(app, 'Size'), /› \(•\) No limit \(as now\)/);
	app.stdin.write(KEY.down + KEY.enter);
	await app.waitFor(stepHeading('Recipients'));
	await app.press(KEY.escape);
	assert.match(await app.waitFor(stepHeading('Size')), /› \(•\) 10 MB/);
});

test('Recipients: Down and Enter in one burst choose the row moved to', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	assert.match(await goTo(app, 'Recipients'), /› \(•\) No limit \(as now\)/);
	app.stdin.write(KEY.down + KEY.enter);
	await app.waitFor(stepHeading('Privacy'));
	await app.press(KEY.escape);
	assert.match(await app.waitFor(stepHeading('Recipients')), /› \(•\) 10 /);
});

test('Privacy: Down and Space in one burst toggle the row moved to, and the next Down and Space the next row', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	const before = await goTo(app, 'Privacy');
	assert.match(before, /› \[ \] public/);
	assert.match(before, /\[x\] needmailhelo/);
	assert.match(before, /\[x\] needexpnhelo/);
	app.stdin.write(KEY.down + KEY.space + KEY.down + KEY.space);
	const toggled = await app.waitFor('› [ ] needexpnhelo');
	assert.match(toggled, /\[ \] public/);
	assert.match(toggled, /\[ \] needmailhelo/);
	assert.doesNotMatch(toggled.replaceAll('\n', ''), /O PrivacyOptions=[^\n!]*need(mail|expn)helo/);

	// Enter takes the toggled flags with it: back from Review they are still off.
	await enterUntil(app, 'Review');
	const again = await escapeUntil(app, 'Privacy');
	assert.match(again, /\[ \] needmailhelo/);
	assert.match(again, /\[ \] needexpnhelo/);
});

test('Review: Down and Enter in one burst pick Back, not Write, and nothing is written', async t => {
	const {cfPath} = tempConfig(t);
	const before = readFileSync(cfPath);
	const app = renderWizard(await readTarget(cfPath), {answers: {maxMessageSize: 10_000_000}, answersFrom: 'answers.json'});
	t.after(() => app.unmount());
	await goTo(app, 'Review');
	assert.match(await app.waitFor('Write changes'), /› \(•\) Write changes/);
	app.stdin.write(KEY.down + KEY.enter);
	await app.waitFor(stepHeading(stepBefore('Review')));
	assert.deepEqual(readFileSync(cfPath), before);
});

// Ink splits a read at escape sequences only: the rest comes to the step as ONE string
// ("12MB\r", three DELs). Each character of it is a key and must act, in order.

/** From the Size step's first row to its Custom field, one key at a time. */
async function toSizeCustom(app: App): Promise<string> {
	await goTo(app, 'Size');
	await app.press(KEY.down, KEY.down, KEY.down, KEY.down);
	return app.waitFor('Type a value');
}

test('Size: text and Enter in one read fill the custom field and go on', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	await toSizeCustom(app);
	app.stdin.write('12MB\r');
	await app.waitFor(stepHeading('Recipients'));
	await app.press(KEY.escape);
	// Back on Size, the answer given is the custom 12 MB (not "12MB " with the Enter in it).
	assert.match(await app.waitFor(stepHeading('Size')), /› \(•\) 12 ?MB/);
});

test('Size: three Backspaces in one read delete three characters', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	await toSizeCustom(app);
	app.stdin.write('25MBxyz');
	await app.waitFor('25MBxyz');
	app.stdin.write(KEY.backspace + KEY.backspace + KEY.backspace);
	const screen = await app.waitFor(/› \(•\) 25MB ?\S? /);
	assert.doesNotMatch(screen, /25MBx/);
	app.stdin.write(KEY.enter);
	await app.waitFor(stepHeading('Recipients'));
});

test('Greeting: Downs, typed text, Backspaces and Enter in one read all act, in order', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	await goTo(app, 'Greeting');
	// To the custom row, clear it (Ctrl+U), type, take two letters back, go on.
	app.stdin.write(`${KEY.down}${KEY.down}${KEY.down}\u0015$j mail gatexy${KEY.backspace}${KEY.backspace}\r`);
	await app.waitFor(stepHeading('Size'));
	await app.press(KEY.escape);
	const back = await app.waitFor(stepHeading('Greeting'));
	assert.match(back, /› \(•\) \$j mail gate ?\n/);
});

test('Recipients: arrows in one read move one row each', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	await goTo(app, 'Recipients');
	// From Keep (the last row) three Downs: 10, 50, 100; Enter takes 100.
	app.stdin.write(KEY.down + KEY.down + KEY.down + KEY.enter);
	await app.waitFor(stepHeading('Privacy'));
	await app.press(KEY.escape);
	assert.match(await app.waitFor(stepHeading('Recipients')), /› \(•\) 100\b/);
});

// A key that changes the step ends what the old step takes from the burst: the keys after it act
// on the next step, once it is on screen, never on the step left behind.

test('Greeting then Size in one read: Down, Enter, Down, Enter each act on the step then shown', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	await goTo(app, 'Greeting');
	app.stdin.write(KEY.down + KEY.enter + KEY.down + KEY.enter);
	await app.waitFor(stepHeading('Recipients'));
	await app.press(KEY.escape);
	// Size got the second Down and Enter: 10 MB (Down from Keep, the last row, wraps to the first).
	assert.match(await app.waitFor(stepHeading('Size')), /› \(•\) 10 MB/);
	await app.press(KEY.escape);
	// Greeting got only the first Down and Enter: "Hide the version", not the row below it.
	assert.match(await app.waitFor(stepHeading('Greeting')), /› \(•\) Hide the version/);
});

test('three Enters in one read from Welcome go three steps on, one per step', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	await app.waitFor(stepHeading('Welcome'));
	app.stdin.write(KEY.enter + KEY.enter + KEY.enter);
	await app.waitFor(stepHeading('Recipients'));
	await app.press(KEY.escape);
	await app.waitFor(stepHeading('Size'));
	await app.press(KEY.escape);
	assert.match(await app.waitFor(stepHeading('Greeting')), /› \(•\) Keep as it is/);
});

test('Review: Enter twice in one read writes once; the second Enter does not skip the Apply step', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath), {answers: {maxMessageSize: 10_000_000}, answersFrom: 'answers.json'});
	t.after(() => app.unmount());
	await goTo(app, 'Review');
	await app.waitFor('Write changes');
	app.stdin.write(KEY.enter + KEY.enter);
	const apply = await app.waitFor('Continue', 60_000);
	assert.match(apply, new RegExp(stepHeading('Apply')));
	assert.match(readFileSync(cfPath, 'latin1'), /^O MaxMessageSize=10000000$/m);
});

test('Ctrl+C after typed text in one read still quits, and nothing is written', async t => {
	const {cfPath} = tempConfig(t);
	const before = readFileSync(cfPath);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	await toSizeCustom(app);
	app.stdin.write(`12${KEY.ctrlC}`);
	const start = Date.now();
	while (app.result() === undefined) {
		assert.ok(Date.now() - start < 30_000, app.frame());
		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}

	assert.deepEqual(app.result(), {code: 0, message: 'Quit: nothing was written.'});
	assert.deepEqual(readFileSync(cfPath), before);
});
