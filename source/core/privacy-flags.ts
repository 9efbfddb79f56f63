// What each PrivacyOptions flag does, in words an admin learning sendmail can use, with the
// SMTP exchange it changes (replies as seen on sendmail 8.17: docs/sendmail.md, "SMTP replies per setting").
import {isPrivacyFlag, PRIVACY_FLAG_NAMES, type PrivacyFlag} from './privacy-flag-names.js';
import {wrapText} from './wrap-text.js';

export {PRIVACY_FLAG_NAMES, isPrivacyFlag, type PrivacyFlag} from './privacy-flag-names.js';

/** Where in the SMTP conversation a command is sent. */
export type SmtpState = 'before HELO' | 'after EHLO' | 'in a transaction';

/**
 * What a flag changes, as sendmail 8.17 answers it (docs/sendmail.md, "SMTP replies per setting"; test/core/privacy-flags-live
 * asks the installed sendmail for every one of them):
 * - reply: a command and the server's answer without and with the flag;
 * - ehlo: a keyword that the EHLO reply lists without the flag and leaves out with it;
 * - local: what a local user of the sendmail command is told with the flag;
 * - header: a header sendmail adds to a message with the flag.
 */
export type FlagEffect =
	| {kind: 'reply'; state: SmtpState; command: string; before: string; after: string}
	| {kind: 'ehlo'; keyword: string}
	| {kind: 'local'; who: string; command: string; after: string}
	| {kind: 'header'; when: string; header: string};

export type PrivacyFlagInfo = {
	name: PrivacyFlag;
	/** One line, at most 58 characters, so a list of all flags fits 80 columns. */
	summary: string;
	/** Two to four plain sentences. */
	explanation: string;
	/** What the flag does not stop, where a learner would assume it does. */
	caveat?: string;
	/** Who notices the flag: SMTP clients, local users of the sendmail command, or bounce readers. */
	affects: 'smtp' | 'command line' | 'bounces' | 'headers' | 'none';
	effects: FlagEffect[];
};

/**
 * What `goaway` sets in sendmail 8.17. sendmail.h defines PRIV_GOAWAY as 0x0000ffff, the low 16
 * bits, which hold exactly needmailhelo (0x01), needexpnhelo (0x02), needvrfyhelo (0x04),
 * noexpn (0x08), novrfy (0x10), authwarnings (0x20) and noverb (0x40). restrictmailq,
 * restrictqrun, restrictexpand, noetrn, nobodyreturn, noreceipts and noactualrecipient live in
 * the high bits, so goaway leaves them off; docs/sendmail.md ("PrivacyOptions and goaway") saw EHLO
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

// The replies sendmail 8.17 gives (docs/sendmail.md, "SMTP replies per setting").
const ROOT_SHOWN = '250 2.1.5 root <root@lab.example.test>';
const NOT_INTRODUCED = '503 5.0.0 I demand that you introduce yourself first';
const NOT_ALLOWED = '502 5.7.0 Sorry, we do not allow this operation';
const VRFY_VAGUE = '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)';
const NO_HELO_FIRST = '503 5.0.0 Polite people say HELO first';
const VERB_UNAVAILABLE = '502 5.7.0 Verbose unavailable';

/**
 * VRFY and EXPN are not the only way to learn which mailboxes exist: RCPT TO answers a real user
 * and an unknown one differently whatever PrivacyOptions says (docs/sendmail.md, "Harvesting": nmap's RCPT
 * method still lists root on a server hardened with goaway).
 */
const RCPT_HARVEST_CAVEAT = 'It does not stop harvesting: RCPT TO still answers "250 2.1.5 <root>... Recipient ok" for a real user and "550 5.1.1 <nosuchuser>... User unknown" for an unknown one, even under goaway. BadRcptThrottle (Debian\'s config sets 3) only slows that down: after 3 unknown recipients, each further one waits a second.';

export const PRIVACY_FLAGS: Readonly<Record<PrivacyFlag, PrivacyFlagInfo>> = {
	public: {
		name: 'public',
		summary: 'Turns nothing on (the program\'s default, not m4\'s)',
		explanation: 'public turns nothing on: it is what the sendmail program does when no PrivacyOptions line sets anything. Configs rarely leave it at that: m4 writes authwarnings into every .cf it builds unless told otherwise, and Debian\'s sendmail.cf ships seven flags. It only makes sense on its own, as a way to say "no privacy options" explicitly; combined with other flags it changes nothing.',
		affects: 'none',
		effects: [],
	},
	needmailhelo: {
		name: 'needmailhelo',
		summary: 'MAIL FROM is refused until the client says HELO/EHLO',
		explanation: 'A client must introduce itself with HELO or EHLO before it may start a message with MAIL FROM. Real mail servers always do; many spam tools and scanners skip the greeting. It costs nothing and rejects some junk early.',
		affects: 'smtp',
		effects: [{kind: 'reply', state: 'before HELO', command: 'MAIL FROM:<a@example.org>', before: '250 2.1.0 <a@example.org>... Sender ok', after: NO_HELO_FIRST}],
	},
	needexpnhelo: {
		name: 'needexpnhelo',
		summary: 'EXPN is refused until the client says HELO/EHLO',
		explanation: 'EXPN shows what a mailing list or alias expands to. With this flag a client must say HELO or EHLO first, so the request is at least tied to a name in the log. To refuse EXPN altogether, use noexpn.',
		affects: 'smtp',
		effects: [{kind: 'reply', state: 'before HELO', command: 'EXPN root', before: ROOT_SHOWN, after: NOT_INTRODUCED}],
	},
	noexpn: {
		name: 'noexpn',
		summary: 'EXPN and VERB are refused; EHLO stops offering both',
		explanation: 'EXPN shows what an alias or mailing list expands to: the real mailboxes behind it. Spammers and attackers use it to harvest addresses and learn user names. noexpn refuses the command for everyone and removes it from the EHLO list, and it turns VERB off as well (sendmail\'s own documentation: "implies noverb").',
		caveat: RCPT_HARVEST_CAVEAT,
		affects: 'smtp',
		effects: [
			{kind: 'reply', state: 'after EHLO', command: 'EXPN root', before: ROOT_SHOWN, after: NOT_ALLOWED},
			{kind: 'ehlo', keyword: 'EXPN'},
			{kind: 'reply', state: 'after EHLO', command: 'VERB', before: '250 2.0.0 Verbose mode', after: VERB_UNAVAILABLE},
			{kind: 'ehlo', keyword: 'VERB'},
		],
	},
	needvrfyhelo: {
		name: 'needvrfyhelo',
		summary: 'VRFY is refused until the client says HELO/EHLO',
		explanation: 'VRFY asks whether a mailbox exists. With this flag a client must say HELO or EHLO first. To stop VRFY from revealing anything at all, use novrfy.',
		affects: 'smtp',
		effects: [{kind: 'reply', state: 'before HELO', command: 'VRFY root', before: ROOT_SHOWN, after: NOT_INTRODUCED}],
	},
	novrfy: {
		name: 'novrfy',
		summary: 'VRFY no longer says whether a mailbox exists',
		explanation: 'VRFY asks whether a mailbox exists, which lets anyone test a list of guessed user names one by one. With novrfy sendmail answers every VRFY with the same non-committal 252, as RFC 5321 allows, instead of refusing it. Mail delivery is unaffected.',
		caveat: RCPT_HARVEST_CAVEAT,
		affects: 'smtp',
		effects: [{kind: 'reply', state: 'after EHLO', command: 'VRFY root', before: ROOT_SHOWN, after: VRFY_VAGUE}],
	},
	restrictmailq: {
		name: 'restrictmailq',
		summary: 'Only root and the queue\'s group may list the queue',
		explanation: 'Without it, any local user can run mailq and see who is sending mail to whom. With restrictmailq only root and members of the group that owns the queue folder may list it; anyone else is told "You are not permitted to see the queue". It changes nothing over SMTP.',
		affects: 'command line',
		effects: [{kind: 'local', who: 'a user outside the queue folder\'s group', command: 'mailq', after: 'You are not permitted to see the queue'}],
	},
	restrictqrun: {
		name: 'restrictqrun',
		summary: 'Only root and the queue\'s owner may run the queue',
		explanation: 'Without it, any local user can run "sendmail -q" to force a queue run, and pass options that change how it runs. With restrictqrun only root and the owner of the queue folder may; anyone else is told "You do not have permission to process the queue". It changes nothing over SMTP.',
		affects: 'command line',
		effects: [{kind: 'local', who: 'a user who does not own the queue folder', command: 'sendmail -q', after: 'You do not have permission to process the queue'}],
	},
	noreceipts: {
		name: 'noreceipts',
		summary: 'No DSN: EHLO stops offering it, DSN requests get 504',
		explanation: 'Delivery status notifications (DSN) let a sender ask for a receipt when a message is delivered. Such receipts confirm that an address exists, and can be abused to send mail to a forged sender. noreceipts stops sendmail offering DSN and sending success receipts, and a client that uses the DSN parameters RET, NOTIFY, ENVID or ORCPT anyway is answered 504; bounces for failures still go out.',
		affects: 'smtp',
		effects: [
			{kind: 'ehlo', keyword: 'DSN'},
			{kind: 'reply', state: 'in a transaction', command: 'RCPT TO:<root> NOTIFY=SUCCESS', before: '250 2.1.5 <root>... Recipient ok', after: '504 5.7.0 Sorry, NOTIFY not supported, we do not allow DSN'},
		],
	},
	nobodyreturn: {
		name: 'nobodyreturn',
		summary: 'Bounces no longer include the original message body',
		explanation: 'A bounce normally carries a copy of the message that could not be delivered. With nobodyreturn only its headers go back. This keeps bounces small and stops a forged sender from receiving a full copy of spam or viruses.',
		affects: 'bounces',
		effects: [],
	},
	goaway: {
		name: 'goaway',
		summary: 'Shorthand: HELO first, VRFY vague, no EXPN or VERB',
		explanation: `goaway turns on the seven flags below in one word: MAIL needs HELO first, VRFY is still answered but with a non-committal 252, EXPN and VERB are refused, and authwarnings adds its warning headers. With goaway, VRFY and EXPN sent before HELO get that 252 and 502, not the 503 of needvrfyhelo and needexpnhelo. It does not include noetrn, noreceipts, nobodyreturn, noactualrecipient, restrictmailq, restrictqrun or restrictexpand: add those yourself if you want them. Some write-ups leave noverb out of the list; sendmail 8.17 sets it.`,
		caveat: RCPT_HARVEST_CAVEAT,
		affects: 'smtp',
		effects: [
			{kind: 'reply', state: 'before HELO', command: 'MAIL FROM:<a@example.org>', before: '250 2.1.0 <a@example.org>... Sender ok', after: NO_HELO_FIRST},
			{kind: 'reply', state: 'before HELO', command: 'VRFY root', before: ROOT_SHOWN, after: VRFY_VAGUE},
			{kind: 'reply', state: 'after EHLO', command: 'EXPN root', before: ROOT_SHOWN, after: NOT_ALLOWED},
			{kind: 'reply', state: 'after EHLO', command: 'VERB', before: '250 2.0.0 Verbose mode', after: VERB_UNAVAILABLE},
		],
	},
	authwarnings: {
		name: 'authwarnings',
		summary: 'Adds X-Authentication-Warning headers when in doubt',
		explanation: 'sendmail adds an X-Authentication-Warning header when the way a message arrived looks suspect: a client that never said HELO or EHLO, a local user who is not trusted setting the sender with -f ("set sender to ... using -f"), a run with -C (another config), or -bs run by a user other than root. It does not compare a client\'s HELO name with its address: that check needs sendmail built with PICKY_HELO_CHECK, which the usual builds (Debian\'s among them) are not. The headers help whoever reads the message judge it; m4-built configs, Debian\'s included, turn it on.',
		affects: 'headers',
		effects: [{kind: 'header', when: 'a message sent without HELO/EHLO', header: 'X-Authentication-Warning: lab.example.test: client.example.org [192.0.2.10] didn\'t use HELO protocol'}],
	},
	noverb: {
		name: 'noverb',
		summary: 'VERB is refused, and EHLO stops offering it',
		explanation: 'VERB asks sendmail to report every step of delivery back over the connection, which shows a stranger how your mail is routed internally. noverb refuses it and removes it from the EHLO list. noexpn and goaway turn VERB off too, so with either of them noverb adds nothing.',
		affects: 'smtp',
		effects: [
			{kind: 'reply', state: 'after EHLO', command: 'VERB', before: '250 2.0.0 Verbose mode', after: VERB_UNAVAILABLE},
			{kind: 'ehlo', keyword: 'VERB'},
		],
	},
	restrictexpand: {
		name: 'restrictexpand',
		summary: 'Others\' aliases and .forward files stay private',
		explanation: 'Without it, any local user can run "sendmail -bv address" or use -v to see what an alias or another user\'s .forward file expands to. With restrictexpand, unless root or the TrustedUser runs it, sendmail gives up its privileges for -bv and ignores -v, so a user sees only the expansions of files they could read anyway. It changes nothing over SMTP.',
		affects: 'command line',
		effects: [],
	},
	noetrn: {
		name: 'noetrn',
		summary: 'ETRN is refused, and EHLO stops offering it',
		explanation: 'ETRN lets a remote client ask the server to run its queue for a domain, which a stranger can use to make your server do work on demand. Unless you relay for dial-up sites that rely on it, you do not need it.',
		affects: 'smtp',
		effects: [
			{kind: 'ehlo', keyword: 'ETRN'},
			{kind: 'reply', state: 'after EHLO', command: 'ETRN example.org', before: '250 2.0.0 Queuing for node example.org started', after: NOT_ALLOWED},
		],
	},
	noactualrecipient: {
		name: 'noactualrecipient',
		summary: 'Bounces no longer name the real mailbox behind an alias',
		explanation: 'When mail to an alias fails, the bounce normally carries an X-Actual-Recipient line naming the mailbox the alias pointed to. noactualrecipient leaves that line out, so bounces do not reveal internal addresses.',
		affects: 'bounces',
		effects: [],
	},
};

/** A line of a flag's help before wrapping; `label` ("  C: ") is repeated as indent on wrapped lines. */
export type FlagHelpLine = {kind: 'title' | 'text' | 'client' | 'server' | 'note' | 'blank'; label?: string; text: string};

const stateNote: Record<SmtpState, string> = {
	'before HELO': '   (before HELO/EHLO)',
	'after EHLO': '',
	'in a transaction': '   (after EHLO and MAIL FROM)',
};

/** The lines that show one effect, without the flag and with it. */
function effectLines(name: string, effect: FlagEffect): FlagHelpLine[] {
	switch (effect.kind) {
		case 'reply': {
			const command = `${effect.command}${stateNote[effect.state]}`;
			return [
				{kind: 'text', text: `Without ${name}:`},
				{kind: 'client', label: '  C: ', text: command},
				{kind: 'server', label: '  S: ', text: effect.before},
				{kind: 'text', text: `With ${name}:`},
				{kind: 'client', label: '  C: ', text: command},
				{kind: 'server', label: '  S: ', text: effect.after},
			];
		}

		case 'ehlo': {
			return [
				{kind: 'text', text: `Without ${name}, EHLO's reply lists:`},
				{kind: 'server', label: '  S: ', text: `250-${effect.keyword}`},
				{kind: 'text', text: `With ${name}: no 250-${effect.keyword} line.`},
			];
		}

		case 'local': {
			return [
				{kind: 'text', text: `With ${name}, ${effect.who} runs:`},
				{kind: 'client', label: '  $ ', text: effect.command},
				{kind: 'server', label: '    ', text: effect.after},
			];
		}

		case 'header': {
			return [
				{kind: 'text', text: `With ${name}, ${effect.when} gets:`},
				{kind: 'server', label: '  ', text: effect.header},
			];
		}
	}
}

/**
 * What `explain FLAG` and the wizard's flag help show, before wrapping: the summary, the
 * explanation, what goaway sets, each effect as sendmail answers it, then what the flag cannot stop.
 */
export function flagHelp(flag: PrivacyFlag): FlagHelpLine[] {
	const info = PRIVACY_FLAGS[flag];
	const lines: FlagHelpLine[] = [{kind: 'title', label: `${info.name}: `, text: info.summary}, {kind: 'blank', text: ''}, {kind: 'text', text: info.explanation}];
	if (flag === 'goaway') {
		lines.push({kind: 'blank', text: ''}, {kind: 'text', label: 'Sets: ', text: GOAWAY_IMPLIES.join(', ')});
	}

	for (const effect of info.effects) {
		lines.push({kind: 'blank', text: ''}, ...effectLines(info.name, effect));
	}

	if (info.caveat) {
		lines.push({kind: 'blank', text: ''}, {kind: 'note', text: info.caveat});
	}

	if (info.affects === 'command line' && info.effects.every(effect => effect.kind === 'local')) {
		lines.push({kind: 'blank', text: ''}, {kind: 'note', text: 'No SMTP exchange changes: this concerns local users of the sendmail command.'});
	}

	return lines;
}

/**
 * A flag's help as lines of at most `width` characters: a labelled line ("  S: reply") wraps with
 * its continuation indented under the text. Blank separator lines are kept only when asked for.
 */
export function wrapFlagHelp(flag: PrivacyFlag, width: number, options: {blankLines: boolean}): Array<{kind: FlagHelpLine['kind']; text: string}> {
	return flagHelp(flag)
		.filter(line => options.blankLines || line.kind !== 'blank')
		.flatMap(line => {
			if (line.kind === 'blank') {
				return [{kind: line.kind, text: ''}];
			}

			const label = line.label ?? '';
			return wrapText(line.text, Math.max(width - label.length, 10)).map((piece, index) => ({
				kind: line.kind,
				text: (index === 0 ? label : ' '.repeat(label.length)) + piece,
			}));
		});
}

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
