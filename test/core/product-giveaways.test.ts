// Honest wording: where replies other than the greeting still name sendmail (greet_pause's 554,
// ratecontrol's 421, a certificate naming Sendmail), audit's greeting row says so.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {auditConfig, productGiveaways} from '../../source/core/audit.js';
import {captureIo} from '../helpers/capture-io.js';
import {runAudit} from '../../source/commands/audit.js';
import {accessSourcePath, readAuditExtras} from '../../source/system/audit-extras.js';

const debianCf = readFileSync('/etc/mail/sendmail.cf', 'latin1');
// Debian's access map: loopback gets GreetPause 0 and ClientRate 0, everyone else ClientRate 10. Its
// keyless "GreetPause: 5000" is never read (greet_pause looks up the client's name and address only):
// outsiders wait what FEATURE(`greet_pause', `1000') says.
const debianAccess = 'GreetPause:127\t\t\t0\nClientRate:127\t\t\t0\nGreetPause:IPv6:::1\t\t0\nGreetPause:\t\t\t\t5000\nClientRate:\t\t\t\t10\n';
// The cf without FEATURE(greet_pause)'s ruleset and ratecontrol's: nothing gives the product away.
const plainCf = debianCf.replaceAll(/^Sgreet_pause$/gm, '').replaceAll(/^SRateControl$/gm, '');

test('Debian\'s cf and access map: greet_pause and ratecontrol are named, with the replies nmap matches', () => {
	const giveaways = productGiveaways(debianCf, {accessText: debianAccess});
	assert.equal(giveaways.length, 2, giveaways.join('\n'));
	assert.match(giveaways[0]!, /^greet_pause is in force \(1000 ms for any client\): .*"554 <host> ESMTP not accepting messages"/);
	assert.match(giveaways[1]!, /^ratecontrol is in force \(access map ClientRate: 10\): .*"421 4\.3\.2 Connection rate limit exceeded\."/);
	// Without the access map, the cf's own greet_pause default (FEATURE(`greet_pause', `1000')) counts.
	assert.deepEqual(productGiveaways(debianCf).map(text => text.split(':')[0]), ['greet_pause is in force (1000 ms for any client)']);
	// Limits for loopback only are the privileged view, not what an outsider meets.
	assert.deepEqual(productGiveaways(plainCf, {accessText: 'GreetPause:127\t0\nClientRate:127\t5\n'}), []);
});

test('the greeting row stays hardened once the version is gone, and says the server is still recognisable', () => {
	const hidden = debianCf.replace(/^O SmtpGreetingMessage=.*$/m, 'O SmtpGreetingMessage=$j mailserver; $b');
	const row = auditConfig(hidden, undefined, {accessText: debianAccess}).items.find(item => item.setting === 'SmtpGreetingMessage')!;
	assert.equal(row.hardened, true);
	assert.match(row.note ?? '', /^the greeting hides the version, but the server can still be recognised as sendmail: greet_pause/);
	const plain = auditConfig(plainCf.replace(/^O SmtpGreetingMessage=.*$/m, 'O SmtpGreetingMessage=$j mailserver; $b'), undefined).items[0]!;
	assert.equal(plain.note, undefined);
});

test('a STARTTLS certificate naming Sendmail is read from ServerCertFile and named', async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'giveaways-'));
	try {
		const cert = path.join(folder, 'cert.pem');
		// As Debian's update_tls makes it: O=Sendmail, OU=Sendmail Server.
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(folder, 'key.pem'), '-out', cert, '-days', '1', '-subj', '/O=Sendmail/OU=Sendmail Server/CN=mail.test.example'], {stdio: 'ignore'});
		const access = path.join(folder, 'access');
		writeFileSync(access, debianAccess);
		const cf = plainCf.replace(/^Kaccess .*$/m, `Kaccess hash -T<TMPF> ${access}`).replace(/^#O ServerCertFile.*$/m, `O ServerCertFile=${cert}`)
			// The help file beside the config, where audit reads it.
			.replace(/^O HelpFile=.*$/m, `O HelpFile=${folder}/helpfile`);
		writeFileSync(path.join(folder, 'helpfile'), readFileSync('/etc/mail/helpfile'));
		assert.equal(accessSourcePath(cf), access);
		const extras = await readAuditExtras(cf);
		assert.equal(extras.accessText, debianAccess);
		assert.match(extras.certificate?.subject ?? '', /O=Sendmail/);
		const giveaways = productGiveaways(cf, extras);
		assert.match(giveaways.at(-1)!, new RegExp(`^the STARTTLS certificate ${cert} names Sendmail \\(O=Sendmail, OU=Sendmail Server`));

		// audit prints the note under the greeting row.
		const cfPath = path.join(folder, 'sendmail.cf');
		writeFileSync(cfPath, cf, 'latin1');
		const io = captureIo({...process.env, SENDMAIL_HARDEN_SENDMAIL: '/nonexistent'});
		await runAudit({config: cfPath}, io);
		assert.equal(io.stderr, '');
		assert.match(io.stdout.replaceAll(/\n +/g, ' '), /! even with the version gone from the greeting the server can still be recognised as sendmail: .*certificate/);
	} finally {
		rmSync(folder, {recursive: true, force: true});
	}
});
