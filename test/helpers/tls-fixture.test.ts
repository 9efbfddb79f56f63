import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {skipUnlessSendmail} from './sendmail.js';
import {skipUnlessDebianMc} from './debian-mc.js';
import {createTestNetwork, SERVER_ADDR, skipUnlessNetns, type TestNetwork} from './netns.js';
import {debianStarttlsPair, makeDebianTlsFiles, withStarttls} from './tls-fixture.js';

const skip = 'skip' in skipUnlessDebianMc() ? skipUnlessDebianMc() : ('skip' in skipUnlessSendmail() ? skipUnlessSendmail() : skipUnlessNetns());

// The premise of the STARTTLS tests: Debian's set-up, made in the test's folder, is one a real
// daemon serves STARTTLS with, and a client outside completes a handshake with it.
describe('Debian\'s STARTTLS set-up in a test folder', skip, () => {
	let network: TestNetwork;
	let folder: string;
	before(async () => {
		folder = mkdtempSync(path.join(tmpdir(), 'tls-fixture-'));
		network = await createTestNetwork();
	});
	after(async () => {
		await network?.close();
		rmSync(folder, {recursive: true, force: true});
	});

	const handshake = async (port: number) => network.run('client', 'openssl', ['s_client', '-starttls', 'smtp', '-connect', `${SERVER_ADDR}:${port}`, '-brief'], {input: 'QUIT\n'});

	test('the m4-built pair: STARTTLS offered, a handshake completes, the certificate names Sendmail', async () => {
		const pair = debianStarttlsPair(folder);
		const cf = readFileSync(pair.cfPath, 'latin1');
		assert.match(cf, new RegExp(`^O ServerCertFile=${pair.files.cert}$`, 'm'));
		assert.match(cf, /^O DontBlameSendmail=.*,GroupReadableKeyFile$/m);
		const {port} = await network.startDaemon(cf);
		const replies = await network.talk('client', SERVER_ADDR, port, ['EHLO outside.test.example', 'QUIT']);
		assert.match(replies[1]!, /^250-STARTTLS$/m);
		const result = await handshake(port);
		assert.match(result.stdout + result.stderr, /Protocol version: TLSv1\.3/);
		assert.match(result.stdout + result.stderr, /O ?= ?Sendmail, OU ?= ?Sendmail Server/);
	});

	test('withStarttls on Debian\'s cf gives the same set-up', async () => {
		const files = makeDebianTlsFiles(mkdtempSync(path.join(folder, 'cf-')));
		const {port} = await network.startDaemon(withStarttls(readFileSync('/etc/mail/sendmail.cf', 'latin1'), files));
		const result = await handshake(port);
		assert.match(result.stdout + result.stderr, /Protocol version: TLSv1\.3/);
	});
});
