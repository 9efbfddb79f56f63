// Never lose STARTTLS, through the built CLI: a config whose certificate sendmail cannot use is
// refused before a byte is written, with sendmail's own reason naming the file; the same set-up
// with its certificate in place passes, the rehearsal's STARTTLS row showing the handshake.
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {copyDemoConfig, ensureBuilt, runCli} from '../helpers/cli.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';
import {makeDebianTlsFiles, withStarttls, type TlsFiles} from '../helpers/tls-fixture.js';

const article = ['--answers', 'test/fixtures/article-answers.json'];
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'harden-starttls-state-'));
const env = {SENDMAIL_HARDEN_STATE_DIR: stateDir};

describe('a config that would lose STARTTLS', skipUnlessSendmail(), () => {
	let files: TlsFiles;
	before(() => {
		ensureBuilt();
		files = makeDebianTlsFiles(mkdtempSync(path.join(os.tmpdir(), 'harden-starttls-tls-')));
	});
	after(() => {
		rmSync(files.folder, {recursive: true, force: true});
		rmSync(stateDir, {recursive: true, force: true});
	});

	/** The demo config with Debian's STARTTLS lines, its certificate (and CA file) at `cert`. */
	const configWith = (cert: string) => {
		const demo = copyDemoConfig();
		const cf = withStarttls(readFileSync(demo.cfPath, 'latin1'), files).replaceAll(files.cert, cert);
		writeFileSync(demo.cfPath, cf, 'latin1');
		return demo;
	};

	test('with the certificate in place: the rehearsal\'s STARTTLS row shows the handshake', async () => {
		const {cfPath} = configWith(files.cert);
		const run = await runCli(['--config', cfPath, ...article, '--dry-run'], {env});
		assert.equal(run.status, 0, run.stdout + run.stderr);
		assert.match(run.stdout, /^✔ STARTTLS: expected STARTTLS in EHLO and a TLS handshake \(as the config in force has\); offered, handshake completed: TLSv1\.3, TLS_\w+ — sendmail said "220 2\.0\.0 Ready to start TLS"$/m);
		// The table the run ends with holds the certificate's findings, each to fix by hand.
		const table = run.stdout.slice(run.stdout.indexOf('After these changes, audit would find:')).replaceAll(/\n {4,}/g, ' ');
		assert.match(table, /^ {2}! STARTTLS issuer: self-signed \(O=Sendmail, OU=Sendmail Server,$/m);
		assert.match(table, /^ {2}! STARTTLS subject: the subject names Sendmail/m);
		assert.match(table, /fix by hand: get a certificate from a CA, e\.g\. Let's Encrypt: "certbot certonly --standalone -d HOST"/);
	});

	test('a certificate path that is gone: --yes refuses (exit 1), sendmail\'s reason names the file, sendmail.cf byte-identical', async () => {
		// The path is broken before the run, as a moved certificate would leave it: the config in
		// force names it, and so does the new one, byte for byte what would be written.
		const folder = mkdtempSync(path.join(os.tmpdir(), 'harden-starttls-gone-'));
		const gone = path.join(folder, 'gone', 'sendmail-server.crt');
		mkdirSync(path.dirname(gone));
		const {folder: cfFolder, cfPath} = configWith(gone);
		const before = readFileSync(cfPath);
		const reason = `STARTTLS=server: file ${gone} unsafe: No such file or directory`;
		const run = await runCli(['--config', cfPath, ...article, '--yes'], {env});
		assert.equal(run.status, 1, run.stdout + run.stderr);
		const lines = run.stderr.split('\n').filter(line => line !== '');
		assert.equal(lines.at(-1), `sendmail-harden: sendmail's rehearsal of the new config contradicts the answers (STARTTLS: STARTTLS in EHLO and a TLS handshake (as the config in force has); not offered: ${reason} (sendmail's log)); nothing was written`);
		assert.ok(lines.every(line => !line.includes('rehearsal: ') || line.includes('STARTTLS')), run.stderr);
		assert.deepEqual(readFileSync(cfPath), before);
		assert.deepEqual(readdirSync(cfFolder).sort(), ['helpfile', 'sendmail.cf'], 'no backup, no temporary file');

		// --dry-run says it, and exits as --yes does; --json carries the same reason.
		const dry = await runCli(['--config', cfPath, ...article, '--dry-run'], {env});
		assert.equal(dry.status, 1);
		assert.ok(dry.stdout.includes(`✘ STARTTLS: expected STARTTLS in EHLO and a TLS handshake (as the config in force has); not offered: ${reason} (sendmail's log) — sendmail said "(not in EHLO)"`), dry.stdout);
		const json = await runCli(['--config', cfPath, ...article, '--yes', '--json'], {env});
		assert.equal(json.status, 1);
		const document = JSON.parse(json.stdout) as {error: string; changed: boolean};
		assert.ok(document.error.includes(reason), document.error);
		assert.equal(document.changed, false);
		assert.deepEqual(readFileSync(cfPath), before);
		rmSync(folder, {recursive: true, force: true});
	});
});
