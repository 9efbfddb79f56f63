// ESC, OSC and C1 bytes in a config's greeting and in its help file reach no terminal raw: not
// through --dry-run, audit or audit --json, and not through the wizard's frames.
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {runCli} from './helpers/cli.js';
import {KEY, enterUntil, openWizard, tempConfig} from './app-helpers.js';

// An OSC that retitles the window, a CSI that clears the screen, a C1 CSI (0x9B) and a bell.
const OSC = '\u001B]0;pwned\u0007';
const CLEAR = '\u001B[2J';
const C1 = '\u009B31m';
const RAW = /[\u001B\u0007\u009B]/;

function hostileConfig(t: {after(fn: () => void): void}) {
	const config = tempConfig(t);
	const cf = readFileSync(config.cfPath, 'latin1').replace(/^O SmtpGreetingMessage=.*$/m, `O SmtpGreetingMessage=$j Sendmail $v ${OSC}${C1}; $b`);
	writeFileSync(config.cfPath, cf, 'latin1');
	const help = readFileSync(config.helpPath, 'latin1').replace(/^smtp\tThis is sendmail version \$v$/m, `smtp\tThis is sendmail version $v ${CLEAR}${C1}`);
	writeFileSync(config.helpPath, help, 'latin1');
	return config;
}

const answers = {greeting: '$j mailserver; $b', hideHelpVersion: true};

test('--dry-run and audit show the hostile greeting and help line with their control bytes made visible', async t => {
	const {folder, cfPath} = hostileConfig(t);
	const answersFile = path.join(folder, 'answers.json');
	writeFileSync(answersFile, JSON.stringify(answers));
	const env = {SENDMAIL_HARDEN_STATE_DIR: path.join(folder, 'state'), XDG_CONFIG_HOME: path.join(folder, 'xdg')};
	const dryRun = await runCli(['--config', cfPath, '--dry-run', '--answers', answersFile], {env});
	assert.equal(dryRun.status, 0, dryRun.stderr);
	assert.doesNotMatch(dryRun.stdout + dryRun.stderr, RAW);
	assert.ok(dryRun.stdout.includes(String.raw`\e]0;pwned\x07\x9b31m`), dryRun.stdout);
	assert.ok(dryRun.stdout.includes(String.raw`\e[2J\x9b31m`), dryRun.stdout);

	const audit = await runCli(['audit', '--config', cfPath], {env});
	assert.doesNotMatch(audit.stdout + audit.stderr, RAW);

	const json = await runCli(['audit', '--config', cfPath, '--json'], {env});
	assert.doesNotMatch(json.stdout + json.stderr, RAW);
	const parsed = JSON.parse(json.stdout) as {settings: Array<{setting: string; value: string}>};
	const greeting = parsed.settings.find(item => /greeting/i.test(item.setting));
	assert.ok(greeting?.value.includes(`${OSC}${C1}`), JSON.stringify(greeting));
});

test('the wizard\'s frames show the hostile greeting and help line with their control bytes made visible', async t => {
	const {cfPath} = hostileConfig(t);
	const app = await openWizard(t, cfPath, {answers});
	const frames: string[] = [await app.waitFor('Current settings')];
	await app.press(KEY.enter);
	frames.push(await app.waitFor(/Greeting/));
	await enterUntil(app, 'Review');
	frames.push(await app.waitFor('Write changes'));
	for (const frame of frames) {
		assert.ok(!frame.includes(OSC) && !frame.includes(CLEAR) && !frame.includes('\u009B') && !frame.includes('\u0007'), frame);
	}

	assert.ok(frames.some(frame => frame.includes(String.raw`\e]0;pwned`)), frames.join('\n----\n'));
	assert.ok(frames.at(-1)!.includes(String.raw`\e[2J`) || frames.at(-1)!.includes(String.raw`\e]0;pwned`), frames.at(-1));
});
