// AUTH as an outsider meets it, on Debian's STARTTLS and SASL set-up (test/helpers/tls-fixture.ts,
// sasl-fixture.ts): the answers are written by the CLI (--yes) into the pair (the .mc edited and
// the .cf rebuilt, or the .cf alone), a daemon runs on the result in the private test network, and
// the client on 198.51.100.9 asks EHLO in the clear and, through swaks, again after STARTTLS.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {runCli} from '../helpers/cli.js';
import {skipUnlessDebianMc} from '../helpers/debian-mc.js';
import {createTestNetwork, SERVER_ADDR, skipUnlessNetns, type TestNetwork} from '../helpers/netns.js';
import {skipUnlessSasl, withDebianSasl} from '../helpers/sasl-fixture.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';
import {debianStarttlsPair, makeDebianTlsFiles, withStarttls} from '../helpers/tls-fixture.js';

const skips = [skipUnlessSendmail(), skipUnlessDebianMc(), skipUnlessNetns(), skipUnlessSasl()];
const skip = skips.find(each => 'skip' in each) ?? {};

/** The mechanisms of the "250-AUTH" line among reply lines (swaks prefixes them with "<-  " or "<~  "); undefined when none. */
function authOffer(lines: readonly string[]): string[] | undefined {
	const line = lines.map(text => text.replace(/^<[-~] +/, '')).find(text => /^250[ -]AUTH /.test(text));
	return line?.replace(/^250[ -]AUTH /, '').trim().split(/\s+/);
}

describe('AUTH before and after STARTTLS, on the wire from an outside address', skip, () => {
	let network: TestNetwork;
	let parent: string;
	before(async () => {
		parent = mkdtempSync(path.join(os.tmpdir(), 'auth-wire-'));
		network = await createTestNetwork();
	});
	after(async () => {
		await network?.close();
		rmSync(parent, {recursive: true, force: true});
	});

	/** Debian's .mc/.cf pair with STARTTLS and SASL as update_tls and update_auth set them up. */
	const debianPair = () => {
		const pair = debianStarttlsPair(parent);
		withDebianSasl(pair);
		return pair;
	};

	/** `--yes` with these answers on the files at cfPath (and the .mc beside it, if any). */
	const apply = async (cfPath: string, answers: object) => {
		const answersPath = path.join(path.dirname(cfPath), 'answers.json');
		writeFileSync(answersPath, JSON.stringify(answers));
		const run = await runCli(['--yes', '--no-restart', '--config', cfPath, '--answers', answersPath]);
		assert.equal(run.status, 0, run.stderr);
		return run;
	};

	/** What the client gets: EHLO's AUTH offer in the clear, whether STARTTLS is offered, and the AUTH offer after it. */
	const offers = async (cfText: string) => {
		const daemon = await network.startDaemon(cfText);
		try {
			const clear = await network.talk('client', SERVER_ADDR, daemon.port, ['EHLO outside.test.example', 'QUIT']);
			const ehlo = clear[1]!.split('\n');
			const tls = await network.run('client', 'swaks', ['--server', `${SERVER_ADDR}:${daemon.port}`, '--ehlo', 'outside.test.example', '--tls', '--quit-after', 'EHLO'], {timeoutMs: 30_000});
			assert.match(tls.stdout, /=== TLS started with cipher/, tls.stdout + tls.stderr);
			// After the handshake swaks marks the server's lines "<~".
			const afterTls = tls.stdout.split('\n').filter(line => line.startsWith('<~'));
			assert.ok(afterTls.some(line => /^<~ +250 /.test(line)), tls.stdout);
			return {clear: authOffer(ehlo), starttls: ehlo.includes('250-STARTTLS'), afterTls: authOffer(afterTls)};
		} finally {
			await daemon.stop();
		}
	};

	test('{"authRequireTls":true,"authMechanisms":["PLAIN","LOGIN"]} through the .mc: no AUTH before STARTTLS, exactly PLAIN and LOGIN after it', async () => {
		const pair = debianPair();
		const stock = await offers(readFileSync(pair.cfPath, 'latin1'));
		// Before the tool, as Debian's set-up leaves it: AUTH offered in the clear, DIGEST-MD5 (historic) with it.
		assert.deepEqual(stock, {clear: ['DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN'], starttls: true, afterTls: ['DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN']});

		await apply(pair.cfPath, {authRequireTls: true, authMechanisms: ['PLAIN', 'LOGIN']});
		const mc = readFileSync(pair.mcPath, 'latin1');
		assert.match(mc, /^define\(`confAUTH_OPTIONS', `p'\)dnl$/m);
		assert.match(mc, /^define\(`confAUTH_MECHANISMS', `PLAIN LOGIN'\)dnl$/m);
		const cf = readFileSync(pair.cfPath, 'latin1');
		assert.match(cf, /^O AuthMechanisms=PLAIN LOGIN$/m);
		assert.match(cf, /^O AuthOptions=p$/m);
		const hardened = await offers(cf);
		assert.equal(hardened.clear, undefined, 'AUTH offered before STARTTLS');
		assert.equal(hardened.starttls, true);
		// sendmail's order is the SASL library's: PLAIN before LOGIN here.
		assert.deepEqual(hardened.afterTls, ['PLAIN', 'LOGIN']);
	});

	test('{"authRequireTls":true} alone: DIGEST-MD5 and CRAM-MD5 are still offered in the clear, and the tool says so', async () => {
		const pair = debianPair();
		const run = await apply(pair.cfPath, {authRequireTls: true});
		assert.match(run.stdout + run.stderr, /AUTH is still offered before STARTTLS: AuthOptions p hides only PLAIN and LOGIN, and DIGEST-MD5, CRAM-MD5 stay offered/);
		const offered = await offers(readFileSync(pair.cfPath, 'latin1'));
		assert.deepEqual(offered.clear, ['DIGEST-MD5', 'CRAM-MD5']);
		assert.deepEqual(offered.afterTls, ['DIGEST-MD5', 'CRAM-MD5', 'PLAIN', 'LOGIN']);
	});

	test('the .cf alone, whose AuthOptions already has A: the tool writes "A,p" and sendmail reads the p in it', async () => {
		const folder = mkdtempSync(path.join(parent, 'cf-'));
		const cfPath = path.join(folder, 'sendmail.cf');
		const stockCf = readFileSync('/etc/mail/sendmail.cf', 'latin1').replace(/^O HelpFile=.*$/m, '#$&').replace(/^#O AuthOptions$/m, 'O AuthOptions=A');
		writeFileSync(cfPath, withStarttls(stockCf, makeDebianTlsFiles(folder)), 'latin1');
		await apply(cfPath, {authRequireTls: true, authMechanisms: ['PLAIN', 'LOGIN']});
		const cf = readFileSync(cfPath, 'latin1');
		assert.match(cf, /^O AuthOptions=A,p$/m);
		assert.equal(cf.match(/^O AuthOptions=/gm)?.length, 1);
		const offered = await offers(cf);
		assert.equal(offered.clear, undefined);
		assert.deepEqual(offered.afterTls, ['PLAIN', 'LOGIN']);
	});
});
