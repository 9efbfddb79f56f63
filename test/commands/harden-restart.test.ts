// --yes --restart: write, restart sendmail the host's way (a stand-in init script here, driving a
// real daemon), then verify the live server; a failed restart puts the old files back.
import assert from 'node:assert/strict';
import {chmodSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {EXIT} from '../../source/commands/command-io.js';
import {runHarden} from '../../source/commands/harden.js';
import {copyDemoConfig} from '../helpers/cli.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';
import {captureIoWithSendmail} from '../helpers/capture-io.js';
import {startWithInitScript} from '../helpers/init-script.js';

test('--yes --restart restarts sendmail on the new config and verifies the live server', skipUnlessSendmail(), async () => {
	const {cfPath} = copyDemoConfig();
	const daemon = await startWithInitScript(cfPath);
	try {
		const io = captureIoWithSendmail();
		const status = await runHarden({config: cfPath, answers: 'test/fixtures/article-answers.json', yes: true, restart: true}, io, {
			now: () => new Date(),
			findRestartPlan: async () => daemon.restart,
		});
		assert.equal(status, EXIT.done, io.stdout + io.stderr);
		assert.match(io.stdout, /Restarting sendmail: \/etc\/init\.d\/sendmail restart\nStopping sendmail: \d+\nStarting sendmail\n/);
		assert.match(io.stdout, /✔ .*banner/i);
		assert.match(io.stdout, /✔ .*HELP/);
		assert.doesNotMatch(io.stdout, /✘/);
	} finally {
		await daemon.stop();
	}
});

test('a failed restart puts the old files back, restarts again, and exits 3', async () => {
	const {folder, cfPath, helpPath} = copyDemoConfig();
	const cf = readFileSync(cfPath);
	const help = readFileSync(helpPath);
	const log = path.join(folder, 'restarts.log');
	const script = path.join(folder, 'broken-init');
	// Fails while the new config is in place; succeeds once the old one is back.
	writeFileSync(script, `#!/bin/sh\necho run >> '${log}'\nif grep -q goaway '${cfPath}'; then echo 'sendmail: cannot start' >&2; exit 1; fi\n`);
	chmodSync(script, 0o755);

	const io = captureIoWithSendmail();
	const status = await runHarden({config: cfPath, answers: 'test/fixtures/article-answers.json', yes: true, restart: true}, io, {
		now: () => new Date(),
		findRestartPlan: async () => ({label: 'service sendmail restart', command: script, args: ['restart']}),
	});
	assert.equal(status, EXIT.writeFailed);
	assert.match(io.stderr, /failed with exit status 1: sendmail: cannot start; the old files are back and sendmail was restarted on them\n$/);
	assert.deepEqual(readFileSync(cfPath), cf);
	assert.deepEqual(readFileSync(helpPath), help);
	assert.equal(readFileSync(log, 'utf8'), 'run\nrun\n');
});

test('without --restart it says what to run and restarts nothing', async () => {
	const {cfPath} = copyDemoConfig();
	const io = captureIoWithSendmail();
	const status = await runHarden({config: cfPath, answers: 'test/fixtures/article-answers.json', yes: true}, io, {
		now: () => new Date(),
		findRestartPlan: async () => ({label: 'systemctl restart sendmail', command: '/bin/false', args: []}),
	});
	assert.equal(status, EXIT.done, io.stderr);
	assert.match(io.stdout, /Restart sendmail to load the new settings; run: systemctl restart sendmail\n$/);
});
