// Judges what a live server said against the answers. Pure: the conversation happens elsewhere.
import type {Answers} from './answers.js';
import {OPTION} from '../settings/registry.js';

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
};

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
