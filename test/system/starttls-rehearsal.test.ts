// Never lose STARTTLS: the rehearsal proves, over sendmail -bs, that STARTTLS is offered and a TLS
// handshake completes; and the tool's reading of sendmail's file rules agrees with what the
// installed sendmail does with each kind of broken file.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs';
import {execFileSync} from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {contradicts} from '../../source/flow/apply-flow.js';
import {askSendmail, rehearseFiles} from '../../source/system/rehearsal.js';
import {starttlsProblem} from '../../source/system/starttls-files.js';
import {hostContext} from '../../source/system/host-name.js';
import {sendmailStarttlsReason, starttlsReason} from '../../source/system/sendmail-log.js';
import {sendmailWrapper, skipUnlessSendmail} from '../helpers/sendmail.js';
import {makeDebianTlsFiles, withStarttls, type TlsFiles} from '../helpers/tls-fixture.js';

const skip = skipUnlessSendmail();
const debianCf = readFileSync('/etc/mail/sendmail.cf', 'latin1');

describe('STARTTLS in the rehearsal', skip, () => {
	let folder: string;
	let files: TlsFiles;
	let cfText: string;
	before(() => {
		folder = mkdtempSync(path.join(os.tmpdir(), 'starttls-rehearsal-'));
		files = makeDebianTlsFiles(folder);
		cfText = withStarttls(debianCf, files);
	});
	after(() => {
		rmSync(folder, {recursive: true, force: true});
	});

	const starttlsRow = async (candidate: string, current = cfText) => {
		const report = await rehearseFiles({cfText: candidate}, {}, {currentCfText: current});
		assert.ok(report.ok, report.ok ? '' : report.error);
		assert.ok(report.value.status === 'ran', JSON.stringify(report.value));
		return {row: report.value.checks.find(check => check.name === 'STARTTLS'), report: report.value};
	};

	test('a working set-up: offered, a handshake completes over the -bs pipes, its protocol and cipher shown', async () => {
		const {row, report} = await starttlsRow(cfText);
		assert.equal(row?.status, 'pass', JSON.stringify(row));
		assert.match(row!.expected, /offered, handshake completed: TLSv1\.3, TLS_AES_\d+_GCM_SHA\d+$/);
		assert.equal(row!.reply, '220 2.0.0 Ready to start TLS');
		// The conversation went on encrypted: EHLO over TLS was answered.
		assert.ok(report.exchange.some(line => /^\(TLS handshake: TLSv1\.3, /.test(line)), report.exchange.join('\n'));
		// Nothing the apply flow would refuse.
		assert.deepEqual(report.checks.filter(check => contradicts(check, {})).map(check => check.name), []);
	});

	test('a key sendmail cannot read loses STARTTLS: the row fails with sendmail\'s reason', async () => {
		const unreadable = path.join(folder, 'unreadable.key');
		copyFileSync(files.key, unreadable);
		chmodSync(unreadable, 0o000);
		const {row, report} = await starttlsRow(cfText.replace(/^O ServerKeyFile=.*$/m, `O ServerKeyFile=${unreadable}`));
		assert.equal(row?.status, 'fail');
		assert.equal(row!.expected, `STARTTLS in EHLO and a TLS handshake (as the config in force has); not offered: STARTTLS=server: file ${unreadable} unsafe: Permission denied (sendmail's log)`);
		// The apply flow refuses on it, and on nothing else.
		assert.deepEqual(report.checks.filter(check => contradicts(check, {})).map(check => check.name), ['STARTTLS']);
	});

	test('sendmail\'s own log line is read: a config naming no CACertPath, and the CRL line that does not matter left out', async () => {
		const folderForLog = mkdtempSync(path.join(os.tmpdir(), 'starttls-log-'));
		try {
			const said = await sendmailStarttlsReason(sendmailWrapper, cfText.replace(/^O CACertPath=.*\n/m, ''), folderForLog, hostContext(), 'mail.test.example');
			assert.equal(said, 'STARTTLS: CACertPath missing');
			const working = await sendmailStarttlsReason(sendmailWrapper, cfText, mkdtempSync(path.join(folderForLog, 'ok-')), hostContext(), 'mail.test.example');
			assert.equal(working, undefined);
		} finally {
			rmSync(folderForLog, {recursive: true, force: true});
		}
	});

	test('a config without STARTTLS, replacing one without it, gets no STARTTLS row', async () => {
		const report = await rehearseFiles({cfText: debianCf}, {}, {currentCfText: debianCf});
		assert.ok(report.ok && report.value.status === 'ran');
		assert.ok(!report.value.checks.some(check => check.name === 'STARTTLS'));
	});

	// Each kind of broken file, made for real: sendmail's EHLO says whether it offers STARTTLS, and
	// the tool's reading of its rules must say the same (and give a reason exactly when it does not).
	test('the tool\'s file rules agree with sendmail on each kind of broken file', async () => {
		const variant = (name: string, make: (file: string) => void, from = files.cert) => {
			const file = path.join(folder, name);
			copyFileSync(from, file);
			make(file);
			return file;
		};

		const nobody = Number(execFileSync('id', ['-u', 'nobody'], {encoding: 'utf8'}).trim());
		const groupWritableFolder = path.join(folder, 'gw');
		mkdirSync(groupWritableFolder);
		chmodSync(groupWritableFolder, 0o775);
		const otherKey = path.join(folder, 'other.key');
		execFileSync('openssl', ['genrsa', '-out', otherKey, '2048'], {stdio: 'ignore'});
		chmodSync(otherKey, 0o600);
		const link = path.join(folder, 'link.crt');
		symlinkSync(files.cert, link);
		const withCert = (cert: string) => cfText.replace(/^O ServerCertFile=.*$/m, `O ServerCertFile=${cert}`);
		const withKey = (key: string) => cfText.replace(/^O ServerKeyFile=.*$/m, `O ServerKeyFile=${key}`);
		const cases: Array<[string, string]> = [
			['as set up', cfText],
			['a missing certificate', withCert(path.join(folder, 'missing.crt'))],
			['a group-writable certificate', withCert(variant('gw.crt', file => chmodSync(file, 0o664)))],
			['a world-writable certificate', withCert(variant('ww.crt', file => chmodSync(file, 0o646)))],
			['a certificate owned by nobody', withCert(variant('nobody.crt', file => chownSync(file, nobody, 0)))],
			['a certificate that is a folder', withCert(folder)],
			['a certificate through a symbolic link', withCert(link)],
			['a certificate in a group-writable folder', withCert(variant('gw/x.crt', () => undefined))],
			['a world-readable key', withKey(variant('ww.key', file => chmodSync(file, 0o644), files.key))],
			['a 0600 key', withKey(variant('600.key', file => chmodSync(file, 0o600), files.key))],
			['a group-readable key without GroupReadableKeyFile', cfText.replace(',GroupReadableKeyFile', '')],
			['a key that does not match the certificate', withKey(otherKey)],
			['a missing CA file', cfText.replace(/^O CACertFile=.*$/m, `O CACertFile=${path.join(folder, 'missing-ca.pem')}`)],
			['no CACertPath', cfText.replace(/^O CACertPath=.*\n/m, '')],
		];
		const disagreements: string[] = [];
		for (const [name, candidate] of cases) {
			const asked = await askSendmail({cfText: candidate}, ['EHLO localhost']);
			assert.ok(asked.ok && asked.value.status === 'ran', name);
			const offered = asked.value.replies[0]!.lines.some(line => /^250[ -]STARTTLS$/.test(line));
			const problem = await starttlsProblem(candidate);
			if (offered !== (problem === undefined)) {
				disagreements.push(`${name}: sendmail ${offered ? 'offers' : 'does not offer'} STARTTLS, the tool says ${problem ?? 'it would'}`);
			}

			// Where it does not, the tool's reason is word for word the line sendmail logs.
			if (!offered) {
				const said = await sendmailStarttlsReason(sendmailWrapper, candidate, mkdtempSync(path.join(folder, 'log-')), hostContext(), 'mail.test.example');
				if (said !== problem) {
					disagreements.push(`${name}: sendmail logs "${said}", the tool says "${problem}"`);
				}
			}
		}

		assert.deepEqual(disagreements, []);
		// Both ways occur, so the agreement is not that of a rule that always says the same.
		assert.equal(await starttlsProblem(cases[1]![1]), `STARTTLS=server: file ${path.join(folder, 'missing.crt')} unsafe: No such file or directory`);
		assert.equal(await starttlsProblem(cfText), undefined);
	});
});

test('starttlsReason: the first line about the server\'s files, without the syslog head', () => {
	const log = [
		'<20>Dec  8 00:11:15 sendmail[15342]: STARTTLS: CRLFile missing',
		'<20>Dec  8 00:11:15 sendmail[15342]: STARTTLS=server: file /etc/mail/tls/x.crt unsafe: No such file or directory',
		'<22>Dec  8 00:11:15 sendmail[15342]: AUTH: available mech=PLAIN',
	].join('\0');
	assert.equal(starttlsReason(log), 'STARTTLS=server: file /etc/mail/tls/x.crt unsafe: No such file or directory');
	assert.equal(starttlsReason('<20>Dec  8 00:11:15 sendmail[1]: STARTTLS: CRLFile missing\n'), undefined);
});
