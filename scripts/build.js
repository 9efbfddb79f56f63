// Bundles the CLI into dist/ so it starts fast: one CommonJS bundle (dist/bundle.cjs, production
// React, no meow), yoga's wasm beside it (dist/yoga.wasm), and the entry dist/cli.js
// (scripts/launcher.cjs) that runs the bundle with V8's code cache. `npm run sea` packs the same
// three into one executable; `npm run bench` measures both (media/bench.md).
// `--if-stale`: build only when dist/ does not hold a build of the current files (build-inputs.js).
import {createHash} from 'node:crypto';
import {chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {distIsCurrent, record, recordFile} from './build-inputs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv.includes('--if-stale') && distIsCurrent()) {
	process.exit(0);
}

const {build, transform} = await import('esbuild');
const {applyEdit, dependencyEdits, lazyBuiltins, yogaWasm} = await import('./dependency-edits.js');

const {version} = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/**
 * Writes one output beside its place and renames it there: a CLI run (another test file's, while
 * this one builds) reads the old file or the new one, never a missing or half-written one.
 */
function put(name, data, mode = 0o644) {
	const target = path.join(root, 'dist', name);
	const temporary = path.join(root, 'dist', `.${name}.${process.pid}.tmp`);
	writeFileSync(temporary, data);
	chmodSync(temporary, mode);
	renameSync(temporary, target);
}

// What older versions left (their ES module chunks); the single executable stays:
// test/single-file.test.ts rebuilds it when it holds another bundle.
rmSync(path.join(root, 'dist', 'chunks'), {recursive: true, force: true});
rmSync(recordFile, {force: true});
mkdirSync(path.join(root, 'dist'), {recursive: true});
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
	plugins: [dependencyEdits(), lazyBuiltins()],
	logLevel: 'warning',
	legalComments: 'none',
	// Whitespace and syntax here (the 1.5 MB bundle becomes 1 MB, about 3 MB less at the peak: the
	// source stays in memory for V8); names below, after the edit of esbuild's helper.
	minifyWhitespace: true,
	minifySyntax: true,
	// The launcher compiles the bundle as this function: wrapped here, it need not build a second
	// 1.5 MB string at every start.
	banner: {js: '(function (exports, require, module, __filename, __dirname) {'},
	footer: {js: '})'},
	write: false,
	metafile: true,
});
// esbuild gives each `import x from 'cjs-module'` its own copy of the module's properties, one
// getter a property: node:process alone is copied 18 times before the first screen (about 3 ms
// with the garbage). One copy per module serves every importer, as an ES module's namespace does.
const TO_ESM = 'var __toESM=(mod,isNodeMode,target)=>(target=mod!=null?__create(__getProtoOf(mod)):{},__copyProps(isNodeMode||!mod||!mod.__esModule?__defProp(target,"default",{value:mod,enumerable:!0}):target,mod))';
const bundleText = applyEdit(result.outputFiles[0].text, {
	from: TO_ESM,
	to: `${TO_ESM.replace('var __toESM=', 'var __toESMCopy=')},__toESMCopies=new WeakMap,__toESM=(mod,isNodeMode)=>{if(mod==null||typeof mod!="object"&&typeof mod!="function")return __toESMCopy(mod,isNodeMode);let copies=__toESMCopies.get(mod);copies===void 0&&__toESMCopies.set(mod,copies=[]);return copies[isNodeMode?1:0]??=__toESMCopy(mod,isNodeMode)}`,
}, "esbuild's __toESM helper");
// Then the local names are shortened, once the edit above has found esbuild's own: 1.4 MB becomes
// 0.9 MB, and V8's cache of the first screen's code 4% smaller, so a start reads and loads less
// (measured: about 3 ms of the first screen). Stack traces of the bundle name minified functions;
// `npx tsx source/cli.tsx` runs the same code from source with its names. The `var` only keeps
// the transform from dropping an expression nobody uses.
const minified = await transform(`var bundle=${bundleText};`, {minifyIdentifiers: true, minifyWhitespace: true, minifySyntax: true, charset: 'ascii', legalComments: 'none'});
if (!minified.code.startsWith('var bundle=(function(')) {
	throw new Error('build: esbuild minified the bundle into an unexpected shape; look at scripts/build.js again');
}

const bundle = Buffer.from(minified.code.slice('var bundle='.length).replace(/;\s*$/, ''), 'utf8');
// The launcher reads the bundle as one byte a character (a latin1 string V8 keeps compact), so every
// byte must be ASCII: esbuild escapes strings but leaves a regular expression's text as written, and
// a non-ASCII character there would silently never match. Stop the build instead.
const nonAscii = bundle.findIndex(byte => byte > 0x7F);
if (nonAscii !== -1) {
	const text = Buffer.from(bundle).toString('utf8', Math.max(nonAscii - 60, 0), nonAscii + 20);
	throw new Error(`dist/bundle.cjs has a non-ASCII byte at ${nonAscii}, which the launcher would misread: write it as \\u escape in the source (near: ${JSON.stringify(text)})`);
}

// Names this build: the code cache's key, and how a single executable shows which build it holds.
const launcherTemplate = readFileSync(path.join(root, 'scripts', 'launcher.cjs'), 'utf8');
const bundleHash = createHash('sha256').update(launcherTemplate).update(bundle).digest('hex').slice(0, 16);
put('bundle.cjs', bundle);
put('yoga.wasm', yogaWasm);
// The package is an ES module package; dist/ holds CommonJS.
put('package.json', '{"type": "commonjs"}\n');
// The entry last: it names the bundle's hash, and the bundle is in place before it.
const launcher = applyEdit(launcherTemplate, {from: '@BUNDLE_HASH@', to: bundleHash}, 'scripts/launcher.cjs');
put('cli.js', launcher, 0o755);
// The lazy-builtin modules are made by the plugin (scripts/), not read from a file.
put('build-inputs.json', `${JSON.stringify(record(Object.keys(result.metafile.inputs).filter(input => !input.includes(':'))), null, '\t')}\n`);
