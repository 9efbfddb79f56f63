import assert from 'node:assert/strict';
import {test} from 'node:test';
import {quoted, safeJson, safeLine, safeMessageLine, safeTerminalText, safeText} from '../../source/core/sanitize.js';

const hostile = 'a\u001B]0;owned\u0007b\u009B2Jc\u007Fd\re\u202Ef';

test('safeLine makes ESC, OSC, BEL, C1, DEL, CR and bidi overrides visible', () => {
	assert.equal(safeLine(hostile), String.raw`a\e]0;owned\x07b\x9b2Jc\x7fd\re\u{202e}f`);
	assert.equal(safeLine('two\nlines\ttab'), String.raw`two\nlines\ttab`);
	assert.doesNotMatch(safeLine(hostile), /[\u0000-\u001F\u007F-\u009F]/);
});

test('safeLine leaves printable text, latin1 and UTF-8 letters alone', () => {
	for (const text of ['220 mail.example ESMTP mailserver; Tue, 1 Dec 2026', 'Grüße ✔ ½', '$j Sendmail $v/$Z; $b']) {
		assert.equal(safeLine(text), text);
	}
});

test('safeText keeps newlines and nothing else', () => {
	assert.equal(safeText('one\n\u001B[2Jtwo\n'), String.raw`one` + '\n' + String.raw`\e[2Jtwo` + '\n');
});

test('safeJson round-trips and holds no raw control character', () => {
	const value = {reply: hostile, list: ['\u0085', '\u2028']};
	const text = safeJson(value, 2);
	assert.doesNotMatch(text, /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E]/);
	assert.deepEqual(JSON.parse(text), value);
});

test('safeTerminalText keeps newlines and tabs, so a patch stays a patch', () => {
	assert.equal(safeTerminalText('+smtp\tThis is\n\u001B[2J\r'), '+smtp\tThis is\n' + String.raw`\e[2J\r`);
});

test('safeMessageLine keeps only the newline that ends the message; quoted escapes the value it quotes', () => {
	assert.equal(safeMessageLine('sendmail-harden: no such file /tmp/a\nsendmail-harden: done\r\n'), String.raw`sendmail-harden: no such file /tmp/a\nsendmail-harden: done\r` + '\n');
	assert.equal(safeMessageLine('no newline\tat all'), String.raw`no newline\tat all`);
	assert.equal(quoted('good\nfake: line\u001B[2K'), String.raw`"good\nfake: line\e[2K"`);
});
