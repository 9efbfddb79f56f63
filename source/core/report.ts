// The fleet report: many hosts' `audit --json` (and `--yes --json`) documents in one table. Pure:
// the command reads the files; this checks each document, joins a host's documents and renders.
import {SETTINGS, type Answers} from '../settings/registry.js';
import {fail, ok, type Result} from './result.js';

/** One input: the host it stands for (from its file name) and the parsed JSON. */
export type ReportInput = {host: string; file: string; document: unknown};

export type HostRow = {
	host: string;
	/** The audit's config, or null when the host has only a failure. */
	config: string | null;
	sendmailVersion: string | null;
	hardened: boolean | null;
	/** Each audit row by its setting name: true hardened, false not. */
	verdicts: Record<string, boolean>;
	/** The settings whose value differs from the answers; null without answers to compare. */
	drift: string[] | null;
	lastChange: {id: string; savedAt: string | null} | null;
	/** Why the host has no audit (a document with only an error: unreachable, the audit failed). */
	error: string | null;
};

export type FleetReport = {settings: string[]; hosts: HostRow[]};

type AuditDocument = {
	config: string;
	hardened: boolean;
	settings: Array<{setting: string; value: string; hardened: boolean}>;
	sendmailVersion?: string | null;
	lastChange?: {id: string; savedAt: string} | null;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isAudit(value: Record<string, unknown>): value is AuditDocument {
	return typeof value.config === 'string' && typeof value.hardened === 'boolean' && Array.isArray(value.settings)
		&& value.settings.every(item => isObject(item) && typeof item.setting === 'string' && typeof item.value === 'string' && typeof item.hardened === 'boolean');
}

/** A `--yes --json` (harden) document: its backup set is the host's newest change. */
const isHarden = (value: Record<string, unknown>) => value.command === 'harden' && 'backup' in value;

/**
 * The value the answers ask for, as audit shows it, per audit row; a switch only asks "hardened".
 * Flags are compared as a set that must hold every flag asked for.
 */
function drifted(answers: Answers, items: AuditDocument['settings']): string[] {
	const out: string[] = [];
	for (const setting of SETTINGS) {
		const wanted = answers[setting.key];
		if (wanted === undefined || wanted === null) {
			continue;
		}

		const row = 'option' in setting ? setting.option : 'entry' in setting ? setting.entry : 'feature' in setting ? setting.feature : setting.auditRow;
		const item = items.find(candidate => candidate.setting === row);
		if (item === undefined) {
			continue;
		}

		let same: boolean;
		if (Array.isArray(wanted)) {
			const have = new Set(item.value.split(/[\s,]+/).filter(Boolean).map(flag => flag.toLowerCase()));
			same = wanted.every(flag => have.has(String(flag).toLowerCase()));
		} else if (typeof wanted === 'boolean') {
			same = !wanted || item.hardened;
		} else {
			// A count is shown with its size in words: "500000 (500 KB)".
			same = item.value === String(wanted) || item.value.startsWith(`${String(wanted)} (`);
		}

		if (!same) {
			out.push(row);
		}
	}

	return out;
}

/** Joins the documents by host; one line of error naming the file when one is neither kind. */
export function buildReport(inputs: readonly ReportInput[], answers?: Answers): Result<FleetReport> {
	const rows = new Map<string, HostRow>();
	const settings: string[] = [];
	const rowOf = (host: string): HostRow => {
		let row = rows.get(host);
		if (row === undefined) {
			row = {host, config: null, sendmailVersion: null, hardened: null, verdicts: {}, drift: null, lastChange: null, error: null};
			rows.set(host, row);
		}

		return row;
	};

	for (const input of inputs) {
		const {document} = input;
		if (!isObject(document)) {
			return fail(`${input.file} is not an audit --json or --yes --json document (not a JSON object)`);
		}

		if (isAudit(document)) {
			const row = rowOf(input.host);
			row.config = document.config;
			row.hardened = document.hardened;
			row.sendmailVersion = typeof document.sendmailVersion === 'string' ? document.sendmailVersion : null;
			for (const item of document.settings) {
				row.verdicts[item.setting] = item.hardened;
				if (!settings.includes(item.setting)) {
					settings.push(item.setting);
				}
			}

			row.drift = answers === undefined ? null : drifted(answers, document.settings);
			if (isObject(document.lastChange) && typeof document.lastChange.id === 'string') {
				row.lastChange = {id: document.lastChange.id, savedAt: typeof document.lastChange.savedAt === 'string' ? document.lastChange.savedAt : null};
			}
		} else if (isHarden(document)) {
			const backup = document.backup;
			const row = rowOf(input.host);
			if (row.lastChange === null && isObject(backup) && typeof backup.id === 'string') {
				row.lastChange = {id: backup.id, savedAt: null};
			}
		} else if (typeof document.error === 'string' && document.error !== '') {
			rowOf(input.host).error = document.error;
		} else {
			return fail(`${input.file} is not an audit --json or --yes --json document (no config, hardened and settings)`);
		}
	}

	if (rows.size === 0) {
		return fail('no documents to report on');
	}

	return ok({settings, hosts: [...rows.values()].sort((a, b) => a.host.localeCompare(b.host))});
}

/** The table's cells, one array per line, the heading first. */
export function reportCells(report: FleetReport): string[][] {
	const heading = ['host', 'sendmail', ...report.settings, 'drift', 'last change', 'backup set'];
	const lines = report.hosts.map(row => {
		if (row.config === null) {
			return [row.host, '-', ...report.settings.map(() => '-'), '-', '-', `failed: ${row.error ?? 'no audit document'}`];
		}

		return [
			row.host,
			row.sendmailVersion ?? '?',
			...report.settings.map(setting => (setting in row.verdicts ? (row.verdicts[setting] ? 'ok' : 'WEAK') : '-')),
			row.drift === null ? '-' : (row.drift.length === 0 ? 'none' : row.drift.join(' ')),
			row.lastChange?.savedAt ?? (row.lastChange === null ? 'never' : '?'),
			row.lastChange?.id ?? '-',
		];
	});
	return [heading, ...lines];
}

export function renderText(report: FleetReport): string {
	const cells = reportCells(report);
	const widths = cells[0]!.map((_, column) => Math.max(...cells.map(line => line[column]!.length)));
	return cells.map(line => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd()).join('\n') + '\n';
}

const csvCell = (cell: string) => (/[",\n\r]/.test(cell) || /^[=+@]|^-./.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** RFC 4180; a cell starting with = + - @ is quoted so that a spreadsheet does not take it for a formula. */
export function renderCsv(report: FleetReport): string {
	return reportCells(report).map(line => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const markdownCell = (cell: string) => cell.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll(/[<>&`*_[\]]/g, character => `\\${character}`);

export function renderMarkdown(report: FleetReport): string {
	const [heading, ...lines] = reportCells(report);
	const row = (line: string[]) => `| ${line.map(markdownCell).join(' | ')} |`;
	return [row(heading!), `|${heading!.map(() => ' --- |').join('')}`, ...lines.map(row)].join('\n') + '\n';
}

const html = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function renderHtml(report: FleetReport): string {
	const [heading, ...lines] = reportCells(report);
	return [
		'<!DOCTYPE html>',
		'<html><head><meta charset="utf-8"><title>sendmail-harden fleet report</title></head><body>',
		'<table>',
		`<tr>${heading!.map(cell => `<th>${html(cell)}</th>`).join('')}</tr>`,
		...lines.map(line => `<tr>${line.map(cell => `<td>${html(cell)}</td>`).join('')}</tr>`),
		'</table>',
		'</body></html>',
		'',
	].join('\n');
}
