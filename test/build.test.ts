// scripts/build.js as the test runner relies on it with two files at once: an up-to-date dist/ is
// left alone (`--if-stale`), a changed source is built again, and while a build runs, dist/cli.js
// and the bundle are always there, whole (each output is renamed into place). Built in a copy of
// the checkout, never in this one's dist/, which the CLI runs of other test files read meanwhile.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, {after} from 'node:test';

const root = path.resolve(import.meta.dirname, '..');
const copy = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-build-'));
after(() => {
	rmSync(copy, {recursive: true, force: true});
});
for (const name of ['source', 'scripts', 'package.json', 'tsconfig.json']) {
	cpSync(path.join(root, name), path.join(copy, name), {recursive: true});
}

// Linked file by file (the build's dependency edits name paths under node_modules/, which a
// symbolic link to the folder would turn into paths outside the copy); copied where links cannot go.
if (spawnSync('cp', ['-al', path.join(root, 'node_modules'), copy]).status !== 0) {
	cpSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), {recursive: true});
}
const cli = path.join(copy, 'dist', 'cli.js');
const bundle = path.join(copy, 'dist', 'bundle.cjs');

function build(...args: string[]): void {
	const built = spawnSync(process.execPath, ['scripts/build.js', ...args], {cwd: copy, encoding: 'utf8'});
	assert.equal(built.status, 0, built.stderr);
}

test('--if-stale leaves a current dist/ alone and builds again after a source changes', () => {
	build();
	const first = {cli: statSync(cli).ino, bundle: statSync(bundle).ino};
	build('--if-stale');
	assert.deepEqual({cli: statSync(cli).ino, bundle: statSync(bundle).ino}, first, 'nothing was written');
	appendFileSync(path.join(copy, 'source', 'cli.tsx'), '\n// changed\n');
	build('--if-stale');
	assert.notEqual(statSync(cli).ino, first.cli, 'cli.js was written again');
	assert.notEqual(statSync(bundle).ino, first.bundle, 'bundle.cjs was written again');
	// One function expression of five parameters (exports, require, module, __filename, __dirname), names shortened.
	assert.match(readFileSync(bundle, 'latin1'), /^\(function\((?:[\w$]+,){4}[\w$]+\)\{/);
});

test('while a build runs, dist/cli.js and the bundle are always there, whole', async () => {
	build('--if-stale');
	const size = statSync(bundle).size;
	const running = spawn(process.execPath, ['scripts/build.js'], {cwd: copy, stdio: 'ignore'});
	const exited = new Promise<number | null>(resolve => {
		running.on('exit', resolve);
	});
	let done = false;
	void exited.then(() => {
		done = true;
	});
	let looks = 0;
	while (!done) {
		// Throws ENOENT when a file is missing for a moment.
		assert.ok(statSync(cli).size > 0, 'cli.js is empty');
		assert.equal(statSync(bundle).size, size, 'bundle.cjs is not whole');
		looks++;
		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}

	assert.equal(await exited, 0);
	assert.ok(looks > 10, `looked only ${looks} times`);
});
