// A "one-line" error stays one line whatever value it quotes: a newline (or a carriage return, or
// any control byte) in a flag name, a path or a preset name is shown escaped, so it cannot forge a
// second line that a reader or a script would take for one of the tool's own.
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {runCli, type CliRun} from './helpers/cli.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'one-line-'));
const env = {SENDMAIL_HARDEN_STATE_DIR: path.join(folder, 'state'), XDG_CONFIG_HOME: path.join(folder, 'xdg')};
const FORGED = '\nsendmail-harden: done, nothing to fix\r\u001B[2K';

function assertOneLine(run: CliRun, shows: string): void {
	assert.equal(run.status, 2, run.stderr);
	assert.equal(run.stdout, '');
	assert.match(run.stderr, /^sendmail-harden: [^\n\r\u0000-\u001F\u007F]*\n$/, JSON.stringify(run.stderr));
	assert.ok(run.stderr.includes(shows), run.stderr);
}

test('an answers file with an unknown flag holding a newline: one line, exit 2', async () => {
	const answers = path.join(folder, 'answers.json');
	writeFileSync(answers, JSON.stringify({privacyOptions: ['goaway', `good${FORGED}`]}));
	for (const mode of ['--dry-run', '--yes']) {
		const run = await runCli(['--demo', mode, '--answers', answers], {env});
		assertOneLine(run, String.raw`unknown privacy flag "good\nsendmail-harden: done, nothing to fix\r\e[2K"`);
	}
});

test('an answers file with an unknown key holding a newline: one line, exit 2', async () => {
	const answers = path.join(folder, 'key.json');
	writeFileSync(answers, JSON.stringify({[`greeting${FORGED}`]: 'x'}));
	assertOneLine(await runCli(['--demo', '--dry-run', '--answers', answers], {env}), String.raw`unknown key "greeting\nsendmail-harden: done`);
});

test('a --config path holding a newline: one line, exit 2', async () => {
	const config = path.join(folder, `no such${FORGED}sendmail.cf`);
	for (const args of [['audit', '--config', config], ['--dry-run', '--config', config, '--answers', 'test/fixtures/article-answers.json']]) {
		assertOneLine(await runCli(args, {env}), String.raw`no such\nsendmail-harden: done, nothing to fix\r\e[2Ksendmail.cf`);
	}
});

test('a preset name holding a newline: one line, exit 2', async () => {
	assertOneLine(await runCli(['--demo', '--dry-run', '--preset', `web${FORGED}`], {env}), String.raw`web\nsendmail-harden: done`);
	assertOneLine(await runCli(['presets', 'delete', `web${FORGED}`], {env}), String.raw`web\nsendmail-harden: done`);
});
