// Audit's account of STARTTLS: whether it is set up, whether sendmail can use its files, and what
// the certificate says (self-signed or not, expiry, key, subject, chain), each finding with what to
// do. Pure: the certificate's facts are read elsewhere (system/audit-extras.ts), "now" is passed in.
// Nothing here makes or replaces a key: the admin decides, the advice says how.

/** What audit reads from the certificate ServerCertFile names. */
export type CertificateFacts = {
	path: string;
	subject: string;
	issuer: string;
	/** Issued by its own key (the issuer is the subject and its signature verifies with its own key). */
	selfSigned: boolean;
	/** The validity period, in ms since the epoch. */
	validFrom: number;
	validTo: number;
	/** "rsa", "ec", "ed25519", ...; bits for RSA (and DSA), the curve for EC. */
	keyType: string;
	keyBits?: number;
	curve?: string;
	/** Where the issuer's certificate was found: the CACertFile, the CACertPath, or nowhere (for a certificate not self-signed). */
	issuerFound?: 'CACertFile' | 'CACertPath' | 'nowhere';
};

/** ok: nothing to do; note: worth knowing; warn: not hardened, though STARTTLS works; fail: broken or weak. */
export type FindingLevel = 'ok' | 'note' | 'warn' | 'fail';

export type StarttlsFinding = {
	/** What the finding is about: "set up", "files", "issuer", "expiry", "validity", "key", "subject", "chain". */
	name: string;
	level: FindingLevel;
	/** What is found, in a line. */
	text: string;
	/** What to do; empty when nothing is to be done. */
	advice: string;
};

/** What audit says about STARTTLS: set up or not, and its findings. */
export type StarttlsAudit = {setUp: boolean; certificate?: string; findings: StarttlsFinding[]};

const DAY_MS = 24 * 60 * 60 * 1000;
/** Under this many days left, an expiry is a warning. */
export const EXPIRY_WARN_DAYS = 30;
/** The longest validity public CAs may issue for (CA/Browser Forum, since 2020). */
export const MAX_VALIDITY_DAYS = 398;

const CERTBOT = 'get a certificate from a CA, e.g. Let\'s Encrypt: "certbot certonly --standalone -d HOST" (or "--webroot -w DIR -d HOST" where a web server holds port 80), then point confSERVER_CERT and confSERVER_KEY in sendmail.mc (O ServerCertFile and O ServerKeyFile in sendmail.cf) at /etc/letsencrypt/live/HOST/fullchain.pem and privkey.pem and rebuild; keep privkey.pem root-only (0600): sendmail refuses a group-readable key unless DontBlameSendmail has GroupReadableKeyFile';

/** The advice where no ServerCertFile is named: how to set STARTTLS up. */
export function notSetUpFinding(layout: 'debian' | 'other'): StarttlsFinding {
	const how = layout === 'debian'
		? 'on Debian: run "/usr/share/sendmail/update_tls" (or "sendmailconfig"), which makes a key and a self-signed certificate under /etc/mail/tls, add "include(`/etc/mail/tls/starttls.m4\')dnl" to sendmail.mc and rebuild'
		: 'set confSERVER_CERT, confSERVER_KEY, confCACERT and confCACERT_PATH in sendmail.mc (O ServerCertFile, ServerKeyFile, CACertFile and CACertPath in sendmail.cf) and rebuild';
	return {
		name: 'set up',
		level: 'warn',
		text: 'STARTTLS is not set up (no ServerCertFile): mail to and from this server travels in the clear; not counted as hardened',
		advice: `${how}. For a certificate clients can verify, ${CERTBOT}`,
	};
}

const days = (ms: number) => Math.floor(ms / DAY_MS);
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const oneLine = (name: string) => name.replaceAll('\n', ', ');

/** The certificate's findings at `now` (ms since the epoch), in the order audit prints them. */
export function certificateFindings(facts: CertificateFacts, now: number): StarttlsFinding[] {
	const findings: StarttlsFinding[] = [];
	findings.push(facts.selfSigned
		? {name: 'issuer', level: 'warn', text: `self-signed (${oneLine(facts.subject)}): a client that checks certificates (DANE, MTA-STS) cannot trust it`, advice: CERTBOT}
		: {name: 'issuer', level: 'ok', text: `issued by ${oneLine(facts.issuer)}`, advice: ''});

	const left = days(facts.validTo - now);
	if (facts.validTo <= now) {
		findings.push({name: 'expiry', level: 'fail', text: `expired on ${date(facts.validTo)} (${days(now - facts.validTo)} days ago): clients that check it refuse it`, advice: `renew it (certbot renew, or a new certificate: ${CERTBOT})`});
	} else if (left < EXPIRY_WARN_DAYS) {
		findings.push({name: 'expiry', level: 'warn', text: `expires in ${left} days (${date(facts.validTo)})`, advice: 'renew it before then (certbot renews 30 days ahead when its timer runs: "certbot renew --dry-run" shows whether it will)'});
	} else {
		findings.push({name: 'expiry', level: 'ok', text: `expires in ${left} days (${date(facts.validTo)})`, advice: ''});
	}

	const lifetime = days(facts.validTo - facts.validFrom);
	if (lifetime > MAX_VALIDITY_DAYS) {
		findings.push({name: 'validity', level: 'note', text: `valid for ${lifetime} days, more than the ${MAX_VALIDITY_DAYS} a public CA may issue: a long-lived key is a long-lived risk`, advice: 'a shorter-lived certificate renewed automatically (Let\'s Encrypt: 90 days)'});
	}

	const key = facts.keyType.toUpperCase();
	if (facts.keyType === 'rsa' || facts.keyType === 'rsa-pss' || facts.keyType === 'dsa') {
		const weak = (facts.keyBits ?? 0) < 2048;
		findings.push({
			name: 'key',
			level: weak ? 'fail' : facts.keyType === 'dsa' ? 'warn' : 'ok',
			text: `${key} ${facts.keyBits ?? '?'} bits${weak ? ': under 2048 bits, too weak (NIST SP 800-131A)' : ''}`,
			advice: weak || facts.keyType === 'dsa' ? `a new key of RSA 2048 bits or more, or EC P-256, with a new certificate: ${CERTBOT}` : '',
		});
	} else {
		findings.push({name: 'key', level: 'ok', text: `${key}${facts.curve === undefined ? '' : ` ${facts.curve}`}`, advice: ''});
	}

	if (/sendmail/i.test(facts.subject)) {
		findings.push({name: 'subject', level: 'warn', text: `the subject names Sendmail (${oneLine(facts.subject)}): like a version in the greeting, it gives the product away to anyone who starts TLS`, advice: `a certificate whose subject names only the host (CN=HOST): ${CERTBOT}`});
	}

	if (!facts.selfSigned) {
		findings.push(facts.issuerFound === 'nowhere' || facts.issuerFound === undefined
			? {name: 'chain', level: 'warn', text: `the issuer (${oneLine(facts.issuer)}) is in neither the CACertFile nor the CACertPath: the chain cannot be checked here, and a client may not complete it`, advice: 'point ServerCertFile at the full chain (certbot\'s fullchain.pem), or CACertFile at the issuer\'s certificate'}
			: {name: 'chain', level: 'ok', text: `the issuer's certificate is in the ${facts.issuerFound}`, advice: ''});
	}

	return findings;
}

/** The whole STARTTLS account: not set up, or sendmail's file problem (if any) and the certificate's findings. */
export function starttlsAudit(input: {setUp: boolean; layout: 'debian' | 'other'; certPath?: string; fileProblem?: string; certificate?: CertificateFacts; unreadable?: string}, now: number): StarttlsAudit {
	if (!input.setUp) {
		return {setUp: false, findings: [notSetUpFinding(input.layout)]};
	}

	const findings: StarttlsFinding[] = [];
	if (input.fileProblem !== undefined) {
		findings.push({name: 'files', level: 'fail', text: `sendmail would not offer STARTTLS: ${input.fileProblem}`, advice: 'fix the file it names (it must exist, be a regular file owned by root in folders only root may write, and the key must not be readable by others)'});
	}

	if (input.certificate === undefined) {
		if (input.fileProblem === undefined) {
			findings.push({name: 'certificate', level: 'note', text: `the certificate was not read${input.unreadable === undefined ? '' : `: ${input.unreadable}`}`, advice: ''});
		}
	} else {
		findings.push(...certificateFindings(input.certificate, now));
	}

	return {setUp: true, ...(input.certPath === undefined ? {} : {certificate: input.certPath}), findings};
}

/** Whether a STARTTLS account lets audit call the config hardened: no warning and no failure. */
export const starttlsHardened = (audit: StarttlsAudit) => audit.findings.every(finding => finding.level === 'ok' || finding.level === 'note');

/** Whether it holds a failure (an expired certificate, a weak key, files sendmail cannot use): audit exits 1. */
export const starttlsFails = (audit: StarttlsAudit) => audit.findings.some(finding => finding.level === 'fail');
