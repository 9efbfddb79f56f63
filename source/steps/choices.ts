// The options each step offers and how a highlighted option turns into answers. Pure, so the
// screens stay thin and the mapping is tested on its own.
import {formatSize, greetingProblem, parseCount, parseSize, type Answers} from '../core/answers.js';
import {greetingChoices, type GreetingChoiceId} from '../core/greeting.js';
import type {PrivacyFlag} from '../core/privacy-flag-names.js';
import {parseCf} from '../core/sendmail-cf.js';
import {readCurrent, type CurrentSettings} from '../settings/current.js';
import {SETTING, type LimitSetting} from '../settings/registry.js';
import {fail, ok, type Result} from '../core/result.js';

/** What sendmail greets with when SmtpGreetingMessage is not set (conf.c). */
export const SENDMAIL_DEFAULT_GREETING = '$j Sendmail $v ready at $b';

export type {CurrentSettings} from '../settings/current.js';

/** The option settings as the config has them now, read the way audit reads them (settings/current.ts). */
export function currentSettings(cfText: string): CurrentSettings {
	return readCurrent(parseCf(cfText)).values;
}

// ---- Greeting ----

export type GreetingOptionId = GreetingChoiceId | 'custom';

export type GreetingOption = {id: GreetingOptionId; label: string};

export const GREETING_OPTIONS: readonly GreetingOption[] = [
	{id: 'keep', label: 'Keep as it is'},
	{id: 'hide-version', label: 'Hide the version'},
	{id: 'generic', label: 'Generic: host name and "mailserver"'},
	{id: 'custom', label: 'Custom text'},
];

/** The template a greeting option stands for. */
export function greetingTemplate(id: GreetingOptionId, current: string | undefined, customText: string): string {
	if (id === 'custom') {
		return customText;
	}

	return greetingChoices(current ?? SENDMAIL_DEFAULT_GREETING).find(choice => choice.id === id)!.template;
}

/** Which option an answer corresponds to, for pre-filling the step. */
export function greetingSelection(answer: string | null | undefined, current: string | undefined): {id: GreetingOptionId; customText: string} {
	if (answer === undefined || answer === null || answer === current) {
		return {id: 'keep', customText: current ?? ''};
	}

	for (const id of ['hide-version', 'generic'] as const) {
		if (greetingTemplate(id, current, '') === answer) {
			return {id, customText: answer};
		}
	}

	return {id: 'custom', customText: answer};
}

/** The greeting answer for an option: undefined for "keep"; an error for unusable custom text. */
export function greetingAnswer(id: GreetingOptionId, current: string | undefined, customText: string): Result<string | undefined> {
	if (id === 'keep') {
		return ok(undefined);
	}

	const template = greetingTemplate(id, current, customText);
	const problem = greetingProblem(template);
	return problem === undefined ? ok(template) : fail(problem);
}

// ---- Size and Recipients ----

export type LimitOption = {
	id: string;
	label: string;
	/** A number of bytes or recipients (0: no limit), "keep", or "custom" (typed in). */
	value: number | 'keep' | 'custom';
	/** The registry's recommended value (settings/registry.ts). */
	recommended?: boolean;
};

export const SIZE_VALUES = SETTING.maxMessageSize.choices;
export const RECIPIENT_VALUES = SETTING.maxRecipientsPerMessage.choices;

/** "keep" first when nothing was chosen is not the design's order: fixed values, custom, no limit, keep. */
function limitOptions(values: readonly number[], format: (value: number) => string, current: number, currentText: string, recommended: number, zeroLabel = 'No limit'): LimitOption[] {
	// Where 0 is the recommended value (a relief left off), its row carries the mark.
	const zeroMark = recommended === 0 ? {recommended: true} : {};
	return [
		...values.map(value => ({id: String(value), label: format(value), value, ...(value === recommended ? {recommended: true} : {})})),
		{id: 'custom', label: 'Custom', value: 'custom' as const},
		// With no limit now, "No limit" and "Keep" are the same choice: one row, which keeps the file as it is.
		...(current === 0
			? [{id: 'keep', label: `${zeroLabel} (as now)`, value: 'keep' as const, ...zeroMark}]
			: [{id: 'none', label: zeroLabel, value: 0, ...zeroMark}, {id: 'keep', label: `Keep: ${currentText}`, value: 'keep' as const}]),
	];
}

export function sizeOptions(current: number): LimitOption[] {
	return limitOptions(SIZE_VALUES, formatSize, current, formatSize(current), SETTING.maxMessageSize.recommended);
}

export function recipientOptions(current: number): LimitOption[] {
	return limitOptions(RECIPIENT_VALUES, String, current, String(current), SETTING.maxRecipientsPerMessage.recommended);
}

/** The options of any whole-number setting, from its registry entry (a size reads as "25 MB"). */
export function countOptions(setting: LimitSetting, current: number): LimitOption[] {
	const format = setting.unit === 'bytes' ? formatSize : String;
	return limitOptions(setting.choices, format, current, format(current), setting.recommended, setting.zero?.label);
}

/** Reads a typed value of a whole-number setting, within its bounds. */
export function parseCountOf(setting: LimitSetting): (text: string) => Result<number> {
	return setting.unit === 'bytes' ? parseSize : text => parseCount(text, `the ${setting.what}`, setting.max);
}

/** A size as text that reads back to the same number of bytes ("10 MB", else plain bytes). */
export function sizeText(bytes: number): string {
	const formatted = formatSize(bytes);
	const back = parseSize(formatted);
	return back.ok && back.value === bytes ? formatted : String(bytes);
}

/** Which option an answer corresponds to, and the text for the custom field. */
export function limitSelection(options: readonly LimitOption[], answer: number | null | undefined, toText: (value: number) => string): {index: number; customText: string} {
	const find = (predicate: (option: LimitOption) => boolean) => options.findIndex(predicate);
	if (answer === undefined || answer === null) {
		return {index: find(option => option.value === 'keep'), customText: ''};
	}

	const fixed = find(option => option.value === answer);
	if (fixed !== -1) {
		return {index: fixed, customText: ''};
	}

	// No limit asked for where there is none now: the one row that says so.
	if (answer === 0) {
		return {index: find(option => option.value === 'keep'), customText: ''};
	}

	return {index: find(option => option.value === 'custom'), customText: toText(answer)};
}

/** The answer an option gives: undefined for "keep"; the parsed number for "custom". */
export function limitAnswer(option: LimitOption, customText: string, parse: (text: string) => Result<number>): Result<number | undefined> {
	if (option.value === 'keep') {
		return ok(undefined);
	}

	if (option.value === 'custom') {
		return customText.trim() === '' ? fail('type a value, or pick another choice') : parse(customText);
	}

	return ok(option.value);
}

export const parseRecipients = (text: string) => parseCount(text, 'the recipient limit');

/**
 * The largest attachment a message size lets through: base64 turns 3 bytes into 4 and adds
 * CRLF every 76 characters, so an attachment of N bytes takes about N x 4/3 x 78/76 = 1.37 N
 * (docs/sendmail.md, "Guidance numbers"), before the headers.
 */
export function largestAttachment(maxMessageSize: number): number {
	return Math.floor((maxMessageSize * 3 * 76) / (4 * 78));
}

/** "7.3 MB", "14.6 MB", "737 GB": the largest unit that fits, one decimal under 100, for guidance only. */
export function roughSize(bytes: number): string {
	for (const [unit, size] of [['TB', 1e12], ['GB', 1e9], ['MB', 1e6]] as const) {
		if (bytes >= size) {
			const value = bytes / size;
			return `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
		}
	}

	if (bytes >= 1000) {
		return `${Math.round(bytes / 1000)} KB`;
	}

	return `${bytes} bytes`;
}

/** RFC 5321 section 4.5.3.1.8: a server must accept at least 100 recipients per message. */
export const RFC_MINIMUM_RECIPIENTS = 100;

// ---- Privacy ----

/** Toggles a flag, keeping the order the others were given in (the written line follows it). */
export function toggleFlag(flags: readonly PrivacyFlag[], flag: PrivacyFlag): PrivacyFlag[] {
	return flags.includes(flag) ? flags.filter(other => other !== flag) : [...flags, flag];
}

/** The privacy flags to start the step with: the answer's, else the file's. */
export function initialFlags(answer: Answers['privacyOptions'], current: readonly PrivacyFlag[]): PrivacyFlag[] {
	return answer === undefined || answer === null ? [...current] : [...answer];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every(item => b.includes(item));

/**
 * The privacyOptions answer: undefined when the flags are the file's own and none
 * were given before (so "keep" stays "keep"), else the list as chosen.
 */
export function privacyAnswer(flags: readonly PrivacyFlag[], current: readonly PrivacyFlag[], previous: Answers['privacyOptions']): PrivacyFlag[] | undefined {
	if ((previous === undefined || previous === null) && sameSet(flags, current)) {
		return undefined;
	}

	return [...flags];
}
