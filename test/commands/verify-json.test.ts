import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import type {JsonDocument} from '../../source/flow/json-document.js';
import {runVerifyCommand} from '../../source/commands/verify-command.js';
import {articleAnswersFile} from '../helpers/article.js';
import {captureIo, captureIoWithSendmail} from '../helpers/capture-io.js';
import {copyDemoConfig} from '../helpers/cli.js';
import {daemonCf, freePort, skipUnlessSendmail, startSendmailDaemon} from '../helpers/sendmail.js';

function parse(stdout: string): JsonDocument {
	return JSON.parse(stdout) as JsonDocument;
}

test('verify --json against Debian\'s default config: one document, the checks as the server answered', skipUnlessSendmail(), async () => {
	const daemon = await startSendmailDaemon(readFileSync('/etc/mail/sendmail.cf', 'latin1'));
	try {
		const io = captureIo();
		const code = await runVerifyCommand({host: daemon.host, port: String(daemon.port), answers: articleAnswersFile, json: true}, io);
		assert.equal(code, 1);
		assert.equal(io.stderr, '');
		const report = parse(io.stdout);
		assert.equal(report.command, 'verify');
		assert.equal(report.changed, false);
		assert.equal(report.exitCode, 1);
		assert.equal(report.meaning, 'verify failed');
		assert.equal(report.error, null);
		assert.equal(report.verify?.address, `127.0.0.1:${daemon.port}`);
		assert.equal(report.verify?.passed, false);
		// docs/sendmail.md, "The stock options": Debian's greeting shows $v/$Z; its PrivacyOptions has needmailhelo.
		const banner = report.verify?.checks.find(check => check.name === 'banner');
		assert.equal(banner?.status, 'fail');
		assert.match(banner!.reply, /^220 mail\.test\.example ESMTP Sendmail 8\.17\.1\.9\//);
		assert.deepEqual(report.verify?.checks.find(check => check.name === 'MAIL before HELO'), {
			name: 'MAIL before HELO',
			status: 'pass',
			expected: '503 (HELO first, from goaway)',
			reply: '503 5.0.0 Polite people say HELO first',
		});
	} finally {
		await daemon.stop();
	}
});

test('verify --json --config FILE alone: the installed sendmail\'s answers for FILE, as the rehearsal', skipUnlessSendmail(), async () => {
	const {cfPath} = copyDemoConfig();
	const io = captureIoWithSendmail();
	const code = await runVerifyCommand({config: cfPath, answers: articleAnswersFile, json: true}, io);
	const report = parse(io.stdout);
	assert.equal(code, 1, io.stderr);
	assert.equal(report.config, cfPath);
	assert.equal(report.verify, null);
	assert.equal(report.rehearsal?.status, 'ran');
	assert.equal(report.rehearsal?.agrees, false);
	// docs/sendmail.md, "The stock options": Debian's config still answers MAIL before HELO with 503 (needmailhelo).
	assert.equal(report.rehearsal?.checks.find(check => check.name === 'MAIL before HELO')?.reply, '503 5.0.0 Polite people say HELO first');
	assert.match(report.rehearsal!.checks.find(check => check.name === 'banner')!.reply, /^220 \S+ ESMTP Sendmail 8\.17/);
});

test('verify --json with --config and --port asks the live server there, and names the config', skipUnlessSendmail(), async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-verify-json-'));
	const daemon = await startSendmailDaemon(readFileSync('/etc/mail/sendmail.cf', 'latin1'));
	try {
		const cfPath = path.join(folder, 'sendmail.cf');
		writeFileSync(cfPath, daemonCf(readFileSync('/etc/mail/sendmail.cf', 'latin1'), folder, daemon.port), 'latin1');
		const io = captureIo();
		await runVerifyCommand({config: cfPath, port: String(daemon.port), json: true}, io);
		const report = parse(io.stdout);
		assert.equal(report.config, cfPath);
		assert.equal(report.rehearsal, null);
		assert.equal(report.verify?.address, `127.0.0.1:${daemon.port}`);
		assert.ok((report.verify?.checks.length ?? 0) > 0);
	} finally {
		await daemon.stop();
	}
});

test('verify --json with nothing listening: exit 1, the reason in the document and on stderr', async () => {
	const port = await freePort();
	const io = captureIo();
	assert.equal(await runVerifyCommand({host: '127.0.0.1', port: String(port), json: true}, io), 1);
	const report = parse(io.stdout);
	assert.deepEqual(report, {
		command: 'verify',
		// The config the address would have come from.
		config: '/etc/mail/sendmail.cf',
		changed: false,
		exitCode: 1,
		meaning: 'verify failed',
		error: `cannot verify: nothing listens on 127.0.0.1:${port}`,
		settings: [],
		diff: '',
		files: [],
		notes: [],
		warnings: [],
		rehearsal: null,
		backup: null,
		restart: null,
		verify: null,
	});
	assert.equal(io.stderr, `sendmail-harden: cannot verify: nothing listens on 127.0.0.1:${port}\n`);
});

test('verify --json with bad input: exit 2 and a document saying so', async () => {
	const io = captureIo();
	assert.equal(await runVerifyCommand({host: '127.0.0.1', port: '99999', json: true}, io), 2);
	const report = parse(io.stdout);
	assert.equal(report.meaning, 'bad input');
	assert.equal(report.error, '--port must be a port number from 1 to 65535, not "99999"');
	assert.equal(io.stderr, `sendmail-harden: ${report.error}\n`);

	const missing = captureIo();
	assert.equal(await runVerifyCommand({answers: '/nonexistent/answers.json', json: true}, missing), 2);
	assert.match(parse(missing.stdout).error!, /the answers file \/nonexistent\/answers\.json does not exist/);
});
