// What a build of dist/ was made from: every file esbuild read, the build's own scripts, the node
// that ran it (lazyBuiltins lists that node's exports), and what it wrote. scripts/build.js records
// it in dist/build-inputs.json; `node scripts/build.js --if-stale` (the test runner, and the test
// files that run dist/cli.js) builds only when one of them changed, so a test file never rewrites
// dist/ under the CLI runs of a file running beside it, yet never tests a stale bundle either.
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const recordFile = path.join(root, 'dist', 'build-inputs.json');
export const outputs = ['dist/bundle.cjs', 'dist/yoga.wasm', 'dist/package.json', 'dist/cli.js'];
const buildFiles = ['package.json', 'scripts/build.js', 'scripts/build-inputs.js', 'scripts/dependency-edits.js', 'scripts/launcher.cjs', 'node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js'];

function digest(file) {
	try {
		return createHash('sha256').update(readFileSync(path.join(root, file))).digest('hex').slice(0, 16);
	} catch {
		return 'missing';
	}
}

/** The record of a build that read these files (paths relative to the checkout). */
export function record(inputs) {
	const files = [...new Set([...buildFiles, ...inputs, ...outputs])].sort();
	return {node: process.version, files: Object.fromEntries(files.map(file => [file, digest(file)]))};
}

/** True when dist/ holds a complete build of the files as they are now, by this node. */
export function distIsCurrent() {
	let recorded;
	try {
		recorded = JSON.parse(readFileSync(recordFile, 'utf8'));
	} catch {
		return false;
	}

	return recorded.node === process.version
		&& [...buildFiles, ...outputs].every(file => Object.hasOwn(recorded.files, file))
		&& Object.entries(recorded.files).every(([file, hash]) => hash !== 'missing' && digest(file) === hash);
}
