// Builds the single executable, dist/sendmail-harden-linux-x64, with Node's single executable
// applications: the node running this script, plus a blob holding the entry (dist/cli.js) and, as
// assets, everything the npm package reads from disk: the bundle, yoga's wasm, the demo sendmail.cf
// and its help file. Run `npm run sea` (it builds first); `--output FILE` writes it elsewhere.
//
// Two builds of one commit are byte-identical, so a fleet tool (the Ansible role) that copies the
// file sees no change after a rebuild. That is why the blob holds no code cache ("useCodeCache"):
// V8's cached code carries string hashes from a random per-process seed, 280 bytes that differ on
// every build, and the entry it would cover is 10 KB; the bundle has its own cache at run time
// (scripts/launcher.cjs).
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
const outputAt = process.argv.indexOf('--output');
const output = outputAt === -1 ? path.join(root, 'dist', `sendmail-harden-${process.platform}-${process.arch}`) : path.resolve(process.argv[outputAt + 1] ?? '');
const required = ['dist/cli.js', 'dist/bundle.cjs', 'dist/yoga.wasm', 'source/demo/sendmail.cf', 'source/demo/helpfile'];
for (const file of required) {
	if (!existsSync(path.join(root, file))) {
		console.error(`sea: ${file} is missing; run \`npm run sea\` (it builds first)`);
		process.exit(2);
	}
}

/** Runs a build step; its chatter (postject warns about node's many ELF notes) shows only when it fails. */
function quiet(command, args) {
	const run = spawnSync(command, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
	if (run.status !== 0) {
		console.error(`${run.stdout}${run.stderr}`);
		throw new Error(`sea: ${command} ${args.join(' ')} failed (${run.error?.message ?? `exit ${run.status}`})`);
	}
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-sea-'));
let partial;
try {
	const blob = path.join(scratch, 'sea-prep.blob');
	const config = {
		main: path.join(root, 'dist', 'cli.js'),
		output: blob,
		disableExperimentalSEAWarning: true,
		useSnapshot: false,
		useCodeCache: false,
		// The names scripts/launcher.cjs asks for.
		assets: {
			'bundle.cjs': path.join(root, 'dist', 'bundle.cjs'),
			'yoga.wasm': path.join(root, 'dist', 'yoga.wasm'),
			'demo/sendmail.cf': path.join(root, 'source', 'demo', 'sendmail.cf'),
			'demo/helpfile': path.join(root, 'source', 'demo', 'helpfile'),
		},
	};
	const configPath = path.join(scratch, 'sea-config.json');
	writeFileSync(configPath, JSON.stringify(config, null, '\t'));
	quiet(process.execPath, ['--experimental-sea-config', configPath]);

	// A name of this build's own: two builds at once (two test files) each finish their own file.
	partial = `${output}.${process.pid}.partial`;
	copyFileSync(process.execPath, partial);
	chmodSync(partial, 0o755);
	// node's debug symbols are an eighth of the file and no use on a mail server.
	if (spawnSync('strip', ['--version'], {stdio: 'ignore'}).status === 0) {
		quiet('strip', [partial]);
	}

	const postject = path.join(root, 'node_modules', 'postject', 'dist', 'cli.js');
	quiet(process.execPath, [postject, partial, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2']);
	// It must start and name its version before it replaces an earlier build.
	const version = execFileSync(partial, ['--version'], {encoding: 'utf8', env: {...process.env, SENDMAIL_HARDEN_CODE_CACHE: 'off'}}).trim();
	// Renamed over the earlier build: a reader (npm pack, a test) finds one whole file or the other.
	renameSync(partial, output);
	partial = undefined;
	const size = statSync(output).size;
	console.log(`sea: ${path.relative(root, output)} (${version}), ${(size / 1024 / 1024).toFixed(1)} MB, built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
	rmSync(scratch, {recursive: true, force: true});
	if (partial !== undefined) {
		rmSync(partial, {force: true});
	}
}
