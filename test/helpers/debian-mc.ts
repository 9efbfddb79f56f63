import {copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {skipUnlessSendmail} from './sendmail.js';

export const debianMc = '/etc/mail/sendmail.mc';
export const debianCf = '/etc/mail/sendmail.cf';
export const haveDebianMc = existsSync(debianMc) && existsSync(debianCf);

/**
 * Options for `test(name, skipUnlessDebianMc(), fn)`: tests of Debian's own .mc and .cf pair may
 * skip only where the pair (or sendmail) is missing, and never under CI=true, as
 * skipUnlessSendmail: there a missing pair is an error, not a skip.
 */
export function skipUnlessDebianMc(): {skip: string} | Record<string, never> {
	if (haveDebianMc) {
		return skipUnlessSendmail();
	}

	if (process.env['CI'] === 'true') {
		throw new Error(`${debianMc} or ${debianCf} is missing, and the tests of Debian's .mc must run under CI=true; install sendmail (Debian: apt-get install sendmail-bin sendmail-cf)`);
	}

	return {skip: `no Debian ${debianMc}`};
}

// The lines m4 stamps with the build's date, user and folder.
const buildStamp = /^##### (built by|in) /;
export const stampLines = (text: string) => text.split('\n').filter(line => buildStamp.test(line));
export const withoutStamp = (text: string) => text.split('\n').map(line => (buildStamp.test(line) ? '#####' : line)).join('\n');

/**
 * Debian's .mc and .cf as installed, in a fresh folder under `parent`, with HelpFile pointing at a
 * copy of the help file in both (proto.m4 reads HELP_FILE), so they still agree and
 * /etc/mail/helpfile is never written.
 */
export function copyDebianMcPair(parent: string): {folder: string; mcPath: string; cfPath: string; helpPath: string} {
	const folder = mkdtempSync(path.join(parent, 'debian-'));
	const mcPath = path.join(folder, 'sendmail.mc');
	const cfPath = path.join(folder, 'sendmail.cf');
	const helpPath = path.join(folder, 'helpfile');
	copyFileSync('/etc/mail/helpfile', helpPath);
	const mc = readFileSync(debianMc, 'latin1').replace(/^MAILER\(/m, `define(\`HELP_FILE', \`${helpPath}')dnl\nMAILER(`);
	const cf = readFileSync(debianCf, 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`);
	writeFileSync(mcPath, mc, 'latin1');
	writeFileSync(cfPath, cf, 'latin1');
	return {folder, mcPath, cfPath, helpPath};
}
