// listen "local" as an outsider meets it, and its refusal on a mail hub. Everything runs in the
// private test network (test/helpers/netns.ts): the CLI (--yes) in the server namespace, whose
// resolver is pointed at a DNS server written here (test/helpers/tiny-dns.mjs, 127.0.0.1:53 of
// that namespace, via /etc/netns/NAME/resolv.conf, which `ip netns exec` mounts over
// /etc/resolv.conf as it does the hosts file), so no question leaves the namespace.
//
// The daemon runs on the tool's own daemon lines: startAsIs changes only the files a test daemon
// needs of its own (pid, queue, status, no control socket, no DNS for sendmail) and asserts that
// every DaemonPortOptions line is the tool's, byte for byte. (startDaemon's daemonCf would replace
// them with its own port and address, which would prove nothing here.) In the server namespace
// ports 25 and 587 are free, so Debian's Port=smtp and Port=submission stay as they are.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, test} from 'node:test';
import {cliPath, ensureBuilt} from '../helpers/cli.js';
import {copyDebianMcPair, skipUnlessDebianMc} from '../helpers/debian-mc.js';
import {createTestNetwork, SERVER_ADDR, SERVER_NAME, skipUnlessNetns, type TestNetwork} from '../helpers/netns.js';
import {readPid, sendmailPath, sendmailWrapper, skipUnlessSendmail} from '../helpers/sendmail.js';

const skip = 'skip' in skipUnlessSendmail() ? skipUnlessSendmail() : 'skip' in skipUnlessDebianMc() ? skipUnlessDebianMc() : skipUnlessNetns();
const dnsScript = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/tiny-dns.mjs');
const stockCf = '/etc/mail/sendmail.cf';

const daemonLines = (cf: string) => cf.split('\n').filter(line => line.startsWith('O DaemonPortOptions='));
/** Debian's daemon lines without their Addr: a daemon that listens on every address. */
const openDaemons = (text: string) => text.replaceAll(/^((?:O DaemonPortOptions=|DAEMON_OPTIONS\(`)[^\n]*?), Addr=127\.0\.0\.1/gm, '$1');

const sleep = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

describe('listen "local" on the wire, and its refusal on a mail hub', skip, () => {
	let network: TestNetwork;
	let folder: string;
	let dns: ChildProcess | undefined;
	let dnsLog = '';
	before(async () => {
		ensureBuilt();
		network = await createTestNetwork();
		folder = mkdtempSync(path.join(os.tmpdir(), 'listen-wire-'));
	});
	after(async () => {
		await stopDns();
		await network?.close();
		rmSync(folder, {recursive: true, force: true});
	});

	/** Starts the DNS server with this zone in the server namespace, its resolver pointed at it. */
	async function startDns(zone: object): Promise<void> {
		await stopDns();
		writeFileSync(path.join('/etc/netns', network.namespaces.server, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
		dnsLog = '';
		const child = spawn('ip', ['netns', 'exec', network.namespaces.server, process.execPath, dnsScript, JSON.stringify(zone)], {stdio: ['ignore', 'pipe', 'pipe']});
		dns = child;
		child.stderr.on('data', chunk => {
			dnsLog += String(chunk);
		});
		await new Promise<void>((resolve, reject) => {
			child.stdout.on('data', chunk => {
				if (String(chunk).includes('ready')) {
					resolve();
				}
			});
			child.on('close', status => {
				reject(new Error(`the DNS server exited with ${String(status)}: ${dnsLog}`));
			});
		});
	}

	async function stopDns(): Promise<void> {
		const child = dns;
		dns = undefined;
		if (child !== undefined && child.exitCode === null) {
			const closed = new Promise(resolve => {
				child.on('close', resolve);
			});
			child.kill('SIGTERM');
			await closed;
		}
	}

	/** The built CLI in the server namespace, as mail.test.example, with the answers given. */
	async function cli(args: string[], answers: object) {
		const answersPath = path.join(folder, `answers-${Date.now()}.json`);
		writeFileSync(answersPath, JSON.stringify(answers));
		return network.run('server', process.execPath, [cliPath, ...args, '--no-restart', '--hostname', SERVER_NAME, '--answers', answersPath], {env: {...process.env, SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper}, timeoutMs: 120_000});
	}

	/** A daemon in the server namespace on cfText's own daemon lines (see the top of this file). */
	async function startAsIs(cfText: string): Promise<{stop(): Promise<void>}> {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'listen-daemon-'));
		mkdirSync(path.join(dir, 'mqueue'), {mode: 0o700});
		const own = /^O (?:PidFile|QueueDirectory|StatusFile|ServiceSwitchFile|ControlSocketName)=/;
		const cf = [
			...cfText.replace(/\n$/, '').split('\n').map(line => (own.test(line) ? `#${line}` : line)),
			`O PidFile=${dir}/sendmail.pid`,
			`O QueueDirectory=${dir}/mqueue`,
			`O StatusFile=${dir}/sendmail.st`,
			'O ServiceSwitchFile=/etc/mail/service.switch-nodns',
			`Dj${SERVER_NAME}`,
			'',
		].join('\n');
		assert.deepEqual(daemonLines(cf), daemonLines(cfText), 'the test daemon listens on the tool\'s daemon lines');
		const cfPath = path.join(dir, 'test.cf');
		writeFileSync(cfPath, cf, 'latin1');
		const daemon = spawn('ip', ['netns', 'exec', network.namespaces.server, 'unshare', '--uts', 'sh', '-c', `hostname ${SERVER_NAME} && exec "$0" -C "$1" -bD -q15m`, sendmailPath, cfPath], {stdio: ['ignore', 'ignore', 'pipe']});
		let stderr = '';
		daemon.stderr.on('data', chunk => {
			stderr += String(chunk);
		});
		const exited = new Promise(resolve => {
			daemon.on('close', resolve);
		});
		const stop = async () => {
			if (daemon.exitCode === null && daemon.signalCode === null) {
				daemon.kill('SIGTERM');
				await exited;
			}

			rmSync(dir, {recursive: true, force: true});
		};

		// Up once it wrote its pid and answers on the loopback, which both configs listen on.
		for (let tries = 0; tries < 150; tries++) {
			if (readPid(path.join(dir, 'sendmail.pid')) !== undefined && (await connect('server', '127.0.0.1', 25)).startsWith('220')) {
				return {stop};
			}

			if (daemon.exitCode !== null) {
				break;
			}

			await sleep(100);
		}

		await stop();
		throw new Error(`the daemon did not answer on 127.0.0.1:25: ${stderr}`);
	}

	/** What a connection from that side gets: the greeting's first line, or the error's code (ECONNREFUSED). */
	async function connect(side: 'server' | 'client', host: string, port: number): Promise<string> {
		const script = `const s = require('node:net').connect(${port}, '${host}'); s.setTimeout(5000, () => { console.log('TIMEOUT'); process.exit(); }); s.on('error', e => console.log(e.code)); s.on('data', d => { console.log(String(d).split('\\r\\n')[0]); s.destroy(); });`;
		return (await network.run(side, process.execPath, ['-e', script], {timeoutMs: 10_000})).stdout.trim();
	}

	/** Debian's stock sendmail.cf with its daemons opened (no Addr), its help file copied beside it, written to `name`. */
	function openedStock(name: string): {cfPath: string; opened: string} {
		const helpPath = path.join(folder, 'helpfile');
		copyFileSync('/etc/mail/helpfile', helpPath);
		const opened = openDaemons(readFileSync(stockCf, 'latin1')).replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`);
		const cfPath = path.join(folder, name);
		writeFileSync(cfPath, opened, 'latin1');
		return {cfPath, opened};
	}

	const notOurs = {MX: {'test.example': ['relay.elsewhere.example']}, A: {'relay.elsewhere.example': '198.51.100.77'}};

	test('{"listen":"local"} on Debian\'s sendmail.cf opened to all: the outside address is refused, 127.0.0.1 answers 220', async () => {
		await startDns(notOurs);
		const {cfPath, opened} = openedStock('sendmail.cf');
		assert.deepEqual(daemonLines(opened), ['O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp', 'O DaemonPortOptions=Family=inet,  Name=MSP-v4, Port=submission, M=Ea']);

		// Before: the opened config answers on the outside address, from the other machine too.
		const before = await startAsIs(opened);
		assert.match(await connect('client', SERVER_ADDR, 25), /^220 mail\.test\.example ESMTP/);
		await before.stop();

		const run = await cli(['--yes', '--config', cfPath], {listen: 'local'});
		assert.equal(run.status, 0, run.stderr);
		const edited = readFileSync(cfPath, 'latin1');
		assert.deepEqual(daemonLines(edited), ['O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1', 'O DaemonPortOptions=Family=inet,  Name=MSP-v4, Port=submission, M=Ea, Addr=127.0.0.1']);
		// Only the daemon lines changed.
		assert.deepEqual(edited.split('\n').filter((line, index) => line !== opened.split('\n')[index]), daemonLines(edited));
		assert.match(dnsLog, /^MX test\.example$/m, 'the tool asked the namespace\'s resolver');

		const daemon = await startAsIs(edited);
		try {
			assert.equal(await connect('client', SERVER_ADDR, 25), 'ECONNREFUSED');
			assert.equal(await connect('server', SERVER_ADDR, 25), 'ECONNREFUSED');
			assert.equal(await connect('client', SERVER_ADDR, 587), 'ECONNREFUSED');
			assert.match(await connect('server', '127.0.0.1', 25), /^220 mail\.test\.example ESMTP/);
			assert.match(await connect('server', '127.0.0.1', 587), /^220 mail\.test\.example ESMTP/);
		} finally {
			await daemon.stop();
		}
	});

	test('{"listen":"local"} through Debian\'s .mc pair: DAEMON_OPTIONS edited, the .cf rebuilt by m4, the daemon on it refuses the outside address', async () => {
		await startDns(notOurs);
		const pair = copyDebianMcPair(folder);
		// Opened first by the tool itself ("all"), so that .mc and .cf agree as a rebuild leaves them.
		const opening = await cli(['--yes', '--config', pair.cfPath], {listen: 'all'});
		assert.equal(opening.status, 0, opening.stderr);
		assert.doesNotMatch(readFileSync(pair.mcPath, 'latin1'), /^DAEMON_OPTIONS\(.*Addr=/m);
		const opened = readFileSync(pair.cfPath, 'latin1');
		const before = await startAsIs(opened);
		assert.match(await connect('client', SERVER_ADDR, 25), /^220 /);
		await before.stop();

		const mcBefore = readFileSync(pair.mcPath, 'latin1');
		const run = await cli(['--yes', '--config', pair.cfPath], {listen: 'local'});
		assert.equal(run.status, 0, run.stderr);
		const mcAfter = readFileSync(pair.mcPath, 'latin1');
		assert.deepEqual(mcAfter.split('\n').filter((line, index) => line !== mcBefore.split('\n')[index]), [
			'DAEMON_OPTIONS(`Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1\')dnl',
			'DAEMON_OPTIONS(`Family=inet,  Name=MSP-v4, Port=submission, M=Ea, Addr=127.0.0.1\')dnl',
		]);
		const edited = readFileSync(pair.cfPath, 'latin1');
		assert.deepEqual(daemonLines(edited), ['O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1', 'O DaemonPortOptions=Family=inet,  Name=MSP-v4, Port=submission, M=Ea, Addr=127.0.0.1']);
		const daemon = await startAsIs(edited);
		try {
			assert.equal(await connect('client', SERVER_ADDR, 25), 'ECONNREFUSED');
			assert.match(await connect('server', '127.0.0.1', 25), /^220 mail\.test\.example ESMTP/);
		} finally {
			await daemon.stop();
		}

		// Rollback restores the set: both files as they were before "local", byte for byte.
		const back = await network.run('server', process.execPath, [cliPath, 'rollback', '--config', pair.cfPath], {env: {...process.env, SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper}, timeoutMs: 120_000});
		assert.equal(back.status, 0, back.stderr);
		assert.equal(readFileSync(pair.mcPath, 'latin1'), mcBefore);
		assert.equal(readFileSync(pair.cfPath, 'latin1'), opened);
	});

	test('on a host that is its domain\'s MX, {"listen":"local"} is refused with one line, exit 2, sendmail.cf byte-identical; with the MX elsewhere it is accepted', async () => {
		const {cfPath, opened} = openedStock('hub.cf');
		await startDns({MX: {'test.example': [SERVER_NAME]}});
		for (const mode of ['--yes', '--dry-run']) {
			const run = await cli([mode, '--config', cfPath], {listen: 'local'});
			assert.equal(run.status, 2, `${mode}: ${run.stderr}`);
			assert.equal(run.stderr, `sendmail-harden: listen "local" refused: this host is the mail exchanger of test.example (its MX ${SERVER_NAME} is ${SERVER_ADDR}, an address of this host), and "local" would refuse all mail from other machines; answer "all" or leave listen out; nothing was written\n`);
			assert.equal(readFileSync(cfPath, 'latin1'), opened);
		}

		await startDns(notOurs);
		const accepted = await cli(['--dry-run', '--config', cfPath], {listen: 'local'});
		assert.equal(accepted.status, 0, accepted.stderr);
		assert.match(accepted.stdout, /^\+O DaemonPortOptions=Family=inet, {2}Name=MTA-v4, Port=smtp, Addr=127\.0\.0\.1$/m);
		assert.doesNotMatch(accepted.stderr, /could not tell/);
	});

	test('when the resolver does not answer, "local" is not refused on a guess, and the admin is told the MX could not be checked', async () => {
		await stopDns();
		// Nothing listens on 127.0.0.1:53 of the namespace now.
		const {cfPath} = openedStock('unknown.cf');
		const run = await cli(['--dry-run', '--config', cfPath], {listen: 'local'});
		assert.equal(run.status, 0, run.stderr);
		assert.match(run.stderr, /^sendmail-harden: warning: could not tell whether this host is its domain's mail exchanger \(the MX lookup of test\.example failed \(\w+\)\): "local" refuses all mail from other machines, so make sure this host receives none$/m);
	});
});
