import {formatSize} from './answers.js';
import type {HelpFileState} from './plan.js';
import {helpLinesRevealingVersion, OPTION} from './plan.js';
import type {PrivacyFlag} from './privacy-flag-names.js';
import {effectiveFlags, parsePrivacyOptionsValue} from './privacy-flags.js';
import {findOption, lookalikeLines, optionValue, parseCf, privacyOptionsValue, valueAsRead} from './sendmail-cf.js';

export type AuditItem = {
	/** The option's name in sendmail.cf, or "HELP" for the help file. */
	setting: string;
	/** What is in force now, as the admin reads it. */
	value: string;
	hardened: boolean;
	/** What is wrong and what to do; empty when hardened. */
	advice: string;
};

export type Audit = {items: AuditItem[]; hardened: boolean};

/** The flags the article's quick fixes ask for: no probing of users, no queue peeking. */
export const RECOMMENDED_FLAGS: readonly PrivacyFlag[] = [
	'needmailhelo',
	'noexpn',
	'novrfy',
	'restrictmailq',
	'restrictqrun',
];

function limit(value: string | undefined): {number: number; text: string} {
	const number = value === undefined ? 0 : Number.parseInt(valueAsRead(value).trim(), 10);
	if (Number.isNaN(number)) {
		return {number: 0, text: `"${value}" (not a number)`};
	}

	return {number, text: value === undefined ? 'not set (no limit)' : number === 0 ? '0 (no limit)' : String(number)};
}

/**
 * Where a last-wins option's value comes from, when that is not one plain `O Name=` line: the
 * one-letter form, an abbreviation, MinFreeBlocks' size, or several lines of which the last counts.
 */
function whereSet(document: ReturnType<typeof parseCf>, name: string): string {
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

/** How the current settings score. The help file is as read from disk. */
export function auditConfig(cfText: string, helpFile: HelpFileState): Audit {
	const document = parseCf(cfText);
	const items: AuditItem[] = [];

	const greeting = optionValue(document, OPTION.greeting);
	const greetingLeaks = greeting === undefined || /\$[vZ]/.test(greeting);
	items.push({
		setting: OPTION.greeting,
		value: greeting === undefined ? 'not set (sendmail\'s default shows the version)' : greeting + whereSet(document, OPTION.greeting),
		hardened: !greetingLeaks,
		advice: greetingLeaks ? 'the 220 greeting tells every client the sendmail version: remove $v and $Z' : '',
	});

	let helpHardened = false;
	let helpValue: string;
	if (helpFile === undefined) {
		helpValue = 'no HelpFile (HELP answers "502 5.3.0 Sendmail <version> -- HELP not implemented")';
	} else if ('missing' in helpFile) {
		helpValue = `${helpFile.path} is missing (HELP then reveals the version)`;
	} else {
		const leaks = helpLinesRevealingVersion(helpFile.text);
		helpHardened = leaks.length === 0;
		helpValue = helpHardened ? `${helpFile.path} (no version)` : `${helpFile.path} says "${leaks[0]!.replace(/^\S+\s+/, '').trim()}"`;
	}

	items.push({
		setting: 'HELP',
		value: helpValue,
		hardened: helpHardened,
		advice: helpHardened ? '' : 'HELP still reveals the version: remove the $v line from the help file (hideHelpVersion)',
	});

	for (const [name, what] of [
		[OPTION.maxMessageSize, 'message size'],
		[OPTION.maxRecipientsPerMessage, 'recipients per message'],
	] as const) {
		const {number, text} = limit(optionValue(document, name));
		const shown = (name === OPTION.maxMessageSize && number > 0 ? `${text} (${formatSize(number)})` : text) + whereSet(document, name);
		items.push({
			setting: name,
			value: shown,
			hardened: number > 0,
			advice: number > 0 ? '' : `no limit on ${what}: set one to blunt floods and denial of service`,
		});
	}

	// sendmail ORs the flags of every PrivacyOptions line, so the set in force is all of them together.
	const privacy = privacyOptionsValue(document);
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
		advice: missing.length === 0 ? '' : `missing ${missing.join(', ')}`,
	});

	// Lines that an admin would read as one of these settings but sendmail does not.
	for (const lookalike of lookalikeLines(document, [OPTION.greeting, OPTION.maxMessageSize, OPTION.maxRecipientsPerMessage, OPTION.privacyOptions, 'HelpFile'])) {
		items.push({
			setting: lookalike.name,
			value: `line ${lookalike.line.firstLine + 1}: ${lookalike.line.text.slice(0, 60)}`,
			hardened: false,
			advice: `${lookalike.reading}; write it as "O ${lookalike.name}=..." or remove it`,
		});
	}

	return {items, hardened: items.every(item => item.hardened)};
}
