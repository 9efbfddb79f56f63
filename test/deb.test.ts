// The Debian package (`npm run deb`): what it holds, lintian, the manual page and completion made
// from the program's --help, and an install on this machine that runs without node and whose
// removal leaves the admin's backups.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, {after, before} from 'node:test';
import {copyDemoConfig} from './helpers/cli.js';
import {sendmailWrapper} from './helpers/sendmail.js';

const root = process.cwd();
const single = path.join(root, 'dist', `sendmail-harden-${process.platform}-${process.arch}`);
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as {version: string}).version;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-deb-test-'));
const deb = path.join(scratch, 'sendmail-harden.deb');
const tools = ['dpkg-deb', 'dpkg-shlibdeps', 'lintian', 'man'].filter(tool => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const skip = tools.length === 0 ? undefined : `missing: ${tools.join(', ')} (apt-get install dpkg-dev lintian man-db)`;
assert.ok(skip === undefined || process.env.CI !== 'true', `${skip ?? ''}: CI must run the package's tests`);

before(() => {
	if (skip !== undefined) {
		return;
	}

	if (!existsSync(single)) {
		assert.ok(process.env.CI !== 'true', `${single} is missing: CI must run \`npm run sea\` before the tests`);
		const built = spawnSync(process.execPath, ['scripts/sea.js'], {encoding: 'utf8'});
		assert.equal(built.status, 0, built.stderr);
	}

	const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/deb.ts', '--output', deb], {encoding: 'utf8'});
	assert.equal(built.status, 0, built.stderr);
});

after(() => {
	rmSync(scratch, {recursive: true, force: true});
});

function fileOf(member: string): string {
	const tar = spawnSync('dpkg-deb', ['--fsys-tarfile', deb], {maxBuffer: 256 * 1024 * 1024});
	const out = spawnSync('tar', ['-xO', `./${member}`], {input: tar.stdout, maxBuffer: 16 * 1024 * 1024});
	const data = member.endsWith('.gz') ? spawnSync('gunzip', [], {input: out.stdout}).stdout : out.stdout;
	return data.toString('utf8');
}

test('the package holds the executable, its manual page, completion, copyright and changelog; Depends only on shared libraries', {skip}, () => {
	const listing = spawnSync('dpkg-deb', ['-c', deb], {encoding: 'utf8'}).stdout;
	const files = listing.split('\n').filter(line => line.startsWith('-')).map(line => line.split(/\s+/).at(-1));
	assert.deepEqual(files.sort(), [
		'./usr/sbin/sendmail-harden',
		'./usr/share/bash-completion/completions/sendmail-harden',
		'./usr/share/doc/sendmail-harden/changelog.Debian.gz',
		'./usr/share/doc/sendmail-harden/copyright',
		'./usr/share/lintian/overrides/sendmail-harden',
		'./usr/share/man/man8/sendmail-harden.8.gz',
	]);
	assert.doesNotMatch(listing, /^[^d].* (?!root\/root)\S+\/\S+ /m, 'every file is root\'s');
	const depends = spawnSync('dpkg-deb', ['-f', deb, 'Depends'], {encoding: 'utf8'}).stdout.trim();
	assert.match(depends, /^libc6 \(>= [\d.]+\)/);
	assert.doesNotMatch(depends, /node|sendmail/);
	assert.equal(spawnSync('dpkg-deb', ['-f', deb, 'Version'], {encoding: 'utf8'}).stdout.trim(), `${version}-1`);
});

test('lintian finds nothing but the overrides the package explains', {skip}, () => {
	const run = spawnSync('lintian', [deb], {encoding: 'utf8'});
	const tags = `${run.stdout}${run.stderr}`.split('\n').filter(line => /^[EWIX]: /.test(line));
	assert.deepEqual(tags, []);
	assert.equal(run.status, 0);
});

test('the manual page renders and names every option and command of --help', {skip}, () => {
	const page = path.join(scratch, 'sendmail-harden.8');
	writeFileSync(page, fileOf('usr/share/man/man8/sendmail-harden.8.gz'));
	const man = spawnSync('man', ['-l', page], {encoding: 'utf8', env: {...process.env, MANWIDTH: '80', MAN_KEEP_FORMATTING: '', LANG: 'C.UTF-8'}});
	assert.equal(man.status, 0, man.stderr);
	assert.equal(man.stderr, '');
	const help = spawnSync(single, ['--help'], {encoding: 'utf8'}).stdout;
	for (const option of new Set(help.match(/--[a-z][\w-]+/g))) {
		assert.ok(man.stdout.includes(option), `${option} is in --help but not in the manual page`);
	}

	for (const section of ['NAME', 'SYNOPSIS', 'OPTIONS', 'COMMANDS', 'EXIT STATUS', 'FILES', '   audit', '   rollback', '   verify', '   explain', '   presets', '   report']) {
		assert.match(man.stdout, new RegExp(`^${section}$`, 'm'));
	}
});

test('bash completion offers the commands, each command\'s options, and files after --config', {skip}, () => {
	const completion = path.join(scratch, 'completion.bash');
	writeFileSync(completion, fileOf('usr/share/bash-completion/completions/sendmail-harden'));
	// bash-completion's two helpers, as small stand-ins: the words so far, and files.
	const complete = (...words: string[]) => spawnSync('bash', ['-c', [
		'_init_completion() { words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; }',
		'_filedir() { COMPREPLY=(FILES); }',
		`. ${completion}`,
		'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sendmail_harden; echo "${COMPREPLY[*]}"',
	].join('\n'), 'bash', 'sendmail-harden', ...words], {encoding: 'utf8'}).stdout.trim();
	assert.equal(complete('au'), 'audit');
	assert.equal(complete('audit', '--c'), '--config');
	assert.equal(complete('--config', ''), 'FILES');
	assert.equal(complete('rollback', '--se'), '--set');
	assert.equal(complete('report', '--cs'), '--csv');
	assert.deepEqual(complete('explain', 'nov').split(' ').sort(), ['noverb', 'novrfy']);
	assert.equal(complete('--port', ''), '');
});

test('installed with dpkg it runs without node; removing it leaves the backups and state', {skip}, t => {
	if (spawnSync('dpkg', ['-s', 'sendmail-harden'], {stdio: 'ignore'}).status === 0) {
		assert.ok(process.env.CI !== 'true', 'a fresh CI machine has no sendmail-harden installed');
		t.skip('sendmail-harden is installed on this machine; the test does not replace it');
		return;
	}

	const stateDir = '/var/lib/sendmail-harden';
	const stateExisted = existsSync(stateDir);
	const configsDir = path.join(stateDir, 'configs');
	const configsBefore = new Set(existsSync(configsDir) ? readdirSync(configsDir) : []);
	const noNode = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-no-node-'));
	for (const tool of ['sh', 'cat']) {
		symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], {encoding: 'utf8'}).stdout.trim(), path.join(noNode, tool));
	}

	try {
		const install = spawnSync('dpkg', ['-i', deb], {encoding: 'utf8'});
		assert.equal(install.status, 0, install.stderr);
		const env = {PATH: noNode, HOME: scratch, LANG: 'C', SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper};
		const shown = spawnSync('/usr/sbin/sendmail-harden', ['--version'], {encoding: 'utf8', env});
		assert.equal(shown.stdout.trim(), version);

		const {folder, cfPath} = copyDemoConfig();
		const harden = spawnSync('/usr/sbin/sendmail-harden', ['--yes', '--no-restart', '--answers', path.join(root, 'test/fixtures/article-answers.json'), '--config', cfPath], {encoding: 'utf8', env});
		assert.equal(harden.status, 0, harden.stderr);
		const sets = readdirSync(stateDir, {recursive: true}).length;
		assert.ok(sets > 0);
		rmSync(folder, {recursive: true, force: true});

		const remove = spawnSync('dpkg', ['-r', 'sendmail-harden'], {encoding: 'utf8'});
		assert.equal(remove.status, 0, remove.stderr);
		assert.equal(existsSync('/usr/sbin/sendmail-harden'), false);
		assert.equal(readdirSync(stateDir, {recursive: true}).length, sets, 'the state folder is the admin\'s: removal keeps it');
	} finally {
		spawnSync('dpkg', ['--purge', 'sendmail-harden'], {stdio: 'ignore'});
		rmSync(noNode, {recursive: true, force: true});
		if (stateExisted) {
			// Only what this test's run added: the state of the config copy it hardened.
			for (const name of existsSync(configsDir) ? readdirSync(configsDir) : []) {
				if (!configsBefore.has(name)) {
					rmSync(path.join(configsDir, name), {recursive: true, force: true});
				}
			}
		} else {
			rmSync(stateDir, {recursive: true, force: true});
		}
	}
});
