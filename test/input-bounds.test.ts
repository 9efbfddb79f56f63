// Hostile and mistaken inputs (issue: "Never lose a byte, never let anyone in"): files that are not
// a sendmail.cf, FIFOs, /dev/zero and huge files as the config, the answers file or the preset
// store, and two runs saving presets at once. Each is refused quickly with one line and exit 2.
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {runCliBounded, type BoundedRun} from './helpers/bounded-run.js';
import {copyDemoConfig, runCli} from './helpers/cli.js';
import {readableCli, readableFile} from './helpers/readable-copy.js';

const answers = 'test/fixtures/article-answers.json';
// Generous for a loaded machine; a hang or a 6 GB read is stopped long before either matters.
const TIME_LIMIT_MS = 60_000;
const MEMORY_LIMIT_KB = 400_000;

function freshFolder(): string {
	return mkdtempSync(path.join(os.tmpdir(), 'input-bounds-'));
}

function stateEnv(folder: string): NodeJS.ProcessEnv {
	return {SENDMAIL_HARDEN_STATE_DIR: path.join(folder, 'state'), XDG_CONFIG_HOME: path.join(folder, 'xdg')};
}

/** Exit 2, one line on stderr matching `message`, nothing on stdout, no runaway. */
function assertRefused(run: BoundedRun, message: RegExp) {
	assert.equal(run.stopped, undefined, `the run was stopped for its ${run.stopped ?? ''}; stderr: ${run.stderr}`);
	assert.equal(run.status, 2, run.stderr);
	assert.equal(run.stderr.split('\n').length, 2, `one line: ${run.stderr}`);
	assert.match(run.stderr, message);
	assert.ok(run.peakKb !== undefined && run.peakKb < MEMORY_LIMIT_KB, `peak RSS ${run.peakKb ?? '?'} kB`);
}

const SECRET = 'SECRET_API_KEY=sk_live_51Habc';
const notConfigs = [
	{name: 'a sendmail.mc', file: 'sendmail.mc', text: readFileSync('/etc/mail/sendmail.mc', 'latin1'), secret: 'divert', reason: /m4 source such as a sendmail\.mc/},
	{name: 'a PEM key', file: 'server.key', text: `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nOTHERSECRETMATERIAL\n-----END PRIVATE KEY-----\n`, secret: 'MIIEvQ', reason: /PEM key/},
	{name: 'a .env file', file: '.env', text: `${SECRET}\nDB_PASSWORD=hunter2\nO_TOKEN=abc\n`, secret: 'sk_live', reason: /no version level line/},
];

for (const {name, file, text, secret, reason} of notConfigs) {
	for (const mode of ['--yes', '--dry-run']) {
		test(`--config on ${name} with ${mode}: exit 2, one line that quotes nothing of it, the file unchanged`, async () => {
			const folder = freshFolder();
			const target = path.join(folder, file);
			writeFileSync(target, Buffer.from(text, 'latin1'));
			const run = await runCliBounded(['--config', target, mode, '--answers', answers, '--no-restart'], {env: stateEnv(folder), timeLimitMs: TIME_LIMIT_MS});
			assertRefused(run, new RegExp(`^sendmail-harden: ${target.replaceAll('.', String.raw`\.`)} is not a sendmail\\.cf: .*${reason.source}.*nothing was changed`));
			assert.ok(!run.stderr.includes(secret) && !run.stdout.includes(secret), run.stderr);
			assert.equal(readFileSync(target, 'latin1'), text);
		});
	}
}

test('audit and verify on a PEM key: exit 2, one line, no key material', async () => {
	const folder = freshFolder();
	const target = path.join(folder, 'server.key');
	writeFileSync(target, notConfigs[1]!.text);
	for (const command of ['audit', 'verify']) {
		const run = await runCliBounded([command, '--config', target], {env: stateEnv(folder), timeLimitMs: TIME_LIMIT_MS});
		assertRefused(run, /is not a sendmail\.cf: it holds a PEM key/);
		assert.doesNotMatch(run.stderr + run.stdout, /MIIEvQ/);
	}
});

function fifo(folder: string, name: string): string {
	const file = path.join(folder, name);
	execFileSync('mkfifo', [file]);
	return file;
}

test('/dev/zero as the config: refused at once, without reading it', async () => {
	const folder = freshFolder();
	const run = await runCliBounded(['--config', '/dev/zero', '--dry-run', '--answers', answers], {env: stateEnv(folder), timeLimitMs: TIME_LIMIT_MS, memoryLimitKb: MEMORY_LIMIT_KB});
	assertRefused(run, /\/dev\/zero is a device, not a file; sendmail-harden reads and writes only regular files; give the sendmail config with --config PATH/);
});

test('a FIFO as the config: refused at once, not waited on', async () => {
	const folder = freshFolder();
	const config = fifo(folder, 'sendmail.cf');
	const run = await runCliBounded(['--config', config, '--yes', '--answers', answers, '--no-restart'], {env: stateEnv(folder), timeLimitMs: TIME_LIMIT_MS});
	assertRefused(run, /sendmail\.cf is a FIFO, not a file/);
});

test('a config larger than 4 MiB is refused without reading it all', async () => {
	const folder = freshFolder();
	const config = path.join(folder, 'sendmail.cf');
	writeFileSync(config, '');
	truncateSync(config, 200 * 1024 * 1024);
	const run = await runCliBounded(['--config', config, '--dry-run', '--answers', answers], {env: stateEnv(folder), timeLimitMs: TIME_LIMIT_MS, memoryLimitKb: MEMORY_LIMIT_KB});
	assertRefused(run, /sendmail\.cf is larger than 4194304 bytes/);
});

/** The demo config and its help file, the config padded with comment lines to exactly `size` bytes. */
function paddedConfig(size: number): {folder: string; cfPath: string} {
	const {folder, cfPath} = copyDemoConfig();
	const cf = readFileSync(cfPath, 'latin1');
	const line = '# padding: a comment line sendmail skips\n';
	const lines = Math.floor((size - cf.length) / line.length);
	const padded = cf + line.repeat(lines) + '#'.repeat(size - cf.length - (lines * line.length) - 1) + '\n';
	writeFileSync(cfPath, padded, 'latin1');
	assert.equal(padded.length, size);
	return {folder, cfPath};
}

test('a real config one byte over 4 MiB is refused with one line; one at 4 MiB is read', async t => {
	const over = paddedConfig((4 * 1024 * 1024) + 1);
	for (const args of [['audit'], ['--dry-run', '--answers', answers]]) {
		const run = await runCliBounded(['--config', over.cfPath, ...args], {env: stateEnv(over.folder), timeLimitMs: TIME_LIMIT_MS, memoryLimitKb: MEMORY_LIMIT_KB});
		assertRefused(run, /sendmail\.cf is larger than 4194304 bytes/);
	}

	const at = paddedConfig(4 * 1024 * 1024);
	const run = await runCliBounded(['--config', at.cfPath, '--dry-run', '--answers', answers], {env: stateEnv(at.folder), timeLimitMs: TIME_LIMIT_MS});
	assert.equal(run.status, 0, run.stderr);
	// Peak memory of a config at the cap, for the record (see the readme's bounds): not asserted
	// here, a loaded machine's garbage collector decides too much of it.
	t.diagnostic(`peak RSS at 4 MiB --dry-run: ${run.peakKb ?? '?'} kB`);
});

test('20,000 PrivacyOptions lines: --dry-run ends with the diff summed up in one line', async () => {
	const {folder, cfPath} = copyDemoConfig();
	const cf = readFileSync(cfPath, 'latin1');
	writeFileSync(cfPath, cf.replace('O PrivacyOptions=', `${'O PrivacyOptions=authwarnings\n'.repeat(20_000)}O PrivacyOptions=`), 'latin1');
	const run = await runCliBounded(['--config', cfPath, '--dry-run', '--answers', answers], {env: stateEnv(folder), timeLimitMs: TIME_LIMIT_MS});
	assert.equal(run.stopped, undefined, `the run was stopped for its ${run.stopped ?? ''}`);
	assert.equal(run.status, 0, run.stderr);
	assert.ok(run.stdout.startsWith(`${cfPath}: 40006 lines changed (20002 removed, 20004 added), too many to show as a diff\n`), run.stdout.slice(0, 300));
	assert.match(run.stderr, /lines 284-20283 are commented out/);
});

test('a FIFO as the HelpFile the config names: refused, not waited on', async () => {
	const {folder, cfPath, helpPath} = copyDemoConfig();
	execFileSync('rm', [helpPath]);
	execFileSync('mkfifo', [helpPath]);
	const run = await runCliBounded(['--config', cfPath, '--dry-run', '--answers', answers], {env: stateEnv(folder), timeLimitMs: TIME_LIMIT_MS});
	assertRefused(run, /helpfile is a FIFO, not a file/);
});

test('/dev/zero, a FIFO and a 50 MB file as the answers file: refused at once, in little memory', async () => {
	const {folder, cfPath} = copyDemoConfig();
	const big = path.join(folder, 'big.json');
	// Valid JSON all through, so only the size can stop it.
	writeFileSync(big, `{"greeting": "${'x'.repeat(50 * 1024 * 1024)}"}`);
	for (const [file, message] of [
		['/dev/zero', /the answers file \/dev\/zero is a character device, not a regular file/],
		[fifo(folder, 'answers.json'), /the answers file .*answers\.json is a FIFO \(named pipe\), not a regular file/],
		[big, /the answers file .*big\.json is larger than 1 MiB, more than any answers file holds/],
	] as const) {
		for (const args of [['--config', cfPath, '--yes', '--no-restart', '--answers', file], ['presets', 'save', 'web', '--answers', file]]) {
			const run = await runCliBounded(args, {env: stateEnv(folder), timeLimitMs: TIME_LIMIT_MS, memoryLimitKb: MEMORY_LIMIT_KB});
			assertRefused(run, message);
		}
	}
});

test('a FIFO or a device as the preset store: refused at once, not waited on', async () => {
	const folder = freshFolder();
	const storeFolder = path.join(folder, 'xdg', 'sendmail-harden');
	mkdirSync(storeFolder, {recursive: true});
	const store = fifo(storeFolder, 'config.json');
	for (const args of [['presets', 'list'], ['presets', 'save', 'web', '--answers', answers], ['--dry-run', '--preset', 'web', '--config', copyDemoConfig().cfPath]]) {
		const run = await runCliBounded(args, {env: stateEnv(folder), timeLimitMs: TIME_LIMIT_MS});
		assertRefused(run, new RegExp(`the presets file ${store} is a FIFO \\(named pipe\\), not a regular file; move it aside`));
	}
});

test('two presets save at once into a new store, ten times over: neither is lost', async () => {
	const lost: string[] = [];
	for (let round = 0; round < 10; round++) {
		// A new store each round: creating the file is when two runs collided most.
		const env = stateEnv(freshFolder());
		const runs = await Promise.all(['a', 'b'].map(async name => runCli(['presets', 'save', name, '--answers', answers], {env})));
		for (const run of runs) {
			assert.equal(run.status, 0, run.stderr);
		}

		const listed = await runCli(['presets', 'list'], {env});
		const names = [...listed.stdout.matchAll(/^\s*(\S+)/gm)].map(match => match[1]);
		if (!names.includes('a') || !names.includes('b')) {
			lost.push(`round ${round}: ${names.join(' ')}`);
		}
	}

	assert.deepEqual(lost, []);
});

test('a .env file or a key given as the answers file or found as the preset store: one line that quotes none of it', async () => {
	const folder = freshFolder();
	const env = stateEnv(folder);
	const dotEnv = path.join(folder, '.env');
	writeFileSync(dotEnv, `${SECRET}\nDB_PASSWORD=hunter2\n`);
	const key = path.join(folder, 'server.key');
	writeFileSync(key, notConfigs[1]!.text);
	for (const file of [dotEnv, key]) {
		for (const args of [['--config', copyDemoConfig().cfPath, '--dry-run', '--answers', file], ['presets', 'import', file]]) {
			const run = await runCliBounded(args, {env, timeLimitMs: TIME_LIMIT_MS});
			assertRefused(run, /is not valid JSON \((an unexpected character|no number after minus sign at line 1, column 2)\)/);
			assert.doesNotMatch(run.stderr, /SECRET|sk_live|hunter2|BEGIN|MIIE/);
		}
	}

	const storeFolder = path.join(folder, 'xdg', 'sendmail-harden');
	mkdirSync(storeFolder, {recursive: true});
	writeFileSync(path.join(storeFolder, 'config.json'), `{"presets": [], "x": "${SECRET}`);
	const run = await runCliBounded(['presets', 'list'], {env, timeLimitMs: TIME_LIMIT_MS});
	assertRefused(run, /is not valid JSON \(unterminated string at line 1, column \d+\)/);
	assert.doesNotMatch(run.stderr, /SECRET|sk_live/);
});

test('a preset store in a folder the user cannot write is still read for --preset and list; saving says why not', async () => {
	const folder = freshFolder();
	const env = stateEnv(folder);
	assert.equal((await runCli(['presets', 'save', 'web', '--answers', answers], {env})).status, 0);
	const storeFolder = path.join(folder, 'xdg', 'sendmail-harden');
	chmodSync(path.join(storeFolder, 'config.json'), 0o644);
	for (const each of [folder, path.join(folder, 'xdg'), storeFolder]) {
		chmodSync(each, 0o755);
	}

	// As nobody: the folder is root's, so no lock file can be made there. The program and the answers
	// are copies nobody can read: the checkout may be in a folder only root can enter.
	const cli = readableCli();
	const asNobody = (args: string[]) => spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cli, ...args], {
		encoding: 'utf8',
		cwd: path.dirname(cli),
		env: {...process.env, ...env, HOME: '/nonexistent'},
	});
	const listed = asNobody(['presets', 'list']);
	assert.equal(listed.status, 0, listed.stderr);
	assert.match(listed.stdout, /^web /);
	const saved = asNobody(['presets', 'save', 'mail', '--answers', readableFile(answers)]);
	assert.equal(saved.status, 2);
	assert.match(saved.stderr, /^sendmail-harden: cannot take the lock .*config\.json\.lock: .*permission denied/i);
	assert.equal(saved.stderr.split('\n').length, 2);
});
