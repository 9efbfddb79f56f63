// A choice sticks: moving the highlight only moves it (the preview may follow it), and only Space
// or Enter choose. Moving past a row to reach the checkboxes below must not choose that row.
import test from 'node:test';
import assert from 'node:assert/strict';
import {KEY, openWizard, tempConfig, type Rendered} from './app-helpers.js';
import {stepHeading} from './helpers/steps.js';

async function toGreeting(app: Rendered): Promise<string> {
	await app.waitFor(stepHeading('Welcome'));
	await app.press(KEY.enter);
	return app.waitFor(stepHeading('Greeting'));
}

test('Greeting: Generic chosen, then moving down past Custom to the HELP box keeps Generic', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await toGreeting(app);
	await app.press(KEY.down, KEY.down, KEY.space);
	assert.match(await app.waitFor('› (•) Generic'), /› \(•\) Generic/);
	await app.press(KEY.down, KEY.down);
	const onHelp = await app.waitFor('› [ ] Also hide the version from HELP');
	assert.match(onHelp, /\(•\) Generic/);
	assert.match(onHelp, /\( \) Custom text/);
	await app.press(KEY.space);
	await app.waitFor('› [x] Also hide the version from HELP');
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Size'));
	await app.press(KEY.escape);
	const back = await app.waitFor(stepHeading('Greeting'));
	assert.match(back, /\(•\) Generic/);
	assert.match(back, /\[x\] Also hide the version from HELP/);
});

test('Greeting: moving over the rows without Space or Enter leaves "Keep" chosen, while the preview follows the highlight', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await toGreeting(app);
	await app.press(KEY.down, KEY.down);
	// The highlight is on Generic: the preview shows what it would send, but Keep is still chosen.
	const onGeneric = await app.waitFor('› ( ) Generic');
	assert.match(onGeneric, /\(•\) Keep as it is/);
	assert.match(onGeneric, /mailserver/);
	await app.press(KEY.down, KEY.down, KEY.down, KEY.enter);
	await app.waitFor(stepHeading('Size'));
	await app.press(KEY.escape);
	const back = await app.waitFor(stepHeading('Greeting'));
	assert.match(back, /\(•\) Keep as it is/);
});

test('Greeting: moves, Space and more moves in one read choose only the row Space was on', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await toGreeting(app);
	app.stdin.write(KEY.down + KEY.space + KEY.down + KEY.down + KEY.down);
	const screen = await app.waitFor('› [ ] Also hide the version from HELP');
	assert.match(screen, /\(•\) Hide the version/);
	assert.match(screen, /\( \) Custom text/);
});

test('Privacy marks the flags audit counts as required and names the ones still off; goaway covers some, not restrictmailq, noetrn or noreceipts', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await toGreeting(app);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Size'));
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Recipients'));
	await app.press(KEY.enter);
	const privacy = await app.waitFor(stepHeading('Privacy'));
	for (const flag of ['needmailhelo', 'noexpn', 'novrfy', 'restrictmailq', 'restrictqrun', 'noreceipts']) {
		assert.match(privacy, new RegExp(`\\] ${flag} \\*`), privacy);
	}

	assert.doesNotMatch(privacy, /\] (public|goaway|noverb) \*/, privacy);
	assert.match(privacy.replaceAll('\n', ' '), /audit also wants \(\*\): noexpn, novrfy, restrictmailq, noetrn, noreceipts/);
	// goaway alone sets noexpn and novrfy; restrictmailq is still wanted.
	await app.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.space);
	const goaway = await app.waitFor('› [x] goaway');
	assert.match(goaway.replaceAll('\n', ' '), /audit also wants \(\*\): restrictmailq, noetrn, noreceipts(?!,)/);
	// noetrn, out of view before, is in the window that follows the highlight down.
	assert.match(goaway, /\] noetrn \*/, goaway);
	await app.press(KEY.up, KEY.up, KEY.up, KEY.up, KEY.space);
	const all = await app.waitFor('› [x] restrictmailq');
	// goaway covers neither noetrn nor noreceipts (docs/sendmail.md, "PrivacyOptions and goaway").
	assert.match(all.replaceAll('\n', ' '), /audit also wants \(\*\): noetrn, noreceipts(?!,)/);
});

test('Size: moving only moves; Space chooses; the choice made stays while the highlight moves on', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await toGreeting(app);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Size'));
	await app.press(KEY.down, KEY.down);
	// On 25 MB: what it means shows, but "No limit (as now)" is still the choice.
	const moved = await app.waitFor('› ( ) 25 MB');
	assert.match(moved, /\(•\) No limit \(as now\)/);
	assert.match(moved, /Messages over 25 MB are refused/);
	await app.press(KEY.space, KEY.down);
	const chosen = await app.waitFor('› ( ) 50 MB');
	assert.match(chosen, /\(•\) 25 MB/);
	// Enter chooses the highlighted row and goes on.
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Recipients'));
	await app.press(KEY.escape);
	assert.match(await app.waitFor(stepHeading('Size')), /› \(•\) 50 MB/);
});
