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

/** The wizard's steps that show settings, in the order the wizard shows them, with their names. */
export const SETTING_STEPS = {
	greeting: 'Greeting',
	size: 'Size',
	recipients: 'Recipients',
	privacy: 'Privacy',
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
};

/** An option whose value is a line of text (the greeting). */
export type TextSetting = Common & {
	readonly type: 'text';
	readonly option: string;
	readonly mcDefine: string;
	readonly maxLength: number;
	/** Audit's advice when the value in force leaks the version. */
	readonly advice: string;
};

/** An option whose value is a whole number of 0 or more, 0 (or unset) meaning no limit. */
export type CountSetting = Common & {
	readonly type: 'count';
	readonly option: string;
	readonly mcDefine: string;
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
};

/** An option whose value is a set of flag names (PrivacyOptions). */
export type FlagsSetting = Common & {
	readonly type: 'flags';
	readonly option: string;
	readonly mcDefine: string;
	readonly names: readonly string[];
	/** The flags audit asks for: the setting is hardened when all of them are in force. */
	readonly recommended: readonly PrivacyFlag[];
	/** Audit's advice, followed by the recommended flags that are not in force. */
	readonly advice: string;
};

/** A yes/no answer that edits something other than an option: the help file, the Received header. */
export type SwitchSetting = Common & {
	readonly type: 'switch';
	/** The audit row it decides (an option's name, or what the row is called). */
	readonly auditRow: string;
	readonly advice: string;
};

export type SettingSpec = TextSetting | CountSetting | FlagsSetting | SwitchSetting;

/** An option the tool writes: a setting with a cf option and an .mc define. */
export type OptionSetting = TextSetting | CountSetting | FlagsSetting;

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
	},
	{
		key: 'privacyOptions',
		type: 'flags',
		option: 'PrivacyOptions',
		mcDefine: 'confPRIVACY_FLAGS',
		names: PRIVACY_FLAG_NAMES,
		step: 'privacy',
		checks: ['MAIL before HELO', 'VRFY', 'EXPN'],
		// The article's quick fixes: no probing of users, no queue peeking.
		recommended: ['needmailhelo', 'noexpn', 'novrfy', 'restrictmailq', 'restrictqrun'],
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
	},
] as const satisfies readonly SettingSpec[];

type Entry = (typeof SETTINGS)[number];

/** The value an answer of a setting holds. */
type ValueOf<S> = S extends {type: 'text'} ? string
	: S extends {type: 'count'} ? number
		: S extends {type: 'flags'} ? PrivacyFlag[]
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

const ofType = <T extends SettingSpec['type']>(type: T) => SETTINGS.filter((setting): setting is OfType<T> => setting.type === type);

export const ANSWER_KEYS: readonly AnswerKey[] = SETTINGS.map(setting => setting.key);
export const COUNT_SETTINGS = ofType('count');
export const SWITCH_SETTINGS = ofType('switch');
export const OPTION_SETTINGS: ReadonlyArray<Extract<Entry, OptionSetting>> = SETTINGS.filter((setting): setting is Extract<Entry, OptionSetting> => setting.type !== 'switch');

/** Each setting by its key. */
export const SETTING = Object.fromEntries(SETTINGS.map(setting => [setting.key, setting])) as unknown as {readonly [S in Entry as S['key']]: S};

/** The sendmail.cf option of each option setting, by key: OPTION.maxMessageSize is "MaxMessageSize". */
export const OPTION = Object.fromEntries(OPTION_SETTINGS.map(setting => [setting.key, setting.option])) as unknown as {readonly [S in Extract<Entry, OptionSetting> as S['key']]: S['option']};

/** The .mc define of each option setting, in the registry's order. */
export const MC_DEFINES = OPTION_SETTINGS.map(setting => setting.mcDefine);

/** The setting an option name or answers key (any case) names, for `explain`. */
export function findSetting(name: string): Entry | undefined {
	const wanted = name.trim().toLowerCase();
	return SETTINGS.find(setting => setting.key.toLowerCase() === wanted || ('option' in setting && setting.option.toLowerCase() === wanted));
}

/** The wizard's steps that show settings: those of SETTING_STEPS some setting is assigned to, in its order. */
export const SETTING_STEP_ORDER: readonly SettingStep[] = (Object.keys(SETTING_STEPS) as SettingStep[]).filter(step => SETTINGS.some(setting => setting.step === step));

/** The settings one step shows. */
export function settingsOfStep(step: SettingStep): Entry[] {
	return SETTINGS.filter(setting => setting.step === step);
}
