import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {skipUnlessSendmail} from './sendmail.js';
import {CLIENT_ADDR, createTestNetwork, SERVER_ADDR, skipUnlessNetns, type TestNetwork} from './netns.js';

const skip = 'skip' in skipUnlessSendmail() ? skipUnlessSendmail() : skipUnlessNetns();

// The premise of every outsider test: on Debian's own sendmail.cf and access map, a client on
// another address is refused relaying, while the daemon's host is allowed it, even over its own
// outside address.
describe('private test network', skip, () => {
	let network: TestNetwork;
	let port: number;
	before(async () => {
		network = await createTestNetwork();
		port = (await network.startDaemon(readFileSync('/etc/mail/sendmail.cf', 'latin1'))).port;
	});
	after(async () => {
		await network?.close();
	});

	const relay = ['EHLO outside.test.example', 'MAIL FROM:<probe@outside.test.example>', 'RCPT TO:<someone@example.org>', 'QUIT'];

	test('a client on the other address is refused relaying, as an outsider is', async () => {
		const replies = await network.talk('client', SERVER_ADDR, port, relay);
		assert.match(replies[0]!, /^220 mail\.test\.example ESMTP/);
		assert.match(replies[3]!, /^550 5\.7\.1 <someone@example\.org>\.\.\. Relaying denied/);
		const who = await network.run('client', 'ip', ['-4', '-o', 'addr', 'show']);
		assert.match(who.stdout, new RegExp(CLIENT_ADDR.replaceAll('.', '\\.')));
	});

	test('the daemon\'s own host may relay, over the same outside address', async () => {
		const replies = await network.talk('server', SERVER_ADDR, port, relay);
		assert.match(replies[3]!, /^250 2\.1\.5 <someone@example\.org>\.\.\. Recipient ok/);
	});

	test('close() removes both namespaces and their hosts files', async () => {
		const other = await createTestNetwork();
		const names = Object.values(other.namespaces);
		await other.close();
		const list = spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout;
		for (const name of names) {
			assert.doesNotMatch(list, new RegExp(name));
			assert.equal(existsSync(`/etc/netns/${name}`), false);
		}
	});
});
