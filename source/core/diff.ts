import {createTwoFilesPatch, structuredPatch} from 'diff';
import type {FileChange} from './plan.js';

/** A unified diff of one file change, the way `diff -u` prints it. */
export function unifiedDiff(change: FileChange, context = 3): string {
	const patch = createTwoFilesPatch(change.path, change.path, change.before, change.after, 'current', 'hardened', {context});
	// jsdiff starts with "Index:" and a rule; `diff -u` and `patch` need only what follows.
	return patch.replace(/^Index: .*\n=+\n/, '');
}

export type DiffLine = {
	kind: 'context' | 'removed' | 'added';
	/** Line number in the current file (removed) or in the file as it will be (added, context): one numbering for every line that stays. */
	number: number;
	text: string;
};

/** A hunk as `diff -u` heads it: where it starts and how many lines it spans, before and after. */
export type DiffHunk = {oldStart: number; oldLines: number; newStart: number; newLines: number; lines: DiffLine[]};

/** The changed lines with their numbers, for screens that draw their own diff. */
export function diffHunks(change: FileChange, context = 1): DiffHunk[] {
	const patch = structuredPatch(change.path, change.path, change.before, change.after, '', '', {context});
	return patch.hunks.map(hunk => {
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
