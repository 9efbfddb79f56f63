// Runs every test/**/*.test.ts(x), each file in its own process (node's test runner, spec report).
// `node scripts/run-tests.js part-of-name...` runs the files whose path contains one of the parts.
// SENDMAIL_HARDEN_TEST_CONCURRENCY: how many test files run at once (default 3: most of the suite
// waits on sendmail, m4, tmux and ansible more than on the CPU). Files are isolated (state folder,
// XDG_CONFIG_HOME, free ports, their own temp folders); dist/ is brought up to date here, once,
// before any file starts, so no file rebuilds it under another's CLI runs (test/helpers/cli.ts,
// ensureBuilt), and the fleet test packs it without its prepare script rebuilding it.
//
// The files start slowest first, by their times in the last run (node_modules/.cache): `node
// --test` would start them in name order, and the ansible role's minutes would then begin half way
// through the run instead of beside the many short files. Each file's report is printed whole
// when it ends, then each file's time, the slowest first.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {buildExampleConfigs, exampleCfFolder} from './example-configs.js';

const only = process.argv.slice(2);
const files = readdirSync('test', {recursive: true})
	.map(String)
	.filter(name => /\.test\.tsx?$/.test(name))
	.map(name => path.join('test', name))
	.filter(file => only.length === 0 || only.some(part => file.includes(part)))
	.sort();

const timesFile = path.join('node_modules', '.cache', 'sendmail-harden', 'test-times.json');
let lastTimes = {};
try {
	lastTimes = JSON.parse(readFileSync(timesFile, 'utf8'));
} catch {
	// The first run here.
}

// A file with no recorded time (a new one, or the first run on this machine) starts first, the
// largest of them first: the slow files are the long ones.
const weight = file => lastTimes[file] ?? 1e6 + statSync(file).size;
files.sort((a, b) => weight(b) - weight(a));

// A build of the current files in dist/ for the files that run the CLI (a no-op after `npm test`'s).
const built = spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], {stdio: 'inherit'});
if (built.status !== 0) {
	process.exit(built.status ?? 1);
}

// The shipped example configs, built once for every test file that reads them (and kept for later
// runs of the same sendmail-cf): see scripts/example-configs.js.
if (existsSync(exampleCfFolder) && files.some(file => /buildExampleCf|exampleMcNames/.test(readFileSync(file, 'utf8')))) {
	await buildExampleConfigs();
}

// Each test file's process makes its own state folder and XDG_CONFIG_HOME (test/helpers/state-dir.ts),
// so files that run at the same time share no lock and no presets store, and none uses
// /var/lib/sendmail-harden or the user's config.
const concurrency = Math.max(1, Number.parseInt(process.env.SENDMAIL_HARDEN_TEST_CONCURRENCY ?? '3', 10) || 1);
const stateDir = pathToFileURL(path.resolve('test/helpers/state-dir.ts')).href;

/** Runs one file; resolves with its exit status, its report and its time, once it has exited. */
async function runFile(file) {
	const started = performance.now();
	return new Promise(resolve => {
		const child = spawn(process.execPath, ['--import', 'tsx', '--import', stateDir, '--test-reporter=spec', file], {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: {...process.env, NODE_ENV: 'test'},
		});
		const output = [];
		child.stdout.on('data', chunk => output.push(chunk));
		child.stderr.on('data', chunk => output.push(chunk));
		child.on('close', (code, signal) => {
			resolve({file, status: code ?? (signal ? 1 : 0), output: Buffer.concat(output), seconds: (performance.now() - started) / 1000});
		});
	});
}

const queue = [...files];
const results = [];
await Promise.all(Array.from({length: Math.min(concurrency, queue.length)}, async () => {
	for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
		const result = await runFile(file);
		process.stdout.write(`\n▶ ${file} (${result.seconds.toFixed(1)} s)${result.status === 0 ? '' : ': FAILED'}\n`);
		process.stdout.write(result.output);
		results.push(result);
	}
}));

// Written whole and renamed into place (node_modules is often a hard-linked copy of another checkout's).
mkdirSync(path.dirname(timesFile), {recursive: true});
writeFileSync(`${timesFile}.tmp`, `${JSON.stringify({...lastTimes, ...Object.fromEntries(results.map(({file, seconds}) => [file, Math.round(seconds * 10) / 10]))}, null, '\t')}\n`);
renameSync(`${timesFile}.tmp`, timesFile);

const sorted = [...results].sort((a, b) => b.seconds - a.seconds);
const failed = results.filter(result => result.status !== 0);
console.log(`\nTime per test file, slowest first (${results.length} files, ${sorted.reduce((sum, {seconds}) => sum + seconds, 0).toFixed(0)} s in all, ${concurrency} at once):`);
for (const {file, seconds, status} of sorted) {
	console.log(`${seconds.toFixed(1).padStart(7)} s  ${file}${status === 0 ? '' : '  FAILED'}`);
}

console.log(failed.length === 0 ? `\nAll ${results.length} test files passed.` : `\n${failed.length} of ${results.length} test files failed:\n${failed.map(({file}) => `  ${file}`).join('\n')}`);
process.exit(failed.length === 0 ? 0 : 1);
