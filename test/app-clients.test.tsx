// Review's "What clients will see" (sendmail's replies now and after), the Write it refuses when
// the rehearsal contradicts the answers, and the wizard's exit codes after Apply.
import assert from 'node:assert/strict';
import {chmodSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import type {Answers} from '../source/core/answers.js';
import type {RestartPlan} from '../source/core/restart-plan.js';
import {ok} from '../source/core/result.js';
import type {Check} from '../source/core/verify-checks.js';
import type {RehearsalReport, RehearseFiles} from '../source/flow/apply-flow.js';
import {rehearseFiles} from '../source/system/rehearsal.js';
import {KEY, PRESET, checkEnv, openWizard, enterUntil, tempConfig} from './app-helpers.js';
import {skipUnlessSendmail} from './helpers/sendmail.js';
import {stepHeading} from './helpers/steps.js';

const check = (name: string, status: Check['status'], reply: string, expected = 'as chosen'): Check => ({name, status, expected, reply});

const now: RehearsalReport = {status: 'ran', exchange: [], agrees: false, checks: [
	check('banner', 'fail', '220 mail.example.org ESMTP Sendmail 8.17.1.9/8.17.1.9; Tue, 4 Mar 2025'),
	check('VRFY', 'fail', '250 2.1.5 root <root@mail.example.org>'),
	check('SIZE', 'fail', '250-SIZE'),
]};
const after: RehearsalReport = {status: 'ran', exchange: [], agrees: true, checks: [
	check('banner', 'pass', '220 mail.example.org ESMTP mailserver; Tue, 4 Mar 2025'),
	check('VRFY', 'pass', '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)'),
	check('SIZE', 'pass', '250-SIZE 500000'),
]};

/** A rehearsal stand-in: `now` for the file as it is, `after` for the candidate (it has goaway). */
function rehearsing(candidate: RehearsalReport, asked: string[] = []): RehearseFiles {
	return async files => {
		const which = files.cfText.includes('goaway') ? 'after' : 'now';
		asked.push(which);
		return ok(which === 'after' ? candidate : now);
	};
}

async function toReview(t: {after(fn: () => void): void}, cfPath: string, rehearse: RehearseFiles, answers: Answers = PRESET) {
	const app = await openWizard(t, cfPath, {answers, answersFrom: 'preset "web"', effects: {rehearse}});
	await app.waitFor('pre-filled from');
	await enterUntil(app, 'Review');
	await app.waitFor(stepHeading('Review'));
	return app;
}

test('Review shows what clients will see after the change, from sendmail\'s replies, beside what they see now', async t => {
	const {cfPath} = tempConfig(t);
	const asked: string[] = [];
	const app = await toReview(t, cfPath, rehearsing(after, asked));
	const review = await app.waitFor('What clients will see');
	assert.match(review, /✓ VRFY: 252 2\.5\.2 Cannot VRFY user; try RCPT to attempt delivery \(or try finger\) {2}← 250 2\.1\.5 root/);
	assert.match(review, /✓ SIZE: 250-SIZE 500000 {2}← 250-SIZE/);
	assert.match(review, /› \(•\) Write changes/);
	// The current file is asked twice: Welcome judges it against the recommended settings, Review
	// against these answers; the candidate once.
	assert.deepEqual(asked.sort(), ['after', 'now', 'now']);
	// Apply takes Review's rehearsal of the same files: sendmail is not asked again.
	await app.press(KEY.enter);
	const applied = await app.waitFor('Continue');
	assert.match(applied, /✓ Rehearsed with sendmail: its replies match the answers \(3 checks passed\)/);
	assert.deepEqual(asked.sort(), ['after', 'now', 'now']);
});

test('Write is refused, naming the check and sendmail\'s reply, when the rehearsal contradicts the answers', async t => {
	const {folder, cfPath} = tempConfig(t);
	const before = readdirSync(folder).map(name => [name, readFileSync(path.join(folder, name))]);
	const contradicting: RehearsalReport = {...after, agrees: false, checks: [after.checks[0]!, after.checks[1]!, check('SIZE', 'fail', '250-SIZE 1000', 'SIZE 500000')]};
	const app = await toReview(t, cfPath, rehearsing(contradicting));
	const refused = (await app.waitFor('Write refused')).replaceAll('\n', ' ');
	assert.match(refused, /✗ Write refused: with the new files sendmail fails SIZE: expected SIZE 500000; sendmail said "250-SIZE 1000"/);
	assert.doesNotMatch(refused, /Write changes/);
	assert.match(refused, /› \(•\) Back/);
	await app.press(KEY.down, KEY.enter);
	assert.deepEqual(app.result(), {code: 0, message: 'Quit: nothing was written.'});
	assert.deepEqual(readdirSync(folder).map(name => [name, readFileSync(path.join(folder, name))]), before);
});

test('a rehearsal that could not run is said plainly, and Write stays offered', async t => {
	const {cfPath} = tempConfig(t);
	const skipped: RehearseFiles = async () => ok({status: 'skipped', reason: 'sendmail is not installed here, so it could not be asked what this config answers'});
	const app = await toReview(t, cfPath, skipped);
	const review = (await app.waitFor('was not checked')).replaceAll('\n', ' ');
	assert.match(review, /! What clients will see was not checked: sendmail is not installed here/);
	assert.doesNotMatch(review, /✓ VRFY|252/);
	assert.match(review, /Write changes/);
});

test('with the real sendmail, Review shows its own replies for the preset', skipUnlessSendmail(), async t => {
	const {cfPath} = tempConfig(t);
	const rehearse: RehearseFiles = async (files, answers, options) => rehearseFiles(files, answers, {...options, env: {...process.env, ...checkEnv}});
	const app = await toReview(t, cfPath, rehearse);
	// docs/sendmail.md, "PrivacyOptions and goaway": goaway answers VRFY with 252 2.5.2; the sample's own config answers 250 2.1.5.
	const review = await app.waitFor(/✓ VRFY: 252 2\.5\.2 Cannot VRFY user.* {2}← 250 2\.1\.5/, 60_000);
	assert.match(review, /✓ SIZE: 250-SIZE 500000/);
	assert.match(review, /Write changes/);
});

// --- Exit codes (readme "Exit codes") ------------------------------------------------------

function restartScript(folder: string, body: string): RestartPlan {
	const file = path.join(folder, 'sendmail-init');
	writeFileSync(file, `#!/bin/sh\n${body}`);
	chmodSync(file, 0o755);
	return {label: '/etc/init.d/sendmail restart', command: file, args: ['restart']};
}

const env: NodeJS.ProcessEnv = {...checkEnv, PATH: process.env['PATH']};

test('the wizard exits 3 after a failed restart whose old files were put back', async t => {
	const {folder, cfPath} = tempConfig(t);
	const restart = restartScript(folder, `if grep -q goaway '${cfPath}'; then echo 'sendmail: cannot start' >&2; exit 1; fi\n`);
	const app = await openWizard(t, cfPath, {answers: PRESET, answersFrom: 'preset "web"', effects: {env, isLiveConfig: () => true, findRestartPlan: async () => restart}});
	await app.waitFor('pre-filled from');
	await enterUntil(app, 'Review');
	await app.waitFor('Write changes');
	await app.press(KEY.enter);
	await app.waitFor('Restart sendmail now');
	await app.press(KEY.enter);
	await app.waitFor('Continue');
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Done'));
	await app.press(KEY.enter);
	assert.deepEqual(app.result(), {code: 3});
});

test('the wizard exits 1 when the live server fails a check, kept or rolled back, and q at that question exits 1 too', async t => {
	const failing: Check[] = [check('SIZE', 'fail', '250-SIZE', 'SIZE 500000')];
	for (const choice of ['keep', 'rollback', 'q'] as const) {
		const {folder, cfPath} = tempConfig(t);
		const restart = restartScript(folder, 'exit 0\n');
		const app = await openWizard(t, cfPath, {
			answers: PRESET,
			answersFrom: 'preset "web"',
			effects: {
				env,
				isLiveConfig: () => true,
				findRestartPlan: async () => restart,
				waitForListener: async () => true,
				verifyServer: async () => ok({checks: failing, exchange: [], transcript: {banner: {code: 220, lines: []}, recipients: [], recipientsPlanned: 11}}),
			},
		});
		await app.waitFor('pre-filled from');
		await enterUntil(app, 'Review');
		await app.waitFor('Write changes');
		await app.press(KEY.enter);
		await app.waitFor('Restart sendmail now');
		await app.press(KEY.enter);
		await app.waitFor('Keep the new files');
		if (choice === 'q') {
			await app.press('q');
		} else {
			await app.press(...(choice === 'keep' ? [KEY.down, KEY.enter] : [KEY.enter]));
			await app.waitFor('Continue');
			await app.press(KEY.enter);
			await app.waitFor(stepHeading('Done'));
			await app.press(KEY.enter);
		}

		assert.deepEqual(app.result(), {code: 1}, choice);
		app.unmount();
	}
});

test('Ctrl+C in the wizard while sendmail checks the new config: stops at once, nothing written, said on exit', async t => {
	const {folder, cfPath} = tempConfig(t);
	const before = readdirSync(folder).sort();
	const app = await openWizard(t, cfPath, {
		answers: PRESET,
		answersFrom: 'preset "web"',
		effects: {
			validatePlan: async (_plan, options) => new Promise(resolve => {
				options.signal?.addEventListener('abort', () => resolve({ok: false, error: 'stopped before writing (Ctrl+C); nothing was written'}));
			}),
		},
	});
	await app.waitFor('pre-filled from');
	await enterUntil(app, 'Review');
	await app.waitFor('Write changes');
	await app.press(KEY.enter);
	await app.waitFor('Checking the new config with sendmail -bt');
	await app.press(KEY.ctrlC);
	const start = Date.now();
	while (app.result() === undefined && Date.now() - start < 30_000) {
		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}

	assert.deepEqual(app.result(), {code: 0, message: 'Stopped: nothing was written.'});
	assert.deepEqual(readdirSync(folder).sort(), before);
});

test('q at a write Apply refused exits with the refusal\'s code, as the Quit choice does', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath, {
		answers: {maxMessageSize: 1000},
		effects: {validatePlan: async () => ({ok: false, error: 'sendmail rejects the new config: line 2: bad; nothing was written'})},
	});
	await enterUntil(app, 'Review');
	await app.waitFor('Write changes');
	await app.press(KEY.enter);
	await app.waitFor('Back to Review');
	await app.press('q');
	assert.deepEqual(app.result(), {code: 2, message: 'Quit: nothing was written.'});
});
