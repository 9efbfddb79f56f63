import {isPrivacyFlag, PRIVACY_FLAG_NAMES, type PrivacyFlag} from './privacy-flag-names.js';
import {fail, ok, type Result} from './result.js';
import {quoted} from './sanitize.js';
import {ANSWER_KEYS, SETTINGS, SETTING, type Answers} from '../settings/registry.js';

export {ANSWER_KEYS, type Answers} from '../settings/registry.js';

const MAX_GREETING_LENGTH = SETTING.greeting.maxLength;
const MAX_RECIPIENTS = SETTING.maxRecipientsPerMessage.max;

/** Why a greeting is unusable, or undefined when it is fine. */
export function greetingProblem(greeting: string): string | undefined {
	if (greeting.trim() === '') {
		return 'the greeting is empty';
	}

	const bad = [...greeting].find(character => {
		const code = character.codePointAt(0)!;
		return code < 0x20 || code > 0x7e;
	});
	if (bad !== undefined) {
		const code = bad.codePointAt(0)!;
		return code < 0x20 || code === 0x7f
			? `the greeting contains a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')}); it must be one line of printable text, since a newline would add lines to sendmail.cf`
			: `the greeting contains "${bad}"; SMTP greetings must be plain ASCII text`;
	}

	if (greeting.length > MAX_GREETING_LENGTH) {
		return `the greeting is ${greeting.length} characters long; keep it under ${MAX_GREETING_LENGTH}`;
	}

	if (/(^|[^$])(\$\$)*\$$/.test(greeting)) {
		return 'the greeting ends with a lone "$"; write a macro such as $j, or remove the "$"';
	}

	return undefined;
}

/** Below this, MaxMessageSize refuses nearly all mail: the headers of a one-line message pass it. */
export const SMALLEST_SENSIBLE_MESSAGE_SIZE = 1000;

/** Warnings for a MaxMessageSize that is allowed but almost certainly a slip (5 for 5 MB). */
export function messageSizeWarnings(bytes: number): string[] {
	return bytes > 0 && bytes < SMALLEST_SENSIBLE_MESSAGE_SIZE
		? [`a MaxMessageSize of ${bytes} bytes refuses almost all mail (the headers alone of a one-line message are larger); did you mean ${bytes} MB (${bytes * 1000 ** 2})?`]
		: [];
}

// A host name as RFC 1123 allows it: dot-separated labels of letters, digits and inner hyphens.
const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** Why a host name (--hostname, the $j of the preview) is unusable, or undefined when it is fine. */
export function hostNameProblem(name: string): string | undefined {
	const bare = name.endsWith('.') ? name.slice(0, -1) : name;
	if (bare.length === 0 || bare.length > 253 || !bare.split('.').every(label => HOST_LABEL.test(label))) {
		return `${JSON.stringify(name.length > 70 ? `${name.slice(0, 70)}...` : name)} is not a host name; use letters, digits, "-" and dots, such as mail.example.org`;
	}

	return undefined;
}

function wholeNumber(value: unknown, what: string, max: number, typed?: string): Result<number> {
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		return fail(`${what} must be a whole number, not ${JSON.stringify(value)}`);
	}

	if (!Number.isInteger(value)) {
		return fail(`${what} must be a whole number, not ${value}`);
	}

	if (value < 0) {
		return fail(`${what} must be 0 or more (0 means no limit), not ${value}`);
	}

	if (value > max) {
		// Quote what was typed: the parsed number may already be rounded (99999999999999999999 reads as 1e20).
		return fail(`${what} is too large (${typed ?? value}); the largest allowed is ${max}`);
	}

	return ok(value);
}

/** Checks a parsed JSON value against the answers format. */
export function validateAnswers(value: unknown): Result<Answers> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return fail('the answers must be a JSON object such as {"maxMessageSize": 500000}');
	}

	const input = value as Record<string, unknown>;
	const unknownKey = Object.keys(input).find(key => !(ANSWER_KEYS as readonly string[]).includes(key));
	if (unknownKey !== undefined) {
		return fail(`unknown key ${quoted(unknownKey)} in the answers; the keys are ${ANSWER_KEYS.join(', ')}`);
	}

	const chosen: Record<string, unknown> = {};
	// Each setting's rules come from its type in the registry (settings/registry.ts).
	for (const setting of SETTINGS) {
		const given = input[setting.key];
		if (given === undefined || given === null) {
			continue;
		}

		switch (setting.type) {
			case 'text': {
				if (typeof given !== 'string') {
					return fail(`${setting.key} must be a string such as "$j mailserver; $b"`);
				}

				const problem = greetingProblem(given);
				if (problem) {
					return fail(problem);
				}

				chosen[setting.key] = given;
				break;
			}

			case 'count':
			case 'access':
			case 'featureArgument': {
				const number = wholeNumber(given, setting.key, setting.max);
				if (!number.ok) {
					return number;
				}

				chosen[setting.key] = number.value;
				break;
			}

			case 'flags': {
				if (!Array.isArray(given) || given.some(flag => typeof flag !== 'string')) {
					return fail(`${setting.key} must be a list of flag names such as ["goaway", "restrictqrun"]`);
				}

				const flagsResult = parsePrivacyFlags(given as string[]);
				if (!flagsResult.ok) {
					return flagsResult;
				}

				chosen[setting.key] = flagsResult.value;
				break;
			}

			case 'choice': {
				const values: readonly string[] = setting.values.map(value => value.value);
				if (typeof given !== 'string' || !values.includes(given)) {
					return fail(`${setting.key} must be one of ${values.map(value => `"${value}"`).join(', ')}, not ${quoted(JSON.stringify(given) ?? String(given))}`);
				}

				chosen[setting.key] = given;
				break;
			}

			case 'wordList': {
				if (!Array.isArray(given) || given.some(name => typeof name !== 'string')) {
					return fail(`${setting.key} must be a list of names such as ${JSON.stringify(setting.recommended)}`);
				}

				const words = parseWordList(setting, given as string[]);
				if (!words.ok) {
					return words;
				}

				chosen[setting.key] = words.value;
				break;
			}

			case 'optionLetter':
			case 'switch': {
				if (typeof given !== 'boolean') {
					return fail(`${setting.key} must be true or false`);
				}

				chosen[setting.key] = given;
				break;
			}

			case 'daemons': {
				if (typeof given !== 'string' || !(setting.values as readonly string[]).includes(given)) {
					return fail(`${setting.key} must be ${setting.values.map(value => `"${value}"`).join(' or ')}`);
				}

				chosen[setting.key] = given;
				break;
			}
		}
	}

	const answers = chosen as Answers;
	return ok(answers);
}

/** Known names of a word list (AuthMechanisms), upper-cased, each once, in the order given; at least one. */
export function parseWordList(setting: {readonly key: string; readonly names: readonly string[]}, names: readonly string[]): Result<string[]> {
	const words: string[] = [];
	for (const raw of names) {
		const name = raw.trim().toUpperCase();
		if (!setting.names.includes(name)) {
			return fail(`unknown name ${quoted(raw)} in ${setting.key}; the names are ${setting.names.join(', ')}`);
		}

		if (!words.includes(name)) {
			words.push(name);
		}
	}

	if (words.length === 0) {
		// An empty list is not "no AUTH" to sendmail: leave the key out, or name the mechanisms.
		return fail(`${setting.key} must name at least one mechanism, such as ${JSON.stringify(SETTING.authMechanisms.recommended)}`);
	}

	return ok(words);
}

/** Known flags, lower-cased, each once, in the order given. */
export function parsePrivacyFlags(names: readonly string[]): Result<PrivacyFlag[]> {
	const flags: PrivacyFlag[] = [];
	for (const raw of names) {
		const name = raw.trim().toLowerCase();
		if (!isPrivacyFlag(name)) {
			return fail(`unknown privacy flag ${quoted(raw)}; run "sendmail-harden explain" to list the ${PRIVACY_FLAG_NAMES.length} flags sendmail knows`);
		}

		if (!flags.includes(name)) {
			flags.push(name);
		}
	}

	return ok(flags);
}

/** Parses the text of an answers file or preset export. */
export function parseAnswersJson(text: string, source: string): Result<Answers> {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return fail(`${source} is not valid JSON (${(error as Error).message})`);
	}

	const answers = validateAnswers(value);
	return answers.ok ? answers : fail(`${source}: ${answers.error}`);
}

const SIZE_UNITS: Record<string, number> = {
	'': 1,
	b: 1,
	k: 1000,
	kb: 1000,
	kib: 1024,
	m: 1000 ** 2,
	mb: 1000 ** 2,
	mib: 1024 ** 2,
	g: 1000 ** 3,
	gb: 1000 ** 3,
	gib: 1024 ** 3,
};

/** Reads a size as an admin types it: "500000", "10MB", "25 MiB", "1.5 GB". */
export function parseSize(text: string): Result<number> {
	const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
	const factor = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
	if (!match || factor === undefined) {
		return fail(`${quoted(text.trim())} is not a size; write bytes (500000) or a number with a unit (10MB, 25 MiB)`);
	}

	const bytes = Number(match[1]) * factor;
	if (!Number.isInteger(bytes)) {
		return fail(`${quoted(text.trim())} is not a whole number of bytes`);
	}

	return wholeNumber(bytes, 'the size', Number.MAX_SAFE_INTEGER, text.trim());
}

/** Reads a whole count as an admin types it. */
export function parseCount(text: string, what: string, max: number = MAX_RECIPIENTS): Result<number> {
	if (!/^\s*\d+\s*$/.test(text)) {
		return fail(`${what} must be a whole number of 0 or more, not ${quoted(text.trim())}`);
	}

	return wholeNumber(Number(text), what, max, text.trim());
}

/** 10000000 -> "10 MB", 26214400 -> "25 MiB", 1234 -> "1234 bytes". */
export function formatSize(bytes: number): string {
	if (bytes === 0) {
		return 'no limit';
	}

	for (const [unit, factor] of [
		['GB', 1000 ** 3],
		['GiB', 1024 ** 3],
		['MB', 1000 ** 2],
		['MiB', 1024 ** 2],
		['KB', 1000],
		['KiB', 1024],
	] as const) {
		if (bytes >= factor && bytes % factor === 0) {
			return `${bytes / factor} ${unit}`;
		}
	}

	if (bytes >= 1000 ** 2) {
		return `${(bytes / 1000 ** 2).toFixed(1)} MB`;
	}

	return `${bytes} bytes`;
}
