// Presets in the wizard: Welcome offers to start from a saved one (every step pre-filled from it),
// and Done saves the answers under a name, asking before it replaces one. The store is the real
// one (source/presets.ts) in a temp folder.
import test from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Answers} from '../source/core/answers.js';
import {GENERIC_GREETING} from '../source/core/greeting.js';
import {ok, type Result} from '../source/core/result.js';
import {openPresetStore, type PresetStore} from '../source/presets.js';
import {KEY, NOW, openWizard, enterUntil, escapeUntil, type Rendered, tempConfig} from './app-helpers.js';
import {stepHeading} from './helpers/steps.js';

const WEB: Answers = {
	greeting: GENERIC_GREETING,
	maxMessageSize: 25_000_000,
	maxRecipientsPerMessage: 50,
	privacyOptions: ['goaway', 'restrictmailq', 'restrictqrun'],
	hideHelpVersion: true,
};

const OTHER: Answers = {maxMessageSize: 10_000_000, maxRecipientsPerMessage: 10};

async function tempStore(t: {after(fn: () => void): void}, presets: Record<string, Answers> = {}): Promise<{folder: string; store: PresetStore; reopen(): Promise<PresetStore>; file(): string | undefined}> {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'wizard-presets-'));
	t.after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	const open = async () => {
		const store = await openPresetStore({cwd: folder});
		if (!store.ok) {
			throw new Error(store.error);
		}

		return store.value;
	};

	const store = await open();
	for (const [name, answers] of Object.entries(presets)) {
		const saved = await store.save(name, answers, {force: false, now: NOW});
		assert.ok(saved.ok);
	}

	const configFile = path.join(folder, 'config.json');
	return {folder, store, reopen: open, file: () => (existsSync(configFile) ? readFileSync(configFile, 'utf8') : undefined)};
}

/** The wizard's options for a preset store that opens at once. */
function withStore(store: PresetStore) {
	return {effects: {loadPresets: async () => ok(store)}};
}

test('Welcome offers the saved presets; one chosen pre-fills every step and Enter replays it to Review', async t => {
	const {cfPath} = tempConfig(t);
	const {store} = await tempStore(t, {'web': WEB, 'a-other': OTHER});
	const app = await openWizard(t, cfPath, withStore(store));

	const welcome = await app.waitFor('Start from');
	assert.match(welcome, /Start from \(2 presets\)\n› \(•\) The current settings\n {2}\( \) Preset "a-other"\n/);
	await app.press(KEY.down, KEY.down);
	// Moving chooses nothing; Enter chooses the row the pointer is on.
	assert.match(app.frame(), /\( \) Preset "a-other"\n› \( \) Preset "web"\n/);
	await app.press(KEY.enter);

	const greeting = await app.waitFor(stepHeading('Greeting'));
	assert.match(greeting, /› \(•\) Generic: host name and "mailserver"/);
	// docs/sendmail.md, "The greeting": "$j mailserver; $b" gives "220 <host> ESMTP mailserver; <date>".
	assert.match(greeting, /220 mail\.example\.org ESMTP mailserver; Tue, 4 Mar 2025 05:06:07 GMT/);
	await app.press(KEY.enter);
	assert.match(await app.waitFor(stepHeading('Size')), /› \(•\) 25 MB/);
	await app.press(KEY.enter);
	assert.match(await app.waitFor(stepHeading('Recipients')), /› \(•\) 50/);
	await app.press(KEY.enter);
	const privacy = await app.waitFor(stepHeading('Privacy'));
	assert.match(privacy, /\[x\] goaway/);
	assert.match(privacy, /\[x\] restrictmailq/);
	assert.match(privacy, /\[x\] restrictqrun/);
	await enterUntil(app, 'Review');
	// The diff scrolls: read every page of it.
	let review = (await app.waitFor('Write changes')).replaceAll('\n', '');
	for (let page = 0; page < 4; page++) {
		await app.press(KEY.pageDown);
		review += app.frame().replaceAll('\n', '');
	}

	assert.match(review, /\+ O SmtpGreetingMessage=\$j mailserver; \$b/);
	assert.match(review, /\+ O MaxMessageSize=25000000/);
	assert.match(review, /\+ O MaxRecipientsPerMessage=50/);
	assert.match(review, /\+ O PrivacyOptions=goaway,restrictmailq,restrictqrun/);

	// Back at Welcome, it says where the answers come from.
	await escapeUntil(app, 'Welcome');

	assert.match(app.frame(), /pre-filled from preset "web"/);
});

test('no presets, or answers given with --preset/--answers: Welcome offers no choice', async t => {
	const {cfPath} = tempConfig(t);
	const empty = await tempStore(t);
	const none = await openWizard(t, cfPath, withStore(empty.store));
	assert.doesNotMatch(await none.waitFor('press enter to keep them'), /Start from/);

	const {store} = await tempStore(t, {web: WEB});
	const given = await openWizard(t, cfPath, {answers: OTHER, answersFrom: 'answers.json', ...withStore(store)});
	const screen = await given.waitFor('pre-filled from answers.json');
	assert.doesNotMatch(screen, /Preset "web"/);
});

test('q and Esc at Welcome with presets offered write nothing', async t => {
	const {folder, cfPath} = tempConfig(t);
	const cfBefore = readFileSync(cfPath);
	const filesBefore = readdirSync(folder);
	const presets = await tempStore(t, {web: WEB});
	const storeBefore = presets.file();
	const app = await openWizard(t, cfPath, withStore(presets.store));
	await app.waitFor('Start from');
	await app.press(KEY.down, KEY.escape);
	assert.match(app.frame(), new RegExp(stepHeading('Welcome')));
	await app.press('q');
	assert.deepEqual(app.result(), {code: 0, message: 'Quit: nothing was written.'});
	assert.deepEqual(readFileSync(cfPath), cfBefore);
	assert.equal(presets.file(), storeBefore);
	assert.deepEqual(readdirSync(folder), filesBefore);
});

/** Replays the answers to Done (nothing to restart in a temp folder). */
async function toDone(app: Rendered): Promise<string> {
	await app.waitFor('pre-filled from');
	await enterUntil(app, 'Review');
	await app.waitFor('Write changes');
	await app.press(KEY.enter);
	await app.waitFor('Continue');
	await app.press(KEY.enter);
	return app.waitFor('Save these answers as a preset');
}

/** Replays the answers to Done, then picks saving them as a preset. */
async function toPresetName(app: Rendered): Promise<void> {
	await toDone(app);
	await app.press(KEY.down, KEY.enter);
	await app.waitFor('Name for the preset');
}

test('Done saves the answers as a new preset; a bad name is refused with the reason', async t => {
	const {cfPath} = tempConfig(t);
	const presets = await tempStore(t, {web: WEB});
	const app = await openWizard(t, cfPath, {answers: OTHER, answersFrom: 'answers.json', ...withStore(presets.store)});
	await toPresetName(app);
	await app.press(...'-bad');
	await app.press(KEY.enter);
	const refused = await app.waitFor('is not a usable preset name');
	assert.match(refused, /✗ "-bad" is not a usable preset name/);
	assert.deepEqual((await presets.reopen()).list().map(preset => preset.name), ['web']);

	await app.press('\u0015', ...'mail-2');
	await app.press(KEY.enter);
	const saved = await app.waitFor('Saved as preset');
	assert.match(saved, /✓ Saved as preset "mail-2"; reuse it with --preset mail-2/);
	const stored = (await presets.reopen()).get('mail-2');
	assert.ok(stored.ok);
	assert.deepEqual(stored.value.answers, OTHER);
	assert.equal(stored.value.savedAt, NOW.toISOString());
	assert.deepEqual((await presets.reopen()).get('web'), presets.store.get('web'));
	await app.press(KEY.enter);
	assert.deepEqual(app.result(), {code: 0});
});

test('Done: a preset name and Enter in one read save it under that name', async t => {
	const {cfPath} = tempConfig(t);
	const presets = await tempStore(t, {web: WEB});
	const app = await openWizard(t, cfPath, {answers: OTHER, answersFrom: 'answers.json', ...withStore(presets.store)});
	await toPresetName(app);
	// Over SSH the name and the Enter come in one read; the Enter must not become part of the name.
	app.stdin.write('mx2\r');
	assert.match(await app.waitFor('Saved as preset'), /✓ Saved as preset "mx2"/);
	assert.ok((await presets.reopen()).get('mx2').ok);
});

test('Done asks before replacing a preset: n keeps the old one, y replaces it', async t => {
	const {cfPath} = tempConfig(t);
	const presets = await tempStore(t, {web: WEB});
	const app = await openWizard(t, cfPath, {answers: OTHER, answersFrom: 'answers.json', ...withStore(presets.store)});
	await toPresetName(app);
	await app.press(...'web', KEY.enter);
	assert.match(await app.waitFor('Replace it?'), /A preset named "web" exists\. Replace it\? \(y\/n\)/);
	await app.press('n');
	await app.waitFor('Name for the preset');
	const kept = (await presets.reopen()).get('web');
	assert.ok(kept.ok);
	assert.deepEqual(kept.value.answers, WEB);

	await app.press(KEY.enter);
	await app.waitFor('Replace it?');
	await app.press('y');
	await app.waitFor('Saved as preset "web"');
	const replaced = (await presets.reopen()).get('web');
	assert.ok(replaced.ok);
	assert.deepEqual(replaced.value.answers, OTHER);
	assert.deepEqual((await presets.reopen()).list().map(preset => preset.name), ['web']);
});

test('Esc and q at Done save nothing', async t => {
	const {cfPath} = tempConfig(t);
	const presets = await tempStore(t, {web: WEB});
	const storeBefore = presets.file();
	const app = await openWizard(t, cfPath, {answers: OTHER, answersFrom: 'answers.json', ...withStore(presets.store)});
	await toDone(app);
	const written = readFileSync(cfPath);
	await app.press(KEY.down, KEY.enter);
	await app.waitFor('Name for the preset');
	await app.press(...'web', KEY.enter);
	await app.waitFor('Replace it?');
	await app.press(KEY.escape);
	await app.waitFor('Save these answers as a preset');
	await app.press(KEY.down, KEY.enter);
	await app.waitFor('Name for the preset');
	await app.press(...'new-one', KEY.escape);
	await app.waitFor('Save these answers as a preset');
	// Esc at the menu is not "back" once the files are written.
	await app.press(KEY.escape);
	assert.match(app.frame(), new RegExp(stepHeading('Done')));
	await app.press('q');
	assert.deepEqual(app.result(), {code: 0});
	assert.equal(presets.file(), storeBefore);
	assert.deepEqual(readFileSync(cfPath), written);
});

test('an arrow and Enter that arrive in one burst act on the moved highlight', async t => {
	const {cfPath} = tempConfig(t);
	const presets = await tempStore(t, {web: WEB});
	const app = await openWizard(t, cfPath, withStore(presets.store));
	await app.waitFor('Start from');
	app.stdin.write(KEY.down + KEY.enter);
	await app.waitFor(stepHeading('Greeting'));
	await app.press(KEY.escape);
	assert.match(await app.waitFor(stepHeading('Welcome')), /pre-filled from preset "web"/);
	await enterUntil(app, 'Review');
	await app.waitFor('Write changes');
	await app.press(KEY.enter);
	await app.waitFor('Continue');
	await app.press(KEY.enter);
	await app.waitFor('Save these answers as a preset');
	app.stdin.write(KEY.down + KEY.enter);
	await app.waitFor('Name for the preset');
});

test('presets arrive after the first screen without moving the highlight; a damaged store is one line on Welcome', async t => {
	const {cfPath} = tempConfig(t);
	const {store} = await tempStore(t, {web: WEB});
	let arrive: (value: Result<PresetStore>) => void = () => {};
	const app = await openWizard(t, cfPath, {effects: {loadPresets: async () => new Promise(resolve => {
		arrive = resolve;
	})}});
	// The first screen does not wait for the store.
	assert.match(await app.waitFor(stepHeading('Welcome')), /press enter to keep them/);
	arrive(ok(store));
	assert.match(await app.waitFor('Start from'), /› \(•\) The current settings\n {2}\( \) Preset "web"/);

	const folder = mkdtempSync(path.join(os.tmpdir(), 'wizard-presets-'));
	t.after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	writeFileSync(path.join(folder, 'config.json'), '{"presets": [');
	const damaged = await openWizard(t, cfPath, {effects: {loadPresets: async () => openPresetStore({cwd: folder})}});
	const screen = (await damaged.waitFor('! ')).replaceAll('\n', ' ');
	assert.match(screen, /! the presets file \S+config\.json .*nothing was changed\)/);
	assert.doesNotMatch(screen, /Start from/);
	assert.equal(readFileSync(path.join(folder, 'config.json'), 'utf8'), '{"presets": [');
});
