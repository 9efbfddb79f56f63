// Fewer bytes per key for ink's incremental writer: it rewrites every changed line whole, from
// column 1, although on a two-column screen (Privacy's flag list beside the highlighted flag's
// help) most of a changed line is what the terminal already shows. scripts/build.js makes the
// writer ask lineTail, for a changed line the last frame had at the same row, for the cells after
// the ones the two lines share: it moves the cursor there (CSI n G) and writes only those.
// Anything unusual gets the whole line, as before; test/fast-paths.test.ts replays both writers
// into a terminal emulator and compares the screens.
import {reduceAnsiCodes, styledCharsFromTokens, styledCharsToString, tokenize, type AnsiCode, type StyledChar, type Token} from '@alcalzone/ansi-tokenize';

/**
 * Cells the cursor may be moved past: one UTF-16 unit whose width every terminal agrees on, so the
 * column counted here is where the terminal's cursor would be after writing them. Narrow: ASCII,
 * Latin-1 (no soft hyphen), Latin extended, IPA, spacing modifiers, and the punctuation, arrows,
 * box drawing and symbols of segmenter.ts's plain set (no joiners, bidi or invisible characters),
 * unless emoji presentation makes them wide. Wide: kana, CJK ideographs, Hangul syllables,
 * fullwidth forms.
 */
const narrowCell = /^[\u0020-\u007E\u00A0-\u00AC\u00AE-\u02FF\u2010-\u2027\u2030-\u205E\u2100-\u27BF]$/;
const wideCell = /^[\u3041-\u3096\u30A1-\u30FA\u4E00-\u9FFF\uAC00-\uD7A3\uFF01-\uFF60\uFFE0-\uFFE6]$/;
// What the tail may hold: no control characters (a cursor move tokenize did not take as a code
// shows up as ESC and text).
const controlCharacter = /[\u0000-\u001F\u007F-\u009F]/;

function sameStyles(from: AnsiCode[], to: AnsiCode[]): boolean {
	if (from.length !== to.length) {
		return false;
	}

	for (let index = 0; index < from.length; index++) {
		if (from[index]!.code !== to[index]!.code || from[index]!.endCode !== to[index]!.endCode) {
			return false;
		}
	}

	return true;
}

/**
 * A line's cells, or undefined when it has anything but characters and SGR styles (hyperlinks,
 * cursor moves, control characters) or leaves a style open at its end (ink closes every line's).
 */
function plainCells(line: string): StyledChar[] | undefined {
	const tokens: Token[] = tokenize(line);
	const codes: AnsiCode[] = [];
	for (const token of tokens) {
		if (token.type === 'ansi') {
			if (!token.code.startsWith('\u001B[') || !token.code.endsWith('m')) {
				return undefined;
			}

			codes.push(token);
		} else if (controlCharacter.test(token.value)) {
			return undefined;
		}
	}

	if (reduceAnsiCodes(codes).length > 0) {
		return undefined;
	}

	return styledCharsFromTokens(tokens);
}

/**
 * For a line drawn over `previous` (the terminal shows it, with default styles after its end):
 * the first column at which the two differ and what to write from there, styles opened and closed
 * again, or undefined when writing the whole line is no more bytes, or is the safe thing.
 */
export function lineTail(previous: string, next: string): {column: number; text: string} | undefined {
	const before = plainCells(previous);
	const after = before && plainCells(next);
	if (before === undefined || after === undefined) {
		return undefined;
	}

	let shared = 0;
	let column = 0;
	const most = Math.min(before.length, after.length);
	while (shared < most) {
		const old = before[shared]!;
		const cell = after[shared]!;
		if (old.value !== cell.value || old.fullWidth !== cell.fullWidth || !sameStyles(old.styles, cell.styles)) {
			break;
		}

		if (!(cell.fullWidth ? wideCell : narrowCell).test(cell.value)) {
			break;
		}

		column += cell.fullWidth ? 2 : 1;
		shared++;
	}

	if (column === 0) {
		return undefined;
	}

	const text = styledCharsToString(after.slice(shared));
	// ansiEscapes.cursorTo(column) is CSI column+1 G; the whole line starts with CSI 1 G.
	const tailBytes = `\u001B[${column + 1}G`.length + Buffer.byteLength(text);
	return tailBytes < '\u001B[1G'.length + Buffer.byteLength(next) ? {column, text} : undefined;
}
