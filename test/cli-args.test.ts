// The command line as parsed: names, defaults, --restart/--no-restart, and the one-line errors.
import assert from 'node:assert/strict';
import test from 'node:test';
import {parseCli} from '../source/cli-args.js';

const parsed = (argv: string[]) => {
	const result = parseCli(argv);
	assert.ok(result.ok, result.ok ? '' : result.error);
	return result.value;
};

const error = (argv: string[]) => {
	const result = parseCli(argv);
	assert.ok(!result.ok, `expected an error for ${argv.join(' ')}`);
	return result.error;
};

test('defaults: switches off, values absent', () => {
	const {flags, input} = parsed([]);
	assert.deepEqual(input, []);
	assert.equal(flags.yes, false);
	assert.equal(flags.dryRun, false);
	assert.equal(flags.json, false);
	assert.equal(flags.demo, false);
	assert.equal(flags.restart, undefined);
	assert.equal(flags.config, undefined);
	assert.equal(flags.keep, undefined);
});

test('every option reaches its flag', () => {
	const {flags, input} = parsed([
		'audit', '--config', 'a.cf', '--preset=web', '--answers', 'x.json', '--hostname', 'mx', '--yes', '--dry-run', '--json',
		'--cf-only', '--from', '2001:db8::7', '--keep', '5', '--host', '::1', '--port', '2525', '--force', '--name', 'n', '--no-restart', '--set', '20261126T100000-000Z',
		'--restart-command', "/usr/sbin/service 'send mail' restart", '--csv', '--markdown', '--html',
	]);
	assert.deepEqual(input, ['audit']);
	assert.deepEqual(flags, {
		config: 'a.cf', demo: false, preset: 'web', answers: 'x.json', hostname: 'mx', yes: true, dryRun: true, json: true,
		csv: true, markdown: true, html: true, restart: false, restartCommand: {label: "/usr/sbin/service 'send mail' restart", command: '/usr/sbin/service', args: ['send mail', 'restart']}, cfOnly: true, from: '2001:db8::7', keep: 5, set: '20261126T100000-000Z', host: '::1', port: '2525', force: true, name: 'n', help: false, version: false,
	});
	assert.equal(parsed(['--restart']).flags.restart, true);
	assert.equal(parsed(['--demo']).flags.demo, true);
	assert.equal(parsed(['-h']).flags.help, true);
	assert.equal(parsed(['-v']).flags.version, true);
	assert.equal(parsed(['-hv']).flags.version, true);
});

test('a value that starts with a dash is given inline; after -- everything is an argument', () => {
	assert.equal(parsed(['--config=-odd.cf']).flags.config, '-odd.cf');
	assert.deepEqual(parsed(['explain', '--', '--yes']).input, ['explain', '--yes']);
	assert.equal(parsed(['explain', '--', '--yes']).flags.yes, false);
});

test('one-line errors name the option as typed', () => {
	assert.equal(error(['--yess']), 'unknown option --yess');
	assert.equal(error(['-x']), 'unknown option -x');
	assert.equal(error(['-q=1']), 'unknown option -q');
	assert.equal(error(['--config', 'a', '--config', 'b']), '--config given twice; give it once');
	assert.equal(error(['--config=a', '--config', 'b']), '--config given twice; give it once');
	assert.equal(error(['--no-restart', '--restart']), '--no-restart and --restart both given; give one');
	assert.equal(error(['-v', '--version']), '-v and --version both given; give one');
	assert.equal(error(['--config']), '--config needs a value');
	assert.equal(error(['--port', '--json']), '--port needs a value');
	assert.equal(error(['--name=']), '--name needs a value');
	assert.equal(error(['--json=yes']), '--json does not take a value (got "yes")');
	assert.equal(error(['--help=1']), '--help does not take a value (got "1")');
	assert.equal(error(['-h=1']), '-h does not take a value (got "1")');
	// A negative number is a wrong number, not a missing value (issue 21).
	assert.equal(error(['--from', 'outside.example.net']), '--from must be an IPv4 or IPv6 address such as 198.51.100.7 (got "outside.example.net")');
	assert.equal(error(['--from', '198.51.100.300']), '--from must be an IPv4 or IPv6 address such as 198.51.100.7 (got "198.51.100.300")');
	assert.equal(error(['--from']), '--from needs a value');
	assert.equal(parsed(['--from', '198.51.100.7']).flags.from, '198.51.100.7');
	assert.equal(error(['--keep', '-1']), '--keep must be a whole number of backup sets, 1 or more (got "-1")');
	assert.match(error(['--keep', '1.5']), /--keep must be a whole number/);
	assert.match(error(['--demo', '--config', 'a']), /either --config PATH or --demo/);
	for (const message of [error(['--config', 'a', '--config', 'b']), error(['--bogus'])]) {
		assert.doesNotMatch(message, /\n/);
	}
});

test('--hostname must be a host name: "bad host!" is one line and exit 2', () => {
	const parsed = parseCli(['--hostname', 'bad host!', '--dry-run']);
	assert.deepEqual(parsed, {ok: false, error: '--hostname: "bad host!" is not a host name; use letters, digits, "-" and dots, such as mail.example.org'});
	assert.ok(parseCli(['--hostname', 'mail.example.org']).ok);
});
