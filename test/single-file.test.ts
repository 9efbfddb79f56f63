// The single executable (dist/sendmail-harden-linux-x64, `npm run sea`) on a host without node:
// no `node` on PATH, and what it prints and writes is what the npm build prints and writes.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, {before} from 'node:test';
import {cliPath, copyDemoConfig} from './helpers/cli.js';
import {sendmailWrapper} from './helpers/sendmail.js';

const root = process.cwd();
const single = path.join(root, 'dist', `sendmail-harden-${process.platform}-${process.arch}`);
const answers = path.join(root, 'test', 'fixtures', 'article-answers.json');
const tmuxInstalled = spawnSync('tmux', ['-V']).status === 0;

/** A PATH with every command of this one but node, so nothing can fall back to it. */
function pathWithoutNode(): string {
	const bin = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-no-node-'));
	for (const folder of (process.env.PATH ?? '').split(':').filter(Boolean)) {
		if (!existsSync(folder)) {
			continue;
		}

		for (const name of readdirSync(folder)) {
			if (!/^node(js)?$/.test(name) && !existsSync(path.join(bin, name))) {
				symlinkSync(path.join(folder, name), path.join(bin, name));
			}
		}
	}

	return bin;
}

/** The hash of the bundle a build runs, as its code cache's file name gives it. */
function bundleHash(program: string): string {
	const argv = program === cliPath ? [process.execPath, cliPath] : [program];
	const run = spawnSync(argv[0]!, [...argv.slice(1), '--version'], {
		encoding: 'utf8',
		env: {...process.env, SENDMAIL_HARDEN_CODE_CACHE: 'report', XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-cache-'))},
	});
	return /code cache: .*\/([\da-f]{16})-[^/]*$/m.exec(run.stderr)?.[1] ?? `unknown: ${run.stderr}`;
}

let noNodePath = '';
before(() => {
	if (!existsSync(single) || bundleHash(single) !== bundleHash(cliPath)) {
		// CI builds it before the tests (.ci/run); a CI run without it is a broken run, not a skip.
		assert.ok(process.env.CI !== 'true' || existsSync(single), `${single} is missing: CI must run \`npm run sea\` before the tests`);
		const built = spawnSync(process.execPath, ['scripts/sea.js'], {cwd: root, encoding: 'utf8'});
		assert.equal(built.status, 0, built.stderr);
	}

	noNodePath = pathWithoutNode();
	assert.notEqual(spawnSync('sh', ['-c', 'command -v node'], {env: {PATH: noNodePath}}).status, 0, 'node is off PATH');
});

function environment(folder: string): NodeJS.ProcessEnv {
	return {
		PATH: noNodePath,
		HOME: folder,
		LANG: 'C.UTF-8',
		TERM: 'xterm-256color',
		XDG_CONFIG_HOME: path.join(folder, 'config'),
		XDG_CACHE_HOME: path.join(folder, 'cache'),
		SENDMAIL_HARDEN_STATE_DIR: path.join(folder, 'state'),
		SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper,
	};
}

/** Runs the single file, and the npm build on a twin copy of the config; both results. */
function both(args: (cfPath: string) => string[]) {
	const results = [];
	for (const argv0 of [[single], [process.execPath, cliPath]]) {
		const {folder, cfPath} = copyDemoConfig();
		const run = spawnSync(argv0[0]!, [...argv0.slice(1), ...args(cfPath)], {encoding: 'utf8', env: environment(folder), cwd: folder});
		// Paths name each run's own temp folder, backups the time they were made, sendmail's
		// greeting the time it answered.
		const text = (output: string) => output
			.replaceAll(folder, '<folder>')
			.replaceAll(/\d{8}T\d{6}-\d{3}Z/g, '<time>')
			.replaceAll(/[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [A-Z+-]\w*/g, '<date>');
		const written = Object.fromEntries(readdirSync(folder)
			.filter(name => statSync(path.join(folder, name)).isFile())
			.map(name => [text(name), text(readFileSync(path.join(folder, name), 'latin1'))]));
		results.push({status: run.status, stdout: text(run.stdout), stderr: text(run.stderr), written, folder});
	}

	return {single: results[0]!, npm: results[1]!};
}

test('the single file prints its version without node on PATH', () => {
	const {version} = JSON.parse(readFileSync('package.json', 'utf8')) as {version: string};
	const run = spawnSync(single, ['--version'], {encoding: 'utf8', env: {PATH: noNodePath}});
	assert.equal(run.status, 0, run.stderr);
	assert.equal(run.stdout, `${version}\n`);
});

test('the single file rejects and rebuilds a damaged code cache (16 flipped bytes in its data): every start ends normally', () => {
	const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-cache-'));
	const start = () => {
		const run = spawnSync(single, ['--version'], {encoding: 'utf8', env: {PATH: noNodePath, XDG_CACHE_HOME: cacheHome, SENDMAIL_HARDEN_CODE_CACHE: 'report'}});
		assert.equal(run.signal, null, run.stderr);
		assert.equal(run.status, 0, run.stderr);
		const report = /^code cache: (.*); (.*): (.*)$/m.exec(run.stderr);
		assert.ok(report, run.stderr);
		return {state: report[1]!, write: report[2]!, file: report[3]!};
	};

	const {file} = start();
	for (const shift of [0, 997, -4099]) {
		const data = readFileSync(file);
		const middle = (data.length >> 1) + shift;
		for (let index = 0; index < 16; index++) {
			data[middle + index * 7]! ^= 0xFF;
		}

		writeFileSync(file, data, {mode: 0o600});
		assert.deepEqual(start(), {state: 'rejected by V8', write: 'written', file});
		assert.equal(start().state, 'used');
	}
});

test('audit: the single file prints what the npm build prints', () => {
	const {single: mine, npm} = both(cfPath => ['audit', '--config', cfPath]);
	assert.equal(mine.status, 1, mine.stderr);
	assert.equal(mine.stdout, npm.stdout);
	assert.equal(mine.stderr, npm.stderr);
	assert.match(mine.stdout, /SmtpGreetingMessage/);
});

test('audit --demo: the single file carries the demo config and its help file', () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-single-'));
	const run = spawnSync(single, ['audit', '--demo'], {encoding: 'utf8', env: environment(folder)});
	assert.equal(run.status, 1, run.stderr);
	assert.match(run.stdout, /copy of the bundled sample/);
	// The copy is removed at exit; what audit read from it shows the help file came along.
	assert.match(run.stdout, /sendmail-harden-demo-\w+\/sendmail\.cf/);
	assert.match(run.stdout, /sendmail-harden-demo-\w+\/helpfile says "This is sendmail version \$v"/);
	assert.match(run.stdout, /SmtpGreetingMessage +\$j Sendmail \$v\/\$Z/);
});

test('--dry-run: the same diff, nothing written', () => {
	const {single: mine, npm} = both(cfPath => ['--config', cfPath, '--dry-run', '--answers', answers]);
	assert.equal(mine.status, 0, mine.stderr);
	assert.equal(mine.stdout, npm.stdout);
	assert.match(mine.stdout, /^\+O MaxMessageSize=/m);
	assert.deepEqual(Object.keys(mine.written).sort(), ['helpfile', 'sendmail.cf']);
	assert.deepEqual(mine.written, npm.written);
});

test('--yes: the single file writes the bytes the npm build writes', () => {
	const {single: mine, npm} = both(cfPath => ['--config', cfPath, '--yes', '--no-restart', '--answers', answers]);
	assert.equal(mine.status, 0, mine.stderr);
	assert.equal(npm.status, 0, npm.stderr);
	assert.deepEqual(Object.keys(mine.written).sort(), Object.keys(npm.written).sort());
	assert.ok(Object.keys(mine.written).some(name => name.endsWith('.bak')), 'a backup was kept');
	assert.equal(mine.written['sendmail.cf'], npm.written['sendmail.cf']);
	assert.equal(mine.written.helpfile, npm.written.helpfile);
	assert.match(mine.written['sendmail.cf']!, /^O MaxMessageSize=500000$/m, 'it wrote');
	for (const name of Object.keys(npm.written).filter(name => name.endsWith('.bak'))) {
		assert.equal(mine.written[name], npm.written[name], name);
	}
});

const quote = (text: string) => `'${text.replaceAll("'", String.raw`'\''`)}'`;

test('the wizard at 80x24 in tmux, without node on PATH: first screen, a step, quit', {skip: tmuxInstalled ? undefined : 'tmux is not installed'}, async t => {
	const {folder, cfPath} = copyDemoConfig();
	mkdirSync(path.join(folder, 'home'));
	const before = readFileSync(cfPath);
	const session = `single-file-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
	const exitFile = path.join(folder, 'exit-code');
	const env = Object.entries(environment(path.join(folder, 'home'))).map(([name, value]) => `${name}=${quote(value!)}`).join(' ');
	const command = `env -i ${env} ${quote(single)} --config ${quote(cfPath)} --answers ${quote(answers)}; echo $? > ${quote(exitFile)}; sleep 600`;
	const started = spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '80', '-y', '24', command]);
	assert.equal(started.status, 0, String(started.stderr));
	t.after(() => {
		spawnSync('tmux', ['kill-session', '-t', session]);
		rmSync(folder, {recursive: true, force: true});
	});
	const capture = () => spawnSync('tmux', ['capture-pane', '-p', '-t', session], {encoding: 'utf8'}).stdout;
	const waitFor = async (text: string) => {
		const start = Date.now();
		while (!capture().includes(text)) {
			assert.ok(Date.now() - start < 60_000, `the screen never showed ${text}; it shows:\n${capture()}`);
			await new Promise(resolve => setTimeout(resolve, 50));
		}

		return capture();
	};

	const welcome = await waitFor('Step 1 of');
	for (const line of welcome.split('\n')) {
		assert.ok(line.length <= 80, `a line overflows 80 columns: ${line}`);
	}

	spawnSync('tmux', ['send-keys', '-t', session, 'Enter']);
	await waitFor('Step 2 of');
	spawnSync('tmux', ['send-keys', '-t', session, 'q']);
	const start = Date.now();
	while (!existsSync(exitFile) || readFileSync(exitFile, 'utf8').trim() === '') {
		assert.ok(Date.now() - start < 60_000, `the wizard did not exit; the screen shows:\n${capture()}`);
		await new Promise(resolve => setTimeout(resolve, 50));
	}

	assert.equal(readFileSync(exitFile, 'utf8').trim(), '0');
	assert.deepEqual(readFileSync(cfPath), before);
	// The first screen made the code cache, in the private folder under XDG_CACHE_HOME.
	assert.equal(readdirSync(path.join(folder, 'home', 'cache', 'sendmail-harden')).filter(name => name.endsWith('.bin')).length, 1);
});

test('two builds of one commit are byte-identical, so a fleet copy sees no change after a rebuild', () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-sea-again-'));
	try {
		const again = path.join(folder, 'sendmail-harden');
		const built = spawnSync(process.execPath, ['scripts/sea.js', '--output', again], {cwd: root, encoding: 'utf8'});
		assert.equal(built.status, 0, built.stderr);
		const [first, second] = [readFileSync(single), readFileSync(again)];
		assert.equal(second.length, first.length);
		const differ = first.findIndex((byte, at) => byte !== second[at]);
		assert.equal(differ, -1, `the builds differ first at byte ${differ}`);
	} finally {
		rmSync(folder, {recursive: true, force: true});
	}
});
