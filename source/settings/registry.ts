// The settings this tool changes, each one as data: the answers key and its rules, the sendmail.cf
// option and its .mc define, how the value in force is read, what audit says about it, which SMTP
// check shows it, its explanation and the wizard step that offers it. Answers validation, the
// preset schema, the plan for .cf and .mc, audit, the wizard's choices, `explain` and the Ansible
// role's argument specs are all derived from this table (docs/design.md, "Answers").
//
// Adding a setting of a kind that exists (a whole number, a switch, ...) is one entry here, its
// explanation and its tests. Kept free of other core modules' values at load time: the modules
// that derive from it import it, so it must not need them before they are loaded.
import {PRIVACY_FLAG_NAMES, type PrivacyFlag} from '../core/privacy-flag-names.js';
import type {AccessTag} from '../core/access-map.js';
import {FFDHE2048_PEM} from '../core/ffdhe.js';

/** The wizard's steps that show settings, in the order the wizard shows them, with their names. */
export const SETTING_STEPS = {
	greeting: 'Greeting',
	size: 'Size',
	recipients: 'Recipients',
	privacy: 'Privacy',
	floods: 'Floods and harvesting',
	tls: 'Encryption and login',
} as const;

export type SettingStep = keyof typeof SETTING_STEPS;

type Common = {
	/** The key in the answers file, presets and the role's sendmail_harden_answers. */
	readonly key: string;
	/** The wizard step that offers it. */
	readonly step: SettingStep;
	/** The names of the rehearsal/verify checks (core/verify-checks.ts) that show it in sendmail's replies. */
	readonly checks: readonly string[];
	/** `sendmail-harden explain KEY`: paragraphs, each one line (the checks are added from `checks`). */
	readonly explain: readonly string[];
	/** One line for the role's argument_specs.yml. */
	readonly roleDescription: string;
	/** A value for the example in the role's defaults/main.yml. */
	readonly example: string;
	/** Why the wizard marks its recommended choice, and what that choice may break; `explain` prints both. */
	readonly recommendation: Recommendation;
};

/** Why a choice is recommended and what it may break, for `explain` and the wizard's marks. */
export type Recommendation = {
	readonly why: string;
	readonly mayBreak: string;
};

/** An option whose value is a line of text (the greeting). */
export type TextSetting = Common & {
	readonly type: 'text';
	readonly option: string;
	readonly mcDefine: string;
	readonly maxLength: number;
	/** Audit's advice when the value in force leaks the version. */
	readonly advice: string;
	/** The greeting the wizard marks as recommended. */
	readonly recommended: string;
};

/**
 * A whole number of 0 or more the wizard offers as a page of choices, 0 (or unset) meaning no limit:
 * what a cf option, an access map entry and a FEATURE's number have alike.
 */
type LimitFields = {
	readonly max: number;
	/** How the number reads: a size in bytes ("25 MB") or a plain count. */
	readonly unit: 'bytes' | 'count';
	/** What the number limits, for messages ("recipients per message"). */
	readonly what: string;
	/** The fixed values the wizard offers before "Custom", "No limit" and "Keep". */
	readonly choices: readonly number[];
	/** The step's title after the option's name, and the list's label. */
	readonly prompt: string;
	readonly label: string;
	/** Audit's advice when no limit (0 or unset) is in force: a set limit is hardened. */
	readonly advice: string;
	/** The limit the wizard marks as recommended (audit asks only for some limit). */
	readonly recommended: number;
	/**
	 * What 0 means where it is not "no limit" (a percentage whose 0 turns a relief off): the
	 * wizard's label for it and the sentence that explains it.
	 */
	readonly zero?: {readonly label: string; readonly means: string};
};

/** An option whose value is a whole number of 0 or more, 0 (or unset) meaning no limit. */
export type CountSetting = Common & LimitFields & {
	readonly type: 'count';
	readonly option: string;
	/**
	 * The .mc define; null where cf/m4 has none: the .mc then carries the option as a LOCAL_CONFIG
	 * line ("O Name=value"), which m4 copies into the .cf as it is.
	 */
	readonly mcDefine: string | null;
	/**
	 * A compile-time define sendmail needs for the option to exist (e.g. _FFR_BADRCPT_SHUTDOWN): the
	 * option is offered and written only where the installed sendmail lists it (`sendmail -d0.13 -bt`).
	 */
	readonly requires?: string;
	/** Audit reports the value but does not count it against hardening (a relief, not a limit). */
	readonly neutral?: boolean;
};

/** An option whose value is a set of flag names (PrivacyOptions). */
export type FlagsSetting = Common & {
	readonly type: 'flags';
	readonly option: string;
	readonly mcDefine: string;
	readonly names: readonly string[];
	/** The flags audit asks for and the wizard marks: the setting is hardened when all of them are in force. */
	readonly recommended: readonly PrivacyFlag[];
	/** Why a recommended flag is, and what it may break, where it says more than the flag's own help. */
	readonly flagRecommendations: Readonly<Partial<Record<PrivacyFlag, Recommendation>>>;
	/** Audit's advice, followed by the recommended flags that are not in force. */
	readonly advice: string;
};

/**
 * What a switch edits. `helpfile`: the file HelpFile names loses every line that matches `lines`
 * (`what` says what those lines reveal); a help file without the "#vers<TAB>2" line gets it, as
 * sendmail then prints "This is Sendmail version ..." by itself (docs/sendmail.md, "The helpfile").
 * All helpfile switches edit the one file together. `received`: the HReceived definitions lose the
 * version (core/received-header.ts).
 */
export type SwitchEdit =
	| {readonly file: 'helpfile'; readonly lines: RegExp; readonly what: string}
	| {readonly file: 'received'}
	| SslFlagEdit;

/**
 * A flag of the SSL options value a choice setting owns (ServerSSLOptions): on, the flag is set in
 * it; off, taken out; every other flag there stays. Both settings compose the one option line.
 */
export type SslFlagEdit = {readonly file: 'ssl-options'; readonly option: 'ServerSSLOptions'; readonly flag: string};

/**
 * What one value of a choice writes. `value`: the option's whole value. `ssl-flags`: flags set in
 * (and taken out of) an SSL options value that other settings share, every other flag kept.
 * `file`: a file of that name written beside the certificate (ServerCertFile), the option naming
 * it. `keep`: the option is left as it is.
 */
export type ChoiceEffect =
	| {readonly kind: 'value'; readonly text: string}
	| {readonly kind: 'ssl-flags'; readonly set: readonly string[]; readonly clear: readonly string[]}
	| {readonly kind: 'file'; readonly name: string; readonly content: string}
	| {readonly kind: 'keep'};

export type ChoiceValue = {
	readonly value: string;
	/** The wizard's row for it. */
	readonly label: string;
	/** What choosing it means, shown while it is highlighted. */
	readonly means: string;
	readonly effect: ChoiceEffect;
};

/**
 * A single choice among named values, each with what it writes (the TLS settings). Offered and
 * written only where STARTTLS is set up (ServerCertFile set): elsewhere there is no TLS to tune.
 */
export type ChoiceSetting = Common & {
	readonly type: 'choice';
	readonly option: string;
	readonly mcDefine: string;
	readonly values: readonly ChoiceValue[];
	/** The step's title after the option's name, and the list's label. */
	readonly prompt: string;
	readonly label: string;
	/** Audit's advice when the value in force is not the recommended one's. */
	readonly advice: string;
	readonly recommended: string;
};

/** A switch that edits the help file. */
export type HelpFileSwitch = SwitchSetting & {readonly edit: Extract<SwitchEdit, {file: 'helpfile'}>};

/**
 * A yes/no answer that edits something other than an option of its own: the help file, the
 * Received header, or one flag of an SSL options line a choice setting owns.
 */
export type SwitchSetting = Common & {
	readonly type: 'switch';
	readonly edit: SwitchEdit;
	/** The audit row it decides (an option's name, or what the row is called). */
	readonly auditRow: string;
	readonly advice: string;
	/** The name of its change in the plan, Review and --yes ("HELP version: shown -> hidden"). */
	readonly change: string;
	/** The wizard's checkbox for it, on its step. */
	readonly checkbox: string;
	/** How a preset's summary says it, when on and when off. */
	readonly summary: {readonly on: string; readonly off: string};
	/** A switch is recommended on. */
	readonly recommended: true;
};

/**
 * Which addresses the daemons listen on: an edit of every daemon line (`O DaemonPortOptions=` in the
 * .cf, `DAEMON_OPTIONS(...)` in the .mc), not of one option (core/daemon-addresses.ts). "local" sets
 * each daemon's Addr to the loopback; "all" takes a loopback-only Addr away.
 */
export type DaemonsSetting = Common & {
	readonly type: 'daemons';
	readonly values: readonly ['all', 'local'];
	/** The audit row it decides. */
	readonly auditRow: string;
	/** The name of its change in the plan, Review and --yes. */
	readonly change: string;
	/** The wizard's question, and each answer's label and cost. */
	readonly question: string;
	readonly answers: {readonly [V in 'all' | 'local']: {readonly label: string; readonly costs: string}};
};

/**
 * A whole number in the access map's default entry of a tag ("ClientRate:	10"), not a cf option:
 * the access map's source file gets the line and its map is rebuilt with makemap, both backed up
 * and rolled back with the set (system/access-map.ts). sendmail reads the tag only where the cf has
 * the FEATURE that looks it up, so the setting is offered only there.
 */
export type AccessSetting = Common & LimitFields & {
	readonly type: 'access';
	/** The access map's tag whose default entry it sets. */
	readonly entry: Exclude<AccessTag, 'GreetPause'>;
	/** The m4 FEATURE whose ruleset reads the tag. */
	readonly feature: string;
	readonly unit: 'count';
};

/**
 * A whole number that is the argument of an m4 FEATURE (greet_pause's pause): the .mc's FEATURE
 * line in .mc mode, in the cf the line of the ruleset the FEATURE builds (core/access-map.ts).
 * Offered only where the cf has the FEATURE.
 */
export type FeatureArgumentSetting = Common & LimitFields & {
	readonly type: 'featureArgument';
	readonly feature: 'greet_pause';
	readonly unit: 'count';
};

export type SettingSpec = TextSetting | CountSetting | FlagsSetting | SwitchSetting | DaemonsSetting | AccessSetting | FeatureArgumentSetting | ChoiceSetting | OptionLetterSetting | WordListSetting;

/** A whole number the wizard offers as a page of choices: a cf option, an access map entry or a FEATURE's number. */
export type LimitSetting = CountSetting | AccessSetting | FeatureArgumentSetting;

/** What a limit is called on its page: the option, "ClientRate:" or "FEATURE(greet_pause)". */
export function limitName(setting: LimitSetting): string {
	return setting.type === 'count' ? setting.option : setting.type === 'access' ? `${setting.entry}:` : `FEATURE(${setting.feature})`;
}

/** An option the tool writes: a setting with a cf option and an .mc define. */
export type OptionSetting = TextSetting | CountSetting | FlagsSetting | ChoiceSetting | OptionLetterSetting | WordListSetting;

/** The flags that refuse every protocol before TLS 1.2 (tlsMinVersion). */
export const NO_OLD_PROTOCOLS = ['+SSL_OP_NO_SSLv2', '+SSL_OP_NO_SSLv3', '+SSL_OP_NO_TLSv1', '+SSL_OP_NO_TLSv1_1'] as const;

/** Forward-secret AEAD suites only (tlsCiphers "modern"); TLS 1.3's suites are all of that kind and are not named here. */
export const MODERN_CIPHERS = 'ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL';

/** The file tlsDhParameters writes beside the certificate. */
export const FFDHE2048_FILE = 'ffdhe2048.pem';

/** The setting types that are not one option. */
const NOT_OPTIONS: ReadonlySet<SettingSpec['type']> = new Set(['switch', 'daemons', 'access', 'featureArgument']);

/**
 * A yes/no answer that puts one letter into an option whose value is a set of letters
 * (AuthOptions): on adds the letter, off takes it out, and the option's other letters stay as they
 * are (core/option-letters.ts).
 */
export type OptionLetterSetting = Common & {
	readonly type: 'optionLetter';
	readonly option: string;
	readonly mcDefine: string;
	readonly letter: string;
	/** The wizard's checkbox for it. */
	readonly checkbox: string;
	readonly advice: string;
	/** A letter switch is recommended on. */
	readonly recommended: true;
};

/**
 * An option whose value is a space-separated list of words from a known set (AuthMechanisms); the
 * last line wins, and unset means sendmail's own list (`unset`).
 */
export type WordListSetting = Common & {
	readonly type: 'wordList';
	readonly option: string;
	readonly mcDefine: string;
	readonly names: readonly string[];
	/** What sendmail uses when the option is not set. */
	readonly unset: readonly string[];
	readonly recommended: readonly string[];
	readonly advice: string;
};

export const SETTINGS = [
	{
		key: 'greeting',
		type: 'text',
		option: 'SmtpGreetingMessage',
		mcDefine: 'confSMTP_LOGIN_MSG',
		// SMTP replies are ASCII, and a reply line may be at most 512 octets (RFC 5321 4.5.3.1.5).
		maxLength: 400,
		step: 'greeting',
		checks: ['banner'],
		advice: 'the 220 greeting tells every client the sendmail version: remove $v and $Z',
		explain: [
			'greeting (O SmtpGreetingMessage, .mc confSMTP_LOGIN_MSG): the text after "220" that sendmail sends every client as it connects.',
			'The greeting m4 builds by default, "$j Sendmail $v/$Z; $b", tells every client the exact version ($v) and the config\'s version ($Z): a scanner matches them against known holes. Write the greeting without $v and $Z, for example "$j mailserver; $b".',
			'It must be one line of printable ASCII, at most 400 characters; macros such as $j (the host name) and $b (the date) are expanded by sendmail.',
		],
		roleDescription: 'The SmtpGreetingMessage, one line of printable text, e.g. C($j mailserver; $b).',
		example: '"$j mailserver; $b"',
		recommended: '$j mailserver; $b',
		recommendation: {
			why: '"$j mailserver; $b" names neither the product nor its version, and keeps the host name first, as RFC 5321 wants.',
			mayBreak: 'Nothing for clients. Other replies can still tell sendmail apart: audit says which.',
		},
	},
	{
		key: 'maxMessageSize',
		type: 'count',
		option: 'MaxMessageSize',
		mcDefine: 'confMAX_MESSAGE_SIZE',
		max: Number.MAX_SAFE_INTEGER,
		unit: 'bytes',
		what: 'message size',
		choices: [10_000_000, 25_000_000, 50_000_000],
		prompt: 'the largest message sendmail accepts. A limit blunts floods and disk-filling.',
		label: 'Largest message',
		step: 'size',
		checks: ['SIZE'],
		advice: 'no limit on message size: set one to blunt floods and denial of service',
		explain: [
			'maxMessageSize (O MaxMessageSize, .mc confMAX_MESSAGE_SIZE): the largest message sendmail accepts, in bytes; 0 or unset is no limit.',
			'With a limit, EHLO advertises "250-SIZE N" and a larger message is refused with "552 5.2.3 Message size exceeds fixed maximum message size". A limit blunts floods and disk-filling.',
			'Attachments are sent base64-encoded: a file of N bytes takes about 1.37 N, so a 10 MB attachment needs about 14 MB.',
		],
		roleDescription: 'MaxMessageSize in bytes; 0 is no limit.',
		example: '26214400',
		recommended: 25_000_000,
		recommendation: {
			why: 'Any limit blunts floods; 25 MB still takes an attachment of about 18 MB, what most providers accept.',
			mayBreak: 'A larger message is refused with 552: its sender gets it back.',
		},
	},
	{
		key: 'maxRecipientsPerMessage',
		type: 'count',
		option: 'MaxRecipientsPerMessage',
		mcDefine: 'confMAX_RCPTS_PER_MESSAGE',
		max: 2_147_483_647, // sendmail keeps it in a C int
		unit: 'count',
		what: 'recipients per message',
		choices: [10, 50, 100],
		prompt: 'how many RCPT TO one message may have. A limit slows spam runs.',
		label: 'Recipients per message',
		step: 'recipients',
		checks: ['recipient limit'],
		advice: 'no limit on recipients per message: set one to blunt floods and denial of service',
		explain: [
			'maxRecipientsPerMessage (O MaxRecipientsPerMessage, .mc confMAX_RCPTS_PER_MESSAGE): how many RCPT TO one message may have; 0 or unset is no limit.',
			'Recipient N+1 and later get "452 4.5.3 Too many recipients"; the client sends them in another transaction, so none is lost. A limit slows spam runs.',
			'RFC 5321 (4.5.3.1.8) asks servers to accept at least 100 recipients per message.',
		],
		roleDescription: 'MaxRecipientsPerMessage; 0 is no limit.',
		example: '100',
		recommended: 100,
		recommendation: {
			why: 'Any limit slows spam runs; 100 is the least RFC 5321 asks a server to accept.',
			mayBreak: 'Nothing is lost: a client sends the recipients past the limit in another transaction.',
		},
	},
	{
		key: 'privacyOptions',
		type: 'flags',
		option: 'PrivacyOptions',
		mcDefine: 'confPRIVACY_FLAGS',
		names: PRIVACY_FLAG_NAMES,
		step: 'privacy',
		checks: ['MAIL before HELO', 'VRFY', 'EXPN', 'ETRN', 'DSN'],
		// The article's quick fixes (no probing of users, no queue peeking), and no ETRN or DSN for
		// strangers: goaway covers neither of those two (docs/sendmail.md, "PrivacyOptions and goaway").
		recommended: ['needmailhelo', 'noexpn', 'novrfy', 'restrictmailq', 'restrictqrun', 'noetrn', 'noreceipts'],
		recommendation: {
			why: 'Strangers can no longer probe addresses with VRFY and EXPN, must say HELO first, cannot start queue runs or ask for receipts, and local users cannot read or run the queue.',
			mayBreak: 'Local users who ran mailq or sendmail -q themselves; see each flag.',
		},
		flagRecommendations: {
			noetrn: {
				why: 'ETRN lets any client start a queue run for a domain: a stranger makes the server work, and learns which domains it queues mail for ("250 ... Queuing for node ... started").',
				mayBreak: 'A partner that collects its queued mail with ETRN (a site behind a dial-up or backup MX) must then be let in another way.',
			},
			noreceipts: {
				why: 'DSN lets a stranger ask for delivery receipts (NOTIFY=SUCCESS), which confirm that an address exists; with noreceipts EHLO no longer offers DSN.',
				mayBreak: 'Users who want delivery receipts: RET, NOTIFY, ENVID and ORCPT are answered "504 5.7.0 Sorry, NOTIFY not supported, we do not allow DSN".',
			},
		},
		advice: 'missing',
		explain: [
			'privacyOptions (O PrivacyOptions, .mc confPRIVACY_FLAGS): flags that stop clients probing users (VRFY, EXPN), insist on HELO first and keep the queue private. sendmail adds up the flags of every PrivacyOptions line.',
			'Run "sendmail-harden explain FLAG" for one flag and the SMTP exchange it changes.',
		],
		roleDescription: 'The PrivacyOptions flags, e.g. C([goaway, restrictmailq, restrictqrun]).',
		example: '[goaway, restrictmailq, restrictqrun]',
	},
	{
		key: 'hideHelpVersion',
		type: 'switch',
		auditRow: 'HELP',
		step: 'greeting',
		checks: ['HELP'],
		advice: 'HELP still reveals the version: remove the $v line from the help file (hideHelpVersion)',
		explain: [
			'hideHelpVersion: removes the lines that print the version ($v, $Z) from the file HelpFile names, and gives an old-style help file the "#vers<TAB>2" line it lacks, so HELP no longer states the version.',
			'Without a HelpFile, sendmail answers HELP with "502 5.3.0 Sendmail <version> -- HELP not implemented": set O HelpFile= to hide it.',
		],
		roleDescription: 'Remove the C($v) lines from the HelpFile, so HELP no longer states the version.',
		example: 'true',
		edit: {file: 'helpfile', lines: /\$[vZ]/, what: 'version'},
		change: 'HELP version',
		checkbox: 'Also hide the version from HELP',
		summary: {on: 'HELP hides the version', off: 'HELP keeps the version'},
		recommended: true,
		recommendation: {
			why: 'HELP states the exact version otherwise, which a scanner matches against known holes.',
			mayBreak: 'Nothing for clients: HELP gets a line shorter. The help file is backed up and rolled back with sendmail.cf.',
		},
	},
	{
		key: 'hideHelpProduct',
		type: 'switch',
		auditRow: 'HELP product',
		step: 'greeting',
		checks: ['HELP product'],
		advice: 'HELP still names sendmail or its site: remove those lines from the help file (hideHelpProduct)',
		explain: [
			'hideHelpProduct: removes the lines that name sendmail or its site from the file HelpFile names, and gives an old-style help file the "#vers<TAB>2" line it lacks, so HELP no longer names the product.',
			'In Debian\'s help file these are "This is sendmail version $v", "To report bugs in the implementation see" with "http://www.sendmail.org/email-addresses.html" under it, "Exit sendmail (SMTP).", a line of HELP VERB and of the control socket\'s help. A line that only introduces the site goes with it.',
		],
		roleDescription: 'Remove the lines naming sendmail or its site from the HelpFile, so HELP no longer names the product.',
		example: 'true',
		// A line naming the product, or the line that introduces its site's address.
		edit: {file: 'helpfile', lines: /sendmail|^\S+\s+To report bugs in the implementation see\s*$/i, what: 'product'},
		change: 'HELP product',
		checkbox: 'Also remove sendmail\'s name and site from HELP',
		summary: {on: 'HELP hides the product', off: 'HELP keeps the product'},
		recommended: true,
		recommendation: {
			why: 'HELP names sendmail and its web site otherwise: a scanner knows the product without any version.',
			mayBreak: 'Nothing for clients: HELP gets shorter. The help file is backed up and rolled back with sendmail.cf.',
		},
	},
	{
		key: 'hideReceivedVersion',
		type: 'switch',
		auditRow: 'Received header',
		step: 'greeting',
		checks: [],
		advice: 'the Received: header of every message this server relays tells the sendmail version: remove $v/$Z from the HReceived line (hideReceivedVersion)',
		explain: [
			'hideReceivedVersion: removes the version ($v/$Z) from the HReceived line, the Received: header sendmail adds to every message it relays.',
		],
		roleDescription: 'Leave the version out of the Received header sendmail adds.',
		example: 'true',
		edit: {file: 'received'},
		change: 'Received header',
		checkbox: 'Also hide the version from Received: headers',
		summary: {on: 'Received header hides the version', off: 'Received header keeps the version'},
		recommended: true,
		recommendation: {
			why: 'Every message this server relays tells its recipients the version otherwise.',
			mayBreak: 'Nothing: the header keeps the host, the protocol and the queue id that tracing a message needs.',
		},
	},
	{
		key: 'badRcptThrottle',
		type: 'count',
		option: 'BadRcptThrottle',
		mcDefine: 'confBAD_RCPT_THROTTLE',
		max: 2_147_483_647,
		unit: 'count',
		what: 'bad recipients before each RCPT TO is slowed',
		choices: [3, 5, 10],
		prompt: 'after this many unknown recipients in one connection, sendmail waits a second before each further RCPT TO. It slows address harvesting.',
		label: 'Bad recipients before slowing down',
		step: 'floods',
		checks: [],
		advice: 'unknown recipients are answered at full speed: set BadRcptThrottle to slow address harvesting',
		explain: [
			'badRcptThrottle (O BadRcptThrottle, .mc confBAD_RCPT_THROTTLE): after this many rejected RCPT TO in one connection, sendmail sleeps one second before answering each further RCPT TO; 0 or unset never slows down.',
			'It makes a dictionary attack (guessing mailboxes) slow without refusing anyone. What it costs: a sender with many stale addresses in one connection (a list server) gets slower answers, not refusals.',
		],
		roleDescription: 'BadRcptThrottle; 0 never slows down.',
		example: '3',
		recommended: 3,
		recommendation: {
			why: 'Debian\'s own default: three wrong guesses cost nothing, every further one a second, so guessing thirty names takes half a minute.',
			mayBreak: 'Nothing is refused; a sender with many stale addresses in one connection gets slower answers.',
		},
	},
	{
		key: 'badRcptShutdown',
		type: 'count',
		option: 'BadRcptShutdown',
		mcDefine: null,
		requires: '_FFR_BADRCPT_SHUTDOWN',
		max: 2_147_483_647,
		unit: 'count',
		what: 'unknown recipients before the connection is closed',
		choices: [4, 10, 25],
		prompt: 'after this many unknown recipients in one connection, sendmail answers 421 and closes it. It stops address harvesting.',
		label: 'Unknown recipients before closing',
		step: 'floods',
		checks: [],
		advice: 'a client may try any number of unknown recipients in one connection: set BadRcptShutdown to close it after a few (harvesting)',
		explain: [
			'badRcptShutdown (O BadRcptShutdown; the .mc has no define for it: it goes in as a LOCAL_CONFIG line): after this many rejected RCPT TO in one connection, the next RCPT TO gets "421 4.7.0 ... Too many bad recipients; closing connection" and sendmail hangs up. 0 or unset never closes.',
			'It stops a dictionary attack: nmap\'s smtp-enum-users (RCPT method) then confirms at most one account. What it costs: a legitimate sender with that many stale addresses in one connection gets 421 and retries later, sending the rest in a new connection.',
			'It exists only where sendmail was built with _FFR_BADRCPT_SHUTDOWN (Debian\'s is); "sendmail -d0.13 -bt < /dev/null" lists the FFR defines. Elsewhere sendmail refuses the option, so it is not offered.',
		],
		roleDescription: 'BadRcptShutdown, unknown recipients before the connection is closed; 0 never closes. Needs a sendmail built with _FFR_BADRCPT_SHUTDOWN.',
		example: '4',
		recommended: 10,
		recommendation: {
			why: 'It ends a dictionary attack in one connection: a harvester learns at most ten wrong guesses\' worth before it must reconnect.',
			mayBreak: 'A list server with ten stale addresses in one connection gets 421 and sends the rest later.',
		},
	},
	{
		key: 'badRcptShutdownGood',
		type: 'count',
		option: 'BadRcptShutdownGood',
		mcDefine: null,
		requires: '_FFR_BADRCPT_SHUTDOWN',
		// A relief, not a limit: either way is sound, so audit reports it without a verdict against it.
		neutral: true,
		max: 100,
		unit: 'count',
		what: 'percent of unknown recipients a connection with good ones needs before it is closed',
		zero: {label: 'Off', means: 'Off: a connection is closed at BadRcptShutdown unknown recipients, whatever its good ones.'},
		choices: [50, 75, 90],
		prompt: 'spare a connection that also has good recipients unless this percentage of them are unknown. It protects list servers.',
		label: 'Percent unknown to close anyway',
		step: 'floods',
		checks: [],
		advice: '',
		explain: [
			'badRcptShutdownGood (O BadRcptShutdownGood; a LOCAL_CONFIG line in the .mc): a percentage. A connection that has reached BadRcptShutdown unknown recipients but also had good ones is closed only when at least this percentage of its recipients were unknown. 0 or unset closes it at BadRcptShutdown whatever the good ones.',
			'What it costs: a harvester that mixes in a known address gets more guesses; a list server with a few stale addresses among many good ones keeps its connection. It needs _FFR_BADRCPT_SHUTDOWN, as BadRcptShutdown does.',
		],
		roleDescription: 'BadRcptShutdownGood, the percentage of unknown recipients that still closes a connection with good ones; 0 is off. Needs _FFR_BADRCPT_SHUTDOWN.',
		example: '75',
		recommended: 0,
		recommendation: {
			why: 'Off: the shutdown applies to every connection alike; a harvester that mixes in one known address gets no more guesses.',
			mayBreak: 'A list server with good recipients is closed like any other after BadRcptShutdown unknown ones; it retries the rest.',
		},
	},
	{
		key: 'connectionRateThrottle',
		type: 'count',
		option: 'ConnectionRateThrottle',
		mcDefine: 'confCONNECTION_RATE_THROTTLE',
		max: 2_147_483_647,
		unit: 'count',
		what: 'connections accepted per second',
		choices: [5, 15, 30],
		prompt: 'how many connections the daemon accepts per second, all clients together; more wait for the next second.',
		label: 'Connections per second',
		step: 'floods',
		checks: [],
		advice: 'the daemon accepts connections as fast as they come: set ConnectionRateThrottle to spread a flood over time',
		explain: [
			'connectionRateThrottle (O ConnectionRateThrottle, .mc confCONNECTION_RATE_THROTTLE): how many incoming connections the daemon accepts in one second, counting every client; the others wait in the listen queue until the next second. 0 or unset is no limit.',
			'What it costs: one busy client can use up the allowance and make everyone else wait, legitimate senders included. It spreads a flood over time; it does not refuse anyone. Per-client limits are ratecontrol\'s ClientRate in the access map.',
		],
		roleDescription: 'ConnectionRateThrottle, connections accepted per second; 0 is no limit.',
		example: '15',
		recommended: 15,
		recommendation: {
			why: 'Debian\'s own default: a flood of connections is spread over time while ordinary traffic never waits.',
			mayBreak: 'In a burst above it, every sender waits up to a second for its connection.',
		},
	},
	{
		key: 'maxDaemonChildren',
		type: 'count',
		option: 'MaxDaemonChildren',
		mcDefine: 'confMAX_DAEMON_CHILDREN',
		max: 2_147_483_647,
		unit: 'count',
		what: 'simultaneous SMTP sessions',
		choices: [40, 100, 200],
		prompt: 'how many SMTP sessions the daemon serves at once; further connections wait or are refused.',
		label: 'Sessions at once',
		step: 'floods',
		checks: [],
		advice: 'no limit on simultaneous sessions: a flood can fork sendmail until memory runs out; set MaxDaemonChildren',
		explain: [
			'maxDaemonChildren (O MaxDaemonChildren, .mc confMAX_DAEMON_CHILDREN): how many child processes the daemon runs at once; at the limit it stops accepting connections until one ends. 0 or unset is no limit.',
			'What it costs: too low a limit makes a slow-client denial of service easier: a few clients that connect and then send a byte a minute hold every slot, and real mail waits. Keep it well above the busiest hour\'s sessions, and pair it with shorter SMTP timeouts (Timeout.* options) so idle sessions give their slot back.',
		],
		roleDescription: 'MaxDaemonChildren, SMTP sessions at once; 0 is no limit. Too low makes a slow-client denial of service easier.',
		example: '100',
		recommended: 100,
		recommendation: {
			why: 'A flood can no longer fork sendmail until memory runs out, and 100 sessions at once is far above a small server\'s busiest hour.',
			mayBreak: 'At 100 sessions further clients wait; too low a number lets a few slow clients hold every slot.',
		},
	},
	{
		key: 'listen',
		type: 'daemons',
		values: ['all', 'local'],
		auditRow: 'DaemonPortOptions',
		change: 'Daemon addresses',
		step: 'floods',
		checks: [],
		question: 'Does this host receive mail from other machines?',
		answers: {
			all: {
				label: 'Yes: listen on every address (all)',
				costs: 'Every daemon stays reachable from other machines, so outsiders can connect and try what the other limits guard against. A mail hub (this domain\'s MX) needs this.',
			},
			local: {
				label: 'No, it only sends: listen on 127.0.0.1 (local)',
				costs: 'Every daemon listens on the loopback only: no other machine can connect at all, and local programs still hand mail to sendmail. Mail sent to this host from outside is refused at the door, so a host that is its domain\'s MX must not choose it.',
			},
		},
		explain: [
			'listen ("all" or "local"): which addresses sendmail\'s daemons listen on. "local" gives every daemon line (O DaemonPortOptions in the .cf, DAEMON_OPTIONS in the .mc) Addr=127.0.0.1 (Addr=::1 for an IPv6 daemon), replacing the Addr there; "all" takes a loopback-only Addr away, so the daemon listens on every address. Nothing else in the file changes.',
			'A host that only sends mail (a web or application server) needs no daemon reachable from outside: with "local" a connection to its outside address is refused, and nothing is left to probe or flood. DISA STIG and CIS ask for this ("MTA is local-only") where the host does not receive mail. Debian\'s stock sendmail.mc is already local-only: both of its daemons (MTA-v4, MSP-v4) have Addr=127.0.0.1.',
			'A mail hub must listen on all: "local" is refused when the host is its domain\'s MX (the MX records of its domain, asked of the system\'s resolver, name this host\'s address). When that lookup fails, the tool says it could not tell and leaves the decision to the admin.',
		],
		roleDescription: 'Which addresses the daemons listen on: C(all), or C(local) (127.0.0.1 only) for a host that receives no mail from other machines. C(local) is refused on a host that is its domain\'s MX.',
		example: 'all',
		recommendation: {
			why: '"local" for a host that only sends mail: no other machine can reach its daemons at all. "all" for a host that receives mail.',
			mayBreak: '"local" refuses all mail from other machines, submission (port 587) from other machines included.',
		},
	},
	{
		key: 'greetPause',
		type: 'featureArgument',
		feature: 'greet_pause',
		max: 600_000,
		unit: 'count',
		what: 'milliseconds before the greeting',
		zero: {label: 'No pause', means: 'No pause: every client gets the 220 greeting at once, and one that talks first is not caught.'},
		choices: [1000, 5000, 10_000],
		prompt: 'how many milliseconds an outside client waits for the 220 greeting; one that talks first is refused. It stops spam bots that do not wait.',
		label: 'Pause before the greeting (ms)',
		step: 'floods',
		checks: [],
		advice: 'no greeting pause: a client that talks before the greeting (a spam bot) is served; set FEATURE(`greet_pause\', N) (greetPause)',
		explain: [
			'greetPause (FEATURE(`greet_pause\', N) in the .mc; in the cf, the number on the last line of the greet_pause ruleset): how many milliseconds sendmail waits before its 220 greeting to a client the access map has no GreetPause entry for. A client that sends anything during the pause gets "554 <host> ESMTP not accepting messages" and every later command is refused. 0 is no pause.',
			'The access map can set it per client, by name or address ("GreetPause:127 0" in Debian\'s map spares this host; "GreetPause:192.0.2.10 0" spares a relay or backup MX). sendmail 8.17 never reads a GreetPause entry with no key: Debian\'s "GreetPause: 5000" line has no effect, and outsiders wait what the FEATURE says (1000 ms in Debian\'s .mc). So this setting edits the FEATURE\'s number in the .mc (adding the FEATURE where it lacks it) and rebuilds the cf.',
			'A polite client waits and notices nothing but the pause. What it costs: a sender whose timeout for the greeting is shorter than the pause (RFC 5321 asks for 5 minutes) gives up; a bot that talks before the greeting is refused. Its 554 also tells nmap the server is sendmail.',
		],
		roleDescription: 'The greeting pause for outside clients in milliseconds, FEATURE(greet_pause)\'s number; 0 is no pause. Needs FEATURE(greet_pause) in the config.',
		example: '5000',
		recommended: 5000,
		recommendation: {
			why: 'A bot that talks before the greeting is refused, while a polite sender loses five seconds per connection; Debian\'s access file means five seconds too, though its line is not read.',
			mayBreak: 'A sender that gives up on the greeting in under five seconds; spare such a partner with "GreetPause:ADDRESS 0" in the access file.',
		},
	},
	{
		key: 'clientRate',
		type: 'access',
		entry: 'ClientRate',
		feature: 'ratecontrol',
		max: 2_147_483_647,
		unit: 'count',
		what: 'connections per client per minute',
		choices: [10, 30, 60],
		prompt: 'how many connections one client may open in the rate window (a minute); the next gets 421 and retries later.',
		label: 'Connections per client per minute',
		step: 'floods',
		checks: [],
		advice: 'one client may open connections as fast as it likes: set ClientRate: in the access map',
		explain: [
			'clientRate (the access map\'s default "ClientRate:" entry, read by FEATURE(`ratecontrol\')): how many connections one client address may open within the rate window (ConnectionRateWindowSize, 60 seconds by default). The next one gets "421 4.3.2 Connection rate limit exceeded." and is closed. 0 is no limit.',
			'What a legitimate bulk sender sees: a list server that opens many connections at once gets 421 on those over the rate; 421 is a temporary failure, so it keeps the messages queued and retries later, and nothing is lost, only delayed. Spare your own relays, backup MXes and list servers with their own entry, "ClientRate:192.0.2.10 0" (0: no limit), in the access file; Debian\'s "ClientRate:127 0" spares this host.',
			'The value goes into the access map\'s source, which is then rebuilt the host\'s way (makemap). Offered where the host builds from its .mc and the cf has an access map; an .mc without FEATURE(`ratecontrol\') gets it, and the cf is rebuilt.',
		],
		roleDescription: 'The access map\'s default ClientRate, connections one client may open per rate window (a minute); 0 is no limit. Needs FEATURE(ratecontrol) and an access map.',
		example: '10',
		recommended: 10,
		recommendation: {
			why: 'Debian\'s own default: a client that floods connections is told 421 after ten a minute, while any ordinary sender stays far below.',
			mayBreak: 'A list server or relay that opens more than ten connections a minute gets 421 and retries later; exempt it with "ClientRate:ADDRESS 0".',
		},
	},
	{
		key: 'clientConn',
		type: 'access',
		entry: 'ClientConn',
		feature: 'conncontrol',
		max: 2_147_483_647,
		unit: 'count',
		what: 'simultaneous connections per client',
		choices: [5, 10, 20],
		prompt: 'how many connections one client may hold open at once; one more gets 421 and retries later.',
		label: 'Connections per client at once',
		step: 'floods',
		checks: [],
		advice: 'one client may hold any number of connections open: set ClientConn: in the access map',
		explain: [
			'clientConn (the access map\'s default "ClientConn:" entry, read by FEATURE(`conncontrol\')): how many connections one client address may have open at once. One more gets "421 4.3.2 Too many open connections." and is closed. 0 is no limit.',
			'It keeps one client from holding every slot MaxDaemonChildren allows. What it costs: a bulk sender that delivers over many parallel connections gets 421 on the extra ones and retries later; spare relays, backup MXes and list servers with "ClientConn:192.0.2.10 0" in the access file. Debian\'s "ClientConn:127 0" spares this host.',
			'The value goes into the access map\'s source, which is then rebuilt the host\'s way (makemap). Offered where the host builds from its .mc and the cf has an access map; an .mc without FEATURE(`conncontrol\') gets it, and the cf is rebuilt.',
		],
		roleDescription: 'The access map\'s default ClientConn, connections one client may hold open at once; 0 is no limit. Needs FEATURE(conncontrol) and an access map.',
		example: '10',
		recommended: 10,
		recommendation: {
			why: 'Debian\'s own default: no single client can take the daemon\'s every slot, and ten at once is far above what one sender needs.',
			mayBreak: 'A bulk sender using more than ten parallel connections gets 421 on the extra ones and retries; exempt it with "ClientConn:ADDRESS 0".',
		},
	},
	{
		key: 'tlsMinVersion',
		type: 'choice',
		option: 'ServerSSLOptions',
		mcDefine: 'confSERVER_SSL_OPTIONS',
		step: 'tls',
		checks: [],
		prompt: 'the oldest TLS version STARTTLS accepts. Older clients are refused by sendmail itself, not only by OpenSSL\'s defaults.',
		label: 'Oldest TLS version',
		values: [
			{
				value: 'TLSv1.2',
				label: 'TLS 1.2 and 1.3',
				means: 'SSLv2, SSLv3, TLS 1.0 and 1.1 are refused with a protocol-version alert, whatever OpenSSL\'s system defaults say. Every mail server and client of the last ten years speaks TLS 1.2.',
				effect: {kind: 'ssl-flags', set: [...NO_OLD_PROTOCOLS], clear: ['+SSL_OP_NO_TLSv1_2', '+SSL_OP_NO_TLSv1_3']},
			},
			{
				value: 'TLSv1.3',
				label: 'TLS 1.3 only',
				means: 'TLS 1.2 is refused too. Servers that still speak only TLS 1.2 (older Exchange, appliances, OpenSSL 1.0 systems) then send in the clear or not at all: for an MX that is usually worse than TLS 1.2.',
				effect: {kind: 'ssl-flags', set: [...NO_OLD_PROTOCOLS, '+SSL_OP_NO_TLSv1_2'], clear: ['+SSL_OP_NO_TLSv1_3']},
			},
		],
		advice: 'TLS 1.0/1.1 are refused only by OpenSSL\'s defaults, not by sendmail: an older OpenSSL or a changed system policy brings them back; set tlsMinVersion',
		explain: [
			'tlsMinVersion (O ServerSSLOptions, .mc confSERVER_SSL_OPTIONS): the SSL_OP_NO_* flags that refuse old protocols in sendmail\'s STARTTLS server. "TLSv1.2" sets +SSL_OP_NO_SSLv2 +SSL_OP_NO_SSLv3 +SSL_OP_NO_TLSv1 +SSL_OP_NO_TLSv1_1; "TLSv1.3" adds +SSL_OP_NO_TLSv1_2. Other flags already in the option stay, and tlsServerPreference shares the line.',
			'Without it, TLS 1.0 and 1.1 are refused only because OpenSSL 3 on Debian refuses them by its system policy (/etc/ssl/openssl.cnf, MinProtocol and SECLEVEL): an older OpenSSL or a changed policy brings them back.',
			'What it may break: clients that cannot speak TLS 1.2 (Windows XP-era and embedded senders) fail the handshake; a sending server then usually retries without STARTTLS, in the clear. TLS 1.3 only also shuts out the many servers that still speak only TLS 1.2.',
			'Offered only where STARTTLS is set up (ServerCertFile set). On Debian, STARTTLS is set up by including starttls.m4 in sendmail.mc: include(`/etc/mail/tls/starttls.m4\')dnl, made by update_tls, then sendmailconfig.',
		],
		roleDescription: 'The oldest TLS version STARTTLS accepts, C(TLSv1.2) or C(TLSv1.3) (ServerSSLOptions). Only where STARTTLS is set up.',
		example: 'TLSv1.2',
		recommended: 'TLSv1.2',
		recommendation: {
			why: 'sendmail itself then refuses SSLv3, TLS 1.0 and 1.1, whatever OpenSSL\'s system policy says, while every current server and client still gets TLS 1.2 or 1.3.',
			mayBreak: 'Clients that speak nothing newer than TLS 1.1 fail the handshake; a sending server usually retries without STARTTLS.',
		},
	},
	{
		key: 'tlsServerPreference',
		type: 'switch',
		auditRow: 'Server cipher order',
		step: 'tls',
		checks: [],
		advice: 'the client picks the TLS 1.2 cipher suite from those offered (testssl: "no server cipher order"); set tlsServerPreference',
		explain: [
			'tlsServerPreference: sets +SSL_OP_CIPHER_SERVER_PREFERENCE in O ServerSSLOptions (.mc confSERVER_SSL_OPTIONS), the line tlsMinVersion writes too: in TLS 1.2 the server\'s order of CipherList decides which suite is used, not the client\'s. Off takes the flag out; other flags stay.',
			'With it, a client that lists a weak suite first still gets the strongest one both sides have.',
		],
		roleDescription: 'Set +SSL_OP_CIPHER_SERVER_PREFERENCE in ServerSSLOptions: the server\'s cipher order decides. Only where STARTTLS is set up.',
		example: 'true',
		edit: {file: 'ssl-options', option: 'ServerSSLOptions', flag: '+SSL_OP_CIPHER_SERVER_PREFERENCE'},
		change: 'Server cipher order',
		checkbox: 'The server picks the cipher suite (its own order)',
		summary: {on: 'the server picks the cipher suite', off: 'the client picks the cipher suite'},
		recommended: true,
		recommendation: {
			why: 'The strongest suite both sides have is used, whatever order a client lists them in.',
			mayBreak: 'Nothing for clients: they are only offered suites they listed.',
		},
	},
	{
		key: 'tlsCiphers',
		type: 'choice',
		option: 'CipherList',
		mcDefine: 'confCIPHER_LIST',
		step: 'tls',
		checks: [],
		prompt: 'which TLS 1.2 cipher suites STARTTLS offers. TLS 1.3\'s suites are all forward-secret AEAD ones already.',
		label: 'Cipher suites',
		values: [
			{
				value: 'modern',
				label: 'Forward-secret AEAD suites only',
				means: `CipherList=${MODERN_CIPHERS}: ECDHE and DHE key exchange with AES-GCM or ChaCha20-Poly1305; no CBC, no SHA-1 MAC, no static RSA. OpenSSL 3 expands it to 11 TLS 1.2 suites, 6 of them for an RSA certificate (measured with nmap: 6 TLS 1.2 and 3 TLS 1.3 suites offered).`,
				effect: {kind: 'value', text: MODERN_CIPHERS},
			},
			{
				value: 'keep',
				label: 'Keep the cipher suites as they are',
				means: 'The CipherList in force stays; without one, OpenSSL\'s default list is offered (on Debian 12, 20 TLS 1.2 suites, CBC-SHA1 and static-RSA ones among them).',
				effect: {kind: 'keep'},
			},
		],
		advice: 'OpenSSL\'s default TLS 1.2 suites are offered, CBC-SHA1 and static-RSA ones without forward secrecy among them (LUCKY13); set tlsCiphers to "modern"',
		explain: [
			`tlsCiphers (O CipherList, .mc confCIPHER_LIST): the OpenSSL cipher list for TLS 1.2 and older. "modern" writes ${MODERN_CIPHERS}: ECDHE or DHE key exchange (forward secrecy) with AES-GCM or ChaCha20-Poly1305 (AEAD), nothing without authentication. "keep" leaves the list as it is. TLS 1.3's own suites are not changed by it.`,
			'What it may break: a client that has none of these suites (TLS 1.0-era software, some old appliances that know only AES-CBC or RC4 with RSA key exchange) fails the handshake; a sending server then usually retries without STARTTLS.',
		],
		roleDescription: 'C(modern): forward-secret AEAD TLS 1.2 suites only (CipherList); C(keep) leaves them. Only where STARTTLS is set up.',
		example: 'modern',
		recommended: 'modern',
		recommendation: {
			why: 'Only suites with forward secrecy and authenticated encryption are offered: no CBC-SHA1 (LUCKY13), no static RSA key exchange.',
			mayBreak: 'Clients without ECDHE/DHE AES-GCM or ChaCha20 suites (TLS 1.0-era software) fail the handshake and usually retry in the clear.',
		},
	},
	{
		key: 'tlsDhParameters',
		type: 'choice',
		option: 'DHParameters',
		mcDefine: 'confDH_PARAMETERS',
		step: 'tls',
		checks: [],
		prompt: 'the Diffie-Hellman group of the DHE suites. The named RFC 7919 group replaces one that is not a safe prime.',
		label: 'DH group',
		values: [
			{
				value: 'ffdhe2048',
				label: 'RFC 7919 ffdhe2048, written beside the certificate',
				means: `The file ${FFDHE2048_FILE} (root-owned, 0644) beside ServerCertFile gets the RFC 7919 ffdhe2048 group, a 2048-bit safe prime that scanners and clients know by name, and DHParameters names it. It is backed up and rolled back with sendmail.cf.`,
				effect: {kind: 'file', name: FFDHE2048_FILE, content: FFDHE2048_PEM},
			},
		],
		advice: 'the DH group is not a safe prime of 2048 bits or more (nmap ssl-dh-params: LIKELY VULNERABLE): set tlsDhParameters to "ffdhe2048"',
		explain: [
			`tlsDhParameters (O DHParameters, .mc confDH_PARAMETERS): the file of Diffie-Hellman parameters for the DHE suites. "ffdhe2048" writes the RFC 7919 ffdhe2048 group to ${FFDHE2048_FILE} beside the certificate (ServerCertFile's folder; root-owned, mode 0644, written atomically, backed up and rolled back with sendmail.cf) and points DHParameters at it.`,
			'Debian\'s update_tls makes its parameters with "openssl dhparam -dsaparam": a DSA-style group whose prime is not safe, which nmap\'s ssl-dh-params reports as LIKELY VULNERABLE. Audit checks the group in the file DHParameters names: a safe prime of at least 2048 bits.',
			'sendmail also takes words instead of a file (it reads only their first letter): "none" turns DHE off; "2" makes a 2048-bit group at start, DSA-style again (measured on 8.17.1.9: not a safe prime); "1" and "5" ask for 1024- and 512-bit groups. Unset, 8.17 uses a 2048-bit group built into it, a safe prime (measured) but not RFC 7919\'s named one. The file is written instead, so the group is a named one that audit can read and judge.',
			'What it may break: nothing for clients that speak ECDHE or TLS 1.3; a DHE-only client gets a 2048-bit group, which Java 7 and older (limited to 1024 bits) cannot use.',
		],
		roleDescription: 'C(ffdhe2048): write the RFC 7919 group beside the certificate and point DHParameters at it. Only where STARTTLS is set up.',
		example: 'ffdhe2048',
		recommended: 'ffdhe2048',
		recommendation: {
			why: 'A named safe-prime group of 2048 bits instead of a DSA-style one that is not a safe prime; scanners and clients know it by name.',
			mayBreak: 'DHE-only clients limited to 1024-bit groups (Java 7 and older); ECDHE and TLS 1.3 clients are not affected.',
		},
	},
	{
		key: 'authRequireTls',
		type: 'optionLetter',
		option: 'AuthOptions',
		mcDefine: 'confAUTH_OPTIONS',
		letter: 'p',
		step: 'tls',
		checks: ['AUTH before STARTTLS'],
		checkbox: 'AUTH only after STARTTLS (p)',
		advice: 'AUTH is offered before STARTTLS: a password sent then crosses the network readable; set authRequireTls and limit authMechanisms to PLAIN LOGIN',
		explain: [
			'authRequireTls (the "p" letter of O AuthOptions, .mc confAUTH_OPTIONS): sendmail offers the mechanisms that send the password as it is (PLAIN, LOGIN) only after STARTTLS. The option\'s other letters are kept.',
			'On its own "p" hides only those plaintext mechanisms: DIGEST-MD5, CRAM-MD5 and any other the list holds are still offered before STARTTLS. With authMechanisms limited to PLAIN LOGIN, EHLO offers no AUTH at all before STARTTLS and "AUTH PLAIN LOGIN" after it.',
			'What it costs: a client that logs in without STARTTLS (an old mail program, a script, a device that cannot do TLS) can no longer log in; it must use STARTTLS first. Where STARTTLS is not set up, no client can log in with PLAIN or LOGIN at all.',
			'Whether port 25 should offer AUTH at all: an MX that has a submission port (587, Debian\'s MSP-v4 with M=Ea) needs no AUTH on port 25; the modifier M=A on the MTA\'s DaemonPortOptions line (DAEMON_OPTIONS in the .mc) turns it off there. The tool does not change daemon lines: audit says when it applies.',
		],
		roleDescription: 'Offer AUTH only after STARTTLS: the p letter of AuthOptions, its other letters kept. Clients that log in without STARTTLS break.',
		example: 'true',
		recommended: true,
		recommendation: {
			why: 'No password crosses the network in the clear: PLAIN and LOGIN are offered only inside TLS.',
			mayBreak: 'Clients that log in without STARTTLS; with other mechanisms in authMechanisms, AUTH is still offered before STARTTLS.',
		},
	},
	{
		key: 'authMechanisms',
		type: 'wordList',
		option: 'AuthMechanisms',
		mcDefine: 'confAUTH_MECHANISMS',
		names: ['EXTERNAL', 'GSSAPI', 'KERBEROS_V4', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5', 'CRAM-MD5', 'NTLM', 'LOGIN', 'PLAIN'],
		// sendmail's own list when AuthMechanisms is unset (cf/README, confAUTH_MECHANISMS).
		unset: ['EXTERNAL', 'GSSAPI', 'KERBEROS_V4', 'DIGEST-MD5', 'CRAM-MD5'],
		step: 'tls',
		checks: ['AUTH before STARTTLS'],
		recommended: ['PLAIN', 'LOGIN'],
		advice: 'AUTH offers DIGEST-MD5 (historic, RFC 6331) or CRAM-MD5 (the server keeps passwords as good as plain text): limit authMechanisms to PLAIN LOGIN, with authRequireTls',
		explain: [
			'authMechanisms (O AuthMechanisms, .mc confAUTH_MECHANISMS): the SASL mechanisms sendmail may offer after AUTH, space-separated; it offers those of them the SASL library has. Unset, sendmail\'s list is EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5; Debian\'s sasl.m4 sets EXTERNAL DIGEST-MD5 CRAM-MD5 PLAIN LOGIN.',
			'DIGEST-MD5 is historic (RFC 6331: its security is broken), and CRAM-MD5 needs the server to keep every password in a form as good as plain text. PLAIN and LOGIN send the password itself, so they belong inside TLS: choose them with authRequireTls, and no AUTH is offered before STARTTLS.',
			'What it costs: a client set to use only DIGEST-MD5 or CRAM-MD5 can no longer log in until it is set to PLAIN or LOGIN over STARTTLS. Debian\'s TRUST_AUTH_MECH (the mechanisms trusted for relaying) is left as it is: a mechanism no longer offered cannot be used.',
		],
		roleDescription: 'AuthMechanisms, the SASL mechanisms offered, e.g. C([PLAIN, LOGIN]); with authRequireTls no AUTH is offered before STARTTLS.',
		example: '[PLAIN, LOGIN]',
		recommendation: {
			why: 'PLAIN and LOGIN inside TLS: no historic DIGEST-MD5, no CRAM-MD5 secrets kept as good as plain text, and with authRequireTls nothing offered in the clear.',
			mayBreak: 'Clients set to DIGEST-MD5 or CRAM-MD5 only; clients that log in without STARTTLS, with authRequireTls.',
		},
	},
] as const satisfies readonly SettingSpec[];

type Entry = (typeof SETTINGS)[number];

/** The value an answer of a setting holds. */
type ValueOf<S> = S extends {type: 'text'} ? string
	: S extends {type: 'count' | 'access' | 'featureArgument'} ? number
		: S extends {type: 'flags'} ? PrivacyFlag[]
			: S extends {type: 'daemons'} ? 'all' | 'local'
			: S extends {type: 'choice'; values: ReadonlyArray<{value: infer V}>} ? V
			: S extends {type: 'wordList'} ? string[]
				: boolean;

/**
 * What the admin chose. Also the preset format. Absent or null means "leave this setting as it is".
 */
export type Answers = {-readonly [S in Entry as S['key']]?: ValueOf<S> | null};

export type AnswerKey = keyof Answers;

/** The settings of one type, typed as such. */
type OfType<T extends SettingSpec['type']> = Extract<Entry, {type: T}>;
export type CountKey = OfType<'count'>['key'];
export type SwitchKey = OfType<'switch'>['key'];
export type AccessKey = OfType<'access'>['key'];
export type ChoiceKey = OfType<'choice'>['key'];

const ofType = <T extends SettingSpec['type']>(type: T) => SETTINGS.filter((setting): setting is OfType<T> => setting.type === type);

export const ANSWER_KEYS: readonly AnswerKey[] = SETTINGS.map(setting => setting.key);
export const COUNT_SETTINGS = ofType('count');
export const SWITCH_SETTINGS = ofType('switch');
/** The settings that edit the access map's default entries, in the registry's order. */
export const ACCESS_SETTINGS = ofType('access');
/** The settings that set an m4 FEATURE's argument (greet_pause's pause). */
export const FEATURE_SETTINGS = ofType('featureArgument');
/** The settings of the access map and its FEATUREs, offered together where the host builds from .mc. */
export const ACCESS_MAP_SETTINGS = [...FEATURE_SETTINGS, ...ACCESS_SETTINGS];
export const CHOICE_SETTINGS = ofType('choice');
/** The switches that set one flag of an SSL options line a choice setting owns. */
export const SSL_FLAG_SWITCHES = SWITCH_SETTINGS.filter((setting): setting is OfType<'switch'> & {edit: SslFlagEdit} => setting.edit.file === 'ssl-options');
/** The settings that tune STARTTLS: offered and written only where it is set up (ServerCertFile set). */
export const TLS_SETTINGS = SETTINGS.filter(setting => setting.step === 'tls' && (setting.type === 'choice' || (setting.type === 'switch' && setting.edit.file === 'ssl-options')));
/** The switches that edit the help file, in the registry's order. */
export const HELPFILE_SWITCHES = SWITCH_SETTINGS.filter((setting): setting is OfType<'switch'> & HelpFileSwitch => setting.edit.file === 'helpfile');
export const OPTION_SETTINGS: ReadonlyArray<Extract<Entry, OptionSetting>> = SETTINGS.filter((setting): setting is Extract<Entry, OptionSetting> => !NOT_OPTIONS.has(setting.type));

/** Each setting by its key. */
export const SETTING = Object.fromEntries(SETTINGS.map(setting => [setting.key, setting])) as unknown as {readonly [S in Entry as S['key']]: S};

/** The sendmail.cf option of each option setting, by key: OPTION.maxMessageSize is "MaxMessageSize". */
export const OPTION = Object.fromEntries(OPTION_SETTINGS.map(setting => [setting.key, setting.option])) as unknown as {readonly [S in Extract<Entry, OptionSetting> as S['key']]: S['option']};

/** An option setting that has an .mc define. */
type DefinedEntry = Extract<Entry, OptionSetting & {mcDefine: string}>;

/** The option settings with an .mc define. */
export const DEFINED_SETTINGS: readonly DefinedEntry[] = OPTION_SETTINGS.filter((setting): setting is DefinedEntry => setting.mcDefine !== null);

/** The .mc define of each option setting that has one, in the registry's order. */
export const MC_DEFINES = DEFINED_SETTINGS.map(setting => setting.mcDefine);

/** The count settings sendmail has only when built with a compile-time define (`requires`). */
export const COMPILED_IN_SETTINGS = COUNT_SETTINGS.filter(setting => 'requires' in setting);

/** The setting an option name or answers key (any case) names, for `explain`. */
export function findSetting(name: string): Entry | undefined {
	const wanted = name.trim().toLowerCase();
	return SETTINGS.find(setting => setting.key.toLowerCase() === wanted || ('option' in setting && setting.option.toLowerCase() === wanted)
		|| ('entry' in setting && [setting.entry.toLowerCase(), `${setting.entry.toLowerCase()}:`].includes(wanted))
		|| (setting.type === 'featureArgument' && setting.feature === wanted));
}

/** The wizard's steps that show settings: those of SETTING_STEPS some setting is assigned to, in its order. */
export const SETTING_STEP_ORDER: readonly SettingStep[] = (Object.keys(SETTING_STEPS) as SettingStep[]).filter(step => SETTINGS.some(setting => setting.step === step));

/** The settings one step shows. */
export function settingsOfStep(step: SettingStep): Entry[] {
	return SETTINGS.filter(setting => setting.step === step);
}
