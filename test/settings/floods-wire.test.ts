// The "Floods and harvesting" limits as an outsider meets them: each answer is written by the CLI
// (--yes) into a copy of Debian's stock sendmail.cf, a daemon runs on the result in the private
// test network, and the client on 198.51.100.9 talks to it. Times are asserted only as lower
// bounds (sendmail sleeps at least that long); a busy machine only makes them longer.
import assert from 'node:assert/strict';
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, test} from 'node:test';
import {runCli} from '../helpers/cli.js';
import {createTestNetwork, SERVER_ADDR, skipUnlessNetns, type TestNetwork} from '../helpers/netns.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';

const skip = 'skip' in skipUnlessSendmail() ? skipUnlessSendmail() : skipUnlessNetns();
const timedScript = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/smtp-talk.mjs');
const stockCf = '/etc/mail/sendmail.cf';

type Timed = {reply: string; ms: number};

/** Debian's stock sendmail.cf (less the lines `without` matches) with these answers written by `--yes`, as text. */
async function hardened(answers: object, without?: RegExp): Promise<string> {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'floods-wire-'));
	try {
		const cfPath = path.join(folder, 'sendmail.cf');
		const helpPath = path.join(folder, 'helpfile');
		copyFileSync('/etc/mail/helpfile', helpPath);
		const stock = readFileSync(stockCf, 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`);
		writeFileSync(cfPath, without === undefined ? stock : stock.replace(without, ''), 'latin1');
		const answersPath = path.join(folder, 'answers.json');
		writeFileSync(answersPath, JSON.stringify(answers));
		const run = await runCli(['--yes', '--no-restart', '--config', cfPath, '--answers', answersPath]);
		assert.equal(run.status, 0, run.stderr);
		return readFileSync(cfPath, 'latin1');
	} finally {
		rmSync(folder, {recursive: true, force: true});
	}
}

const unknown = (count: number) => Array.from({length: count}, (_, index) => `RCPT TO:<nobody-here-${index + 1}@mail.test.example>`);

/**
 * The accounts nmap's smtp-enum-users (RCPT method, its own list of names) reports from the client
 * side. "+" runs the script on the test daemon's port, which is not 25.
 */
async function enumerated(network: TestNetwork, port: number): Promise<string[]> {
	const scan = await network.run('client', 'nmap', ['-Pn', '-n', '-p', String(port), '--script', '+smtp-enum-users', '--script-args', 'smtp-enum-users.methods={RCPT},smtp.domain=mail.test.example', SERVER_ADDR], {timeoutMs: 120_000});
	assert.equal(scan.status, 0, scan.stderr);
	const block = /\| smtp-enum-users: *\n((?:\|.*\n)*)/.exec(scan.stdout)?.[1] ?? '';
	return block.split('\n').map(line => /^\|[_ ] +(\S+)$/.exec(line.trimEnd())?.[1]).filter((name): name is string => name !== undefined);
}

describe('Floods and harvesting, on the wire from an outside address', skip, () => {
	let network: TestNetwork;
	before(async () => {
		network = await createTestNetwork();
	});
	after(async () => {
		await network?.close();
	});

	test('{"badRcptShutdown":4}: the 5th unknown RCPT gets 421 4.7.0 and the connection closes; nmap confirms at most 1 account', async () => {
		const stock = await network.startDaemon(readFileSync(stockCf, 'latin1'));
		const before = await enumerated(network, stock.port);
		await stock.stop();

		const cf = await hardened({badRcptShutdown: 4});
		assert.match(cf, /^O BadRcptShutdown=4$/m);
		const daemon = await network.startDaemon(cf);
		const replies = await network.talk('client', SERVER_ADDR, daemon.port, ['EHLO outside.test.example', 'MAIL FROM:<probe@outside.test.example>', ...unknown(6), 'QUIT']);
		for (const reply of replies.slice(3, 7)) {
			assert.match(reply, /^550 5\.1\.1 /);
		}

		assert.match(replies[7] ?? '', /^421 4\.7\.0 .*Too many bad recipients; closing connection/);
		// Nothing after it: the 6th RCPT and QUIT meet a closed connection.
		assert.equal(replies.length, 8, replies.join('\n'));

		const after = await enumerated(network, daemon.port);
		await daemon.stop();
		// The scan works against this daemon (on this host nmap's list holds one real account, root).
		assert.ok(before.length >= 1, 'nmap confirmed no account on the stock config');
		assert.ok(after.length <= 1, `nmap still confirmed ${after.join(', ')}`);
		console.log(`nmap smtp-enum-users (RCPT): ${before.length} accounts before, ${after.length} after`);
	});

	test('{"badRcptThrottle":3}: the 4th unknown recipient is answered after sendmail\'s one-second sleep', async () => {
		// The stock config sets BadRcptThrottle=3 already: take it out, so the answer is what adds it.
		const cf = await hardened({badRcptThrottle: 3}, /^O BadRcptThrottle=.*\n/m);
		assert.match(cf, /^O BadRcptThrottle=3$/m);
		const daemon = await network.startDaemon(cf);
		const talk = await network.run('client', process.execPath, [timedScript, SERVER_ADDR, String(daemon.port)], {input: JSON.stringify(['EHLO outside.test.example', 'MAIL FROM:<probe@outside.test.example>', ...unknown(4), 'QUIT'])});
		await daemon.stop();
		assert.equal(talk.status, 0, talk.stderr);
		const replies = JSON.parse(talk.stdout) as Timed[];
		const fourth = replies[6]!;
		assert.match(fourth.reply, /^550 5\.1\.1 /);
		// sendmail sleep(1)s before answering it: at least about a second, whatever else the machine does.
		assert.ok(fourth.ms >= 900, `the 4th unknown recipient was answered after ${Math.round(fourth.ms)} ms`);
		console.log(`badRcptThrottle 3: unknown RCPT answered after ${replies.slice(3, 7).map(each => Math.round(each.ms)).join(', ')} ms`);
	});

	test('{"connectionRateThrottle":2}: a burst of 10 connections is greeted over several seconds', async () => {
		const cf = await hardened({connectionRateThrottle: 2});
		assert.match(cf, /^O ConnectionRateThrottle=2$/m);
		const daemon = await network.startDaemon(cf);
		const burst = await network.run('client', process.execPath, [timedScript, SERVER_ADDR, String(daemon.port), 'burst', '10'], {timeoutMs: 90_000});
		await daemon.stop();
		assert.equal(burst.status, 0, burst.stderr);
		const greeted = JSON.parse(burst.stdout) as number[];
		assert.equal(greeted.length, 10);
		assert.ok(greeted.every(ms => ms >= 0), 'a connection got no greeting');
		// Past two in a second, sendmail sleep(1)s before it serves the next: the burst cannot all be
		// greeted within one second.
		assert.ok(greeted.at(-1)! - greeted[0]! >= 900, `the burst was greeted within ${Math.round(greeted.at(-1)! - greeted[0]!)} ms: ${greeted.map(Math.round).join(', ')}`);
		console.log(`connectionRateThrottle 2: 10 greetings at ${greeted.map(Math.round).join(', ')} ms`);
	});
});
