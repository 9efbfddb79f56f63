import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, {describe} from 'node:test';
import {copyDemoConfig, runCli} from '../helpers/cli.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';

const article = ['--answers', 'test/fixtures/article-answers.json'];

// Each test its own copy of the config; they mostly wait on sendmail: three at once.
describe('--dry-run, --yes and rollback through the built CLI', {concurrency: 3}, () => {
	test('--dry-run prints a unified diff of the four options and the help file, and writes nothing', async () => {
		const {folder, cfPath, helpPath} = copyDemoConfig();
		const before = readFileSync(cfPath);
		const run = await runCli(['--config', cfPath, ...article, '--dry-run']);
		assert.equal(run.status, 0, run.stderr);
		assert.match(run.stdout, new RegExp(`^--- ${cfPath}\\tcurrent\\n\\+\\+\\+ ${cfPath}\\thardened\\n`));
		assert.match(run.stdout, /^-O SmtpGreetingMessage=\$j Sendmail \$v\/\$Z; \$b; \(No UCE\/UBE\)/m);
		assert.match(run.stdout, /^\+O SmtpGreetingMessage=\$j mailserver; \$b$/m);
		assert.match(run.stdout, /^ #O MaxMessageSize=0\n\+O MaxMessageSize=500000$/m);
		assert.match(run.stdout, /^\+O MaxRecipientsPerMessage=10$/m);
		assert.match(run.stdout, /^\+O PrivacyOptions=goaway,restrictmailq,restrictqrun$/m);
		assert.match(run.stdout, new RegExp(`^--- ${helpPath}\\tcurrent`, 'm'));
		assert.match(run.stdout, /^-smtp\tThis is sendmail version \$v$/m);
		assert.equal(run.stdout.match(/^[-+][^-+]/gm)?.length, 7, 'two options replaced, two added, one help line removed');
		assert.deepEqual(readFileSync(cfPath), before);
		assert.equal(readdirSync(folder).length, 2, 'no backup, no temporary file');
	});

	test('--yes writes, says what changed and where the backup is; a second run has nothing to do', skipUnlessSendmail(), async () => {
		const {cfPath} = copyDemoConfig();
		const run = await runCli(['--config', cfPath, ...article, '--yes']);
		assert.equal(run.status, 0, run.stderr);
		assert.match(run.stdout, /MaxMessageSize: \(not set\) -> 500000/);
		assert.match(run.stdout, /PrivacyOptions: needmailhelo,.* -> goaway,restrictmailq,restrictqrun/);
		assert.match(run.stdout, /HELP version: shown -> hidden/);
		assert.match(run.stdout, new RegExp(`Backup: ${cfPath}\\.sendmail-harden-\\d{8}T\\d{6}-\\d{3}Z\\.bak`));
		assert.equal(run.stderr, '');

		const again = await runCli(['--config', cfPath, ...article, '--yes']);
		assert.equal(again.status, 0);
		assert.match(again.stdout, /^Nothing to change/);
	});

	test('rollback puts back the config and the help file byte for byte', skipUnlessSendmail(), async () => {
		const {cfPath, helpPath} = copyDemoConfig();
		const cf = readFileSync(cfPath);
		const help = readFileSync(helpPath);
		assert.equal((await runCli(['--config', cfPath, ...article, '--yes'])).status, 0);
		assert.notDeepEqual(readFileSync(cfPath), cf);

		const rollback = await runCli(['rollback', '--config', cfPath]);
		assert.equal(rollback.status, 0, rollback.stderr);
		assert.deepEqual(readFileSync(cfPath), cf);
		assert.deepEqual(readFileSync(helpPath), help);

		const nothingLeft = await runCli(['rollback', '--config', cfPath]);
		assert.equal(nothingLeft.status, 2);
		assert.match(nothingLeft.stderr, /there is no backup of .* to roll back to/);
	});

	test('a config sendmail rejects is never written', async () => {
		const {cfPath} = copyDemoConfig();
		const before = readFileSync(cfPath);
		// A stand-in sendmail that accepts the current config and rejects any with goaway in it.
		const fake = path.join(mkdtempSync(path.join(os.tmpdir(), 'fake-sendmail-')), 'sendmail');
		writeFileSync(fake, '#!/bin/sh\nif grep -q goaway "$2"; then echo "$2: line 284: readcf: Op line: goaway unrecognized"; exit 70; fi\nexit 0\n');
		chmodSync(fake, 0o755);

		const run = await runCli(['--config', cfPath, ...article, '--yes'], {env: {SENDMAIL_HARDEN_SENDMAIL: fake}});
		assert.equal(run.status, 2);
		assert.equal(run.stderr, `sendmail-harden: sendmail rejects the new config: ${cfPath} (new): line 284: readcf: Op line: goaway unrecognized; nothing was written\n`);
		assert.deepEqual(readFileSync(cfPath), before);
	});

	test('PrivacyOptions set on two lines: they add up, so the last one gets the set and the other is commented out, and --dry-run says so', async () => {
		const {cfPath} = copyDemoConfig();
		const text = readFileSync(cfPath, 'latin1').replace('O BlankSub=.\n', 'O BlankSub=.\nO PrivacyOptions=authwarnings\n');
		writeFileSync(cfPath, text, 'latin1');
		const run = await runCli(['--config', cfPath, '--answers', answersFile('{"privacyOptions": ["goaway"]}'), '--dry-run']);
		assert.equal(run.status, 0, run.stderr);
		assert.match(run.stderr, /note: PrivacyOptions is set on 2 lines and sendmail adds them all up, so line 285 now holds the whole set and line \d+ is commented out/);
		assert.match(run.stdout, /^-O PrivacyOptions=needmailhelo,/m);
		assert.match(run.stdout, /^-O PrivacyOptions=authwarnings\n\+#O PrivacyOptions=authwarnings$/m);
	});

	function answersFile(content: string): string {
		const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'answers-')), 'answers.json');
		writeFileSync(file, content);
		return file;
	}

	test('rollback refuses, exit 2, when the config was edited after the change; --force restores', skipUnlessSendmail(), async () => {
		const {cfPath} = copyDemoConfig();
		const original = readFileSync(cfPath);
		assert.equal((await runCli(['--config', cfPath, ...article, '--yes'])).status, 0);
		// A line sendmail reads: comment lines alone (a rebuild's build stamp) are no edit.
		writeFileSync(cfPath, readFileSync(cfPath, 'latin1') + 'O MaxRecipientsPerMessage=7\n', 'latin1');

		const refused = await runCli(['rollback', '--config', cfPath]);
		assert.equal(refused.status, 2);
		assert.match(refused.stderr, /was changed after sendmail-harden wrote it; .* use --force/);
		assert.match(readFileSync(cfPath, 'latin1'), /O MaxRecipientsPerMessage=7\n$/);

		const forced = await runCli(['rollback', '--config', cfPath, '--force']);
		assert.equal(forced.status, 0, forced.stderr);
		assert.deepEqual(readFileSync(cfPath), original);
	});
});
