/**
 * sendmail.cf as text where one character is one byte (latin1), so that any
 * file, whatever its encoding, round-trips byte for byte.
 *
 * A line that starts with a space or tab continues the line before it, for
 * comments too: sendmail folds them together before it looks at the first
 * character (readcf.c, fgetfolded).
 */

import {optionByLetter, optionByName} from './sendmail-options.js';

/** One folded line: the physical lines from `start` to `end` (end excludes the last line ending). */
export type CfLine = {
	/** 0-based number of its first physical line. */
	firstLine: number;
	/** 0-based number of its last physical line. */
	lastLine: number;
	start: number;
	end: number;
	/** The line ending after `end`: "\n", "\r\n" or "" at the end of the file. */
	eol: string;
	/** Its text with the folds joined by a single space. */
	text: string;
};

export type CfOption = {
	/** The name as written: `PrivacyOptions`, `privacy` (an abbreviation), or the letter of `Op...`. */
	name: string;
	/** The option sendmail sets with this line (its name in sendmail's table); undefined when it rejects the line. */
	option: string | undefined;
	/** How the line names it: `O Name=value`, `O Abbrev=value`, or the old one-letter `Oxvalue`. */
	form: 'name' | 'abbreviation' | 'letter';
	/** The text after `=` (or after the letter), as written; sendmail drops a `# comment` at read time. */
	value: string;
	active: boolean;
	line: CfLine;
	/** Why sendmail rejects this `O` line ("unknown option name 0x9"); set only for active lines. */
	problem?: string;
	/** Set when the value sits after a `/` in MinFreeBlocks (`O MinFreeBlocks=100/500000` sets MaxMessageSize too). */
	via?: 'MinFreeBlocks';
};

export type CfDocument = {
	text: string;
	lines: CfLine[];
	options: CfOption[];
	/** Macros defined with `Dx...` or `D{name}...`, the last definition winning. */
	macros: Map<string, string>;
};

/**
 * Splits into physical lines, keeping each line ending. Only LF ends a line for sendmail; a CR
 * just before it belongs to the line ending (CRLF files), any other CR to the line.
 */
function physicalLines(text: string): Array<{start: number; body: string; eol: string}> {
	const lines: Array<{start: number; body: string; eol: string}> = [];
	let start = 0;
	while (start < text.length) {
		const newline = text.indexOf('\n', start);
		if (newline === -1) {
			lines.push({start, body: text.slice(start), eol: ''});
			break;
		}

		const crlf = newline > start && text.charCodeAt(newline - 1) === 13;
		lines.push({start, body: text.slice(start, crlf ? newline - 1 : newline), eol: crlf ? '\r\n' : '\n'});
		start = newline + 1;
	}

	return lines;
}

// The way generated files disable an option: `#O MaxMessageSize=0`.
const COMMENTED_OPTION = /^#[ \t]*O[ \t]+([A-Za-z][\w.]*)[ \t]*=[ \t]*(.*)$/s;
const MACRO_DEFINITION = /^D(?:\{([^}]+)\}|([^{\s]))(.*)$/s;

/**
 * An `O` line as setoption() reads it. `O` then a space starts a long name, which ends at `=`
 * less the spaces before it; the value starts after the spaces that follow `=`. Tabs are not
 * spaces here: `O<TAB>PrivacyOptions=` names the one-letter option 0x9, which does not exist.
 * Any other character after `O` is a one-letter option and the rest of the line its value, so
 * `OPrivacyOptions=goaway` sets PostmasterCopy (`P`) to "rivacyOptions=goaway".
 */
function readOptionLine(line: CfLine): CfOption {
	const {text} = line;
	const base = {active: true, line};
	if (text[1] === ' ') {
		const rest = text.slice(2);
		const equals = rest.indexOf('=');
		const written = (equals === -1 ? rest : rest.slice(0, equals)).replace(/ +$/, '');
		const value = equals === -1 ? '' : rest.slice(equals + 1).replace(/^ +/, '');
		const found = optionByName(written);
		return found.ok
			? {...base, name: written, option: found.option, form: found.form, value}
			: {...base, name: written, option: undefined, form: 'name', value, problem: found.problem};
	}

	const letter = text[1] ?? '';
	const option = letter === '' ? undefined : optionByLetter(letter);
	const value = text.slice(2);
	return option === undefined
		? {...base, name: letter, option: undefined, form: 'letter', value, problem: `unknown option name 0x${(letter.charCodeAt(0) || 0).toString(16)}`}
		: {...base, name: letter, option, form: 'letter', value};
}

// The wizard's first screen reads the same file in five places (settings, audit, $j, $Z, the
// help file): one parse serves them all. Callers never change a document, so sharing it is safe.
let lastParsed: CfDocument | undefined;

/** The file's lines, options and macros. The same text gives the same (shared) document. */
export function parseCf(text: string): CfDocument {
	if (lastParsed?.text !== text) {
		lastParsed = parseCfText(text);
	}

	return lastParsed;
}

function parseCfText(text: string): CfDocument {
	const lines: CfLine[] = [];
	const physical = physicalLines(text);
	for (let index = 0; index < physical.length; index++) {
		const line = physical[index]!;
		const folded = lines.at(-1);
		const first = line.body.charAt(0);
		const continues = folded !== undefined && folded.text !== '' && (first === ' ' || first === '\t');
		if (continues) {
			folded.lastLine = index;
			folded.end = line.start + line.body.length;
			folded.eol = line.eol;
			folded.text += ' ' + line.body.trim();
		} else {
			lines.push({
				firstLine: index,
				lastLine: index,
				start: line.start,
				end: line.start + line.body.length,
				eol: line.eol,
				text: line.body,
			});
		}
	}

	const options: CfOption[] = [];
	const macros = new Map<string, string>();
	for (const line of lines) {
		if (line.text.startsWith('O')) {
			options.push(readOptionLine(line));
			continue;
		}

		// Most lines are rules and comments: only a line that starts like one is matched.
		const commented = line.text.startsWith('#') ? COMMENTED_OPTION.exec(line.text) : null;
		if (commented) {
			const found = optionByName(commented[1]!);
			options.push({
				name: commented[1]!,
				option: found.ok ? found.option : undefined,
				form: found.ok ? found.form : 'name',
				value: commented[2]!,
				active: false,
				line,
			});
			continue;
		}

		const macro = line.text.startsWith('D') ? MACRO_DEFINITION.exec(line.text) : null;
		if (macro) {
			macros.set(macro[1] ?? macro[2]!, macro[3]!);
		}
	}

	return {text, lines, options, macros};
}

/** The document's text, rebuilt from its lines: equal to the text it was parsed from. */
export function serializeCf(document: CfDocument): string {
	let text = '';
	let previousEnd = 0;
	for (const line of document.lines) {
		text += document.text.slice(previousEnd, line.end) + line.eol;
		previousEnd = line.end + line.eol.length;
	}

	return text;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Options whose lines add up instead of the last one winning: sendmail ORs every PrivacyOptions line's flags. */
export const ACCUMULATING_OPTIONS: ReadonlySet<string> = new Set(['PrivacyOptions']);

/** The lines that set an option, in file order: every form sendmail takes, and MinFreeBlocks's `/size` for MaxMessageSize. */
function settersOf(document: CfDocument, name: string): CfOption[] {
	const found = optionByName(name);
	const option = found.ok && found.form === 'name' ? found.option : undefined;
	const setters: CfOption[] = [];
	for (const each of document.options) {
		if (!each.active) {
			continue;
		}

		if (option === undefined ? sameName(each.name, name) : each.option === option) {
			setters.push(each);
		} else if (option === 'MaxMessageSize' && each.option === 'MinFreeBlocks' && each.value.includes('/')) {
			setters.push({...each, option, value: each.value.slice(each.value.indexOf('/') + 1), via: 'MinFreeBlocks'});
		}
	}

	return setters;
}

export type OptionSites = {
	/** The line sendmail uses: the last active one. */
	active?: CfOption;
	/** Every active line that sets it, in file order (all of them count for PrivacyOptions). */
	setters: CfOption[];
	/** How many active lines set it; more than one means the earlier ones are ignored (or add up, for PrivacyOptions). */
	activeCount: number;
	/** The last commented-out line for it, where a new active line belongs. */
	commented?: CfOption;
};

/**
 * Where an option stands in the file, found as sendmail finds it: any case, a unique prefix,
 * the one-letter form. A name that is not in sendmail's table is matched by its written name.
 */
export function findOption(document: CfDocument, name: string): OptionSites {
	const setters = settersOf(document, name);
	const found = optionByName(name);
	const option = found.ok && found.form === 'name' ? found.option : undefined;
	return {
		active: setters.at(-1),
		setters,
		activeCount: setters.length,
		commented: document.options.filter(each => !each.active && (option === undefined ? sameName(each.name, name) : each.option === option)).at(-1),
	};
}

/** The value sendmail uses, or undefined when the option is not set. For PrivacyOptions see privacyOptionsValue. */
export function optionValue(document: CfDocument, name: string): string | undefined {
	return findOption(document, name).active?.value;
}

/**
 * A value as sendmail keeps it after translate_dollars: an unescaped `#` starts a comment (dropped
 * with the blanks before it), `\#` is a literal `#`, trailing blanks go.
 */
export function valueAsRead(value: string): string {
	const comment = /(^|[^\\$])#/.exec(value);
	const kept = comment ? value.slice(0, comment.index + comment[1]!.length) : value;
	return kept.replaceAll('\\#', '#').replace(/[ \t]+$/, '');
}

/**
 * All PrivacyOptions lines' values joined with commas: the set sendmail ends up with, since it ORs
 * the flags of every line. Undefined when no line sets it.
 */
export function privacyOptionsValue(document: CfDocument): string | undefined {
	const {setters} = findOption(document, 'PrivacyOptions');
	return setters.length === 0 ? undefined : setters.map(setter => valueAsRead(setter.value)).join(',');
}

/** Lines that look like one of `names` but that sendmail does not read as it (a rejected line, or a one-letter option). */
export function lookalikeLines(document: CfDocument, names: readonly string[]): Array<{line: CfLine; name: string; reading: string}> {
	const found: Array<{line: CfLine; name: string; reading: string}> = [];
	for (const each of document.options) {
		if (!each.active) {
			continue;
		}

		const word = /^O[\s]*([A-Za-z]{4,})/.exec(each.line.text)?.[1]?.toLowerCase();
		if (word === undefined) {
			continue;
		}

		const name = names.find(candidate => candidate.toLowerCase().startsWith(word) || word.startsWith(candidate.toLowerCase()));
		if (name === undefined || each.option === name) {
			continue;
		}

		const reading = each.problem === undefined
			? `sendmail reads it as ${each.form === 'letter' ? `the one-letter option ${each.name} (${each.option})` : each.option}, not ${name}`
			: `sendmail rejects it: ${each.problem}`;
		found.push({line: each.line, name, reading});
	}

	return found;
}

export type OptionEdit = {
	text: string;
	/** What happened, in the admin's words, e.g. for the review screen. */
	note?: string;
};

/** The line that gives `site` the value `value`, in the form it was written (`Op...` stays one-letter). */
function rewrittenLine(site: CfOption, value: string): string {
	if (site.via === 'MinFreeBlocks') {
		return site.line.text.slice(0, site.line.text.indexOf('/') + 1) + value;
	}

	return site.form === 'letter' ? `O${site.name}${value}` : `O ${site.name}=${value}`;
}

const lineNumber = (line: CfLine) => line.firstLine + 1;

/** Line numbers in order, runs written as ranges: "3, 7-9, 12", so thousands of lines stay a short note. */
export function lineRanges(numbers: readonly number[]): string {
	const ranges: string[] = [];
	for (let index = 0; index < numbers.length;) {
		let end = index;
		while (end + 1 < numbers.length && numbers[end + 1] === numbers[end]! + 1) {
			end++;
		}

		ranges.push(end === index ? String(numbers[index]) : end === index + 1 ? `${numbers[index]}, ${numbers[end]}` : `${numbers[index]}-${numbers[end]}`);
		index = end + 1;
	}

	return ranges.join(', ');
}

/** One change to a text: the characters from `at` to `end` (none when equal) give way to `insert`. */
export type TextSplice = {at: number; end: number; insert: string};

/**
 * The text with every splice made, in one pass. Splices must not overlap; those at the same
 * place go in in the order given (a line added after another added line follows it).
 */
export function applySplices(text: string, splices: readonly TextSplice[]): string {
	const ordered = splices.map((splice, order) => ({splice, order})).sort((a, b) => a.splice.at - b.splice.at || a.order - b.order);
	const pieces: string[] = [];
	let from = 0;
	for (const {splice} of ordered) {
		pieces.push(text.slice(from, splice.at), splice.insert);
		from = splice.end;
	}

	pieces.push(text.slice(from));
	return pieces.join('');
}

/** Where a new option line goes when its option has no line yet: after the last active option line. */
type InsertPoint = {at: number; eol: string};

function insertPointAfter(document: CfDocument, anchor: CfLine): InsertPoint {
	return {at: anchor.eol === '' ? anchor.end : anchor.end + anchor.eol.length, eol: anchor.eol};
}

/** The splices that give `name` the value `value` in `document`, and the note for the admin. */
function optionSplices(document: CfDocument, name: string, value: string, lastActive: InsertPoint | undefined): {splices: TextSplice[]; note?: string; added?: InsertPoint} {
	const sites = findOption(document, name);
	const newLine = `O ${name}=${value}`;

	if (sites.active) {
		const {line} = sites.active;
		const splices: TextSplice[] = [{at: line.start, end: line.end, insert: rewrittenLine(sites.active, value)}];
		if (ACCUMULATING_OPTIONS.has(sites.active.option ?? name) && sites.activeCount > 1) {
			const others = sites.setters.slice(0, -1);
			for (const other of others) {
				splices.push({at: other.line.start, end: other.line.start, insert: '#'});
			}

			const where = lineRanges(others.map(other => lineNumber(other.line)));
			return {
				splices,
				note: `${name} is set on ${sites.activeCount} lines and sendmail adds them all up, so line ${lineNumber(line)} now holds the whole set and line${others.length === 1 ? '' : 's'} ${where} ${others.length === 1 ? 'is' : 'are'} commented out ("#" in front)`,
			};
		}

		const note =
			sites.activeCount > 1
				? `${name} is set ${sites.activeCount} times; sendmail uses the last one (line ${lineNumber(line)}), so that is the one changed`
				: undefined;
		return {splices, note};
	}

	const commented = sites.commented === undefined ? undefined : insertPointAfter(document, sites.commented.line);
	const last = document.lines.at(-1);
	const point = commented ?? lastActive ?? (last === undefined ? undefined : insertPointAfter(document, last));
	if (point === undefined) {
		return {splices: [{at: 0, end: 0, insert: newLine + '\n'}], added: {at: 0, eol: '\n'}};
	}

	// After a last line without a line ending, the file keeps having none: the ending goes before.
	const insert = point.eol === '' ? dominantEol(document) + newLine : newLine + point.eol;
	return {splices: [{at: point.at, end: point.at, insert}], added: point};
}

/**
 * Sets an option, changing only that option's line(s). A last-wins option: the line sendmail uses
 * is replaced, in the form it was written; without one, a line is added right after the
 * commented-out one, else after the last option line, else at the end. PrivacyOptions, whose
 * lines add up: the last line gets the whole set and every other PrivacyOptions line is
 * commented out (`#` in front), so the set in force is exactly `value`.
 */
export function setOption(text: string, name: string, value: string): OptionEdit {
	const edited = setOptions(text, [{name, value}]);
	return {text: edited.text, note: edited.notes[0]};
}

/**
 * Several options set at once, from one parse: the same text as setting them one after another
 * with setOption, in the order given, for different options whose accumulating ones (PrivacyOptions)
 * come last. Notes number lines as the original text does, which is what the admin has open.
 * (A parse per edit held a second and third copy of a big config's lines at once.)
 */
export function setOptions(text: string, edits: ReadonlyArray<{name: string; value: string}>): {text: string; notes: Array<string | undefined>} {
	const found = setOptionSplices(text, edits);
	return {text: applySplices(text, found.splices), notes: found.notes};
}

/** setOptions's splices, for a caller with more of its own to make in the same pass. */
export function setOptionSplices(text: string, edits: ReadonlyArray<{name: string; value: string}>): {splices: TextSplice[]; notes: Array<string | undefined>} {
	const document = parseCf(text);
	const lastOption = document.options.filter(option => option.active).at(-1);
	let lastActive = lastOption === undefined ? undefined : insertPointAfter(document, lastOption.line);
	const splices: TextSplice[] = [];
	const notes: Array<string | undefined> = [];
	for (const {name, value} of edits) {
		const edit = optionSplices(document, name, value, lastActive);
		splices.push(...edit.splices);
		notes.push(edit.note);
		// A line added at or after the last option line is the last option line now: a later one goes after it.
		if (edit.added !== undefined && (lastActive === undefined || edit.added.at >= lastActive.at)) {
			lastActive = edit.added;
		}
	}

	return {splices, notes};
}

function dominantEol(document: CfDocument): string {
	let crlf = 0;
	for (const line of document.lines) {
		crlf += line.eol === '\r\n' ? 1 : line.eol === '\n' ? -1 : 0;
	}

	return crlf > 0 ? '\r\n' : '\n';
}

// sendmail skips comment lines and blank lines (readcf.c), so they are not part of what it reads:
// m4's build stamp ("##### built by root@host on ...") changes at every `make` and means nothing.
export const ignoredBySendmail = (line: string) => line.startsWith('#') || line.replace(/\r$/, '').trim() === '';

/** The lines of a .cf that sendmail reads, in order, one per line: two configs with the same read alike. */
export function linesSendmailReads(text: string): string {
	return text.split('\n').map(line => line.replace(/\r$/, '')).filter(line => !ignoredBySendmail(line)).join('\n');
}
