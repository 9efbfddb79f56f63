import test from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {runHarden} from '../source/commands/harden.js';
import {KEY, NOW, PRESET, checkEnv, openWizard, enterUntil, tempConfig} from './app-helpers.js';
import {stepHeading} from './helpers/steps.js';

function snapshot(folder: string): Record<string, string> {
	return Object.fromEntries(readdirSync(folder).sort().map(name => [name, readFileSync(path.join(folder, name), 'latin1')]));
}

test('replaying a preset is Enter on every step, and Write gives exactly the bytes --yes writes', async t => {
	const {folder, cfPath, helpPath} = tempConfig(t);
	const originalCf = readFileSync(cfPath);
	const originalHelp = readFileSync(helpPath);
	const app = await openWizard(t, cfPath, {answers: PRESET, answersFrom: 'preset "web"'});

	await app.waitFor('pre-filled from preset "web"');
	await enterUntil(app, 'Review');

	// The plan is worked out after the step appears; its choices come with it.
	assert.match(await app.waitFor('Write changes'), /› \(•\) Write changes/);
	await app.press(KEY.enter);
	const applied = await app.waitFor('Continue');
	assert.match(applied, /✓ sendmail accepted the new config/);
	assert.match(applied, /Backup: .*sendmail\.cf\.sendmail-harden-.*\.bak/);
	const wizardCf = readFileSync(cfPath);
	const wizardHelp = readFileSync(helpPath);
	assert.notDeepEqual(wizardCf, originalCf);

	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Done'));
	await app.press(KEY.enter);
	assert.deepEqual(app.result(), {code: 0});

	// The same answers through --yes, on the same original files.
	for (const name of readdirSync(folder).filter(file => file.includes('.sendmail-harden-'))) {
		writeFileSync(path.join(folder, `${name}.wizard`), '');
	}

	writeFileSync(cfPath, originalCf);
	writeFileSync(helpPath, originalHelp);
	const answersFile = path.join(folder, 'answers.json');
	writeFileSync(answersFile, JSON.stringify(PRESET));
	const output: string[] = [];
	const code = await runHarden({config: cfPath, answers: answersFile, yes: true}, {out: text => output.push(text), err: text => output.push(text), env: checkEnv}, {now: () => new Date(NOW.getTime() + 1000), findRestartPlan: async () => undefined});
	assert.equal(code, 0, output.join(''));
	assert.deepEqual(readFileSync(cfPath), wizardCf);
	assert.deepEqual(readFileSync(helpPath), wizardHelp);
});

for (const [name, key] of [['q', 'q'], ['Ctrl+C', KEY.ctrlC]] as const) {
	test(`${name} before Write leaves every file untouched`, async t => {
		const {folder, cfPath} = tempConfig(t);
		const before = snapshot(folder);
		const app = await openWizard(t, cfPath, {answers: PRESET});
		await enterUntil(app, 'Review');
		await app.waitFor(stepHeading('Review'));
		await app.press(key);
		assert.deepEqual(app.result(), {code: 0, message: 'Quit: nothing was written.'});
		assert.deepEqual(snapshot(folder), before);
	});
}

test('Ctrl+C while typing a custom value quits too, writing nothing; q there is a letter', async t => {
	const {folder, cfPath} = tempConfig(t);
	const before = snapshot(folder);
	const app = await openWizard(t, cfPath);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Greeting'));
	await app.press(KEY.down, KEY.down, KEY.down); // keep -> custom
	await app.press(...'q');
	assert.equal(app.result(), undefined);
	assert.match(app.frame(), /q/);
	await app.press(KEY.ctrlC);
	assert.equal(app.result()?.message, 'Quit: nothing was written.');
	assert.deepEqual(snapshot(folder), before);
});

test('Esc goes back one step with the answers kept', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await app.press(KEY.enter, KEY.enter);
	await app.waitFor(stepHeading('Size'));
	await app.press(KEY.up, KEY.up, KEY.up); // Keep ("No limit (as now)") -> Custom -> 50 MB -> 25 MB
	// Moving only moves: the choice is still "No limit (as now)" until Space or Enter.
	assert.match(await app.waitFor('› ( ) 25 MB'), /\(•\) No limit \(as now\)/);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Recipients'));
	await app.press(KEY.escape);
	await app.waitFor(stepHeading('Size'));
	assert.match(app.frame(), /› \(•\) 25 MB/);
	await app.press(KEY.escape);
	await app.waitFor(stepHeading('Greeting'));
	await app.press(KEY.escape);
	await app.waitFor(stepHeading('Welcome'));
	// The size chosen before still reaches Review.
	await enterUntil(app, 'Review');
	await app.waitFor(stepHeading('Review'));
	assert.match(await app.waitFor('MaxMessageSize='), /\+ O MaxMessageSize=25000000/);
});

test('the greeting preview follows the highlight before Enter', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await app.press(KEY.enter);
	// docs/sendmail.md, "The greeting": "$j Sendmail $v/$Z; $b" shows the version after ESMTP.
	const keep = await app.waitFor(stepHeading('Greeting'));
	assert.match(keep, /220 mail\.example\.org ESMTP Sendmail 8\.17\.1\.9\/8\.17\.1\.9\/Debian-2\+deb12u2; Tue, 4 Mar 2025 05:06:07\sGMT/);
	await app.press(KEY.down);
	assert.match(app.frame(), /220 mail\.example\.org ESMTP Sendmail; Tue, 4 Mar 2025 05:06:07 GMT/);
	await app.press(KEY.down);
	// docs/sendmail.md, "The greeting": "$j mailserver; $b" gives "220 lab.example.test ESMTP mailserver; <date>".
	assert.match(app.frame(), /220 mail\.example\.org ESMTP mailserver; Tue, 4 Mar 2025 05:06:07 GMT/);
	assert.equal(app.result(), undefined);
});

test('a custom greeting is validated as typed, with the reason; Enter is refused until it is fixed', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Greeting'));
	await app.press(KEY.down, KEY.down, KEY.down, '\u0015'); // to Custom, Ctrl+U clears the field
	await app.press(...'$j hi $');
	assert.match(await app.waitFor('lone "$"'), /✗ the greeting ends with a lone "\$"/);
	await app.press(KEY.enter);
	assert.match(app.frame(), new RegExp(stepHeading('Greeting')));
	await app.press(KEY.backspace, ...'there');
	const fixed = await app.waitFor('220 mail.example.org ESMTP hi there');
	assert.doesNotMatch(fixed, /✗/);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Size'));
});

test('a custom size accepts 20MB and explains a bad one', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await app.press(KEY.enter, KEY.enter);
	await app.waitFor(stepHeading('Size'));
	await app.press(KEY.up); // Keep ("No limit (as now)") -> Custom
	await app.press(...'20 furlongs');
	assert.match(await app.waitFor('is not a size'), /✗ "20 furlongs" is not a size/);
	await app.press(KEY.enter);
	assert.match(app.frame(), new RegExp(stepHeading('Size')));
	await app.press('\u0015', ...'20MB');
	// docs/sendmail.md, "Guidance numbers": base64 needs about 1.37 N, so 20 MB carries about 14.6 MB.
	const good = await app.waitFor('attachments up to about 14.6 MB');
	assert.match(good, /"250-SIZE 20000000"/);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Recipients'));
	await app.press(KEY.escape);
	await app.waitFor(stepHeading('Size'));
	assert.match(app.frame(), /› \(•\) 20 MB/);
});

test('Recipients: a limit under 100 says that none is lost; custom counts are checked', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await app.press(KEY.enter, KEY.enter, KEY.enter);
	await app.waitFor(stepHeading('Recipients'));
	await app.press(KEY.down); // Keep -> 10 (wraps)
	// docs/sendmail.md, "SMTP replies per setting": the 11th RCPT TO gets "452 4.5.3 Too many recipients".
	const ten = await app.waitFor('Recipient 11 and later');
	assert.match(ten, /452 4\.5\.3 Too many recipients/);
	assert.match(ten, /Below RFC 5321's minimum of 100/);
	assert.match(ten, /no mail is lost/);
	await app.press(KEY.down, KEY.down); // 100
	assert.doesNotMatch(await app.waitFor('› ( ) 100'), /Below RFC/);
	await app.press(KEY.down, ...'2.5');
	assert.match(await app.waitFor('must be a whole number'), /✗ the recipient limit must be a whole number/);
});

test('Privacy: space toggles, goaway marks what it implies, and the help follows the highlight', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await app.press(KEY.enter, KEY.enter, KEY.enter, KEY.enter);
	const first = await app.waitFor(stepHeading('Privacy'));
	assert.match(first, /public: Turns nothing on/);
	await app.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down); // novrfy
	// docs/sendmail.md, "SMTP replies per setting": novrfy answers 252 2.5.2.
	assert.match(app.frame(), /252 2\.5\.2 Cannot VRFY user/);
	await app.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.space); // goaway on
	const goaway = await app.waitFor('set by goaway');
	assert.match(goaway, /\[\+\] noexpn/);
	assert.match(goaway, /\[\+\] noverb/);
	assert.match(goaway, /\[ \] noetrn/);
	assert.match(goaway.replaceAll('\n', ''), /O PrivacyOptions=needmailhelo,needexpnhelo,needvrfyhelo,restrictqrun,restrictexpand,nobodyreturn,authwarnings,goaway *\(\[\+\] set by goaway\)/);
	await enterUntil(app, 'Review');
	assert.match((await app.waitFor('@@ -283,3 +283,3 @@')).replaceAll('\n', ''), /\+ O PrivacyOptions=.*a {0,2}uthwarnings,goaway/);
});

test('Review shows numbered diff lines and the final greeting; nothing to change offers Finish', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await enterUntil(app, 'Review');
	await app.waitFor(stepHeading('Review'));
	const review = await app.waitFor('Nothing to change');
	assert.match(review, /› \(•\) Finish \(nothing to write\)/);
	assert.match(review, /220 mail\.example\.org ESMTP Sendmail 8\.17\.1\.9/);
	await app.press(KEY.enter);
	assert.equal(app.result()?.code, 0);
});

test('a write sendmail refuses shows why, writes nothing, and Back returns to Review', async t => {
	const {folder, cfPath} = tempConfig(t);
	const before = snapshot(folder);
	const app = await openWizard(t, cfPath, {
		answers: {maxMessageSize: 1000},
		effects: {validatePlan: async () => ({ok: false, error: 'sendmail rejects the new config: line 2: bad; nothing was written'})},
	});
	await enterUntil(app, 'Review');
	// Review offers no choice until the plan is worked out.
	await app.waitFor('Write changes');
	await app.press(KEY.enter);
	const refused = await app.waitFor('Back to Review');
	assert.match(refused, /✗ sendmail rejects the new config/);
	assert.match(refused, /Nothing was written/);
	await app.press(KEY.enter);
	await app.waitFor('Write changes');
	await app.press(KEY.enter);
	await app.waitFor('Back to Review');
	await app.press(KEY.down, KEY.enter);
	assert.deepEqual(app.result(), {code: 2, message: 'Nothing was written.'});
	assert.deepEqual(snapshot(folder), before);
});
