// The real CLI (dist/cli.js, built by `node scripts/build.js`) in tmux at 80x24: keys in with
// send-keys, the screen out with capture-pane.
import test, {before} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {runHarden} from '../../source/commands/harden.js';
import {ensureBuilt} from '../helpers/cli.js';
import {sendmailWrapper} from '../helpers/sendmail.js';
import {enterUntil, stepOf} from '../helpers/steps.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist', 'cli.js');
const tmuxInstalled = spawnSync('tmux', ['-V']).status === 0;

// Test the code as it is now, not a stale bundle.
before(ensureBuilt);

function tempConfig(t: {after(fn: () => void): void}) {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'wizard-e2e-'));
	t.after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	const cfPath = path.join(folder, 'sendmail.cf');
	const helpPath = path.join(folder, 'helpfile');
	copyFileSync(path.join(root, 'source/demo/helpfile'), helpPath);
	const sample = readFileSync(path.join(root, 'source/demo/sendmail.cf'), 'latin1');
	writeFileSync(cfPath, sample.replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`), 'latin1');
	return {folder, cfPath, helpPath};
}

const snapshot = (folder: string) => Object.fromEntries(readdirSync(folder, {withFileTypes: true}).filter(entry => entry.isFile()).map(entry => entry.name).sort().map(name => [name, readFileSync(path.join(folder, name), 'latin1')]));

const quote = (text: string) => `'${text.replaceAll("'", String.raw`'\''`)}'`;

/** A tmux session at 80x24 running the CLI; the exit code lands in a file. */
function startTmux(t: {after(fn: () => void): void}, folder: string, args: string[]) {
	const session = `wizard-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
	const exitFile = path.join(folder, 'exit-code');
	const command = `cd ${quote(root)} && SENDMAIL_HARDEN_SENDMAIL=${quote(sendmailWrapper)} XDG_CONFIG_HOME=${quote(path.join(folder, 'xdg'))} ${quote(process.execPath)} ${quote(cli)} ${args.map(quote).join(' ')}; echo $? > ${quote(exitFile)}; sleep 600`;
	const started = spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '80', '-y', '24', command]);
	assert.equal(started.status, 0, String(started.stderr));
	t.after(() => {
		spawnSync('tmux', ['kill-session', '-t', session]);
	});
	const capture = () => spawnSync('tmux', ['capture-pane', '-p', '-t', session], {encoding: 'utf8'}).stdout;
	return {
		capture,
		keys(...keys: string[]) {
			spawnSync('tmux', ['send-keys', '-t', session, ...keys]);
		},
		async waitFor(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
			const start = Date.now();
			for (;;) {
				const screen = capture();
				if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) {
					await new Promise(resolve => setTimeout(resolve, 50));
					return screen;
				}

				if (Date.now() - start > timeoutMs) {
					throw new Error(`the screen never showed ${String(text)}; it shows:\n${screen}`);
				}

				await new Promise(resolve => setTimeout(resolve, 50));
			}
		},
		async exitCode(timeoutMs = 30_000): Promise<number> {
			const start = Date.now();
			for (;;) {
				try {
					return Number(readFileSync(exitFile, 'utf8').trim());
				} catch {}

				if (Date.now() - start > timeoutMs) {
					throw new Error(`the CLI did not exit; the screen shows:\n${capture()}`);
				}

				await new Promise(resolve => setTimeout(resolve, 50));
			}
		},
	};
}

const answers = {
	greeting: '$j mailserver; $b',
	maxMessageSize: 500_000,
	maxRecipientsPerMessage: 10,
	privacyOptions: ['goaway', 'restrictmailq', 'restrictqrun'],
	hideHelpVersion: true,
};

/** A temp config with the answers above in answers.json beside it. */
function tempConfigWithAnswers(t: {after(fn: () => void): void}) {
	const config = tempConfig(t);
	const answersFile = path.join(config.folder, 'answers.json');
	writeFileSync(answersFile, JSON.stringify(answers));
	return {...config, answersFile};
}

test('tmux 80x24: an --answers file replays by pressing Enter, and the file is what --yes writes', {skip: tmuxInstalled ? undefined : 'tmux is not installed'}, async t => {
	const {folder, cfPath, helpPath, answersFile} = tempConfigWithAnswers(t);
	const originalCf = readFileSync(cfPath);
	const originalHelp = readFileSync(helpPath);
	const tmux = startTmux(t, folder, ['--config', cfPath, '--answers', answersFile]);

	const welcome = await tmux.waitFor(stepOf('Welcome'));
	assert.match(welcome, /pre-filled from/);
	// Enter on every screen up to Review, each screen checked for lines wider than the terminal.
	await enterUntil({
		frame() {
			const screen = tmux.capture();
			for (const line of screen.split('\n')) {
				assert.ok(line.length <= 80, `a line overflows 80 columns: ${line}`);
			}

			return screen;
		},
		async press(...keys) {
			tmux.keys(...keys.map(key => (key === '\r' ? 'Enter' : key === '\u001B' ? 'Escape' : key)));
		},
	}, 'Review');

	await tmux.waitFor('Write changes');
	tmux.keys('Enter');
	await tmux.waitFor('Continue');
	tmux.keys('Enter');
	await tmux.waitFor(stepOf('Done'));
	tmux.keys('Enter');
	assert.equal(await tmux.exitCode(), 0);
	const wizardCf = readFileSync(cfPath);
	const wizardHelp = readFileSync(helpPath);
	// the article's answers (docs/design.md, "Answers") as the option lines a hardened config holds.
	assert.match(wizardCf.toString('latin1'), /^O SmtpGreetingMessage=\$j mailserver; \$b$/m);
	assert.match(wizardCf.toString('latin1'), /^O PrivacyOptions=goaway,restrictmailq,restrictqrun$/m);
	assert.doesNotMatch(wizardHelp.toString('latin1'), /\$v/);

	writeFileSync(cfPath, originalCf);
	writeFileSync(helpPath, originalHelp);
	const code = await runHarden({config: cfPath, answers: answersFile, yes: true}, {out() {}, err() {}, env: {SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper}});
	assert.equal(code, 0);
	assert.deepEqual(readFileSync(cfPath), wizardCf);
	assert.deepEqual(readFileSync(helpPath), wizardHelp);
});

test('tmux 80x24: quitting midway changes nothing', {skip: tmuxInstalled ? undefined : 'tmux is not installed'}, async t => {
	const {folder, cfPath, answersFile} = tempConfigWithAnswers(t);
	const before = snapshot(folder);
	const tmux = startTmux(t, folder, ['--config', cfPath, '--answers', answersFile]);
	await tmux.waitFor(stepOf('Welcome'));
	tmux.keys('Enter');
	await tmux.waitFor(stepOf('Greeting'));
	tmux.keys('Down');
	await tmux.waitFor('ctrl+c quit');
	tmux.keys('Up');
	await tmux.waitFor('› (•) Generic');
	tmux.keys('q');
	assert.equal(await tmux.exitCode(), 0);
	assert.match(tmux.capture(), /Quit: nothing was written\./);
	const after = snapshot(folder);
	delete after['exit-code'];
	assert.deepEqual(after, before);
});

test('without a terminal on stdin and without --yes: exit 2 and one line naming --yes', t => {
	const {cfPath} = tempConfig(t);
	const result = spawnSync(process.execPath, [cli, '--config', cfPath], {input: '', encoding: 'utf8'});
	assert.equal(result.status, 2);
	assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
	assert.match(result.stderr, /--yes/);
	assert.doesNotMatch(result.stderr, /Raw mode|at /);
});
