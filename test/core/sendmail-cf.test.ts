import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import fc from 'fast-check';
import {findOption, lookalikeLines, optionValue, parseCf, privacyOptionsValue, serializeCf, setOption, setOptions, valueAsRead} from '../../source/core/sendmail-cf.js';

const debian = readFileSync('source/demo/sendmail.cf').toString('latin1');

// Lines that look like a sendmail.cf: options, commented options, continuations, CRLF, odd bytes.
const cfLine = fc.oneof(
	fc.constantFrom(
		'O MaxMessageSize=0',
		'#O MaxMessageSize=0',
		'O PrivacyOptions=authwarnings',
		'O SmtpGreetingMessage=$j Sendmail $v/$Z; $b',
		'#O MaxRecipientsPerMessage=0',
		'\tcontinued',
		' more',
		'# comment',
		'',
		'DZ8.17.1.9',
		'Cwlocalhost',
		'R$*\t$#local $: $1',
	),
	fc.string({unit: fc.constantFrom('O', ' ', '\t', '#', '=', 'a', 'M', '\r', '\u00e9', '\u00ff', '$')}),
);
const cfText = fc
	.tuple(fc.array(fc.tuple(cfLine, fc.constantFrom('\n', '\r\n')), {maxLength: 30}), fc.boolean())
	.map(([lines, finalNewline]) => {
		const text = lines.map(([line, eol]) => line + eol).join('');
		return finalNewline ? text : text.replace(/\r?\n$/, '');
	});
const optionName = fc.constantFrom('MaxMessageSize', 'MaxRecipientsPerMessage', 'PrivacyOptions', 'SmtpGreetingMessage');
const value = fc.string({unit: fc.constantFrom('a', '1', ' ', ',', '$', 'j', ';')}).map(text => text.trim() || '1');

test('parse then serialize gives back the same bytes, for any text', () => {
	fc.assert(
		fc.property(fc.oneof(cfText, fc.string(), fc.string({unit: 'binary'})), text => {
			assert.equal(serializeCf(parseCf(text)), text);
		}),
		{numRuns: 3000},
	);
});

test('lines end at LF only, with a CR just before it part of the ending', () => {
	// The reference: the regular expression the parser used before it split with indexOf.
	const reference = (text: string) => {
		const lines: Array<[start: number, end: number, eol: string]> = [];
		const physical = /([^\n]*?)(\r\n|\n|$)/gy;
		while (physical.lastIndex < text.length) {
			const start = physical.lastIndex;
			const match = physical.exec(text)!;
			lines.push([start, start + match[1]!.length, match[2]!]);
		}

		return lines;
	};

	// Lines that never fold (no leading space or tab), so each physical line is one parsed line.
	const unfolded = fc.string({unit: fc.constantFrom('a', 'O', '#', '\r', '\n', '\u00ff')}).filter(text => !/\n[ \t]/.test(text));
	fc.assert(
		fc.property(unfolded, text => {
			assert.deepEqual(parseCf(text).lines.map(line => [line.start, line.end, line.eol]), reference(text));
		}),
		{numRuns: 3000},
	);
	assert.deepEqual(parseCf('a\r\r\nb\r').lines.map(line => [line.text, line.eol]), [['a\r', '\r\n'], ['b\r', '']]);
});

test('an edit sets the option and changes nothing outside its own lines', () => {
	fc.assert(
		fc.property(cfText, optionName, value, (text, name, newValue) => {
			const edited = setOption(text, name, newValue).text;
			assert.equal(optionValue(parseCf(edited), name), newValue);

			const replaced = findOption(parseCf(text), name).active?.line;
			const added = findOption(parseCf(edited), name).active!.line;
			if (replaced) {
				// Exactly the replaced line's bytes differ; PrivacyOptions lines add up, so the earlier
				// ones get a "#" in front as well.
				let expected = text.slice(0, replaced.start) + `O ${name}=${newValue}` + text.slice(replaced.end);
				if (name === 'PrivacyOptions') {
					for (const earlier of findOption(parseCf(text), name).setters.slice(0, -1).toReversed()) {
						expected = expected.slice(0, earlier.line.start) + '#' + expected.slice(earlier.line.start);
					}
				}

				assert.equal(edited, expected);
			} else {
				// Exactly one line was inserted: taking it out, with the line ending it brought, gives the original.
				if (added.eol === '') {
					// Added as the last line of a file with no final newline: it brought the line ending before it.
					const before = edited.slice(0, added.start);
					assert.ok(['\n', '\r\n'].some(eol => before.endsWith(eol) && before.slice(0, -eol.length) === text));
				} else {
					assert.equal(edited.slice(0, added.start) + edited.slice(added.end + added.eol.length), text);
				}
			}
		}),
		{numRuns: 1000},
	);
});

test('finds the four options in Debian\'s sendmail.cf, active and commented', () => {
	const document = parseCf(debian);
	assert.equal(
		optionValue(document, 'SmtpGreetingMessage'),
		'$j Sendmail $v/$Z; $b; (No UCE/UBE) $?{client_addr}logging access from: ${client_name}(${client_resolve})-$_$.',
	);
	assert.equal(optionValue(document, 'PrivacyOptions'), 'needmailhelo,needexpnhelo,needvrfyhelo,restrictqrun,restrictexpand,nobodyreturn,authwarnings');
	assert.equal(optionValue(document, 'MaxMessageSize'), undefined);
	assert.equal(findOption(document, 'MaxMessageSize').commented?.value, '0');
	assert.equal(findOption(document, 'MaxRecipientsPerMessage').commented?.line.firstLine, 492);
	assert.equal(document.macros.get('Z'), '8.17.1.9/Debian-2+deb12u2');
});

test('a commented option gets the active line right after it', () => {
	const text = '# maximum message size\n#O MaxMessageSize=0\n\n# next\n';
	assert.equal(setOption(text, 'MaxMessageSize', '500000').text, '# maximum message size\n#O MaxMessageSize=0\nO MaxMessageSize=500000\n\n# next\n');
});

test('an active option is replaced in place, keeping CRLF', () => {
	const text = 'O A=1\r\nO PrivacyOptions=authwarnings\r\nO B=2\r\n';
	assert.equal(setOption(text, 'PrivacyOptions', 'goaway').text, 'O A=1\r\nO PrivacyOptions=goaway\r\nO B=2\r\n');
});

test('a missing option goes after the last option line', () => {
	const text = 'O A=1\nO B=2\nR$* $@ $1\n';
	assert.equal(setOption(text, 'MaxMessageSize', '10').text, 'O A=1\nO B=2\nO MaxMessageSize=10\nR$* $@ $1\n');
});

test('a file without a final newline keeps lacking it', () => {
	assert.equal(setOption('O A=1', 'MaxMessageSize', '10').text, 'O A=1\nO MaxMessageSize=10');
	assert.equal(setOption('O MaxMessageSize=5', 'MaxMessageSize', '10').text, 'O MaxMessageSize=10');
	assert.equal(setOption('V10\r\nO A=1', 'B', '2').text, 'V10\r\nO A=1\r\nO B=2');
});

test('continuation lines belong to the option and are replaced with it', () => {
	const text = 'O PrivacyOptions=authwarnings,\n\tnoexpn\n# after\n';
	const document = parseCf(text);
	assert.equal(optionValue(document, 'PrivacyOptions'), 'authwarnings, noexpn');
	assert.equal(setOption(text, 'PrivacyOptions', 'goaway').text, 'O PrivacyOptions=goaway\n# after\n');
});

test('an option set twice: the last one is edited, and the note says so', () => {
	const text = 'O MaxMessageSize=1\nO X=y\nO MaxMessageSize=2\n';
	const edit = setOption(text, 'MaxMessageSize', '3');
	assert.equal(edit.text, 'O MaxMessageSize=1\nO X=y\nO MaxMessageSize=3\n');
	assert.match(edit.note!, /set 2 times; sendmail uses the last one \(line 3\)/);
});

test('option names are matched without regard to case, as sendmail does', () => {
	assert.equal(optionValue(parseCf('O maxmessagesize=7\n'), 'MaxMessageSize'), '7');
});

test('latin1 bytes survive an edit', () => {
	const bytes = Buffer.from([0x23, 0x20, 0xe9, 0xff, 0x0a, 0x4f, 0x20, 0x41, 0x3d, 0x31, 0x0a]);
	const edited = setOption(bytes.toString('latin1'), 'A', '2').text;
	assert.deepEqual(Buffer.from(edited, 'latin1'), Buffer.from([0x23, 0x20, 0xe9, 0xff, 0x0a, 0x4f, 0x20, 0x41, 0x3d, 0x32, 0x0a]));
});

// Option lines in every form sendmail takes (readcf.c, setoption; docs/sendmail.md, "Option
// syntax": names are case-insensitive, a unique prefix is accepted, `OPrivacyOptions=` is `P`).
test('the old one-letter form, a unique prefix and any case all set the option', () => {
	const document = parseCf('Opnoetrn\nO Privacy=noexpn\nO privacyoptions=novrfy\nOH/etc/mail/helpfile\nO MaxMe=5\n');
	assert.deepEqual(findOption(document, 'PrivacyOptions').setters.map(setter => [setter.form, setter.value]), [
		['letter', 'noetrn'],
		['abbreviation', 'noexpn'],
		['name', 'novrfy'],
	]);
	assert.equal(optionValue(document, 'HelpFile'), '/etc/mail/helpfile');
	assert.equal(optionValue(document, 'MaxMessageSize'), '5');
});

test('O<TAB>Name=, two spaces, a tab before "=" and no space after O are not the option', () => {
	const document = parseCf('O\tPrivacyOptions=goaway\nO  PrivacyOptions=goaway\nO PrivacyOptions\t=goaway\nOPrivacyOptions=goaway\n');
	assert.equal(findOption(document, 'PrivacyOptions').activeCount, 0);
	assert.deepEqual(document.options.map(option => option.problem ?? option.option), [
		'unknown option name 0x9',
		'unknown option name  PrivacyOptions',
		'unknown option name PrivacyOptions\t',
		'PostmasterCopy',
	]);
	assert.deepEqual(lookalikeLines(document, ['PrivacyOptions']).map(found => found.reading), [
		'sendmail rejects it: unknown option name 0x9',
		'sendmail rejects it: unknown option name  PrivacyOptions',
		'sendmail rejects it: unknown option name PrivacyOptions\t',
		'sendmail reads it as the one-letter option P (PostmasterCopy), not PrivacyOptions',
	]);
});

test('an ambiguous prefix is rejected, as sendmail does', () => {
	const document = parseCf('O Pr=goaway\n');
	assert.equal(document.options[0]!.problem, 'ambiguous option name Pr (matches PrivacyOptions and ProcessTitlePrefix)');
	assert.equal(findOption(document, 'PrivacyOptions').activeCount, 0);
});

test('PrivacyOptions lines add up: the value in force joins them all', () => {
	const document = parseCf('O PrivacyOptions=goaway\nO PrivacyOptions=public # was noexpn\n');
	assert.equal(privacyOptionsValue(document), 'goaway,public');
});

test('setting PrivacyOptions keeps one line with the set and comments out the others', () => {
	const edit = setOption('Opgoaway\nO X=1\nO Privacy=public\n', 'PrivacyOptions', 'restrictqrun');
	assert.equal(edit.text, '#Opgoaway\nO X=1\nO Privacy=restrictqrun\n');
	assert.match(edit.note!, /set on 2 lines and sendmail adds them all up, so line 3 now holds the whole set and line 1 is commented out/);
});

test('a one-letter line is rewritten in its own form', () => {
	assert.equal(setOption('V10\nOpnoetrn\n', 'PrivacyOptions', 'goaway').text, 'V10\nOpgoaway\n');
	assert.equal(setOption('OH/etc/mail/helpfile\n', 'HelpFile', '/x').text, 'OH/x\n');
});

test('MinFreeBlocks=N/SIZE sets MaxMessageSize too, and its size part is what changes', () => {
	const text = 'O MaxMessageSize=1000\nO MinFreeBlocks=100/2000\n';
	assert.equal(optionValue(parseCf(text), 'MaxMessageSize'), '2000');
	assert.equal(setOption(text, 'MaxMessageSize', '500000').text, 'O MaxMessageSize=1000\nO MinFreeBlocks=100/500000\n');
});

test('a value is read without its comment, as sendmail reads it', () => {
	assert.equal(valueAsRead('noexpn # ,novrfy'), 'noexpn');
	assert.equal(valueAsRead(String.raw`a\#b  `), 'a#b');
	assert.equal(valueAsRead('$#x'), '$#x');
});

test('setting several options from one parse gives the text of setting them one after another', () => {
	// planHardening makes its edits this way; PrivacyOptions, whose old lines get a "#", comes last.
	const order = ['SmtpGreetingMessage', 'MaxMessageSize', 'MaxRecipientsPerMessage', 'PrivacyOptions'];
	fc.assert(
		// Left out: a file ending in a CR with no line ending, where one at a time the first added
		// line's LF turns that CR into a CRLF, and the next added line copies it.
		fc.property(cfText.filter(text => !text.endsWith('\r')), fc.uniqueArray(optionName, {minLength: 1, maxLength: 4}), value, (text, names, newValue) => {
			const edits = names.sort((a, b) => order.indexOf(a) - order.indexOf(b)).map(name => ({name, value: newValue}));
			let oneByOne = text;
			for (const edit of edits) {
				oneByOne = setOption(oneByOne, edit.name, edit.value).text;
			}

			assert.equal(setOptions(text, edits).text, oneByOne);
		}),
		{numRuns: 3000},
	);
});
