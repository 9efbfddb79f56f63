// The outsider's view, on the wire: a daemon in a private network namespace (198.51.100.1), verify
// run from another address (198.51.100.9) and from the daemon's own host, the rehearsal playing an
// outside client, and nmap's smtp-enum-users as the independent judge of the account harvest.
// nmap runs its script with "+" since the test port is not one it knows for SMTP.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {planHardening} from '../../source/core/plan.js';
import type {Answers} from '../../source/core/answers.js';
import type {Check} from '../../source/core/verify-checks.js';
import {rehearseFiles} from '../../source/system/rehearsal.js';
import {cliPath} from '../helpers/cli.js';
import {CLIENT_ADDR, createTestNetwork, SERVER_ADDR, skipUnlessNetns, type TestNetwork} from '../helpers/netns.js';
import {spawnSync} from 'node:child_process';
import {sendmailWrapper, skipUnlessSendmail} from '../helpers/sendmail.js';

const skip = 'skip' in skipUnlessSendmail() ? skipUnlessSendmail() : skipUnlessNetns();

// The answers: goaway and the flags beyond it, HELP without its $v line, a greeting without the version.
const answers: Answers = {greeting: '$j ESMTP mailserver; $b', privacyOptions: ['goaway', 'restrictmailq', 'restrictqrun', 'noetrn', 'noreceipts'], hideHelpVersion: true};
const debianCf = readFileSync('/etc/mail/sendmail.cf', 'latin1');
const debianHelp = readFileSync('/etc/mail/helpfile', 'latin1');

const byName = (checks: Check[]) => new Map(checks.map(check => [check.name, check]));

describe('the outsider\'s view', skip, () => {
	let network: TestNetwork;
	let port: number;
	let folder: string;
	let cfPath: string;
	let answersPath: string;
	let cfText: string;
	let helpText: string;
	const env = () => ({...process.env, SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper, SENDMAIL_HARDEN_STATE_DIR: path.join(folder, 'state')});
	const verifyFrom = async (side: 'client' | 'server', extra: string[] = []) => network.run(side, process.execPath, [cliPath, 'verify', '--host', SERVER_ADDR, '--port', String(port), '--answers', answersPath, '--config', cfPath, ...extra], {env: env(), timeoutMs: 120_000});

	before(async () => {
		const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: debianCf, helpFile: {path: '/etc/mail/helpfile', text: debianHelp}, answers});
		assert.ok(plan.ok);
		cfText = plan.value.files.find(file => file.role === 'cf')!.after;
		helpText = plan.value.files.find(file => file.role === 'helpfile')!.after;
		folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-outsider-'));
		// The config verify is pointed at: the hardened one, its help text beside it.
		const helpPath = path.join(folder, 'helpfile');
		writeFileSync(helpPath, helpText);
		cfPath = path.join(folder, 'sendmail.cf');
		writeFileSync(cfPath, cfText.replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`));
		answersPath = path.join(folder, 'answers.json');
		writeFileSync(answersPath, JSON.stringify(answers));
		network = await createTestNetwork();
		port = (await network.startDaemon(cfText, {helpFile: helpPath})).port;
	});
	after(async () => {
		await network?.close();
		if (folder !== undefined) {
			rmSync(folder, {recursive: true, force: true});
		}
	});

	test('verify from another address sees relaying denied, ETRN refused, no DSN and the greeting pause, as an outsider does', async () => {
		const run = await verifyFrom('client');
		assert.equal(run.status, 0, run.stdout + run.stderr);
		assert.match(run.stdout, new RegExp(`^Checking the server at ${SERVER_ADDR.replaceAll('.', '\\.')}:${port} from ${CLIENT_ADDR.replaceAll('.', '\\.')}, an outside address$`, 'm'));
		assert.doesNotMatch(run.stdout, /privileged/);
		assert.match(run.stdout, /^• relaying: relaying to an outside domain from outside \(198\.51\.100\.9\): denied \(550 5\.7\.1\) — server said "550 5\.7\.1 <relay-probe@example\.org>\.\.\. Relaying denied"$/m);
		assert.match(run.stdout, /^✔ ETRN: expected 502 \(ETRN refused, from noetrn\) — server said "502 5\.7\.0 /m);
		assert.match(run.stdout, /^✔ DSN: expected no DSN in EHLO and RET= refused \(504, from noreceipts\); no DSN in EHLO, RET= refused \(504\)/m);
		assert.match(run.stdout, /^• account harvest: \d+ of /m);
		// Debian's access map holds an outsider's greeting back (GreetPause); 127/8 gets none.
		const pause = /^• greeting pause: the 220 came after (\d+\.\d) s for a client at 198\.51\.100\.9: a pause before the greeting \(greet_pause\)/m.exec(run.stdout);
		assert.ok(pause, run.stdout);
		assert.ok(Number(pause[1]) >= 1, `the greeting came after ${pause[1]} s`);
	});

	test('verify from the daemon\'s own host says its view is privileged, and where the outsider\'s differs', async () => {
		const run = await verifyFrom('server');
		assert.equal(run.status, 0, run.stdout + run.stderr);
		assert.match(run.stdout, new RegExp(`from this host \\(${SERVER_ADDR.replaceAll('.', '\\.')}\\)$`, 'm'));
		assert.match(run.stdout, /^This view is privileged: .*verify --config .*verify --host NAME run from another machine\.$/m);
		// Measured: the host's own address may relay; the rehearsal, as an outside client, may not.
		assert.match(run.stdout, /relaying to an outside domain from this host \(198\.51\.100\.1\): allowed/);
		assert.match(run.stdout, /^ {2}relaying: from outside: denied \(550 5\.7\.1 .*\); from this host: allowed \(250 /m);
	});

	test('the rehearsal plays an outside client: ETRN 502, no DSN, relaying 550', async () => {
		const report = await rehearseFiles({cfText, helpFileText: helpText}, answers, {env: env()});
		assert.ok(report.ok, report.ok ? '' : report.error);
		assert.ok(report.value.status === 'ran');
		assert.deepEqual(report.value.vantage, {kind: 'outside', address: '198.51.100.7', name: 'outside.example.net'});
		const checks = byName(report.value.checks);
		assert.match(checks.get('ETRN')!.reply, /^502 5\.7\.0 /);
		assert.equal(checks.get('ETRN')!.status, 'pass');
		assert.equal(checks.get('DSN')!.status, 'pass');
		assert.ok(!report.value.exchange.some(line => /^250[ -]DSN/.test(line)), report.value.exchange.join('\n'));
		assert.match(checks.get('relaying')!.reply, /^550 5\.7\.1 <relay-probe@example\.org>\.\.\. Relaying denied/);
		// The same through the command line, which says where it stood; --from picks another client.
		const cli = await network.run('server', process.execPath, [cliPath, 'verify', '--config', cfPath, '--answers', answersPath], {env: env()});
		assert.match(cli.stdout, /^Checking .* as a client at 198\.51\.100\.7 \(outside\.example\.net\)$/m);
		const loopback = await network.run('server', process.execPath, [cliPath, 'verify', '--config', cfPath, '--answers', answersPath, '--from', '127.0.0.1'], {env: env()});
		assert.match(loopback.stdout, /as a client at 127\.0\.0\.1 \(outside\.example\.net\), which this host counts as its own: a privileged view/);
		assert.match(loopback.stdout, /relaying to an outside domain from this host \(127\.0\.0\.1\): allowed/);
	});

	// nmap's own count against the harvest's count of nmap's names, on daemons where more of its names
	// exist (aliases) and where sendmail limits harvesting differently.
	const nmapNames = async (daemonPort: number) => {
		const nmap = await network.run('client', 'nmap', ['-Pn', '-n', '-p', String(daemonPort), '--script', '+smtp-enum-users', '--script-args', 'smtp-enum-users.methods={RCPT},smtp.domain=mail.test.example', SERVER_ADDR], {timeoutMs: 120_000});
		assert.equal(nmap.status, 0, nmap.stderr);
		return {found: nmap.stdout.split('\n').filter(line => /^\|[_ ]\s+\S/.test(line) && !/smtp-enum-users|Couldn't find|Method/.test(line)).length, output: nmap.stdout};
	};

	const harvestFrom = async (daemonPort: number) => {
		const run = await network.run('client', process.execPath, [cliPath, 'verify', '--host', SERVER_ADDR, '--port', String(daemonPort), '--answers', answersPath, '--config', cfPath, '--json'], {env: env(), timeoutMs: 120_000});
		const document = JSON.parse(run.stdout) as {verify: {checks: Check[]; vantage: unknown}};
		assert.deepEqual(document.verify.vantage, {kind: 'outside', address: CLIENT_ADDR});
		const harvest = document.verify.checks.find(check => check.name === 'account harvest')!;
		return {reported: Number(/of nmap's 10 default names: (\d+)/.exec(harvest.expected)?.[1]), expected: harvest.expected};
	};

	test('nmap\'s smtp-enum-users (RCPT) from outside finds as many of its names as the harvest reports', async () => {
		// Debian's BadRcptThrottle=3: both find root, the harvest stops at the slow-down and says so.
		// Each its own connection (sendmail throttles per session) or no daemon at all (audit's
		// rehearsal): the three at once, as they mostly wait on sendmail's pauses.
		const [debian, nmapOnDebianRun, audit] = await Promise.all([
			harvestFrom(port),
			nmapNames(port),
			// audit of the same config, from its rehearsal as an outside client, reports the same count.
			network.run('server', process.execPath, [cliPath, 'audit', '--config', cfPath], {env: env(), timeoutMs: 120_000}),
		]);
		assert.match(debian.expected, /BadRcptThrottle/);
		const nmapOnDebian = nmapOnDebianRun.found;
		assert.equal(nmapOnDebian, debian.reported, debian.expected);
		const auditCount = /What an outside client finds[\s\S]*of nmap's 10 default names: (\d+)/.exec(audit.stdout.replaceAll(/\n +/g, ' '))?.[1];
		assert.equal(Number(auditCount), nmapOnDebian, audit.stdout);
		// Four of nmap's names as aliases and no throttle: the harvest tries all 30 names.
		const aliases = path.join(folder, 'aliases');
		writeFileSync(aliases, 'admin: root\nwebadmin: root\nguest: root\ntest: root\n');
		const withAliases = cfText.replace(/^O AliasFile=.*$/m, `O AliasFile=${aliases}`).replace(/^O BadRcptThrottle=.*$/m, '#$&');
		const aliasCf = path.join(folder, 'aliases.cf');
		writeFileSync(aliasCf, withAliases);
		const built = spawnSync(sendmailWrapper, ['-C', aliasCf, '-bi'], {encoding: 'latin1'});
		assert.equal(built.status, 0, built.stdout + built.stderr);
		// The two daemons side by side, each on its own port, each asked by both at once.
		await Promise.all(([[withAliases, 5], [`${withAliases}O BadRcptShutdown=4\n`, 4]] as const).map(async ([cf, count]) => {
			const daemon = await network.startDaemon(cf, {helpFile: path.join(folder, 'helpfile')});
			try {
				const [harvest, nmap] = await Promise.all([harvestFrom(daemon.port), nmapNames(daemon.port)]);
				assert.equal(nmap.found, harvest.reported, `${nmap.output}\n${harvest.expected}`);
				assert.equal(harvest.reported, count, harvest.expected);
			} finally {
				await daemon.stop();
			}
		}));
	});
});
