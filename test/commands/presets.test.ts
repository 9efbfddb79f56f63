import test from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {runPresets, summarizeAnswers, type PresetsFlags} from '../../source/commands/presets.js';
import type {CommandIo} from '../../source/commands/command-io.js';

type Run = {code: number; out: string; err: string};

// A fresh store folder and a scratch folder for answers files, per test.
function setup(t: {after(fn: () => void): void}) {
	const root = mkdtempSync(path.join(os.tmpdir(), 'presets-command-'));
	t.after(() => {
		rmSync(root, {recursive: true, force: true});
	});
	const store = path.join(root, 'store');
	const file = (name: string, content?: unknown) => {
		const full = path.join(root, name);
		if (content !== undefined) {
			writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
		}

		return full;
	};

	const run = async (input: string[], flags: PresetsFlags = {}): Promise<Run> => {
		let out = '';
		let err = '';
		const io: CommandIo = {
			out(text) {
				out += text;
			},
			err(text) {
				err += text;
			},
			env: {},
		};
		const code = await runPresets(input, flags, io, {cwd: store});
		return {code, out, err};
	};

	return {run, file, store};
}

function assertBadInput(result: Run, expected: RegExp): void {
	assert.equal(result.code, 2, result.err);
	assert.equal(result.out, '');
	assert.match(result.err, /^sendmail-harden: [^\n]+\n$/);
	assert.match(result.err, expected);
}

const webAnswers = {
	greeting: '$j mailserver; $b',
	maxMessageSize: 25_000_000,
	maxRecipientsPerMessage: 50,
	privacyOptions: ['goaway', 'restrictmailq', 'restrictqrun'],
	hideHelpVersion: true,
};

test('list on an empty store says how to save one', async t => {
	const {run} = setup(t);
	const result = await run(['list']);
	assert.equal(result.code, 0);
	assert.equal(result.err, '');
	assert.match(result.out, /^No presets saved yet \(.*config\.json\)\. Save one with "sendmail-harden presets save NAME --answers FILE"/);
});

test('save, list, show and delete', async t => {
	const {run, file} = setup(t);
	const saved = await run(['save', 'web'], {answers: file('web.json', webAnswers)});
	assert.equal(saved.code, 0, saved.err);
	assert.match(saved.out, /^Saved preset "web" in .*config\.json: greeting "\$j mailserver; \$b", MaxMessageSize 25 MB, MaxRecipientsPerMessage 50, PrivacyOptions goaway,restrictmailq,restrictqrun, HELP hides the version\.\n$/);
	assert.equal((await run(['save', 'empty'], {answers: file('empty.json', {})})).code, 0);

	const list = await run(['list']);
	assert.equal(list.code, 0);
	const lines = list.out.split('\n');
	assert.equal(lines.length, 3);
	assert.match(lines[0]!, /^empty {2}\d{4}-\d\d-\d\d \d\d:\d\d UTC {2}changes nothing$/);
	assert.match(lines[1]!, /^web {4}\d{4}-\d\d-\d\d \d\d:\d\d UTC {2}greeting "\$j mailserver; \$b", MaxMessageSize 25 MB/);

	const show = await run(['show', 'web']);
	assert.equal(show.code, 0);
	assert.deepEqual(JSON.parse(show.out), webAnswers);

	const deleted = await run(['delete', 'web']);
	assert.deepEqual(deleted, {code: 0, out: 'Deleted preset "web".\n', err: ''});
	assertBadInput(await run(['show', 'web']), /there is no preset "web"; run "sendmail-harden presets list"/);
});

test('save over an existing name needs --force', async t => {
	const {run, file} = setup(t);
	assert.equal((await run(['save', 'web'], {answers: file('a.json', {maxMessageSize: 1})})).code, 0);
	assertBadInput(await run(['save', 'web'], {answers: file('b.json', {maxMessageSize: 2})}), /a preset named "web" exists already; add --force/);
	assert.deepEqual(JSON.parse((await run(['show', 'web'])).out), {maxMessageSize: 1});
	assert.equal((await run(['save', 'web'], {answers: file('b.json'), force: true})).code, 0);
	assert.deepEqual(JSON.parse((await run(['show', 'web'])).out), {maxMessageSize: 2});
});

test('export to stdout, to a file, and import back gives identical answers', async t => {
	const {run, file} = setup(t);
	await run(['save', 'web'], {answers: file('web.json', webAnswers)});

	const printed = await run(['export', 'web']);
	assert.equal(printed.code, 0);
	const exported = JSON.parse(printed.out);
	assert.equal(exported.sendmailHardenPreset, 1);
	assert.equal(exported.name, 'web');
	assert.match(exported.savedAt, /^\d{4}-\d\d-\d\dT/);
	assert.deepEqual(exported.answers, webAnswers);

	const target = file('web-export.json');
	assert.deepEqual(await run(['export', 'web', target]), {code: 0, out: `Exported preset "web" to ${target}.\n`, err: ''});
	assert.equal(readFileSync(target, 'utf8'), printed.out);
	assertBadInput(await run(['export', 'web', target]), /web-export\.json exists already; add --force to overwrite it/);
	assert.equal((await run(['export', 'web', target], {force: true})).code, 0);

	// Importing under its own name needs --force; under another name it does not.
	assertBadInput(await run(['import', target]), /a preset named "web" exists already; add --force/);
	assert.equal((await run(['import', target], {name: 'web-copy'})).code, 0);
	assert.deepEqual(JSON.parse((await run(['show', 'web-copy'])).out), webAnswers);
	await run(['delete', 'web']);
	assert.equal((await run(['import', target])).code, 0);
	assert.deepEqual(JSON.parse((await run(['show', 'web'])).out), webAnswers);
});

test('export --force to a name where another user planted a link: the link is replaced by the export, the file it pointed to is untouched', async t => {
	const {run, file} = setup(t);
	await run(['save', 'web'], {answers: file('web.json', webAnswers)});
	// A root-only file, and a folder the attacker owns (not sticky: the kernel's protected_symlinks does not apply).
	const victim = file('shadow', 'root:$6$secret:19000:0:99999:7:::\n');
	chmodSync(victim, 0o600);
	chmodSync(path.dirname(victim), 0o755);
	const theirs = path.join(path.dirname(victim), 'nobody-owns');
	mkdirSync(theirs);
	const nobody = Number(spawnSync('id', ['-u', 'nobody'], {encoding: 'utf8'}).stdout.trim());
	chownSync(theirs, nobody, nobody);
	const link = path.join(theirs, 'web.json');
	const planted = spawnSync('setpriv', [`--reuid=${nobody}`, `--regid=${nobody}`, '--clear-groups', 'ln', '-s', victim, link], {encoding: 'utf8'});
	assert.equal(planted.status, 0, planted.stderr);

	assertBadInput(await run(['export', 'web', link]), /web\.json exists already; add --force/);
	assert.equal(readFileSync(victim, 'utf8'), 'root:$6$secret:19000:0:99999:7:::\n');
	const forced = await run(['export', 'web', link], {force: true});
	assert.equal(forced.code, 0, forced.err);
	assert.equal(readFileSync(victim, 'utf8'), 'root:$6$secret:19000:0:99999:7:::\n', 'the file the link pointed to is untouched');
	assert.ok(lstatSync(link).isFile(), 'the link was replaced by a regular file');
	assert.equal(JSON.parse(readFileSync(link, 'utf8')).name, 'web');
	assert.equal(lstatSync(link).uid, process.getuid!(), 'the export is the running user\'s');
	assert.deepEqual(readdirSync(theirs), ['web.json'], 'no temporary file left');
});

test('a bare answers file imports with --name, and save accepts an export', async t => {
	const {run, file} = setup(t);
	assertBadInput(await run(['import', file('bare.json', {maxRecipientsPerMessage: 10})]), /bare\.json holds answers without a preset name; add --name NAME/);
	assert.equal((await run(['import', file('bare.json')], {name: 'small'})).code, 0);
	assert.deepEqual(JSON.parse((await run(['show', 'small'])).out), {maxRecipientsPerMessage: 10});

	const wrapper = file('wrap.json', {sendmailHardenPreset: 1, name: 'other', savedAt: '2025-01-31T09:30:00.000Z', answers: {hideHelpVersion: true}});
	assert.equal((await run(['save', 'mine'], {answers: wrapper})).code, 0);
	assert.deepEqual(JSON.parse((await run(['show', 'mine'])).out), {hideHelpVersion: true});
	assertBadInput(await run(['show', 'other']), /there is no preset "other"/);
});

test('every bad input is one stderr line and exit 2', async t => {
	const {run, file} = setup(t);
	await run(['save', 'web'], {answers: file('web.json', webAnswers)});
	const missing = file('nope.json');
	const cases: Array<[string[], PresetsFlags, RegExp]> = [
		[[], {}, /"presets" needs a subcommand; use: presets list \| show NAME/],
		[['lst'], {}, /unknown presets subcommand "lst"/],
		[['show'], {}, /"presets show" is missing an argument; use: presets show NAME/],
		[['show', 'a', 'b'], {}, /"presets show" got an unexpected argument "b"/],
		[['list', 'x'], {}, /"presets list" got an unexpected argument "x"/],
		[['show', 'nope'], {}, /there is no preset "nope"/],
		[['show', '../etc/passwd'], {}, /"\.\.\/etc\/passwd" is not a usable preset name/],
		[['delete', 'nope'], {}, /there is no preset "nope" to delete/],
		[['export', 'nope'], {}, /there is no preset "nope"/],
		[['save', 'x'], {}, /"presets save" needs the answers to save; use: presets save NAME --answers FILE/],
		[['save', '-x'], {answers: file('web.json')}, /"-x" is not a usable preset name/],
		[['save', 'x'], {answers: missing}, /the answers file .*nope\.json does not exist/],
		[['save', 'x'], {answers: path.dirname(missing)}, /the answers file .* is a folder/],
		[['save', 'x'], {answers: file('bad.json', '{"maxMessageSize": ')}, /bad\.json is not valid JSON/],
		[['save', 'x'], {answers: file('key.json', {maxMesageSize: 1})}, /key\.json: unknown key "maxMesageSize"/],
		[['save', 'x'], {answers: file('flag.json', {privacyOptions: ['goawya']})}, /flag\.json: unknown privacy flag "goawya"/],
		[['import', missing], {}, /the answers file .*nope\.json does not exist/],
		[['import', file('web.json')], {name: 'a b'}, /"a b" is not a usable preset name/],
		[['export', 'web', path.join(path.dirname(missing), 'no-folder', 'x.json')], {}, /cannot write .*x\.json: its folder does not exist/],
		[['list'], {answers: 'x.json'}, /--answers does not go with "presets list"/],
		[['show', 'web'], {force: true}, /--force does not go with "presets show"/],
		[['save', 'x'], {answers: file('web.json'), name: 'y'}, /--name does not go with "presets save"/],
	];
	for (const [input, flags, expected] of cases) {
		assertBadInput(await run(input, flags), expected);
	}

	assert.equal(existsSync(missing), false);
	assert.deepEqual(JSON.parse((await run(['show', 'web'])).out), webAnswers);
	assertBadInput(await run(['show', 'x']), /there is no preset "x"/);
});

test('a corrupt store: every subcommand gives one line naming the file, and the file is kept', async t => {
	const {run, file, store} = setup(t);
	await run(['save', 'web'], {answers: file('web.json', webAnswers)});
	const storeFile = path.join(store, 'config.json');
	const edited = readFileSync(storeFile, 'utf8').replace('"restrictqrun"', '"restrictqrn"');
	writeFileSync(storeFile, edited);
	for (const input of [['list'], ['show', 'web'], ['delete', 'web'], ['export', 'web']]) {
		const result = await run(input);
		assertBadInput(result, /has preset "web" with a problem: unknown privacy flag "restrictqrn"/);
		assert.ok(result.err.includes(storeFile));
	}

	assertBadInput(await run(['save', 'x'], {answers: file('web.json')}), /fix it in an editor, or move it aside/);
	assert.equal(readFileSync(storeFile, 'utf8'), edited);
});

test('the summary names each setting in sendmail\'s words', () => {
	assert.equal(summarizeAnswers({}), 'changes nothing');
	assert.equal(summarizeAnswers({maxMessageSize: 0, maxRecipientsPerMessage: 0, privacyOptions: [], hideHelpVersion: false}),
		'MaxMessageSize no limit, MaxRecipientsPerMessage no limit, PrivacyOptions (none), HELP keeps the version');
});
