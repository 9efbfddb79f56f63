import test from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {defaultPresetFolder, loadPresetAnswers, openPresetStore, type PresetStore} from '../source/presets.js';

const now = new Date('2025-01-31T09:30:00.000Z');

// Each test gets its own empty config folder.
function freshFolder(t: {after(fn: () => void): void}): string {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'presets-'));
	t.after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	return folder;
}

async function open(folder: string, projectVersion?: string): Promise<PresetStore> {
	const store = (await openPresetStore({cwd: folder, projectVersion}));
	assert.ok(store.ok, store.ok ? '' : store.error);
	return store.value;
}

async function openError(folder: string): Promise<string> {
	const store = (await openPresetStore({cwd: folder}));
	assert.equal(store.ok, false);
	const {error} = store as {error: string};
	assert.doesNotMatch(error, /\n/);
	return error;
}

test('the store follows XDG_CONFIG_HOME (conf uses env-paths, read when the store opens)', async t => {
	const folder = freshFolder(t);
	const before = process.env['XDG_CONFIG_HOME'];
	process.env['XDG_CONFIG_HOME'] = folder;
	try {
		assert.equal(defaultPresetFolder(), path.join(folder, 'sendmail-harden'));
		const store = (await openPresetStore());
		assert.ok(store.ok);
		assert.equal(store.value.path, path.join(folder, 'sendmail-harden', 'config.json'));
		assert.ok((await store.value.save('web', {maxMessageSize: 10_000_000}, {force: false, now})).ok);
		assert.equal(JSON.parse(readFileSync(path.join(folder, 'sendmail-harden', 'config.json'), 'utf8')).presets[0].name, 'web');
	} finally {
		if (before === undefined) {
			delete process.env['XDG_CONFIG_HOME'];
		} else {
			process.env['XDG_CONFIG_HOME'] = before;
		}
	}
});

test('a new store is empty', async t => {
	const store = (await open(freshFolder(t)));
	assert.deepEqual(store.list(), []);
	assert.match((store.get('web') as {error: string}).error, /^there is no preset "web"; run "sendmail-harden presets list"/);
});

test('save, get, list and delete, kept across openings', async t => {
	const folder = freshFolder(t);
	const store = (await open(folder));
	const saved = (await store.save('web', {greeting: '$j mailserver; $b', privacyOptions: ['goaway', 'restrictqrun']}, {force: false, now}));
	assert.deepEqual(saved, {
		ok: true,
		value: {name: 'web', savedAt: '2025-01-31T09:30:00.000Z', formatVersion: 1, answers: {greeting: '$j mailserver; $b', privacyOptions: ['goaway', 'restrictqrun']}},
	});
	assert.ok((await store.save('a.b.c', {maxRecipientsPerMessage: 10}, {force: false, now})).ok);

	const again = (await open(folder));
	assert.deepEqual(again.list().map(preset => preset.name), ['a.b.c', 'web']);
	assert.deepEqual(again.get('a.b.c'), {ok: true, value: {name: 'a.b.c', savedAt: '2025-01-31T09:30:00.000Z', formatVersion: 1, answers: {maxRecipientsPerMessage: 10}}});
	// A dotted name is one preset, not a path into the file.
	assert.equal(JSON.parse(readFileSync(again.path, 'utf8')).presets[0].name, 'a.b.c');

	assert.deepEqual((await again.delete('web')), {ok: true, value: undefined});
	assert.deepEqual((await open(folder)).list().map(preset => preset.name), ['a.b.c']);
	assert.match(((await again.delete('web')) as {error: string}).error, /^there is no preset "web" to delete/);
});

test('an existing name is only replaced with force', async t => {
	const folder = freshFolder(t);
	const store = (await open(folder));
	assert.ok((await store.save('web', {maxMessageSize: 1}, {force: false, now})).ok);
	const refused = (await store.save('web', {maxMessageSize: 2}, {force: false, now: new Date('2025-02-01T00:00:00Z')}));
	assert.deepEqual(refused, {ok: false, error: 'a preset named "web" exists already; add --force to replace it, or choose another name'});
	assert.equal((await open(folder)).list()[0]?.answers.maxMessageSize, 1);

	assert.ok((await store.save('web', {maxMessageSize: 2}, {force: true, now: new Date('2025-02-01T00:00:00Z')})).ok);
	assert.deepEqual((await open(folder)).list(), [{name: 'web', savedAt: '2025-02-01T00:00:00.000Z', formatVersion: 1, answers: {maxMessageSize: 2}}]);
});

test('bad names and bad answers are refused and nothing is written', async t => {
	const folder = freshFolder(t);
	const store = (await open(folder));
	assert.ok((await store.save('kept', {}, {force: false, now})).ok);
	const before = readFileSync(store.path, 'utf8');
	assert.match(((await store.save('.hidden', {}, {force: false, now})) as {error: string}).error, /is not a usable preset name/);
	assert.match(((await store.save('x', {privacyOptions: ['goawya' as 'goaway']}, {force: false, now})) as {error: string}).error, /^preset "x" was not saved: unknown privacy flag "goawya"/);
	assert.equal(readFileSync(store.path, 'utf8'), before);
});

test('opening the store (the wizard, presets list) creates no file; the first save does', async t => {
	const folder = freshFolder(t);
	const store = await open(folder);
	assert.deepEqual(store.list(), []);
	assert.equal(existsSync(path.join(folder, 'config.json')), false);
	assert.ok((await store.save('web', {}, {force: false, now})).ok);
	assert.equal(existsSync(path.join(folder, 'config.json')), true);
});

test('the store file is readable by its owner only', async t => {
	const store = (await open(freshFolder(t)));
	assert.ok((await store.save('web', {}, {force: false, now})).ok);
	assert.equal(statSync(store.path).mode & 0o777, 0o600);
});

function writeStore(folder: string, text: string): string {
	mkdirSync(folder, {recursive: true});
	const file = path.join(folder, 'config.json');
	writeFileSync(file, text);
	return file;
}

const goodPreset = {name: 'good', savedAt: '2025-01-31T09:30:00.000Z', formatVersion: 1, answers: {maxMessageSize: 25_000_000}};

test('garbage in the store: one line naming the file and what to do, the file untouched', async t => {
	const folder = freshFolder(t);
	const text = '{"presets": [' + JSON.stringify(goodPreset) + ', {"name": "half';
	const file = writeStore(folder, text);
	const error = (await openError(folder));
	assert.ok(error.startsWith(`the presets file ${file} is not valid JSON (`), error);
	assert.match(error, /fix it in an editor, or move it aside to start an empty store \(nothing was changed\)$/);
	assert.equal(readFileSync(file, 'utf8'), text);
});

test('valid JSON that is not a presets store is refused, the file untouched', async t => {
	const cases: Array<[unknown, RegExp]> = [
		[[1, 2], /is not a presets store/],
		[{presets: 'web'}, /has "presets" that is not a list/],
		[{presets: [goodPreset], extra: 1}, /has an unknown key "extra"/],
		[{presets: [goodPreset, {...goodPreset, savedAt: 5}]}, /has preset "good" with a problem: "savedAt" must be a time/],
		[{presets: [goodPreset, goodPreset]}, /has two presets named "good"/],
		[{presets: [goodPreset, {...goodPreset, name: 'x', formatVersion: 2}]}, /preset "x" with a problem: "formatVersion" is 2/],
		[{presets: [goodPreset, {...goodPreset, name: '-x'}]}, /preset "-x" with a problem: "-x" is not a usable preset name/],
		[{presets: [goodPreset, {name: 'y', savedAt: goodPreset.savedAt}]}, /preset "y" with a problem: it has no "answers"/],
		[{presets: [goodPreset, 7]}, /has preset number 2 that is not a JSON object/],
	];
	for (const [value, expected] of cases) {
		const folder = freshFolder(t);
		const text = JSON.stringify(value);
		const file = writeStore(folder, text);
		const error = (await openError(folder));
		assert.ok(error.startsWith(`the presets file ${file} `), error);
		assert.match(error, expected);
		assert.equal(readFileSync(file, 'utf8'), text);
	}
});

test('a hand-edited preset with an unknown flag is refused; the other presets are kept and come back once it is fixed', async t => {
	const folder = freshFolder(t);
	const store = (await open(folder));
	assert.ok((await store.save('good', goodPreset.answers, {force: false, now})).ok);
	assert.ok((await store.save('typo', {privacyOptions: ['goaway']}, {force: false, now})).ok);
	const edited = readFileSync(store.path, 'utf8').replace('"goaway"', '"goawya"');
	writeFileSync(store.path, edited);

	const error = (await openError(folder));
	assert.match(error, /has preset "typo" with a problem: unknown privacy flag "goawya"/);
	assert.equal(readFileSync(store.path, 'utf8'), edited);

	writeFileSync(store.path, edited.replace('"goawya"', '"goaway"'));
	assert.deepEqual((await open(folder)).list().map(preset => [preset.name, preset.answers]), [
		['good', {maxMessageSize: 25_000_000}],
		['typo', {privacyOptions: ['goaway']}],
	]);
});

test('a store changed by hand after opening makes save fail as a value, not a throw', async t => {
	const folder = freshFolder(t);
	const store = (await open(folder));
	assert.ok((await store.save('good', {}, {force: false, now})).ok);
	writeFileSync(store.path, '{');
	const result = (await store.save('next', {}, {force: false, now}));
	assert.equal(result.ok, false);
	assert.match((result as {error: string}).error, /is not valid JSON/);
	assert.equal(readFileSync(store.path, 'utf8'), '{');
});

test('the 0.1.0 migration adds formatVersion to presets that lack it, once', async t => {
	const folder = freshFolder(t);
	const {formatVersion: _, ...old} = goodPreset;
	const file = writeStore(folder, JSON.stringify({presets: [old]}));
	const store = (await open(folder, '0.1.0'));
	assert.deepEqual(store.list(), [goodPreset]);
	const written = JSON.parse(readFileSync(file, 'utf8'));
	assert.deepEqual(written.presets, [goodPreset]);
	assert.equal(written.__internal__.migrations.version, '0.1.0');

	// Already at 0.1.0: a preset lacking formatVersion now is an error, not migrated again.
	writeFileSync(file, JSON.stringify({...written, presets: [old]}));
	assert.match((await openError(folder)), /has preset "good" with a problem: it has no "formatVersion"/);
});

test('opening with a later version keeps the presets and records the version', async t => {
	const folder = freshFolder(t);
	assert.ok((await (await open(folder, '0.1.0')).save('good', goodPreset.answers, {force: false, now})).ok);
	const store = (await open(folder, '0.2.0'));
	assert.deepEqual(store.list(), [goodPreset]);
	assert.equal(JSON.parse(readFileSync(store.path, 'utf8')).__internal__.migrations.version, '0.2.0');
});

test('loadPresetAnswers gives a preset\'s answers for --preset, or one line', async t => {
	const folder = freshFolder(t);
	assert.ok((await (await open(folder)).save('web', {maxRecipientsPerMessage: 10}, {force: false, now})).ok);
	assert.deepEqual((await loadPresetAnswers('web', {cwd: folder})), {ok: true, value: {maxRecipientsPerMessage: 10}});
	assert.match(((await loadPresetAnswers('mail', {cwd: folder})) as {error: string}).error, /^there is no preset "mail"/);
	assert.match(((await loadPresetAnswers('--yes', {cwd: folder})) as {error: string}).error, /is not a usable preset name/);
	writeFileSync(path.join(folder, 'config.json'), 'oops');
	assert.match(((await loadPresetAnswers('web', {cwd: folder})) as {error: string}).error, /config\.json is not valid JSON/);
});
