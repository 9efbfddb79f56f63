import {Box} from 'ink';
import {Text} from './SafeText.js';
import {diffHunks, diffTooLarge, type DiffHunk, type DiffLine} from '../core/diff.js';
import type {FileChange} from '../core/plan.js';
import {safeLine} from '../core/sanitize.js';
import {useTheme} from './theme.js';
import {hardWrap} from './wrap.js';

/** One screen row: a diff line, a file's path heading, a gap between hunks, or prose around the diffs. */
export type DiffRow = {key: string; kind: DiffLine['kind'] | 'file' | 'gap' | 'info' | 'note'; text: string};

const SIGN = {context: ' ', removed: '-', added: '+'} as const;

/** Tabs as spaces to the next multiple of 8 from the line's start: a raw tab jumps to the terminal's own stops, over old text. */
export function expandTabs(text: string): string {
	let line = '';
	for (const character of text) {
		line += character === '\t' ? ' '.repeat(8 - (line.length % 8)) : character;
	}

	return line;
}

/** `diff -u`'s hunk header: "@@ -189,2 +189,3 @@" (a count of 1 is left out, as diff does). */
export function hunkHeader(hunk: DiffHunk): string {
	const span = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
	return `@@ -${span(hunk.oldStart, hunk.oldLines)} +${span(hunk.newStart, hunk.newLines)} @@`;
}

/** The changed lines of every file as screen rows of at most `width` characters. */
export function diffRows(files: readonly FileChange[], width: number): DiffRow[] {
	const rows: DiffRow[] = [];
	for (const file of files) {
		for (const [index, piece] of hardWrap(safeLine(file.path), width).entries()) {
			rows.push({key: `${file.path}:file:${index}`, kind: 'file', text: piece});
		}

		const hunks = diffHunks(file);
		if (hunks === undefined) {
			const said = diffTooLarge(file) ?? `${file.path}: too many changes to show as a diff`;
			for (const [index, piece] of hardWrap(safeLine(said), width).entries()) {
				rows.push({key: `${file.path}:summary:${index}`, kind: 'note', text: piece});
			}

			continue;
		}

		// One numbering scheme, the one `diff -u` uses: each hunk starts with where it is in the
		// current file (-) and in the file as it will be (+); the lines carry their sign only.
		for (const [hunkIndex, hunk] of hunks.entries()) {
			rows.push({key: `${file.path}:hunk:${hunkIndex}`, kind: 'gap', text: hunkHeader(hunk)});
			for (const [lineIndex, line] of hunk.lines.entries()) {
				const prefix = `${SIGN[line.kind]} `;
				const pieces = hardWrap(safeLine(expandTabs(line.text)), Math.max(width - prefix.length, 10));
				for (const [pieceIndex, piece] of pieces.entries()) {
					rows.push({
						key: `${file.path}:${hunkIndex}:${lineIndex}:${pieceIndex}`,
						kind: line.kind,
						text: (pieceIndex === 0 ? prefix : ' '.repeat(prefix.length)) + piece,
					});
				}
			}
		}
	}

	return rows;
}

type Props = {
	rows: readonly DiffRow[];
	/** The first row shown. */
	scroll: number;
	height: number;
};

/** A window onto the diff rows; says where it is when the diff is taller than the window. */
export function DiffView({rows, scroll, height}: Props) {
	const theme = useTheme();
	const shown = rows.slice(scroll, scroll + height);
	const colour = (kind: DiffRow['kind']) => (kind === 'added' ? theme.added : kind === 'removed' ? theme.removed : undefined);
	return (
		<Box flexDirection="column">
			{shown.map(row => (
				<Text key={row.key} wrap="truncate-end" color={colour(row.kind)} bold={row.kind === 'file'} dimColor={row.kind === 'context' || row.kind === 'gap' || row.kind === 'note'}>
					{row.text}
				</Text>
			))}
			{rows.length > height ? (
				<Text dimColor>{`(lines ${scroll + 1}-${Math.min(scroll + height, rows.length)} of ${rows.length}; pgup/pgdn [ ] scroll)`}</Text>
			) : null}
		</Box>
	);
}
