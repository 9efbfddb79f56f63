// AuthOptions is a set of letters and AuthMechanisms a list of names: the AUTH answers edit them
// without touching anything else (docs/sendmail.md, "STARTTLS and AUTH").
import assert from 'node:assert/strict';
import test from 'node:test';
import {authMechanismList, authOptionLetters, mechanismsOfferedInTheClear, offeredMechanisms, withAuthOptionLetter} from '../../source/core/auth-options.js';
import {validateAnswers} from '../../source/core/answers.js';
import {auditConfig, auditFromReplies} from '../../source/core/audit.js';
import {planHardening} from '../../source/core/plan.js';

test('the p letter is added once after the letters there, with their separator; off takes it out', () => {
	assert.equal(withAuthOptionLetter('', 'p', true), 'p');
	assert.equal(withAuthOptionLetter('A', 'p', true), 'A,p');
	assert.equal(withAuthOptionLetter('A,y', 'p', true), 'A,y,p');
	assert.equal(withAuthOptionLetter('A y', 'p', true), 'A y p');
	assert.equal(withAuthOptionLetter('A,p', 'p', true), 'A,p');
	assert.equal(withAuthOptionLetter('Ap', 'p', true), 'Ap');
	assert.equal(withAuthOptionLetter('A,p,y', 'p', false), 'A,y');
	assert.equal(withAuthOptionLetter('p', 'p', false), '');
	assert.equal(withAuthOptionLetter('A', 'p', false), 'A');
	assert.deepEqual(authOptionLetters('A, p,p y'), ['A', 'p', 'y']);
});

test('mechanism lists are read as names, case and order aside; the ones still offered in the clear with p', () => {
	assert.deepEqual(authMechanismList('EXTERNAL  digest-md5 CRAM-MD5 PLAIN LOGIN plain'), ['EXTERNAL', 'DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN']);
	assert.deepEqual(mechanismsOfferedInTheClear(['EXTERNAL', 'DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN']), ['DIGEST-MD5', 'CRAM-MD5']);
	assert.deepEqual(mechanismsOfferedInTheClear(['PLAIN', 'LOGIN', 'EXTERNAL']), []);
	assert.deepEqual(offeredMechanisms(['250-host Hello', '250-AUTH DIGEST-MD5 CRAM-MD5', '250 HELP']), ['DIGEST-MD5', 'CRAM-MD5']);
	assert.equal(offeredMechanisms(['250-host Hello', '250 HELP']), undefined);
});

// Debian's lines, as sendmail.cf has them before SASL is set up, and as sasl.m4 builds them.
const stock = ['#O AuthMechanisms=EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5', '# SMTP AUTH flags', '#O AuthOptions', 'O PrivacyOptions=authwarnings', ''].join('\n');
const plan = (cfText: string, answers: object) => {
	const result = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText, answers});
	assert.ok(result.ok, result.ok ? '' : result.error);
	return result.value;
};

test('authRequireTls keeps AuthOptions\' other letters and adds p once; a second run changes nothing', () => {
	const cf = stock.replace('#O AuthOptions', 'O AuthOptions=A,y');
	const first = plan(cf, {authRequireTls: true});
	assert.deepEqual(first.settings, [{setting: 'AuthOptions', from: 'A,y', to: 'A,y,p'}]);
	const after = first.files[0]!.after;
	assert.equal(after, cf.replace('O AuthOptions=A,y', 'O AuthOptions=A,y,p'));
	assert.deepEqual(plan(after, {authRequireTls: true}).files, []);
	// Off takes p out again, the rest as it was.
	assert.equal(plan(after, {authRequireTls: false}).files[0]!.after, cf);
});

test('on a CRLF file the AUTH lines keep CRLF and every other byte stays', () => {
	const cf = stock.replaceAll('\n', '\r\n');
	const {files} = plan(cf, {authRequireTls: true, authMechanisms: ['PLAIN', 'LOGIN']});
	const after = files[0]!.after;
	assert.match(after, /^O AuthMechanisms=PLAIN LOGIN\r$/m);
	assert.match(after, /^O AuthOptions=p\r$/m);
	assert.doesNotMatch(after, /(?:^|[^\r])\n/, 'a bare LF');
	assert.deepEqual(after.split('\r\n').filter(line => !/^O Auth/.test(line)), cf.split('\r\n'));
});

test('authMechanisms sets the list; the same names in another order are no change', () => {
	const cf = stock.replace('#O AuthMechanisms=EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5', 'O AuthMechanisms=EXTERNAL DIGEST-MD5 CRAM-MD5 PLAIN LOGIN');
	const changed = plan(cf, {authMechanisms: ['PLAIN', 'LOGIN']});
	assert.deepEqual(changed.settings, [{setting: 'AuthMechanisms', from: 'EXTERNAL DIGEST-MD5 CRAM-MD5 PLAIN LOGIN', to: 'PLAIN LOGIN'}]);
	assert.match(changed.files[0]!.after, /^O AuthMechanisms=PLAIN LOGIN$/m);
	assert.doesNotMatch(changed.files[0]!.after, /DIGEST-MD5/);
	assert.deepEqual(plan(cf, {authMechanisms: ['login', 'PLAIN', 'cram-md5', 'digest-md5', 'EXTERNAL']}).files, []);
});

test('authRequireTls with DIGEST-MD5 or CRAM-MD5 left in the list warns that AUTH is still offered in the clear', () => {
	const kept = plan(stock, {authRequireTls: true});
	assert.equal(kept.warnings.length, 1);
	assert.match(kept.warnings[0]!, /AUTH is still offered before STARTTLS.*DIGEST-MD5, CRAM-MD5/);
	assert.deepEqual(plan(stock, {authRequireTls: true, authMechanisms: ['PLAIN', 'LOGIN']}).warnings, []);
	assert.match(plan(stock, {authRequireTls: true, authMechanisms: ['PLAIN', 'CRAM-MD5']}).warnings[0]!, /CRAM-MD5 stays offered/);
	// Without p nothing is promised, so nothing is warned.
	assert.deepEqual(plan(stock, {authMechanisms: ['CRAM-MD5']}).warnings, []);
});

test('answers: mechanisms are known names, upper-cased, at least one; authRequireTls a boolean', () => {
	const good = validateAnswers({authRequireTls: true, authMechanisms: ['plain', 'LOGIN', 'PLAIN']});
	assert.ok(good.ok);
	assert.deepEqual(good.value, {authRequireTls: true, authMechanisms: ['PLAIN', 'LOGIN']});
	const unknown = validateAnswers({authMechanisms: ['PLAIN', 'XOAUTH2']});
	assert.equal(unknown.ok, false);
	assert.match(unknown.ok ? '' : unknown.error, /unknown name "XOAUTH2" in authMechanisms/);
	assert.equal(validateAnswers({authMechanisms: []}).ok, false);
	assert.equal(validateAnswers({authMechanisms: 'PLAIN LOGIN'}).ok, false);
	assert.equal(validateAnswers({authRequireTls: 'p'}).ok, false);
});

test('audit: p with DIGEST-MD5 and CRAM-MD5 still in the list is not hardened, and says p is there but they are still offered', () => {
	const cf = stock.replace('#O AuthOptions', 'O AuthOptions=p').replace('#O AuthMechanisms=EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5', 'O AuthMechanisms=EXTERNAL DIGEST-MD5 CRAM-MD5 PLAIN LOGIN');
	const fromFile = auditConfig(cf, undefined);
	const row = (audit: typeof fromFile, name: string) => audit.items.find(item => item.setting === name)!;
	assert.equal(row(fromFile, 'AuthOptions').hardened, false);
	assert.match(row(fromFile, 'AuthOptions').advice, /^AuthOptions has p, but DIGEST-MD5 CRAM-MD5 are still offered before STARTTLS/);
	// sendmail's EHLO decides: what it offers in the clear.
	const replied = auditFromReplies(fromFile, [{name: 'AUTH before STARTTLS', status: 'info', expected: '', reply: '250-AUTH DIGEST-MD5 CRAM-MD5'}]);
	assert.deepEqual([row(replied, 'AuthOptions').from, row(replied, 'AuthOptions').hardened], ['sendmail', false]);
	assert.match(row(replied, 'AuthOptions').advice, /^AuthOptions has p, but DIGEST-MD5 CRAM-MD5 are still offered/);
	assert.match(row(replied, 'AuthMechanisms').advice, /DIGEST-MD5 is historic, RFC 6331/);
	// Nothing offered in the clear: both rows pass, whatever the file's list (the SASL library may lack those plugins).
	const none = auditFromReplies(fromFile, [{name: 'AUTH before STARTTLS', status: 'info', expected: '', reply: '250-host Hello (no AUTH line)'}]);
	assert.deepEqual([row(none, 'AuthOptions').hardened, row(none, 'AuthMechanisms').hardened], [true, true]);
});
