// Judges what a live server said against the answers. Pure: the conversation happens elsewhere.
import type {Answers} from './answers.js';
import {effectiveFlags, type PrivacyFlag} from './privacy-flags.js';
import {OPTION} from '../settings/registry.js';
import {offeredMechanisms} from './auth-options.js';

/** One SMTP reply: its code and its lines in full, e.g. ["250-mail.example Hello", "250 HELP"]. */
export type SmtpReply = {code: number; lines: string[]};

/** The replies to the probe's commands; a missing one was never asked or never answered. */
export type VerifyTranscript = {
	banner: SmtpReply;
	help?: SmtpReply;
	/** `MAIL FROM:<>` sent before any HELO/EHLO. */
	mailBeforeHelo?: SmtpReply;
	ehlo?: SmtpReply;
	/** `VRFY root` and `EXPN root`, sent after EHLO. */
	vrfy?: SmtpReply;
	expn?: SmtpReply;
	/** `MAIL FROM:<>` after EHLO, opening the transaction the recipients go into. */
	mailFrom?: SmtpReply;
	/** The replies to `RCPT TO:`, in order; the probe stops at the first reply that is not 2xx. */
	recipients: SmtpReply[];
	/** How many RCPT TO the probe was ready to send (see recipientProbeCount). */
	recipientsPlanned: number;
	/** Where the client stood; decides what the relaying and harvest findings can mean. */
	vantage?: Vantage;
	/** `ETRN probe.invalid`, after EHLO. */
	etrn?: SmtpReply;
	/** `MAIL FROM:<> RET=HDRS`: a DSN request, refused under noreceipts. */
	dsnMail?: SmtpReply;
	/** `RCPT TO:<relay-probe@example.org>` in a fresh transaction: relaying to an outside domain. */
	relay?: SmtpReply;
	/** A live server: how long its 220 took from the moment the connection opened, in ms. */
	greetingMs?: number;
	/** RCPT TO of each name of HARVEST_NAMES at the server's own domain, in order, until one is not answered 2xx or 5xx. */
	harvest?: HarvestProbe;
	/** STARTTLS and a TLS handshake, where EHLO offered it or the config calls for it. */
	starttls?: StarttlsProbe;
};

/** STARTTLS as the probe met it, at the end of the first conversation. */
export type StarttlsProbe = {
	/** STARTTLS was in the EHLO reply. */
	offered: boolean;
	/** The reply to STARTTLS (sent only when offered). */
	ready?: SmtpReply;
	/** The TLS handshake after "220 Ready to start TLS": what it negotiated, or why it failed. */
	handshake?: {ok: true; protocol: string; cipher: string} | {ok: false; error: string};
	/** EHLO again, over TLS. */
	ehloAfter?: SmtpReply;
	/**
	 * Set where STARTTLS must be offered (a config that names a ServerCertFile, or replaces one that
	 * does): why, and sendmail's reason for not offering it when its file checks find one.
	 */
	expected?: {because: string; problem?: string};
};

/**
 * Where the conversation came from. 'outside': an address that is not the server host's own (the
 * rehearsal's -M{client_addr}, or a client on another machine); 'this host': loopback or one of the
 * host's own addresses, which sendmail lets relay and Debian's access map exempts from greet_pause
 * and rate limits.
 */
export type Vantage = {kind: 'outside' | 'this host'; address: string};

export type HarvestProbe = {
	/** The domain after the @ (the server's own name from its greeting, else localhost). */
	domain: string;
	/** One reply per name tried, in HARVEST_NAMES order. */
	replies: SmtpReply[];
	/** The server began to wait about a second per recipient (BadRcptThrottle), so the probe stopped. */
	throttled?: boolean;
};

/**
 * Common account names a harvester tries. The first ten are nmap's default list
 * (nselib/data/usernames.lst, in its order), so the count for them can be set beside what nmap's
 * smtp-enum-users finds; the rest are role and system accounts most hosts have.
 */
export const NMAP_USERNAMES = ['root', 'admin', 'administrator', 'webadmin', 'sysadmin', 'netadmin', 'guest', 'user', 'web', 'test'] as const;
export const HARVEST_NAMES: readonly string[] = [
	...NMAP_USERNAMES,
	'postmaster', 'abuse', 'hostmaster', 'webmaster', 'info', 'sales', 'support', 'contact', 'office', 'mail',
	'www', 'www-data', 'daemon', 'bin', 'sys', 'nobody', 'operator', 'backup', 'news', 'ftp',
];

/** The domain the harvest probe asks about: the first word of the greeting when it is a dotted host name. */
export function harvestDomain(banner: SmtpReply): string {
	const name = /^220[ -](\S+)/.exec(banner.lines[0] ?? '')?.[1];
	return name !== undefined && /^[a-z\d](?:[a-z\d-]*[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]*[a-z\d])?)+$/i.test(name) ? name : 'localhost';
}

export type CheckStatus = 'pass' | 'fail' | 'info';

export type Check = {
	name: string;
	status: CheckStatus;
	/** What the answers call for, in words. */
	expected: string;
	/** The server's own reply line that decided the check. */
	reply: string;
};

/** The most RCPT TO the probe sends in one transaction. */
export const RECIPIENT_PROBE_CAP = 1000;

/**
 * How many RCPT TO to send: one past the chosen limit, so the refused one shows; the cap for "no
 * limit". None when the answers choose no limit: nothing is expected, so a thousand recipients
 * would prove nothing (the check says so instead).
 */
export function recipientProbeCount(answers: Answers, cap = RECIPIENT_PROBE_CAP): number {
	const limit = answers.maxRecipientsPerMessage;
	if (typeof limit !== 'number') {
		return 0;
	}

	return limit > 0 ? Math.min(limit + 1, cap) : cap;
}

const noReply = '(no reply)';

/** The text of a reply line without its code and enhanced status code ("2.0.0"). */
function replyText(line: string): string {
	return line.replace(/^\d{3}[ -]?/, '').replace(/^[245]\.\d{1,3}\.\d{1,3}(?: |$)/, '');
}

/**
 * A version number such as 8.17.1.9, or a $Z-like "8.17.1.9/Debian-2+deb12u2", in reply text.
 * Address literals ("[127.0.0.1]") are not versions, so they are left out first.
 */
export function findVersion(text: string): string | undefined {
	const withoutAddresses = text.replaceAll(/\[(?:IPv6:)?[\da-f.:]+\]/gi, '[]');
	return /(?<![\w.])\d+\.\d+\.\d+(?:\.\d+)*(?:\/[\w.+-]+)*(?![\w.])/.exec(withoutAddresses)?.[0];
}

function firstLine(reply: SmtpReply | undefined): string {
	return reply?.lines[0] ?? noReply;
}

function chosenFlags(answers: Answers): readonly string[] | undefined {
	return answers.privacyOptions ?? undefined;
}

function bannerCheck(answers: Answers, banner: SmtpReply): Check {
	const line = firstLine(banner);
	const hideName = typeof answers.greeting === 'string' && !/sendmail/i.test(answers.greeting);
	const expected = hideName ? 'no version number and no "Sendmail"' : 'no version number';
	const leak = banner.lines.map(text => findVersion(replyText(text))).find(version => version !== undefined);
	if (leak !== undefined) {
		return {name: 'banner', status: 'fail', expected: `${expected}; it shows ${leak}`, reply: line};
	}

	// A word of its own: a host such as sendmail.example.org does not count.
	if (hideName && banner.lines.some(text => /(?<![\w.-])sendmail(?![\w.-])/i.test(replyText(text)))) {
		return {name: 'banner', status: 'fail', expected: `${expected}; it names Sendmail`, reply: line};
	}

	return {name: 'banner', status: 'pass', expected, reply: line};
}

function helpCheck(help: SmtpReply | undefined): Check {
	const expected = 'no version number in HELP';
	if (help === undefined) {
		return {name: 'HELP', status: 'fail', expected: `${expected}; the server did not answer HELP`, reply: noReply};
	}

	// docs/sendmail.md, "The helpfile": "214-2.0.0 This is sendmail version 8.17.1.9" from the helpfile's $v line,
	// and with no HelpFile "502 5.3.0 Sendmail 8.17.1.9 -- HELP not implemented".
	for (const line of help.lines) {
		const version = findVersion(replyText(line));
		if (version !== undefined) {
			// docs/sendmail.md, "The helpfile": an old-style help file (no "#vers<TAB>2" line) makes sendmail itself
			// print "This is Sendmail version ..."; the $v line of a version 2 file says "sendmail".
			const fix = /This is Sendmail version/.test(line) ? 'the help file has no "#vers<TAB>2" line, so sendmail prints its version itself' : 'remove the $v line from the HelpFile';
			return {name: 'HELP', status: 'fail', expected: `${expected}; it shows ${version} (${fix})`, reply: line};
		}
	}

	return {name: 'HELP', status: 'pass', expected, reply: firstLine(help)};
}

/** A check of one privacy flag's effect, pass/fail when the answers choose the flags, else info. */
function flagCheck(
	answers: Answers,
	name: string,
	flag: string,
	reply: SmtpReply | undefined,
	refusal: {code: number; words: string; text?: RegExp},
	allowed: string,
): Check {
	const flags = chosenFlags(answers);
	const line = firstLine(reply);
	if (flags === undefined) {
		return {name, status: 'info', expected: `not chosen (PrivacyOptions left as it is)`, reply: line};
	}

	const refuse = flags.includes(flag) || flags.includes('goaway');
	const expected = refuse ? `${refusal.code} (${refusal.words}, from ${flags.includes(flag) ? flag : 'goaway'})` : `${allowed} (no ${flag} and no goaway)`;
	if (reply === undefined) {
		return {name, status: 'fail', expected, reply: line};
	}

	// The code alone is not enough: a VRFY of an address that is relayed elsewhere (a nullclient's
	// hub) answers "252 2.1.5 <root@hub>", which reveals the address rather than refusing.
	const refused = reply.code === refusal.code && (refusal.text === undefined || reply.lines.some(text => refusal.text!.test(text)));
	return {name, status: refused === refuse ? 'pass' : 'fail', expected, reply: line};
}

function sizeCheck(answers: Answers, ehlo: SmtpReply | undefined): Check {
	const name = 'SIZE';
	const sizeLine = ehlo?.lines.find(line => /^250[ -]SIZE(?: |$)/i.test(line));
	const line = sizeLine ?? (ehlo === undefined ? noReply : `${firstLine(ehlo)} (no SIZE line)`);
	const advertised = sizeLine === undefined ? undefined : Number(/^250[ -]SIZE\s+(\d+)/i.exec(sizeLine)?.[1] ?? 0);
	const limit = answers.maxMessageSize;
	if (typeof limit !== 'number') {
		return {name, status: 'info', expected: 'not chosen (MaxMessageSize left as it is)', reply: line};
	}

	// docs/sendmail.md, "SMTP replies per setting": MaxMessageSize=500000 gives "250-SIZE 500000"; 0 or unset gives "250-SIZE".
	const expected = limit === 0 ? 'SIZE with no number (no limit)' : `SIZE ${limit}`;
	return {name, status: advertised === limit ? 'pass' : 'fail', expected, reply: line};
}

function isTooManyRecipients(reply: SmtpReply): boolean {
	// docs/sendmail.md, "SMTP replies per setting": the (limit+1)th RCPT TO gets "452 4.5.3 Too many recipients". Other 452s
	// (e.g. 4.3.1, no disk space) are not the limit.
	return reply.code === 452 && reply.lines.some(line => /\b4\.5\.3\b|too many recipients/i.test(line));
}

function recipientCheck(answers: Answers, transcript: VerifyTranscript): Check {
	const name = 'recipient limit';
	const limit = answers.maxRecipientsPerMessage;
	const chosen = typeof limit === 'number';
	const expected = !chosen
		? `not chosen (${OPTION.maxRecipientsPerMessage} left as it is)`
		: limit === 0
			? 'no limit'
			: `${limit} accepted, then 452 4.5.3 Too many recipients`;
	const cannotTell = (why: string, reply: string): Check => ({name, status: chosen ? 'fail' : 'info', expected: `${expected}; could not check: ${why}`, reply});
	if (!chosen && transcript.recipientsPlanned === 0) {
		return {name, status: 'info', expected: `${expected}; not checked: no RCPT TO was sent, as no limit is expected (give the answers with --answers FILE or --preset NAME to check one)`, reply: '(none sent)'};
	}

	const mailFrom = transcript.mailFrom;
	if (mailFrom === undefined || mailFrom.code !== 250) {
		return cannotTell('the server refused MAIL FROM:<>', firstLine(mailFrom));
	}

	const replies = transcript.recipients;
	const accepted = replies.filter(reply => reply.code >= 200 && reply.code < 300).length;
	const last = replies.at(-1);
	if (last !== undefined && (last.code < 200 || last.code >= 300)) {
		if (!isTooManyRecipients(last)) {
			return cannotTell(`the server refused recipient ${replies.length}`, firstLine(last));
		}

		// The server's limit is exactly the number it accepted before saying 452.
		if (!chosen) {
			return {name, status: 'info', expected: `${expected}; the server's limit is ${accepted}`, reply: firstLine(last)};
		}

		return {name, status: limit === accepted ? 'pass' : 'fail', expected: `${expected}; the server refused recipient ${accepted + 1}`, reply: firstLine(last)};
	}

	if (accepted < transcript.recipientsPlanned) {
		return cannotTell(`the conversation ended after ${accepted} recipients`, firstLine(last));
	}

	// Every recipient sent was accepted.
	const summary = `the server accepted all ${accepted} recipients sent`;
	if (!chosen) {
		return {name, status: 'info', expected: `${expected}; ${summary}`, reply: firstLine(last)};
	}

	if (limit === 0) {
		return {name, status: 'pass', expected: `${expected}; ${summary}`, reply: firstLine(last)};
	}

	if (limit >= accepted) {
		// The limit lies beyond what the probe sends.
		return {name, status: 'info', expected: `${expected}; only ${accepted} were sent and all were accepted, so a limit of ${limit} cannot be seen`, reply: firstLine(last)};
	}

	return {name, status: 'fail', expected: `${expected}; ${summary}`, reply: firstLine(last)};
}

const isPositive = (reply: SmtpReply | undefined) => reply !== undefined && reply.code >= 200 && reply.code < 300;

/** The flags in force under the answers, or undefined when they leave PrivacyOptions alone. */
function flagsInForce(answers: Answers): Set<PrivacyFlag> | undefined {
	const flags = chosenFlags(answers);
	return flags === undefined ? undefined : effectiveFlags(flags as PrivacyFlag[]);
}

const privileged = 'this host\'s own addresses may relay, and Debian\'s access map lets 127/8 relay with no greet pause and no rate limit';

/**
 * Relaying to a domain the server does not serve. The answers choose nothing here, so it is a
 * finding, never pass/fail; from this host an "allowed" says nothing about outsiders.
 */
function relayCheck(transcript: VerifyTranscript): Check {
	const name = 'relaying';
	const {relay, vantage} = transcript;
	const line = firstLine(relay);
	const outside = vantage?.kind === 'outside';
	const from = vantage === undefined ? '' : outside ? ` from outside (${vantage.address})` : ` from this host (${vantage.address})`;
	if (relay === undefined) {
		return {name, status: 'info', expected: `relaying to an outside domain${from}: not checked, the conversation ended first`, reply: line};
	}

	if (isPositive(relay)) {
		return {name, status: 'info', expected: outside
			? `relaying to an outside domain${from}: ALLOWED, anyone can send mail through this server (an open relay)`
			: `relaying to an outside domain${from}: allowed, as expected from this host (${privileged}); what outsiders meet shows in the rehearsal (verify --config FILE) or in verify --host NAME run from another machine`, reply: line};
	}

	const denied = relay.code === 550 && relay.lines.some(text => /\b5\.7\.1\b|relaying denied/i.test(text));
	return {name, status: 'info', expected: `relaying to an outside domain${from}: ${denied ? 'denied (550 5.7.1)' : relay.code >= 400 && relay.code < 500 ? `refused for now (${relay.code}, a temporary answer)` : `refused (${relay.code})`}`, reply: line};
}

/** A refusal flag beyond goaway (noetrn, noreceipts): pass/fail when the answers choose it, else what the server does. */
function etrnCheck(answers: Answers, etrn: SmtpReply | undefined): Check {
	const name = 'ETRN';
	const line = firstLine(etrn);
	const flags = flagsInForce(answers);
	const refused = etrn !== undefined && etrn.code >= 500;
	const said = etrn === undefined ? 'no reply' : refused ? `refused (${etrn.code})` : isPositive(etrn) ? 'answered: anyone may start a queue run' : `answered ${etrn.code}`;
	if (flags?.has('noetrn')) {
		return {name, status: refused && etrn.code === 502 ? 'pass' : 'fail', expected: '502 (ETRN refused, from noetrn)', reply: line};
	}

	return {name, status: 'info', expected: `${flags === undefined ? 'not chosen (PrivacyOptions left as it is)' : 'noetrn not chosen'}; ETRN ${said}`, reply: line};
}

/** The "250-AUTH ..." line of an EHLO reply, or undefined. */
export function authLine(ehlo: SmtpReply | undefined): string | undefined {
	return ehlo?.lines.find(text => /^250[ -]AUTH[ =]/i.test(text));
}

/**
 * AUTH in EHLO's reply before STARTTLS (the rehearsal's -bs session and verify's plain connection
 * never start TLS). With authRequireTls, PLAIN and LOGIN must not be offered; with authMechanisms,
 * nothing outside the list. Without either answer it is a finding: what is offered in the clear,
 * DIGEST-MD5 (historic, RFC 6331) named.
 */
function authCheck(answers: Answers, ehlo: SmtpReply): Check {
	const name = 'AUTH before STARTTLS';
	const line = authLine(ehlo);
	const offered = offeredMechanisms(ehlo.lines) ?? [];
	const seen = offered.length === 0
		? 'no AUTH offered before STARTTLS'
		: `AUTH ${offered.join(' ')} offered before STARTTLS${offered.includes('DIGEST-MD5') ? ' (DIGEST-MD5 is historic, RFC 6331)' : ''}`;
	const reply = line ?? `${firstLine(ehlo)} (no AUTH line)`;
	const chosen = answers.authMechanisms ?? undefined;
	const requireTls = answers.authRequireTls === true;
	if (!requireTls && chosen === undefined) {
		return {name, status: 'info', expected: `authRequireTls and authMechanisms not chosen; ${seen}`, reply};
	}

	const notInClear = offered.filter(mechanism => (requireTls && ['PLAIN', 'LOGIN'].includes(mechanism)) || (chosen !== undefined && !chosen.includes(mechanism)));
	const wanted = [
		...(requireTls ? ['PLAIN and LOGIN only after STARTTLS (AuthOptions p)'] : []),
		...(chosen === undefined ? [] : [`nothing but ${chosen.join(' ')}`]),
	].join(', ');
	return {name, status: notInClear.length === 0 ? 'pass' : 'fail', expected: `${wanted}; ${seen}`, reply};
}

function dsnCheck(answers: Answers, ehlo: SmtpReply | undefined, dsnMail: SmtpReply | undefined): Check {
	const name = 'DSN';
	const offered = ehlo?.lines.some(text => /^250[ -]DSN\b/i.test(text)) ?? false;
	const retRefused = dsnMail !== undefined && dsnMail.code >= 500;
	const line = !retRefused && dsnMail !== undefined ? firstLine(dsnMail) : offered ? '250-DSN' : firstLine(dsnMail);
	const seen = `${offered ? 'DSN offered in EHLO' : 'no DSN in EHLO'}, RET= ${dsnMail === undefined ? 'not answered' : retRefused ? `refused (${dsnMail.code})` : 'accepted'}`;
	const flags = flagsInForce(answers);
	if (flags?.has('noreceipts')) {
		return {name, status: !offered && retRefused ? 'pass' : 'fail', expected: `no DSN in EHLO and RET= refused (504, from noreceipts); ${seen}`, reply: line};
	}

	return {name, status: 'info', expected: `${flags === undefined ? 'not chosen (PrivacyOptions left as it is)' : 'noreceipts not chosen'}; ${seen}${offered || !retRefused ? ' (delivery receipts can confirm addresses)' : ''}`, reply: line};
}

function helpProductCheck(answers: Answers, help: SmtpReply | undefined): Check {
	const name = 'HELP product';
	// The setting that removes HELP's lines naming sendmail; read loosely, so that answers without it mean "not chosen".
	const chosen = (answers as {hideHelpProduct?: unknown}).hideHelpProduct === true;
	const naming = help?.lines.find(text => /sendmail/i.test(replyText(text)));
	const seen = help === undefined ? 'HELP not answered' : naming === undefined ? 'HELP names no product' : 'HELP names sendmail';
	const reply = naming ?? firstLine(help);
	if (chosen) {
		return {name, status: help !== undefined && naming === undefined ? 'pass' : 'fail', expected: `no "sendmail" or sendmail.org in HELP; ${seen}`, reply};
	}

	return {name, status: 'info', expected: `not chosen; ${seen}`, reply};
}

/**
 * How many common account names an outside client confirms by RCPT TO (never DATA). A finding,
 * not pass/fail: no answer the tool offers stops it yet. BadRcptShutdown (close the connection after
 * N unknown recipients) limits it; BadRcptThrottle only slows it down.
 */
function harvestCheck(transcript: VerifyTranscript): Check {
	const name = 'account harvest';
	const probe = transcript.harvest;
	if (probe === undefined || probe.replies.length === 0) {
		return {name, status: 'info', expected: 'not checked: the conversation ended first (or the server refused MAIL FROM:<>)', reply: noReply};
	}

	const {confirmed, tried, nmapConfirmed, nmapTried} = harvestCounts(probe);
	const last = probe.replies.at(-1)!;
	const where = transcript.vantage === undefined ? '' : transcript.vantage.kind === 'outside' ? ` from outside (${transcript.vantage.address})` : ` from this host (${transcript.vantage.address})`;
	const relayRefused = probe.replies.every(reply => reply.code === 550 && reply.lines.some(text => /\b5\.7\.1\b|relaying denied/i.test(text)));
	if (relayRefused) {
		return {name, status: 'info', expected: `could not tell: the server refused relaying to ${probe.domain}`, reply: firstLine(last)};
	}

	const stopped = probe.throttled
		? `; after ${tried - 1} names each reply came a second late (BadRcptThrottle), so the probe stopped there: a patient harvester still gets every answer`
		: tried < HARVEST_NAMES.length
		? last.code === 421 ? `; the server closed the connection after ${tried} names (BadRcptShutdown at work)` : `; the probe stopped after ${tried} names (${last.code})`
		: '';
	const list = confirmed.length === 0 ? '' : ` (${confirmed.slice(0, 8).join(', ')}${confirmed.length > 8 ? ', ...' : ''})`;
	return {
		name,
		status: 'info',
		expected: `${confirmed.length} of ${tried < HARVEST_NAMES.length ? `the first ${tried} of ` : ''}${HARVEST_NAMES.length} common account names confirmed by RCPT TO${where}${list}; of nmap's ${NMAP_USERNAMES.length} default names: ${nmapConfirmed}${nmapTried < NMAP_USERNAMES.length ? ` (of the first ${nmapTried})` : ''}${stopped}. What limits it: BadRcptShutdown (close the connection after N unknown recipients); BadRcptThrottle only slows it`,
		reply: firstLine(probe.replies.find(reply => isPositive(reply)) ?? last),
	};
}

/** At or past this a greeting counts as held back (greet_pause; Debian's .mc gives outsiders FEATURE(greet_pause)'s 1 s: its access file's keyless "GreetPause: 5000" is never read). */
const GREETING_PAUSE_MS = 1000;

/**
 * The pause before a live server's greeting, as this client met it: greet_pause holds the 220 back
 * and answers a client that talks first with 554, which stops spam software that does not wait.
 * A finding, not pass/fail: no answer decides it; Debian's access map gives 127/8 no pause.
 */
function greetingPauseCheck(transcript: VerifyTranscript, greetingMs: number): Check {
	const where = transcript.vantage === undefined ? '' : transcript.vantage.kind === 'outside' ? ` for a client at ${transcript.vantage.address}` : ` for this host (${transcript.vantage.address})`;
	const seconds = (greetingMs / 1000).toFixed(1);
	return {
		name: 'greeting pause',
		status: 'info',
		expected: greetingMs >= GREETING_PAUSE_MS
			? `the 220 came after ${seconds} s${where}: a pause before the greeting (greet_pause) holds clients back, and one that talks first gets "554 ... not accepting messages", a text nmap matches as Sendmail`
			: `the 220 came at once (${seconds} s)${where}: no pause before the greeting`,
		reply: firstLine(transcript.banner),
	};
}

/** What the harvest found: the names confirmed, how many were answered, and the same for nmap's default names. */
export function harvestCounts(probe: HarvestProbe): {confirmed: string[]; tried: number; nmapConfirmed: number; nmapTried: number} {
	const answered = (reply: SmtpReply | undefined) => reply !== undefined && (isPositive(reply) || reply.code >= 500);
	const confirmed = HARVEST_NAMES.filter((_, index) => isPositive(probe.replies[index]));
	const tried = probe.replies.filter(reply => answered(reply)).length;
	return {
		confirmed,
		tried,
		nmapConfirmed: NMAP_USERNAMES.filter((_, index) => isPositive(probe.replies[index])).length,
		nmapTried: Math.min(tried, NMAP_USERNAMES.length),
	};
}

/**
 * STARTTLS in EHLO and a TLS handshake completed over it: pass when it works, fail when it
 * was offered and broke, or was expected and is missing; info when neither offered nor expected.
 */
export function starttlsCheck(probe: StarttlsProbe): Check {
	const name = 'STARTTLS';
	const because = probe.expected === undefined ? '' : ` (${probe.expected.because})`;
	const wanted = `STARTTLS in EHLO and a TLS handshake${because}`;
	if (!probe.offered) {
		if (probe.expected === undefined) {
			return {name, status: 'info', expected: 'STARTTLS not offered in EHLO (no ServerCertFile: STARTTLS is not set up)', reply: '(not in EHLO)'};
		}

		const why = probe.expected.problem ?? 'sendmail writes its reason only to syslog';
		return {name, status: 'fail', expected: `${wanted}; not offered: ${why}`, reply: '(not in EHLO)'};
	}

	const ready = firstLine(probe.ready);
	if (probe.ready === undefined || probe.ready.code !== 220) {
		return {name, status: 'fail', expected: `${wanted}; STARTTLS was offered but refused`, reply: ready};
	}

	const handshake = probe.handshake;
	if (handshake === undefined || !handshake.ok) {
		return {name, status: 'fail', expected: `${wanted}; the handshake failed: ${handshake?.error ?? 'not tried'}`, reply: ready};
	}

	const after = probe.ehloAfter === undefined || probe.ehloAfter.code !== 250 ? '; EHLO over TLS was not answered' : '';
	return {name, status: after === '' ? 'pass' : 'fail', expected: `${wanted}; offered, handshake completed: ${handshake.protocol}, ${handshake.cipher}${after}`, reply: ready};
}

/** Decides every check. The version checks (banner, HELP) always apply. */
export function verifyChecks(answers: Answers, transcript: VerifyTranscript): Check[] {
	return [
		bannerCheck(answers, transcript.banner),
		helpCheck(transcript.help),
		// docs/sendmail.md, "SMTP replies per setting" and "PrivacyOptions and goaway".
		flagCheck(answers, 'MAIL before HELO', 'needmailhelo', transcript.mailBeforeHelo, {code: 503, words: 'HELO first'}, 'accepted'),
		flagCheck(answers, 'VRFY', 'novrfy', transcript.vrfy, {code: 252, words: 'Cannot VRFY user', text: /^252[ -]2\.5\.2\b|Cannot VRFY/i}, 'answered'),
		flagCheck(answers, 'EXPN', 'noexpn', transcript.expn, {code: 502, words: 'not allowed'}, 'answered'),
		sizeCheck(answers, transcript.ehlo),
		recipientCheck(answers, transcript),
		// The outsider's checks, where the conversation asked for them (older transcripts do not).
		...('etrn' in transcript ? [etrnCheck(answers, transcript.etrn)] : []),
		...('dsnMail' in transcript ? [dsnCheck(answers, transcript.ehlo, transcript.dsnMail)] : []),
		...('help' in transcript && 'etrn' in transcript ? [helpProductCheck(answers, transcript.help)] : []),
		...('relay' in transcript ? [relayCheck(transcript)] : []),
		...('harvest' in transcript ? [harvestCheck(transcript)] : []),
		...('etrn' in transcript && transcript.ehlo !== undefined ? [authCheck(answers, transcript.ehlo)] : []),
		...(transcript.greetingMs === undefined ? [] : [greetingPauseCheck(transcript, transcript.greetingMs)]),
		...(transcript.starttls === undefined ? [] : [starttlsCheck(transcript.starttls)]),
	];
}

/**
 * Where the daemon listens, from the first MTA `O DaemonPortOptions=` line: sendmail's default is
 * port 25 on every address; "Port=smtp" means 25; Addr=0.0.0.0 (every address) is reached on
 * 127.0.0.1.
 */
export function readDaemonAddress(cfText: string): {host: string; port: number} {
	const entries = cfText
		.split(/\r?\n/)
		.filter(line => line.startsWith('O DaemonPortOptions='))
		.map(line => {
			const fields = new Map<string, string>();
			for (const part of line.slice('O DaemonPortOptions='.length).split(',')) {
				const equals = part.indexOf('=');
				if (equals !== -1) {
					fields.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim());
				}
			}

			return fields;
		});
	const portOf = (fields: Map<string, string>): number | undefined => {
		const port = (fields.get('port') ?? 'smtp').toLowerCase();
		const named: Record<string, number> = {smtp: 25, submission: 587, smtps: 465};
		if (/^\d+$/.test(port)) {
			return Number(port);
		}

		return named[port];
	};

	// MSA ports (submission, smtps, or sendmail's "M=E"-style MSP names) are not where the MTA answers.
	const mta = entries.find(fields => /mta/i.test(fields.get('name') ?? ''))
		?? entries.find(fields => ![587, 465].includes(portOf(fields) ?? 25) && !/^ms[ap]/i.test(fields.get('name') ?? ''))
		?? entries[0];
	if (mta === undefined) {
		return {host: '127.0.0.1', port: 25};
	}

	const family = (mta.get('family') ?? 'inet').toLowerCase();
	const addr = mta.get('addr') ?? mta.get('address');
	let host = family === 'inet6' ? '::1' : '127.0.0.1';
	if (addr !== undefined && addr !== '' && addr !== '0.0.0.0' && addr !== '::' && addr.toLowerCase() !== 'inaddr_any') {
		host = addr;
	}

	return {host, port: portOf(mta) ?? 25};
}

/**
 * Where the outsider's view (the rehearsal) and this host's view (live verify over loopback or an
 * own address) differ: one line per check, e.g. "relaying: from outside: denied (550 ...); from this
 * host: allowed (250 ...)". Dates and host names in replies do not count, only what was answered.
 */
export function viewDifferences(outside: readonly Check[], here: readonly Check[]): string[] {
	const compared = new Set(['MAIL before HELO', 'VRFY', 'EXPN', 'ETRN', 'DSN', 'relaying', 'account harvest']);
	const outcome = (check: Check): string => {
		if (check.name === 'relaying') {
			return /^2\d\d/.test(check.reply) ? `allowed (${check.reply})` : `denied (${check.reply})`;
		}

		if (check.name === 'account harvest') {
			return `${/^(\d+) of/.exec(check.expected)?.[1] ?? '?'} account names confirmed`;
		}

		return `"${check.reply}"`;
	};

	const key = (check: Check) => (check.name === 'relaying' ? /^2\d\d/.test(check.reply) : check.name === 'account harvest' ? outcome(check) : check.reply.slice(0, 3));
	const lines: string[] = [];
	for (const there of outside) {
		const mine = here.find(check => check.name === there.name);
		if (mine !== undefined && compared.has(there.name) && key(there) !== key(mine)) {
			lines.push(`${there.name}: from outside: ${outcome(there)}; from this host: ${outcome(mine)}`);
		}
	}

	return lines;
}
