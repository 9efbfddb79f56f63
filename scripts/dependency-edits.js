// The exact text edits scripts/build.js makes to dependencies as it bundles them: start-up work
// the first screen need not wait for, the single-file build's needs, bug fixes, fewer bytes per key
// in ink's incremental writer. Each edit must match its text exactly once, or the build stops: a
// new version of the dependency needs a fresh look; each edit also names the package version it
// was written against (writtenAgainst), and any other installed version stops the build.
// test/fast-paths.test.ts bundles the edited libraries and checks them against the originals.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The installed version of each edited package that its edits were written against (each edit
// names its entry in `against`). A different version stops the build before any edit is tried,
// even one whose text still matches: the code around it may have changed. To move to a new
// version, look at each of its edits again, run test/fast-paths.test.ts and test/ink-edits.test.ts,
// then record the version here.
export const writtenAgainst = {
	yogaLayout: {directory: 'node_modules/yoga-layout', name: 'yoga-layout', version: '3.2.1'},
	ink: {directory: 'node_modules/ink', name: 'ink', version: '6.8.0'},
	stringWidth: {directory: 'node_modules/string-width', name: 'string-width', version: '8.3.0'},
	wrapAnsiStringWidth: {directory: 'node_modules/wrap-ansi/node_modules/string-width', name: 'string-width', version: '7.2.0'},
	sliceAnsi: {directory: 'node_modules/slice-ansi', name: 'slice-ansi', version: '8.0.0'},
	ansiTokenize: {directory: 'node_modules/@alcalzone/ansi-tokenize', name: '@alcalzone/ansi-tokenize', version: '0.2.5'},
	signalExit: {directory: 'node_modules/signal-exit', name: 'signal-exit', version: '3.0.7'},
	scheduler: {directory: 'node_modules/scheduler', name: 'scheduler', version: '0.27.0'},
};

for (const {directory, name, version} of Object.values(writtenAgainst)) {
	let found;
	try {
		found = JSON.parse(readFileSync(path.join(root, directory, 'package.json'), 'utf8'));
	} catch (error) {
		throw new Error(`build: the dependency edits of ${name} were written against ${name} ${version}, but ${directory}/package.json cannot be read (${error.code ?? error.message}); run npm ci`);
	}

	if (found.name !== name || found.version !== version) {
		throw new Error(`build: the dependency edits of ${name} (${directory}) were written against version ${version}, found ${found.name === name ? '' : `${found.name} `}${found.version} installed; look at its edits in scripts/dependency-edits.js again, then record the new version there`);
	}
}
const yogaBinary = 'node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js';

// yoga-layout carries its wasm as a base64 data: URL and compiles it asynchronously, behind a
// top-level await (which a CommonJS bundle cannot have). The build writes the wasm to a file and
// the bundle instantiates it synchronously from the module the launcher compiled.
const yogaDataUrl = /"data:application\/octet-stream;base64,([A-Za-z\d+/=]+)"/.exec(readFileSync(path.join(root, yogaBinary), 'latin1'));
if (yogaDataUrl === null) {
	throw new Error(`build: ${yogaBinary} no longer holds its wasm as a base64 data: URL; look at the yoga edits again`);
}

export const yogaWasm = Buffer.from(yogaDataUrl[1], 'base64');
if (!WebAssembly.validate(yogaWasm)) {
	throw new Error('build: the wasm taken from yoga-layout does not validate');
}

// Start-up work of some dependencies that the first screen need not wait for, and one bug fix.
// Each is an exact text edit of one file that must match exactly once: when a new version of the
// dependency no longer has the text, the build stops (the edit must be looked at again).
// Characters that are an emoji on their own, per the library's own test, as a small character
// class made here: the libraries' full emoji regexes cost tens of ms to build and first use, and
// the wizard's text has no emoji. Each class is checked against its library in test/fast-paths.
const require = createRequire(import.meta.url);
function singleCharacterClass(isEmoji) {
	const ranges = [];
	for (let code = 0; code <= 0xFF_FF; code++) {
		if (code >= 0xD8_00 && code <= 0xDF_FF) {
			continue;
		}

		if (isEmoji(String.fromCharCode(code))) {
			const last = ranges.at(-1);
			if (last !== undefined && last[1] === code - 1) {
				last[1] = code;
			} else {
				ranges.push([code, code]);
			}
		}
	}

	const unit = code => `\\u${code.toString(16).padStart(4, '0')}`;
	return ranges.map(([first, last]) => (first === last ? unit(first) : `${unit(first)}-${unit(last)}`)).join('');
}

const rgiEmojiSingles = singleCharacterClass(character => /^\p{RGI_Emoji}$/v.test(character));
const emojiRegex = require(path.join(root, 'node_modules', 'emoji-regex'));
const emojiRegexSingles = singleCharacterClass(character => emojiRegex().test(character));
// Characters whose width string-width finds from East Asian Width alone: each is its own grapheme
// cluster whatever surrounds it (source/fast-paths/segmenter.ts's ownCluster: one UTF-16 unit, not
// a mark, joiner or jamo), is visible, and is no emoji. The library's own answer for each
// character alone decides, under both ambiguous-width settings; ESC and CSI start escape codes.
// The ranges repeat ownCluster's (a TypeScript file this script cannot import); test/fast-paths
// checks that every character taken here is one ownCluster takes.
const originalStringWidth = (await import('string-width')).default;
const {eastAsianWidth} = await import('get-east-asian-width');
const ownClusterCharacter = /^[\0-\t\v\f\u000E-\u02FF\u2010-\u2027\u2030-\u205E\u2100-\u27BF]$/;
export const plainWidthCharacters = singleCharacterClass(character => {
	const code = character.charCodeAt(0);
	return ownClusterCharacter.test(character) && code !== 0x1B && code !== 0x9B
		&& originalStringWidth(character) === eastAsianWidth(code, {ambiguousAsWide: false})
		&& originalStringWidth(character, {ambiguousIsNarrow: false}) === eastAsianWidth(code, {ambiguousAsWide: true})
		&& originalStringWidth(character) > 0;
});
const lazySegmenter = `import {LazySegmenter} from ${JSON.stringify(path.join(root, 'source', 'fast-paths', 'segmenter.ts'))};`;

// ink's incremental writer rewrites a changed line from its first differing cell, not column 1
// (source/fast-paths/line-tail.ts): on Privacy only the help column changes at an arrow key. Kept
// apart so that test/fast-paths.test.ts can bundle the writer without them, to compare.
export const lineTailEdits = [
	{
		file: 'node_modules/ink/build/log-update.js',
		against: writtenAgainst.ink,
		from: "import cliCursor from 'cli-cursor';\n",
		to: `import cliCursor from 'cli-cursor';\nimport {lineTail} from ${JSON.stringify(path.join(root, 'source', 'fast-paths', 'line-tail.ts'))};\n`,
	},
	{
		// Only a line the last frame had at this row (the terminal shows it there): a new line has
		// nothing under it to keep.
		file: 'node_modules/ink/build/log-update.js',
		against: writtenAgainst.ink,
		from: `            buffer.push(ansiEscapes.cursorTo(0) +
                nextLines[i] +`,
		to: `            const tail = i < previousVisible ? lineTail(previousLines[i], nextLines[i]) : undefined;
            buffer.push((tail === undefined ? ansiEscapes.cursorTo(0) + nextLines[i] : ansiEscapes.cursorTo(tail.column) + tail.text) +`,
	},
];

export const startupEdits = [
	{
		// The wasm lives in dist/yoga.wasm (or the executable's assets): drop the 120 KB of base64.
		file: 'node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js',
		against: writtenAgainst.yogaLayout,
		from: yogaDataUrl[0],
		to: '"data:application/octet-stream;base64,"',
	},
	{
		// Emscripten's instantiateWasm hook takes the instance synchronously; loadYoga(module)
		// fills `module` in before it returns (the promise it returns is only for the async path).
		file: 'node_modules/yoga-layout/dist/src/index.js',
		against: writtenAgainst.yogaLayout,
		from: 'const Yoga = wrapAssembly(await loadYoga());',
		to: `const Yoga = wrapAssembly((() => {
	const wasm = globalThis[Symbol.for('sendmail-harden.launcher')].yogaModule();
	const module = {
		instantiateWasm(imports, receive) {
			const instance = new WebAssembly.Instance(wasm, imports);
			receive(instance, wasm);
			return instance.exports;
		},
	};
	loadYoga(module);
	if (typeof module.Node !== 'function') {
		throw new Error('yoga did not initialise synchronously');
	}
	return module;
})());`,
	},
	{
		// string-width (ink's): no Intl.Segmenter until a string needs one (source/fast-paths/segmenter.ts).
		file: 'node_modules/string-width/index.js',
		against: writtenAgainst.stringWidth,
		from: "import stripAnsi from 'strip-ansi';\n",
		to: `import stripAnsi from 'strip-ansi';\n${lazySegmenter}\n`,
	},
	{
		file: 'node_modules/string-width/index.js',
		against: writtenAgainst.stringWidth,
		from: 'const segmenter = new Intl.Segmenter();',
		to: 'const segmenter = new LazySegmenter();',
	},
	{
		// ...and its RGI emoji regex only for a cluster of more than one UTF-16 unit.
		file: 'node_modules/string-width/index.js',
		against: writtenAgainst.stringWidth,
		from: 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
		to: `const rgiEmojiRegex = (() => {
	const single = /^[${rgiEmojiSingles}]$/;
	let full;
	return {test: segment => (segment.length === 1 ? single.test(segment) : (full ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(segment))};
})();`,
	},
	{
		// ...and text made only of such characters (the wizard's symbols: ✗ · …) is measured one
		// character at a time, without the regular expressions each cluster otherwise goes through.
		file: 'node_modules/string-width/index.js',
		against: writtenAgainst.stringWidth,
		from: '	const eastAsianWidthOptions = {ambiguousAsWide: !ambiguousIsNarrow};\n',
		to: `	const eastAsianWidthOptions = {ambiguousAsWide: !ambiguousIsNarrow};
	if (/^[${plainWidthCharacters}]*$/.test(string)) {
		for (let index = 0; index < string.length; index++) {
			width += eastAsianWidth(string.charCodeAt(index), eastAsianWidthOptions);
		}

		return width;
	}
`,
	},
	{
		// wrap-ansi's older string-width: the same two fast paths.
		file: 'node_modules/wrap-ansi/node_modules/string-width/index.js',
		against: writtenAgainst.wrapAnsiStringWidth,
		from: "const segmenter = new Intl.Segmenter();",
		to: `${lazySegmenter}\nconst segmenter = new LazySegmenter();`,
	},
	{
		file: 'node_modules/wrap-ansi/node_modules/string-width/index.js',
		against: writtenAgainst.wrapAnsiStringWidth,
		from: 'if (emojiRegex().test(character)) {',
		to: `if (character.length === 1 ? /^[${emojiRegexSingles}]$/.test(character) : emojiRegex().test(character)) {`,
	},
	{
		file: 'node_modules/slice-ansi/tokenize-ansi.js',
		against: writtenAgainst.sliceAnsi,
		from: "const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});",
		to: `${lazySegmenter}\nconst GRAPHEME_SEGMENTER = new LazySegmenter(undefined, {granularity: 'grapheme'});`,
	},
	{
		file: 'node_modules/@alcalzone/ansi-tokenize/build/tokenize.js',
		against: writtenAgainst.ansiTokenize,
		from: 'const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });',
		to: `${lazySegmenter}\nconst segmenter = new LazySegmenter(undefined, {granularity: 'grapheme'});`,
	},
	{
		// ansi-tokenize: neighbouring characters with the same styles need no codes between them
		// (diffAnsiCodes of two equal style lists is empty), and most of a frame is such runs.
		file: 'node_modules/@alcalzone/ansi-tokenize/build/styledChars.js',
		against: writtenAgainst.ansiTokenize,
		from: `        else {
            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));
        }`,
		to: `        else if (!sameStyles(chars[i - 1].styles, char.styles)) {
            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));
        }`,
	},
	{
		file: 'node_modules/@alcalzone/ansi-tokenize/build/styledChars.js',
		against: writtenAgainst.ansiTokenize,
		from: 'export function styledCharsToString(chars) {',
		to: `function sameStyles(from, to) {
    if (from === to) {
        return true;
    }
    if (from.length !== to.length) {
        return false;
    }
    for (let i = 0; i < from.length; i++) {
        if (from[i].code !== to[i].code || from[i].endCode !== to[i].endCode) {
            return false;
        }
    }
    return true;
}
export function styledCharsToString(chars) {`,
	},
	{
		// signal-exit (ink's exit hook) checks its argument with node:assert, whose first use loads
		// the assert module (about 2 ms) before the first screen. The same check, without assert.
		file: 'node_modules/signal-exit/index.js',
		against: writtenAgainst.signalExit,
		from: "assert.equal(typeof cb, 'function', 'a callback must be provided for exit handler')",
		to: "if (typeof cb !== 'function') {\n      throw new TypeError('a callback must be provided for exit handler')\n    }",
	},
	{
		// Node's global \`performance\` loads perf_hooks (about 0.8 ms) the first time it is read.
		// React's scheduler reads it when loaded, for a clock it also builds from Date (its own
		// fallback, kept here: time slices are 5 ms, Date's milliseconds are enough)...
		file: 'node_modules/scheduler/cjs/scheduler.production.js',
		against: writtenAgainst.scheduler,
		from: 'if ("object" === typeof performance && "function" === typeof performance.now) {',
		to: 'if (false) {',
	},
	{
		// ...and Ink times each frame for an onRender callback the wizard does not pass.
		file: 'node_modules/ink/build/ink.js',
		against: writtenAgainst.ink,
		from: '        const startTime = performance.now();',
		to: '        const startTime = this.options.onRender ? performance.now() : 0;',
	},
	{
		// Ink's error screen parses stack traces with stack-utils, set up when Ink loads (it lists
		// node's modules); only a crash shows that screen, so it is set up then.
		file: 'node_modules/ink/build/components/ErrorOverview.js',
		against: writtenAgainst.ink,
		from: `import StackUtils from 'stack-utils';`,
		to: '// stack-utils: required when the error screen first parses a stack (below).',
	},
	{
		file: 'node_modules/ink/build/components/ErrorOverview.js',
		against: writtenAgainst.ink,
		from: `const stackUtils = new StackUtils({
    cwd: cwd(),
    internals: StackUtils.nodeInternals(),
});`,
		to: `let madeStackUtils;
const stackUtils = {
    parseLine(line) {
        if (madeStackUtils === undefined) {
            const StackUtils = require('stack-utils');
            madeStackUtils = new StackUtils({cwd: cwd(), internals: StackUtils.nodeInternals()});
        }
        return madeStackUtils.parseLine(line);
    },
};`,
	},
	{
		// Ink connects to React devtools when DEV=true, through top-level awaits a CommonJS bundle
		// cannot have; the bundle leaves the devtools out (they are not a dependency either).
		file: 'node_modules/ink/build/reconciler.js',
		against: writtenAgainst.ink,
		from: "        await import('./devtools.js');",
		to: '        // No React devtools in the bundle.',
	},
	{
		file: 'node_modules/ink/build/reconciler.js',
		against: writtenAgainst.ink,
		from: '    ? await loadPackageJson()',
		to: "    ? {name: 'ink', version: undefined}",
	},
	{
		// Not start-up work but a bug fix: ink 6.8's incremental writer moves back up one row too
		// few when the last frame ended in a newline (as every frame shorter than the terminal
		// does), so each frame not shorter than the one before lands a row lower and old lines stay
		// on screen (ink issue #909, fixed in ink 7, which needs Node 22).
		file: 'node_modules/ink/build/log-update.js',
		against: writtenAgainst.ink,
		from: 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
		to: "buffer.push(ansiEscapes.cursorUp(previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1));",
	},
	{
		// Also a fix: a line equal to the one at the same index of the last frame is skipped with
		// "cursor next line", which does not scroll at the bottom of the screen. A frame that grew
		// while at the bottom (after earlier output) then lands a row high and old lines stay. Only
		// lines the last frame had are skipped; new ones are written with a newline, which scrolls.
		file: 'node_modules/ink/build/log-update.js',
		against: writtenAgainst.ink,
		from: 'if (nextLines[i] === previousLines[i]) {',
		to: 'if (i < previousVisible && nextLines[i] === previousLines[i]) {',
	},
	...lineTailEdits,
];

for (const edit of startupEdits) {
	if (!edit.file.startsWith(`${edit.against.directory}/`) || edit.file.slice(edit.against.directory.length + 1).includes('node_modules/')) {
		throw new Error(`build: the edit of ${edit.file} names ${edit.against.directory} as its package`);
	}
}

/**
 * Replaces the one occurrence of `from` with `to`, literally: split/join, so `$'`, `$&` and the
 * like in `to` stay as written (String.replace would expand them). Throws unless `from` occurs
 * exactly once.
 */
export function applyEdit(contents, {from, to}, where) {
	const parts = contents.split(from);
	if (parts.length !== 2) {
		throw new Error(`build: the edit of ${where} expects its text exactly once, found it ${parts.length - 1} times; the dependency changed, look at the edit again: ${JSON.stringify(from.slice(0, 80))}`);
	}

	return parts.join(to);
}

/**
 * An esbuild plugin that applies the edits. With requireAll (the build), a build in which an edit
 * found no file fails too; tests that bundle a few libraries turn it off. `edits` (all of them
 * unless given) lets a test bundle a library with some edits left out.
 */
export function dependencyEdits({requireAll = true, edits: allEdits = startupEdits} = {}) {
	const appliedEdits = new Set();
	return {
		name: 'dependency-edits',
		setup(build) {
			build.onLoad({filter: /node_modules\/(yoga-layout|ink|string-width|wrap-ansi|slice-ansi|signal-exit|scheduler|@alcalzone\/ansi-tokenize)\/.*\.js$/}, args => {
				const edits = allEdits.filter(edit => edit.file === path.relative(root, args.path));
				if (edits.length === 0) {
					return undefined;
				}

				let contents = readFileSync(args.path, 'utf8');
				for (const edit of edits) {
					contents = applyEdit(contents, edit, args.path);
					appliedEdits.add(edit);
				}

				return {contents, loader: 'js'};
			});
			build.onEnd(result => {
				const unused = allEdits.filter(edit => !appliedEdits.has(edit));
				if (requireAll && result.errors.length === 0 && unused.length > 0) {
					throw new Error(`build: no bundled file matched the edits of ${unused.map(edit => edit.file).join(', ')}`);
				}
			});
		},
	};
}

// Node modules the bundle loads only when first used, not when the code that imports them is
// loaded: child_process (~6 ms: the sendmail version check runs after the first screen), crypto
// (backups and atomic writes), assert (signal-exit's argument checks), fs/promises (about 1 ms;
// the first screen reads its files synchronously, see safe-write.ts). Each import gets an object
// with one getter per export of the real module (listed here, from the node running the build),
// so `import {spawn} from 'node:child_process'` reaches the real spawn at its first call.
const lazyModules = ['child_process', 'crypto', 'assert', 'fs/promises', 'tls', 'dns'];

export function lazyBuiltins() {
	const builtin = createRequire(import.meta.url);
	return {
		name: 'lazy-builtins',
		setup(build) {
			build.onResolve({filter: new RegExp(`^(node:)?(${lazyModules.join('|')})$`)}, args => {
				if (args.namespace === 'lazy-builtin') {
					return {path: args.path, external: true};
				}

				return {path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin'};
			});
			build.onLoad({filter: /.*/, namespace: 'lazy-builtin'}, args => {
				const names = Object.keys(builtin(`node:${args.path}`)).filter(name => name !== 'default');
				return {
					loader: 'js',
					contents: [
						'let loaded;',
						`const load = () => (loaded ??= require(${JSON.stringify(`node:${args.path}`)}));`,
						`for (const name of ${JSON.stringify(names)}) {`,
						'\tObject.defineProperty(module.exports, name, {enumerable: true, get: () => load()[name]});',
						'}',
					].join('\n'),
				};
			});
		},
	};
}
