// The start-up fast paths scripts/build.js puts into dependencies give what the libraries give:
// each edited library is bundled with the build's own edits and compared with the original. ink's
// incremental writer, which rewrites lines from their first changed cell, is compared in a
// terminal emulator (@xterm/headless) with the writer that rewrites them whole.
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {pathToFileURL} from 'node:url';
import {stripVTControlCharacters} from 'node:util';
import xtermHeadless from '@xterm/headless';
import {build} from 'esbuild';
import fc from 'fast-check';
import originalSliceAnsi from 'slice-ansi';
import originalStringWidth from 'string-width';
import {styledCharsFromTokens as originalStyledCharsFromTokens, styledCharsToString as originalStyledCharsToString, tokenize as originalTokenize} from '@alcalzone/ansi-tokenize';
import {lineTail} from '../source/fast-paths/line-tail.js';
import {LazySegmenter, ownCluster} from '../source/fast-paths/segmenter.js';
import {importBundled} from './helpers/bundled.js';
// @ts-expect-error plain JavaScript build script
import {applyEdit, dependencyEdits, lazyBuiltins, lineTailEdits, plainWidthCharacters, startupEdits} from '../scripts/dependency-edits.js';
import {stepOf} from './helpers/steps.js';

type Width = (text: string, options?: {ambiguousIsNarrow?: boolean}) => number;
type Edited = {
	stringWidth: Width;
	wrapAnsiStringWidth: Width;
	sliceAnsi: (text: string, start: number, end?: number) => string;
	tokenize: typeof originalTokenize;
	styledCharsFromTokens: typeof originalStyledCharsFromTokens;
	styledCharsToString: typeof originalStyledCharsToString;
};

const require = createRequire(import.meta.url);
const originalWrapAnsiStringWidth = (await import(pathToFileURL(require.resolve('string-width', {paths: [path.dirname(require.resolve('wrap-ansi'))]})).href)).default as Width;
assert.notEqual(originalWrapAnsiStringWidth, originalStringWidth, 'wrap-ansi has its own string-width');

async function editedLibraries(): Promise<Edited> {
	return importBundled<Edited>([
		"export {default as stringWidth} from 'string-width';",
		`export {default as wrapAnsiStringWidth} from ${JSON.stringify(require.resolve('string-width', {paths: [path.dirname(require.resolve('wrap-ansi'))]}))};`,
		"export {default as sliceAnsi} from 'slice-ansi';",
		"export {tokenize, styledCharsFromTokens, styledCharsToString} from '@alcalzone/ansi-tokenize';",
	].join('\n'));
}

const edited = await editedLibraries();

const segments = (segmenter: {segment(text: string): Iterable<{segment: string; index: number}>}, text: string) =>
	[...segmenter.segment(text)].map(({segment, index}) => [segment, index]);

// Characters of every kind the fast paths treat differently: plain, Latin-1, box drawing and
// symbols the wizard shows, emoji with and without presentation, combining marks, joiners,
// variation selectors, Hangul jamo, CR LF, regional indicators, East Asian wide, soft hyphen.
const characters = [
	'a', ' ', '\n', '\r', '\t', 'é', '·', '…', '✗', '✓', '─', '│', '→', '•', '\u00AD', '\u200B', '\u200D', '\uFE0F', '\u0301', '\u20E3',
	'⌚', '✂', '❌', '✅', '☀', '↔', '©', '#', '1', '\u1100', '\u1161', '\u11A8', '한', '中', 'ｱ', 'ﾞ', '🇫', '🇷', '👍', '🏽', '👩', '❤', '\u2028', '\u0600',
];
const text = fc.array(fc.constantFrom(...characters), {maxLength: 12}).map(parts => parts.join(''));

test('the lazy segmenter splits text into the grapheme clusters Intl.Segmenter finds', () => {
	const real = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
	const lazy = new LazySegmenter(undefined, {granularity: 'grapheme'});
	// Every character of the code-point path, alone and between neighbours that could join it.
	for (let code = 0; code <= 0x27_BF; code++) {
		const character = String.fromCharCode(code);
		for (const sample of [character, `a${character}\u0301`, `${character}\uFE0F`, `\u200D${character}\r\n`]) {
			assert.deepEqual(segments(lazy, sample), segments(real, sample), `U+${code.toString(16)} in ${JSON.stringify(sample)}`);
		}
	}

	fc.assert(fc.property(text, sample => {
		assert.deepEqual(segments(lazy, sample), segments(real, sample));
		const lazySegments = lazy.segment(sample) as {containing(index: number): {segment: string; index: number} | undefined};
		const realSegments = real.segment(sample);
		for (let index = -1; index <= sample.length; index++) {
			const mine = lazySegments.containing(index);
			const theirs = realSegments.containing(index);
			assert.deepEqual(mine && [mine.segment, mine.index], theirs && [theirs.segment, theirs.index]);
		}
	}), {numRuns: 2000});
});

test('string-width with the fast paths measures every character as the library does', () => {
	for (let code = 0; code <= 0xFF_FF; code++) {
		if (code >= 0xD8_00 && code <= 0xDF_FF) {
			continue;
		}

		const character = String.fromCharCode(code);
		for (const options of [{}, {ambiguousIsNarrow: false}]) {
			assert.equal(edited.stringWidth(character, options), originalStringWidth(character, options), `string-width U+${code.toString(16)}`);
			assert.equal(edited.wrapAnsiStringWidth(character, options), originalWrapAnsiStringWidth(character, options), `wrap-ansi's string-width U+${code.toString(16)}`);
		}
	}

	fc.assert(fc.property(text, sample => {
		assert.equal(edited.stringWidth(sample), originalStringWidth(sample));
		assert.equal(edited.wrapAnsiStringWidth(sample), originalWrapAnsiStringWidth(sample));
		assert.equal(edited.stringWidth(`\u001B[31m${sample}\u001B[39m`), originalStringWidth(`\u001B[31m${sample}\u001B[39m`));
	}), {numRuns: 2000});
});

test('string-width\'s one-character-at-a-time path takes only characters the lazy segmenter keeps apart', () => {
	const plainWidth = new RegExp(`^[${plainWidthCharacters as string}]$`);
	let taken = 0;
	for (let code = 0; code <= 0xFF_FF; code++) {
		const character = String.fromCharCode(code);
		if (plainWidth.test(character)) {
			taken++;
			assert.match(character, ownCluster, `U+${code.toString(16)}`);
		}
	}

	assert.ok(taken > 1000, 'the wizard\'s symbols and Latin text take the path');
	assert.ok(plainWidth.test('\u2717') && plainWidth.test('\u00B7') && plainWidth.test('\u2026'));
});

test('slice-ansi and ansi-tokenize with the lazy segmenter give what the libraries give', () => {
	fc.assert(fc.property(text, fc.nat(14), fc.nat(14), (sample, start, length) => {
		const styled = `\u001B[1m${sample}\u001B[22m ${sample}`;
		assert.equal(edited.sliceAnsi(styled, start, start + length), originalSliceAnsi(styled, start, start + length));
		assert.deepEqual(edited.tokenize(styled), originalTokenize(styled));
	}), {numRuns: 2000});
	assert.equal(edited.sliceAnsi('✗ · MaxMessageSize…', 2, 6), originalSliceAnsi('✗ · MaxMessageSize…', 2, 6));
});

test('ansi-tokenize writes the same codes when it skips the diff between equally styled neighbours', () => {
	const styles = ['\u001B[1m', '\u001B[22m', '\u001B[2m', '\u001B[31m', '\u001B[39m', '\u001B[42m', '\u001B[49m', '\u001B[4m', '\u001B[24m', '\u001B[0m', '\u001B[38;5;196m', '\u001B]8;;https://example.org\u0007', '\u001B]8;;\u0007'];
	const styled = fc.array(fc.oneof(fc.constantFrom(...styles), text), {maxLength: 16}).map(parts => parts.join(''));
	fc.assert(fc.property(styled, sample => {
		const chars = originalStyledCharsFromTokens(originalTokenize(sample));
		assert.equal(edited.styledCharsToString(chars), originalStyledCharsToString(chars));
		assert.equal(edited.styledCharsToString(edited.styledCharsFromTokens(edited.tokenize(sample))), originalStyledCharsToString(chars));
	}), {numRuns: 3000});
});

test('a build edit replaces its text literally and only when found exactly once', () => {
	assert.equal(applyEdit('a X b', {from: 'X', to: "$' $& $1"}, 'file'), "a $' $& $1 b");
	assert.throws(() => applyEdit('a b', {from: 'X', to: 'Y'}, 'file.js'), /file\.js expects its text exactly once, found it 0 times/);
	assert.throws(() => applyEdit('X X', {from: 'X', to: 'Y'}, 'file.js'), /found it 2 times/);
});

test('the build stops when an edit finds no file', async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-fast-paths-'));
	writeFileSync(path.join(folder, 'entry.js'), 'export const x = 1;\n');
	await assert.rejects(build({
		entryPoints: [path.join(folder, 'entry.js')],
		write: false,
		bundle: true,
		logLevel: 'silent',
		plugins: [dependencyEdits()],
	}), /no bundled file matched the edits/);
});

test('child_process, crypto, assert and fs/promises load at their first use, and are the real modules then', async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-fast-paths-'));
	const entry = path.join(folder, 'entry.mjs');
	writeFileSync(entry, [
		"import {execFileSync} from 'node:child_process';",
		"import crypto, {createHash} from 'crypto';",
		"const assert = require('assert');",
		"import fs, {readFile} from 'node:fs/promises';",
		"const loaded = name => process.moduleLoadList.includes(`NativeModule ${name}`);",
		"const names = ['child_process', 'crypto', 'assert', 'fs/promises'];",
		"const before = names.filter(loaded);",
		"const hash = createHash('sha256').update('x').digest('hex');",
		"const same = crypto.createHash === require('node:crypto').createHash && crypto.randomUUID().length === 36;",
		"const echoed = execFileSync('echo', ['hi'], {encoding: 'utf8'});",
		"assert.equal(1, 1);",
		"readFile(process.argv[1], 'utf8').then(text => {",
		"\tconst read = text.length > 0 && fs.readFile === require('node:fs/promises').readFile;",
		"\tconsole.log(JSON.stringify({before, hash, same, echoed, read, after: names.filter(loaded)}));",
		"});",
	].join('\n'));
	const outfile = path.join(folder, 'out.cjs');
	await build({entryPoints: [entry], outfile, bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error', plugins: [lazyBuiltins()]});
	const run = spawnSync(process.execPath, [outfile], {encoding: 'utf8'});
	assert.equal(run.status, 0, run.stderr);
	const result = JSON.parse(run.stdout) as {before: string[]; hash: string; same: boolean; echoed: string; read: boolean; after: string[]};
	assert.deepEqual(result.before, [], 'not loaded by the imports');
	assert.equal(result.hash, '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
	assert.equal(result.same, true);
	assert.equal(result.echoed, 'hi\n');
	assert.equal(result.read, true);
	assert.deepEqual(result.after, ['child_process', 'crypto', 'assert', 'fs/promises']);
});

// ink's incremental writer as the build bundles it, and without the line-tail edits (only the two
// fixes): both draw the same frames into a terminal emulator, which must show the same screen.
type Render = ((frame: string) => boolean) & {clear(): void};
type CreateLog = (stream: {isTTY: boolean; write(data: string): boolean}, options: {incremental: boolean}) => Render;

async function bundledLogUpdate(edits: unknown[]): Promise<CreateLog> {
	const bundled = await importBundled<{default: {create: CreateLog}}>(`export {default} from ${JSON.stringify(path.resolve('node_modules/ink/build/log-update.js'))};`, {edits});
	return bundled.default.create;
}

const editedLog = await bundledLogUpdate(startupEdits as unknown[]);
const uneditedLog = await bundledLogUpdate((startupEdits as unknown[]).filter(edit => !(lineTailEdits as unknown[]).includes(edit)));

/** What the emulator shows: every row of the buffer (scrollback too), each cell's text, width and attributes. */
function screenCells(terminal: xtermHeadless.Terminal): string[] {
	const buffer = terminal.buffer.active;
	const rows = [];
	for (let row = 0; row < buffer.length; row++) {
		const line = buffer.getLine(row)!;
		const cells = [];
		for (let column = 0; column < terminal.cols; column++) {
			const cell = line.getCell(column)!;
			cells.push([cell.getChars(), cell.getWidth(), cell.getFgColorMode(), cell.getFgColor(), cell.getBgColorMode(), cell.getBgColor(), cell.isBold(), cell.isDim(), cell.isItalic(), cell.isUnderline(), cell.isInverse()].join(','));
		}

		rows.push(cells.join('|'));
	}

	return [...rows, `cursor ${buffer.baseY + buffer.cursorY},${buffer.cursorX}`];
}

/**
 * Draws `frames` (each ending in a newline, as ink's are when shorter than the screen) with one
 * writer into an emulator of cols x rows after `before` (earlier output, e.g. a shell's), checking
 * after each frame that the rows from the frame's top show its text, the rest of the screen is
 * blank, and the earlier output above it is intact. Returns the bytes written per frame and the screens.
 */
async function replay(create: CreateLog, frames: string[], {cols, rows, before = ''}: {cols: number; rows: number; before?: string}) {
	const terminal = new xtermHeadless.Terminal({cols, rows, convertEol: true, allowProposedApi: true, scrollback: 1000});
	const write = async (data: string) => new Promise<void>(resolve => {
		terminal.write(data, resolve);
	});
	let written = '';
	const render = create({isTTY: false, write(data) {
		written += data;
		return true;
	}}, {incremental: true});
	await write(before);
	const earlier = before.split('\n').slice(0, -1);
	const top = terminal.buffer.active.baseY + terminal.buffer.active.cursorY;
	const bytes = [];
	const screens = [];
	for (const [index, frame] of frames.entries()) {
		written = '';
		render(frame);
		bytes.push(Buffer.byteLength(written));
		await write(written);
		const buffer = terminal.buffer.active;
		const lines = frame.split('\n').slice(0, -1).map(line => stripVTControlCharacters(line).trimEnd());
		const cursor = buffer.baseY + buffer.cursorY;
		// Written spaces stay in the emulator's text; ink's lines have none at their ends.
		const shown = [];
		for (let row = cursor - lines.length; row < buffer.baseY + rows; row++) {
			shown.push(buffer.getLine(row)?.translateToString(true).trimEnd() ?? '');
		}

		assert.deepEqual(shown, [...lines, ...Array.from({length: buffer.baseY + rows - cursor}, () => '')], `frame ${index}: the screen shows another text`);
		assert.equal(buffer.cursorX, 0, `frame ${index}: the cursor`);
		// The frame starts where the earlier output ended (scrolled up with it when it grew).
		assert.equal(cursor - lines.length, top, `frame ${index}: the frame moved`);
		const above = [];
		for (let row = Math.max(0, top - earlier.length); row < top; row++) {
			above.push(buffer.getLine(row)!.translateToString(true));
		}

		assert.deepEqual(above, earlier.slice(earlier.length - above.length), `frame ${index}: the earlier output changed`);
		screens.push(screenCells(terminal));
	}

	terminal.dispose();
	return {bytes, screens};
}

const bold = (text: string) => `\u001B[1m${text}\u001B[22m`;
const dim = (text: string) => `\u001B[2m${text}\u001B[22m`;
const color = (code: number, text: string) => `\u001B[${code}m${text}\u001B[39m`;
const flags = ['public', 'needmailhelo', 'needexpnhelo', 'needvrfyhelo', 'noexpn', 'novrfy', 'noverb', '受信者の確認', 'restrictmailq', 'restrictqrun', 'noreceipts', 'goaway'];
const helpTexts = [
	['public: no restriction at all.', '', 'Anyone may ask EXPN and VRFY.', color(32, '  S: 250 2.1.5 root <root@lab>')],
	['needmailhelo: MAIL is refused until the client', 'says HELO or EHLO first.', color(33, 'goaway, which is on, sets it.'), 'Without it:', '  C: MAIL FROM:<a@b>', color(32, '  S: 250 2.1.0 Sender ok'), 'With it:', color(32, '  S: 503 5.0.0 Polite people say HELO first')],
	['needexpnhelo: EXPN is refused until HELO.', 'EXPN shows what a list expands to.', 'With needexpnhelo:', color(32, '  S: 503 5.0.0 I demand that you introduce'), color(32, '   yourself first')],
	['needvrfyhelo: VRFY is refused until HELO.', '確認の前に HELO を送ります。', 'With needvrfyhelo:', `${bold('  S:')} ${color(32, '503 5.0.0 I demand that you introduce')}`],
	['noexpn: EXPN is refused altogether.', '全角のテキスト：メールの一覧', ''],
	['novrfy', 'VRFY answers 252.'],
	['noverb: VERB is refused.', '', '', '', '', '', '', '', '', '', '', 'The last line of a long help text, far down.'],
	['受信者の確認: 日本語の説明です。', '二行目も全角です。', `${color(36, '中')}文字と ASCII の混在`],
	['restrictmailq: only the owner may run mailq.', `a ${'\u001B]8;;https://example.org\u0007'}link${'\u001B]8;;\u0007'} in the help`],
	['restrictqrun', `${'\u001B[7m'}inverse${'\u001B[27m'} and ${'\u001B[42m'}a background${'\u001B[49m'}`],
	['noreceipts: no return receipts.', 'Shorter.'],
	['goaway: all of the above.'],
];

/** A Privacy-like screen: the flag list on the left, the highlighted flag's help on the right. */
function privacyFrame(selected: number, on: Set<number>): string {
	const help = helpTexts[selected]!;
	const rows = Math.max(flags.length, help.length);
	const lines = [`${bold(color(36, 'sendmail-harden'))}  ${bold(stepOf('Privacy'))}  Privacy`, 'Which PrivacyOptions flags to set', ''];
	for (let row = 0; row < rows; row++) {
		const flag = flags[row];
		const box = flag === undefined ? ''.padEnd(24) : `[${on.has(row) ? '+' : ' '}] ${flag}`;
		// The flag names are padded to 18 columns (a wide character counts two).
		const padded = flag === undefined ? box : box + ' '.repeat(Math.max(0, 22 - stripVTControlCharacters(box).length - [...flag].filter(character => /[\u3000-\u9FFF]/.test(character)).length));
		const left = flag === undefined ? box : (row === selected ? bold(color(36, `› ${padded}`)) : `  ${padded}`);
		lines.push(`${left}${help[row] ?? ''}`.trimEnd());
	}

	lines.push('', dim('↑↓ move · space toggle · enter next · esc back · q quit'));
	return `${lines.join('\n')}\n`;
}

test('lineTail finds the first changed cell, counting wide characters as two columns', () => {
	assert.deepEqual(lineTail('  [ ] public    abc', '  [ ] public    xyz'), {column: 16, text: 'xyz'});
	assert.deepEqual(lineTail('中文 public help one', '中文 public help two'), {column: 17, text: 'two'});
	// The tail opens and closes its styles, also when the shared part ends inside a styled run.
	assert.deepEqual(lineTail('  [ ] public    \u001B[32mS: 250 ok\u001B[39m', '  [ ] public    \u001B[32mS: 503 no\u001B[39m'), {column: 19, text: '\u001B[32m503 no\u001B[39m'});
	// A shorter line: nothing after the shared cells (the writer's ESC[K clears the rest).
	assert.deepEqual(lineTail('  [ ] public    a longer help text', '  [ ] public'), {column: 12, text: ''});
	// The same characters in other styles are not shared.
	assert.equal(lineTail('\u001B[1m  [ ] public\u001B[22m    one', '  [ ] public    two'), undefined);
	// Anything unusual: the whole line.
	assert.equal(lineTail('  [ ] public    \u001B]8;;https://a\u0007x\u001B]8;;\u0007', '  [ ] public    \u001B]8;;https://a\u0007y\u001B]8;;\u0007'), undefined, 'a hyperlink');
	assert.equal(lineTail('  [ ] public    one', '  [ ] public    \u001B[2Atwo'), undefined, 'a cursor move');
	assert.equal(lineTail('  [ ] public\tone', '  [ ] public\ttwo'), undefined, 'a tab');
	assert.equal(lineTail('  [ ] public    \u001B[31mone', '  [ ] public    \u001B[31mtwo'), undefined, 'a style left open');
	assert.equal(lineTail('✅ public help one', '✅ public help two'), undefined, 'an emoji whose width terminals disagree on, in the shared part');
	assert.equal(lineTail('e\u0301 public help one', 'e\u0301 public help two'), undefined, 'a combining mark in the shared part');
	// A combining mark after the common start joins the cell before it, also past a style code.
	assert.equal(lineTail('  [ ] ab\u0301 x', '  [ ] ab y')?.column, 7);
	assert.equal(lineTail('  [ ] ab\u001B[31m\u0301x\u001B[39m', '  [ ] ab\u001B[32my\u001B[39m')?.column, 7);
	// No gain: nothing shared, or the tail opens again, code by code, styles the line opened in one.
	assert.equal(lineTail('one', 'two'), undefined);
	assert.equal(lineTail('a\u001B[1;2;3;4;31;42mY\u001B[0m', 'a\u001B[1;2;3;4;31;42mX\u001B[0m'), undefined);
	assert.deepEqual(lineTail('ab', 'ac'), {column: 1, text: 'c'});
});

test('the incremental writer with line tails leaves the screen the whole lines would, in fewer bytes', async () => {
	const on = new Set([1, 2, 5, 11]);
	const frames = [
		`sendmail-harden  ${stepOf('Recipients')}  Recipients\n\nMaxRecipientsPerMessage\n`,
		...helpTexts.map((_, selected) => privacyFrame(selected, on)),
		privacyFrame(3, new Set([1, 2, 3, 5, 11])),
		privacyFrame(2, new Set()),
		`sendmail-harden  ${stepOf('Review')}  Review\n\nNothing to write.\n`,
	];
	// At the top of a fresh screen, and at the bottom after earlier output that the frames scroll
	// up. Every line fits the width (ink wraps its text to the screen).
	for (const [cols, rows, before] of [[80, 24, ''], [80, 24, Array.from({length: 30}, (_, index) => `$ line ${index + 1}\n`).join('')], [72, 22, 'earlier output\n']] as const) {
		const edited = await replay(editedLog, frames, {cols, rows, before});
		const unedited = await replay(uneditedLog, frames, {cols, rows, before});
		assert.deepEqual(edited.screens, unedited.screens, `${cols}x${rows}: the screens differ`);
		// Arrow keys on the Privacy-like frames: each writes less.
		const keys = (bytes: number[]) => bytes.slice(2, helpTexts.length + 1).reduce((sum, count) => sum + count, 0);
		assert.ok(keys(edited.bytes) < keys(unedited.bytes) * 0.9, `${cols}x${rows}: ${keys(edited.bytes)} bytes for the keys, ${keys(unedited.bytes)} without the line tails`);
	}
});

test('the incremental writer with line tails leaves the same screen for any frames', async () => {
	// Lines made of pieces that repeat, so that neighbouring frames share starts of lines; narrower
	// than the screen and fewer than its rows, as ink's frames for the incremental writer are.
	const pieces = ['  [ ] ', '› [+] ', 'public', '中文', 'ｱｲ', ' help text ', bold('bold'), color(32, 'green'), dim('dim'), `${color(36, '› ')}${bold('x')}`, '✓', '…', '─', '✅', 'e\u0301', '\u001B]8;;https://a\u0007link\u001B]8;;\u0007', 'a\u0301', ' '];
	const line = fc.array(fc.constantFrom(...pieces), {maxLength: 6}).map(parts => parts.join('').trimEnd());
	const frame = fc.array(line, {minLength: 1, maxLength: 8});
	// Each frame either new or the one before with a few lines changed, added or removed.
	const frames = fc.tuple(frame, fc.array(fc.tuple(fc.nat(8), line, fc.constantFrom('change', 'add', 'remove', 'new')), {minLength: 1, maxLength: 6}));
	await fc.assert(fc.asyncProperty(frames, fc.boolean(), async ([first, changes], atBottom) => {
		const sequence = [first];
		for (const [at, text, kind] of changes) {
			const next = [...sequence.at(-1)!];
			if (kind === 'new') {
				sequence.push([text]);
				continue;
			}

			if (kind === 'change') {
				next[at % next.length] = text;
			} else if (kind === 'add' && next.length < 8) {
				next.splice(at % (next.length + 1), 0, text);
			} else if (next.length > 1) {
				next.splice(at % next.length, 1);
			}

			sequence.push(next);
		}

		const asFrames = sequence.map(lines => `${lines.join('\n')}\n`);
		const before = atBottom ? Array.from({length: 12}, (_, index) => `${index}\n`).join('') : '';
		const edited = await replay(editedLog, asFrames, {cols: 80, rows: 10, before});
		const unedited = await replay(uneditedLog, asFrames, {cols: 80, rows: 10, before});
		assert.deepEqual(edited.screens, unedited.screens);
	}), {numRuns: 150});
});
