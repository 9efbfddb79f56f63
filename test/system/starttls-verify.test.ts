// verify against a live daemon serving Debian's STARTTLS set-up in the private test network, run
// from the outside address: the STARTTLS row shows STARTTLS offered and the handshake's protocol
// and cipher; openssl s_client, an independent client, agrees on the protocol.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Check} from '../../source/core/verify-checks.js';
import {cliPath, ensureBuilt} from '../helpers/cli.js';
import {createTestNetwork, SERVER_ADDR, skipUnlessNetns, type TestNetwork} from '../helpers/netns.js';
import {sendmailWrapper, skipUnlessSendmail} from '../helpers/sendmail.js';
import {makeDebianTlsFiles, withStarttls} from '../helpers/tls-fixture.js';

const skip = 'skip' in skipUnlessSendmail() ? skipUnlessSendmail() : skipUnlessNetns();

describe('verify against a live daemon with STARTTLS', skip, () => {
	let network: TestNetwork;
	let folder: string;
	let port: number;
	const env = () => ({...process.env, SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper, SENDMAIL_HARDEN_STATE_DIR: path.join(folder, 'state')});
	before(async () => {
		ensureBuilt();
		folder = mkdtempSync(path.join(os.tmpdir(), 'starttls-verify-'));
		const files = makeDebianTlsFiles(folder);
		network = await createTestNetwork();
		port = (await network.startDaemon(withStarttls(readFileSync('/etc/mail/sendmail.cf', 'latin1'), files))).port;
	});
	after(async () => {
		await network?.close();
		rmSync(folder, {recursive: true, force: true});
	});

	test('the STARTTLS row shows the handshake, as openssl s_client sees it', async () => {
		const run = await network.run('client', process.execPath, [cliPath, 'verify', '--host', SERVER_ADDR, '--port', String(port)], {env: env(), timeoutMs: 120_000});
		assert.match(run.stdout, /^✔ STARTTLS: expected STARTTLS in EHLO and a TLS handshake; offered, handshake completed: TLSv1\.3, TLS_AES_256_GCM_SHA384 — server said "220 2\.0\.0 Ready to start TLS"$/m, run.stdout + run.stderr);
		const json = await network.run('client', process.execPath, [cliPath, 'verify', '--host', SERVER_ADDR, '--port', String(port), '--json'], {env: env(), timeoutMs: 120_000});
		const row = (JSON.parse(json.stdout) as {verify: {checks: Check[]}}).verify.checks.find(check => check.name === 'STARTTLS');
		assert.equal(row?.status, 'pass');
		const openssl = await network.run('client', 'openssl', ['s_client', '-starttls', 'smtp', '-connect', `${SERVER_ADDR}:${port}`, '-brief'], {input: 'QUIT\n'});
		assert.match(openssl.stdout + openssl.stderr, /Protocol version: TLSv1\.3/);
		assert.match(openssl.stdout + openssl.stderr, /Ciphersuite: TLS_AES_256_GCM_SHA384/);
	});
});
