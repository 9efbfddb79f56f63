// What each PrivacyOptions flag does, in words an admin learning sendmail can use, with the
// SMTP exchange it changes (replies as seen on sendmail 8.17: sendmail-facts.md).
import {isPrivacyFlag, PRIVACY_FLAG_NAMES, type PrivacyFlag} from './privacy-flag-names.js';

export {PRIVACY_FLAG_NAMES, isPrivacyFlag, type PrivacyFlag} from './privacy-flag-names.js';

/** What a client sends, and the server's answer without and with the flag. */
export type SmtpExchange = {command: string; before: string; after: string};

export type PrivacyFlagInfo = {
	name: PrivacyFlag;
	/** One line, at most 58 characters, so a list of all flags fits 80 columns. */
	summary: string;
	/** Two to four plain sentences. */
	explanation: string;
	/** Who notices the flag: SMTP clients, local users of the sendmail command, or bounce readers. */
	affects: 'smtp' | 'command line' | 'bounces' | 'headers' | 'none';
	exchange?: SmtpExchange;
};

/**
 * What `goaway` sets in sendmail 8.17. sendmail.h defines PRIV_GOAWAY as 0x0000ffff, the low 16
 * bits, which hold exactly needmailhelo (0x01), needexpnhelo (0x02), needvrfyhelo (0x04),
 * noexpn (0x08), novrfy (0x10), authwarnings (0x20) and noverb (0x40). restrictmailq,
 * restrictqrun, restrictexpand, noetrn, nobodyreturn, noreceipts and noactualrecipient live in
 * the high bits, so goaway leaves them off; sendmail-facts.md ("what goaway covers") saw EHLO
 * still offering DSN and ETRN. Write-ups that list goaway without noverb are out of date.
 */
export const GOAWAY_IMPLIES: readonly PrivacyFlag[] = [
	'needmailhelo',
	'needexpnhelo',
	'needvrfyhelo',
	'noexpn',
	'novrfy',
	'authwarnings',
	'noverb',
];

const VRFY_ALLOWED = '250 2.1.5 root <root@lab.example.test>';
const NOT_INTRODUCED = '503 5.0.0 I demand that you introduce yourself first';

export const PRIVACY_FLAGS: Readonly<Record<PrivacyFlag, PrivacyFlagInfo>> = {
	public: {
		name: 'public',
		summary: 'No restrictions (the default)',
		explanation: 'public turns nothing on: it is what sendmail does when PrivacyOptions is empty. It only makes sense on its own, as a way to say "no privacy options" explicitly. Combined with other flags it changes nothing.',
		affects: 'none',
	},
	needmailhelo: {
		name: 'needmailhelo',
		summary: 'MAIL FROM is refused until the client says HELO/EHLO',
		explanation: 'A client must introduce itself with HELO or EHLO before it may start a message with MAIL FROM. Real mail servers always do; many spam tools and scanners skip the greeting. It costs nothing and rejects some junk early.',
		affects: 'smtp',
		exchange: {
			command: 'MAIL FROM:<a@example.org>   (before HELO/EHLO)',
			before: '250 2.1.0 <a@example.org>... Sender ok',
			after: '503 5.0.0 Polite people say HELO first',
		},
	},
	needexpnhelo: {
		name: 'needexpnhelo',
		summary: 'EXPN is refused until the client says HELO/EHLO',
		explanation: 'EXPN shows what a mailing list or alias expands to. With this flag a client must say HELO or EHLO first, so the request is at least tied to a name in the log. To refuse EXPN altogether, use noexpn.',
		affects: 'smtp',
		exchange: {command: 'EXPN root   (before HELO/EHLO)', before: VRFY_ALLOWED, after: NOT_INTRODUCED},
	},
	noexpn: {
		name: 'noexpn',
		summary: 'EXPN is refused, and EHLO stops offering it',
		explanation: 'EXPN shows what an alias or mailing list expands to: the real mailboxes behind it. Spammers and attackers use it to harvest addresses and learn user names. noexpn refuses the command for everyone and removes it from the EHLO list.',
		affects: 'smtp',
		exchange: {command: 'EXPN root', before: VRFY_ALLOWED, after: '502 5.7.0 Sorry, we do not allow this operation'},
	},
	needvrfyhelo: {
		name: 'needvrfyhelo',
		summary: 'VRFY is refused until the client says HELO/EHLO',
		explanation: 'VRFY asks whether a mailbox exists. With this flag a client must say HELO or EHLO first. To stop VRFY from revealing anything at all, use novrfy.',
		affects: 'smtp',
		exchange: {command: 'VRFY root   (before HELO/EHLO)', before: VRFY_ALLOWED, after: NOT_INTRODUCED},
	},
	novrfy: {
		name: 'novrfy',
		summary: 'VRFY no longer says whether a mailbox exists',
		explanation: 'VRFY asks whether a mailbox exists, which lets anyone test a list of guessed user names one by one. With novrfy sendmail answers every VRFY with the same non-committal 252, as RFC 5321 allows. Mail delivery is unaffected.',
		affects: 'smtp',
		exchange: {
			command: 'VRFY root',
			before: VRFY_ALLOWED,
			after: '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)',
		},
	},
	restrictmailq: {
		name: 'restrictmailq',
		summary: 'Only root and the queue\'s group may list the queue',
		explanation: 'Without it, any local user can run mailq and see who is sending mail to whom. With restrictmailq only root and members of the group that owns the queue folder may list it. It changes nothing over SMTP.',
		affects: 'command line',
	},
	restrictqrun: {
		name: 'restrictqrun',
		summary: 'Only root and the queue\'s owner may run the queue',
		explanation: 'Without it, any local user can run "sendmail -q" to force a queue run, and pass options that change how it runs. With restrictqrun only root and the owner of the queue folder may. It changes nothing over SMTP.',
		affects: 'command line',
	},
	noreceipts: {
		name: 'noreceipts',
		summary: 'No delivery receipts (DSN): EHLO stops offering DSN',
		explanation: 'Delivery status notifications let a sender ask for a receipt when a message is delivered. Such receipts confirm that an address exists, and can be abused to send mail to a forged sender. noreceipts stops sendmail offering DSN and sending success receipts; bounces for failures still go out.',
		affects: 'smtp',
		exchange: {command: 'EHLO client.example.org', before: '250-DSN   (among the EHLO lines)', after: '(no 250-DSN line)'},
	},
	nobodyreturn: {
		name: 'nobodyreturn',
		summary: 'Bounces no longer include the original message body',
		explanation: 'A bounce normally carries a copy of the message that could not be delivered. With nobodyreturn only its headers go back. This keeps bounces small and stops a forged sender from receiving a full copy of spam or viruses.',
		affects: 'bounces',
	},
	goaway: {
		name: 'goaway',
		summary: 'Shorthand: HELO first, no VRFY, EXPN or VERB',
		explanation: `goaway turns on the seven flags below in one word. It does not include noetrn, noreceipts, nobodyreturn, noactualrecipient, restrictmailq, restrictqrun or restrictexpand: add those yourself if you want them. Some write-ups leave noverb out of the list; sendmail 8.17 sets it.`,
		affects: 'smtp',
	},
	authwarnings: {
		name: 'authwarnings',
		summary: 'Adds X-Authentication-Warning headers when in doubt',
		explanation: 'sendmail adds an X-Authentication-Warning header when something about a message looks suspect, for example a local user setting a different sender with -f, or a client whose HELO name does not match its address. The headers help whoever reads the message judge it. Debian turns it on by default.',
		affects: 'headers',
	},
	noverb: {
		name: 'noverb',
		summary: 'VERB is refused, and EHLO stops offering it',
		explanation: 'VERB asks sendmail to report every step of delivery back over the connection, which shows a stranger how your mail is routed internally. noverb refuses it and removes it from the EHLO list.',
		affects: 'smtp',
		exchange: {command: 'EHLO client.example.org', before: '250-VERB   (among the EHLO lines)', after: '(no 250-VERB line)'},
	},
	restrictexpand: {
		name: 'restrictexpand',
		summary: 'Only root sees alias and .forward expansion (-bv, -v)',
		explanation: 'Without it, any local user can run "sendmail -bv address" or use -v to see what an alias or another user\'s .forward file expands to. With restrictexpand sendmail drops its privileges for -bv unless root or the TrustedUser runs it, and ignores -v. It changes nothing over SMTP.',
		affects: 'command line',
	},
	noetrn: {
		name: 'noetrn',
		summary: 'ETRN is refused, and EHLO stops offering it',
		explanation: 'ETRN lets a remote client ask the server to run its queue for a domain, which a stranger can use to make your server do work on demand. Unless you relay for dial-up sites that rely on it, you do not need it.',
		affects: 'smtp',
		exchange: {command: 'EHLO client.example.org', before: '250-ETRN   (among the EHLO lines)', after: '(no 250-ETRN line)'},
	},
	noactualrecipient: {
		name: 'noactualrecipient',
		summary: 'Bounces no longer name the real mailbox behind an alias',
		explanation: 'When mail to an alias fails, the bounce normally carries an X-Actual-Recipient line naming the mailbox the alias pointed to. noactualrecipient leaves that line out, so bounces do not reveal internal addresses.',
		affects: 'bounces',
	},
};

/** The flags in force once goaway is spelled out (goaway itself stays in the set). */
export function effectiveFlags(flags: readonly PrivacyFlag[]): Set<PrivacyFlag> {
	const effective = new Set<PrivacyFlag>(flags);
	if (effective.has('goaway')) {
		for (const flag of GOAWAY_IMPLIES) {
			effective.add(flag);
		}
	}

	return effective;
}

/**
 * Reads a PrivacyOptions value as sendmail does (readcf.c): words are runs of letters and digits,
 * anything else (commas, spaces, semicolons) separates them, and case does not matter. Known
 * flags come back lower-cased, each once, in order; the rest in `unknown`, as written.
 */
export function parsePrivacyOptionsValue(value: string): {flags: PrivacyFlag[]; unknown: string[]} {
	const flags: PrivacyFlag[] = [];
	const unknown: string[] = [];
	for (const word of value.split(/[\s\p{P}\p{S}]+/u)) {
		if (word === '') {
			continue;
		}

		const name = word.toLowerCase();
		if (isPrivacyFlag(name)) {
			if (!flags.includes(name)) {
				flags.push(name);
			}
		} else if (!unknown.includes(word)) {
			unknown.push(word);
		}
	}

	return {flags, unknown};
}

/** The value as m4 writes it into sendmail.cf: comma-joined, no spaces. */
export function formatPrivacyOptions(flags: readonly PrivacyFlag[]): string {
	return [...new Set(flags)].join(',');
}

/** All flags, in sendmail's order. */
export function privacyFlagInfos(): PrivacyFlagInfo[] {
	return PRIVACY_FLAG_NAMES.map(name => PRIVACY_FLAGS[name]);
}
