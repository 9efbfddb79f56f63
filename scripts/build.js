// Bundles the CLI into dist/ so it starts fast: one file per lazily loaded part, production React.
// `npm run bench` measures the result (media/bench.md).
import {chmodSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {build} from 'esbuild';

// Start-up work of some dependencies that the first screen need not wait for, and one bug fix.
// Each is an exact text edit of one file that must match exactly once: when a new version of the
// dependency no longer has the text, the build stops (the edit must be looked at again).
const startupEdits = [
	{
		// yoga-layout fetches its wasm from a data: URL, which loads Node's fetch (undici, ~15 ms);
		// its own base64 decoder, the path it takes where there is no fetch, gives the same bytes.
		file: /node_modules\/yoga-layout\/dist\/binaries\/yoga-wasm-base64-esm\.js$/,
		from: 'return w||"function"!=typeof fetch?',
		to: 'return w||!0?',
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
	{
		// Also a fix: a line equal to the one at the same index of the last frame is skipped with
		// "cursor next line", which does not scroll at the bottom of the screen. A frame that grew
		// while at the bottom (after earlier output) then lands a row high and old lines stay. Only
		// lines the last frame had are skipped; new ones are written with a newline, which scrolls.
		file: /node_modules\/ink\/build\/log-update\.js$/,
		from: 'if (nextLines[i] === previousLines[i]) {',
		to: 'if (i < previousVisible && nextLines[i] === previousLines[i]) {',
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

const {version} = JSON.parse(readFileSync('package.json', 'utf8'));

const result = await build({
	entryPoints: {cli: 'source/cli.tsx'},
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	// Ink imports it only when DEV is set; it is not a dependency.
	external: ['react-devtools-core'],
	define: {'process.env.NODE_ENV': '"production"', SENDMAIL_HARDEN_BUNDLE: 'true', SENDMAIL_HARDEN_VERSION: JSON.stringify(version)},
	// Some dependencies are CommonJS: they call require() and use __filename (write-file-atomic names its temp files with it).
	banner: {
		js: [
			"import {createRequire as __createRequire} from 'node:module';",
			"import {fileURLToPath as __fileURLToPath} from 'node:url';",
			'const require = __createRequire(import.meta.url);',
			'const __filename = __fileURLToPath(import.meta.url);',
			"const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
		].join(' '),
	},
	plugins: [startupPlugin],
	chunkNames: 'chunks/[name]-[hash]',
	logLevel: 'warning',
	legalComments: 'none',
	metafile: true,
});
chmodSync('dist/cli.js', 0o755);

// Chunk names carry a hash: drop the ones earlier builds left, so the package ships only this build.
const written = new Set(Object.keys(result.metafile.outputs).map(file => path.resolve(file)));
for (const name of readdirSync('dist/chunks')) {
	const file = path.resolve('dist/chunks', name);
	if (!written.has(file)) {
		rmSync(file, {force: true});
	}
}
