// How the wizard behaves on real hosts: a .cf that is not what its .mc builds (found on Welcome,
// where the .mc/.cf choice is made), a user who is not root, the Welcome lists, demo copies.
import test from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ok} from '../source/core/result.js';
import {openPresetStore} from '../source/presets.js';
import {accessProblem} from '../source/system/access.js';
import {checkMcAgrees} from '../source/system/make-plan.js';
import {buildCfFromMc, rebuildPlan} from '../source/system/mc-rebuild.js';
import {loadTarget, removeDemoCopy} from '../source/system/target.js';
import {KEY, NOW, PRESET, checkEnv, openWizard, enterUntil} from './app-helpers.js';
import {copyDebianMcPair, haveDebianMc, skipUnlessDebianMc} from './helpers/debian-mc.js';
import {readableScript} from './helpers/readable-copy.js';
import {copyDemoConfig} from './helpers/cli.js';
import {stepOf} from './helpers/steps.js';

const MC_CHOICE = 'Edit sendmail.mc and rebuild sendmail.cf (recommended)';
const CF_CHOICE = 'Edit sendmail.cf only (the next rebuild undoes it)';

/** Debian's pair with a hand edit in the .cf that the .mc does not have: they disagree. */
function disagreeingPair(t: {after(fn: () => void): void}) {
	const parent = mkdtempSync(path.join(os.tmpdir(), 'app-runs-'));
	t.after(() => {
		rmSync(parent, {recursive: true, force: true});
	});
	const pair = copyDebianMcPair(parent);
	const cf = readFileSync(pair.cfPath, 'latin1');
	writeFileSync(pair.cfPath, cf.replace(/^O Timeout\.iconnect=.*$/m, 'O Timeout.iconnect=42s'), 'latin1');
	return pair;
}

const checkMc = {checkMcAgrees: async (target: Parameters<typeof checkMcAgrees>[0]) => checkMcAgrees(target, {env: checkEnv})};

test('a .cf that its .mc does not build is said on Welcome, by its line; the .cf alone is the chosen way on, and Enter goes on', skipUnlessDebianMc(), async t => {
	const {cfPath} = disagreeingPair(t);
	const app = await openWizard(t, cfPath, {effects: checkMc});
	const welcome = await app.waitFor('does not build');
	assert.match(welcome, /! sendmail\.cf has a line that sendmail\.mc does not build \(a hand edit\):\n {2}line \d+: O Timeout\.iconnect=42s \(sendmail\.mc builds: O Timeout\.iconnect=2m\)\n/);
	assert.ok(welcome.includes('› (•) Edit sendmail.cf only, as --cf-only (recommended)'), welcome);
	assert.ok(!welcome.includes(MC_CHOICE), welcome);
	await app.press(KEY.enter);
	await app.waitFor(stepOf('Greeting'));
});

test('a plan refused through the .mc at Review: Back goes to the choice on Welcome, not to Privacy', skipUnlessDebianMc(), async t => {
	const {cfPath} = disagreeingPair(t);
	// Without the Welcome check, as when the .mc check is still running: Review finds it.
	const app = await openWizard(t, cfPath, {answers: PRESET, answersFrom: 'preset "web"'});
	await app.waitFor(MC_CHOICE);
	await enterUntil(app, 'Review');
	const review = await app.waitFor('✗ sendmail.cf and sendmail.mc disagree');
	assert.match(review, new RegExp(stepOf('Review')));
	await app.press(KEY.down, KEY.enter);
	const back = await app.waitFor(stepOf('Welcome'));
	assert.ok(back.includes(CF_CHOICE), back);
	await app.press(KEY.escape);
	await app.press(KEY.enter);
	await app.waitFor(stepOf('Greeting'));
	// Esc on that refusal goes to Welcome too.
	await enterUntil(app, 'Review');
	await app.waitFor('✗ sendmail.cf and sendmail.mc disagree');
	await app.press(KEY.escape);
	await app.waitFor(stepOf('Welcome'));
});

test('Welcome: moving the pointer through both lists chooses nothing; space chooses in its own list', async t => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'app-runs-presets-'));
	t.after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	const store = await openPresetStore({cwd: folder});
	assert.ok(store.ok);
	await store.value.save('web', PRESET, {force: false, now: NOW});
	await store.value.save('relay', PRESET, {force: false, now: NOW});
	const parent = mkdtempSync(path.join(folder, 'pair-'));
	const {cfPath} = haveDebianMc ? copyDebianMcPair(parent) : {cfPath: ''};
	if (!haveDebianMc) {
		t.skip('no Debian sendmail.mc');
		return;
	}

	const app = await openWizard(t, cfPath, {effects: {loadPresets: async () => ok(store.value)}});
	await app.waitFor(CF_CHOICE);
	await app.waitFor('Preset "web"');
	await app.press(KEY.down, KEY.space, KEY.down, KEY.down, KEY.down);
	// The screen once the last key is drawn: the pointer on the .cf row.
	const frame = await app.waitFor(`› ( ) ${CF_CHOICE}`);
	// "relay" chosen with space; the pointer went on over "web" and the .mc row to the .cf row.
	assert.match(frame, /\(•\) Preset "relay"/);
	assert.match(frame, /\( \) Preset "web"/);
	assert.ok(frame.includes(`  (•) ${MC_CHOICE}`), frame);
	assert.ok(frame.includes(`› ( ) ${CF_CHOICE}`), frame);
	await app.press(KEY.enter);
	const greeting = await app.waitFor(stepOf('Greeting'));
	assert.match(greeting, /› \(•\) Generic/);
});

test('a user who is not root is told on Welcome what cannot be done', async t => {
	const app = await openWizard(t, copyDemoConfig().cfPath, {effects: {accessProblem: async () => 'You are not root: the steps show what would change, but writing it need root.'}});
	const welcome = await app.waitFor('You are not root');
	assert.match(welcome, new RegExp(stepOf('Welcome')));
});

test('accessProblem as a user who may not write the config names the write and the restart, and sudo', {skip: process.getuid?.() === 0 ? undefined : 'needs root to switch to nobody'}, async t => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'app-runs-access-'));
	t.after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	chmodSync(folder, 0o755);
	const cfPath = path.join(folder, 'sendmail.cf');
	writeFileSync(cfPath, 'O MaxMessageSize=0\n');
	chmodSync(cfPath, 0o644);
	// Bundled into a folder nobody can read: the checkout may be in one only root can enter.
	const script = await readableScript(`import {accessProblem} from ${JSON.stringify(path.resolve('source/system/access.ts'))}; console.log(await accessProblem(${JSON.stringify(cfPath)}, {live: true}));`);
	const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, script], {encoding: 'utf8', cwd: path.dirname(script)});
	assert.equal(run.status, 0, run.stderr);
	assert.match(run.stdout, /^You are not root: .*writing .*sendmail\.cf and its backup, and restarting sendmail, need root; run it with sudo/);
});

test('as root, accessProblem has nothing to say', async () => {
	assert.equal(await accessProblem('/etc/mail/sendmail.cf', {live: true, uid: 0}), undefined);
});

test('m4 refused a file the .mc includes: the message says run as root, not "fix the .mc"', skipUnlessDebianMc(), async t => {
	const parent = mkdtempSync(path.join(os.tmpdir(), 'app-runs-m4-'));
	t.after(() => {
		rmSync(parent, {recursive: true, force: true});
	});
	const {mcPath} = copyDebianMcPair(parent);
	const m4 = path.join(parent, 'm4-denied');
	writeFileSync(m4, "#!/bin/sh\necho \"m4:$2:97: cannot open \\`/etc/mail/m4/dialup.m4': Permission denied\" >&2\nexit 1\n");
	chmodSync(m4, 0o755);
	const plan = await rebuildPlan(mcPath);
	assert.ok(plan.ok);
	const built = await buildCfFromMc(readFileSync(mcPath, 'latin1'), mcPath, {plan: plan.value, m4});
	assert.equal(built.ok, false);
	assert.doesNotMatch((built as {error: string}).error, /fix the \.mc/);
	assert.match((built as {error: string}).error, /Permission denied; run sendmail-harden as root \(sudo\)/);
});

test('a demo copy is removed on exit; any other config is left alone', async () => {
	const demo = await loadTarget(undefined, null);
	assert.ok(demo.ok && demo.value.demo);
	const folder = path.dirname(demo.value.cfPath);
	assert.ok(existsSync(folder));
	await removeDemoCopy(demo.value);
	assert.equal(existsSync(folder), false);

	const {cfPath} = copyDemoConfig();
	const real = await loadTarget(cfPath);
	assert.ok(real.ok);
	await removeDemoCopy({...real.value, demo: true});
	assert.ok(existsSync(cfPath));
});
