// --yes --restart: write, restart sendmail the host's way (a stand-in init script here, driving a
// real daemon), then verify the live server; a failed restart puts the old files back.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {EXIT} from '../../source/commands/command-io.js';
import {runHarden} from '../../source/commands/harden.js';
import type {RestartPlan} from '../../source/system/service.js';
import {copyDemoConfig} from '../helpers/cli.js';
import {daemonCf, skipUnlessSendmail} from '../helpers/sendmail.js';
import {captureIoWithSendmail} from '../helpers/capture-io.js';


const freePort = () => 20_000 + Math.floor(Math.random() * 40_000);

// Stops the daemon named in the PidFile (a zombie counts as stopped: nothing reaps it here) and starts one on the config.
function initScript(folder: string, cfPath: string, pidFile: string): string {
	const script = path.join(folder, 'sendmail-init');
	writeFileSync(
		script,
		`#!/bin/sh
running() { [ -d "/proc/$1" ] && [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -c1)" != Z ]; }
if [ -s '${pidFile}' ]; then
	old=$(head -n 1 '${pidFile}'); echo "Stopping sendmail: $old"; kill "$old"
	while running "$old"; do sleep 0.1; done; rm -f '${pidFile}'
fi
echo "Starting sendmail"
unshare --uts sh -c 'hostname mail.test.example; exec /usr/sbin/sendmail -C "$0" -bd -q15m' '${cfPath}' </dev/null >/dev/null 2>&1 || exit 1
i=0; while [ ! -s '${pidFile}' ]; do i=$((i + 1)); [ $i -gt 100 ] && exit 1; sleep 0.1; done
`,
	);
	chmodSync(script, 0o755);
	return script;
}

function stopDaemon(pidFile: string): void {
	spawnSync('sh', ['-c', `[ -s '${pidFile}' ] && kill "$(head -n 1 '${pidFile}')"`]);
}

test('--yes --restart restarts sendmail on the new config and verifies the live server', skipUnlessSendmail(), async () => {
	const {folder, cfPath} = copyDemoConfig();
	const pidFile = path.join(folder, 'sendmail.pid');
	writeFileSync(cfPath, daemonCf(readFileSync(cfPath, 'latin1'), folder, freePort()), 'latin1');
	mkdirSync(path.join(folder, 'mqueue'), {mode: 0o700});
	const script = initScript(folder, cfPath, pidFile);
	const restart: RestartPlan = {label: '/etc/init.d/sendmail restart', command: script, args: ['restart']};
	try {
		assert.equal(spawnSync(script).status, 0, 'the stand-in starts the daemon on the current config');
		const io = captureIoWithSendmail();
		const status = await runHarden({config: cfPath, answers: 'test/fixtures/article-answers.json', yes: true, restart: true}, io, {
			now: () => new Date(),
			findRestartPlan: async () => restart,
		});
		assert.equal(status, EXIT.done, io.stdout + io.stderr);
		assert.match(io.stdout, /Restarting sendmail: \/etc\/init\.d\/sendmail restart\nStopping sendmail: \d+\nStarting sendmail\n/);
		assert.match(io.stdout, /✔ .*banner/i);
		assert.match(io.stdout, /✔ .*HELP/);
		assert.doesNotMatch(io.stdout, /✘/);
	} finally {
		stopDaemon(pidFile);
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
