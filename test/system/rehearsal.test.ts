// The rehearsal asks the installed sendmail (`sendmail -C COPY -bs`) what a config answers.
import {after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {planHardening} from '../../source/core/plan.js';
import {rehearsalConfig, rehearseFiles} from '../../source/system/rehearsal.js';
import {articleAnswers} from '../helpers/article.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';
import {runCli} from '../helpers/cli.js';

const skip = skipUnlessSendmail();
const debianCf = readFileSync('/etc/mail/sendmail.cf', 'latin1');
const debianHelp = readFileSync('/etc/mail/helpfile', 'latin1');
const statusOf = (checks: Array<{name: string; status: string}>) => Object.fromEntries(checks.map(check => [check.name, check.status]));

describe('rehearseFiles against the installed sendmail', () => {
	test('Debian\'s own config: sendmail\'s replies show every leak the article fixes', skip, async () => {
		const report = await rehearseFiles({cfText: debianCf, helpFileText: debianHelp}, articleAnswers);
		assert.ok(report.ok, report.ok ? '' : report.error);
		assert.equal(report.value.status, 'ran');
		assert.ok(report.value.status === 'ran');
		assert.equal(report.value.agrees, false);
		assert.deepEqual(statusOf(report.value.checks), {
			banner: 'fail', HELP: 'fail', 'MAIL before HELO': 'pass', VRFY: 'fail', EXPN: 'fail', SIZE: 'fail', 'recipient limit': 'fail',
			// The outsider's findings: the article's answers choose neither noetrn nor noreceipts nor hideHelpProduct.
			ETRN: 'info', DSN: 'info', 'HELP product': 'info', relaying: 'info', 'account harvest': 'info', 'AUTH before STARTTLS': 'info',
		});
		// The exchange is sendmail's own: its greeting names the version, and its HELP the $v line.
		assert.match(report.value.exchange[0]!, /^220 \S+ ESMTP Sendmail 8\.17\.1\.9\//);
		assert.ok(report.value.exchange.includes('> VRFY root'));
		assert.ok(report.value.exchange.includes('214-2.0.0 This is sendmail version 8.17.1.9'));
	});

	test('the article\'s answers planned on Debian\'s config rehearse with every check passing', skip, async () => {
		const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: debianCf, helpFile: {path: '/etc/mail/helpfile', text: debianHelp}, answers: articleAnswers});
		assert.ok(plan.ok);
		const cfText = plan.value.files.find(file => file.role === 'cf')!.after;
		const helpFileText = plan.value.files.find(file => file.role === 'helpfile')!.after;
		const report = await rehearseFiles({cfText, helpFileText}, articleAnswers);
		assert.ok(report.ok, report.ok ? '' : report.error);
		assert.ok(report.value.status === 'ran');
		assert.deepEqual(report.value.checks.filter(check => check.status === 'fail'), []);
		assert.equal(report.value.checks.filter(check => check.status === 'pass').length, 7);
		assert.equal(report.value.agrees, true);
		assert.ok(report.value.exchange.includes('252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)'), report.value.exchange.join('\n'));
	});

	test('the help text given is the one sendmail reads, from a folder it deems safe', skip, async () => {
		// An empty helpfile answers "214 2.0.0 End of HELP info" (docs/sendmail.md, "The helpfile"); under /tmp
		// without TrustStickyBit it would be "502 5.3.0 ... HELP not implemented" instead.
		const withoutTrust = debianCf.replace(/^O DontBlameSendmail=.*$/m, '#$&');
		const report = await rehearseFiles({cfText: withoutTrust, helpFileText: ''}, {});
		assert.ok(report.ok, report.ok ? '' : report.error);
		assert.ok(report.value.status === 'ran');
		const help = report.value.exchange.indexOf('> HELP');
		assert.equal(report.value.exchange[help + 1], '214 2.0.0 End of HELP info');
	});

	test('sendmail\'s start failing is a clear error, not a hang', skip, async () => {
		const report = await rehearseFiles({cfText: 'this is garbage\n'}, {});
		assert.equal(report.ok, false);
		assert.ok(!report.ok);
		assert.equal(report.error, 'the rehearsal in sendmail failed: sendmail -bs refused the connection: 554 5.0.0 the candidate sendmail.cf: line 1: unknown configuration line "this is garbage"');
		assert.doesNotMatch(report.error, /\n/);
	});
});

test('without root, the rehearsal says it was skipped and why', async () => {
	const notRoot = await rehearseFiles({cfText: debianCf}, {}, {host: {check: {name: 'vm', qualifiedAs: undefined}, root: false, unshare: undefined}});
	assert.ok(notRoot.ok);
	assert.ok(notRoot.value.status === 'skipped');
	assert.match(notRoot.value.reason, /^not running as root: .*not fully qualified/);
});

test('the candidate\'s HelpFile is pointed at the copy, keeping line endings; no HelpFile stays none', () => {
	assert.equal(rehearsalConfig('O HelpFile=/etc/mail/helpfile\n', '/run/x/helpfile'), 'O HelpFile=/etc/mail/helpfile\nO HelpFile=/run/x/helpfile\n');
	assert.equal(rehearsalConfig('O HelpFile=/etc/mail/helpfile\r\nDZ1', '/run/x/h'), 'O HelpFile=/etc/mail/helpfile\r\nDZ1\r\nO HelpFile=/run/x/h\r\n');
	assert.equal(rehearsalConfig('#O HelpFile=/etc/mail/helpfile\n', '/run/x/helpfile'), '#O HelpFile=/etc/mail/helpfile\n');
});

describe('a hostile sendmail -bs is bounded like a hostile server', () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-fake-bs-'));
	after(() => {
		rmSync(folder, {recursive: true, force: true});
	});
	// Qualified, so the fake program runs as is.
	const host = {check: {name: 'mail.example.org', qualifiedAs: 'mail.example.org'}, root: true, unshare: undefined};
	const fake = (name: string, script: string) => {
		const file = path.join(folder, name);
		writeFileSync(file, `#!/bin/sh\n${script}\n`, {mode: 0o755});
		return {env: {...process.env, SENDMAIL_HARDEN_SENDMAIL: file}, host};
	};

	const noControl = (text: string) => !/[\u0000-\u001F\u007F-\u009F]/.test(text);

	test('silent: the time limit ends it and kills the whole process group', async () => {
		const pidFile = path.join(folder, 'silent.pid');
		const report = await rehearseFiles({cfText: ''}, {}, {...fake('silent', `sleep 600 & echo $! > ${pidFile}; wait`), timeoutMs: 500});
		assert.deepEqual(report, {ok: false, error: 'the rehearsal in sendmail failed: sendmail -bs did not answer within 0.5 s'});
		// The grandchild (sleep) went with its group.
		const pid = Number(readFileSync(pidFile, 'latin1'));
		for (let waited = 0; waited < 100 && isAlive(pid); waited++) {
			await new Promise(resolve => setTimeout(resolve, 100));
		}

		assert.equal(isAlive(pid), false);
	});

	test('an endless line and an endless multi-line reply end with one line', async () => {
		const line = await rehearseFiles({cfText: ''}, {}, fake('line', 'yes | tr -d "\\n"'));
		assert.deepEqual(line, {ok: false, error: 'the rehearsal in sendmail failed: sendmail -bs sent a reply line longer than 2048 bytes; it does not look like an SMTP server'});
		const multi = await rehearseFiles({cfText: ''}, {}, fake('multi', 'yes 220-flood'));
		assert.deepEqual(multi, {ok: false, error: 'the rehearsal in sendmail failed: sendmail -bs sent a reply longer than 65536 bytes; it does not look like an SMTP server'});
	});

	test('escape bytes in its replies never come through raw, in the exchange or the checks', async () => {
		const report = await rehearseFiles({cfText: ''}, {}, fake('escape', String.raw`printf '220 evil \033]0;owned\007 ready\r\n'; while read line; do case "$line" in QUIT*) printf '221 bye\r\n'; exit 0;; *) printf '250 \033[2J ok\r\n';; esac; done`));
		assert.ok(report.ok, report.ok ? '' : report.error);
		assert.ok(report.value.status === 'ran');
		assert.equal(report.value.exchange[0], String.raw`220 evil \e]0;owned\x07 ready`);
		for (const text of [...report.value.exchange, ...report.value.checks.map(check => check.reply)]) {
			assert.ok(noControl(text), text);
		}
	});

	test('where sendmail sleeps on an unqualified name, the wait is counted down and the limit grows by 60 s', async () => {
		const waits = {check: {name: 'vm', qualifiedAs: undefined}, root: true, unshare: undefined};
		const seen: number[] = [];
		// A stand-in that answers after 1.5 s, past the 1 s limit it would have without the host-name allowance.
		const {env} = fake('slow', String.raw`sleep 1.5; printf '220 ready
'; while read line; do case "$line" in QUIT*) printf '221 bye
'; exit 0;; *) printf '250 ok
';; esac; done`);
		const report = await rehearseFiles({cfText: ''}, {}, {env, host: waits, timeoutMs: 1000, onHostNameWait: left => seen.push(left)});
		assert.ok(report.ok && report.value.status === 'ran', JSON.stringify(report));
		assert.equal(seen[0], 60);
		assert.ok(seen.length >= 2, `counted ${JSON.stringify(seen)}`);
		assert.ok(seen.every((left, index) => index === 0 || left === seen[index - 1]! - 1));
	});

	test('a program that cannot start is one line', async () => {
		const report = await rehearseFiles({cfText: ''}, {}, {env: {SENDMAIL_HARDEN_SENDMAIL: path.join(folder, 'missing')}, host});
		assert.equal(report.ok, false);
		assert.match(report.ok ? '' : report.error, /^cannot run \/tmp\/\S+\/missing: spawn \S+ ENOENT$/);
	});
});

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

test('where sendmail would sleep 60 s (root without unshare), the rehearsal counts down or says why it skipped', async () => {
	const host = {check: {name: 'vm', qualifiedAs: undefined}, root: true, unshare: undefined};
	const silent = await rehearseFiles({cfText: debianCf}, {}, {host});
	assert.ok(silent.ok && silent.value.status === 'skipped');
	assert.match(silent.value.reason, /^the host name "vm" is not fully qualified, so sendmail would sleep 60 s before answering \(fix: put a fully qualified name first for this host in \/etc\/hosts/);
});

// sendmail -bs prints complaints about its config on stdout before its greeting, then serves
// normally; only an exit without a greeting is a failure (a real sendmail, not a stand-in).
describe('complaints before the greeting', () => {
	test('a warning line before the 220 is kept as a complaint, and the checks run', skip, async () => {
		// An [IPC] mailer whose first argument is not TCP: "Msmtp: Warning: first argument in [IPC] mailer must be TCP or FILE".
		const ipc = debianCf.replace(/A=TCP \$h/, 'A=IPC $h');
		assert.notEqual(ipc, debianCf);
		const report = await rehearseFiles({cfText: ipc, helpFileText: debianHelp}, articleAnswers);
		assert.ok(report.ok, report.ok ? '' : report.error);
		assert.ok(report.value.status === 'ran');
		assert.deepEqual(report.value.complaints, ['Msmtp: Warning: first argument in [IPC] mailer must be TCP or FILE']);
		assert.match(report.value.exchange[0]!, /^220 /);
		assert.equal(report.value.checks.find(check => check.name === 'MAIL before HELO')?.status, 'pass');
	});

	test('verify --config shows the complaint as a warning and still checks', skip, async () => {
		const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-complaint-'));
		try {
			const cfPath = path.join(folder, 'sendmail.cf');
			writeFileSync(cfPath, debianCf.replace(/A=TCP \$h/, 'A=IPC $h').replace(/^O HelpFile=.*$/m, '#$&'));
			const run = await runCli(['verify', '--config', cfPath]);
			assert.match(run.stderr, /^sendmail-harden: warning: sendmail complains \(then answers anyway\): Msmtp: Warning: first argument in \[IPC\] mailer must be TCP or FILE$/m);
			assert.match(run.stdout, /^Checking .* as a client at 198\.51\.100\.7 \(outside\.example\.net\)$/m);
			assert.match(run.stdout, /^✔ MAIL before HELO|^• MAIL before HELO/m);
		} finally {
			rmSync(folder, {recursive: true, force: true});
		}
	});

	test('an exit after a complaint and no greeting is a failure that quotes it', skip, async () => {
		const report = await rehearseFiles({cfText: debianCf.replace(/^O QueueDirectory=.*$/m, 'O QueueDirectory=/nonexistent/queue')}, {});
		assert.equal(report.ok, false);
		assert.ok(!report.ok);
		assert.match(report.error, /^the rehearsal in sendmail failed: sendmail -bs ended without a greeting; it said: 451 4\.0\.0 can not chdir\(\/nonexistent\/queue\/\): No such file or directory/);
		assert.doesNotMatch(report.error, /\n/);
	});
});

test('--dry-run says a complaint is old news when the current config draws it too', skipUnlessSendmail(), async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-complaint-'));
	try {
		const cfPath = path.join(folder, 'sendmail.cf');
		const helpPath = path.join(folder, 'helpfile');
		writeFileSync(helpPath, debianHelp);
		writeFileSync(cfPath, debianCf.replace(/A=TCP \$h/, 'A=IPC $h').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`));
		const run = await runCli(['--config', cfPath, '--answers', 'test/fixtures/article-answers.json', '--dry-run']);
		assert.equal(run.status, 0, run.stderr);
		assert.match(run.stderr, /^sendmail-harden: warning: sendmail complains, with the current config too \(then answers anyway\): Msmtp: Warning: first argument in \[IPC\] mailer must be TCP or FILE$/m);
		assert.match(run.stdout, /^Rehearsal with the installed sendmail \(sendmail -C NEW -bs\), what clients would see, as a client at 198\.51\.100\.7 \(outside\.example\.net\):$/m);
	} finally {
		rmSync(folder, {recursive: true, force: true});
	}
});

test('--from: audit and --dry-run rehearse as that client; a bad address is one line and exit 2', skipUnlessSendmail(), async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-from-'));
	try {
		const cfPath = path.join(folder, 'sendmail.cf');
		const helpPath = path.join(folder, 'helpfile');
		writeFileSync(helpPath, debianHelp);
		writeFileSync(cfPath, debianCf.replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`));
		const audit = await runCli(['audit', '--config', cfPath, '--from', '2001:db8::7']);
		assert.match(audit.stdout.replaceAll('\n', ' '), /as a client at 2001:db8::7 \(outside\.example\.net\);/);
		const dryRun = await runCli(['--config', cfPath, '--answers', 'test/fixtures/article-answers.json', '--dry-run', '--from', '198.51.100.23']);
		assert.match(dryRun.stdout, /what clients would see, as a client at 198\.51\.100\.23 \(outside\.example\.net\):$/m);
		assert.match(dryRun.stdout, /relaying to an outside domain from outside \(198\.51\.100\.23\): denied \(550 5\.7\.1\)/);
		const bad = await runCli(['verify', '--config', cfPath, '--from', 'mail.example.org']);
		assert.equal(bad.status, 2);
		assert.equal(bad.stderr, 'sendmail-harden: --from must be an IPv4 or IPv6 address such as 198.51.100.7 (got "mail.example.org"); see sendmail-harden --help\n');
	} finally {
		rmSync(folder, {recursive: true, force: true});
	}
});
