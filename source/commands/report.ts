import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {buildReport, renderCsv, renderHtml, renderMarkdown, renderText, type ReportInput} from '../core/report.js';
import {safeJson} from '../core/sanitize.js';
import {loadAnswers} from '../system/answers-source.js';
import {readInputFile} from '../system/read-input.js';
import {EXIT, type CommandIo} from './command-io.js';

export type ReportFlags = {preset?: string; answers?: string; json?: boolean; csv?: boolean; markdown?: boolean; html?: boolean};

// An audit document is a few KB; a fleet's folder holds one per host.
const MAX_DOCUMENT_BYTES = 1024 * 1024;
const MAX_DOCUMENTS = 10_000;

/** A host is named by its file: web1.json, and web1.harden.json for its `--yes --json` document. */
const hostOf = (file: string) => path.basename(file).replace(/\.json$/i, '').replace(/\.(harden|yes)$/i, '');

async function inputFiles(given: string[]): Promise<{ok: true; files: string[]} | {ok: false; error: string}> {
	const files: string[] = [];
	for (const item of given) {
		const info = await stat(item).catch(() => undefined);
		if (info === undefined) {
			return {ok: false, error: `${item} does not exist`};
		}

		if (info.isDirectory()) {
			const names = (await readdir(item)).filter(name => name.toLowerCase().endsWith('.json') && !name.startsWith('.')).sort();
			files.push(...names.map(name => path.join(item, name)));
		} else {
			files.push(item);
		}
	}

	return files.length > MAX_DOCUMENTS ? {ok: false, error: `more than ${MAX_DOCUMENTS} documents`} : {ok: true, files};
}

/**
 * `sendmail-harden report FILE... | FOLDER`: one table of many hosts' audit documents, with each
 * setting's verdict, the drift from the answers given, and the change a rollback would undo.
 */
export async function runReport(given: string[], flags: ReportFlags, io: CommandIo): Promise<number> {
	const bad = (error: string) => {
		io.err(`sendmail-harden: ${error}\n`);
		return EXIT.badInput;
	};

	const formats = [flags.json, flags.csv, flags.markdown, flags.html].filter(Boolean).length;
	if (formats > 1) {
		return bad('give one of --json, --csv, --markdown, --html');
	}

	if (given.length === 0) {
		return bad('report needs the audit --json documents: FILE... or a FOLDER of them');
	}

	const answers = await loadAnswers(flags);
	if (!answers.ok) {
		return bad(answers.error);
	}

	const found = await inputFiles(given);
	if (!found.ok) {
		return bad(found.error);
	}

	if (found.files.length === 0) {
		return bad(`no .json documents in ${given.join(', ')}`);
	}

	const inputs: ReportInput[] = [];
	for (const file of found.files) {
		const read = await readInputFile(file, {maxBytes: MAX_DOCUMENT_BYTES, what: 'document'});
		if (!read.ok) {
			return bad(`the document ${read.error}`);
		}

		let document: unknown;
		try {
			document = JSON.parse(read.value.toString('utf8'));
		} catch {
			return bad(`${file} is not JSON`);
		}

		inputs.push({host: hostOf(file), file, document});
	}

	const report = buildReport(inputs, answers.value?.answers);
	if (!report.ok) {
		return bad(report.error);
	}

	if (flags.json) {
		io.out(safeJson({answers: answers.value?.from ?? null, ...report.value}, 2) + '\n');
	} else if (flags.csv) {
		io.out(renderCsv(report.value));
	} else if (flags.markdown) {
		io.out(renderMarkdown(report.value));
	} else if (flags.html) {
		io.out(renderHtml(report.value));
	} else {
		io.out(renderText(report.value));
	}

	return EXIT.done;
}
