// The MX check of listen "local" against name servers of the test's own on 127.0.0.1 (never the
// host's resolver): a hub found by its MX's address, an MX elsewhere, no domain, and a server that
// never answers, which the time bound turns into "could not tell" instead of a wait or a "no".
// The exchanges here are names /etc/hosts answers (localhost), so no other server is asked.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import dgram from 'node:dgram';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'node:test';
import {checkMailHub} from '../../source/system/mail-hub.js';

const dnsScript = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/tiny-dns.mjs');

/** tiny-dns on a free port of 127.0.0.1 with this zone; its address and a stop. */
async function nameServer(t: {after(fn: () => void): void}, zone: object): Promise<string> {
	const child = spawn(process.execPath, [dnsScript, JSON.stringify(zone), '0'], {stdio: ['ignore', 'pipe', 'ignore']});
	t.after(() => child.kill());
	return new Promise((resolve, reject) => {
		child.stdout.on('data', chunk => {
			const port = /ready (\d+)/.exec(String(chunk))?.[1];
			if (port !== undefined) {
				resolve(`127.0.0.1:${port}`);
			}
		});
		child.on('close', status => {
			reject(new Error(`tiny-dns exited with ${String(status)}`));
		});
	});
}

test('a host whose domain\'s MX resolves to one of its addresses is a hub; an MX elsewhere is not', async t => {
	const server = await nameServer(t, {MX: {'example.test': ['localhost']}});
	assert.deepEqual(await checkMailHub({hostName: 'mail.example.test', servers: [server], addresses: ['127.0.0.1', '192.0.2.1']}), {kind: 'hub', domain: 'example.test', exchange: 'localhost', address: '127.0.0.1'});
	assert.deepEqual(await checkMailHub({hostName: 'mail.example.test', servers: [server], addresses: ['192.0.2.1']}), {kind: 'not-hub', domain: 'example.test', exchanges: ['localhost']});
	// A domain the server does not hold (NXDOMAIN) has no MX: an answer, not a failure.
	assert.deepEqual(await checkMailHub({hostName: 'www.other.test', servers: [server], addresses: ['127.0.0.1']}), {kind: 'not-hub', domain: 'other.test', exchanges: []});
});

test('a host name without a domain cannot be asked, and says so', async () => {
	assert.deepEqual(await checkMailHub({hostName: 'vm', servers: ['127.0.0.1:9']}), {kind: 'unknown', domain: undefined, reason: 'the host name "vm" has no domain, so its MX records cannot be asked'});
});

test('a name server that never answers gives "could not tell" within the bound', async t => {
	const silent = dgram.createSocket('udp4');
	t.after(() => silent.close());
	await new Promise<void>(resolve => {
		silent.bind(0, '127.0.0.1', resolve);
	});
	const finding = await checkMailHub({hostName: 'mail.example.test', servers: [`127.0.0.1:${silent.address().port}`], timeoutMs: 1000, addresses: ['127.0.0.1']});
	assert.equal(finding.kind, 'unknown');
	assert.match(finding.kind === 'unknown' ? finding.reason : '', /did not answer within 1 s|MX lookup of example\.test failed \(ETIMEOUT\)/);
});
