// What audit reads beside the cf and the help file, to tell what still gives the product away:
// the access map's source text (greet_pause's and ratecontrol's limits live there) and the
// STARTTLS certificate. Either may be absent or unreadable: audit then judges without it.
import {X509Certificate} from 'node:crypto';
import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type {AuditExtras} from '../core/audit.js';
import {starttlsAudit, type CertificateFacts, type StarttlsAudit} from '../core/certificate-audit.js';
import {optionValue, parseCf, valueAsRead} from '../core/sendmail-cf.js';
import {readStarttlsOptions} from '../core/starttls-files.js';
import {starttlsProblem} from './starttls-files.js';
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

/** Every certificate in a PEM text (a CA bundle holds many); the ones that do not parse are left out. */
export function pemCertificates(text: string): X509Certificate[] {
	const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
	const certificates: X509Certificate[] = [];
	for (const block of blocks) {
		try {
			certificates.push(new X509Certificate(block));
		} catch {
			// Not one OpenSSL would load either.
		}
	}

	return certificates;
}

/**
 * readSmall after symbolic links: certbot's live/HOST/fullchain.pem and /etc/ssl/certs' entries are
 * links; the file they lead to must pass the same trust check.
 */
async function readSmallResolved(file: string): Promise<string | undefined> {
	try {
		return await readSmall(await fs.realpath(file));
	} catch {
		return undefined;
	}
}

const issues = (issuer: X509Certificate, certificate: X509Certificate) => certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);

// /etc/ssl/certs holds a few hundred files; a folder with more is not searched past this.
const MAX_PATH_FILES = 2000;

/** Where the certificate's issuer is: in the CACertFile, in the CACertPath (OpenSSL's hashed folder), or nowhere. */
async function findIssuer(certificate: X509Certificate, caFile: string | undefined, caPath: string | undefined): Promise<CertificateFacts['issuerFound']> {
	const inFile = caFile === undefined ? undefined : await readSmallResolved(caFile);
	if (inFile !== undefined && pemCertificates(inFile).some(ca => issues(ca, certificate))) {
		return 'CACertFile';
	}

	if (caPath !== undefined) {
		try {
			const names = (await fs.readdir(caPath)).slice(0, MAX_PATH_FILES);
			for (const name of names.filter(each => /\.(?:\d+|pem|crt)$/.test(each))) {
				const text = await readSmallResolved(path.join(caPath, name));
				if (text !== undefined && pemCertificates(text).some(ca => issues(ca, certificate))) {
					return 'CACertPath';
				}
			}
		} catch {
			// An unreadable folder holds nothing found.
		}
	}

	return 'nowhere';
}

/** The facts audit judges about a certificate (its key, validity, issuer). */
export async function certificateFacts(certPath: string, certificate: X509Certificate, caFile: string | undefined, caPath: string | undefined): Promise<CertificateFacts> {
	const key = certificate.publicKey;
	const details = key.asymmetricKeyDetails ?? {};
	const selfSigned = issues(certificate, certificate);
	return {
		path: certPath,
		subject: certificate.subject,
		issuer: certificate.issuer,
		selfSigned,
		validFrom: Date.parse(certificate.validFrom),
		validTo: Date.parse(certificate.validTo),
		keyType: key.asymmetricKeyType ?? 'unknown',
		...(details.modulusLength === undefined ? {} : {keyBits: details.modulusLength}),
		...(details.namedCurve === undefined ? {} : {curve: details.namedCurve}),
		...(selfSigned ? {} : {issuerFound: await findIssuer(certificate, caFile, caPath)}),
	};
}

/**
 * Audit's account of STARTTLS for a config: not set up (no ServerCertFile), or whether sendmail can
 * use its files and what its certificate says. `now` in ms since the epoch.
 */
export async function readStarttlsAudit(cfText: string, now = Date.now()): Promise<StarttlsAudit> {
	const options = readStarttlsOptions(cfText);
	// Debian's tools (sendmailconfig, update_tls) are where its advice points.
	const layout = existsSync('/usr/sbin/sendmailconfig') ? 'debian' : 'other';
	const certPath = options.serverCertFile?.split(',')[0];
	if (certPath === undefined) {
		return starttlsAudit({setUp: false, layout}, now);
	}

	const fileProblem = await starttlsProblem(cfText);
	const pem = await readSmallResolved(certPath);
	const certificate = pem === undefined ? undefined : pemCertificates(pem)[0];
	return starttlsAudit({
		setUp: true,
		layout,
		certPath,
		...(fileProblem === undefined ? {} : {fileProblem}),
		...(certificate === undefined ? {unreadable: pem === undefined ? 'it is missing, or not root\'s, or writable by others' : 'it holds no certificate'} : {certificate: await certificateFacts(certPath, certificate, options.caCertFile, options.caCertPath)}),
	}, now);
}

export async function readAuditExtras(cfText: string): Promise<AuditExtras> {
	const extras: AuditExtras = {accessMapRows: true};
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

	extras.starttls = await readStarttlsAudit(cfText);
	return extras;
}
