// A fixture script (test/fixtures/*.ts) bundled once per test file and run with plain node: the
// kill -9 loops start it once per kill, and under tsx each start compiled the source again (about
// 3 s a start on a loaded 2-core machine, against 1 s for the bundle).
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {buildSync, type BuildOptions} from 'esbuild';

/** How the tests bundle a script for plain node: one ES module, its CommonJS dependencies able to require. */
export const nodeScriptBundle = {
	bundle: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	logLevel: 'error',
	banner: {js: "import {createRequire} from 'node:module'; const require = createRequire(import.meta.url);"},
} as const satisfies BuildOptions;

const bundles = new Map<string, string>();

/** The path of an ES module bundle of `entry` (a path from the checkout's root) to run with `node`. */
export function bundledFixture(entry: string): string {
	const cached = bundles.get(entry);
	if (cached !== undefined) {
		return cached;
	}

	const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-fixture-')), `${path.basename(entry, '.ts')}.mjs`);
	buildSync({
		entryPoints: [entry],
		outfile,
		...nodeScriptBundle,
	});
	bundles.set(entry, outfile);
	return outfile;
}
