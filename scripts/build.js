// Bundles the CLI into dist/ so it starts fast: one CommonJS bundle (dist/bundle.cjs, production
// React, no meow), yoga's wasm beside it (dist/yoga.wasm), and the entry dist/cli.js
// (scripts/launcher.cjs) that runs the bundle with V8's code cache. `npm run sea` packs the same
// three into one executable; `npm run bench` measures both (media/bench.md).
import {createHash} from 'node:crypto';
import {chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const yogaBinary = 'node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js';

// yoga-layout carries its wasm as a base64 data: URL and compiles it asynchronously, behind a
// top-level await (which a CommonJS bundle cannot have). The build writes the wasm to a file and
// the bundle instantiates it synchronously from the module the launcher compiled.
const yogaDataUrl = /"data:application\/octet-stream;base64,([A-Za-z\d+/=]+)"/.exec(readFileSync(path.join(root, yogaBinary), 'latin1'));
if (yogaDataUrl === null) {
	throw new Error(`build: ${yogaBinary} no longer holds its wasm as a base64 data: URL; look at the yoga edits again`);
}

const yogaWasm = Buffer.from(yogaDataUrl[1], 'base64');
if (!WebAssembly.validate(yogaWasm)) {
	throw new Error('build: the wasm taken from yoga-layout does not validate');
}

// Start-up work of some dependencies that the first screen need not wait for, and one bug fix.
// Each is an exact text edit of one file that must match exactly once: when a new version of the
// dependency no longer has the text, the build stops (the edit must be looked at again).
const startupEdits = [
	{
		// The wasm lives in dist/yoga.wasm (or the executable's assets): drop the 120 KB of base64.
		file: /node_modules\/yoga-layout\/dist\/binaries\/yoga-wasm-base64-esm\.js$/,
		from: yogaDataUrl[0],
		to: '"data:application/octet-stream;base64,"',
	},
	{
		// Emscripten's instantiateWasm hook takes the instance synchronously; loadYoga(module)
		// fills `module` in before it returns (the promise it returns is only for the async path).
		file: /node_modules\/yoga-layout\/dist\/src\/index\.js$/,
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
		// Ink connects to React devtools when DEV=true, through top-level awaits a CommonJS bundle
		// cannot have; the bundle leaves the devtools out (they are not a dependency either).
		file: /node_modules\/ink\/build\/reconciler\.js$/,
		from: "        await import('./devtools.js');",
		to: '        // No React devtools in the bundle.',
	},
	{
		file: /node_modules\/ink\/build\/reconciler\.js$/,
		from: '    ? await loadPackageJson()',
		to: "    ? {name: 'ink', version: undefined}",
	},
	{
		// Not start-up work but a bug fix: ink 6.8's incremental writer moves back up one row too
		// few when the last frame ended in a newline (as every frame shorter than the terminal
		// does), so each frame not shorter than the one before lands a row lower and old lines stay
		// on screen (ink issue #909, fixed in ink 7, which needs Node 22).
		file: /node_modules\/ink\/build\/log-update\.js$/,
		from: 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
		to: "buffer.push(ansiEscapes.cursorUp(previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1));",
	},
];

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

const appliedEdits = new Set();
const startupPlugin = {
	name: 'dependency-edits',
	setup(build) {
		build.onLoad({filter: /node_modules\/(yoga-layout|ink)\/.*\.js$/}, args => {
			const edits = startupEdits.filter(edit => edit.file.test(args.path));
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
			const unused = startupEdits.filter(edit => !appliedEdits.has(edit));
			if (result.errors.length === 0 && unused.length > 0) {
				throw new Error(`build: no bundled file matched the edits of ${unused.map(edit => edit.file).join(', ')}`);
			}
		});
	},
};

const {version} = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

rmSync(path.join(root, 'dist'), {recursive: true, force: true});
mkdirSync(path.join(root, 'dist'));
const result = await build({
	absWorkingDir: root,
	entryPoints: ['source/cli.tsx'],
	outfile: 'dist/bundle.cjs',
	bundle: true,
	format: 'cjs',
	platform: 'node',
	target: 'node20',
	define: {
		'process.env.NODE_ENV': '"production"',
		SENDMAIL_HARDEN_BUNDLE: 'true',
		SENDMAIL_HARDEN_VERSION: JSON.stringify(version),
		// Nothing in the bundle may need its own URL: files come from the launcher.
		'import.meta.url': 'undefined',
	},
	plugins: [startupPlugin],
	logLevel: 'warning',
	legalComments: 'none',
	write: false,
});
const bundle = result.outputFiles[0].contents;
const bundleHash = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
writeFileSync(path.join(root, 'dist', 'bundle.cjs'), bundle);
writeFileSync(path.join(root, 'dist', 'yoga.wasm'), yogaWasm);
// The package is an ES module package; dist/ holds CommonJS.
writeFileSync(path.join(root, 'dist', 'package.json'), '{"type": "commonjs"}\n');
const launcher = applyEdit(readFileSync(path.join(root, 'scripts', 'launcher.cjs'), 'utf8'), {from: '@BUNDLE_HASH@', to: bundleHash}, 'scripts/launcher.cjs');
writeFileSync(path.join(root, 'dist', 'cli.js'), launcher, {mode: 0o755});
chmodSync(path.join(root, 'dist', 'cli.js'), 0o755);
