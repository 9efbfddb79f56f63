// `--yes` and `--dry-run` with `--json`, and the rehearsal gate, through the built CLI against the
// real sendmail: one JSON document on stdout, `changed` only when a byte changed, the failure
// document, and a rehearsal that contradicts the answers stopping the write.
import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, {describe} from 'node:test';
import {copyDemoConfig, runCli} from '../helpers/cli.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';

const article = ['--answers', 'test/fixtures/article-answers.json'];
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'harden-json-state-'));
const env = {SENDMAIL_HARDEN_STATE_DIR: stateDir};

const KEYS = ['command', 'config', 'changed', 'exitCode', 'meaning', 'error', 'settings', 'diff', 'files', 'notes', 'warnings', 'rehearsal', 'backup', 'restart', 'verify'];

/** The whole of stdout must be one JSON document. */
function parseDocument(stdout: string): Record<string, any> {
	const document = JSON.parse(stdout) as Record<string, any>;
	assert.deepEqual(Object.keys(document), KEYS);
	return document;
}

/**
 * A stand-in for sendmail: the real one, told on its command line to advertise a 1000-byte limit,
 * as a host whose init passes -O options would. The model cannot know; the rehearsal sees it.
 */
function sendmailWithSmallSize(): string {
	const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sendmail-o-')), 'sendmail');
	writeFileSync(file, '#!/bin/sh\nexec /usr/sbin/sendmail -O MaxMessageSize=1000 "$@"\n');
	chmodSync(file, 0o755);
	return file;
}

// Each test its own copy of the config; they mostly wait on sendmail's rehearsal: three at once.
describe('--yes and --dry-run with --json', {concurrency: 3}, () => {
	test('--dry-run --json: one document, the diff, the rehearsal\'s checks from sendmail; nothing written', skipUnlessSendmail(), async () => {
		const {folder, cfPath, helpPath} = copyDemoConfig();
		const before = readFileSync(cfPath);
		const run = await runCli(['--config', cfPath, ...article, '--dry-run', '--json'], {env});
		assert.equal(run.status, 0, run.stderr);
		assert.equal(run.stderr, '');
		const document = parseDocument(run.stdout);
		assert.equal(document['command'], 'dry-run');
		assert.equal(document['config'], cfPath);
		assert.equal(document['changed'], true);
		assert.equal(document['exitCode'], 0);
		assert.equal(document['meaning'], 'done');
		assert.equal(document['error'], null);
		assert.deepEqual(document['settings'].find((change: {setting: string}) => change.setting === 'MaxMessageSize'), {setting: 'MaxMessageSize', before: null, after: '500000'});
		assert.match(document['diff'], /^\+O MaxMessageSize=500000$/m);
		assert.match(document['diff'], new RegExp(`^--- ${helpPath}\\tcurrent$`, 'm'));
		assert.deepEqual(document['files'], [{role: 'cf', path: cfPath}, {role: 'helpfile', path: helpPath}]);
		assert.equal(document['backup'], null);
		assert.equal(document['verify'], null);
		// docs/sendmail.md, "SMTP replies per setting": goaway answers VRFY with 252 2.5.2; MaxMessageSize=500000 gives "250-SIZE 500000".
		assert.equal(document['rehearsal'].status, 'ran');
		assert.equal(document['rehearsal'].agrees, true);
		const checks = new Map<string, {status: string; reply: string}>(document['rehearsal'].checks.map((check: {name: string}) => [check.name, check]));
		assert.match(checks.get('VRFY')!.reply, /^252 2\.5\.2 /);
		assert.equal(checks.get('SIZE')!.reply, '250-SIZE 500000');
		assert.deepEqual(readFileSync(cfPath), before);
		assert.equal(readdirSync(folder).length, 2);
	});

	test('--dry-run --json: control bytes in a changed line are made visible in the diff, as --dry-run prints them', skipUnlessSendmail(), async () => {
		const {cfPath, helpPath} = copyDemoConfig();
		// A help file line with a screen clear and a bell, next to the line the hardening changes.
		writeFileSync(helpPath, readFileSync(helpPath, 'latin1').replace('smtp\tThis is sendmail version $v', 'smtp\tThis is sendmail version $v\nsmtp\t\u001B[2J\u0007planted'), 'latin1');
		const run = await runCli(['--config', cfPath, ...article, '--dry-run', '--json'], {env});
		assert.equal(run.status, 0, run.stderr);
		const document = parseDocument(run.stdout);
		assert.match(document['diff'], /^ smtp\t\\e\[2J\\x07planted$/m);
		assert.doesNotMatch(document['diff'], /[\u0000-\u0008\u000B-\u001F\u007F]/);
		const printed = await runCli(['--config', cfPath, ...article, '--dry-run'], {env});
		assert.ok(printed.stdout.includes('smtp\t\\e[2J\\x07planted'), 'the same escape as --dry-run');
	});

	test('--yes --json: changed true with the backup set, then a second run says changed false, exit 0', skipUnlessSendmail(), async () => {
		const {cfPath} = copyDemoConfig();
		const first = await runCli(['--config', cfPath, ...article, '--yes', '--json'], {env});
		assert.equal(first.status, 0, first.stderr);
		const written = parseDocument(first.stdout);
		assert.equal(written['command'], 'harden');
		assert.equal(written['changed'], true);
		assert.equal(written['exitCode'], 0);
		assert.equal(written['rehearsal'].status, 'ran');
		assert.equal(written['backup'].files.length, 2);
		for (const file of written['backup'].files as Array<{path: string; backup: string}>) {
			assert.match(file.backup, /\.sendmail-harden-\d{8}T\d{6}-\d{3}Z\.bak$/);
			assert.ok(readFileSync(file.backup).length > 0);
		}

		assert.match(readFileSync(cfPath, 'latin1'), /^O MaxMessageSize=500000$/m);
		const after = readFileSync(cfPath);

		const second = await runCli(['--config', cfPath, ...article, '--yes', '--json'], {env});
		assert.equal(second.status, 0, second.stderr);
		const again = parseDocument(second.stdout);
		assert.equal(again['changed'], false);
		assert.equal(again['exitCode'], 0);
		assert.equal(again['diff'], '');
		assert.deepEqual(again['settings'], []);
		assert.equal(again['backup'], null);
		assert.deepEqual(readFileSync(cfPath), after);
	});

	test('a failure still prints one document (exitCode, meaning, error) and one line on stderr', async () => {
		const {cfPath} = copyDemoConfig();
		const answers = path.join(mkdtempSync(path.join(os.tmpdir(), 'answers-')), 'answers.json');
		writeFileSync(answers, '{"maxMessageSize": "big"}');
		const run = await runCli(['--config', cfPath, '--answers', answers, '--yes', '--json'], {env});
		assert.equal(run.status, 2);
		const document = parseDocument(run.stdout);
		assert.equal(document['exitCode'], 2);
		assert.equal(document['meaning'], 'bad input');
		assert.equal(document['changed'], false);
		assert.equal(typeof document['error'], 'string');
		assert.equal(run.stderr, `sendmail-harden: ${document['error']}\n`);
		assert.equal(run.stderr.split('\n').length, 2, 'one line');
	});

	test('--yes writes nothing when sendmail\'s rehearsal contradicts the answers: exit 1, one stderr line per failed check', skipUnlessSendmail(), async () => {
		const {folder, cfPath} = copyDemoConfig();
		const before = readFileSync(cfPath);
		const run = await runCli(['--config', cfPath, ...article, '--yes'], {env: {...env, SENDMAIL_HARDEN_SENDMAIL: sendmailWithSmallSize()}});
		assert.equal(run.status, 1, run.stdout + run.stderr);
		assert.equal(run.stderr, [
			'sendmail-harden: rehearsal: SIZE: expected SIZE 500000; sendmail said "250-SIZE 1000"',
			'sendmail-harden: sendmail\'s rehearsal of the new config contradicts the answers (SIZE); nothing was written',
			'',
		].join('\n'));
		assert.deepEqual(readFileSync(cfPath), before);
		assert.equal(readdirSync(folder).length, 2, 'no backup, no temporary file');

		const json = await runCli(['--config', cfPath, ...article, '--yes', '--json'], {env: {...env, SENDMAIL_HARDEN_SENDMAIL: sendmailWithSmallSize()}});
		assert.equal(json.status, 1);
		const document = parseDocument(json.stdout);
		assert.equal(document['exitCode'], 1);
		assert.equal(document['meaning'], 'verify failed');
		assert.equal(document['changed'], false);
		assert.equal(document['rehearsal'].agrees, false);
		assert.equal(document['backup'], null);
		assert.match(document['error'], /contradicts the answers \(SIZE\); nothing was written/);
		assert.deepEqual(readFileSync(cfPath), before);
	});

	test('--dry-run prints the rehearsal\'s checks after the diff, then each skipped step with its reason', skipUnlessSendmail(), async () => {
		const {cfPath} = copyDemoConfig();
		const run = await runCli(['--config', cfPath, ...article, '--dry-run'], {env});
		assert.equal(run.status, 0, run.stderr);
		const rehearsal = run.stdout.indexOf('Rehearsal with the installed sendmail');
		assert.ok(rehearsal > run.stdout.lastIndexOf('\n+'), 'after the diff');
		const after = run.stdout.slice(rehearsal);
		// docs/sendmail.md, "PrivacyOptions and goaway": with goaway, MAIL before HELO gets "503 5.0.0 Polite people say HELO first".
		assert.match(after, /^✔ MAIL before HELO: .* — sendmail said "503 5\.0\.0 Polite people say HELO first"$/m);
		assert.match(after, /^✔ recipient limit: .* — sendmail said "452 4\.5\.3 Too many recipients"$/m);
		assert.doesNotMatch(after, /^✘/m);
		assert.match(after, new RegExp(`^skipped: Back up and write ${cfPath}, .* — dry run: nothing written`, 'm'));
		assert.match(after, /^skipped: Check the live server on 127\.0\.0\.1:25 — dry run: /m);

		// The same stand-in as above: the dry run shows the contradiction and exits as --yes would.
		const contradicted = await runCli(['--config', cfPath, ...article, '--dry-run'], {env: {...env, SENDMAIL_HARDEN_SENDMAIL: sendmailWithSmallSize()}});
		assert.equal(contradicted.status, 1);
		assert.match(contradicted.stdout, /^✘ SIZE: expected SIZE 500000 — sendmail said "250-SIZE 1000"$/m);
		assert.match(contradicted.stdout, /^skipped: Back up and write .* — the rehearsal contradicts the answers$/m);
	});

	test('--yes says it rehearsed with sendmail before writing', skipUnlessSendmail(), async () => {
		const {cfPath} = copyDemoConfig();
		const run = await runCli(['--config', cfPath, ...article, '--yes'], {env});
		assert.equal(run.status, 0, run.stderr);
		assert.match(run.stdout, /^Rehearsed with the installed sendmail first, as a client at 198\.51\.100\.7 \(outside\.example\.net\): 7 checks passed\.$/m);
	});
});
