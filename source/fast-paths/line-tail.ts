// Fewer bytes per key for ink's incremental writer: it rewrites every changed line whole, from
// column 1, although on a two-column screen (Privacy's flag list beside the highlighted flag's
// help) most of a changed line is what the terminal already shows. scripts/build.js makes the
// writer ask lineTail, for a changed line the last frame had at the same row, for the cells after
// the ones the two lines share: it moves the cursor there (CSI n G) and writes only those.
// Anything unusual gets the whole line, as before; test/fast-paths.test.ts replays both writers
// into a terminal emulator and compares the screens.
import {ansiCodesToString, reduceAnsiCodesIncremental, tokenize, type AnsiCode} from '@alcalzone/ansi-tokenize';

/**
 * Cells the cursor may be moved past: one UTF-16 unit whose width every terminal agrees on, so the
 * column counted here is where the terminal's cursor would be after writing them. Narrow: ASCII,
 * Latin-1 (no soft hyphen), Latin extended, IPA, spacing modifiers, and the punctuation, arrows,
 * box drawing and symbols of segmenter.ts's plain set (no joiners, bidi or invisible characters),
 * unless emoji presentation makes them wide. Wide: kana, CJK ideographs, Hangul syllables,
 * fullwidth forms. None of them joins the character before it into one cluster.
 */
const narrowCell = /^[\u0020-\u007E\u00A0-\u00AC\u00AE-\u02FF\u2010-\u2027\u2030-\u205E\u2100-\u27BF]$/;
const wideCell = /^[\u3041-\u3096\u30A1-\u30FA\u4E00-\u9FFF\uAC00-\uD7A3\uFF01-\uFF60\uFFE0-\uFFE6]$/;
// A control character (a cursor move tokenize does not take as a code shows up as ESC and text).
const controlCharacter = /[\u0000-\u001F\u007F-\u009F]/;
// Anything in a line but text and SGR codes: hyperlinks, cursor moves, control characters.
const notPlain = /[\u0000-\u001A\u001C-\u001F\u007F-\u009F]|\u001B(?!\[[\d;]*m)/;
const sgr = /^\u001B\[[\d;]*m$/;

/**
 * Whether what a line shows from `index` on starts a cell whatever precedes it: the end, or (past
 * any SGR codes, which a terminal would let a combining mark reach over) a character above.
 */
function startsCell(line: string, index: number): boolean {
	let at = index;
	while (line.charCodeAt(at) === 0x1B) {
		const end = line.indexOf('m', at);
		if (end === -1) {
			return false;
		}

		at = end + 1;
	}

	const character = line[at];
	return character === undefined || narrowCell.test(character) || wideCell.test(character);
}

/**
 * For a line drawn over `previous` (which the terminal shows, default styles after its end): the
 * column of the first cell the two do not share (same characters in the same styles) and what to
 * write from there, its styles opened and closed again; undefined when writing the whole line is
 * no more bytes, or is the safe thing. ink writes lines the same way for the same cells, so the
 * shared cells are those of the two strings' common start; only `next` is split into tokens.
 */
export function lineTail(previous: string, next: string): {column: number; text: string} | undefined {
	let common = 0;
	const most = Math.min(previous.length, next.length);
	while (common < most && previous.charCodeAt(common) === next.charCodeAt(common)) {
		common++;
	}

	if (common === 0 || notPlain.test(previous)) {
		return undefined;
	}

	let codes: AnsiCode[] = [];
	let offset = 0;
	let column = 0;
	let tail: {at: number; codes: AnsiCode[]} | undefined;
	for (const token of tokenize(next)) {
		if (token.type === 'ansi') {
			// Only SGR codes, each as written (a compound one, split by tokenize, is written whole).
			if (!sgr.test(token.code) || !next.startsWith(token.code, offset)) {
				return undefined;
			}

			offset += token.code.length;
			codes = reduceAnsiCodesIncremental(codes, [token]);
			continue;
		}

		if (controlCharacter.test(token.value)) {
			return undefined;
		}

		const end = offset + token.value.length;
		// Shared: within the common start, of a certain width, and followed in both lines by
		// something that cannot join it into a longer cluster.
		if (tail === undefined && end <= common && (token.fullWidth ? wideCell : narrowCell).test(token.value) && startsCell(previous, end) && startsCell(next, end)) {
			column += token.fullWidth ? 2 : 1;
		} else {
			tail ??= {at: offset, codes};
		}

		offset = end;
	}

	// Everything read as written, and no style left open at the end (ink closes every line's).
	if (offset !== next.length || codes.length > 0 || column === 0) {
		return undefined;
	}

	const text = tail === undefined ? '' : ansiCodesToString(tail.codes) + next.slice(tail.at);
	// ansiEscapes.cursorTo(column) is CSI column+1 G; the whole line starts with CSI 1 G.
	const tailBytes = `\u001B[${column + 1}G`.length + Buffer.byteLength(text);
	return tailBytes < '\u001B[1G'.length + Buffer.byteLength(next) ? {column, text} : undefined;
}
