// The access map's per-client limits as an outsider meets them: on a copy of Debian's .mc pair with
// an access map of its own, the CLI (--yes) edits the access file and rebuilds its .db with
// makemap, a daemon runs on the result in the private test network, and the client on
// 198.51.100.9 talks to it. Rollback puts both files back byte for byte, and the limit is gone on
// the wire. Times are asserted only as lower bounds, well under what sendmail waits.
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, test} from 'node:test';
import {copyDebianAccessPair, withoutFeatures} from '../helpers/access-fixture.js';
import {ensureBuilt, runCli} from '../helpers/cli.js';
import {skipUnlessDebianMc} from '../helpers/debian-mc.js';
import {createTestNetwork, SERVER_ADDR, skipUnlessNetns, type TestNetwork} from '../helpers/netns.js';

const skip = 'skip' in skipUnlessDebianMc() ? skipUnlessDebianMc() : skipUnlessNetns();
const talkScript = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/smtp-talk.mjs');

type Pair = ReturnType<typeof copyDebianAccessPair>;
const bytesOf = (pair: Pair) => Object.fromEntries(['cfPath', 'mcPath', 'accessPath', 'dbPath'].map(key => [key, readFileSync(pair[key as keyof Pair])]));

describe('the access map\'s per-client limits, on the wire from an outside address', skip, () => {
	let network: TestNetwork;
	let parent: string;
	let pair: Pair;
	let original: Record<string, Buffer>;
	let owners: {db: number[]; access: number[]};

	async function apply(answers: object, env?: NodeJS.ProcessEnv) {
		const answersPath = path.join(parent, 'answers.json');
		writeFileSync(answersPath, JSON.stringify(answers));
		return runCli(['--yes', '--no-restart', '--config', pair.cfPath, '--answers', answersPath], {env});
	}

	/** The first reply line of each of `count` connections opened at once from the client, sorted. */
	async function firstReplies(port: number, count: number): Promise<string[]> {
		const run = await network.run('client', process.execPath, [talkScript, SERVER_ADDR, String(port), 'first', String(count)], {timeoutMs: 90_000});
		assert.equal(run.status, 0, run.stderr);
		return JSON.parse(run.stdout) as string[];
	}

	before(async () => {
		ensureBuilt();
		parent = mkdtempSync(path.join(os.tmpdir(), 'access-wire-'));
		pair = copyDebianAccessPair(parent);
		original = bytesOf(pair);
		owners = Object.fromEntries([['db', pair.dbPath], ['access', pair.accessPath]].map(([name, file]) => {
			const stat = statSync(file!);
			return [name, [stat.uid, stat.gid, stat.mode & 0o7777]];
		})) as typeof owners;
		network = await createTestNetwork();
	});
	after(async () => {
		await network?.close();
		rmSync(parent, {recursive: true, force: true});
	});

	test('makemap failing (a PATH whose makemap exits 1) leaves sendmail.cf, the .mc, access and access.db byte-identical, with a one-line error', async () => {
		const bin = path.join(parent, 'bin');
		mkdirSync(bin);
		writeFileSync(path.join(bin, 'makemap'), '#!/bin/sh\necho "makemap: broken on purpose" >&2\nexit 1\n');
		chmodSync(path.join(bin, 'makemap'), 0o755);
		const run = await apply({clientRate: 3}, {PATH: `${bin}:${process.env['PATH'] ?? ''}`});
		assert.notEqual(run.status, 0);
		assert.equal(run.stderr.trim().split('\n').filter(line => !line.startsWith('sendmail-harden: note:')).length, 1, run.stderr);
		assert.match(run.stderr, /makemap hash .*access.* exited with 1: makemap: broken on purpose; nothing was written/);
		assert.doesNotMatch(run.stderr, /\n\s+at /);
		for (const [key, bytes] of Object.entries(bytesOf(pair))) {
			assert.ok(bytes.equals(original[key]!), `${key} changed`);
		}
	});

	test('{"clientRate":3}: only the default ClientRate line changes, and the 4th connection within the window gets 421 4.3.2', async () => {
		const run = await apply({clientRate: 3});
		assert.equal(run.status, 0, run.stderr);
		const before = original['accessPath']!.toString('latin1').split('\n');
		const afterLines = readFileSync(pair.accessPath, 'latin1').split('\n');
		assert.deepEqual(afterLines.map((line, index) => (line === before[index] ? '' : line)).filter(Boolean), ['ClientRate:\t\t\t\t3']);
		assert.ok(!readFileSync(pair.dbPath).equals(original['dbPath']!), 'access.db was not rebuilt');
		// Written with the owners and modes the files had: Debian's .db is the mail user's, 0640.
		const ownership = (file: string) => {
			const stat = statSync(file);
			return [stat.uid, stat.gid, stat.mode & 0o7777];
		};

		assert.deepEqual(ownership(pair.dbPath), owners.db);
		assert.deepEqual(ownership(pair.accessPath), owners.access);
		assert.equal(owners.db[2], 0o640);
		assert.notEqual(owners.db[0], 0, 'the fixture\'s access.db should be the mail user\'s');

		const daemon = await network.startDaemon(readFileSync(pair.cfPath, 'latin1'));
		const replies = await firstReplies(daemon.port, 4);
		await daemon.stop();
		assert.equal(replies.filter(reply => reply.startsWith('220 ')).length, 3, replies.join('\n'));
		assert.equal(replies.filter(reply => /^421 4\.3\.2 Connection rate limit exceeded\./.test(reply)).length, 1, replies.join('\n'));
		console.log(`clientRate 3, 4 connections at once: ${replies.join(' | ')}`);
	});

	test('{"greetPause":4000}: a client that talks before the greeting gets 554; a polite one waits for the pause', async () => {
		const run = await apply({greetPause: 4000});
		assert.equal(run.status, 0, run.stderr);
		// The FEATURE's number is what outsiders wait: sendmail never reads a keyless "GreetPause:" line.
		assert.match(readFileSync(pair.mcPath, 'latin1'), /^FEATURE\(`greet_pause', `4000'\)/m);
		assert.match(readFileSync(pair.cfPath, 'latin1'), /^R<\?> <\$\*>\t\t\$# 4000$/m);

		const daemon = await network.startDaemon(readFileSync(pair.cfPath, 'latin1'));
		const early = await network.run('client', process.execPath, [talkScript, SERVER_ADDR, String(daemon.port), 'early'], {input: JSON.stringify(['EHLO outside.test.example', 'MAIL FROM:<bot@outside.test.example>', 'QUIT'])});
		const polite = await network.run('client', process.execPath, [talkScript, SERVER_ADDR, String(daemon.port)], {input: JSON.stringify(['QUIT'])});
		await daemon.stop();
		assert.equal(early.status, 0, early.stderr);
		const earlyReplies = JSON.parse(early.stdout) as string[];
		assert.match(earlyReplies[0] ?? '', /^554 \S+ ESMTP not accepting messages/, earlyReplies.join('\n'));
		assert.equal(polite.status, 0, polite.stderr);
		const greeting = (JSON.parse(polite.stdout) as Array<{reply: string; ms: number}>)[0]!;
		assert.match(greeting.reply, /^220 /);
		// sendmail waits the whole pause; only half of it is asserted, so no busy machine fails it.
		assert.ok(greeting.ms >= 2000, `the polite client was greeted after ${Math.round(greeting.ms)} ms`);
		console.log(`greetPause 4000: early client got "${earlyReplies[0]}"; the polite one was greeted after ${Math.round(greeting.ms)} ms`);
	});

	test('rollback restores access and access.db byte-identical, and the rate limit is gone on the wire', async () => {
		for (let run = 0; run < 2; run++) {
			const rolled = await runCli(['rollback', '--config', pair.cfPath]);
			assert.equal(rolled.status, 0, rolled.stderr);
		}

		for (const [key, bytes] of Object.entries(bytesOf(pair))) {
			assert.ok(bytes.equals(original[key]!), `${key} is not byte-identical after rollback`);
		}

		const daemon = await network.startDaemon(readFileSync(pair.cfPath, 'latin1'));
		const replies = await firstReplies(daemon.port, 4);
		await daemon.stop();
		assert.deepEqual(replies.map(reply => reply.slice(0, 4)), ['220 ', '220 ', '220 ', '220 '], replies.join('\n'));
	});

	test('an .mc without FEATURE(ratecontrol) and FEATURE(greet_pause): {"clientRate":3,"greetPause":3000} adds both, and the daemon refuses the 4th connection and an early talker', async () => {
		const other = copyDebianAccessPair(parent);
		await withoutFeatures(other, ['ratecontrol', 'greet_pause']);
		assert.doesNotMatch(readFileSync(other.cfPath, 'latin1'), /<! ClientRate>|^Sgreet_pause/m);
		const answersPath = path.join(parent, 'features.json');
		writeFileSync(answersPath, JSON.stringify({clientRate: 3, greetPause: 3000}));
		const run = await runCli(['--yes', '--no-restart', '--config', other.cfPath, '--answers', answersPath]);
		assert.equal(run.status, 0, run.stderr);
		const mc = readFileSync(other.mcPath, 'latin1');
		assert.match(mc, /^FEATURE\(`greet_pause', `3000'\)dnl\nFEATURE\(`ratecontrol', `nodelay', `terminate'\)dnl\nMAILER_DEFINITIONS$/m);
		assert.match(readFileSync(other.accessPath, 'latin1'), /^ClientRate:\t\t\t\t3$/m);

		const daemon = await network.startDaemon(readFileSync(other.cfPath, 'latin1'));
		// The early talker is the window's 1st connection; three more at once are the 2nd to 4th.
		const early = await network.run('client', process.execPath, [talkScript, SERVER_ADDR, String(daemon.port), 'early'], {input: JSON.stringify(['EHLO outside.test.example', 'QUIT'])});
		const replies = await firstReplies(daemon.port, 3);
		await daemon.stop();
		assert.equal(early.status, 0, early.stderr);
		assert.match((JSON.parse(early.stdout) as string[])[0] ?? '', /^554 \S+ ESMTP not accepting messages/);
		assert.equal(replies.filter(reply => reply.startsWith('220 ')).length, 2, replies.join('\n'));
		assert.equal(replies.filter(reply => /^421 4\.3\.2 Connection rate limit exceeded\./.test(reply)).length, 1, replies.join('\n'));
	});
});
