// audit's STARTTLS rows on Debian's STARTTLS set-up (test/helpers/tls-fixture.ts), before and after
// the answers: the protocols sendmail itself refuses, the cipher order, the suites and the
// DH group in the file DHParameters names (read only when trusted).
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {auditConfig, type AuditItem} from '../../source/core/audit.js';
import {judgeDhParameters} from '../../source/core/dh-params.js';
import {FFDHE2048_PEM} from '../../source/core/ffdhe.js';
import {planHardening} from '../../source/core/plan.js';
import {readAuditExtras} from '../../source/system/audit-extras.js';
import {makeDebianTlsFiles, withStarttls, type TlsFiles} from '../helpers/tls-fixture.js';

let folder: string;
let files: TlsFiles;
let cf: string;
before(() => {
	folder = mkdtempSync(path.join(os.tmpdir(), 'tls-audit-'));
	files = makeDebianTlsFiles(folder);
	cf = withStarttls(readFileSync('/etc/mail/sendmail.cf', 'latin1'), files);
});
after(() => {
	rmSync(folder, {recursive: true, force: true});
});

const row = (items: AuditItem[], name: string) => items.find(item => item.setting === name)!;

test('Debian\'s set-up: TLS 1.0/1.1 refused only by OpenSSL, the client\'s order, OpenSSL\'s default suites, a DH group that is not a safe prime', async () => {
	const audit = auditConfig(cf, undefined, await readAuditExtras(cf));
	assert.match(row(audit.items, 'ServerSSLOptions').value, /^not set: TLS 1\.0\/1\.1 refused only by OpenSSL's defaults, not by sendmail: an older OpenSSL or a changed system policy brings them back$/);
	assert.equal(row(audit.items, 'Server cipher order').value, 'the client\'s');
	assert.match(row(audit.items, 'CipherList').value, /^not set: OpenSSL's default list/);
	assert.equal(row(audit.items, 'DHParameters').value, `${files.dhParameters}: a 2048-bit group, not a safe prime`);
	for (const name of ['ServerSSLOptions', 'Server cipher order', 'CipherList', 'DHParameters']) {
		assert.equal(row(audit.items, name).hardened, false, name);
		assert.notEqual(row(audit.items, name).advice, '', name);
	}
});

test('after the issue\'s answers every STARTTLS row is hardened, the DH group named as RFC 7919 ffdhe2048', () => {
	const dhPath = path.join(folder, 'ffdhe2048.pem');
	const plan = planHardening({cfPath: '/x/sendmail.cf', cfText: cf, dhFile: {path: dhPath, missing: true}, answers: {tlsMinVersion: 'TLSv1.2', tlsServerPreference: true, tlsCiphers: 'modern', tlsDhParameters: 'ffdhe2048'}});
	assert.ok(plan.ok);
	const audit = auditConfig(plan.value.files[0]!.after, undefined, {dhParameters: {path: dhPath, text: FFDHE2048_PEM}});
	assert.equal(row(audit.items, 'ServerSSLOptions').value, '+SSL_OP_NO_SSLv2 +SSL_OP_NO_SSLv3 +SSL_OP_NO_TLSv1 +SSL_OP_NO_TLSv1_1 +SSL_OP_CIPHER_SERVER_PREFERENCE: sendmail refuses SSLv2, SSLv3, TLS 1.0 and 1.1');
	assert.equal(row(audit.items, 'DHParameters').value, `${dhPath}: RFC 7919 ffdhe2048, a safe prime`);
	for (const name of ['ServerSSLOptions', 'Server cipher order', 'CipherList', 'DHParameters']) {
		assert.equal(row(audit.items, name).hardened, true, name);
	}
});

test('no STARTTLS rows where it is not set up: nothing to judge, nothing against the config', () => {
	const audit = auditConfig(readFileSync('/etc/mail/sendmail.cf', 'latin1'), undefined);
	assert.equal(audit.items.some(item => ['ServerSSLOptions', 'CipherList', 'DHParameters', 'Server cipher order'].includes(item.setting)), false);
});

test('the DH judgement: sendmail\'s special words (as measured on 8.17.1.9), unset, a file not read', () => {
	const dh = (value: string, extra = {}) => row(auditConfig(cf.replace(/^O DHParameters=.*$/m, `O DHParameters=${value}`), undefined, extra).items, 'DHParameters');
	assert.equal(dh('none').hardened, true);
	assert.match(dh('1024').value, /a 1024-bit group/);
	assert.equal(dh('1024').hardened, false);
	assert.match(dh('2').value, /DSA-style: not a safe prime/);
	assert.equal(dh('2').hardened, false);
	const unset = row(auditConfig(cf.replace(/^O DHParameters=.*\n/m, ''), undefined).items, 'DHParameters');
	assert.match(unset.value, /built-in group \(in 8\.17 a 2048-bit safe prime/);
	assert.equal(unset.hardened, true);
	assert.match(dh('/etc/mail/tls/x.prm').value, /not read/);
	assert.equal(dh('/etc/mail/tls/x.prm', {dhParameters: {path: '/etc/mail/tls/x.prm', error: 'missing'}}).hardened, false);
	assert.deepEqual(judgeDhParameters('no pem here'), {ok: false, error: 'no DH PARAMETERS block sendmail could read'});
});
