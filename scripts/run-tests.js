// Runs every test/**/*.test.ts(x) with node's own test runner (Node 20 has no --test globs).
// `node scripts/run-tests.js part-of-name...` runs the files whose path contains one of the parts.
// SENDMAIL_HARDEN_TEST_CONCURRENCY: how many test files run at once (default 2: most of the suite
// waits on sendmail, m4, tmux and ansible more than on the CPU). Files are isolated (state folder,
// XDG_CONFIG_HOME, free ports, their own temp folders); dist/ is brought up to date here, once,
// before any file starts, so no file rebuilds it under another's CLI runs (test/helpers/cli.ts,
// ensureBuilt), and the fleet test packs it without its prepare script rebuilding it.
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {spawnSync} from 'node:child_process';
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
const concurrency = process.env.SENDMAIL_HARDEN_TEST_CONCURRENCY ?? '2';
const times = path.join(mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-test-times-')), 'times.jsonl');
writeFileSync(times, '');
const result = spawnSync(
	process.execPath,
	['--import', 'tsx', '--import', pathToFileURL(path.resolve('test/helpers/state-dir.ts')).href, '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
	{stdio: 'inherit', env: {...process.env, NODE_ENV: 'test', SENDMAIL_HARDEN_TEST_TIMES: times}},
);

// Each file's time, from its process's start to its exit (test/helpers/state-dir.ts writes them),
// the slowest first: the files worth making faster.
const measured = readFileSync(times, 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line)).sort((a, b) => b.seconds - a.seconds);
rmSync(path.dirname(times), {recursive: true, force: true});
if (measured.length > 1) {
	console.log(`\nTime per test file, slowest first (${measured.length} files, ${measured.reduce((sum, {seconds}) => sum + seconds, 0).toFixed(0)} s in all, at ${concurrency} at once):`);
	for (const {file, seconds} of measured) {
		console.log(`${seconds.toFixed(1).padStart(7)} s  ${file}`);
	}
}

process.exit(result.status ?? 1);
