// The Apply step after Write: restart through the same apply flow as --yes --restart, the
// live checks, the rollback offer, and the manual restart line. Restart commands are stand-in
// shell scripts in a temp folder; one test drives a real sendmail daemon through one.
import test from 'node:test';
import assert from 'node:assert/strict';
import {chmodSync, existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import type {Answers} from '../source/core/answers.js';
import {describeManualRestart, type RestartPlan} from '../source/core/restart-plan.js';
import {ok} from '../source/core/result.js';
import type {Check} from '../source/core/verify-checks.js';
import type {WizardEffects} from '../source/app.js';
import {applyPlan} from '../source/system/apply.js';
import {KEY, PRESET, checkEnv, openWizard, enterUntil, readTarget, renderWizard, tempConfig, type Rendered} from './app-helpers.js';
import {RESTART_TIMEOUT_MS} from '../source/system/restart.js';
import {runRestart} from '../source/system/service.js';
import {startWithInitScript} from './helpers/init-script.js';
import {skipUnlessSendmail} from './helpers/sendmail.js';
import {stepHeading} from './helpers/steps.js';

// The stand-in scripts need sed, grep and the like.
const env: NodeJS.ProcessEnv = {...checkEnv, PATH: process.env['PATH']};

function script(folder: string, name: string, body: string): string {
	const file = path.join(folder, name);
	writeFileSync(file, `#!/bin/sh\n${body}`);
	chmodSync(file, 0o755);
	return file;
}

/** A restart command that logs each run and prints two lines. */
function loggingRestart(folder: string, body = ''): {plan: RestartPlan; runs(): number} {
	const log = path.join(folder, 'restarts.log');
	const command = script(folder, 'sendmail-init', `echo run >> '${log}'\necho 'Stopping sendmail: 4242'\necho 'Starting sendmail'\n${body}`);
	return {
		plan: {label: '/etc/init.d/sendmail restart', command, args: ['restart']},
		runs: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0),
	};
}

const passing: Check[] = [
	{name: 'banner', status: 'pass', expected: 'no version', reply: '220 mail.test.example ESMTP mailserver; Tue, 4 Mar 2025 05:06:07 GMT'},
	{name: 'HELP', status: 'pass', expected: 'no version', reply: '214-2.0.0 This is sendmail'},
];

/** The files in the config's folder that are not backups, byte for byte. */
function configFiles(folder: string): Record<string, Buffer> {
	return Object.fromEntries(readdirSync(folder).filter(name => name === 'sendmail.cf' || name === 'helpfile').sort().map(name => [name, readFileSync(path.join(folder, name))]));
}

function everyFile(folder: string): Record<string, string> {
	return Object.fromEntries(readdirSync(folder).sort().map(name => [name, readFileSync(path.join(folder, name), 'latin1')]));
}

/** Welcome → Review by Enter, then Write; resolves on the screen after the write. */
async function writeAndWait(app: ReturnType<typeof renderWizard>, text: string | RegExp): Promise<string> {
	await app.waitFor('pre-filled from');
	await enterUntil(app, 'Review');
	await app.waitFor('Write changes');
	await app.press(KEY.enter);
	return app.waitFor(text);
}

function live(overrides: Partial<WizardEffects>): Partial<WizardEffects> {
	return {env, isLiveConfig: () => true, ...overrides};
}

/**
 * The wizard pre-filled from preset "web" on a config the daemon reads, after Write, at the restart
 * question; unmounted after the test.
 */
async function atRestartQuestion(t: {after(fn: () => void): void}, cfPath: string, effects: Partial<WizardEffects>): Promise<Rendered> {
	const app = await openWizard(t, cfPath, {answers: PRESET, answersFrom: 'preset "web"', effects: live(effects)});
	await writeAndWait(app, 'Restart sendmail now');
	return app;
}

test('Restart runs the host\'s restart command, streams its output, then shows each live check', async t => {
	const {folder, cfPath} = tempConfig(t);
	const restart = loggingRestart(folder);
	const asked: Array<{host: string; port: number; answers: Answers}> = [];
	const app = await atRestartQuestion(t, cfPath, {
		findRestartPlan: async () => restart.plan,
		waitForListener: async () => true,
		async verifyServer(host, port, answers) {
			asked.push({host, port, answers});
			return ok({checks: passing, exchange: [], transcript: {banner: {code: 220, lines: []}, recipients: [], recipientsPlanned: 11}});
		},
	});
	const ask = app.frame();
	// The command is on screen before it runs.
	assert.match(ask, /› \(•\) Restart sendmail now \(\/etc\/init\.d\/sendmail restart\)/);
	assert.match(ask, /\( \) Don't restart/);
	assert.equal(restart.runs(), 0);
	await app.press(KEY.enter);
	const done = await app.waitFor('passed every check');
	assert.equal(restart.runs(), 1);
	assert.match(done, /Restarting sendmail: \/etc\/init\.d\/sendmail restart\n +Stopping sendmail: 4242\n +Starting sendmail\n/);
	assert.match(done, /✓ banner: 220 mail\.test\.example ESMTP mailserver/);
	assert.match(done, /✓ HELP: 214-2\.0\.0 This is sendmail/);
	// The demo config listens on every address, port 25 (no DaemonPortOptions Addr).
	assert.deepEqual(asked, [{host: '127.0.0.1', port: 25, answers: PRESET}]);
	await app.press(KEY.enter);
	const summary = await app.waitFor(stepHeading('Done'));
	assert.match(summary, /passed every check/);
	assert.doesNotMatch(summary, /Stopping sendmail/);
});

test('a failed restart says the old files are back, and they are, byte for byte', async t => {
	const {folder, cfPath} = tempConfig(t);
	const before = configFiles(folder);
	// Fails while the new config is in place; succeeds once the old one is back.
	const restart = loggingRestart(folder, `if grep -q goaway '${cfPath}'; then echo 'sendmail: cannot start' >&2; exit 1; fi\n`);
	let verified = false;
	const app = await atRestartQuestion(t, cfPath, {
		findRestartPlan: async () => restart.plan,
		async verifyServer() {
			verified = true;
			throw new Error('no live check after a failed restart');
		},
	});
	assert.notDeepEqual(configFiles(folder), before);
	await app.press(KEY.enter);
	const failed = await app.waitFor('Continue');
	assert.match(failed, /✗ The restart failed: .*exit status 1/);
	assert.match(failed, /sendmail: cannot start/);
	assert.match(failed, /The old files are back and sendmail was restarted on them\./);
	assert.doesNotMatch(failed, /Roll back/);
	assert.equal(restart.runs(), 2);
	assert.equal(verified, false);
	assert.deepEqual(configFiles(folder), before);
	await app.press(KEY.enter);
	const done = await app.waitFor(stepHeading('Done'));
	assert.match(done, /was changed, then restored from the backup/);
	assert.doesNotMatch(done, /Undo with/);
});

test('a restart that fails again on the old files: they are back (no rollback offered), and it says sendmail did not start', async t => {
	const {folder, cfPath} = tempConfig(t);
	const before = configFiles(folder);
	const restart = loggingRestart(folder, 'echo \'sendmail: cannot start\' >&2; exit 1\n');
	const app = await atRestartQuestion(t, cfPath, {findRestartPlan: async () => restart.plan});
	await app.press(KEY.enter);
	const failed = (await app.waitFor('Continue')).replaceAll('\n', ' ');
	assert.match(failed, /The old files are back, but restarting sendmail failed again/);
	assert.doesNotMatch(failed, /Roll back/);
	assert.equal(restart.runs(), 2);
	assert.deepEqual(configFiles(folder), before);
	await app.press(KEY.enter);
	assert.match(await app.waitFor(stepHeading('Done')), /was changed, then restored from the backup/);
});

test('Don\'t restart runs nothing and says how to restart by hand', async t => {
	const {folder, cfPath} = tempConfig(t);
	const restart = loggingRestart(folder);
	const app = await atRestartQuestion(t, cfPath, {findRestartPlan: async () => restart.plan});
	await app.press(KEY.down, KEY.enter);
	const screen = await app.waitFor('Continue');
	assert.ok(screen.replaceAll('\n', ' ').includes(describeManualRestart(restart.plan)), screen);
	assert.equal(restart.runs(), 0);
	await app.press(KEY.enter);
	assert.match(await app.waitFor(stepHeading('Done')), /Restart sendmail to load the new settings; run: \/etc\/init\.d\/sendmail restart/);
});

test('Down and Enter in one burst at the restart question pick Don\'t restart', async t => {
	const {folder, cfPath} = tempConfig(t);
	const restart = loggingRestart(folder);
	const app = await atRestartQuestion(t, cfPath, {findRestartPlan: async () => restart.plan});
	app.stdin.write(KEY.down + KEY.enter);
	const screen = await app.waitFor('Continue');
	assert.ok(screen.replaceAll('\n', ' ').includes(describeManualRestart(restart.plan)), screen);
	assert.equal(restart.runs(), 0);
});

test('a failed live check offers rollback; rolling back restores the files byte for byte and restarts on them', async t => {
	const {folder, cfPath} = tempConfig(t);
	const before = configFiles(folder);
	const restart = loggingRestart(folder);
	const failing: Check[] = [
		...passing,
		{name: 'recipient limit', status: 'fail', expected: 'the 11th RCPT TO refused', reply: '250 2.1.5 <root@localhost>... Recipient ok'},
	];
	const app = await atRestartQuestion(t, cfPath, {
		findRestartPlan: async () => restart.plan,
		waitForListener: async () => true,
		verifyServer: async () => ok({checks: failing, exchange: [], transcript: {banner: {code: 220, lines: []}, recipients: [], recipientsPlanned: 11}}),
	});
	await app.press(KEY.enter);
	const offer = await app.waitFor('Keep the new files');
	assert.match(offer, /✗ recipient limit: 250 2\.1\.5 <root@localhost>\.\.\. Recipient ok/);
	assert.match(offer, /✗ The live server failed 1 check: recipient limit\./);
	assert.match(offer, /› \(•\) Roll back to the old files and restart/);
	assert.notDeepEqual(configFiles(folder), before);
	await app.press(KEY.enter);
	const rolled = await app.waitFor('Continue');
	assert.match(rolled, /Restored .*sendmail\.cf.* from the backup/);
	assert.match(rolled, /✓ sendmail restarted on the old files\./);
	assert.deepEqual(configFiles(folder), before);
	assert.equal(restart.runs(), 2);
	await app.press(KEY.enter);
	assert.match(await app.waitFor(stepHeading('Done')), /was changed, then restored from the backup/);
});

test('Keep the new files after a failed check leaves them written', async t => {
	const {folder, cfPath} = tempConfig(t);
	const restart = loggingRestart(folder);
	const app = await atRestartQuestion(t, cfPath, {
		findRestartPlan: async () => restart.plan,
		waitForListener: async () => false,
	});
	await app.press(KEY.enter);
	const offer = await app.waitFor('Keep the new files');
	assert.match(offer, /✗ sendmail was restarted, but nothing listens on 127\.0\.0\.1:25; check its log\./);
	const written = everyFile(folder);
	await app.press(KEY.down, KEY.enter);
	assert.match(await app.waitFor('Continue'), /Kept the new files\./);
	assert.deepEqual(everyFile(folder), written);
	assert.equal(restart.runs(), 1);
});

test('Esc and q at the restart question restart nothing and write nothing more', async t => {
	const {folder, cfPath} = tempConfig(t);
	const restart = loggingRestart(folder);
	const app = await atRestartQuestion(t, cfPath, {findRestartPlan: async () => restart.plan});
	const written = everyFile(folder);
	await app.press(KEY.escape);
	assert.match(app.frame(), new RegExp(stepHeading('Apply')));
	assert.match(app.frame(), /Restart sendmail now/);
	await app.press('q');
	assert.deepEqual(app.result(), {code: 0});
	assert.equal(restart.runs(), 0);
	assert.deepEqual(everyFile(folder), written);
});

test('no restart is offered in demo mode, for a file the daemon does not read, or with --no-restart', async t => {
	const cases: Array<{name: string; demo?: boolean; live: boolean; restart?: boolean; says: RegExp}> = [
		{name: 'demo', demo: true, live: true, says: /Demo mode: the running sendmail does not read this copy/},
		{name: 'another file', live: false, says: /[Ss]endmail does not read this config; not restarted \(the running sendmail reads \/etc\/mail\/sendmail\.cf, not this file\)/},
		{name: '--no-restart', live: true, restart: false, says: /Restart sendmail to load the new settings; run: \/etc\/init\.d\/sendmail restart/},
	];
	for (const each of cases) {
		const {folder, cfPath} = tempConfig(t);
		const restart = loggingRestart(folder);
		let asked = 0;
		const target = await readTarget(cfPath);
		const app = renderWizard({...target, demo: each.demo ?? false}, {
			answers: PRESET,
			answersFrom: 'preset "web"',
			setup: {restart: each.restart},
			effects: live({
				isLiveConfig: () => each.live,
				async findRestartPlan() {
					asked++;
					return restart.plan;
				},
			}),
		});
		const screen = await writeAndWait(app, 'Continue');
		assert.match(screen.replaceAll('\n', ' '), each.says, each.name);
		assert.doesNotMatch(screen, /Restart sendmail now/, each.name);
		assert.equal(restart.runs(), 0, each.name);
		assert.equal(asked, each.name === '--no-restart' ? 1 : 0, each.name);
		app.unmount();
	}
});

// --- A real daemon, restarted through a stand-in init script -------------------------------

test('a real sendmail, restarted from the wizard on the new config, passes every live check', skipUnlessSendmail(), async t => {
	const {cfPath, helpPath} = tempConfig(t);
	const daemon = await startWithInitScript(cfPath, {helpFile: helpPath});
	// Stopped in finally, before the temp folder with its PidFile goes away.
	try {
		const app = await atRestartQuestion(t, cfPath, {findRestartPlan: async () => daemon.restart});
		await app.press(KEY.enter);
		const done = await app.waitFor(/passed every check|Roll back|Continue/, 120_000);
		assert.match(done, /Stopping sendmail: \d+\n +Starting sendmail/);
		// docs/sendmail.md, "The greeting": "$j mailserver; $b" gives "220 <host> ESMTP mailserver; <date>".
		assert.match(done, /✓ banner: 220 mail\.test\.example ESMTP mailserver;/);
		assert.match(done, /✓ HELP/);
		// docs/sendmail.md, "PrivacyOptions and goaway": goaway answers VRFY with 252 2.5.2 and EXPN with 502 5.7.0.
		assert.match(done, /✓ VRFY: 252 2\.5\.2/);
		assert.match(done, /✓ EXPN: 502 5\.7\.0/);
		assert.doesNotMatch(done, /✗/);
		assert.match(done, new RegExp(`✓ The live server on 127\\.0\\.0\\.1:${daemon.port} passed every check\\.`));
	} finally {
		await daemon.stop();
	}
});

// Issue 21, point 4: on a host name sendmail sleeps on, the restart question defaults to "not now"
// and offers the /etc/hosts line.
test('an unqualified host name: the restart question defaults to not now and gives the /etc/hosts line', async t => {
	const {folder, cfPath} = tempConfig(t);
	const restart = loggingRestart(folder);
	const app = await atRestartQuestion(t, cfPath, {findRestartPlan: async () => restart.plan, hostNameWait: () => ({name: 'vm', seconds: 60})});
	const ask = app.frame().replaceAll(/\n\s*/g, ' ');
	assert.match(ask, /\( \) Restart sendmail now \(\/etc\/init\.d\/sendmail restart; it first waits 60 s for the host name\)/);
	assert.match(ask, /› \(•\) Not now: first add '127\.0\.1\.1 vm\.example\.org vm' to \/etc\/hosts/);
	await app.press(KEY.enter);
	await app.waitFor('Continue');
	assert.equal(restart.runs(), 0);
});

test('an unqualified host name: a restart chosen anyway is given the wait, counted down on Apply, and not stopped', async t => {
	const {folder, cfPath} = tempConfig(t);
	// Longer than the restart's own limit below, shorter than the limit plus the host name's wait.
	const restart = loggingRestart(folder, 'sleep 1.5\n');
	const app = await atRestartQuestion(t, cfPath, {
		findRestartPlan: async () => restart.plan,
		hostNameWait: () => ({name: 'vm', seconds: 3}),
		// The restart's own limit shortened to 1 s; what the host name's wait adds is kept.
		runRestart: async (plan, options) => runRestart(plan, {...options, timeoutMs: options.timeoutMs - RESTART_TIMEOUT_MS + 1000}),
		waitForListener: async () => true,
		verifyServer: async () => ok({checks: passing, exchange: [], transcript: {banner: {code: 220, lines: []}, recipients: [], recipientsPlanned: 0}}),
	});
	await app.press(KEY.up, KEY.enter);
	assert.match(await app.waitFor(/sendmail waits for its host name \(not fully qualified\): \d s left/), /Restarting sendmail/);
	await app.waitFor('passed every check');
	assert.equal(restart.runs(), 1);
});

// Issue 22: --keep is the flow's input in the wizard as in --yes (it used to wrap applyPlan in the
// wizard only), so the one write step removes the older backup sets for both faces.
test('--keep N reaches the apply flow\'s write, as for --yes', async t => {
	const {cfPath} = tempConfig(t);
	const kept: Array<number | undefined> = [];
	const app = renderWizard(await readTarget(cfPath), {
		answers: PRESET,
		answersFrom: 'preset "web"',
		setup: {keep: 2},
		effects: {
			async applyPlan(plan, options) {
				kept.push(options.keep);
				return applyPlan(plan, options);
			},
		},
	});
	t.after(() => app.unmount());
	await writeAndWait(app, 'Continue');
	assert.deepEqual(kept, [2]);
});
