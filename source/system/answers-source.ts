import fs from 'node:fs/promises';
import type {Answers} from '../core/answers.js';
import {readAnswersFile} from '../core/answers-file.js';
import {fail, ok, type Result} from '../core/result.js';

export type AnswersSource = {answers: Answers; from: string};

/** Answers from --preset NAME or --answers FILE; undefined when neither was given. */
export async function loadAnswers(flags: {preset?: string; answers?: string}): Promise<Result<AnswersSource | undefined>> {
	if (flags.preset !== undefined && flags.answers !== undefined) {
		return fail('give either --preset NAME or --answers FILE, not both');
	}

	if (flags.preset !== undefined) {
		// conf, ajv and the schema compile cost ~120 ms: load them only when a preset is asked for.
		const {openPresetStore} = await import('../presets.js');
		const store = openPresetStore();
		if (!store.ok) {
			return store;
		}

		const preset = store.value.get(flags.preset);
		return preset.ok ? ok({answers: preset.value.answers, from: `preset "${flags.preset}"`}) : preset;
	}

	if (flags.answers !== undefined) {
		let text: string;
		try {
			text = await fs.readFile(flags.answers, 'utf8');
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			return fail(code === 'ENOENT' ? `the answers file ${flags.answers} does not exist` : `cannot read the answers file ${flags.answers}: ${(error as Error).message}`);
		}

		const read = readAnswersFile(text, flags.answers);
		return read.ok ? ok({answers: read.value.answers, from: flags.answers}) : read;
	}

	return ok(undefined);
}
