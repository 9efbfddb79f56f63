// The SMTP greeting as a client sees it: sendmail's macro expansion of SmtpGreetingMessage,
// the "220 " reply with " ESMTP" inserted, and the wizard's greeting choices.

export type Macros = Readonly<Record<string, string | undefined>>;

type MacroName = {name: string; end: number};

/**
 * The macro name that starts at `start` (just after `$`, `$?` or `$&`): one character, or
 * `{name}`. `${x}` is the same macro as `$x`, as in sendmail's macid().
 */
function macroNameAt(text: string, start: number): MacroName | undefined {
	const first = text[start];
	if (first === undefined) {
		return undefined;
	}

	if (first !== '{') {
		return {name: first, end: start + 1};
	}

	const close = text.indexOf('}', start + 1);
	if (close === -1 || close === start + 1) {
		// sendmail rejects "${" without "}" and "${}"; leave the text as it is
		return undefined;
	}

	return {name: text.slice(start + 1, close), end: close + 1};
}

/**
 * Expands a template as sendmail does when it reads the value from sendmail.cf (readcf.c,
 * translate_dollars) and expands it (macro.c, expand): `$$` is a literal `$`, `$x` and `${name}`
 * are macros, `$&x` is the deferred form of `$x`, `$?x yes $| no $.` is a conditional (also
 * `$?{name}`; conditionals nest). A macro that is not set expands to nothing, and a conditional
 * takes its "yes" branch only for a macro that is set and not empty. `$|` and `$.` outside a
 * conditional, and a `$` at the very end, are dropped (sendmail would send a raw internal byte
 * for the first two). Macro values are inserted as they are.
 */
export function expandMacros(template: string, macros: Macros): string {
	let output = '';
	// sendmail's own bookkeeping: how deep we are in conditionals, and how many nested
	// conditionals were opened while already skipping
	let skipping = false;
	let skipLevel = 0;
	let ifLevel = 0;
	let index = 0;

	const emit = (text: string) => {
		if (!skipping) {
			output += text;
		}
	};

	while (index < template.length) {
		const character = template[index]!;
		if (character !== '$') {
			emit(character);
			index++;
			continue;
		}

		const next = template[index + 1];
		if (next === undefined) {
			// translate_dollars leaves a final "$" alone; it is then literal text
			emit('$');
			index++;
			continue;
		}

		if (next === '$') {
			emit('$');
			index += 2;
			continue;
		}

		if (next === '?') {
			const macro = macroNameAt(template, index + 2);
			if (macro === undefined) {
				emit('$?');
				index += 2;
				continue;
			}

			ifLevel++;
			if (skipping) {
				skipLevel++;
			} else {
				const value = macros[macro.name];
				skipping = value === undefined || value === '';
			}

			index = macro.end;
			continue;
		}

		if (next === '|') {
			if (ifLevel > 0 && skipLevel === 0) {
				skipping = !skipping;
			}

			index += 2;
			continue;
		}

		if (next === '.') {
			if (ifLevel > 0) {
				ifLevel--;
				if (skipLevel === 0) {
					skipping = false;
				}

				if (skipping) {
					skipLevel--;
				}
			}

			index += 2;
			continue;
		}

		const nameStart = next === '&' ? index + 2 : index + 1;
		const macro = macroNameAt(template, nameStart);
		if (macro === undefined) {
			emit(template.slice(index, nameStart + 1));
			index = nameStart + 1;
			continue;
		}

		emit(macros[macro.name] ?? '');
		index = macro.end;
	}

	return output;
}

/**
 * What sendmail keeps of SmtpGreetingMessage's value when it reads sendmail.cf (readcf.c,
 * translate_dollars): `$$` becomes `$`; an unescaped `#` after the start begins a comment,
 * dropped with the white space before it (`\#` is a literal `#`); trailing white space goes.
 * The greeting is then expanded as a template again, so in a greeting `$$b` is the macro `$b`
 * and `$$$$` is one literal `$` (seen on 8.17: "a$$b" greets with "a" and the date).
 */
export function cfValueAsRead(value: string): string {
	return readCfValue(value).text;
}

function readCfValue(value: string): {text: string; droppedComment: boolean} {
	let output = '';
	// whether the last character written is a "$" that starts a macro (not one made from "$$")
	let afterMacroDollar = false;
	for (let index = 0; index < value.length; index++) {
		const character = value[index]!;
		if (character === '#' && index > 0 && !afterMacroDollar) {
			if (output.endsWith('\\')) {
				output = `${output.slice(0, -1)}#`;
				continue;
			}

			return {text: output.replace(/\s+$/, ''), droppedComment: true};
		}

		if (character === '$' && !afterMacroDollar && value[index + 1] === '$') {
			output += '$';
			index++;
			afterMacroDollar = false;
			continue;
		}

		output += character;
		afterMacroDollar = character === '$' && !afterMacroDollar;
	}

	return {text: output.replace(/\s+$/, ''), droppedComment: false};
}

/**
 * The first line a client sees: "220 " + the expanded greeting with " ESMTP" after its first
 * word, which sendmail always inserts, even when the text already says ESMTP (srvrsmtp.c).
 * The first word is everything up to the first space.
 */
export function greetingReply(expanded: string): string {
	const firstLine = expanded.split('\n', 1)[0]!;
	const space = firstLine.indexOf(' ');
	const firstWord = space === -1 ? firstLine : firstLine.slice(0, space);
	const rest = space === -1 ? '' : firstLine.slice(space);
	return `220 ${firstWord} ESMTP${rest}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const twoDigits = (value: number) => String(value).padStart(2, '0');

/**
 * The date as sendmail's $b shows it (arpadate.c): "Tue, 24 Nov 2026 22:35:10 GMT" on a machine
 * at UTC, "Wed, 2 Dec 2026 09:05:00 +0100 (CET)" elsewhere (the day of the month is not padded;
 * the zone name only appears when given). The offset is minutes east of UTC.
 */
export function rfc822Date(now: Date, timeZoneOffsetMinutes = 0, zoneName?: string): string {
	const local = new Date(now.getTime() + (timeZoneOffsetMinutes * 60_000));
	const date = [
		`${DAYS[local.getUTCDay()]!},`,
		String(local.getUTCDate()),
		MONTHS[local.getUTCMonth()]!,
		String(local.getUTCFullYear()),
		`${twoDigits(local.getUTCHours())}:${twoDigits(local.getUTCMinutes())}:${twoDigits(local.getUTCSeconds())}`,
	].join(' ');
	if (timeZoneOffsetMinutes === 0) {
		return `${date} GMT`;
	}

	// arpadate.c caps a nonsensical offset at 23:59
	const size = Math.min(Math.abs(Math.round(timeZoneOffsetMinutes)), (23 * 60) + 59);
	const offset = `${timeZoneOffsetMinutes < 0 ? '-' : '+'}${twoDigits(Math.floor(size / 60))}${twoDigits(size % 60)}`;
	return zoneName ? `${date} ${offset} (${zoneName})` : `${date} ${offset}`;
}

/** The client a preview pretends is connecting (an address from RFC 5737's documentation range). */
export type SampleClient = {
	/** ${client_addr} */
	addr: string;
	/** ${client_name} */
	name: string;
	/** ${client_resolve}: OK, FAIL, FORGED or TEMP */
	resolve: string;
	/** $_: the ident user (when the client answered) and host, as sendmail logs it */
	identity?: string;
};

export const SAMPLE_CLIENT: SampleClient = {
	addr: '192.0.2.10',
	name: 'client.example.net',
	resolve: 'OK',
};

export type GreetingContext = {
	/** The server's canonical host name ($j), e.g. "mail.example.org". */
	hostname: string;
	/** sendmail's version ($v), e.g. "8.17.1.9"; unknown when absent. */
	version?: string;
	/** The DZ line's value ($Z), e.g. "8.17.1.9/Debian-2+deb12u2"; unknown when absent. */
	cfVersion?: string;
	now: Date;
	/** Minutes east of UTC for $b; 0 (GMT) when absent. */
	timeZoneOffsetMinutes?: number;
	/** The client to pretend; false for none (as for mail submitted on the server itself). */
	client?: Partial<SampleClient> | false;
};

export type GreetingPreview = {line: string; warnings: string[]};

// Shown where the real value is unknown, so a preview never invents a version.
const UNKNOWN_VERSION = '<version>';

/** The macros sendmail has set when it greets a client, for a preview. */
export function greetingMacros(context: GreetingContext): Record<string, string> {
	const dot = context.hostname.indexOf('.');
	const macros: Record<string, string> = {
		j: context.hostname,
		w: dot === -1 ? context.hostname : context.hostname.slice(0, dot),
		v: context.version ?? UNKNOWN_VERSION,
		Z: context.cfVersion ?? UNKNOWN_VERSION,
		b: rfc822Date(context.now, context.timeZoneOffsetMinutes),
	};
	if (dot !== -1) {
		macros['m'] = context.hostname.slice(dot + 1);
	}

	if (context.client !== false) {
		const client = {...SAMPLE_CLIENT, ...context.client};
		macros['client_addr'] = client.addr;
		macros['client_name'] = client.name;
		macros['client_resolve'] = client.resolve;
		macros['_'] = client.identity ?? `${client.name} [${client.addr}]`;
	}

	return macros;
}

const VERSION_MACRO = String.raw`\$(?:v|Z|\{v\}|\{Z\})`;
// A version number written out, such as 8.17.1.9 or 8.17.1.9/Debian-2+deb12u2.
const LITERAL_VERSION = String.raw`\d+\.\d+\.\d+(?:\.\d+)*(?:\/[\w.+~-]+)*`;

/** Where a template still states sendmail's version, or undefined. */
function versionLeak(template: string): string | undefined {
	const macro = new RegExp(VERSION_MACRO).exec(template);
	if (macro) {
		return macro[0];
	}

	const literal = new RegExp(`(?:^|[\\s(/])(${LITERAL_VERSION})`).exec(template);
	return literal?.[1];
}

/** Whether every `$?` has its `$.` and no `$|` or `$.` stands outside a conditional. */
function conditionalsBalanced(template: string): boolean {
	let depth = 0;
	for (const match of template.matchAll(/\$(\$|\?|\||\.)/g)) {
		const kind = match[1];
		if (kind === '?') {
			depth++;
		} else if (kind === '.') {
			if (depth === 0) {
				return false;
			}

			depth--;
		} else if (kind === '|' && depth === 0) {
			return false;
		}
	}

	return depth === 0;
}

/** The 220 line a client would see for a SmtpGreetingMessage, and what is wrong with it. */
export function previewGreeting(template: string, context: GreetingContext): GreetingPreview {
	const {text: asRead} = readCfValue(template);
	return {line: greetingReply(expandMacros(asRead, greetingMacros(context))), warnings: greetingWarnings(template)};
}

/** What is wrong with a SmtpGreetingMessage, whatever the host: the same for every preview of it. */
export function greetingWarnings(template: string): string[] {
	const {text: asRead, droppedComment} = readCfValue(template);
	const warnings: string[] = [];

	if (droppedComment) {
		warnings.push('sendmail reads "#" in sendmail.cf as the start of a comment and drops the rest of the greeting; write "\\#" for a literal "#"');
	}

	if (!/^(?:\$j|\$\{j\})(?:\s|$)/.test(asRead)) {
		warnings.push('the greeting does not start with $j: RFC 5321 wants the server\'s own domain name first, and sendmail adds "ESMTP" after the first word');
	}

	const leak = versionLeak(asRead);
	if (leak !== undefined) {
		warnings.push(`the greeting still reveals the sendmail version (${leak}), which tells an attacker which exploits to try`);
	}

	if (/sendmail/i.test(asRead)) {
		warnings.push('the greeting still says "Sendmail", which names the server software to anyone who connects');
	}

	if (template.includes('$$')) {
		warnings.push('sendmail reads "$$" in a greeting twice, so "$$" does not give a "$"; write "$$$$" for one literal "$"');
	}

	if (/\$&/.test(asRead)) {
		warnings.push('"$&" (a deferred macro) does not work in a greeting; write the macro as $x or ${name}');
	}

	if (!conditionalsBalanced(asRead)) {
		warnings.push('the greeting has a $?, $| or $. out of place: each $? needs its own $. after it');
	}

	return warnings;
}

export type GreetingChoiceId = 'keep' | 'hide-version' | 'generic';

export type GreetingChoice = {id: GreetingChoiceId; label: string; template: string};

export const GENERIC_GREETING = '$j mailserver; $b';

/**
 * The template without the version: $v, $Z, their ${} forms and version numbers written out,
 * with the "/" between them and the space before them ("$j Sendmail $v/$Z; $b" gives
 * "$j Sendmail; $b").
 */
export function withoutVersion(template: string): string {
	const atom = `(?:${VERSION_MACRO}|${LITERAL_VERSION})`;
	const group = `${atom}(?:\\s*\\/\\s*${atom})*`;
	return template
		// a version right at the start takes the space after it instead
		.replace(new RegExp(`^${group}[ \\t]*`), '')
		.replace(new RegExp(`[ \\t]*${group}`, 'g'), '')
		.replace(/\(\s*\)/g, '')
		.replace(/[ \t]{2,}/g, ' ');
}

/** What the wizard's Greeting step offers, derived from the current template. */
export function greetingChoices(current: string): GreetingChoice[] {
	return [
		{id: 'keep', label: 'Keep as it is', template: current},
		{id: 'hide-version', label: 'Hide the version', template: withoutVersion(current)},
		{id: 'generic', label: 'Generic: host name and "mailserver"', template: GENERIC_GREETING},
	];
}
