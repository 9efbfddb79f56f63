// `sendmail-harden presets list | show NAME | save NAME --answers FILE | delete NAME
//  | export NAME [FILE] | import FILE [--name NAME]`
import {formatSize, type Answers} from '../core/answers.js';
import {checkPresetName, presetExport, readAnswersFile} from '../core/answers-file.js';
import {fail, ok, type Result} from '../core/result.js';
import {safeJson} from '../core/sanitize.js';
import {openPresetStore, type Preset, type PresetStore} from '../presets.js';
import {readAnswersFromFile} from '../system/answers-source.js';
import {writeNamedFile} from '../system/safe-write.js';
import {EXIT, type CommandIo} from './command-io.js';
import {ACCESS_MAP_SETTINGS, CHOICE_SETTINGS, COUNT_SETTINGS, SWITCH_SETTINGS} from '../settings/registry.js';

export type PresetsFlags = {answers?: string; name?: string; force?: boolean};

const USAGE = 'use: presets list | show NAME | save NAME --answers FILE | delete NAME | export NAME [FILE] | import FILE [--name NAME]';

// How many words each subcommand takes after its name (fewest, most), and the flags it allows.
const SUBCOMMANDS = {
	list: {words: [0, 0], flags: [], usage: 'presets list'},
	show: {words: [1, 1], flags: [], usage: 'presets show NAME'},
	save: {words: [1, 1], flags: ['answers', 'force'], usage: 'presets save NAME --answers FILE [--force]'},
	delete: {words: [1, 1], flags: [], usage: 'presets delete NAME'},
	export: {words: [1, 2], flags: ['force'], usage: 'presets export NAME [FILE] [--force]'},
	import: {words: [1, 1], flags: ['name', 'force'], usage: 'presets import FILE [--name NAME] [--force]'},
} as const satisfies Record<string, {words: readonly [number, number]; flags: ReadonlyArray<keyof PresetsFlags>; usage: string}>;

type Subcommand = keyof typeof SUBCOMMANDS;

/**
 * `input` is the words after "presets" (e.g. ["show", "web"]). `options.cwd` points the
 * store at another folder (tests); otherwise it follows XDG_CONFIG_HOME.
 */
export async function runPresets(input: string[], flags: PresetsFlags, io: CommandIo, options: {cwd?: string} = {}): Promise<number> {
	const result = await presetsCommand(input, flags, io, options);
	if (!result.ok) {
		io.err(`sendmail-harden: ${result.error}\n`);
		return EXIT.badInput;
	}

	return EXIT.done;
}

async function presetsCommand(input: string[], flags: PresetsFlags, io: CommandIo, options: {cwd?: string}): Promise<Result<void>> {
	const [word, ...words] = input;
	if (word === undefined) {
		return fail(`"presets" needs a subcommand; ${USAGE}`);
	}

	if (!Object.hasOwn(SUBCOMMANDS, word)) {
		return fail(`unknown presets subcommand "${word}"; ${USAGE}`);
	}

	const subcommand = word as Subcommand;
	const {words: [fewest, most], flags: allowed, usage} = SUBCOMMANDS[subcommand];
	if (words.length < fewest) {
		return fail(`"presets ${subcommand}" is missing an argument; use: ${usage}`);
	}

	if (words.length > most) {
		return fail(`"presets ${subcommand}" got an unexpected argument "${words[most]}"; use: ${usage}`);
	}

	const stray = (['answers', 'name', 'force'] as const).find(flag =>
		flags[flag] !== undefined && flags[flag] !== false && !(allowed as readonly string[]).includes(flag));
	if (stray !== undefined) {
		return fail(`--${stray} does not go with "presets ${subcommand}"; use: ${usage}`);
	}

	const opened = await openPresetStore({cwd: options.cwd});
	if (!opened.ok) {
		return opened;
	}

	const store = opened.value;
	const [first = '', second] = words;
	switch (subcommand) {
		case 'list': {
			list(store, io);
			return ok(undefined);
		}

		case 'show': {
			const preset = getPreset(store, first);
			if (preset.ok) {
				io.out(`${safeJson(preset.value.answers, 2)}\n`);
			}

			return preset.ok ? ok(undefined) : preset;
		}

		case 'save': {
			if (flags.answers === undefined || flags.answers === '') {
				return fail(`"presets save" needs the answers to save; use: ${usage}`);
			}

			const name = checkPresetName(first);
			if (!name.ok) {
				return name;
			}

			const file = await readAnswersFromFile(flags.answers);
			return file.ok ? saveAndSay(store, first, file.value.answers, flags, io) : file;
		}

		case 'delete': {
			const deleted = await store.delete(first);
			if (deleted.ok) {
				io.out(`Deleted preset "${first}".\n`);
			}

			return deleted;
		}

		case 'export': {
			const preset = getPreset(store, first);
			if (!preset.ok) {
				return preset;
			}

			const text = `${safeJson(presetExport(preset.value), 2)}\n`;
			if (second === undefined) {
				io.out(text);
				return ok(undefined);
			}

			const written = await writeExport(second, text, flags.force === true);
			if (written.ok) {
				io.out(`Exported preset "${first}" to ${second}.\n`);
			}

			return written;
		}

		case 'import': {
			const file = await readAnswersFromFile(first);
			if (!file.ok) {
				return file;
			}

			const name = flags.name ?? file.value.name;
			if (name === undefined) {
				return fail(`${first} holds answers without a preset name; add --name NAME`);
			}

			const checked = checkPresetName(name);
			return checked.ok ? saveAndSay(store, name, file.value.answers, flags, io) : checked;
		}
	}
}

function getPreset(store: PresetStore, name: string): Result<Preset> {
	const checked = checkPresetName(name);
	return checked.ok ? store.get(name) : checked;
}

async function saveAndSay(store: PresetStore, name: string, answers: Answers, flags: PresetsFlags, io: CommandIo): Promise<Result<void>> {
	const saved = await store.save(name, answers, {force: flags.force === true, now: new Date()});
	if (!saved.ok) {
		return saved;
	}

	io.out(`Saved preset "${name}" in ${store.path}: ${summarizeAnswers(saved.value.answers)}.\n`);
	return ok(undefined);
}

function list(store: PresetStore, io: CommandIo): void {
	const presets = store.list();
	if (presets.length === 0) {
		io.out(`No presets saved yet (${store.path}). Save one with "sendmail-harden presets save NAME --answers FILE" or at the end of the wizard.\n`);
		return;
	}

	const width = Math.max(...presets.map(preset => preset.name.length));
	for (const preset of presets) {
		io.out(`${preset.name.padEnd(width)}  ${formatSavedAt(preset.savedAt)}  ${summarizeAnswers(preset.answers)}\n`);
	}
}

/** "2025-01-31T09:30:12.000Z" -> "2025-01-31 09:30 UTC". */
export function formatSavedAt(savedAt: string): string {
	const date = new Date(savedAt);
	return Number.isNaN(date.getTime()) ? savedAt : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One line saying what the answers change, in sendmail's option names. */
export function summarizeAnswers(answers: Answers): string {
	const parts: string[] = [];
	if (answers.greeting !== undefined && answers.greeting !== null) {
		parts.push(`greeting "${answers.greeting}"`);
	}

	for (const setting of COUNT_SETTINGS) {
		const value = answers[setting.key];
		if (value !== undefined && value !== null) {
			parts.push(`${setting.option} ${setting.unit === 'bytes' ? formatSize(value) : value === 0 ? 'no limit' : value}`);
		}
	}

	for (const setting of ACCESS_MAP_SETTINGS) {
		const value = answers[setting.key];
		if (value !== undefined && value !== null) {
			parts.push('entry' in setting ? `${setting.entry}: ${value === 0 ? 'no limit' : value}` : `greet_pause ${value === 0 ? 'no pause' : `${value} ms`}`);
		}
	}

	if (answers.privacyOptions !== undefined && answers.privacyOptions !== null) {
		parts.push(`PrivacyOptions ${answers.privacyOptions.length === 0 ? '(none)' : answers.privacyOptions.join(',')}`);
	}

	for (const setting of SWITCH_SETTINGS) {
		if (answers[setting.key] === true) {
			parts.push(setting.summary.on);
		} else if (answers[setting.key] === false) {
			parts.push(setting.summary.off);
		}
	}

	if (answers.listen !== undefined && answers.listen !== null) {
		parts.push(`daemons listen on ${answers.listen === 'local' ? '127.0.0.1 only (local)' : 'every address (all)'}`);
	}

	for (const setting of CHOICE_SETTINGS) {
		const value = answers[setting.key];
		if (value !== undefined && value !== null) {
			parts.push(`${setting.key} ${value}`);
		}
	}

	return parts.length === 0 ? 'changes nothing' : parts.join(', ');
}

async function writeExport(file: string, text: string, force: boolean): Promise<Result<void>> {
	try {
		// Without --force an existing file is never overwritten; with it, the file is replaced by a
		// rename, so a link planted at the name (say in /tmp) is replaced, never written through.
		await writeNamedFile(file, Buffer.from(text), {replace: force});
		return ok(undefined);
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EEXIST'
			? fail(`${file} exists already; add --force to overwrite it, or choose another file`)
			: fail(fileError(error, file, 'write'));
	}
}

function fileError(error: unknown, file: string, action: 'read' | 'write'): string {
	switch ((error as NodeJS.ErrnoException).code) {
		case 'ENOENT': {
			return action === 'read' ? `cannot read ${file}: there is no such file; check the path` : `cannot write ${file}: its folder does not exist`;
		}

		case 'EISDIR': {
			return `cannot ${action} ${file}: it is a folder; give a file`;
		}

		case 'EACCES':
		case 'EPERM': {
			return `cannot ${action} ${file}: permission denied`;
		}

		default: {
			return `cannot ${action} ${file}: ${(error as Error).message.split('\n')[0]}`;
		}
	}
}
