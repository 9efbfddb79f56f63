// The "Encryption and login" settings as an outside client meets them: Debian's STARTTLS set-up
// (test/helpers/tls-fixture.ts) in a test folder, the answers written by the CLI (--yes) into
// the .cf or through Debian's sendmail.mc, a daemon serving the result in the private test network, and openssl
// s_client and nmap on the client side (198.51.100.9).
//
// TLS 1.0/1.1 are refused by Debian's OpenSSL 3 defaults alone (security level 1), whatever sendmail
// says: to see sendmail's own refusal, the daemon and the client run under an openssl.cnf that allows
// them again (MinProtocol TLSv1, SECLEVEL=0), and the stock set-up is shown to accept TLS 1.1 first.
import assert from 'node:assert/strict';
import {copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {ensureBuilt, runCli} from '../helpers/cli.js';
import {skipUnlessDebianMc} from '../helpers/debian-mc.js';
import {legacyOpensslConf} from '../helpers/legacy-openssl.js';
import {createTestNetwork, SERVER_ADDR, skipUnlessNetns, type TestNetwork} from '../helpers/netns.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';
import {debianStarttlsPair, makeDebianTlsFiles, withStarttls} from '../helpers/tls-fixture.js';

const skip = 'skip' in skipUnlessDebianMc() ? skipUnlessDebianMc() : ('skip' in skipUnlessSendmail() ? skipUnlessSendmail() : skipUnlessNetns());

const ANSWERS = {tlsMinVersion: 'TLSv1.2', tlsServerPreference: true, tlsCiphers: 'modern', tlsDhParameters: 'ffdhe2048'};

/**
 * The test daemon's copy without Debian's greet_pause and per-client rate control: nmap's TLS
 * scripts open dozens of connections at once (ratecontrol then answers 421 4.3.2) and its SMTP
 * STARTTLS helper does not wait out a pause before the 220.
 */
const withoutGreetPause = (cf: string) => cf
	.replace(/^SLocal_greet_pause\n/m, 'SLocal_greet_pause\nR$*\t\t\t$# 0\n')
	.replace(/^SRateControl\n/m, 'SRateControl\nR$*\t\t$@ OK\n');

describe('Encryption and login, on the wire from an outside address', skip, () => {
	let network: TestNetwork;
	let folder: string;
	let opensslConf: string;
	before(async () => {
		ensureBuilt();
		folder = mkdtempSync(path.join(os.tmpdir(), 'tls-wire-'));
		opensslConf = legacyOpensslConf(folder);
		network = await createTestNetwork();
	});
	after(async () => {
		await network?.close();
		rmSync(folder, {recursive: true, force: true});
	});

	const sClient = async (port: number, version: string) => {
		const result = await network.run('client', 'openssl', ['s_client', '-starttls', 'smtp', version, '-connect', `${SERVER_ADDR}:${port}`, '-brief'], {input: 'QUIT\n', env: {...process.env, OPENSSL_CONF: opensslConf}});
		return {status: result.status, text: result.stdout + result.stderr};
	};

	/** nmap's ssl-enum-ciphers and ssl-dh-params output from the client side (-sV names the port's SMTP, for STARTTLS). */
	const nmap = async (port: number) => {
		const scan = await network.run('client', 'nmap', ['-Pn', '-n', '-sV', '--version-intensity', '0', '-p', String(port), '--script', 'ssl-enum-ciphers,ssl-dh-params', SERVER_ADDR], {timeoutMs: 180_000});
		assert.equal(scan.status, 0, scan.stderr);
		return scan.stdout;
	};

	/** The suites ssl-enum-ciphers lists (names such as TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384). */
	const suites = (scan: string) => [...scan.matchAll(/^\|\s+(TLS_\w+|SSL_\w+) \(/gm)].map(match => match[1]!);

	const apply = async (cfPath: string, extra: string[] = []) => {
		const answersPath = path.join(path.dirname(cfPath), 'answers.json');
		writeFileSync(answersPath, JSON.stringify(ANSWERS));
		const run = await runCli(['--yes', '--no-restart', '--config', cfPath, '--answers', answersPath, ...extra]);
		assert.equal(run.status, 0, run.stderr);
		return run;
	};

	test('the issue\'s answers in the .cf: TLS 1.1 refused with a protocol-version alert, 1.2 and 1.3 served, only forward-secret AEAD suites in the server\'s order, no weak DH group', async () => {
		const cfFolder = mkdtempSync(path.join(folder, 'cf-'));
		const files = makeDebianTlsFiles(cfFolder);
		const cfPath = path.join(cfFolder, 'sendmail.cf');
		const helpPath = path.join(cfFolder, 'helpfile');
		copyFileSync('/etc/mail/helpfile', helpPath);
		const stock = withStarttls(readFileSync('/etc/mail/sendmail.cf', 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`), files);
		writeFileSync(cfPath, stock, 'latin1');

		const stockDaemon = await network.startDaemon(withoutGreetPause(stock), {opensslConf});
		const before11 = await sClient(stockDaemon.port, '-tls1_1');
		const beforeScan = await nmap(stockDaemon.port);
		await stockDaemon.stop();
		// The premise: with OpenSSL's own refusal taken away, Debian's set-up serves TLS 1.1.
		assert.match(before11.text, /Protocol version: TLSv1\.1/, before11.text);
		assert.match(beforeScan, /ssl-dh-params:[\s\S]*VULNERABLE/, beforeScan);
		const beforeSuites = suites(beforeScan);
		assert.ok(beforeSuites.some(name => /CBC|_RSA_WITH_/.test(name)), beforeSuites.join(' '));

		await apply(cfPath);
		const cf = readFileSync(cfPath, 'latin1');
		const dhFile = path.join(cfFolder, 'ffdhe2048.pem');
		assert.match(cf, /^O ServerSSLOptions=\+SSL_OP_NO_SSLv2 \+SSL_OP_NO_SSLv3 \+SSL_OP_NO_TLSv1 \+SSL_OP_NO_TLSv1_1 \+SSL_OP_CIPHER_SERVER_PREFERENCE$/m);
		assert.match(cf, /^O CipherList=ECDHE\+AESGCM:ECDHE\+CHACHA20:DHE\+AESGCM:DHE\+CHACHA20:!aNULL$/m);
		assert.ok(cf.includes(`\nO DHParameters=${dhFile}\n`));
		assert.equal(statSync(dhFile).mode & 0o7777, 0o644);
		assert.equal(statSync(dhFile).uid, 0);

		const daemon = await network.startDaemon(withoutGreetPause(cf), {opensslConf});
		const after11 = await sClient(daemon.port, '-tls1_1');
		const after12 = await sClient(daemon.port, '-tls1_2');
		const after13 = await sClient(daemon.port, '-tls1_3');
		const afterScan = await nmap(daemon.port);
		await daemon.stop();
		assert.notEqual(after11.status, 0);
		assert.match(after11.text, /alert protocol version/, after11.text);
		assert.match(after12.text, /Protocol version: TLSv1\.2/, after12.text);
		assert.match(after13.text, /Protocol version: TLSv1\.3/, after13.text);

		const afterSuites = suites(afterScan);
		assert.ok(afterSuites.length > 0, afterScan);
		for (const name of afterSuites) {
			// TLS 1.3's suites (TLS_AKE_WITH_...) are all forward-secret AEAD ones.
			assert.match(name, /^TLS_(?:(?:ECDHE|DHE)_RSA_WITH_(?:\w+_GCM_SHA\d+|CHACHA20_POLY1305_SHA256)|AKE_WITH_\w+)$/, name);
		}

		assert.doesNotMatch(afterScan, /TLSv1\.[01]:/);
		assert.match(afterScan, /cipher preference: server/);
		assert.doesNotMatch(afterScan, /ssl-dh-params/, afterScan);
		console.log(`before: TLS 1.1 ${before11.text.includes('TLSv1.1') ? 'accepted' : 'refused'}, ${beforeSuites.length} suites (${beforeSuites.filter(name => /CBC/.test(name)).length} CBC), ssl-dh-params: ${/LIKELY VULNERABLE/.test(beforeScan) ? 'LIKELY VULNERABLE' : 'VULNERABLE'}`);
		console.log(`after: TLS 1.1 refused (protocol version alert), TLS 1.2 and 1.3 served, ${afterSuites.length} suites: ${afterSuites.join(' ')}; server order; ssl-dh-params silent`);

		// Rollback puts the .cf back and removes the file the change created.
		const back = await runCli(['rollback', '--config', cfPath]);
		assert.equal(back.status, 0, back.stderr);
		assert.equal(readFileSync(cfPath, 'latin1'), stock);
		assert.equal(existsSync(dhFile), false, 'the DH file is gone again');
	});

	test('the same answers through Debian\'s sendmail.mc (which includes starttls.m4): the defines follow the include, the rebuilt .cf refuses TLS 1.1 and serves 1.2 in the server\'s order', async () => {
		const pair = debianStarttlsPair(mkdtempSync(path.join(folder, 'mc-')));
		const mcBefore = readFileSync(pair.mcPath, 'latin1');
		await apply(pair.cfPath);
		const mc = readFileSync(pair.mcPath, 'latin1');
		const dhFile = path.join(pair.folder, 'ffdhe2048.pem');
		assert.match(mc, /^define\(`confSERVER_SSL_OPTIONS', ``\+SSL_OP_NO_SSLv2 \+SSL_OP_NO_SSLv3 \+SSL_OP_NO_TLSv1 \+SSL_OP_NO_TLSv1_1 \+SSL_OP_CIPHER_SERVER_PREFERENCE''\)dnl$/m);
		assert.ok(mc.indexOf('define(`confDH_PARAMETERS\'') > mc.indexOf(`include(\`${pair.starttlsM4}')`), 'the DH define follows the include that sets it too');
		const cf = readFileSync(pair.cfPath, 'latin1');
		assert.ok(cf.includes(`\nO DHParameters=${dhFile}\n`), 'm4 kept the define after starttls.m4\'s');
		assert.match(cf, /^O CipherList=ECDHE\+AESGCM:ECDHE\+CHACHA20:DHE\+AESGCM:DHE\+CHACHA20:!aNULL$/m);
		assert.equal(readFileSync(dhFile, 'latin1').startsWith('-----BEGIN DH PARAMETERS-----'), true);

		const daemon = await network.startDaemon(withoutGreetPause(cf), {opensslConf});
		const after11 = await sClient(daemon.port, '-tls1_1');
		const after12 = await sClient(daemon.port, '-tls1_2');
		const scan = await nmap(daemon.port);
		await daemon.stop();
		assert.match(after11.text, /alert protocol version/, after11.text);
		assert.match(after12.text, /Protocol version: TLSv1\.2/, after12.text);
		assert.match(scan, /cipher preference: server/);
		assert.doesNotMatch(scan, /ssl-dh-params/);

		const back = await runCli(['rollback', '--config', pair.cfPath]);
		assert.equal(back.status, 0, back.stderr);
		assert.equal(readFileSync(pair.mcPath, 'latin1'), mcBefore);
		assert.equal(existsSync(dhFile), false);
	});

	test('rollback puts back the bytes of a DH file that was there before', async () => {
		const cfFolder = mkdtempSync(path.join(folder, 'prev-'));
		const files = makeDebianTlsFiles(cfFolder);
		const cfPath = path.join(cfFolder, 'sendmail.cf');
		const helpPath = path.join(cfFolder, 'helpfile');
		copyFileSync('/etc/mail/helpfile', helpPath);
		writeFileSync(cfPath, withStarttls(readFileSync('/etc/mail/sendmail.cf', 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`), files), 'latin1');
		const dhFile = path.join(cfFolder, 'ffdhe2048.pem');
		const previous = readFileSync(files.dhParameters);
		writeFileSync(dhFile, previous, {mode: 0o644});
		await apply(cfPath);
		assert.match(readFileSync(dhFile, 'latin1'), /^-----BEGIN DH PARAMETERS-----\nMIIBCAKCAQEA\/\/\/\//);
		const back = await runCli(['rollback', '--config', cfPath]);
		assert.equal(back.status, 0, back.stderr);
		assert.deepEqual(readFileSync(dhFile), previous);
	});
});
