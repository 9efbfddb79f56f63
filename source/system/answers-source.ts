import type {Answers} from '../core/answers.js';
import {readAnswersFile} from '../core/answers-file.js';
import {fail, ok, type Result} from '../core/result.js';
import {MAX_ANSWERS_BYTES, readInputFile} from './read-input.js';

export type AnswersSource = {answers: Answers; from: string};

/** Answers from --preset NAME or --answers FILE; undefined when neither was given. */
export async function loadAnswers(flags: {preset?: string; answers?: string}): Promise<Result<AnswersSource | undefined>> {
	if (flags.preset !== undefined && flags.answers !== undefined) {
		return fail('give either --preset NAME or --answers FILE, not both');
	}

	if (flags.preset !== undefined) {
		// conf, ajv and the schema compile cost ~120 ms: load them only when a preset is asked for.
		const {openPresetStore} = await import('../presets.js');
		const store = await openPresetStore();
		if (!store.ok) {
			return store;
		}

		const preset = store.value.get(flags.preset);
		return preset.ok ? ok({answers: preset.value.answers, from: `preset "${flags.preset}"`}) : preset;
	}

	if (flags.answers !== undefined) {
		const read = await readAnswersFromFile(flags.answers);
		return read.ok ? ok({answers: read.value.answers, from: flags.answers}) : read;
	}

	return ok(undefined);
}

/**
 * Reads and checks an answers file or a preset export (`--answers FILE`, `presets save` and
 * `import`). Only a regular file of at most 1 MiB is read: answers are a few hundred bytes, and a
 * FIFO or /dev/zero would otherwise hang or fill the memory.
 */
export async function readAnswersFromFile(file: string): Promise<Result<{answers: Answers; name?: string}>> {
	const read = await readInputFile(file, {maxBytes: MAX_ANSWERS_BYTES, what: 'answers file'});
	if (!read.ok) {
		return fail(`the answers file ${read.error}`);
	}

	return readAnswersFile(read.value.toString('utf8'), file);
}
