// Reads and edits the define(...) lines of a sendmail .mc file, the m4 source that sendmail.cf is
// built from. Strings hold one byte per character (latin1), so offsets are byte offsets.
import {type Result, ok, fail} from './result.js';
import {DEFINED_SETTINGS, MC_DEFINES} from '../settings/registry.js';

/** The defines this tool edits, one per option setting (settings/registry.ts). */
export const MC_SETTINGS = MC_DEFINES;

export type McSetting = (typeof MC_SETTINGS)[number];

// The .cf option each define becomes (proto.m4: `_OPTION(SmtpGreetingMessage, `confSMTP_LOGIN_MSG', ...)`).
// Undefined, the limits come out commented (`#O MaxMessageSize=0`); cfhead.m4 always defines the
// greeting and the privacy flags.
export const MC_SETTING_OPTION: Readonly<Record<McSetting, string>> = Object.fromEntries(DEFINED_SETTINGS.map(setting => [setting.mcDefine, setting.option])) as Record<McSetting, string>;

const settingOfDefine = (define: McSetting) => DEFINED_SETTINGS.find(setting => setting.mcDefine === define)!;

export type McDefineSite = {
	setting: McSetting;
	// define: an active define(...); commented: a `dnl`/`#` line holding one; undefine: an active undefine(...)
	kind: 'define' | 'commented' | 'undefine';
	active: boolean;
	// The whole statement: for define/undefine from the macro name through its trailing `dnl ...` and
	// line end; for a commented one, the whole line.
	start: number;
	end: number;
	// The value argument as written (define only). With a one-argument define both equal the offset of `)`.
	valueStart: number | undefined;
	valueEnd: number | undefined;
	rawValue: string | undefined;
	// The value with one level of m4 quotes taken off and `dnl` lines dropped, as m4 stores it.
	value: string | undefined;
	// What the .cf line gets: proto.m4 rescans the stored value once, taking off one more level of
	// quotes (macros inside it are not expanded here).
	cfValue: string | undefined;
	line: number;
	// How many active define/undefine statements name this setting; m4 keeps the last one.
	occurrences: number;
};

type Statement = {
	name: string;
	start: number;
	nameEnd: number;
	end: number;
	args: Array<{start: number; end: number; value: string}>;
	closeParen: number;
};

type Scan = {
	statements: Statement[];
	commented: Array<{setting: McSetting; start: number; end: number; body: string}>;
};

const isWordStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

function lineEndAfter(text: string, from: number): number {
	const newline = text.indexOf('\n', from);
	return newline === -1 ? text.length : newline + 1;
}

function lineStartBefore(text: string, at: number): number {
	return text.lastIndexOf('\n', at - 1) + 1;
}

// A define of one of MC_SETTINGS inside a comment line; built from the list so that a setting added
// there is found here too.
const commentedDefine = new RegExp(`define\\(\\s*\`?(${MC_SETTINGS.join('|')})\\b`);

/**
 * One m4 token at `i`, read as m4 reads it: a quoted string (quotes nest; `inner` without the
 * outer pair), a `#` comment or a `dnl` through the line end, a word, or one other character.
 * Both the statement scanner and the argument reader below go through here, so they cannot
 * disagree about where a quote or a comment ends.
 */
type M4Token =
	| {kind: 'quoted'; end: number; inner: string; closed: boolean}
	| {kind: 'comment'; end: number}
	| {kind: 'dnl'; wordEnd: number; end: number}
	| {kind: 'word'; end: number; word: string}
	| {kind: 'char'; end: number; c: string};

function m4Token(text: string, i: number): M4Token {
	const c = text[i] ?? '';
	if (c === '`') {
		let depth = 1;
		let j = i + 1;
		while (j < text.length && depth > 0) {
			if (text[j] === '`') depth++;
			else if (text[j] === "'") depth--;
			j++;
		}
		return {kind: 'quoted', end: j, inner: text.slice(i + 1, depth === 0 ? j - 1 : j), closed: depth === 0};
	}
	if (c === '#') return {kind: 'comment', end: lineEndAfter(text, i)};
	// A word starts at any letter or underscore, even right after a digit: m4 reads `10dnl` as 10 and dnl.
	if (isWordStart(c)) {
		let j = i;
		while (isWordChar(text[j])) j++;
		const word = text.slice(i, j);
		return word === 'dnl' ? {kind: 'dnl', wordEnd: j, end: lineEndAfter(text, j)} : {kind: 'word', end: j, word};
	}
	return {kind: 'char', end: i + 1, c};
}

// Collects a macro call's arguments the way m4 does: leading unquoted whitespace skipped, quotes
// nest, parentheses nest, `dnl` inside an argument removes itself through the line end.
function readCall(text: string, open: number): {args: Statement['args']; closeParen: number} | undefined {
	const args: Statement['args'] = [];
	let i = open + 1;
	for (;;) {
		while (isSpace(text[i])) i++;
		const start = i;
		let value = '';
		let depth = 0;
		for (;;) {
			if (i >= text.length) return undefined;
			const token = m4Token(text, i);
			if (token.kind === 'quoted') {
				if (!token.closed) return undefined;
				value += token.inner;
			} else if (token.kind === 'comment') {
				value += text.slice(i, token.end);
			} else if (token.kind === 'word') {
				value += token.word;
			} else if (token.kind === 'char') {
				const {c} = token;
				if (c === ')' && depth === 0) {
					args.push({start, end: i, value});
					return {args, closeParen: i};
				}
				if (c === ',' && depth === 0) {
					args.push({start, end: i, value});
					i++;
					break;
				}
				if (c === '(') depth++;
				if (c === ')') depth--;
				value += c;
			}
			i = token.end;
		}
	}
}

// Where a statement ends: after its `)`, a trailing `dnl` comment and the line end go with it.
function statementEnd(text: string, closeParen: number): number {
	let i = closeParen + 1;
	if (text.startsWith('dnl', i) && !isWordChar(text[i + 3])) return lineEndAfter(text, i);
	let j = i;
	while (text[j] === ' ' || text[j] === '\t') j++;
	if (text[j] === '\r' && text[j + 1] === '\n') return j + 2;
	if (text[j] === '\n') return j + 1;
	return i;
}

function scan(text: string): Scan {
	const statements: Statement[] = [];
	const commented: Scan['commented'] = [];
	const noteComment = (from: number, to: number): void => {
		const body = text.slice(from, to);
		const match = commentedDefine.exec(body);
		if (match) {
			commented.push({setting: match[1] as McSetting, start: lineStartBefore(text, from), end: to, body: body.slice(match.index)});
		}
	};

	let i = 0;
	while (i < text.length) {
		const token = m4Token(text, i);
		if (token.kind === 'comment') {
			noteComment(i, token.end);
		} else if (token.kind === 'dnl') {
			noteComment(token.wordEnd, token.end);
		} else if (token.kind === 'word' && text[token.end] === '(') {
			const call = readCall(text, token.end);
			if (call) {
				statements.push({
					name: token.word,
					start: i,
					nameEnd: token.end,
					end: statementEnd(text, call.closeParen),
					args: call.args,
					closeParen: call.closeParen,
				});
				i = call.closeParen + 1;
				continue;
			}
		}
		i = token.end;
	}
	return {statements, commented};
}

function unquoteOnce(text: string): string {
	let out = '';
	let quote = 0;
	for (const c of text) {
		if (c === '`') {
			if (quote++ > 0) out += c;
		} else if (c === "'" && quote > 0) {
			if (--quote > 0) out += c;
		} else {
			out += c;
		}
	}
	return out;
}

function lineNumber(text: string, offset: number): number {
	let line = 1;
	for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
	return line;
}

function settingOf(statement: Statement): McSetting | undefined {
	if (statement.name !== 'define' && statement.name !== 'undefine') return undefined;
	const first = statement.args[0];
	if (!first) return undefined;
	return (MC_SETTINGS as readonly string[]).includes(first.value) ? (first.value as McSetting) : undefined;
}

export function findMcDefines(mcText: string): Record<McSetting, McDefineSite | undefined> {
	const {statements, commented} = scan(mcText);
	const result = {} as Record<McSetting, McDefineSite | undefined>;
	for (const setting of MC_SETTINGS) {
		const active = statements.filter(statement => settingOf(statement) === setting);
		const last = active.at(-1);
		if (last) {
			const valueArg = last.name === 'define' ? last.args[1] : undefined;
			const isDefine = last.name === 'define';
			result[setting] = {
				setting,
				kind: isDefine ? 'define' : 'undefine',
				active: isDefine,
				start: last.start,
				end: last.end,
				valueStart: isDefine ? (valueArg ? skipLeadingDnl(mcText, valueArg.start) : last.closeParen) : undefined,
				valueEnd: isDefine ? (valueArg ? valueArg.end : last.closeParen) : undefined,
				rawValue: isDefine ? (valueArg ? mcText.slice(skipLeadingDnl(mcText, valueArg.start), valueArg.end) : '') : undefined,
				value: isDefine ? (valueArg?.value ?? '') : undefined,
				cfValue: isDefine ? unquoteOnce(valueArg?.value ?? '') : undefined,
				line: lineNumber(mcText, last.start),
				occurrences: active.length,
			};
			continue;
		}
		const comment = commented.filter(site => site.setting === setting).at(-1);
		if (comment) {
			const open = comment.body.indexOf('(');
			const call = readCall(comment.body, open);
			const valueArg = call?.args[1];
			result[setting] = {
				setting,
				kind: 'commented',
				active: false,
				start: comment.start,
				end: comment.end,
				valueStart: undefined,
				valueEnd: undefined,
				rawValue: valueArg ? comment.body.slice(valueArg.start, valueArg.end) : undefined,
				value: valueArg?.value,
				cfValue: valueArg ? unquoteOnce(valueArg.value) : undefined,
				line: lineNumber(mcText, comment.start),
				occurrences: 0,
			};
			continue;
		}
		result[setting] = undefined;
	}
	return result;
}

// m4 drops a `dnl` line at the start of an argument (Debian: "define(`confPRIVACY_FLAGS',dnl"),
// so the value begins after it; keeping it keeps that layout.
function skipLeadingDnl(text: string, start: number): number {
	let i = start;
	while (text.startsWith('dnl', i) && !isWordChar(text[i + 3])) i = lineEndAfter(text, i);
	return i;
}

/**
 * The m4 text for a define's value, such that the .cf line m4 builds carries `value` exactly.
 * The greeting is free text, so it is quoted twice (as cf/cf/knecht.mc does): proto.m4 rescans the
 * stored definition once, and the inner quotes keep words such as `dnl`, `include`, `SITE` or a `#`
 * from acting as m4. m4 replaces `$1`..`$9`, `$#`, `$*` and `$@` in a definition even inside quotes,
 * so a quote break goes between the `$` and that character.
 */
export function quoteMcValue(setting: McSetting, value: string): Result<string> {
	switch (settingOfDefine(setting).type) {
		case 'count': {
			if (!/^\d+$/.test(value)) return fail(`${setting} must be a whole number, got "${value}"`);
			return ok(`\`${value}'`);
		}
		case 'flags': {
			if (!/^([a-z]+(,[a-z]+)*)?$/.test(value)) {
				return fail(`${setting} must be a comma-separated list of flag names, got "${value}"`);
			}
			return ok(`\`${value}'`);
		}
		case 'choice': {
			// Option words, cipher lists and paths; quoted twice like the greeting, so no word in them acts as m4.
			if (!/^[\w+\-.:!/ ,@=]*$/.test(value)) {
				return fail(`${setting} can only carry letters, digits and + - . : ! / , @ = through m4, got "${value}"`);
			}
			return ok(`\`\`${value}''`);
		}
		case 'optionLetter': {
			// AuthOptions: letters, and the spaces or commas between them.
			if (!/^[A-Za-z, ]*$/.test(value)) {
				return fail(`${setting} must be option letters, got "${value}"`);
			}
			return ok(`\`${value}'`);
		}
		case 'wordList': {
			if (!/^[A-Z0-9_-]+( [A-Z0-9_-]+)*$/.test(value)) {
				return fail(`${setting} must be a space-separated list of names, got "${value}"`);
			}
			return ok(`\`${value}'`);
		}
		case 'text': {
			if (/[\u0000-\u001f\u007f]/.test(value)) {
				return fail('The greeting holds a control character or line break; use printable text on one line.');
			}
			if (/[`']/.test(value)) {
				// Any lone quote makes the definition unbalanced when proto.m4 reads it back with defn().
				return fail("The greeting holds a ` or ' character, which sendmail.mc cannot carry through m4; leave it out.");
			}
			return ok(`\`\`${value.replaceAll(/\$(?=[0-9#*@])/g, () => "$'`")}''`);
		}
	}
}

function lineEndingAt(text: string, offset: number): string {
	const newline = text.indexOf('\n', offset);
	if (newline > 0 && text[newline - 1] === '\r') return '\r\n';
	if (newline !== -1) return '\n';
	return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Sets each changed define: an active one gets its value replaced in place (the rest of its
 * statement and line kept byte for byte); otherwise a `define(...)dnl` line is added after a
 * commented or undefine statement that sits after the OSTYPE/DOMAIN/FEATURE/include lines (an earlier
 * one would be overridden by them), else before the first MAILER(...) line, else at the end.
 * Values must pass quoteMcValue; the caller checks that first, so a bad one here is a bug.
 */
export function editMcDefines(
	mcText: string,
	changes: Partial<Record<McSetting, string>>,
): {text: string; notes: string[]} {
	const sites = findMcDefines(mcText);
	const {statements} = scan(mcText);
	const notes: string[] = [];
	const edits: Array<{start: number; end: number; text: string; order: number}> = [];
	let brokeEnd = false;

	const firstMailer = statements.find(statement => statement.name === 'MAILER');
	const lastSetup = statements
		.filter(statement => ['include', 'OSTYPE', 'DOMAIN', 'FEATURE', 'HACK', 'sinclude'].includes(statement.name))
		.at(-1);

	MC_SETTINGS.forEach((setting, order) => {
		const value = changes[setting];
		if (value === undefined) return;
		const quoted = quoteMcValue(setting, value);
		if (!quoted.ok) throw new Error(`editMcDefines: unchecked value: ${quoted.error}`);
		const site = sites[setting];

		if (site?.kind === 'define' && site.valueStart !== undefined && site.valueEnd !== undefined) {
			const statement = statements.find(candidate => candidate.start === site.start);
			const hasValueArg = (statement?.args.length ?? 0) >= 2;
			edits.push({
				start: site.valueStart,
				end: site.valueEnd,
				text: hasValueArg ? quoted.value : `, ${quoted.value}`,
				order,
			});
			if (site.occurrences > 1) {
				notes.push(`${setting} is defined ${site.occurrences} times in the .mc; m4 keeps the last one, so line ${site.line} was changed.`);
			}
			return;
		}

		let at: number;
		const afterSetup = (offset: number): boolean =>
			(lastSetup === undefined || offset >= lastSetup.end) && (firstMailer === undefined || offset <= firstMailer.start);
		if (site && afterSetup(site.start)) {
			at = site.end;
			notes.push(
				site.kind === 'undefine'
					? `${setting} was undefined at line ${site.line}; a define was added after it.`
					: `${setting} was commented out at line ${site.line}; a define was added after it.`,
			);
		} else if (firstMailer) {
			at = lineStartBefore(mcText, firstMailer.start);
			notes.push(`${setting} was not set in the .mc; a define was added before the first MAILER line.`);
		} else {
			at = mcText.length;
			notes.push(`${setting} was not set in the .mc; a define was added at its end.`);
		}
		const eol = lineEndingAt(mcText, site && at === site.end ? site.start : lineStartBefore(mcText, at));
		// A line added after a last line that has no line end starts on a new line.
		const needsBreak = at === mcText.length && mcText.length > 0 && !mcText.endsWith('\n') && !brokeEnd;
		if (needsBreak) brokeEnd = true;
		edits.push({
			start: at,
			end: at,
			text: `${needsBreak ? eol : ''}define(\`${setting}', ${quoted.value})dnl${eol}`,
			order,
		});
	});

	// Apply from the end so earlier offsets stay valid; insertions at one spot keep setting order.
	edits.sort((a, b) => b.start - a.start || b.order - a.order);
	let text = mcText;
	for (const edit of edits) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
	return {text, notes};
}

/**
 * Sets options that cf/m4 has no define for (registry `mcDefine: null`) as LOCAL_CONFIG lines:
 * m4 copies the lines after LOCAL_CONFIG into the .cf as they are, so "O BadRcptShutdown=4" there
 * becomes that line of the .cf. A line the .mc already has for the option is rewritten in place;
 * otherwise one LOCAL_CONFIG block with the new lines goes at the end.
 */
export function editMcLocalOptions(mcText: string, changes: ReadonlyArray<{option: string; value: string}>): {text: string; notes: string[]} {
	let text = mcText;
	const added: string[] = [];
	for (const {option, value} of changes) {
		const line = new RegExp(`^O ${option}=.*$`, 'm');
		if (line.test(text)) {
			text = text.replace(line, `O ${option}=${value}`);
		} else {
			added.push(`O ${option}=${value}`);
		}
	}

	if (added.length === 0) {
		return {text, notes: []};
	}

	const separator = text === '' || text.endsWith('\n') ? '' : '\n';
	return {
		text: `${text}${separator}LOCAL_CONFIG\n${added.join('\n')}\n`,
		notes: [`${added.map(line => `"${line}"`).join(', ')} added to the .mc after LOCAL_CONFIG: cf/m4 has no define for ${added.length === 1 ? 'this option' : 'these options'}, and m4 copies LOCAL_CONFIG lines into the .cf as they are`],
	};
}
