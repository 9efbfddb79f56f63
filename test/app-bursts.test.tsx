// Keys that arrive in one chunk: over SSH, from tmux send-keys, or pasted. Ink hands each key of
// the chunk to the step before React renders again, so every key must see the ones before it
// (source/hooks/use-synced-state.ts). Each test writes its keys in ONE stdin write.
import test from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {KEY, readTarget, renderWizard, tempConfig} from './app-helpers.js';

type App = ReturnType<typeof renderWizard>;

/** Enter from Welcome to the named step, one key at a time. */
async function goTo(app: App, step: string): Promise<string> {
	const steps = ['Welcome', 'Greeting', 'Size', 'Recipients', 'Privacy'];
	await app.waitFor('of 8  Welcome');
	for (const name of steps.slice(1, steps.indexOf(step) + 1)) {
		await app.press(KEY.enter);
		await app.waitFor(`of 8  ${name}`);
	}

	return app.frame();
}

test('Greeting: Down and Enter in one burst choose the row moved to', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	assert.match(await goTo(app, 'Greeting'), /› \(•\) Keep as it is/);
	app.stdin.write(KEY.down + KEY.enter);
	await app.waitFor('of 8  Size');
	await app.press(KEY.escape);
	// Back on Greeting, the highlight starts from the answer given.
	assert.match(await app.waitFor('of 8  Greeting'), /› \(•\) Hide the version/);
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
	assert.match(await goTo(app, 'Size'), /› \(•\) Keep: no limit/);
	app.stdin.write(KEY.down + KEY.enter);
	await app.waitFor('of 8  Recipients');
	await app.press(KEY.escape);
	assert.match(await app.waitFor('of 8  Size'), /› \(•\) 10 MB/);
});

test('Recipients: Down and Enter in one burst choose the row moved to', async t => {
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	assert.match(await goTo(app, 'Recipients'), /› \(•\) Keep: no limit/);
	app.stdin.write(KEY.down + KEY.enter);
	await app.waitFor('of 8  Privacy');
	await app.press(KEY.escape);
	assert.match(await app.waitFor('of 8  Recipients'), /› \(•\) 10 /);
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
	assert.doesNotMatch(toggled.replaceAll('\n', ''), /O PrivacyOptions=[^\n]*need(mail|expn)helo/);

	// Enter takes the toggled flags with it: back from Review they are still off.
	await app.press(KEY.enter);
	await app.waitFor('of 8  Review');
	await app.press(KEY.escape);
	const again = await app.waitFor('of 8  Privacy');
	assert.match(again, /\[ \] needmailhelo/);
	assert.match(again, /\[ \] needexpnhelo/);
});

test('Review: Down and Enter in one burst pick Back, not Write, and nothing is written', async t => {
	const {cfPath} = tempConfig(t);
	const before = readFileSync(cfPath);
	const app = renderWizard(await readTarget(cfPath), {answers: {maxMessageSize: 10_000_000}, answersFrom: 'answers.json'});
	t.after(() => app.unmount());
	await goTo(app, 'Privacy');
	await app.press(KEY.enter);
	assert.match(await app.waitFor('Write changes'), /› \(•\) Write changes/);
	app.stdin.write(KEY.down + KEY.enter);
	await app.waitFor('of 8  Privacy');
	assert.deepEqual(readFileSync(cfPath), before);
});
