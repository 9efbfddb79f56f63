// SASL as Debian sets it up, in a test's own folder: update_authm4 writes /etc/mail/sasl/sasl.m4
// (the example /usr/share/sendmail/examples/sasl/sasl.m4 with its marked values) and the admin
// includes it in sendmail.mc; m4 then builds `O AuthMechanisms=EXTERNAL DIGEST-MD5 CRAM-MD5 PLAIN
// LOGIN` and the TrustAuthMech class. Which of those sendmail offers is what libsasl2 has: the
// plugins of libsasl2-modules (sendmail-bin only suggests it). A Sendmail.conf is not needed to
// offer them, and sendmail reads none from a test folder: it clears its environment, so libsasl2
// looks only in its fixed places (/etc/sasl2, /etc/sasl, /usr/lib/x86_64-linux-gnu/sasl2,
// /usr/lib/sasl2), which a test must not write.
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';

export const debianSaslM4 = '/usr/share/sendmail/examples/sasl/sasl.m4';

/** Whether this machine can offer AUTH at all: the SASL plugins sendmail's libsasl2 loads. */
export const saslPluginsInstalled: boolean = existsSync('/usr/lib/x86_64-linux-gnu/sasl2/libcrammd5.so');

/** Options for a test that needs AUTH offered: skipped without the plugins, except under CI=true. */
export function skipUnlessSasl(): {skip: string} | Record<string, never> {
	if (saslPluginsInstalled && existsSync(debianSaslM4)) {
		return {};
	}

	if (process.env['CI'] === 'true') {
		throw new Error('libsasl2-modules (the SASL plugins) or Debian\'s sasl.m4 is missing, and the AUTH tests must run under CI=true; install libsasl2-modules');
	}

	return {skip: 'libsasl2-modules is not installed'};
}

/**
 * The pair's .mc with a copy of Debian's sasl.m4 included before its first MAILER line (beside
 * starttls.m4, as an admin adds both), and its .cf rebuilt by m4, as update_auth leaves a host.
 */
export function withDebianSasl(pair: {folder: string; mcPath: string; cfPath: string}): {saslM4: string} {
	const saslM4 = path.join(pair.folder, 'sasl.m4');
	writeFileSync(saslM4, readFileSync(debianSaslM4, 'latin1'), 'latin1');
	const mc = readFileSync(pair.mcPath, 'latin1').replace(/^MAILER\(`local'\)/m, `include(\`${saslM4}')dnl\n$&`);
	writeFileSync(pair.mcPath, mc, 'latin1');
	writeFileSync(pair.cfPath, execFileSync('m4', [pair.mcPath], {cwd: pair.folder}));
	return {saslM4};
}
