// The pieces the screens are made of: diff rows, one-row text fields, option windows, clipped
// prose, ASCII fallbacks; and the commands' terminal edges (audit's width, the wizard's stdout).
import test from 'node:test';
import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import {runAudit} from '../../source/commands/audit.js';
import {runWizard} from '../../source/commands/wizard.js';
import {diffRows, expandTabs} from '../../source/components/DiffView.js';
import {optionWindow} from '../../source/components/OptionList.js';
import {clipRows, textRows} from '../../source/components/Rows.js';
import {asciiFallback, localeIsUtf8, withoutEscapes} from '../../source/components/terminal-output.js';
import {fieldText} from '../../source/components/TextField.js';
import {captureIo} from '../helpers/capture-io.js';
import {copyDemoConfig} from '../helpers/cli.js';

test('diff rows: one numbering, diff -u\'s: each hunk says where it starts in the current file (-) and the new one (+); lines carry their sign only', () => {
	const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n') + '\n';
	const after = ['a', 'B1', 'B2', 'c', 'd', 'e', 'f', 'g'].join('\n') + '\n';
	const rows = diffRows([{role: 'cf', path: '/etc/mail/sendmail.cf', before, after}], 80).map(row => row.text);
	// The second hunk starts at line 7 of the current file and line 8 of the new one: "g" is line 7
	// now, and comes after two added lines and one removed.
	assert.deepEqual(rows.slice(1), ['@@ -1,3 +1,4 @@', '  a', '- b', '+ B1', '+ B2', '  c', '@@ -7,2 +8 @@', '  g', '- h']);
	assert.deepEqual(rows.filter(row => /^[-+ ] \d/.test(row)), []);
});

test('diff rows: a tab is expanded to the next multiple of 8, never sent raw', () => {
	assert.equal(expandTabs('smtp\tThis is'), 'smtp    This is');
	assert.equal(expandTabs('\tx'), '        x');
	const rows = diffRows([{role: 'helpfile', path: '/etc/mail/helpfile', before: 'smtp\tThis is sendmail version $v\n', after: ''}], 80);
	assert.equal(rows.some(row => row.text.includes('\t')), false);
	assert.ok(rows.some(row => row.text.endsWith('smtp    This is sendmail version $v')), JSON.stringify(rows));
});

test('a text field longer than its row shows its end after "…", and no control character', () => {
	assert.equal(fieldText('short', 20), 'short');
	assert.equal(fieldText('x'.repeat(30) + 'END', 10), `…${'x'.repeat(5)}END`);
	assert.equal(fieldText('a\u001B[2Jb', undefined), String.raw`a\e[2Jb`);
});

test('an option window keeps the highlight in view and leaves a row to say where it is', () => {
	assert.deepEqual(optionWindow(5, 4, 10), {first: 0, visible: 5, windowed: false});
	for (let highlight = 0; highlight < 16; highlight++) {
		const view = optionWindow(16, highlight, 6);
		assert.equal(view.visible, 5);
		assert.ok(highlight >= view.first && highlight < view.first + view.visible, `${highlight}: ${JSON.stringify(view)}`);
	}
});

test('prose is clipped to the rows given, the last one ending in "…"', () => {
	const rows = textRows('one two three four five six seven eight nine ten', 10);
	assert.ok(rows.length > 2 && rows.every(row => row.text.length <= 10), JSON.stringify(rows));
	const clipped = clipRows(rows, 2);
	assert.equal(clipped.length, 2);
	assert.match(clipped[1]!.text, /…$/);
	assert.deepEqual(clipRows(rows, 9), rows);
});

test('ASCII fallbacks keep every symbol one column wide; only a UTF-8 locale gets the symbols', () => {
	assert.equal(asciiFallback('› (•) ✓ ✗ ✔ ✘ … ↑↓ ·'), '> (*) + x + x ~ ^v |');
	assert.equal(asciiFallback('é'), '?');
	assert.equal(localeIsUtf8({LANG: 'C'}), false);
	assert.equal(localeIsUtf8({LC_ALL: 'C', LANG: 'en_US.UTF-8'}), false);
	assert.equal(localeIsUtf8({LANG: 'en_US.UTF-8'}), true);
	assert.equal(localeIsUtf8({LC_CTYPE: 'C.utf8'}), true);
	assert.equal(localeIsUtf8({}), true);
	assert.equal(withoutEscapes('\u001B[1mbold\u001B[22m\u001B[2K\u001B]0;title\u0007!'), 'bold!');
});

test('audit: values whole when piped, cut to the terminal width at a terminal', async () => {
	const config = copyDemoConfig().cfPath;
	const piped = captureIo();
	await runAudit({config}, piped);
	assert.doesNotMatch(piped.stdout, /…/);
	assert.match(piped.stdout, /\$\{client_resolve\}\)-\$_\$\.\n/);
	const terminal = Object.assign(captureIo(), {columns: 60});
	await runAudit({config}, terminal);
	const wide = terminal.stdout.split('\n').filter(line => /^[✔✘]/.test(line));
	assert.ok(wide.every(line => line.length <= 60), wide.join('\n'));
	assert.ok(wide.some(line => line.endsWith('…')));
});

test('the wizard with stdout sent to a file: exit 2, one line naming --yes, nothing drawn', async () => {
	const stdin = Object.assign(new PassThrough(), {isTTY: true}) as unknown as NodeJS.ReadStream;
	const stdout = Object.assign(new PassThrough(), {isTTY: false}) as unknown as NodeJS.WriteStream;
	const io = captureIo();
	const code = await runWizard({config: copyDemoConfig().cfPath}, io, {stdin, stdout, stderr: stdout});
	assert.equal(code, 2);
	assert.match(io.stderr, /^sendmail-harden: the wizard needs a terminal \(stdout is not one\); .*--yes.*\n$/);
	assert.equal(io.stderr.split('\n').length, 2);
});
