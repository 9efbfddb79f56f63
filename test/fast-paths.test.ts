// The start-up fast paths scripts/build.js puts into dependencies give what the libraries give:
// each edited library is bundled with the build's own edits and compared with the original.
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {pathToFileURL} from 'node:url';
import {build} from 'esbuild';
import fc from 'fast-check';
import originalSliceAnsi from 'slice-ansi';
import originalStringWidth from 'string-width';
import {styledCharsFromTokens as originalStyledCharsFromTokens, styledCharsToString as originalStyledCharsToString, tokenize as originalTokenize} from '@alcalzone/ansi-tokenize';
import {LazySegmenter} from '../source/fast-paths/segmenter.js';
// @ts-expect-error plain JavaScript build script
import {applyEdit, dependencyEdits, lazyBuiltins} from '../scripts/dependency-edits.js';

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
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-fast-paths-'));
	const outfile = path.join(folder, 'edited.mjs');
	await build({
		stdin: {
			contents: [
				"export {default as stringWidth} from 'string-width';",
				`export {default as wrapAnsiStringWidth} from ${JSON.stringify(require.resolve('string-width', {paths: [path.dirname(require.resolve('wrap-ansi'))]}))};`,
				"export {default as sliceAnsi} from 'slice-ansi';",
				"export {tokenize, styledCharsFromTokens, styledCharsToString} from '@alcalzone/ansi-tokenize';",
			].join('\n'),
			resolveDir: process.cwd(),
			loader: 'js',
		},
		outfile,
		bundle: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		logLevel: 'error',
		plugins: [dependencyEdits({requireAll: false})],
	});
	return import(pathToFileURL(outfile).href) as Promise<Edited>;
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

test('child_process, crypto and assert load at their first use, and are the real modules then', async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-fast-paths-'));
	const entry = path.join(folder, 'entry.mjs');
	writeFileSync(entry, [
		"import {execFileSync} from 'node:child_process';",
		"import crypto, {createHash} from 'crypto';",
		"const assert = require('assert');",
		"const loaded = name => process.moduleLoadList.includes(`NativeModule ${name}`);",
		"const before = ['child_process', 'crypto', 'assert'].filter(loaded);",
		"const hash = createHash('sha256').update('x').digest('hex');",
		"const same = crypto.createHash === require('node:crypto').createHash && crypto.randomUUID().length === 36;",
		"const echoed = execFileSync('echo', ['hi'], {encoding: 'utf8'});",
		"assert.equal(1, 1);",
		"console.log(JSON.stringify({before, hash, same, echoed, after: ['child_process', 'crypto', 'assert'].filter(loaded)}));",
	].join('\n'));
	const outfile = path.join(folder, 'out.cjs');
	await build({entryPoints: [entry], outfile, bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error', plugins: [lazyBuiltins()]});
	const run = spawnSync(process.execPath, [outfile], {encoding: 'utf8'});
	assert.equal(run.status, 0, run.stderr);
	const result = JSON.parse(run.stdout) as {before: string[]; hash: string; same: boolean; echoed: string; after: string[]};
	assert.deepEqual(result.before, [], 'not loaded by the imports');
	assert.equal(result.hash, '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
	assert.equal(result.same, true);
	assert.equal(result.echoed, 'hi\n');
	assert.deepEqual(result.after, ['child_process', 'crypto', 'assert']);
});
