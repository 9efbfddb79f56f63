// Tests that run the program as another user (nobody) must not need the checkout: a clone may sit
// in a folder only root can enter (/root is 0700), where that user cannot reach dist/ or tsx. These
// helpers copy what such a run needs into a temp folder every user can read.
import {chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {build} from 'esbuild';
import {nodeScriptBundle} from './fixture-bundle.js';

/** A new temp folder that every user may enter and read (mkdtemp makes it 0700). */
export function readableFolder(prefix: string): string {
	const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
	chmodSync(folder, 0o755);
	return folder;
}

/** Makes every file and folder under `folder` readable (folders enterable) by every user. */
function openUp(folder: string): void {
	chmodSync(folder, 0o755);
	for (const name of readdirSync(folder)) {
		const entry = path.join(folder, name);
		if (statSync(entry).isDirectory()) {
			openUp(entry);
		} else {
			chmodSync(entry, statSync(entry).mode & 0o111 ? 0o755 : 0o644);
		}
	}
}

let copiedCli: string | undefined;

/**
 * The built CLI (dist/, with the bundled demo files the launcher reads beside it) copied once per
 * test file into a folder every user can read; returns the copy's cli.js, to run with node itself.
 */
export function readableCli(): string {
	if (copiedCli === undefined) {
		const root = readableFolder('sendmail-harden-cli-');
		for (const name of ['cli.js', 'bundle.cjs', 'yoga.wasm', 'package.json']) {
			cpSync(path.join('dist', name), path.join(root, 'dist', name));
		}

		mkdirSync(path.join(root, 'source'));
		cpSync('source/demo', path.join(root, 'source', 'demo'), {recursive: true});
		openUp(root);
		copiedCli = path.join(root, 'dist', 'cli.js');
	}

	return copiedCli;
}

/** A file of the checkout copied into a folder every user can read; returns the copy's path. */
export function readableFile(file: string): string {
	const copy = path.join(readableFolder('sendmail-harden-file-'), path.basename(file));
	cpSync(file, copy);
	chmodSync(copy, 0o644);
	return copy;
}

/**
 * An ES module script (it may import the source, .ts included) bundled into one file every user
 * can read, so another user runs it with plain node: no tsx, nothing of the checkout.
 */
export async function readableScript(contents: string): Promise<string> {
	const outfile = path.join(readableFolder('sendmail-harden-script-'), 'script.mjs');
	await build({
		stdin: {contents, resolveDir: process.cwd(), loader: 'ts'},
		outfile,
		...nodeScriptBundle,
	});
	chmodSync(outfile, 0o644);
	return outfile;
}

