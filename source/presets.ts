// The preset store: a JSON file kept by conf in the admin's config folder
// ($XDG_CONFIG_HOME/sendmail-harden/config.json, else ~/.config/sendmail-harden/config.json).
import {accessSync, constants as fsConstants, existsSync, mkdirSync} from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import envPaths from 'env-paths';
import packageJson from '../package.json' with {type: 'json'};
import {validateAnswers, type Answers} from './core/answers.js';
import {checkPresetName} from './core/answers-file.js';
import {describeJsonError} from './core/json-error.js';
import {fail, ok, type Result} from './core/result.js';
import {quoted} from './core/sanitize.js';
import {SETTINGS, type SettingSpec} from './settings/registry.js';
import {acquireFileLock} from './system/file-lock.js';
import {checkInputFileSync, MAX_PRESET_STORE_BYTES} from './system/read-input.js';

export type Preset = {
	name: string;
	/** When it was saved, as an ISO 8601 UTC time. */
	savedAt: string;
	formatVersion: 1;
	answers: Answers;
};

export type PresetStore = {
	/** The store's file. */
	readonly path: string;
	/** Every preset, sorted by name, as read when the store was opened or last changed. */
	list(): Preset[];
	get(name: string): Result<Preset>;
	/** Saves under the store's lock, reading the store afresh: a preset another run saved meanwhile stays. */
	save(name: string, answers: Answers, options: {force: boolean; now: Date}): Promise<Result<Preset>>;
	delete(name: string): Promise<Result<void>>;
};

type StoreData = {presets?: Preset[]};

export const PROJECT_NAME = 'sendmail-harden';
const PRESET_FORMAT = 1;
const PRESET_KEYS = ['name', 'savedAt', 'formatVersion', 'answers'];
const WHAT_TO_DO = 'fix it in an editor, or move it aside to start an empty store (nothing was changed)';

/** The folder conf uses for the store, following XDG_CONFIG_HOME. */
export function defaultPresetFolder(): string {
	// No "-nodejs" suffix: an admin looks for ~/.config/sendmail-harden.
	return envPaths(PROJECT_NAME, {suffix: ''}).config;
}

/** The JSON schema of one setting's answer, from its type in the registry; null leaves it as it is. */
function answerSchema(setting: SettingSpec): object {
	switch (setting.type) {
		case 'text': {
			return {type: 'string', minLength: 1, maxLength: setting.maxLength, pattern: '^[\\x20-\\x7e]*$'};
		}

		case 'count':
		case 'access':
		case 'featureArgument': {
			return {type: 'integer', minimum: 0, maximum: setting.max};
		}

		case 'flags': {
			return {type: 'array', items: {enum: [...setting.names]}};
		}

		case 'wordList': {
			return {type: 'array', minItems: 1, items: {enum: [...setting.names]}};
		}

		case 'optionLetter':
		case 'switch': {
			return {type: 'boolean'};
		}

		case 'daemons': {
			return {enum: [...setting.values]};
		}

		case 'choice': {
			return {enum: setting.values.map(value => value.value)};
		}
	}
}

const answersSchema = {
	type: 'object',
	additionalProperties: false,
	properties: Object.fromEntries(SETTINGS.map(setting => [setting.key, {anyOf: [{type: 'null'}, answerSchema(setting)]}])),
} as const;

const presetSchema = {
	type: 'object',
	additionalProperties: false,
	required: PRESET_KEYS,
	properties: {
		name: {type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$'},
		savedAt: {type: 'string', format: 'date-time'},
		formatVersion: {const: PRESET_FORMAT},
		answers: answersSchema,
	},
} as const;

/**
 * Migrations keyed by the package version that changed the store's format. conf runs each
 * one once, when a store last opened by an older version is opened by a newer one.
 */
const migrations = {
	// 0.1.0 introduced formatVersion; presets written before it (or by hand) lack it.
	'0.1.0'(store: Conf<StoreData>) {
		const presets: unknown = store.get('presets');
		if (!Array.isArray(presets)) {
			return;
		}

		store.set('presets', presets.map((preset: unknown) =>
			isObject(preset) && !Object.hasOwn(preset, 'formatVersion') ? {...preset, formatVersion: PRESET_FORMAT} : preset) as Preset[]);
	},
};

class StoreProblem extends Error {}

/**
 * Opens the store. A store that is not valid JSON or not valid presets is refused with one
 * line naming the file, rather than moved aside or cleared: the file is the admin's, other
 * presets in it stay readable to a person, and a script using `--preset NAME` should fail
 * with the real reason, not with "no such preset". Nothing is written to a bad store.
 *
 * Every read and write of the file happens under one lock (config.json.lock beside it), so
 * two runs saving at once both keep their preset. The lock is beside the store, not in the
 * state folder: the store is the user's own (it follows XDG_CONFIG_HOME, and a user who is not
 * root cannot write /var/lib), and two users' stores have nothing to wait for each other about.
 */
export async function openPresetStore(options: {cwd?: string; projectVersion?: string; lockWaitMs?: number} = {}): Promise<Result<PresetStore>> {
	const folder = options.cwd ?? defaultPresetFolder();
	const file = path.resolve(folder, 'config.json');
	// conf checks its schema with ajv, whose compiled validator costs about 3 MB of heap: a store
	// opened to read is checked by parseStore instead (the same rules, at every read), and ajv
	// checks the store a change is about to write.
	const openConf = (checkWrites: boolean) => new Conf<StoreData>({
		projectName: PROJECT_NAME,
		cwd: folder,
		projectVersion: options.projectVersion ?? packageJson.version,
		// Names may hold ".", which conf would otherwise read as a path into the object.
		accessPropertiesByDotNotation: false,
		// Checked on every read, before conf's migrations rewrite the file, so a bad
		// store is refused untouched.
		deserialize: parseStore,
		...(checkWrites ? {
			schema: {presets: {type: 'array', items: presetSchema}},
			rootSchema: {additionalProperties: false, patternProperties: {'^__internal__$': {type: 'object'}}},
		} : {}),
		migrations,
		configFileMode: 0o600,
	});

	const locked = async <T>(work: () => Result<T>, use: 'read' | 'write'): Promise<Result<T>> => {
		// conf reads the file itself, with readFileSync: a FIFO there would block for ever.
		const checkedWork = () => {
			const checked = checkInputFileSync(file, {maxBytes: MAX_PRESET_STORE_BYTES, what: 'presets file'});
			return checked.ok ? work() : fail<T>(`the presets file ${checked.error}; move it aside to start an empty store (nothing was changed)`);
		};

		// A store in a folder this user cannot write (a shared, read-only one) can still be read for
		// --preset NAME: no one can be writing it through this tool as this user, so no lock is needed.
		if (use === 'read' && !writable(folder)) {
			return checkedWork();
		}

		try {
			mkdirSync(folder, {recursive: true});
		} catch (error) {
			return fail(storeError(error, file));
		}

		const lock = await acquireFileLock(`${file}.lock`, `the presets file ${file}`, {waitMs: options.lockWaitMs});
		if (!lock.ok) {
			return lock;
		}

		if (lock.value.note !== undefined) {
			process.stderr.write(`sendmail-harden: note: ${lock.value.note}\n`);
		}

		try {
			return checkedWork();
		} finally {
			await lock.value.release();
		}
	};

	// conf writes its file (and folder) as soon as it is opened; with no store yet, opening the
	// wizard or listing presets must not create one: that waits for the first save. An existing
	// store is opened under the lock, since conf's migrations may rewrite it.
	let writer: Conf<StoreData> | undefined;
	let presets: Preset[] = [];
	if (existsSync(file)) {
		const opened = await locked(() => {
			try {
				const stored = openConf(false).get('presets') ?? [];
				// parseStore let a preset without formatVersion through for the 0.1.0 migration,
				// which has run now: one still without it was written wrong.
				const unmigrated = stored.find(preset => !Object.hasOwn(preset, 'formatVersion'));
				if (unmigrated !== undefined) {
					throw new StoreProblem(`has preset "${unmigrated.name}" with a problem: it has no "formatVersion" (every preset has had one since sendmail-harden 0.1.0)`);
				}

				presets = sortByName(stored);
				return ok(undefined);
			} catch (error) {
				return fail(storeError(error, file));
			}
		}, 'read');
		if (!opened.ok) {
			return opened;
		}
	}

	const find = (name: string) => presets.find(preset => preset.name === name);
	// Reads the store afresh, changes it and writes it, all under the lock.
	const change = async <T>(edit: (current: Preset[]) => Result<{next: Preset[]; value: T}>): Promise<Result<T>> => locked(() => {
		try {
			writer ??= openConf(true);
			presets = sortByName(writer.get('presets') ?? []);
			const edited = edit(presets);
			if (!edited.ok) {
				return edited;
			}

			writer.set('presets', sortByName(edited.value.next));
			presets = sortByName(edited.value.next);
			return ok(edited.value.value);
		} catch (error) {
			return fail(storeError(error, file));
		}
	}, 'write');

	return ok({
		path: file,
		list: () => presets.map(preset => structuredClone(preset)),
		get(name) {
			const preset = find(name);
			return preset
				? ok(structuredClone(preset))
				: fail(`there is no preset ${quoted(name)}; run "sendmail-harden presets list" to see the saved ones`);
		},
		async save(name, answers, {force, now}) {
			const checkedName = checkPresetName(name);
			if (!checkedName.ok) {
				return checkedName;
			}

			// Answers from a screen or a file were checked already; this keeps the store valid.
			const checked = validateAnswers(answers);
			if (!checked.ok) {
				return fail(`preset ${quoted(name)} was not saved: ${checked.error}`);
			}

			const preset: Preset = {name, savedAt: now.toISOString(), formatVersion: PRESET_FORMAT, answers: checked.value};
			return change(current => current.some(other => other.name === name) && !force
				? fail(`a preset named ${quoted(name)} exists already; add --force to replace it, or choose another name`)
				: ok({next: [...current.filter(other => other.name !== name), preset], value: structuredClone(preset)}));
		},
		async delete(name) {
			return change(current => current.some(preset => preset.name === name)
				? ok({next: current.filter(preset => preset.name !== name), value: undefined})
				: fail(`there is no preset ${quoted(name)} to delete; run "sendmail-harden presets list" to see the saved ones`));
		},
	});
}

function writable(folder: string): boolean {
	try {
		accessSync(folder, fsConstants.W_OK);
		return true;
	} catch {
		return false;
	}
}

/** `--preset NAME`: the preset's answers, or one line saying why not. */
export async function loadPresetAnswers(name: string, options: {cwd?: string} = {}): Promise<Result<Answers>> {
	const checked = checkPresetName(name);
	if (!checked.ok) {
		return checked;
	}

	const store = await openPresetStore(options);
	if (!store.ok) {
		return store;
	}

	const preset = store.value.get(name);
	return preset.ok ? ok(preset.value.answers) : preset;
}

function sortByName(presets: Preset[]): Preset[] {
	return [...presets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** conf's deserialize: JSON.parse, then the same rules as the schema, with messages an admin can act on. */
function parseStore(text: string): StoreData {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw new StoreProblem(`is not valid JSON (${describeJsonError(error, text)})`);
	}

	const problem = storeProblem(value);
	if (problem !== undefined) {
		throw new StoreProblem(problem);
	}

	return value as StoreData;
}

/** What is wrong with a parsed store, or undefined. A missing formatVersion is allowed: the 0.1.0 migration adds it. */
export function storeProblem(value: unknown): string | undefined {
	if (!isObject(value)) {
		return 'is not a presets store (it should hold a JSON object such as {"presets": []})';
	}

	const unknownKey = Object.keys(value).find(key => key !== 'presets' && key !== '__internal__');
	if (unknownKey !== undefined) {
		return `has an unknown key "${unknownKey}" (only "presets" belongs there)`;
	}

	const presets = value['presets'];
	if (presets === undefined) {
		return undefined;
	}

	if (!Array.isArray(presets)) {
		return 'has "presets" that is not a list';
	}

	const seen = new Set<string>();
	for (const [index, preset] of presets.entries()) {
		const label = isObject(preset) && typeof preset['name'] === 'string' ? `preset "${preset['name']}"` : `preset number ${index + 1}`;
		if (!isObject(preset)) {
			return `has ${label} that is not a JSON object`;
		}

		const problem = presetProblem(preset);
		if (problem !== undefined) {
			return `has ${label} with a problem: ${problem}`;
		}

		const name = preset['name'] as string;
		if (seen.has(name)) {
			return `has two presets named "${name}"`;
		}

		seen.add(name);
	}

	return undefined;
}

function presetProblem(preset: Record<string, unknown>): string | undefined {
	const unknownKey = Object.keys(preset).find(key => !PRESET_KEYS.includes(key));
	if (unknownKey !== undefined) {
		return `unknown key "${unknownKey}"; the keys are ${PRESET_KEYS.join(', ')}`;
	}

	if (typeof preset['name'] !== 'string') {
		return 'its "name" is missing or not a string';
	}

	const name = checkPresetName(preset['name']);
	if (!name.ok) {
		return name.error;
	}

	if (typeof preset['savedAt'] !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/.test(preset['savedAt']) || Number.isNaN(Date.parse(preset['savedAt']))) {
		return '"savedAt" must be a time such as "2025-01-31T09:30:00.000Z"';
	}

	if (Object.hasOwn(preset, 'formatVersion') && preset['formatVersion'] !== PRESET_FORMAT) {
		return `"formatVersion" is ${JSON.stringify(preset['formatVersion'])}, but this sendmail-harden knows format ${PRESET_FORMAT}; upgrade sendmail-harden or remove that preset`;
	}

	if (!Object.hasOwn(preset, 'answers')) {
		return 'it has no "answers"';
	}

	const answers = validateAnswers(preset['answers']);
	return answers.ok ? undefined : answers.error;
}

/** One line for anything conf throws while reading or writing the store. */
function storeError(error: unknown, file: string): string {
	if (error instanceof StoreProblem) {
		return `the presets file ${file} ${error.message}; ${WHAT_TO_DO}`;
	}

	const message = error instanceof Error ? error.message : String(error);
	if (message.startsWith('Config schema violation:')) {
		return `the presets file ${file} does not hold valid presets (${message.replace('Config schema violation: ', '')}); ${WHAT_TO_DO}`;
	}

	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const reason = code === 'EACCES' || code === 'EPERM'
		? 'permission denied; run as the user who owns it, or check its mode'
		: code === 'ENOSPC'
			? 'the disk is full; free some space and try again'
			: code === 'EROFS'
				? 'the file system is read-only; set XDG_CONFIG_HOME to a writable folder'
				: code === 'ENOTDIR' || code === 'EISDIR'
					? 'a file or folder is in the way; check the path'
					: message.split('\n')[0];
	return `cannot use the presets file ${file}: ${reason}`;
}
