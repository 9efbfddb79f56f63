import test, {after, describe} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
	describeManualRestart,
	detectRestart,
	findOnPath,
	gatherHostProbe,
	runRestart,
	sendmailRunning,
	type RestartPlan,
} from '../../source/system/service.js';
import {processEnds, startWithInitScript} from '../helpers/init-script.js';
import {readPid, skipUnlessSendmail, smtpTalk} from '../helpers/sendmail.js';

const temporaryFolders: string[] = [];
after(async () => {
	await Promise.all(temporaryFolders.map(async folder => rm(folder, {recursive: true, force: true})));
});

async function temporaryFolder(): Promise<string> {
	const folder = await mkdtemp(path.join(os.tmpdir(), 'service-test-'));
	temporaryFolders.push(folder);
	return folder;
}

async function writeScript(file: string, body: string): Promise<string> {
	await mkdir(path.dirname(file), {recursive: true});
	await writeFile(file, `#!/bin/sh\n${body}\n`);
	await chmod(file, 0o755);
	return file;
}

type FakeHost = {
	systemd?: boolean;
	/** What the fake `systemctl list-unit-files sendmail.service` prints; exit 0 when given, else "0 unit files listed." and exit 1. */
	unitListing?: string;
	systemctl?: boolean;
	service?: boolean;
	initScript?: boolean;
	/** The init script is an OpenRC one (`#!/sbin/openrc-run`), and rc-service is on PATH. */
	openrc?: boolean;
	rcScript?: boolean;
};

/** A fake root folder and a PATH holding fake commands, as `gatherHostProbe` sees a host. */
async function fakeHost(host: FakeHost) {
	const root = await temporaryFolder();
	const bin = path.join(root, 'fake-bin');
	await mkdir(bin);
	if (host.systemd) {
		await mkdir(path.join(root, 'run/systemd/system'), {recursive: true});
	}

	if (host.systemctl) {
		await writeScript(path.join(bin, 'systemctl'), host.unitListing === undefined
			? 'echo "0 unit files listed."; exit 1'
			: `printf '%s\\n' '${host.unitListing}'`);
	}

	if (host.service) {
		await writeScript(path.join(bin, 'service'), 'exit 0');
	}

	if (host.initScript) {
		await writeScript(path.join(root, 'etc/init.d/sendmail'), 'exit 0');
	}

	if (host.openrc) {
		// As Alpine's and Gentoo's sendmail packages install it: an openrc-run script, and rc-service.
		const script = path.join(root, 'etc/init.d/sendmail');
		await mkdir(path.dirname(script), {recursive: true});
		await writeFile(script, '#!/sbin/openrc-run\n\ncommand="/usr/sbin/sendmail"\ncommand_args="-bd -q30m"\n');
		await chmod(script, 0o755);
		await writeScript(path.join(bin, 'rc-service'), 'exit 0');
	}

	if (host.rcScript) {
		await writeScript(path.join(root, 'etc/rc.d/sendmail'), 'exit 0');
	}

	return {root, bin, env: {PATH: bin}};
}

describe('gatherHostProbe and detectRestart on fake hosts', () => {
	test('systemd with a sendmail unit (generated from the init script, as on Debian)', async () => {
		const host = await fakeHost({
			systemd: true, systemctl: true, unitListing: 'sendmail.service generated -', service: true, initScript: true,
		});
		const probe = await gatherHostProbe({root: host.root, env: host.env, platform: 'linux'});
		assert.equal(probe.systemdRunning, true);
		assert.equal(probe.sendmailUnitKnown, true);
		assert.deepEqual(detectRestart(probe), {
			label: 'systemctl restart sendmail', command: path.join(host.bin, 'systemctl'), args: ['restart', 'sendmail'],
		});
	});

	test('systemd that knows no sendmail unit and no script: nothing', async () => {
		const host = await fakeHost({systemd: true, systemctl: true, service: true});
		const probe = await gatherHostProbe({root: host.root, env: host.env, platform: 'linux'});
		assert.equal(probe.sendmailUnitKnown, false);
		assert.equal(detectRestart(probe), undefined);
	});

	test('SysV init script alone', async () => {
		const host = await fakeHost({initScript: true, systemctl: true, unitListing: 'sendmail.service enabled enabled'});
		const probe = await gatherHostProbe({root: host.root, env: host.env, platform: 'linux'});
		// No /run/systemd/system: systemctl is not asked, even though it would list the unit.
		assert.equal(probe.sendmailUnitKnown, false);
		assert.deepEqual(detectRestart(probe), {
			label: '/etc/init.d/sendmail restart', command: path.join(host.root, 'etc/init.d/sendmail'), args: ['restart'],
		});
	});

	test('init script and service(8)', async () => {
		const host = await fakeHost({initScript: true, service: true});
		const plan = detectRestart(await gatherHostProbe({root: host.root, env: host.env, platform: 'linux'}));
		assert.deepEqual(plan, {
			label: 'service sendmail restart', command: path.join(host.bin, 'service'), args: ['sendmail', 'restart'],
		});
	});

	test('OpenRC (Alpine, Gentoo): an openrc-run script and rc-service', async () => {
		const host = await fakeHost({openrc: true});
		const probe = await gatherHostProbe({root: host.root, env: host.env, platform: 'linux'});
		assert.equal(probe.openrcScript, true);
		assert.deepEqual(detectRestart(probe), {
			label: 'rc-service sendmail restart', command: path.join(host.bin, 'rc-service'), args: ['sendmail', 'restart'],
		});
	});

	test('a plain #!/bin/sh init script is not taken for OpenRC, even with rc-service on PATH', async () => {
		const host = await fakeHost({initScript: true});
		await writeScript(path.join(host.bin, 'rc-service'), 'exit 0');
		const probe = await gatherHostProbe({root: host.root, env: host.env, platform: 'linux'});
		assert.equal(probe.openrcScript, false);
		assert.deepEqual(detectRestart(probe), {
			label: '/etc/init.d/sendmail restart', command: path.join(host.root, 'etc/init.d/sendmail'), args: ['restart'],
		});
	});

	test('FreeBSD', async () => {
		const host = await fakeHost({rcScript: true, service: true});
		const plan = detectRestart(await gatherHostProbe({root: host.root, env: host.env, platform: 'freebsd'}));
		assert.deepEqual(plan, {
			label: 'service sendmail restart', command: path.join(host.bin, 'service'), args: ['sendmail', 'restart'],
		});
	});

	test('none: no unit, no script', async () => {
		const host = await fakeHost({service: true});
		const probe = await gatherHostProbe({root: host.root, env: host.env, platform: 'linux'});
		assert.equal(detectRestart(probe), undefined);
		assert.match(describeManualRestart(undefined), /^No systemd unit, init script, OpenRC service or rc script for sendmail was found/);
	});

	test('an init script that is not executable does not count', async () => {
		const host = await fakeHost({});
		const script = path.join(host.root, 'etc/init.d/sendmail');
		await mkdir(path.dirname(script), {recursive: true});
		await writeFile(script, '#!/bin/sh\n', {mode: 0o644});
		const probe = await gatherHostProbe({root: host.root, env: host.env, platform: 'linux'});
		assert.equal(probe.initScriptPath, undefined);
	});

	test('findOnPath skips relative and empty PATH entries', async () => {
		const host = await fakeHost({service: true});
		assert.equal(await findOnPath('service', {PATH: `:fake-bin:${host.bin}`}), path.join(host.bin, 'service'));
		assert.equal(await findOnPath('service', {PATH: ''}), undefined);
		assert.equal(await findOnPath('service', {}), undefined);
	});
});

function planFor(command: string, args: string[] = [], label = 'systemctl restart sendmail'): RestartPlan {
	return {label, command, args};
}

describe('runRestart', () => {
	test('a command that succeeds: its stdout and stderr are streamed and returned', async () => {
		const folder = await temporaryFolder();
		const command = await writeScript(path.join(folder, 'ok'), 'echo "Restarting sendmail"; echo "a warning" >&2; echo done');
		const chunks: string[] = [];
		const result = await runRestart(planFor(command), {timeoutMs: 10_000, onOutput: chunk => chunks.push(chunk)});
		assert.equal(result.ok, true);
		assert.match(result.output, /Restarting sendmail\n/);
		assert.match(result.output, /a warning\n/);
		assert.match(result.output, /^done$/m); // stdout and stderr are two pipes: their relative order is not kept
		assert.equal(chunks.join(''), result.output);
	});

	test('arguments go to the command as they are, never through a shell', async () => {
		const folder = await temporaryFolder();
		const marker = path.join(folder, 'marker');
		const command = await writeScript(path.join(folder, 'args'), 'for a in "$@"; do echo "[$a]"; done');
		const result = await runRestart(planFor(command, [`; touch ${marker}`, '$(id)', 'two words']), {timeoutMs: 10_000});
		assert.equal(result.ok, true);
		assert.equal(result.output, `[; touch ${marker}]\n[$(id)]\n[two words]\n`);
		assert.equal(existsSync(marker), false);
	});

	test('the environment given is the one the command sees', async () => {
		const folder = await temporaryFolder();
		const command = await writeScript(path.join(folder, 'env'), 'echo "$RESTART_TEST_VALUE"');
		const result = await runRestart(planFor(command), {timeoutMs: 10_000, env: {RESTART_TEST_VALUE: 'from-test'}});
		assert.deepEqual(result, {ok: true, output: 'from-test\n'});
	});

	test('a command that fails: the exit status and its last lines', async () => {
		const folder = await temporaryFolder();
		const command = await writeScript(path.join(folder, 'fail'), [
			'echo "line 1"', 'echo "line 2"', 'echo "line 3"', 'echo', 'echo "Job for sendmail.service failed." >&2',
			'echo "See journalctl -xeu sendmail.service" >&2', 'exit 3',
		].join('\n'));
		const result = await runRestart(planFor(command), {timeoutMs: 10_000});
		assert.equal(result.ok, false);
		assert.ok(!result.ok);
		assert.equal(
			result.error,
			'`systemctl restart sendmail` failed with exit status 3: line 3 / Job for sendmail.service failed. / See journalctl -xeu sendmail.service',
		);
		assert.match(result.output, /^line 1\n/);
	});

	test('a command that fails silently says so', async () => {
		const folder = await temporaryFolder();
		const command = await writeScript(path.join(folder, 'quiet'), 'exit 1');
		const result = await runRestart(planFor(command), {timeoutMs: 10_000});
		assert.deepEqual(result, {ok: false, error: '`systemctl restart sendmail` failed with exit status 1 and printed nothing', output: ''});
	});

	test('a command that hangs is stopped at the time limit, with what it started', async () => {
		const folder = await temporaryFolder();
		const childPidFile = path.join(folder, 'child.pid');
		const command = await writeScript(path.join(folder, 'hang'), `echo "Restarting sendmail"\nsleep 30 &\necho $! > '${childPidFile}'\nwait`);
		const result = await runRestart(planFor(command), {timeoutMs: 300});
		assert.ok(!result.ok);
		assert.match(result.error, /^`systemctl restart sendmail` did not finish within 0\.3 s/);
		assert.equal(result.output, 'Restarting sendmail\n');

		// The sleep the script started was in its process group, so it was stopped too.
		const sleepPid = Number((await readFile(childPidFile, 'utf8')).trim());
		assert.ok(await processEnds(sleepPid), `process ${sleepPid} is still running`);
	});

	test('a command that ignores SIGTERM is killed', async () => {
		const folder = await temporaryFolder();
		// An ignored signal stays ignored in the sleep it runs.
		const command = await writeScript(path.join(folder, 'stubborn'), "trap '' TERM\nsleep 30");
		const result = await runRestart(planFor(command), {timeoutMs: 300});
		assert.ok(!result.ok);
		assert.match(result.error, /did not finish within 0\.3 s/);
	});

	test('a missing command is a clear error, not a crash', async () => {
		const missing = await runRestart(planFor('/nonexistent/bin/systemctl'), {timeoutMs: 10_000});
		assert.deepEqual(missing, {
			ok: false,
			error: 'cannot run `systemctl restart sendmail`: /nonexistent/bin/systemctl was not found; restart sendmail by hand',
			output: '',
		});
		const notOnPath = await runRestart(planFor('systemctl'), {timeoutMs: 10_000, env: {PATH: '/nonexistent'}});
		assert.ok(!notOnPath.ok);
		assert.match(notOnPath.error, /systemctl was not found/);
	});

	test('a command that is not executable is a clear error', async () => {
		const folder = await temporaryFolder();
		const file = path.join(folder, 'not-executable');
		await writeFile(file, '#!/bin/sh\n', {mode: 0o644});
		const result = await runRestart(planFor(file), {timeoutMs: 10_000});
		assert.ok(!result.ok);
		assert.match(result.error, /is not executable/);
	});
});

describe('sendmailRunning', () => {
	test('no PidFile, an empty one, a dead process, a live one', async () => {
		const root = await temporaryFolder();
		assert.deepEqual(await sendmailRunning('/run/sendmail.pid', {root}), {running: false, reason: 'there is no /run/sendmail.pid'});

		await mkdir(path.join(root, 'run'));
		await writeFile(path.join(root, 'run/sendmail.pid'), '');
		assert.deepEqual(await sendmailRunning('/run/sendmail.pid', {root}), {running: false, reason: '/run/sendmail.pid holds no process id'});

		// A child that has exited and been reaped: its PID names no process.
		const gone = spawnSync('sh', ['-c', 'echo $$']);
		const deadPid = Number(String(gone.stdout).trim());
		await writeFile(path.join(root, 'run/sendmail.pid'), `${deadPid}\n/usr/sbin/sendmail -bd -q15m\n`);
		assert.equal((await sendmailRunning('/run/sendmail.pid', {root})).running, false);

		await writeFile(path.join(root, 'run/sendmail.pid'), `${process.pid}\n/usr/sbin/sendmail -bd -q15m\n`);
		assert.deepEqual(await sendmailRunning('/run/sendmail.pid', {root}), {running: true, pid: process.pid});
	});
});

// A real daemon restarted through an init-script stand-in (docs/sendmail.md, "A test daemon").
describe('runRestart with a real sendmail daemon', () => {
	test('the init script restarts it: a new PID, and the port answers 220 again', skipUnlessSendmail(), async () => {
		const cfFile = path.join(await temporaryFolder(), 'test.cf');
		await writeFile(cfFile, await readFile('/etc/mail/sendmail.cf'));
		const daemon = await startWithInitScript(cfFile);
		const greeting = async () => (await smtpTalk(daemon.port, ['QUIT']))[0] ?? '';
		try {
			const firstPid = readPid(daemon.pidFile);
			assert.match(await greeting(), /^220 mail\.test\.example ESMTP /);

			const chunks: string[] = [];
			const result = await runRestart(daemon.restart, {timeoutMs: 30_000, onOutput: chunk => chunks.push(chunk)});
			assert.deepEqual(result, {ok: true, output: `Stopping sendmail: ${firstPid}\nStarting sendmail\n`});
			assert.equal(chunks.join(''), result.output);

			const secondPid = readPid(daemon.pidFile);
			assert.notEqual(secondPid, firstPid);
			assert.deepEqual(await sendmailRunning(daemon.pidFile), {running: true, pid: secondPid});
			assert.match(await greeting(), /^220 mail\.test\.example ESMTP /);
		} finally {
			await daemon.stop();
		}
	});
});
