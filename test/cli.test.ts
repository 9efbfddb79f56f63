// Bad input: exit 2, exactly one line on stderr, no stack trace, and every file unchanged.
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {checkHostName} from '../source/system/host-name.js';
import {copyDemoConfig, runCli} from './helpers/cli.js';
import {skipUnlessSendmail} from './helpers/sendmail.js';

function folderHash(folder: string): string {
	const hash = createHash('sha256');
	for (const name of readdirSync(folder).sort()) {
		hash.update(name).update(readFileSync(path.join(folder, name)));
	}

	return hash.digest('hex');
}

function answersFile(content: string): string {
	const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'answers-')), 'answers.json');
	writeFileSync(file, content);
	return file;
}

const emptyStore = () => mkdtempSync(path.join(os.tmpdir(), 'xdg-'));

const cases: Array<{name: string; args: (cfPath: string) => string[]; message: RegExp; env?: () => NodeJS.ProcessEnv}> = [
	{name: 'a greeting with a newline', args: cf => ['--config', cf, '--yes', '--answers', answersFile('{"greeting": "$j\\nO QueueDirectory=/tmp"}')], message: /control character.*newline would add lines/},
	{name: 'a greeting with a bell character', args: cf => ['--config', cf, '--yes', '--answers', answersFile('{"greeting": "hi\\u0007"}')], message: /control character \(U\+0007\)/},
	{name: 'a greeting that is not ASCII', args: cf => ['--config', cf, '--yes', '--answers', answersFile('{"greeting": "$j café"}')], message: /plain ASCII/},
	{name: 'a negative size', args: cf => ['--config', cf, '--yes', '--answers', answersFile('{"maxMessageSize": -1}')], message: /maxMessageSize must be 0 or more/},
	{name: 'a fractional count', args: cf => ['--config', cf, '--yes', '--answers', answersFile('{"maxRecipientsPerMessage": 2.5}')], message: /must be a whole number/},
	{name: 'a size that is not a number', args: cf => ['--config', cf, '--yes', '--answers', answersFile('{"maxMessageSize": "lots"}')], message: /must be a whole number/},
	{name: 'an unknown privacy flag', args: cf => ['--config', cf, '--yes', '--answers', answersFile('{"privacyOptions": ["goaway", "novrify"]}')], message: /unknown privacy flag "novrify"/},
	{name: 'an unknown key', args: cf => ['--config', cf, '--yes', '--answers', answersFile('{"maxMessageSise": 1}')], message: /unknown key "maxMessageSise"/},
	{name: 'answers that are not JSON', args: cf => ['--config', cf, '--yes', '--answers', answersFile('{greeting: x')], message: /is not valid JSON/},
	{name: 'answers that are a list', args: cf => ['--config', cf, '--yes', '--answers', answersFile('[1]')], message: /must be a JSON object/},
	{name: 'a missing answers file', args: cf => ['--config', cf, '--yes', '--answers', '/nonexistent/answers.json'], message: /does not exist/},
	{name: 'a missing preset', args: cf => ['--config', cf, '--yes', '--preset', 'nope'], message: /nope/, env: () => ({XDG_CONFIG_HOME: emptyStore()})},
	{
		name: 'a corrupt preset store',
		args: cf => ['--config', cf, '--yes', '--preset', 'web'],
		message: /presets file/,
		env() {
			const home = emptyStore();
			mkdirSync(path.join(home, 'sendmail-harden'));
			writeFileSync(path.join(home, 'sendmail-harden', 'config.json'), '{"presets": [oops');
			return {XDG_CONFIG_HOME: home};
		},
	},
	{name: 'both --preset and --answers', args: cf => ['--config', cf, '--yes', '--preset', 'a', '--answers', 'b'], message: /either --preset NAME or --answers FILE/},
	{name: 'a missing config file', args: () => ['--config', '/nonexistent/sendmail.cf', '--dry-run', '--answers', 'test/fixtures/article-answers.json'], message: /does not exist; give the sendmail config with --config PATH/},
	{name: 'a config that is a folder', args: () => ['--config', os.tmpdir(), '--dry-run', '--answers', 'test/fixtures/article-answers.json'], message: /is a folder/},
	{name: 'a config that is not a sendmail.cf', args: () => ['--config', 'package.json', '--dry-run', '--answers', 'test/fixtures/article-answers.json'], message: /is not a sendmail\.cf: line 1 is not a line a sendmail\.cf can have/},
	{name: 'an unknown option', args: cf => ['--config', cf, '--yess'], message: /unknown option --yess/},
	{name: 'an option without its value', args: () => ['--config'], message: /--config needs a value/},
	{name: 'an unknown command', args: () => ['harden'], message: /unknown command "harden"/},
	{name: 'an unknown short option', args: cf => ['--config', cf, '-x'], message: /unknown option -x;/},
	{name: 'a repeated option', args: cf => ['--config', cf, '--config', cf, '--dry-run'], message: /--config given twice/},
	{name: 'a repeated switch', args: cf => ['--config', cf, '--dry-run', '--dry-run'], message: /--dry-run given twice/},
	{name: '--restart and --no-restart', args: cf => ['--config', cf, '--yes', '--restart', '--no-restart'], message: /--restart and --no-restart both given/},
	{name: '-h and --help', args: () => ['-h', '--help'], message: /-h and --help both given/},
	{name: 'an option whose value is another option', args: () => ['--config', '--yes'], message: /--config needs a value/},
	{name: 'an empty value', args: () => ['--answers=', '--yes'], message: /--answers needs a value/},
	{name: 'a value for a switch', args: cf => ['--config', cf, '--yes=no'], message: /--yes does not take a value \(got "no"\)/},
	{name: 'a value for a short switch', args: () => ['-v=2'], message: /-v does not take a value/},
	{name: 'a --keep that is not a number', args: cf => ['--config', cf, '--keep', 'all'], message: /--keep must be a whole number/},
	{name: 'a negative --keep', args: cf => ['--config', cf, '--keep', '-1'], message: /--keep must be a whole number of backup sets, 1 or more \(got "-1"\)/},
	{name: 'a negative --port', args: () => ['verify', '--port', '-5'], message: /--port must be a port number from 1 to 65535, not "-5"/},
	{name: 'a --keep of 0', args: cf => ['--config', cf, '--keep', '0'], message: /--keep must be a whole number of backup sets, 1 or more/},
	{name: '--demo with --config', args: cf => ['--demo', '--config', cf], message: /either --config PATH or --demo/},
	{name: 'an unknown option of a command', args: () => ['audit', '--jsn'], message: /unknown option --jsn/},
	{name: '--yes without answers', args: cf => ['--config', cf, '--yes'], message: /needs answers: give --preset NAME or --answers FILE/},
	{name: 'no TTY and no --yes', args: cf => ['--config', cf], message: /--yes/},
	{name: 'a port that is not a number', args: () => ['verify', '--port', 'smtp', '--host', '127.0.0.1'], message: /--port must be a port number/},
	{name: 'explain of an unknown flag', args: () => ['explain', 'novrify'], message: /did you mean "novrfy"/},
	// A word after a command that takes none is never ignored (issue 21, point 3).
	{name: 'a stray word after audit', args: cf => ['audit', '--config', cf, 'now'], message: /unexpected argument "now"/},
	{name: 'a stray word after rollback', args: cf => ['rollback', '--config', cf, 'please'], message: /unexpected argument "please"/},
	{name: 'a stray word after verify', args: cf => ['verify', '--config', cf, 'all'], message: /unexpected argument "all"/},
	{name: 'a server address as a word after verify', args: () => ['verify', '127.0.0.1'], message: /unexpected argument "127\.0\.0\.1" \(a server is given with --host ADDRESS/},
	{name: 'a stray word after a config path', args: cf => ['audit', cf, 'extra'], message: /unexpected argument "extra"/},
	{name: 'a stray word with --yes', args: cf => [cf, '--yes', '--answers', 'test/fixtures/article-answers.json', 'now'], message: /unexpected argument "now"/},
	{name: '--config and a config path', args: cf => ['audit', '--config', cf, cf], message: /two configs given: --config \S+ and "\S+"; give one/},
	{name: '--config and a config path with --dry-run', args: cf => ['--config', cf, '--dry-run', '/tmp/other/sendmail.cf'], message: /two configs given/},
	{name: '--config and a config path to rollback', args: cf => ['rollback', '--config', cf, '/tmp/other/sendmail.cf'], message: /two configs given/},
	{name: '--demo and a config path', args: cf => ['audit', '--demo', cf], message: /or --demo, not both/},
	{name: 'a --restart-command with an open quote', args: cf => ['--config', cf, '--yes', '--restart', '--restart-command', "/usr/sbin/service 'sendmail restart"], message: /--restart-command: a ' quote is not closed/},
];

for (const {name, args, message, env} of cases) {
	test(`bad input: ${name}`, async () => {
		const {folder, cfPath} = copyDemoConfig();
		const before = folderHash(folder);
		const run = await runCli(args(cfPath), {env: env?.()});
		assert.equal(run.status, 2, `exit status; stderr: ${run.stderr}`);
		assert.equal(run.stderr.split('\n').filter(Boolean).length, 1, `one line on stderr: ${run.stderr}`);
		assert.match(run.stderr, /^sendmail-harden: /);
		assert.match(run.stderr, message);
		assert.doesNotMatch(run.stderr, /\n\s+at /);
		assert.equal(folderHash(folder), before, 'files unchanged');
	});
}

test('--help and -h print the usage and exit 0', async () => {
	for (const flag of ['--help', '-h']) {
		const run = await runCli([flag]);
		assert.equal(run.status, 0, run.stderr);
		assert.match(run.stdout, /Usage\n {4}\$ sendmail-harden \[options\]/);
		assert.match(run.stdout, /--keep N/);
		assert.equal(run.stderr, '');
	}
});

test('--version and -v print the package version', async () => {
	const {version} = JSON.parse(readFileSync('package.json', 'utf8')) as {version: string};
	for (const flag of ['--version', '-v']) {
		const run = await runCli([flag]);
		assert.equal(run.status, 0, run.stderr);
		assert.equal(run.stdout, `${version}\n`);
	}
});

test('--json is accepted by every command', async () => {
	const {cfPath} = copyDemoConfig();
	const run = await runCli(['explain', 'goaway', '--json']);
	assert.equal(run.status, 0, run.stderr);
	const audit = await runCli(['audit', '--config', cfPath, '--json']);
	assert.notEqual(audit.status, 2, audit.stderr);
	assert.doesNotThrow(() => JSON.parse(audit.stdout));
});

test('--demo works on the bundled sample, whatever /etc/mail holds', async () => {
	const run = await runCli(['audit', '--demo']);
	assert.equal(run.status, 1, run.stderr);
	assert.match(run.stdout, /sendmail-harden-demo-/);
});

test('--dry-run --demo says it works on the sample because of --demo, not that /etc/mail has no config', async () => {
	const run = await runCli(['--demo', '--dry-run', '--answers', 'test/fixtures/article-answers.json']);
	assert.equal(run.status, 0, run.stderr);
	assert.match(run.stderr, /demo mode: --demo, so working on a copy of the bundled sample at \S*sendmail-harden-demo-/);
	assert.doesNotMatch(run.stderr, /there is no \/etc\/mail\/sendmail\.cf/);
});

// Issue 21, point 3: `audit /tmp/x/sendmail.cf` audited /etc/mail/sendmail.cf and `rollback PATH`
// acted on /etc/mail's. A config path after a command is that command's --config, and it says so.
test('audit PATH audits PATH, and says it took PATH as --config', async () => {
	const {cfPath} = copyDemoConfig();
	const run = await runCli(['audit', cfPath, '--json']);
	assert.equal(run.status, 1, run.stderr);
	assert.equal((JSON.parse(run.stdout) as {config: string}).config, cfPath);
	assert.equal(run.stderr, `sendmail-harden: note: taking "${cfPath}" as --config ${cfPath}\n`);
});

test('rollback PATH and verify PATH act on PATH, not /etc/mail/sendmail.cf', async () => {
	const {cfPath} = copyDemoConfig();
	const rollback = await runCli(['rollback', cfPath]);
	assert.equal(rollback.status, 2, rollback.stderr);
	assert.match(rollback.stderr, new RegExp(`there is no backup of ${cfPath.replaceAll('.', String.raw`\.`)} to roll back to`));
	const verify = await runCli(['verify', cfPath, '--json']);
	assert.equal((JSON.parse(verify.stdout) as {config: string}).config, cfPath, verify.stderr);
	assert.match(verify.stderr, /taking ".*" as --config/);
});

test('a config path alone runs the wizard faces on it (--dry-run)', async () => {
	const {cfPath} = copyDemoConfig();
	const run = await runCli([cfPath, '--dry-run', '--answers', 'test/fixtures/article-answers.json']);
	assert.equal(run.status, 0, run.stderr);
	assert.match(run.stdout, new RegExp(`^--- ${cfPath.replaceAll('.', String.raw`\.`)}\t`, 'm'));
	assert.match(run.stderr, /taking ".*" as --config/);
});

// Issue 21, point 6: `audit --help` and the like printed the global help.
test('each command\'s --help prints its own usage', async () => {
	for (const command of ['audit', 'rollback', 'verify', 'explain', 'presets']) {
		const run = await runCli([command, '--help']);
		assert.equal(run.status, 0, run.stderr);
		assert.match(run.stdout, new RegExp(`Usage\n {4}\\$ sendmail-harden ${command} `));
		assert.doesNotMatch(run.stdout, /--cf-only|\$ sendmail-harden \[options\]/, command);
	}

	assert.match((await runCli(['rollback', '--help'])).stdout, /--restart-command CMD/);
});

// Issue 21, point 6: --dry-run --hostname NAME showed the banner with another name. Run with the
// installed sendmail itself (not the tests' wrapper, which sets its own name) as root.
test('--dry-run --hostname NAME: the rehearsed banner names NAME', {skip: skipUnlessSendmail().skip ?? (process.getuid?.() !== 0 ? 'needs root for a private host name' : checkHostName().qualifiedAs === undefined ? undefined : 'the host name is qualified: sendmail uses it as it is')}, async () => {
	const {cfPath} = copyDemoConfig();
	const run = await runCli(['--config', cfPath, '--dry-run', '--hostname', 'mx.example.net', '--answers', 'test/fixtures/article-answers.json'], {env: {SENDMAIL_HARDEN_SENDMAIL: '/usr/sbin/sendmail'}});
	assert.equal(run.status, 0, run.stderr);
	assert.match(run.stdout, /banner: .* said "220 mx\.example\.net ESMTP mailserver; /);
});
