import test from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {readFileSync, readdirSync} from 'node:fs';
import fc from 'fast-check';
import {findMcDefines, editMcDefines, quoteMcValue, MC_SETTINGS} from '../../source/core/sendmail-mc.js';

const debianMc = '/etc/mail/sendmail.mc';
const examplesFolder = '/usr/share/sendmail/cf/cf';
const haveDebian = (() => {
	try {
		readFileSync(debianMc);
		return true;
	} catch {
		return false;
	}
})();

test('Debian sendmail.mc: the two-line confPRIVACY_FLAGS define is found, the other three are unset', {skip: !haveDebian && 'no /etc/mail/sendmail.mc'}, () => {
	const text = readFileSync(debianMc, 'latin1');
	const sites = findMcDefines(text);
	const privacy = sites.confPRIVACY_FLAGS;
	assert.ok(privacy);
	assert.equal(privacy.kind, 'define');
	assert.equal(privacy.active, true);
	// docs/sendmail.md, "The stock options": Debian's cf says PrivacyOptions=needmailhelo,...,authwarnings
	assert.equal(privacy.value, 'needmailhelo,needexpnhelo,needvrfyhelo,restrictqrun,restrictexpand,nobodyreturn,authwarnings');
	assert.equal(privacy.cfValue, privacy.value);
	const statement = text.slice(privacy.start, privacy.end);
	assert.match(statement, /^define\(`confPRIVACY_FLAGS',dnl\n`needmailhelo,.*authwarnings'\)dnl\n$/);
	assert.equal(sites.confSMTP_LOGIN_MSG, undefined);
	assert.equal(sites.confMAX_MESSAGE_SIZE, undefined);
	assert.equal(sites.confMAX_RCPTS_PER_MESSAGE, undefined);
});

test('knecht.mc: a doubly quoted value', () => {
	const text = readFileSync(`${examplesFolder}/knecht.mc`, 'latin1');
	const privacy = findMcDefines(text).confPRIVACY_FLAGS;
	assert.equal(privacy?.value, '`authwarnings,noexpn,novrfy\'');
	// docs/sendmail.md, "The stock options": one example builds to PrivacyOptions=authwarnings,noexpn,novrfy
	assert.equal(privacy?.cfValue, 'authwarnings,noexpn,novrfy');
});

test('commented-out defines: dnl, dnl #, and # lines', () => {
	const text = [
		'divert(0)dnl',
		"dnl define(`confMAX_MESSAGE_SIZE', `1000')dnl",
		"dnl # define(`confMAX_RCPTS_PER_MESSAGE', `5')dnl",
		"# define(`confSMTP_LOGIN_MSG', `$j hi')",
		"MAILER(`local')dnl",
		'',
	].join('\n');
	const sites = findMcDefines(text);
	assert.equal(sites.confMAX_MESSAGE_SIZE?.kind, 'commented');
	assert.equal(sites.confMAX_MESSAGE_SIZE?.active, false);
	assert.equal(sites.confMAX_MESSAGE_SIZE?.value, '1000');
	assert.equal(sites.confMAX_MESSAGE_SIZE?.line, 2);
	assert.equal(text.slice(sites.confMAX_MESSAGE_SIZE!.start, sites.confMAX_MESSAGE_SIZE!.end), "dnl define(`confMAX_MESSAGE_SIZE', `1000')dnl\n");
	assert.equal(sites.confMAX_RCPTS_PER_MESSAGE?.kind, 'commented');
	assert.equal(sites.confMAX_RCPTS_PER_MESSAGE?.value, '5');
	assert.equal(sites.confSMTP_LOGIN_MSG?.kind, 'commented');
	assert.equal(sites.confSMTP_LOGIN_MSG?.value, '$j hi');
	assert.equal(sites.confPRIVACY_FLAGS, undefined);
});

test('a define inside quotes or another macro is not a top-level define', () => {
	const text = "ifdef(`X', `define(`confMAX_MESSAGE_SIZE', `1')')dnl\n`define(`confPRIVACY_FLAGS', `goaway')'\n";
	const sites = findMcDefines(text);
	assert.equal(sites.confMAX_MESSAGE_SIZE, undefined);
	assert.equal(sites.confPRIVACY_FLAGS, undefined);
});

test('the last of several defines counts and is the one edited', () => {
	const text = "define(`confMAX_MESSAGE_SIZE', `1')dnl\ndefine(`confMAX_MESSAGE_SIZE', `2')dnl\nMAILER(`local')dnl\n";
	const site = findMcDefines(text).confMAX_MESSAGE_SIZE;
	assert.equal(site?.occurrences, 2);
	assert.equal(site?.value, '2');
	assert.equal(site?.line, 2);
	const result = editMcDefines(text, {confMAX_MESSAGE_SIZE: '500000'});
	assert.equal(result.text, "define(`confMAX_MESSAGE_SIZE', `1')dnl\ndefine(`confMAX_MESSAGE_SIZE', `500000')dnl\nMAILER(`local')dnl\n");
	assert.match(result.notes.join('\n'), /defined 2 times.*line 2/);
});

test('an active define keeps the rest of its line byte for byte, CRLF included', () => {
	const text = "OSTYPE(`linux')dnl\r\ndefine(`confMAX_RCPTS_PER_MESSAGE',  `50')dnl # was 50\r\nMAILER(`local')dnl";
	const result = editMcDefines(text, {confMAX_RCPTS_PER_MESSAGE: '10'});
	assert.equal(result.text, "OSTYPE(`linux')dnl\r\ndefine(`confMAX_RCPTS_PER_MESSAGE',  `10')dnl # was 50\r\nMAILER(`local')dnl");
	assert.deepEqual(result.notes, []);
});

test('a one-argument define gets its value', () => {
	const text = "define(`confMAX_MESSAGE_SIZE')dnl\n";
	assert.equal(editMcDefines(text, {confMAX_MESSAGE_SIZE: '7'}).text, "define(`confMAX_MESSAGE_SIZE', `7')dnl\n");
});

test('new defines go after a commented one that follows OSTYPE, else before MAILER, else at the end', () => {
	const text = "OSTYPE(`linux')dnl\r\ndnl define(`confMAX_MESSAGE_SIZE', `0')dnl\r\nFEATURE(`x')dnl\r\nMAILER(`local')dnl\r\n";
	const result = editMcDefines(text, {confMAX_MESSAGE_SIZE: '500000', confPRIVACY_FLAGS: 'goaway'});
	// The commented line precedes FEATURE, which might set the option again, so both go before MAILER.
	assert.equal(
		result.text,
		"OSTYPE(`linux')dnl\r\ndnl define(`confMAX_MESSAGE_SIZE', `0')dnl\r\nFEATURE(`x')dnl\r\ndefine(`confMAX_MESSAGE_SIZE', `500000')dnl\r\ndefine(`confPRIVACY_FLAGS', `goaway')dnl\r\nMAILER(`local')dnl\r\n",
	);

	const after = "OSTYPE(`linux')dnl\ndnl define(`confMAX_MESSAGE_SIZE', `0')dnl\nMAILER(`local')dnl\n";
	const edited = editMcDefines(after, {confMAX_MESSAGE_SIZE: '1'});
	assert.equal(edited.text, "OSTYPE(`linux')dnl\ndnl define(`confMAX_MESSAGE_SIZE', `0')dnl\ndefine(`confMAX_MESSAGE_SIZE', `1')dnl\nMAILER(`local')dnl\n");
	assert.match(edited.notes[0] ?? '', /commented out at line 2/);

	const noMailer = "FEATURE(`msp')dnl";
	assert.equal(
		editMcDefines(noMailer, {confMAX_MESSAGE_SIZE: '1', confMAX_RCPTS_PER_MESSAGE: '2'}).text,
		"FEATURE(`msp')dnl\ndefine(`confMAX_MESSAGE_SIZE', `1')dnl\ndefine(`confMAX_RCPTS_PER_MESSAGE', `2')dnl\n",
	);
});

test('quoteMcValue: the greeting is quoted twice and $digit is split; quotes and control characters are refused', () => {
	assert.deepEqual(quoteMcValue('confSMTP_LOGIN_MSG', '$j mailserver; $b'), {ok: true, value: "``$j mailserver; $b''"});
	assert.deepEqual(quoteMcValue('confSMTP_LOGIN_MSG', 'a $1 $# b'), {ok: true, value: "``a $'`1 $'`# b''"});
	assert.equal(quoteMcValue('confSMTP_LOGIN_MSG', "Bob's").ok, false);
	assert.equal(quoteMcValue('confSMTP_LOGIN_MSG', 'a`b').ok, false);
	assert.equal(quoteMcValue('confSMTP_LOGIN_MSG', 'a\nO x=y').ok, false);
	assert.equal(quoteMcValue('confMAX_MESSAGE_SIZE', '1.5').ok, false);
	assert.equal(quoteMcValue('confPRIVACY_FLAGS', 'goaway,restrictqrun').ok, true);
	assert.equal(quoteMcValue('confPRIVACY_FLAGS', "goaway')dnl").ok, false);
	assert.throws(() => editMcDefines('', {confSMTP_LOGIN_MSG: "it's"}));
});

const mcChars = fc.constantFrom(...'abcdefnl_ ()`\',#$\r\n\tconfdefinednl'.split(''));

test('property: editMcDefines with no changes is the identity', () => {
	fc.assert(
		fc.property(fc.array(fc.oneof(mcChars, fc.constantFrom("define(`confMAX_MESSAGE_SIZE', `1')dnl\n", 'dnl ', "MAILER(`local')\n")), {maxLength: 60}), parts => {
			const text = parts.join('');
			const result = editMcDefines(text, {});
			assert.equal(result.text, text);
			assert.deepEqual(result.notes, []);
		}),
	);
});

test('property: a change touches only that define\'s value bytes', () => {
	// Surrounding lines without quotes or parentheses stay top-level text, so the define stays active.
	const line = fc.array(fc.constantFrom(...'abc xyz,#$\t\r'.split('')), {maxLength: 20}).map(chars => `${chars.join('')}\n`);
	const lines = fc.array(line, {maxLength: 5}).map(parts => parts.join(''));
	const defineLine = (value: string) => `define(\`confMAX_RCPTS_PER_MESSAGE', \`${value}')dnl # keep\n`;
	fc.assert(
		fc.property(lines, lines, fc.nat(), fc.nat(), (before, after, oldValue, newValue) => {
			const text = before + defineLine(String(oldValue)) + after;
			const result = editMcDefines(text, {confMAX_RCPTS_PER_MESSAGE: String(newValue)});
			assert.equal(result.text, before + defineLine(String(newValue)) + after);
		}),
	);
});

test('every shipped example .mc: no changes is the identity, and all four settings are found or absent', () => {
	const files = readdirSync(examplesFolder).filter(name => name.endsWith('.mc'));
	assert.ok(files.length >= 30);
	for (const file of files) {
		const text = readFileSync(`${examplesFolder}/${file}`, 'latin1');
		assert.equal(editMcDefines(text, {}).text, text, file);
		const sites = findMcDefines(text);
		assert.deepEqual(Object.keys(sites).sort(), [...MC_SETTINGS].sort(), file);
	}
});

// Issue 22: the statement scanner and the argument reader share one m4 tokenizer. The argument
// reader used to skip a `dnl` right after a digit, which m4 does not: `10dnl` is 10, then dnl.
test('a dnl right after a digit in a value removes itself through the line end, as m4 does', {skip: !haveM4() && 'no m4'}, () => {
	const text = "define(`confMAX_MESSAGE_SIZE', 10dnl junk\n5)dnl\n";
	assert.equal(findMcDefines(text).confMAX_MESSAGE_SIZE?.cfValue, '105');
	// m4 itself says the same.
	assert.equal(execFileSync('m4', {input: `${text}confMAX_MESSAGE_SIZE\n`, encoding: 'utf8'}), '105\n');
});

function haveM4(): boolean {
	try {
		execFileSync('m4', ['--version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}
