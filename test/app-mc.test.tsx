// The wizard on Debian's own sendmail.mc and sendmail.cf, copied into a temp folder: Welcome offers
// to edit the .mc (or the .cf only), Review shows the .mc diff, the rebuild and the .cf diff, and
// Write leaves exactly the bytes `--yes` (and `--yes --cf-only`) leaves.
import test from 'node:test';
import assert from 'node:assert/strict';
import {copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {runHarden} from '../source/commands/harden.js';
import type {Answers} from '../source/core/answers.js';
import {fail, ok} from '../source/core/result.js';
import {optionValue, parseCf} from '../source/core/sendmail-cf.js';
import type {Preset} from '../source/presets.js';
import {checkMcAgrees} from '../source/system/make-plan.js';
import {findMcFor} from '../source/system/mc-rebuild.js';
import {KEY, NOW, checkEnv, enterUntil, readTarget, renderWizard, tempConfig, type Rendered} from './app-helpers.js';
import {skipUnlessDebianMc} from './helpers/debian-mc.js';
import {stepHeading} from './helpers/steps.js';

const answersFile = path.resolve('test/fixtures/article-answers.json');
const ARTICLE = JSON.parse(readFileSync(answersFile, 'utf8')) as Answers;
const MC_CHOICE = 'Edit sendmail.mc and rebuild sendmail.cf (recommended)';
const CF_CHOICE = 'Edit sendmail.cf only (the next rebuild undoes it)';

/** Debian's .mc and .cf as installed, in a fresh folder, HelpFile pointing at a copy (as test/commands/harden-mc.test.ts). */
function copyDebian(t: {after(fn: () => void): void}): {folder: string; mcPath: string; cfPath: string; helpPath: string} {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'wizard-mc-test-'));
	t.after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	const mcPath = path.join(folder, 'sendmail.mc');
	const cfPath = path.join(folder, 'sendmail.cf');
	const helpPath = path.join(folder, 'helpfile');
	copyFileSync('/etc/mail/helpfile', helpPath);
	// The same HelpFile change in both files (proto.m4 reads HELP_FILE), so they still agree.
	const mc = readFileSync('/etc/mail/sendmail.mc', 'latin1').replace(/^MAILER\(/m, `define(\`HELP_FILE', \`${helpPath}')dnl\nMAILER(`);
	const cf = readFileSync('/etc/mail/sendmail.cf', 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`);
	writeFileSync(mcPath, mc, 'latin1');
	writeFileSync(cfPath, cf, 'latin1');
	return {folder, mcPath, cfPath, helpPath};
}

const snapshot = (files: string[]) => files.map(file => readFileSync(file));

/** Welcome → Review by Enter (the Welcome choice as it stands); resolves on the worked-out plan. */
async function toReview(app: Rendered): Promise<string> {
	await enterUntil(app, 'Review');
	return app.waitFor('Write changes');
}

/** Every row Review scrolls through, one page after another, in order. */
async function everyReviewRow(app: Rendered): Promise<string> {
	const pages: string[] = [];
	for (;;) {
		const frame = app.frame();
		const position = /\(lines (\d+)-(\d+) of (\d+);/.exec(frame);
		// The window's rows: from the first line under the header to the position line.
		const rows = frame.split('\n');
		const end = rows.findIndex(row => row.startsWith('(lines '));
		pages.push(rows.slice(2, end === -1 ? undefined : end).join('\n'));
		if (position === null || position[2] === position[3]) {
			return pages.join('\n');
		}

		// The next page is drawn when the position line moves on.
		await app.press(KEY.pageDown);
		await app.waitFor(new RegExp(`\\(lines (?!${position[1]}-)\\d+-\\d+ of ${position[3]};`));
	}
}

/** Puts the files back as they were and runs `--yes` (with --cf-only if asked) on them, a second later. */
async function hardenAgain(folder: string, originals: Array<[string, Buffer]>, cfOnly: boolean): Promise<void> {
	for (const [file, bytes] of originals) {
		writeFileSync(file, bytes);
	}

	const output: string[] = [];
	const io = {out: (text: string) => output.push(text), err: (text: string) => output.push(text), env: checkEnv};
	const code = await runHarden({config: path.join(folder, 'sendmail.cf'), answers: answersFile, yes: true, cfOnly}, io, {now: () => new Date(NOW.getTime() + 1000), findRestartPlan: async () => undefined});
	assert.equal(code, 0, output.join(''));
}

test('Welcome offers the .mc, Review shows its diff, the rebuild, the .cf diff and the note; Write gives the bytes --yes writes', skipUnlessDebianMc(), async t => {
	const {folder, mcPath, cfPath, helpPath} = copyDebian(t);
	const files = [mcPath, cfPath, helpPath];
	const originals = snapshot(files);
	const app = renderWizard(await readTarget(cfPath), {answers: ARTICLE, answersFrom: answersFile});
	t.after(() => app.unmount());

	const welcome = await app.waitFor(MC_CHOICE);
	assert.match(welcome, /Built from sendmail\.mc: a rebuild \(sendmailconfig, make\) drops direct \.cf edits\./);
	assert.ok(welcome.includes(`› (•) ${MC_CHOICE}`), welcome);
	assert.ok(welcome.includes(`  ( ) ${CF_CHOICE}`), welcome);

	await toReview(app);
	const rows = await everyReviewRow(app);
	assert.ok(rows.replaceAll('\n', ' ').includes(`sendmail.cf is rebuilt from sendmail.mc (same as: cd ${folder} && m4 sendmail.mc > sendmail.cf)`), rows);
	// Line by line: a path heading is a row of its own (the .mc diff mentions the help file's path too).
	const lines = rows.split('\n');
	const row = (test: (line: string) => boolean) => lines.findIndex(line => test(line));
	// The notes first (a long diff would push them pages down), then the files; each hunk under a
	// `diff -u` header, its lines with their sign only.
	const order = [
		row(line => line.startsWith('note: sendmail.cf is built from')),
		row(line => line === mcPath),
		row(line => /^@@ -\d+(,\d+)? \+\d+(,\d+)? @@$/.test(line)),
		row(line => line === "+ `goaway,restrictmailq,restrictqrun')dnl"),
		row(line => line === `  $ cd ${folder} && m4 sendmail.mc`),
		row(line => /^ {2}m4 built \d+ lines of sendmail\.cf with no errors$/.test(line)),
		row(line => line === cfPath),
		row(line => line === '+ O MaxMessageSize=500000'),
		row(line => line === helpPath),
	];
	assert.ok(order.every(at => at !== -1), `${JSON.stringify(order)}\n${rows}`);
	assert.deepEqual([...order].sort((a, b) => a - b), order, rows);
	assert.match(rows, /note: confMAX_MESSAGE_SIZE was not set in the \.mc; a define was added/);

	await app.press(KEY.enter);
	const applied = await app.waitFor('Continue');
	assert.match(applied, /✓ Wrote sendmail\.mc and rebuilt sendmail\.cf from it; both were backed up first\./);
	assert.match(applied, /Backup: .*sendmail\.mc\.sendmail-harden-.*\.bak/);
	assert.match(applied, /Backup: .*sendmail\.cf\.sendmail-harden-.*\.bak/);
	const wizard = snapshot(files);
	assert.notDeepEqual(wizard[0], originals[0]);
	assert.notDeepEqual(wizard[1], originals[1]);

	await app.press(KEY.enter);
	const done = await app.waitFor(stepHeading('Done'));
	assert.ok(done.replaceAll('\n', ' ').includes('(rebuilt from it) were changed.'), done);

	await hardenAgain(folder, files.map((file, index) => [file, originals[index]!]), false);
	assert.deepEqual(snapshot(files), wizard);
});

test('"sendmail.cf only" leaves the .mc byte-identical, keeps the warning on Review, and writes what --yes --cf-only writes', skipUnlessDebianMc(), async t => {
	const {folder, mcPath, cfPath, helpPath} = copyDebian(t);
	const files = [mcPath, cfPath, helpPath];
	const originals = snapshot(files);
	const app = renderWizard(await readTarget(cfPath), {answers: ARTICLE, answersFrom: answersFile});
	t.after(() => app.unmount());

	await app.waitFor(MC_CHOICE);
	await app.press(KEY.down);
	// The pointer moves; space chooses.
	await app.waitFor(`› ( ) ${CF_CHOICE}`);
	await app.press(KEY.space);
	await app.waitFor(`› (•) ${CF_CHOICE}`);
	const review = await toReview(app);
	// The warning stays in view under the diff, whatever the scroll.
	assert.match(review.replaceAll('\n', ' '), /! sendmail\.cf is built from .*sendmail\.mc, and this edits the \.cf alone: .* will silently undo/);
	assert.ok(review.includes(cfPath), review);
	const rows = await everyReviewRow(app);
	assert.ok(!rows.split('\n').includes(mcPath), rows);
	assert.ok(!rows.includes('is rebuilt from'), rows);

	await app.press(KEY.enter);
	const applied = await app.waitFor('Continue');
	assert.doesNotMatch(applied, /Wrote sendmail\.mc/);
	assert.doesNotMatch(applied, /sendmail\.mc\.sendmail-harden-/);
	const wizard = snapshot(files);
	assert.deepEqual(wizard[0], originals[0]);
	assert.equal(optionValue(parseCf(wizard[1]!.toString('latin1')), 'MaxMessageSize'), '500000');

	await hardenAgain(folder, files.map((file, index) => [file, originals[index]!]), true);
	assert.deepEqual(snapshot(files), wizard);
});

test('--cf-only pre-selects "sendmail.cf only", and Up then Enter goes through the .mc after all', skipUnlessDebianMc(), async t => {
	const {mcPath, cfPath} = copyDebian(t);
	const app = renderWizard(await readTarget(cfPath), {answers: ARTICLE, answersFrom: answersFile, setup: {cfOnly: true}});
	t.after(() => app.unmount());

	const welcome = await app.waitFor(CF_CHOICE);
	assert.ok(welcome.includes(`› (•) ${CF_CHOICE}`), welcome);
	assert.ok(welcome.includes(`  ( ) ${MC_CHOICE}`), welcome);
	await app.press(KEY.up);
	const review = await toReview(app);
	assert.ok(review.includes(mcPath), review);
	assert.doesNotMatch(review, /this edits the \.cf alone/);
});

test('with presets too, Welcome still fits 24 rows: the pointer moves from the presets to the .mc choice, and Enter takes both', skipUnlessDebianMc(), async t => {
	const {mcPath, cfPath} = copyDebian(t);
	const presets: Preset[] = ['article', 'web'].map(name => ({name, savedAt: NOW.toISOString(), formatVersion: 1, answers: ARTICLE}));
	const store = {
		list: () => presets,
		get: (name: string) => {
			const preset = presets.find(each => each.name === name);
			return preset === undefined ? fail(`no preset "${name}"`) : ok(preset);
		},
		save: async () => fail('read-only here'),
	};
	const app = renderWizard(await readTarget(cfPath), {effects: {loadPresets: async () => ok(store)}});
	t.after(() => app.unmount());

	await app.waitFor('Preset "web"');
	const welcome = await app.waitFor(MC_CHOICE);
	// Ink redraws the whole screen when the frame is as tall as the terminal, so at most 23 of 24 rows.
	assert.ok(welcome.split('\n').length <= 23, welcome);
	assert.match(welcome, /› \(•\) The current settings\n {2}\( \) Preset "article"\n {2}\( \) Preset "web"\n/);
	assert.ok(welcome.includes(`  (•) ${MC_CHOICE}`), welcome);
	// Space chooses "web"; moving on to the .mc choice keeps it (moving alone chooses nothing).
	for (const key of [KEY.down, KEY.down, KEY.space, KEY.down, KEY.down]) {
		await app.press(key);
	}

	// The screen once the last key is drawn: the pointer on the .cf row.
	const moved = await app.waitFor(`› ( ) ${CF_CHOICE}`);
	assert.match(moved, / {2}\(•\) Preset "web"\n/);
	assert.ok(moved.includes(`› ( ) ${CF_CHOICE}`), moved);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Greeting'));
	await app.press(KEY.escape);
	// Back on Welcome the preset is the answers now, and the choice of file is as it was left.
	const back = await app.waitFor('pre-filled from preset "web"');
	assert.ok(back.includes(`› (•) ${CF_CHOICE}`), back);
	const review = await toReview(app);
	assert.match(review, /this edits the \.cf alone/);
	assert.ok(!review.split('\n').includes(mcPath), review);
});

/** Debian's pair with hand edits in the .cf the .mc does not make: a line added, and a value changed. */
function handEdited(t: {after(fn: () => void): void}) {
	const pair = copyDebian(t);
	const cf = readFileSync(pair.cfPath, 'latin1')
		.replace(/^O Timeout\.ident=5s$/m, '$&\nO Timeout.iconnect=30s')
		.replace(/^O MaxDaemonChildren=0$/m, 'O MaxDaemonChildren=12');
	writeFileSync(pair.cfPath, cf, 'latin1');
	const lineOf = (text: string) => cf.split('\n').indexOf(text) + 1;
	return {...pair, iconnectLine: lineOf('O Timeout.iconnect=30s'), childrenLine: lineOf('O MaxDaemonChildren=12')};
}

const HAND_CF_CHOICE = 'Edit sendmail.cf only, as --cf-only (recommended)';
const HAND_QUIT_CHOICE = 'Quit, and carry the hand edit into sendmail.mc first';
const checkMc = {checkMcAgrees: async (target: Parameters<typeof checkMcAgrees>[0]) => checkMcAgrees(target, {env: checkEnv})};

test('a hand edit in the .cf the .mc lacks: Welcome names its lines and options and recommends the .cf alone, which goes on to a Review of the .cf only', skipUnlessDebianMc(), async t => {
	const {mcPath, cfPath, iconnectLine, childrenLine} = handEdited(t);
	const mcBefore = readFileSync(mcPath);
	const app = renderWizard(await readTarget(cfPath), {answers: ARTICLE, answersFrom: answersFile, effects: checkMc});
	t.after(() => app.unmount());

	const welcome = await app.waitFor(HAND_CF_CHOICE);
	// The .cf's own lines, by the options they set, with what the build has instead.
	assert.ok(welcome.includes('sendmail.cf has 2 lines that sendmail.mc does not build (a hand edit):'), welcome);
	assert.ok(welcome.includes(`line ${iconnectLine}: O Timeout.iconnect=30s (sendmail.mc builds: O Timeout.iconnect=2m)`), welcome);
	assert.ok(welcome.includes(`line ${childrenLine}: O MaxDaemonChildren=12 (sendmail.mc builds: O MaxDaemonChildren=0)`), welcome);
	assert.match(welcome.replaceAll('\n', ' '), /A rebuild from sendmail\.mc \(.*\) would undo them\./);
	// The line after the inserted one lines up again with the build: nobody touched it.
	assert.doesNotMatch(welcome, /queuereturn/);
	// The recommended way on is the chosen row, the other a real choice; the refused .mc route is gone.
	assert.ok(welcome.includes(`› (•) ${HAND_CF_CHOICE}`), welcome);
	assert.ok(welcome.includes(`  ( ) ${HAND_QUIT_CHOICE}`), welcome);
	assert.ok(!welcome.includes(MC_CHOICE), welcome);
	assert.doesNotMatch(welcome, /use --cf-only/);
	assert.ok(welcome.split('\n').length <= 23, welcome);

	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Greeting'));
	await enterUntil(app, 'Review');
	const review = await app.waitFor('Write changes');
	assert.match(review.replaceAll('\n', ' '), /this edits the \.cf alone/);
	const rows = await everyReviewRow(app);
	assert.ok(rows.split('\n').includes(cfPath), rows);
	assert.ok(!rows.split('\n').includes(mcPath), rows);
	assert.ok(!rows.includes('is rebuilt from'), rows);

	await app.press(KEY.enter);
	await app.waitFor('Continue');
	assert.deepEqual(readFileSync(mcPath), mcBefore);
	const cf = parseCf(readFileSync(cfPath, 'latin1'));
	assert.equal(optionValue(cf, 'MaxMessageSize'), '500000');
	// The hand edits are still there.
	assert.equal(optionValue(cf, 'MaxDaemonChildren'), '12');
	assert.ok(readFileSync(cfPath, 'latin1').includes('\nO Timeout.iconnect=30s\n'));
});

test('a hand edit in the .cf: "Quit, and carry the hand edit into the .mc first" ends the wizard with nothing written', skipUnlessDebianMc(), async t => {
	const {mcPath, cfPath, helpPath} = handEdited(t);
	const files = [mcPath, cfPath, helpPath];
	const before = snapshot(files);
	const app = renderWizard(await readTarget(cfPath), {answers: ARTICLE, answersFrom: answersFile, effects: checkMc});
	t.after(() => app.unmount());

	await app.waitFor(HAND_QUIT_CHOICE);
	// Down and Enter in one burst, as over SSH.
	await app.press(KEY.down + KEY.enter);
	const start = Date.now();
	while (app.result() === undefined && Date.now() - start < 30_000) {
		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}

	assert.deepEqual(app.result(), {code: 0, message: 'Quit: nothing was written.'});
	assert.deepEqual(snapshot(files), before);
});

test('an .mc that cannot be built here: Welcome says why and recommends the .cf alone, which goes on', async t => {
	const {folder, cfPath} = tempConfig(t);
	const mcPath = path.join(folder, 'sendmail.mc');
	const app = renderWizard(await readTarget(cfPath), {effects: {
		findMc: async () => mcPath,
		checkMcAgrees: async () => fail('m4 is not installed or not on PATH'),
	}});
	t.after(() => app.unmount());

	const welcome = await app.waitFor('Quit, and fix the build from sendmail.mc first');
	assert.ok(welcome.includes('! m4 is not installed or not on PATH'), welcome);
	assert.ok(welcome.includes(`› (•) ${HAND_CF_CHOICE}`), welcome);
	assert.ok(!welcome.includes(MC_CHOICE), welcome);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Greeting'));
});

test('the first screen does not wait for the .mc look-up; the choice appears when it answers', async t => {
	const {folder, cfPath} = tempConfig(t);
	let answer: (mcPath: string | undefined) => void = () => undefined;
	const asked: string[] = [];
	const app = renderWizard(await readTarget(cfPath), {effects: {findMc: async file => {
		asked.push(file);
		return new Promise(resolve => {
			answer = resolve;
		});
	}}});
	t.after(() => app.unmount());

	const first = await app.waitFor('Every step starts from the current settings');
	assert.ok(!first.includes(CF_CHOICE), first);
	assert.deepEqual(asked, [cfPath]);
	answer(path.join(folder, 'sendmail.mc'));
	const welcome = await app.waitFor(CF_CHOICE);
	assert.ok(welcome.includes(`› (•) ${MC_CHOICE}`), welcome);
	assert.doesNotMatch(welcome, /Every step starts from/);
});

test('a config with no .mc beside it shows no such choice', async t => {
	const {folder, cfPath} = tempConfig(t);
	assert.equal(await findMcFor(cfPath), undefined);
	let looked: Promise<string | undefined> | undefined;
	const app = renderWizard(await readTarget(cfPath), {effects: {findMc(file) {
		looked = findMcFor(file);
		return looked;
	}}});
	t.after(() => app.unmount());

	await app.waitFor('8.17.1.9');
	assert.equal(await looked, undefined);
	// Let the answer reach the App (it changes nothing on screen, which is the point).
	await new Promise(resolve => {
		setImmediate(resolve);
	});
	const welcome = app.frame();
	assert.match(welcome, /Every step starts from the current settings; press enter to keep them\./);
	assert.doesNotMatch(welcome, /sendmail\.mc|sendmail\.cf only|Built from/);
	assert.deepEqual(readdirSync(folder).sort(), ['helpfile', 'sendmail.cf']);
});
