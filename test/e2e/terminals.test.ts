// The wizard in the terminals admins meet over SSH, in tmux: short and narrow screens, earlier
// output above, TERM=dumb, LC_ALL=C, stdout sent to a file. The raw bytes the CLI writes are kept
// (tmux pipe-pane) to check what a screen capture cannot show: a clear of the scrollback, a raw tab,
// cursor movement on a terminal that has none.
import test, {before} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ensureBuilt} from '../helpers/cli.js';
import {sendmailWrapper} from '../helpers/sendmail.js';
import {copyDebianMcPair, haveDebianMc} from '../helpers/debian-mc.js';
import {enterUntil, stepOf, type Screen} from '../helpers/steps.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist', 'cli.js');
const tmuxInstalled = spawnSync('tmux', ['-V']).status === 0;
const skip = tmuxInstalled ? undefined : 'tmux is not installed';

// Test the code as it is now, not a stale bundle.
before(ensureBuilt);

const quote = (text: string) => `'${text.replaceAll("'", String.raw`'\''`)}'`;
const pause = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

type Session = {
	capture(): string;
	raw(): string;
	keys(...keys: string[]): void;
	waitFor(text: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
	exitCode(): Promise<number>;
};

/** The CLI in a tmux pane of this size, after `before` (earlier output), its raw output kept. */
/** A tmux session as the step helpers drive it: its screen, and keys in tmux's names. */
function tmuxScreen(tmux: Session): Screen {
	return {
		frame: () => tmux.capture(),
		async press(...keys) {
			tmux.keys(...keys.map(key => (key === '\r' ? 'Enter' : key === '\u001B' ? 'Escape' : key)));
		},
	};
}

function session(t: {after(fn: () => void): void}, size: [number, number], options: {env?: Record<string, string>; before?: string; args?: string[]; redirect?: string}): Session {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'terminals-e2e-'));
	const name = `terminals-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
	const rawFile = path.join(folder, 'raw');
	const exitFile = path.join(folder, 'exit-code');
	writeFileSync(rawFile, '');
	const env = {SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper, XDG_CONFIG_HOME: path.join(folder, 'xdg'), ...options.env};
	const command = [
		`cd ${quote(root)}`,
		options.before ?? 'true',
		`env ${Object.entries(env).map(([key, value]) => `${key}=${quote(value)}`).join(' ')} ${quote(process.execPath)} ${quote(cli)} ${(options.args ?? ['--demo']).map(quote).join(' ')}${options.redirect ? ` > ${quote(path.join(folder, options.redirect))}` : ''}`,
	].join('; ');
	assert.equal(spawnSync('tmux', ['new-session', '-d', '-s', name, '-x', String(size[0]), '-y', String(size[1]), 'sh']).status, 0);
	t.after(() => {
		spawnSync('tmux', ['kill-session', '-t', name]);
		rmSync(folder, {recursive: true, force: true});
	});
	spawnSync('tmux', ['pipe-pane', '-t', name, '-o', `cat >> ${quote(rawFile)}`]);
	spawnSync('tmux', ['send-keys', '-t', name, '-l', `clear; ${command}; echo $? > ${quote(exitFile)}`]);
	spawnSync('tmux', ['send-keys', '-t', name, 'Enter']);
	const capture = () => spawnSync('tmux', ['capture-pane', '-p', '-t', name], {encoding: 'utf8'}).stdout;
	return {
		capture,
		raw: () => readFileSync(rawFile, 'latin1'),
		keys(...keys) {
			spawnSync('tmux', ['send-keys', '-t', name, ...keys]);
		},
		async waitFor(text, timeoutMs = 30_000) {
			const start = Date.now();
			for (;;) {
				const screen = capture();
				if (typeof text === 'string' ? screen.includes(text) : typeof text === 'function' ? text(screen) : text.test(screen)) {
					await pause(150);
					return capture();
				}

				assert.ok(Date.now() - start < timeoutMs, `the screen never showed ${String(text)}; it shows:\n${screen}`);
				await pause(50);
			}
		},
		async exitCode() {
			const start = Date.now();
			for (;;) {
				try {
					return Number(readFileSync(exitFile, 'utf8').trim());
				} catch {}

				assert.ok(Date.now() - start < 30_000, `the CLI did not exit:\n${capture()}`);
				await pause(50);
			}
		},
	};
}

test('80x24 after earlier output: Welcome keeps its File line and has no stale "checking" line when the .mc and the version arrive late', {skip: skip ?? (haveDebianMc ? undefined : 'no Debian sendmail.mc')}, async t => {
	const parent = mkdtempSync(path.join(os.tmpdir(), 'terminals-mc-'));
	t.after(() => {
		rmSync(parent, {recursive: true, force: true});
	});
	const {cfPath} = copyDebianMcPair(parent);
	// The version answers after the .mc is found: the frame grows at the bottom of the screen first.
	const slow = path.join(parent, 'slow-sendmail');
	writeFileSync(slow, `#!/bin/sh\nsleep 2\nexec ${quote(sendmailWrapper)} "$@"\n`);
	chmodSync(slow, 0o755);
	const tmux = session(t, [80, 24], {before: 'seq 30', args: ['--config', cfPath], env: {SENDMAIL_HARDEN_SENDMAIL: slow}});
	const screen = await tmux.waitFor(/sendmail {2}8\.17/);
	assert.match(screen, /^File {6}.*sendmail\.cf$/m, screen);
	assert.doesNotMatch(screen, /checking the version/, screen);
	assert.equal(screen.match(new RegExp(stepOf('Welcome'), 'g'))?.length, 1, screen);
	tmux.keys('q');
	assert.equal(await tmux.exitCode(), 0);
});

test('80x15 and 60x20: the Privacy highlight stays on screen, no key clears the scrollback, a long greeting keeps the screen whole, tabs are expanded', {skip}, async t => {
	for (const size of [[80, 15], [60, 20]] as Array<[number, number]>) {
		const tmux = session(t, size, {before: 'seq 40'});
		await tmux.waitFor(stepOf('Welcome'));
		tmux.keys('Enter');
		await tmux.waitFor(stepOf('Greeting'));
		// A custom greeting far wider than the screen, typed into the field.
		tmux.keys('Down', 'Down', 'Down');
		await tmux.waitFor('ctrl+c quit');
		tmux.keys('C-u');
		await tmux.waitFor('type the greeting');
		tmux.keys('-l', '$j mail gateway of the example organisation, run by the postmaster team; $b');
		const greeting = await tmux.waitFor('postmaster team; $b');
		assert.equal(greeting.match(new RegExp(stepOf('Greeting'), 'g'))?.length, 1, greeting);
		assert.match(greeting, /Also hide the version from HELP/, greeting);
		assert.match(greeting, /type text \(q, space too\)/, greeting);
		assert.doesNotMatch(greeting, /space toggle/, greeting);
		tmux.keys('Enter');
		const size3 = await tmux.waitFor(stepOf('Size'));
		assert.doesNotMatch(size3, new RegExp(`${stepOf('Greeting')}|no preview`), size3);
		tmux.keys('Enter');
		await tmux.waitFor(stepOf('Recipients'));
		tmux.keys('Enter');
		await tmux.waitFor(stepOf('Privacy'));
		for (let row = 0; row < 16; row++) {
			tmux.keys('Down');
			await pause(120);
			const screen = tmux.capture();
			assert.match(screen, /› \[/, `${size.join('x')}: the highlighted row is off screen:\n${screen}`);
			assert.match(screen, new RegExp(stepOf('Privacy')), screen);
		}

		await pause(300);
		// On through the steps after Privacy (however many pages they have) to Review.
		await enterUntil(tmuxScreen(tmux), 'Review');
		const review = await tmux.waitFor('Write changes', 60_000);
		assert.match(review, new RegExp(stepOf('Review')));
		// What the CLI wrote: the shell's own `clear` before it does not count.
		const all = tmux.raw();
		const raw = all.slice(all.indexOf(stepOf('Welcome')));
		assert.doesNotMatch(raw, /\u001B\[3J|\u001B\[2J/, `${size.join('x')}: the screen and scrollback were cleared`);
		assert.doesNotMatch(raw, /\t/, `${size.join('x')}: a raw tab reached the terminal`);
		tmux.keys('q');
		assert.equal(await tmux.exitCode(), 0);
	}
});

test('TERM=dumb and LC_ALL=C: no cursor movement, ASCII only, keys still work', {skip}, async t => {
	const tmux = session(t, [80, 24], {env: {TERM: 'dumb', LC_ALL: 'C'}});
	await tmux.waitFor(stepOf('Welcome'));
	tmux.keys('Enter');
	await tmux.waitFor(stepOf('Greeting'));
	tmux.keys('Down');
	// Moving only moves: the choice stays on Keep until Space or Enter.
	await tmux.waitFor('> ( ) Hide the version');
	tmux.keys('Space');
	await tmux.waitFor('> (*) Hide the version');
	tmux.keys('q');
	assert.equal(await tmux.exitCode(), 0);
	const raw = tmux.raw();
	const output = raw.slice(raw.indexOf('sendmail-harden'));
	// No CSI sequence at all (cursor moves, erases, colours), and nothing outside ASCII.
	assert.doesNotMatch(output, /\u001B\[/, JSON.stringify(output.slice(0, 400)));
	assert.doesNotMatch(output, /[^\u0000-\u007F]/, 'a byte outside ASCII was written');
});

test('the shipped bundle, keys sent several to one write: a choice stays put while the highlight moves on, text with Enter or Backspaces acts key by key', {skip}, async t => {
	const tmux = session(t, [80, 24], {});
	await tmux.waitFor(stepOf('Welcome'));
	tmux.keys('Enter');
	await tmux.waitFor(stepOf('Greeting'));
	// Generic chosen, then on to the HELP box past "Custom text", all in one write.
	tmux.keys('Down', 'Down', 'Space', 'Down', 'Down');
	const greeting = await tmux.waitFor('› [ ] Also hide the version from HELP');
	assert.match(greeting, /\(•\) Generic/, greeting);
	assert.match(greeting, /\( \) Custom text/, greeting);
	tmux.keys('Space', 'Enter');
	await tmux.waitFor(stepOf('Size'));
	// To Custom (Keep is the last row, Down wraps), a value with a typo taken back, and Enter: one write.
	tmux.keys('Down', 'Down', 'Down', 'Down', '1', '2', 'M', 'B', 'x', 'y', 'z', 'BSpace', 'BSpace', 'BSpace', 'Enter');
	await tmux.waitFor(stepOf('Recipients'));
	tmux.keys('Escape');
	const size = await tmux.waitFor(stepOf('Size'));
	assert.match(size, /› \(•\) 12 ?MB/, size);
	tmux.keys('Enter');
	await tmux.waitFor(stepOf('Recipients'));
	tmux.keys('Enter');
	await tmux.waitFor(stepOf('Privacy'));
	await enterUntil(tmuxScreen(tmux), 'Review');
	await tmux.waitFor('Write changes', 60_000);
	tmux.keys('Enter');
	await tmux.waitFor('Continue', 60_000);
	tmux.keys('Enter');
	await tmux.waitFor('Save these answers as a preset');
	tmux.keys('Down', 'Enter');
	await tmux.waitFor('Name for the preset');
	// The name and its Enter in one write: the Enter saves, it is not part of the name.
	tmux.keys('m', 'x', '2', 'Enter');
	const saved = await tmux.waitFor('Saved as preset');
	assert.match(saved, /Saved as preset "mx2"/, saved);
	tmux.keys('Enter');
	assert.equal(await tmux.exitCode(), 0);
});

test('the shipped bundle at 80x15: three Enters in one write go three steps on; a flag\'s help scrolls to its last word with PgDn', {skip}, async t => {
	const tmux = session(t, [80, 15], {});
	await tmux.waitFor(stepOf('Welcome'));
	tmux.keys('Enter', 'Enter', 'Enter');
	const recipients = await tmux.waitFor(stepOf('Recipients'));
	assert.doesNotMatch(recipients, new RegExp(['Greeting', 'Size', 'Privacy'].map(stepOf).join('|')), recipients);
	tmux.keys('Enter');
	await tmux.waitFor(stepOf('Privacy'));
	// goaway's help is many times the panel: it scrolls, the footer says how, a marker says how much is left.
	tmux.keys(...Array.from({length: 10}, () => 'Down'));
	const top = await tmux.waitFor('› [ ] goaway');
	assert.match(top, /goaway: Shorthand/, top);
	assert.match(top, /more lines below \(pgdn or \]\)/, top);
	assert.match(top, /pgup\/pgdn \[ \] scroll/, top);
	let screen = top;
	for (let page = 0; page < 30 && /below \(pgdn/.test(screen); page++) {
		const before = screen;
		tmux.keys('PageDown');
		screen = await tmux.waitFor(shown => shown !== before);
		assert.match(screen, /more lines? above \(pgup or \[\)/, screen);
		assert.ok(screen.trimEnd().split('\n').length < 15, screen);
	}

	assert.match(screen, /waits a second\./, screen);
	tmux.keys('q');
	assert.equal(await tmux.exitCode(), 0);
});

test('stdout sent to a file: refused like a missing terminal, exit 2, one line naming --yes', {skip}, async t => {
	const tmux = session(t, [80, 24], {redirect: 'out.txt'});
	assert.equal(await tmux.exitCode(), 2);
	const screen = tmux.capture();
	assert.match(screen.replaceAll('\n', ''), /sendmail-harden: the wizard needs a terminal \(stdout is not one\).*--yes/, screen);
	assert.equal(screen.trim().split('\n').filter(line => line.startsWith('sendmail-harden')).length, 1, screen);
});
