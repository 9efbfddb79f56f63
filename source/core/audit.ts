import {formatSize} from './answers.js';
import type {HelpFileState} from './plan.js';
import {helpLinesRevealing} from './plan.js';
import type {PrivacyFlag} from './privacy-flag-names.js';
import {effectiveFlags, parsePrivacyOptionsValue} from './privacy-flags.js';
import {receivedVersionLeak} from './received-header.js';
import {findOption, lookalikeLines, parseCf, type CfDocument} from './sendmail-cf.js';
import {readCurrent, type CountReading} from '../settings/current.js';
import {COUNT_SETTINGS, OPTION, OPTION_SETTINGS, SETTING, SWITCH_SETTINGS, type HelpFileSwitch} from '../settings/registry.js';
import type {Answers} from './answers.js';
import type {Check} from './verify-checks.js';


export type AuditItem = {
	/** The option's name in sendmail.cf, or "HELP" for the help file. */
	setting: string;
	/** What is in force now, as the admin reads it. */
	value: string;
	hardened: boolean;
	/** What is wrong and what to do; empty when hardened. */
	advice: string;
	/** Where the verdict comes from: the installed sendmail's own replies, or the file alone. */
	from: 'sendmail' | 'file';
	/** The reply line that decided a verdict from sendmail. */
	reply?: string;
};

export type Audit = {items: AuditItem[]; hardened: boolean};

/** The flags the article's quick fixes ask for: no probing of users, no queue peeking (settings/registry.ts). */
export const RECOMMENDED_FLAGS: readonly PrivacyFlag[] = SETTING.privacyOptions.recommended;

function limitText({raw, number, valid}: CountReading): string {
	if (!valid) {
		return `"${raw}" (not a number)`;
	}

	return raw === undefined ? 'not set (no limit)' : number === 0 ? '0 (no limit)' : String(number);
}

/**
 * Where a last-wins option's value comes from, when that is not one plain `O Name=` line: the
 * one-letter form, an abbreviation, MinFreeBlocks' size, or several lines of which the last counts.
 */
function whereSet(document: CfDocument, name: string): string {
	const {active, activeCount} = findOption(document, name);
	if (active === undefined) {
		return '';
	}

	const line = active.line.firstLine + 1;
	const form = active.via === 'MinFreeBlocks'
		? `from "O MinFreeBlocks=${active.line.text.replace(/^O ?\S*?=|^Ob/, '')}"`
		: active.form === 'letter'
			? `one-letter "O${active.name}"`
			: active.form === 'abbreviation'
				? `as "${active.name}"`
				: '';
	if (form === '' && activeCount === 1) {
		return '';
	}

	return ` (line ${line}${form === '' ? '' : `, ${form}`}${activeCount > 1 ? `; set ${activeCount} times, the last counts` : ''})`;
}

/** A help file switch's row: what HELP shows of what the switch hides, from the help file in force. */
function helpRow(helpFile: HelpFileState, setting: HelpFileSwitch): {value: string; hardened: boolean; advice: string} {
	const {what} = setting.edit;
	if (helpFile === undefined) {
		return {value: 'no HelpFile (HELP answers "502 5.3.0 Sendmail <version> -- HELP not implemented")', hardened: false, advice: setting.advice};
	}

	if ('missing' in helpFile) {
		return {value: `${helpFile.path} is missing (HELP then answers "502 5.3.0 Sendmail <version> ...")`, hardened: false, advice: setting.advice};
	}

	// What plain HELP shows (its "smtp" lines) first.
	const found = helpLinesRevealing(helpFile.text, setting);
	const leaks = [...found.filter(line => /^smtp\t/i.test(line)), ...found.filter(line => !/^smtp\t/i.test(line))];
	return leaks.length === 0
		? {value: `${helpFile.path} (no ${what})`, hardened: true, advice: ''}
		: {value: `${helpFile.path} says "${leaks[0]!.replace(/^\S+\s+/, '').trim()}"${leaks.length > 1 ? ` and ${leaks.length - 1} more` : ''}`, hardened: false, advice: setting.advice};
}

/**
 * How the current settings score: audit's checks are what "hardened" means, for audit, --yes,
 * verify and the wizard's Done screen alike. The help file is as read from disk. `receivedHeader:
 * false` leaves the Received header's row out.
 */
export function auditConfig(cfText: string, helpFile: HelpFileState, options: {receivedHeader?: boolean} = {}): Audit {
	const document = parseCf(cfText);
	const current = readCurrent(document);
	const items: AuditItem[] = [];

	const greeting = current.values.greeting;
	const greetingLeaks = greeting === undefined || /\$[vZ]/.test(greeting);
	items.push({
		setting: OPTION.greeting,
		value: greeting === undefined ? 'not set (sendmail\'s default shows the version)' : greeting + whereSet(document, OPTION.greeting),
		hardened: !greetingLeaks,
		advice: greetingLeaks ? SETTING.greeting.advice : '',
		from: 'file',
	});

	// The switches' rows: each help file switch judged from the help file in force, the Received
	// header from the cf's H lines (settings/registry.ts).
	for (const setting of SWITCH_SETTINGS) {
		if (setting.edit.file === 'received' && options.receivedHeader !== false) {
			const receivedLeak = receivedVersionLeak(cfText);
			items.push({
				setting: setting.auditRow,
				value: receivedLeak === undefined ? 'no version' : `every relayed message says "by host ${receivedLeak}"`,
				hardened: receivedLeak === undefined,
				advice: receivedLeak === undefined ? '' : setting.advice,
				from: 'file',
			});
		} else if (setting.edit.file === 'helpfile') {
			items.push({...helpRow(helpFile, setting as HelpFileSwitch), setting: setting.auditRow, from: 'file'});
		}
	}

	for (const setting of COUNT_SETTINGS) {
		const reading = current.counts[setting.key];
		const {number} = reading;
		const text = limitText(reading);
		const shown = (setting.unit === 'bytes' && number > 0 ? `${text} (${formatSize(number)})` : text) + whereSet(document, setting.option);
		items.push({
			setting: setting.option,
			value: shown,
			hardened: number > 0,
			advice: number > 0 ? '' : setting.advice,
			from: 'file',
		});
	}

	// sendmail ORs the flags of every PrivacyOptions line, so the set in force is all of them together.
	const privacy = current.raw['privacyOptions'];
	const parsed = parsePrivacyOptionsValue(privacy ?? '');
	const effective = effectiveFlags(parsed.flags);
	const missing = RECOMMENDED_FLAGS.filter(flag => !effective.has(flag));
	const privacyLines = findOption(document, OPTION.privacyOptions).setters;
	// public is the flag that sets nothing: next to other flags it adds nothing.
	const setFlags = parsed.flags.filter(flag => flag !== 'public');
	const shownSet = setFlags.length === 0 ? 'public' : setFlags.join(',');
	items.push({
		setting: OPTION.privacyOptions,
		value: privacy === undefined
			? 'not set (public)'
			: privacyLines.length === 1
				? privacy
				: `${shownSet} (lines ${privacyLines.map(setter => setter.line.firstLine + 1).join(', ')} add up)`,
		hardened: missing.length === 0,
		advice: missing.length === 0 ? '' : `${SETTING.privacyOptions.advice} ${missing.join(', ')}`,
		from: 'file',
	});

	// Lines that an admin would read as one of these settings but sendmail does not.
	for (const lookalike of lookalikeLines(document, [...OPTION_SETTINGS.map(setting => setting.option), 'HelpFile'])) {
		// Named by its line, so that sendmail's replies for the real option are not pinned on it.
		items.push({
			setting: `${lookalike.name} line ${lookalike.line.firstLine + 1}`,
			value: lookalike.line.text.slice(0, 60),
			hardened: false,
			advice: `${lookalike.reading}; write it as "O ${lookalike.name}=..." or remove it`,
			from: 'file',
		});
	}

	return {items, hardened: items.every(item => item.hardened)};
}

// The flags whose effect an SMTP client sees, and the check that shows it.
const FLAG_CHECKS = [['needmailhelo', 'MAIL before HELO'], ['novrfy', 'VRFY'], ['noexpn', 'EXPN']] as const;

/** What the rehearsal of the current config asks for: the recommended flags, and the limits the file sets. */
export function auditRehearsalAnswers(cfText: string): Answers {
	const {values} = readCurrent(parseCf(cfText));
	const size = values.maxMessageSize;
	const recipients = values.maxRecipientsPerMessage;
	return {
		privacyOptions: [...RECOMMENDED_FLAGS],
		...(size > 0 ? {maxMessageSize: size} : {}),
		// With no limit in the file, 101 recipients show whether sendmail has one anyway.
		maxRecipientsPerMessage: recipients > 0 ? recipients : 100,
	};
}

/**
 * The audit with every verdict a client can see decided by sendmail's own replies (the rehearsal
 * of the current config with auditRehearsalAnswers): the greeting, HELP, the SIZE it advertises, the
 * recipient limit, and the PrivacyOptions flags that show in SMTP. What SMTP cannot show
 * (restrictmailq, restrictqrun, the Received header) stays judged from the file.
 */
export function auditFromReplies(audit: Audit, checks: readonly Check[]): Audit {
	const check = (name: string) => checks.find(item => item.name === name);
	const items = audit.items.map((item): AuditItem => {
		const fromCheck = (found: Check | undefined, hardened: boolean, advice: string): AuditItem =>
			found === undefined ? item : {...item, hardened, advice: hardened ? '' : advice, from: 'sendmail', reply: found.reply};
		switch (item.setting) {
			case OPTION.greeting: {
				const banner = check('banner');
				return fromCheck(banner, banner?.status === 'pass', SETTING.greeting.advice);
			}

			case SETTING.hideHelpVersion.auditRow: {
				const help = check('HELP');
				return fromCheck(help, help?.status === 'pass', `HELP reveals the version (${help?.reply ?? ''}): hideHelpVersion removes it`);
			}

			case OPTION.maxMessageSize: {
				const size = check('SIZE');
				const advertised = Number(/SIZE\s+(\d+)/i.exec(size?.reply ?? '')?.[1] ?? 0);
				return fromCheck(size, advertised > 0 && size?.status !== 'fail', advertised > 0 ? `sendmail advertises SIZE ${advertised}, not what the file says` : 'sendmail advertises no size limit: set one to blunt floods and denial of service');
			}

			case OPTION.maxRecipientsPerMessage: {
				const recipients = check('recipient limit');
				const answered = (recipients?.expected ?? '').split('; ').slice(1).join('; ');
				return fromCheck(recipients, recipients?.status === 'pass', `sendmail's answers: ${answered || 'no limit seen'}; set a limit on recipients per message to blunt floods`);
			}

			case OPTION.privacyOptions: {
				const fileMissing = new Set(RECOMMENDED_FLAGS.filter(flag => item.advice.includes(flag)));
				const refused: string[] = [];
				let decided: Check | undefined;
				for (const [flag, name] of FLAG_CHECKS) {
					const found = check(name);
					if (found === undefined) {
						continue;
					}

					decided ??= found;
					if (found.status === 'pass') {
						fileMissing.delete(flag);
					} else {
						fileMissing.add(flag);
						refused.push(`${name} answers "${found.reply}"`);
					}
				}

				const missing = RECOMMENDED_FLAGS.filter(flag => fileMissing.has(flag));
				return fromCheck(decided, missing.length === 0, `${SETTING.privacyOptions.advice} ${missing.join(', ')}${refused.length > 0 ? ` (${refused.join('; ')})` : ''}`);
			}

			default: {
				return item;
			}
		}
	});
	return {items, hardened: items.every(item => item.hardened)};
}
