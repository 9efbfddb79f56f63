/**
 * sendmail.cf as text where one character is one byte (latin1), so that any
 * file, whatever its encoding, round-trips byte for byte.
 *
 * A line that starts with a space or tab continues the line before it, for
 * comments too: sendmail folds them together before it looks at the first
 * character (readcf.c, fgetfolded).
 */

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
	/** The name as written in the file. */
	name: string;
	value: string;
	active: boolean;
	line: CfLine;
};

export type CfDocument = {
	text: string;
	lines: CfLine[];
	options: CfOption[];
	/** Macros defined with `Dx...` or `D{name}...`, the last definition winning. */
	macros: Map<string, string>;
};

// Only LF ends a line for sendmail; a CR before it belongs to the line ending (CRLF files).
const PHYSICAL_LINE = /([^\n]*?)(\r\n|\n|$)/gy;

/** Splits into physical lines, keeping each line ending. */
function physicalLines(text: string): Array<{start: number; body: string; eol: string}> {
	const lines: Array<{start: number; body: string; eol: string}> = [];
	PHYSICAL_LINE.lastIndex = 0;
	while (PHYSICAL_LINE.lastIndex < text.length) {
		const start = PHYSICAL_LINE.lastIndex;
		const match = PHYSICAL_LINE.exec(text)!;
		lines.push({start, body: match[1]!, eol: match[2]!});
	}

	return lines;
}

// `O Name=value`; sendmail skips blanks around the name and before the value (readcf.c, setoption).
const ACTIVE_OPTION = /^O[ \t]+([A-Za-z][\w.]*)[ \t]*=[ \t]*(.*)$/s;
// The way generated files disable an option: `#O MaxMessageSize=0`.
const COMMENTED_OPTION = /^#[ \t]*O[ \t]+([A-Za-z][\w.]*)[ \t]*=[ \t]*(.*)$/s;
const MACRO_DEFINITION = /^D(?:\{([^}]+)\}|([^{\s]))(.*)$/s;

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
	for (const [index, line] of physical.entries()) {
		const folded = lines.at(-1);
		const continues = folded !== undefined && folded.text !== '' && /^[ \t]/.test(line.body);
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
		const active = ACTIVE_OPTION.exec(line.text);
		const commented = active ? undefined : COMMENTED_OPTION.exec(line.text);
		const option = active ?? commented;
		if (option) {
			options.push({name: option[1]!, value: option[2]!, active: Boolean(active), line});
			continue;
		}

		const macro = MACRO_DEFINITION.exec(line.text);
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

export type OptionSites = {
	/** The line sendmail uses: the last active one. */
	active?: CfOption;
	/** How many active lines set it; more than one means the earlier ones are ignored. */
	activeCount: number;
	/** The last commented-out line for it, where a new active line belongs. */
	commented?: CfOption;
};

/** Where an option stands in the file. Option names are case-insensitive to sendmail. */
export function findOption(document: CfDocument, name: string): OptionSites {
	const matching = document.options.filter(option => sameName(option.name, name));
	const active = matching.filter(option => option.active);
	return {
		active: active.at(-1),
		activeCount: active.length,
		commented: matching.filter(option => !option.active).at(-1),
	};
}

/** The value sendmail uses, or undefined when the option is not set. */
export function optionValue(document: CfDocument, name: string): string | undefined {
	return findOption(document, name).active?.value;
}

export type OptionEdit = {
	text: string;
	/** What happened, in the admin's words, e.g. for the review screen. */
	note?: string;
};

/**
 * Sets `O name=value`, changing only that option's line(s):
 * replaces the active line sendmail uses, else adds a line right after the
 * commented-out one, else after the last option line, else at the end.
 */
export function setOption(text: string, name: string, value: string): OptionEdit {
	const document = parseCf(text);
	const sites = findOption(document, name);
	const newLine = `O ${name}=${value}`;

	if (sites.active) {
		const {line} = sites.active;
		const note =
			sites.activeCount > 1
				? `${name} is set ${sites.activeCount} times; sendmail uses the last one (line ${line.firstLine + 1}), so that is the one changed`
				: undefined;
		return {text: text.slice(0, line.start) + newLine + text.slice(line.end), note};
	}

	const anchor = sites.commented?.line ?? document.options.filter(option => option.active).at(-1)?.line;
	if (anchor) {
		return {text: insertAfter(text, document, anchor, newLine)};
	}

	const last = document.lines.at(-1);
	if (!last) {
		return {text: newLine + '\n'};
	}

	return {text: insertAfter(text, document, last, newLine)};
}

function insertAfter(text: string, document: CfDocument, anchor: CfLine, newLine: string): string {
	const eol = anchor.eol === '' ? dominantEol(document) : anchor.eol;
	if (anchor.eol === '') {
		// The anchor is the last line and has no line ending: keep the file without a final newline.
		return text.slice(0, anchor.end) + eol + newLine;
	}

	const at = anchor.end + anchor.eol.length;
	return text.slice(0, at) + newLine + eol + text.slice(at);
}

function dominantEol(document: CfDocument): string {
	const crlf = document.lines.filter(line => line.eol === '\r\n').length;
	const lf = document.lines.filter(line => line.eol === '\n').length;
	return crlf > lf ? '\r\n' : '\n';
}
