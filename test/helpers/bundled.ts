// Dependencies as scripts/build.js bundles them, with its edits to them, for tests that check an
// edited library against the original (test/fast-paths.test.ts, test/ink-edits.test.ts).
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {build} from 'esbuild';
import {nodeScriptBundle} from './fixture-bundle.js';
// @ts-expect-error plain JavaScript build script
import {dependencyEdits} from '../../scripts/dependency-edits.js';

/**
 * Bundles `contents` (an ES module that re-exports from dependencies) with the build's dependency
 * edits (or `edits`, a subset of them) and imports the result.
 */
export async function importBundled<T>(contents: string, options: {edits?: unknown[]; define?: Record<string, string>} = {}): Promise<T> {
	const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-bundled-')), 'bundle.mjs');
	await build({
		stdin: {contents, resolveDir: process.cwd(), loader: 'js'},
		outfile,
		// CommonJS dependencies (signal-exit's node:assert, say) require node modules.
		...nodeScriptBundle,
		define: options.define,
		plugins: [dependencyEdits({requireAll: false, ...(options.edits === undefined ? {} : {edits: options.edits})})],
	});
	return import(pathToFileURL(outfile).href) as Promise<T>;
}
