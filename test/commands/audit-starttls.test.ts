// audit's account of STARTTLS through the built CLI: Debian's update_tls set-up (self-signed,
// "O=Sendmail, OU=Sendmail Server", 10 years), a certificate from a test CA that passes, a stock
// config without STARTTLS (said, and how, never counted as hardened), and files sendmail cannot use.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {StarttlsAudit} from '../../source/core/certificate-audit.js';
import {copyDemoConfig, ensureBuilt, runCli} from '../helpers/cli.js';
import {skipUnlessDebianMc} from '../helpers/debian-mc.js';
import {makeCaSignedFiles} from '../helpers/tls-ca.js';
import {debianStarttlsPair} from '../helpers/tls-fixture.js';

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'audit-starttls-state-'));
const env = {SENDMAIL_HARDEN_STATE_DIR: stateDir};

const auditJson = async (cfPath: string) => {
	const run = await runCli(['audit', '--config', cfPath, '--json'], {env});
	const document = JSON.parse(run.stdout) as {hardened: boolean; starttls: StarttlsAudit};
	return {run, document, levels: Object.fromEntries(document.starttls.findings.map(finding => [finding.name, finding.level]))};
};

describe('audit: STARTTLS and its certificate', skipUnlessDebianMc(), () => {
	let parent: string;
	let pair: ReturnType<typeof debianStarttlsPair>;
	// One set-up for the file (DH parameters take a while to make); the other cases are cf files beside it.
	const variant = (name: string, edit: (cf: string) => string) => {
		const cfPath = path.join(pair.folder, name);
		writeFileSync(cfPath, edit(readFileSync(pair.cfPath, 'latin1')), 'latin1');
		return cfPath;
	};

	before(() => {
		ensureBuilt();
		parent = mkdtempSync(path.join(os.tmpdir(), 'audit-starttls-'));
		pair = debianStarttlsPair(parent);
	});
	after(() => {
		rmSync(parent, {recursive: true, force: true});
		rmSync(stateDir, {recursive: true, force: true});
	});

	test('Debian\'s update_tls set-up: self-signed, Sendmail in the subject, 3650 days; each with what to do', async () => {
		const run = await runCli(['audit', '--config', pair.cfPath], {env});
		const text = run.stdout.replaceAll(/\n {4,}/g, ' ');
		assert.ok(text.includes(`\nSTARTTLS (ServerCertFile ${pair.files.cert}):\n`), run.stdout);
		assert.match(text, /^ {2}! issuer: self-signed \(O=Sendmail, OU=Sendmail Server, CN=mail\.test\.example\): a client that checks certificates \(DANE, MTA-STS\) cannot trust it .*certbot certonly --standalone -d HOST/m);
		assert.match(text, /^ {2}✔ expiry: expires in 36(?:49|50) days \(\d{4}-\d\d-\d\d\)$/m);
		assert.match(text, /^ {2}• validity: valid for 3650 days, more than the 398 a public CA may issue/m);
		assert.match(text, /^ {2}✔ key: RSA 2048 bits$/m);
		assert.match(text, /^ {2}! subject: the subject names Sendmail \(O=Sendmail, OU=Sendmail Server, CN=mail\.test\.example\)/m);
		assert.match(text, /\/etc\/letsencrypt\/live\/HOST\/fullchain\.pem and privkey\.pem/);
		// sendmail can use the files (the key is group-readable, which GroupReadableKeyFile allows).
		assert.doesNotMatch(text, /^ {2}✘ files:/m);
		const {document, levels} = await auditJson(pair.cfPath);
		assert.equal(document.starttls.setUp, true);
		assert.deepEqual(levels, {issuer: 'warn', expiry: 'ok', validity: 'note', key: 'ok', subject: 'warn'});
	});

	test('a certificate with its own subject, 90 days, signed by a test CA in CACertFile, passes', async () => {
		const ca = makeCaSignedFiles(mkdtempSync(path.join(parent, 'ca-')));
		const cfPath = variant('ca-signed.cf', cf => cf
			.replace(/^O ServerCertFile=.*$/m, `O ServerCertFile=${ca.cert}`)
			.replace(/^O ServerKeyFile=.*$/m, `O ServerKeyFile=${ca.key}`)
			.replace(/^O CACertFile=.*$/m, `O CACertFile=${ca.caCert}`));
		const {document, levels} = await auditJson(cfPath);
		assert.deepEqual(levels, {issuer: 'ok', expiry: 'ok', key: 'ok', chain: 'ok'});
		assert.match(document.starttls.findings.find(finding => finding.name === 'expiry')!.text, /^expires in (?:89|90) days/);
		assert.equal(document.starttls.findings.find(finding => finding.name === 'chain')!.text, 'the issuer\'s certificate is in the CACertFile');
		assert.equal(document.starttls.findings.find(finding => finding.name === 'issuer')!.text, 'issued by O=Test CA, CN=Test CA');
	});

	test('files sendmail cannot use: audit says why in sendmail\'s words, and exits 1', async () => {
		const cfPath = variant('gone-key.cf', cf => cf.replace(/^O ServerKeyFile=.*$/m, `O ServerKeyFile=${pair.folder}/gone.key`));
		const {run, document} = await auditJson(cfPath);
		assert.equal(run.status, 1);
		assert.deepEqual(document.starttls.findings[0], {
			name: 'files',
			level: 'fail',
			text: `sendmail would not offer STARTTLS: STARTTLS=server: file ${pair.folder}/gone.key unsafe: No such file or directory`,
			advice: 'fix the file it names (it must exist, be a regular file owned by root in folders only root may write, and the key must not be readable by others)',
		});
	});

	test('no ServerCertFile: audit says STARTTLS is not set up and how, and does not count it as hardened', async () => {
		const {cfPath} = copyDemoConfig();
		const run = await runCli(['audit', '--config', cfPath], {env});
		const text = run.stdout.replaceAll(/\n {4,}/g, ' ');
		assert.match(text, /^STARTTLS:\n {2}! set up: STARTTLS is not set up \(no ServerCertFile\): mail to and from this server travels in the clear; not counted as hardened /m);
		assert.match(text, /update_tls" \(or "sendmailconfig"\).*include\(`\/etc\/mail\/tls\/starttls\.m4'\)dnl/);
		const {document} = await auditJson(cfPath);
		assert.deepEqual(document.starttls.findings.map(finding => [finding.name, finding.level]), [['set up', 'warn']]);
		assert.equal(document.starttls.setUp, false);
	});
});
