// The launcher's code cache (scripts/launcher.cjs): written to a private folder, used when it was
// made for this bundle, node and flags, ignored (and replaced) otherwise, never read from or
// written to a folder others can write, and a damaged one (flipped bytes in its data) is rejected and
// rebuilt, never run. SENDMAIL_HARDEN_CODE_CACHE=report says what happened.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, renameSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {cliPath, copyDemoConfig} from './helpers/cli.js';

const {version} = JSON.parse(readFileSync('package.json', 'utf8')) as {version: string};

function run(cacheHome: string, nodeFlags: string[] = []) {
	const result = spawnSync(process.execPath, [...nodeFlags, cliPath, '--version'], {
		encoding: 'utf8',
		env: {...process.env, XDG_CACHE_HOME: cacheHome, SENDMAIL_HARDEN_CODE_CACHE: 'report', NODE_OPTIONS: ''},
	});
	assert.equal(result.status, 0, result.stderr);
	assert.equal(result.stdout, `${version}\n`);
	const report = /^code cache: (.*); (.*): (.*)$/m.exec(result.stderr);
	assert.ok(report, result.stderr);
	return {state: report[1]!, write: report[2]!, file: report[3]!};
}

const cacheHome = () => mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-cache-'));

test('the first run writes the cache into a private folder; the next run uses it', () => {
	const home = cacheHome();
	const first = run(home);
	assert.equal(first.state, 'absent');
	assert.equal(first.write, 'written');
	assert.equal(path.dirname(first.file), path.join(home, 'sendmail-harden'));
	assert.equal(statSync(path.dirname(first.file)).mode & 0o777, 0o700);
	assert.equal(statSync(first.file).mode & 0o777, 0o600);
	const bundleHash = path.basename(first.file).split('-')[0]!;
	assert.match(readFileSync(first.file, 'latin1'), new RegExp(`^sendmail-harden code cache 2\\n${bundleHash}\\n`));
	const second = run(home);
	assert.equal(second.state, 'used');
	assert.equal(second.write, 'not written');
	assert.deepEqual(readdirSync(path.dirname(first.file)), [path.basename(first.file)]);
});

test('a cache made for another bundle is ignored and replaced', () => {
	const home = cacheHome();
	const {file} = run(home);
	const data = readFileSync(file, 'latin1');
	const [, bundleHash] = data.split('\n');
	writeFileSync(file, data.replace(bundleHash!, '0123456789abcdef'), {encoding: 'latin1', mode: 0o600});
	const stale = run(home);
	assert.equal(stale.state, 'stale: made for another bundle or runtime');
	assert.equal(stale.write, 'written');
	assert.equal(run(home).state, 'used');
});

test('writing a cache removes the caches of other versions, not those of other flags', () => {
	const home = cacheHome();
	const {file} = run(home);
	const folder = path.dirname(file);
	const otherVersion = path.join(folder, `0123456789abcdef-${path.basename(file).split('-').slice(1).join('-')}`);
	const unrelated = path.join(folder, 'notes.txt');
	writeFileSync(otherVersion, 'old', {mode: 0o600});
	writeFileSync(unrelated, 'mine', {mode: 0o600});
	const otherFlags = run(home, ['--no-opt']);
	assert.equal(otherFlags.write, 'written');
	assert.deepEqual(readdirSync(folder).sort(), [path.basename(file), path.basename(otherFlags.file), 'notes.txt'].sort());
});

test('a cache made under other node flags is not used under these', () => {
	const home = cacheHome();
	const other = run(home, ['--no-opt']);
	assert.equal(other.write, 'written');
	const plain = run(home);
	assert.notEqual(plain.file, other.file, 'the flags are part of the key');
	assert.equal(plain.state, 'absent');
	// Even under this run's file name, the header names the other flags.
	renameSync(other.file, plain.file);
	const moved = run(home);
	assert.equal(moved.state, 'stale: made for another bundle or runtime');
	assert.equal(moved.write, 'written');
});

test('cached data V8 rejects is ignored and replaced', () => {
	const home = cacheHome();
	const {file} = run(home);
	const data = readFileSync(file);
	const header = data.subarray(0, data.indexOf('\n', data.indexOf('\n', data.indexOf('\n') + 1) + 1) + 1);
	writeFileSync(file, Buffer.concat([header, Buffer.alloc(4096, 7)]), {mode: 0o600});
	const rejected = run(home);
	assert.equal(rejected.state, 'rejected by V8');
	assert.equal(rejected.write, 'written');
	assert.equal(run(home).state, 'used');
});

test('a cache folder others can write is neither read nor written', () => {
	const home = cacheHome();
	const {file} = run(home);
	const before = readFileSync(file);
	const modified = statSync(file).mtimeMs;
	chmodSync(path.dirname(file), 0o777);
	const open = run(home);
	assert.equal(open.state, 'not used: the folder is not private to this user');
	assert.equal(open.write, 'not written: the folder is not private to this user');
	assert.deepEqual(readFileSync(file), before);
	assert.equal(statSync(file).mtimeMs, modified);
	chmodSync(path.dirname(file), 0o720);
	assert.equal(run(home).state, 'not used: the folder is not private to this user', 'group-writable');
});

test('a cache file others can write, or a symbolic link, is not used', () => {
	const home = cacheHome();
	const {file} = run(home);
	chmodSync(file, 0o666);
	assert.equal(run(home).state, 'not used: the file is not private to this user');
	const elsewhere = path.join(cacheHome(), 'planted.bin');
	renameSync(file, elsewhere);
	chmodSync(elsewhere, 0o600);
	symlinkSync(elsewhere, file);
	assert.equal(run(home).state, 'not used: ELOOP');
});

const madeBy = (file: string) => {
	const data = readFileSync(file, 'latin1');
	const headerEnd = data.indexOf('\n', data.indexOf('\n', data.indexOf('\n') + 1) + 1) + 1;
	return data[headerEnd];
};

const tmuxInstalled = spawnSync('tmux', ['-V']).status === 0;

test('the wizard replaces a cache a command made with one holding its first screen, once', {skip: tmuxInstalled ? undefined : 'tmux is not installed'}, async t => {
	const home = cacheHome();
	const {file} = run(home);
	assert.equal(madeBy(file), 'c');
	const {cfPath} = copyDemoConfig();
	// The wizard's own report (SENDMAIL_HARDEN_CODE_CACHE=report, printed as it exits) says whether
	// it wrote the cache; the file's time must agree.
	const wizardRun = async () => {
		const before = statSync(file).mtimeMs;
		const session = `code-cache-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
		spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '80', '-y', '24', `SENDMAIL_HARDEN_CODE_CACHE=report XDG_CACHE_HOME='${home}' '${process.execPath}' '${cliPath}' --config '${cfPath}'; sleep 600`]);
		t.after(() => spawnSync('tmux', ['kill-session', '-t', session]));
		const pane = () => spawnSync('tmux', ['capture-pane', '-p', '-J', '-t', session], {encoding: 'utf8'}).stdout;
		const waitFor = async (text: string) => {
			const start = Date.now();
			while (!pane().includes(text)) {
				assert.ok(Date.now() - start < 60_000, `the wizard never showed "${text}":\n${pane()}`);
				await new Promise(resolve => setTimeout(resolve, 50));
			}
		};

		await waitFor('Step 1 of');
		spawnSync('tmux', ['send-keys', '-t', session, 'q']);
		await waitFor('code cache: ');
		const report = /code cache: [^;]*; (written|not written)/.exec(pane());
		spawnSync('tmux', ['kill-session', '-t', session]);
		assert.ok(report, pane());
		const written = report[1] === 'written';
		assert.equal(statSync(file).mtimeMs !== before, written, `the report says ${report[0]}`);
		return written;
	};

	assert.equal(await wizardRun(), true, 'the wizard replaced the command\'s cache');
	assert.equal(madeBy(file), 'w');
	assert.equal(run(home).state, 'used');
	assert.equal(madeBy(file), 'w', 'a command keeps the wizard\'s cache');
	assert.equal(await wizardRun(), false, 'the wizard keeps its own cache');
});

/** Flips 16 bytes of the cached data in the middle of the file, where the header does not reach. */
function damage(file: string, shift: number): void {
	const data = readFileSync(file);
	const middle = (data.length >> 1) + shift;
	for (let index = 0; index < 16; index++) {
		data[middle + index * 7]! ^= 0xFF;
	}

	writeFileSync(file, data, {mode: 0o600});
}

test('a damaged cache (16 flipped bytes in its data) is rejected and rebuilt, never run: every start ends normally', () => {
	const home = cacheHome();
	const {file} = run(home);
	const env = {...process.env, XDG_CACHE_HOME: home, SENDMAIL_HARDEN_CODE_CACHE: 'report', NODE_OPTIONS: ''};
	// Five places, each with --version and a command that runs more of the bundle.
	for (const shift of [0, 997, -4099, 15_013, -30_011]) {
		damage(file, shift);
		const damaged = run(home);
		assert.equal(damaged.state, 'rejected by V8');
		assert.equal(damaged.write, 'written', 'a new cache replaces the damaged one');
		damage(file, shift);
		const command = spawnSync(process.execPath, [cliPath, 'explain', 'goaway'], {encoding: 'utf8', env});
		assert.equal(command.signal, null, command.stderr);
		assert.equal(command.status, 0, command.stderr);
		assert.match(command.stdout, /goaway/);
		assert.match(command.stderr, /^code cache: rejected by V8; written: /m);
		assert.equal(run(home).state, 'used', 'the rebuilt cache is used');
	}
});
