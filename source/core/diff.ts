import {formatPatch, structuredPatch, type StructuredPatch} from 'diff';
import type {FileChange} from './plan.js';

// The diff's cost grows with the number of changed lines times the file's length: a config with
// 20,000 PrivacyOptions lines, each commented out, took minutes to diff. Past a bound the change is
// summed up in one line instead ("N lines removed, M added"); a real hardening changes a few dozen.

/** The most changed lines (removed plus added) shown as a diff. */
export const MAX_DIFF_EDITS = 1000;
/** A backstop for the rare change under the bound that still makes the diff slow (lines moved about). */
const DIFF_TIMEOUT_MS = 5000;
const limits = {maxEditLength: MAX_DIFF_EDITS, timeout: DIFF_TIMEOUT_MS};

function lines(text: string): string[] {
	const split = text.split('\n');
	if (split.at(-1) === '') {
		split.pop();
	}

	return split;
}

/**
 * The part of a change that differs, with `context` unchanged lines either side (fewer at the
 * file's ends), and how many whole lines come before it. The lines outside are the same in both
 * files, so a diff of the part, its line numbers moved on by `skipped`, is the diff of the whole;
 * handing the diff library a 4 MiB file for a change of a few lines cost 80 MB.
 */
function changedPart(change: FileChange, context: number): {before: string; after: string; skipped: number} {
	const {before, after} = change;
	const shorter = Math.min(before.length, after.length);
	let same = 0;
	while (same < shorter && before.charCodeAt(same) === after.charCodeAt(same)) {
		same++;
	}

	// Back to the start of the first changed line, then `context` lines more.
	// (lastIndexOf reads a negative position as 0, where a line ending may sit.)
	const lineStart = (at: number) => (at <= 0 ? 0 : before.lastIndexOf('\n', at - 1) + 1);
	let start = lineStart(same);
	for (let count = 0; count < context && start > 0; count++) {
		start = lineStart(start - 1);
	}

	let sameAtEnd = 0;
	while (sameAtEnd < shorter - start && before.charCodeAt(before.length - 1 - sameAtEnd) === after.charCodeAt(after.length - 1 - sameAtEnd)) {
		sameAtEnd++;
	}

	// On to the end of the last changed line (a line ending both files share), then `context` lines more.
	const newline = before.indexOf('\n', before.length - sameAtEnd);
	let end = newline === -1 ? before.length : newline + 1;
	for (let count = 0; count < context && end < before.length; count++) {
		const next = before.indexOf('\n', end);
		end = next === -1 ? before.length : next + 1;
	}

	let skipped = 0;
	for (let at = before.indexOf('\n'); at !== -1 && at < start; at = before.indexOf('\n', at + 1)) {
		skipped++;
	}

	return {before: before.slice(start, end), after: after.slice(start, end + after.length - before.length), skipped};
}

/** structuredPatch of the changed part only, numbered as in the whole files. */
function patchOf(change: FileChange, context: number, oldHeader: string, newHeader: string): StructuredPatch | undefined {
	const part = changedPart(change, context);
	const patch = structuredPatch(change.path, change.path, part.before, part.after, oldHeader, newHeader, {context, ...limits});
	for (const hunk of patch?.hunks ?? []) {
		hunk.oldStart += part.skipped;
		hunk.newStart += part.skipped;
	}

	return patch;
}

/**
 * Lines only in the file before (removed) and only in the file after (added), counted as multisets:
 * a lower bound of what any diff removes and adds, found in one pass whatever the change.
 */
export function changedLineCounts(before: string, after: string): {removed: number; added: number} {
	// The lines both files share at the start and end count for neither.
	({before, after} = changedPart({role: 'cf', path: '', before, after}, 0));
	const counts = new Map<string, number>();
	for (const line of lines(before)) {
		counts.set(line, (counts.get(line) ?? 0) + 1);
	}

	let added = 0;
	for (const line of lines(after)) {
		const left = counts.get(line) ?? 0;
		if (left > 0) {
			counts.set(line, left - 1);
		} else {
			added++;
		}
	}

	let removed = 0;
	for (const left of counts.values()) {
		removed += left;
	}

	return {removed, added};
}

/** The one line said instead of a diff too large to show. */
function summary(change: FileChange): string {
	const {removed, added} = changedLineCounts(change.before, change.after);
	return `${change.path}: ${removed + added} lines changed (${removed} removed, ${added} added), too many to show as a diff`;
}

/** The summary line when the change is too large to show as a diff (checked in one pass); otherwise undefined. */
export function diffTooLarge(change: FileChange): string | undefined {
	// A map built by makemap is binary: its change is said, never shown as lines.
	if (change.role === 'accessdb') {
		return `${change.path}: rebuilt by makemap from the access file above (binary, ${change.after.length} bytes)`;
	}

	const {removed, added} = changedLineCounts(change.before, change.after);
	return removed + added > MAX_DIFF_EDITS ? summary(change) : undefined;
}

/** A unified diff of one file change, the way `diff -u` prints it; past the bound, one summary line. */
export function unifiedDiff(change: FileChange, context = 3): string {
	const tooLarge = diffTooLarge(change);
	if (tooLarge !== undefined) {
		return `${tooLarge}\n`;
	}

	const patch = patchOf(change, context, 'current', 'hardened');
	if (patch === undefined) {
		return `${summary(change)}\n`;
	}

	// jsdiff starts with "Index:" and a rule; `diff -u` and `patch` need only what follows.
	return formatPatch(patch).replace(/^Index: .*\n=+\n/, '');
}

export type DiffLine = {
	kind: 'context' | 'removed' | 'added';
	/** Line number in the current file (removed) or in the file as it will be (added, context): one numbering for every line that stays. */
	number: number;
	text: string;
};

/** A hunk as `diff -u` heads it: where it starts and how many lines it spans, before and after. */
export type DiffHunk = {oldStart: number; oldLines: number; newStart: number; newLines: number; lines: DiffLine[]};

/**
 * The changed lines with their numbers, for screens that draw their own diff; undefined past the
 * bound (diffTooLarge says what to show instead).
 */
export function diffHunks(change: FileChange, context = 1): DiffHunk[] | undefined {
	if (diffTooLarge(change) !== undefined) {
		return undefined;
	}

	const patch = patchOf(change, context, '', '');
	return patch?.hunks.map(hunk => {
		let oldNumber = hunk.oldStart;
		let newNumber = hunk.newStart;
		const lines: DiffLine[] = [];
		for (const line of hunk.lines) {
			const text = line.slice(1).replace(/\r$/, '');
			if (line.startsWith('\\')) {
				continue; // "\ No newline at end of file"
			}

			if (line.startsWith('-')) {
				lines.push({kind: 'removed', number: oldNumber++, text});
			} else if (line.startsWith('+')) {
				lines.push({kind: 'added', number: newNumber++, text});
			} else {
				lines.push({kind: 'context', number: newNumber++, text});
				oldNumber++;
			}
		}

		return {oldStart: hunk.oldStart, oldLines: hunk.oldLines, newStart: hunk.newStart, newLines: hunk.newLines, lines};
	});
}
