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

// The way generated files disable an option: `#O MaxMessageSize=0`.
const COMMENTED_OPTION = /^#[ \t]*O[ \t]+([A-Za-z][\w.]*)[ \t]*=[ \t]*(.*)$/s;
const MACRO_DEFINITION = /^D(?:\{([^}]+)\}|([^{\s]))(.*)$/s;

/**
 * A folded line that keeps offsets into the file's text and makes its text when asked: a 4 MiB
 * config has 100k+ lines, and a copied string and object per line held 500 bytes each.
 */
class ParsedLine implements CfLine {
	constructor(
		public firstLine: number,
		public lastLine: number,
		public start: number,
		public end: number,
		public eol: string,
		private readonly source: string,
		/** The joined text of a folded line; undefined for a line on one physical line. */
		public folded: string | undefined,
	) {}

	get text(): string {
		return this.folded ?? this.source.slice(this.start, this.end);
	}
}

/** An option line whose value is read from its line's text when asked. */
class ParsedOption implements CfOption {
	constructor(
		readonly name: string,
		readonly option: string | undefined,
		readonly form: CfOption['form'],
		readonly active: boolean,
		readonly line: CfLine,
		/** Where the value starts in the line's text. */
		private readonly valueAt: number,
		readonly problem?: string,
	) {}

	get value(): string {
		return this.line.text.slice(this.valueAt);
	}
}

/** optionByName's answer for each name a file writes, and one copy of that name for all its lines. */
type NameLookups = Map<string, {name: string; found: ReturnType<typeof optionByName>}>;

function lookUp(lookups: NameLookups, written: string): {name: string; found: ReturnType<typeof optionByName>} {
	let known = lookups.get(written);
	if (known === undefined) {
		known = {name: written, found: optionByName(written)};
		lookups.set(written, known);
	}

	return known;
}

/**
 * An `O` line as setoption() reads it. `O` then a space starts a long name, which ends at `=`
 * less the spaces before it; the value starts after the spaces that follow `=`. Tabs are not
 * spaces here: `O<TAB>PrivacyOptions=` names the one-letter option 0x9, which does not exist.
 * Any other character after `O` is a one-letter option and the rest of the line its value, so
 * `OPrivacyOptions=goaway` sets PostmasterCopy (`P`) to "rivacyOptions=goaway".
 */
function readOptionLine(line: CfLine, lookups: NameLookups): CfOption {
	const {text} = line;
	if (text[1] === ' ') {
		const equals = text.indexOf('=', 2);
		const {name, found} = lookUp(lookups, (equals === -1 ? text.slice(2) : text.slice(2, equals)).replace(/ +$/, ''));
		let valueAt = equals === -1 ? text.length : equals + 1;
		while (text.charCodeAt(valueAt) === 32) {
			valueAt++;
		}

		return found.ok
			? new ParsedOption(name, found.option, found.form, true, line, valueAt)
			: new ParsedOption(name, undefined, 'name', true, line, valueAt, found.problem);
	}

	const letter = text[1] ?? '';
	const option = letter === '' ? undefined : optionByLetter(letter);
	return option === undefined
		? new ParsedOption(letter, undefined, 'letter', true, line, 2, `unknown option name 0x${(letter.charCodeAt(0) || 0).toString(16)}`)
		: new ParsedOption(letter, option, 'letter', true, line, 2);
}

/** Whether a line starting with `#` at `start` could be a commented-out option ("#", blanks, "O"): the rest are skipped unread. */
function mayBeCommentedOption(text: string, start: number, end: number): boolean {
	let at = start + 1;
	while (at < end && (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9)) {
		at++;
	}

	return text.charCodeAt(at) === 79; // O
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
	// Only LF ends a line for sendmail; a CR just before it belongs to the line ending (CRLF
	// files), any other CR to the line.
	const lines: ParsedLine[] = [];
	for (let start = 0, index = 0; start < text.length; index++) {
		const newline = text.indexOf('\n', start);
		const crlf = newline > start && text.charCodeAt(newline - 1) === 13;
		const end = newline === -1 ? text.length : crlf ? newline - 1 : newline;
		const eol = newline === -1 ? '' : crlf ? '\r\n' : '\n';
		const first = end > start ? text.charCodeAt(start) : -1;
		const folded = lines.at(-1);
		if (folded !== undefined && folded.end > folded.start && (first === 32 || first === 9)) {
			folded.folded = `${folded.text} ${text.slice(start, end).trim()}`;
			folded.lastLine = index;
			folded.end = end;
			folded.eol = eol;
		} else {
			lines.push(new ParsedLine(index, index, start, end, eol, text, undefined));
		}

		start = newline === -1 ? text.length : newline + 1;
	}

	const options: CfOption[] = [];
	const macros = new Map<string, string>();
	const lookups: NameLookups = new Map();
	for (const line of lines) {
		const first = text.charCodeAt(line.start);
		if (first === 79) { // O
			options.push(readOptionLine(line, lookups));
			continue;
		}

		// Most lines are rules and comments: only a line that starts like one is read.
		const commented = first === 35 && (line.folded !== undefined || mayBeCommentedOption(text, line.start, line.end)) ? COMMENTED_OPTION.exec(line.text) : null;
		if (commented) {
			const {name, found} = lookUp(lookups, commented[1]!);
			options.push(new ParsedOption(name, found.ok ? found.option : undefined, found.ok ? found.form : 'name', false, line, commented[0].length - commented[2]!.length));
			continue;
		}

		const macro = first === 68 ? MACRO_DEFINITION.exec(line.text) : null; // D
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


/** Options whose lines add up instead of the last one winning: sendmail ORs every PrivacyOptions line's flags. */
export const ACCUMULATING_OPTIONS: ReadonlySet<string> = new Set(['PrivacyOptions']);

/** A document's option lines grouped by the option they set and by their written name (lower case). */
type OptionIndex = {
	active: {byOption: Map<string, CfOption[]>; byName: Map<string, CfOption[]>};
	commented: {byOption: Map<string, CfOption[]>; byName: Map<string, CfOption[]>};
	/** Active MinFreeBlocks lines with a `/size`, which sets MaxMessageSize too. */
	minFreeWithSize: CfOption[];
};

// Looking an option up walked every option line: with 100k+ PrivacyOptions lines the audit's dozen
// look-ups took seconds. Each document is grouped once, on the first look-up.
const indexes = new WeakMap<CfDocument, OptionIndex>();

function addTo(map: Map<string, CfOption[]>, key: string, option: CfOption) {
	const list = map.get(key);
	if (list === undefined) {
		map.set(key, [option]);
	} else {
		list.push(option);
	}
}

function optionIndex(document: CfDocument): OptionIndex {
	let index = indexes.get(document);
	if (index === undefined) {
		index = {active: {byOption: new Map(), byName: new Map()}, commented: {byOption: new Map(), byName: new Map()}, minFreeWithSize: []};
		for (const each of document.options) {
			const group = each.active ? index.active : index.commented;
			if (each.option !== undefined) {
				addTo(group.byOption, each.option, each);
			}

			addTo(group.byName, each.name.toLowerCase(), each);
			if (each.active && each.option === 'MinFreeBlocks' && each.value.includes('/')) {
				index.minFreeWithSize.push(each);
			}
		}

		indexes.set(document, index);
	}

	return index;
}

/** The option sendmail's table gives a full name, or undefined for an abbreviation or unknown name (matched as written). */
function fullOptionName(name: string): string | undefined {
	const found = optionByName(name);
	return found.ok && found.form === 'name' ? found.option : undefined;
}

/** The lines that set an option, in file order: every form sendmail takes, and MinFreeBlocks's `/size` for MaxMessageSize. */
function settersOf(document: CfDocument, name: string): CfOption[] {
	const option = fullOptionName(name);
	const {active, minFreeWithSize} = optionIndex(document);
	if (option === undefined) {
		return [...active.byName.get(name.toLowerCase()) ?? []];
	}

	const setters = [...active.byOption.get(option) ?? []];
	if (option !== 'MaxMessageSize' || minFreeWithSize.length === 0) {
		return setters;
	}

	const viaMinFree = minFreeWithSize.map(each => ({...each, option, value: each.value.slice(each.value.indexOf('/') + 1), via: 'MinFreeBlocks' as const}));
	return [...setters, ...viaMinFree].sort((a, b) => a.line.start - b.line.start);
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
	const option = fullOptionName(name);
	const {commented} = optionIndex(document);
	return {
		active: setters.at(-1),
		setters,
		activeCount: setters.length,
		commented: (option === undefined ? commented.byName.get(name.toLowerCase()) : commented.byOption.get(option))?.at(-1),
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
	let inOrder = true;
	for (let index = 1; index < splices.length && inOrder; index++) {
		inOrder = splices[index - 1]!.at <= splices[index]!.at;
	}

	// Usually they come in order already; otherwise a stable sort keeps those at one place as given.
	const ordered = inOrder ? splices : splices.map((splice, order) => ({splice, order})).sort((a, b) => a.splice.at - b.splice.at || a.order - b.order).map(({splice}) => splice);
	const pieces: string[] = [];
	let from = 0;
	for (const splice of ordered) {
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
function optionSplices(document: CfDocument, name: string, value: string, lastActive: InsertPoint | undefined, dominant: string): {splices: TextSplice[]; note?: string; added?: InsertPoint; directlyAfter?: boolean} {
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
	const insert = point.eol === '' ? dominant + newLine : newLine + point.eol;
	return {splices: [{at: point.at, end: point.at, insert}], added: point, directlyAfter: commented !== undefined};
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
	let crlfLead = crlfLeadOf(document);
	let lastActive = lastOption === undefined ? undefined : insertPointAfter(document, lastOption.line);
	const splices: TextSplice[] = [];
	const notes: Array<string | undefined> = [];
	for (const {name, value} of edits) {
		const edit = optionSplices(document, name, value, lastActive, crlfLead > 0 ? '\r\n' : '\n');
		// Added lines count towards the line ending most lines have, as in the file they go into.
		if (edit.added !== undefined) {
			const ending = edit.added.eol === '' ? (crlfLead > 0 ? '\r\n' : '\n') : edit.added.eol;
			crlfLead += ending === '\r\n' ? 1 : -1;
		}

		// A line that goes right after its commented-out line comes before lines added there
		// earlier (after the last line of a file without options).
		const earlier = edit.directlyAfter ? splices.findIndex(splice => splice.at === edit.added!.at) : -1;
		if (earlier === -1) {
			// One at a time: spreading 100k+ splices into push's arguments overflows the stack.
			for (const splice of edit.splices) {
				splices.push(splice);
			}
		} else {
			splices.splice(earlier, 0, ...edit.splices);
		}

		notes.push(edit.note);
		// A line added at or after the last option line is the last option line now: a later one goes after it.
		if (edit.added !== undefined && (lastActive === undefined || edit.added.at >= lastActive.at)) {
			lastActive = edit.added;
		}
	}

	return {splices, notes};
}

/** How many more lines end in CRLF than in LF: a line added after the last one ends as most do. */
function crlfLeadOf(document: CfDocument): number {
	let crlf = 0;
	for (const line of document.lines) {
		crlf += line.eol === '\r\n' ? 1 : line.eol === '\n' ? -1 : 0;
	}

	return crlf;
}

// sendmail skips comment lines and blank lines (readcf.c), so they are not part of what it reads:
// m4's build stamp ("##### built by root@host on ...") changes at every `make` and means nothing.
export const ignoredBySendmail = (line: string) => line.startsWith('#') || line.replace(/\r$/, '').trim() === '';

/** The lines of a .cf that sendmail reads, in order, one per line: two configs with the same read alike. */
export function linesSendmailReads(text: string): string {
	return text.split('\n').map(line => line.replace(/\r$/, '')).filter(line => !ignoredBySendmail(line)).join('\n');
}
