// The Floods step's first question, "Does this host receive mail from other machines?", in the
// wizard: its choices and what each costs, the keys (arrows, space, Enter, Esc back from the first
// limit), and the MX check: a mail hub is not offered "local", an unknown answer is said as such.
// The MX check is the test's own (no resolver is asked here); the plan is the real one.
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import test from 'node:test';
import type {MailHubFinding} from '../../source/system/mail-hub.js';
import {makePlan} from '../../source/system/make-plan.js';
import {SETTING} from '../../source/settings/registry.js';
import {checkEnv, enterUntil, KEY, openWizard, tempConfig} from '../app-helpers.js';
import {stepHeading} from '../helpers/steps.js';

const QUESTION = SETTING.listen.question;
const notHub: MailHubFinding = {kind: 'not-hub', domain: 'example.org', exchanges: ['mx.elsewhere.example']};
const hub: MailHubFinding = {kind: 'hub', domain: 'example.org', exchange: 'mail.example.org', address: '192.0.2.25'};

/** The screen's prose with its wrapping undone. */
const oneLine = (screen: string) => screen.replaceAll(/\s+/g, ' ');

/** The demo config with its daemons opened to all (no Addr), in a temp folder. */
function openedConfig(t: Parameters<typeof tempConfig>[0]): string {
	const {cfPath} = tempConfig(t);
	writeFileSync(cfPath, readFileSync(cfPath, 'latin1').replaceAll(/^(O DaemonPortOptions=.*), Addr=127\.0\.0\.1$/gm, '$1'), 'latin1');
	return cfPath;
}

/** Effects whose MX check answers `finding`, for the question and for the plan alike. */
function effects(finding: MailHubFinding) {
	return {
		mailHub: async () => finding,
		makePlan: async (target: Parameters<typeof makePlan>[0], answers: Parameters<typeof makePlan>[1], {cfOnly}: {cfOnly: boolean}) => makePlan(target, answers, {cfOnly, env: checkEnv, checkMailHub: async () => finding}),
	};
}

test('the question comes first on Floods: Keep, Yes (all), No (local); each row says what it costs; Enter on "No" writes Addr=127.0.0.1', async t => {
	const app = await openWizard(t, openedConfig(t), {effects: effects(notHub)});
	await enterUntil(app, 'Floods and harvesting');
	let screen = await app.waitFor('is not this host');
	assert.match(screen, new RegExp(`${stepHeading('Floods and harvesting')}\\n${QUESTION.replace('?', '\\?')}`));
	assert.match(screen, /› \(•\) Keep as it is \(all\)\n {2}\( \) Yes: listen on every address \(all\)\n {2}\( \) No, it only sends: listen on 127\.0\.0\.1 \(local\)/);
	assert.match(screen, /MTA-v4 port smtp on every IPv4 address \(reachable from other machines\)/);
	assert.match(screen, /The MX of example\.org \(mx\.elsewhere\.example\) is not this host\./);

	await app.press(KEY.down);
	screen = await app.waitFor('› ( ) Yes');
	assert.match(screen, /Every daemon stays reachable from other machines/);
	await app.press(KEY.down);
	screen = await app.waitFor('› ( ) No');
	assert.match(screen, /no other machine can connect at all/);
	// Space chooses without moving on.
	await app.press(KEY.space);
	screen = await app.waitFor('› (•) No');
	assert.match(screen, /\( \) Keep as it is/);

	// Enter moves to the first limit; Esc there comes back to the question with "No" chosen.
	await app.press(KEY.enter);
	await app.waitFor('(1/');
	await app.press(KEY.escape);
	screen = await app.waitFor(QUESTION);
	assert.match(screen, /› \(•\) No, it only sends/);

	await enterUntil(app, 'Review');
	screen = await app.waitFor('Addr=127.0.0.1');
	assert.match(screen, /Name=MTA-v4, Port=smtp, Addr=127\.0\.0\.1/);
});

test('Esc on the question goes back to Privacy; Enter on Keep leaves the daemons as they are', async t => {
	const app = await openWizard(t, openedConfig(t), {effects: effects(notHub)});
	await enterUntil(app, 'Floods and harvesting');
	await app.waitFor(QUESTION);
	await app.press(KEY.escape);
	await app.waitFor(stepHeading('Privacy'));
	await enterUntil(app, 'Review');
	const screen = await app.waitFor(/Review/);
	assert.doesNotMatch(screen, /Addr=127\.0\.0\.1/);
});

test('a mail hub is not offered "local", and the screen says why; answers asking for "local" are left out', async t => {
	const app = await openWizard(t, openedConfig(t), {effects: effects(hub), answers: {listen: 'local'}});
	await enterUntil(app, 'Floods and harvesting');
	const screen = await app.waitFor('not offered');
	assert.doesNotMatch(screen, /No, it only sends/);
	assert.match(oneLine(screen), /"local" is not offered: this host is the mail exchanger of example\.org \(its MX mail\.example\.org is 192\.0\.2\.25, an address of this host\), so it receives mail from other machines\./);
	assert.match(screen, /The answers asked for "local": it is left out here, as this host receives mail\./);
	assert.match(screen, /› \(•\) Keep as it is \(all\)\n {2}\( \) Yes: listen on every address \(all\)\n\n/);
	// Two rows: down twice comes back to Keep.
	await app.press(KEY.down, KEY.down);
	await app.waitFor('› (•) Keep');
});

test('where the MX could not be checked, the question says so and still offers "local"; the plan carries the warning', async t => {
	const unknown: MailHubFinding = {kind: 'unknown', domain: 'example.org', reason: 'the resolver did not answer within 5 s'};
	const app = await openWizard(t, openedConfig(t), {effects: effects(unknown)});
	await enterUntil(app, 'Floods and harvesting');
	const screen = await app.waitFor('Could not tell');
	assert.match(oneLine(screen), /Could not tell whether this host is its domain's MX \(the resolver did not answer within 5 s\): answer for it yourself\./);
	assert.match(screen, /No, it only sends/);
	await app.press(KEY.down, KEY.down, KEY.enter);
	await enterUntil(app, 'Review');
	await app.waitFor(/could not tell whether this host is its domain's mail exchanger/);
});

test('a plan asked for "local" on a hub is refused, so Review has nothing to write', async t => {
	const cfPath = openedConfig(t);
	const before = readFileSync(cfPath, 'latin1');
	const {readTarget} = await import('../app-helpers.js');
	const plan = await makePlan(await readTarget(cfPath), {listen: 'local'}, {env: checkEnv, checkMailHub: async () => hub});
	assert.equal(plan.ok ? '' : plan.error, 'listen "local" refused: this host is the mail exchanger of example.org (its MX mail.example.org is 192.0.2.25, an address of this host), and "local" would refuse all mail from other machines; answer "all" or leave listen out; nothing was written');
	assert.equal(readFileSync(cfPath, 'latin1'), before);
});

test('the question fits 80x24 and 60x20: every row within the width, the frame within the height, all choices shown', async t => {
	const {renderSized} = await import('../helpers/sized-terminal.js');
	const {ListenStep} = await import('../../source/steps/ListenStep.js');
	const {cfDaemons} = await import('../../source/core/daemon-addresses.js');
	const {daemons} = cfDaemons(readFileSync(openedConfig(t), 'latin1'));
	const unknown: MailHubFinding = {kind: 'unknown', domain: 'example.org', reason: 'the resolver did not answer within 5 s'};
	for (const [columns, rows] of [[80, 24], [60, 20]] as const) {
		const sized = renderSized(t, <ListenStep daemons={daemons} current="all" answers={{}} hub={unknown} onNext={() => undefined} />, columns, rows);
		await sized.waitFor('Keep as it is');
		sized.stdin.write(KEY.down);
		const frame = await sized.waitFor('› ( ) Yes');
		const lines = frame.replace(/\n$/, '').split('\n');
		assert.ok(lines.length <= rows, `${columns}x${rows}: ${lines.length} rows:\n${frame}`);
		assert.ok(lines.every(line => line.length <= columns), `${columns}x${rows}: a row is wider than the terminal:\n${frame}`);
		assert.match(frame, /No, it only sends/);
		assert.match(frame, /enter next/);
	}
});
