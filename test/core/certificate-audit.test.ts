import assert from 'node:assert/strict';
import test from 'node:test';
import {certificateFindings, starttlsAudit, starttlsFails, starttlsHardened, type CertificateFacts} from '../../source/core/certificate-audit.js';

const DAY = 24 * 60 * 60 * 1000;
const now = Date.UTC(2026, 11, 8);
const caSigned: CertificateFacts = {
	path: '/etc/letsencrypt/live/mail.example.org/fullchain.pem',
	subject: 'CN=mail.example.org',
	issuer: 'C=US\nO=Let\'s Encrypt\nCN=R11',
	selfSigned: false,
	validFrom: now - (10 * DAY),
	validTo: now + (80 * DAY),
	keyType: 'ec',
	curve: 'prime256v1',
	issuerFound: 'CACertPath',
};
const levels = (facts: CertificateFacts) => Object.fromEntries(certificateFindings(facts, now).map(finding => [finding.name, finding.level]));

test('a CA-signed, short-lived EC certificate whose issuer is found: nothing to do', () => {
	assert.deepEqual(levels(caSigned), {issuer: 'ok', expiry: 'ok', key: 'ok', chain: 'ok'});
	const findings = certificateFindings(caSigned, now);
	assert.equal(findings.find(finding => finding.name === 'issuer')!.text, 'issued by C=US, O=Let\'s Encrypt, CN=R11');
	assert.equal(findings.find(finding => finding.name === 'expiry')!.text, 'expires in 80 days (2027-02-26)');
	assert.ok(findings.every(finding => finding.advice === ''));
});

test('expiry: a warning under 30 days, a failure once expired', () => {
	assert.equal(levels({...caSigned, validTo: now + (29 * DAY)})['expiry'], 'warn');
	assert.equal(levels({...caSigned, validTo: now + (30 * DAY)})['expiry'], 'ok');
	const expired = certificateFindings({...caSigned, validTo: now - (3 * DAY)}, now).find(finding => finding.name === 'expiry')!;
	assert.equal(expired.level, 'fail');
	assert.match(expired.text, /^expired on 2026-12-05 \(3 days ago\)/);
	assert.match(expired.advice, /certbot renew/);
});

test('key: RSA under 2048 bits fails, 2048 passes', () => {
	assert.equal(levels({...caSigned, keyType: 'rsa', keyBits: 1024, curve: undefined})['key'], 'fail');
	assert.equal(levels({...caSigned, keyType: 'rsa', keyBits: 2048, curve: undefined})['key'], 'ok');
	assert.equal(certificateFindings({...caSigned, keyType: 'rsa', keyBits: 1024}, now).find(finding => finding.name === 'key')!.text, 'RSA 1024 bits: under 2048 bits, too weak (NIST SP 800-131A)');
});

test('Debian\'s update_tls certificate: self-signed, Sendmail in the subject, 10 years noted; no chain to look for', () => {
	const debian: CertificateFacts = {path: '/etc/mail/tls/sendmail-server.crt', subject: 'O=Sendmail\nOU=Sendmail Server\nCN=mail', issuer: 'O=Sendmail\nOU=Sendmail Server\nCN=mail', selfSigned: true, validFrom: now, validTo: now + (3650 * DAY), keyType: 'rsa', keyBits: 2048};
	assert.deepEqual(levels(debian), {issuer: 'warn', expiry: 'ok', validity: 'note', key: 'ok', subject: 'warn'});
	const findings = certificateFindings(debian, now);
	assert.match(findings.find(finding => finding.name === 'validity')!.text, /^valid for 3650 days, more than the 398/);
	for (const name of ['issuer', 'subject']) {
		assert.match(findings.find(finding => finding.name === name)!.advice, /certbot certonly --standalone -d HOST.*confSERVER_CERT and confSERVER_KEY.*\/etc\/letsencrypt\/live\/HOST\/fullchain\.pem and privkey\.pem/);
	}

	// A long validity is a note: it alone does not make STARTTLS unhardened.
	assert.equal(starttlsHardened({setUp: true, findings: certificateFindings({...caSigned, validFrom: now - (500 * DAY)}, now)}), true);
	assert.equal(starttlsHardened({setUp: true, findings: findings}), false);
});

test('the chain: an issuer in neither CACertFile nor CACertPath is a warning', () => {
	assert.equal(levels({...caSigned, issuerFound: 'nowhere'})['chain'], 'warn');
	assert.equal(levels({...caSigned, issuerFound: 'CACertFile'})['chain'], 'ok');
});

test('not set up: one warning with how, for Debian and elsewhere; never hardened, never a failure', () => {
	const debian = starttlsAudit({setUp: false, layout: 'debian'}, now);
	assert.equal(debian.findings.length, 1);
	assert.match(debian.findings[0]!.advice, /update_tls.*starttls\.m4/);
	assert.match(starttlsAudit({setUp: false, layout: 'other'}, now).findings[0]!.advice, /^set confSERVER_CERT, confSERVER_KEY/);
	assert.equal(starttlsHardened(debian), false);
	assert.equal(starttlsFails(debian), false);
	const broken = starttlsAudit({setUp: true, layout: 'debian', fileProblem: 'STARTTLS=server: file /x.crt unsafe: No such file or directory'}, now);
	assert.equal(starttlsFails(broken), true);
	assert.equal(broken.findings[0]!.text, 'sendmail would not offer STARTTLS: STARTTLS=server: file /x.crt unsafe: No such file or directory');
});

test('the hardened table: the certificate\'s warnings and failures as rows to fix by hand; a failure turns the verdict', async () => {
	const {hardenedRows, hardenedVerdict} = await import('../../source/core/hardened-table.js');
	const expired = starttlsAudit({setUp: true, layout: 'debian', certPath: '/c.crt', certificate: {...caSigned, validTo: now - DAY}}, now);
	const audit = {items: [{setting: 'SmtpGreetingMessage', value: '$j ESMTP', hardened: true, advice: '', from: 'file' as const}], hardened: true, starttls: expired};
	assert.equal(hardenedVerdict(audit), 'Not hardened yet: all 1 of audit\'s settings pass, but STARTTLS fails; audit exits 1.');
	const rows = hardenedRows(audit, 200).map(row => row.text);
	assert.ok(rows.some(row => row.startsWith('  ✘ STARTTLS expiry: expired on 2026-12-07')), rows.join('\n'));
	assert.ok(rows.some(row => row.startsWith('      fix by hand: renew it')), rows.join('\n'));
	// Not set up: the table leaves it to audit, whose account says so.
	const notSetUp = {...audit, starttls: starttlsAudit({setUp: false, layout: 'debian'}, now)};
	assert.equal(hardenedVerdict(notSetUp), 'Hardened: all 1 of audit\'s checks pass.');
	assert.ok(!hardenedRows(notSetUp).some(row => row.text.includes('STARTTLS')));
});
