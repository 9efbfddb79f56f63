import assert from 'node:assert/strict';
import test from 'node:test';
import {planHardening, removeVersionFromHelp} from '../../source/core/plan.js';

const cf = [
	'# maximum message size',
	'#O MaxMessageSize=0',
	'O PrivacyOptions=authwarnings,noexpn',
	'O SmtpGreetingMessage=$j Sendmail $v/$Z; $b',
	'O HelpFile=/etc/mail/helpfile',
	'',
].join('\n');
// A version 2 help file, as Debian ships it: "#vers<TAB>2" first (docs/sendmail.md, "The helpfile").
const help = '#vers\t2\ncpyr\tCopyright\nsmtp\tThis is sendmail version $v\nsmtp\tTopics:\n';
const plan = (answers: Parameters<typeof planHardening>[0]['answers'], helpFile: Parameters<typeof planHardening>[0]['helpFile'] = {path: '/etc/mail/helpfile', text: help}) =>
	planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: cf, helpFile, answers});

test('answers that match the file change nothing', () => {
	const result = plan({
		greeting: '$j Sendmail $v/$Z; $b',
		// Unset means no limit to sendmail, so 0 is what is there already.
		maxMessageSize: 0,
		// The same flags in another order are the same setting.
		privacyOptions: ['noexpn', 'authwarnings'],
		hideHelpVersion: false,
	});
	assert.ok(result.ok);
	assert.deepEqual(result.value, {files: [], settings: [], notes: [], warnings: []});
});

test('flags are compared as sendmail reads them: any punctuation or space separates them', () => {
	const text = cf.replace('O PrivacyOptions=authwarnings,noexpn', 'O PrivacyOptions=AuthWarnings; noexpn');
	const same = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: text, answers: {privacyOptions: ['noexpn', 'authwarnings']}});
	assert.ok(same.ok);
	assert.deepEqual(same.value.files, []);
});

test('each changed setting is listed with its old and new value', () => {
	const result = plan({maxMessageSize: 500_000, privacyOptions: ['goaway']});
	assert.ok(result.ok);
	assert.deepEqual(result.value.settings, [
		{setting: 'MaxMessageSize', from: undefined, to: '500000'},
		{setting: 'PrivacyOptions', from: 'authwarnings,noexpn', to: 'goaway'},
	]);
	assert.equal(result.value.files.length, 1);
	assert.match(result.value.files[0]!.after, /^#O MaxMessageSize=0\nO MaxMessageSize=500000\nO PrivacyOptions=goaway\n/m);
});

test('no flags at all is written as public, the flag that means none', () => {
	const result = plan({privacyOptions: []});
	assert.ok(result.ok);
	assert.match(result.value.files[0]!.after, /^O PrivacyOptions=public$/m);
});

test('a greeting that is not hardened comes with warnings (docs/sendmail.md, "The greeting": RFC 5321 wants $j first)', () => {
	const result = plan({greeting: 'mailserver ready'});
	assert.ok(result.ok);
	assert.match(result.value.warnings.join('\n'), /does not start with \$j/);
});

test('hideHelpVersion removes the $v line from the help file, and only that line', () => {
	const result = plan({hideHelpVersion: true});
	assert.ok(result.ok);
	assert.deepEqual(result.value.files, [{role: 'helpfile', path: '/etc/mail/helpfile', before: help, after: '#vers\t2\ncpyr\tCopyright\nsmtp\tTopics:\n'}]);
	assert.equal(removeVersionFromHelp('a $v\r\nb\r\n'), 'b\r\n');
});

test('hideHelpVersion without a HelpFile warns that HELP still leaks the version', () => {
	const result = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: cf, helpFile: undefined, answers: {hideHelpVersion: true}});
	assert.ok(result.ok);
	assert.deepEqual(result.value.files, []);
	assert.match(result.value.warnings[0]!, /502 5\.3\.0 Sendmail <version> -- HELP not implemented/);
});

test('hideHelpVersion with a HelpFile that does not exist is an error, not a silent pass', () => {
	const result = plan({hideHelpVersion: true}, {path: '/etc/mail/helpfile', missing: true});
	assert.ok(!result.ok);
	assert.match(result.error, /HelpFile names \/etc\/mail\/helpfile, which does not exist/);
});
