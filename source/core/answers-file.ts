import {validateAnswers, type Answers} from './answers.js';
import {describeJsonError} from './json-error.js';
import {fail, ok, type Result} from './result.js';
import {quoted} from './sanitize.js';

/**
 * The portable form of a preset, as `presets export` writes it. The marker key says
 * what the file is and which format it uses, so a later format can be told apart.
 */
export type PresetExport = {
	sendmailHardenPreset: 1;
	name: string;
	savedAt: string;
	answers: Answers;
};

export const EXPORT_FORMAT = 1;
const EXPORT_KEYS = ['sendmailHardenPreset', 'name', 'savedAt', 'answers'];

// Letters, digits, "." "_" "-"; no leading "." or "-" so a name never looks like a
// hidden file or a command-line option.
const PRESET_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

/** Checks a preset name; the error says what a good name looks like. */
export function checkPresetName(name: string): Result<string> {
	if (PRESET_NAME.test(name)) {
		return ok(name);
	}

	const shown = JSON.stringify(name.length > 70 ? `${name.slice(0, 70)}...` : name);
	return fail(`${shown} is not a usable preset name; use 1 to 64 letters, digits, ".", "_" or "-", not starting with "." or "-" (e.g. "web-2025")`);
}

/** Builds the export form of a preset, ready for JSON.stringify. */
export function presetExport(preset: {name: string; savedAt: string; answers: Answers}): PresetExport {
	return {
		sendmailHardenPreset: EXPORT_FORMAT,
		name: preset.name,
		savedAt: preset.savedAt,
		answers: preset.answers,
	};
}

/**
 * Reads an answers file: either bare answers (docs/design.md, "Answers") or a preset
 * export. `source` names the file in messages. Used by `--answers FILE`, `presets save`
 * and `presets import`.
 */
export function readAnswersFile(text: string, source: string): Result<{answers: Answers; name?: string}> {
	let value: unknown;
	// Editors on some systems add a byte-order mark; JSON.parse rejects it.
	const json = text.replace(/^\uFEFF/, '');
	try {
		value = JSON.parse(json);
	} catch (error) {
		return fail(`${source} is not valid JSON (${describeJsonError(error, json)}); fix the file or export it again with "sendmail-harden presets export NAME FILE"`);
	}

	if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'sendmailHardenPreset')) {
		return readExport(value as Record<string, unknown>, source);
	}

	const answers = validateAnswers(value);
	return answers.ok ? ok({answers: answers.value}) : fail(`${source}: ${answers.error}`);
}

function readExport(input: Record<string, unknown>, source: string): Result<{answers: Answers; name?: string}> {
	const format = input['sendmailHardenPreset'];
	if (format !== EXPORT_FORMAT) {
		return typeof format === 'number' && Number.isInteger(format) && format > EXPORT_FORMAT
			? fail(`${source} is a preset export in format ${format}, newer than this sendmail-harden understands (${EXPORT_FORMAT}); upgrade sendmail-harden`)
			: fail(`${source}: "sendmailHardenPreset" must be ${EXPORT_FORMAT}, not ${JSON.stringify(format)}`);
	}

	const unknownKey = Object.keys(input).find(key => !EXPORT_KEYS.includes(key));
	if (unknownKey !== undefined) {
		return fail(`${source}: unknown key ${quoted(unknownKey)} in the preset export; the keys are ${EXPORT_KEYS.join(', ')}`);
	}

	if (!Object.hasOwn(input, 'answers')) {
		return fail(`${source}: the preset export has no "answers"; export the preset again`);
	}

	const answers = validateAnswers(input['answers']);
	if (!answers.ok) {
		return fail(`${source}: ${answers.error}`);
	}

	const name = input['name'];
	if (name === undefined) {
		return ok({answers: answers.value});
	}

	if (typeof name !== 'string') {
		return fail(`${source}: the preset's "name" must be a string`);
	}

	const checked = checkPresetName(name);
	return checked.ok ? ok({answers: answers.value, name}) : fail(`${source}: ${checked.error}`);
}
