// What audit reads beside the cf and the help file, to tell what still gives the product away:
// the access map's source text (greet_pause's and ratecontrol's limits live there) and the
// STARTTLS certificate. Either may be absent or unreadable: audit then judges without it.
import {X509Certificate} from 'node:crypto';
import type {AuditExtras} from '../core/audit.js';
import {optionValue, parseCf, valueAsRead} from '../core/sendmail-cf.js';
import {readTrustedFile} from './trust.js';

// An access map's source is a few KiB; a larger file is not read whole.
const MAX_BYTES = 1024 * 1024;

/**
 * The file's text when it is trusted (root's, writable by no one else, checked on the descriptor),
 * else undefined: audit never prints from a file the mail user could have swapped or linked.
 */
async function readSmall(file: string): Promise<string | undefined> {
	try {
		return (await readTrustedFile(file, MAX_BYTES)).bytes.toString('latin1');
	} catch {
		return undefined;
	}
}

/** The access map's source file a cf names: the last word of its `Kaccess` line, without ".db". */
export function accessSourcePath(cfText: string): string | undefined {
	const line = /^Kaccess[ \t]+(.*)$/m.exec(cfText)?.[1]?.trim();
	const file = line?.split(/\s+/).at(-1);
	return file === undefined || !file.startsWith('/') ? undefined : file.replace(/\.db$/, '');
}

export async function readAuditExtras(cfText: string): Promise<AuditExtras> {
	const extras: AuditExtras = {};
	const accessPath = accessSourcePath(cfText);
	const accessText = accessPath === undefined ? undefined : await readSmall(accessPath);
	if (accessText !== undefined) {
		extras.accessText = accessText;
	}

	const raw = optionValue(parseCf(cfText), 'ServerCertFile');
	const certPath = raw === undefined ? undefined : valueAsRead(raw).trim();
	const pem = certPath === undefined || certPath === '' ? undefined : await readSmall(certPath);
	if (pem !== undefined) {
		try {
			const certificate = new X509Certificate(pem);
			extras.certificate = {path: certPath!, subject: certificate.subject, issuer: certificate.issuer};
		} catch {
			// Not a certificate sendmail could use either; STARTTLS is then not offered at all.
		}
	}

	// The DH group DHParameters names, judged by audit: read only when trusted, like the others.
	const dhRaw = optionValue(parseCf(cfText), 'DHParameters');
	const dhPath = dhRaw === undefined ? undefined : valueAsRead(dhRaw).trim();
	if (dhPath?.startsWith('/')) {
		const text = await readSmall(dhPath);
		extras.dhParameters = text === undefined ? {path: dhPath, error: 'missing, unreadable, or not a file only root can change'} : {path: dhPath, text};
	}

	return extras;
}
