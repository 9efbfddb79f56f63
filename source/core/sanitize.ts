/**
 * Text from outside (SMTP replies, config values, help file lines, file names) can carry terminal
 * control sequences: shown raw, ESC, OSC and C1 bytes can move the cursor, retitle the window, hide
 * text or answer back. Everything untrusted goes through here before a person sees it.
 */

// C0 controls, DEL, C1 controls, and the bidirectional overrides that can make text read
// differently from what it is (U+202A-U+202E, U+2066-U+2069).
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE_AND_TAB = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

const NAMED: Record<string, string> = {'\t': String.raw`\t`, '\r': String.raw`\r`, '\n': String.raw`\n`, '\u001B': String.raw`\e`};

/** How one unsafe character is shown: `\t`, `\r`, `\n`, `\e`, or `\xHH` / `\u{HHHH}`. */
function visible(character: string): string {
	const named = NAMED[character];
	if (named !== undefined) {
		return named;
	}

	const code = character.codePointAt(0)!;
	return code <= 0xFF ? String.raw`\x` + code.toString(16).padStart(2, '0') : String.raw`\u{` + code.toString(16) + '}';
}

/** One line as it is safe to print: every control character made visible, newlines included. */
export function safeLine(text: string): string {
	return text.replaceAll(UNSAFE, visible);
}

/**
 * One message line for standard error: every control character in it made visible, newlines and
 * carriage returns included, so a value it quotes (a flag name, a path, a preset name) can never
 * start a line of its own that a reader or a script would take for the tool's. Only the one newline
 * that ends it stays.
 */
export function safeMessageLine(text: string): string {
	return text.endsWith('\n') ? `${safeLine(text.slice(0, -1))}\n` : safeLine(text);
}

/** A value quoted in a message: in double quotes, with every control character made visible. */
export function quoted(value: string): string {
	return `"${safeLine(value)}"`;
}

/** Several lines as they are safe to print: newlines kept, every other control character made visible. */
export function safeText(text: string): string {
	return text.replaceAll(UNSAFE_BUT_NEWLINE, visible);
}

/**
 * A command's output as it is safe to send to a terminal: newlines and tabs kept (a --dry-run patch
 * keeps its tabs), every other control character made visible. The command-line edge applies it to
 * all that commands print, so no untrusted byte reaches the terminal raw whatever a command forgets.
 */
export function safeTerminalText(text: string): string {
	return text.replaceAll(UNSAFE_BUT_NEWLINE_AND_TAB, visible);
}

// JSON.stringify escapes C0 but leaves DEL, C1, the bidi overrides and the line separators raw.
const UNSAFE_IN_JSON = /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/** JSON.stringify whose output holds no raw control character at all (C1 and DEL escaped as \uXXXX). */
export function safeJson(value: unknown, space?: string | number): string {
	return JSON.stringify(value, undefined, space).replaceAll(UNSAFE_IN_JSON, character => String.raw`\u` + character.codePointAt(0)!.toString(16).padStart(4, '0'));
}
