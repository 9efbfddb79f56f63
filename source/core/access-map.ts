// The access map's per-client limits: greet_pause's GreetPause:, ratecontrol's ClientRate: and
// conncontrol's ClientConn: entries (docs/sendmail.md, "Per-client limits in the access map").
// Pure: reads and edits the access map's source text; the map itself is rebuilt by makemap
// (system/access-map.ts).

/** The access map's tags this tool sets the default entry of. */
export type AccessTag = 'GreetPause' | 'ClientRate' | 'ClientConn';

/** The m4 FEATURE that makes sendmail look a tag up. */
export const ACCESS_FEATURE: Readonly<Record<AccessTag, string>> = {
	GreetPause: 'greet_pause',
	ClientRate: 'ratecontrol',
	ClientConn: 'conncontrol',
};

/** The access map a cf names, read from its `Kaccess` line. */
export type AccessMapSpec = {
	/** The map's type, the first word after Kaccess ("hash" on Debian). */
	type: string;
	/** The source file the map is built from (the map's name without ".db"). */
	path: string;
	/** The file sendmail reads: the source's name with ".db" for hash and btree maps. */
	dbPath: string;
};

/** The access map as the tool found it: its source text, or why it cannot be edited. */
export type AccessMapState =
	| (AccessMapSpec & {text: string})
	| {path: string; problem: string}
	| undefined;

/** The map types whose file makemap writes as NAME.db (the Berkeley DB ones). */
const DB_TYPES = new Set(['hash', 'btree']);

/**
 * The access map a cf's `Kaccess` line names (e.g. "Kaccess hash -T<TMPF> /etc/mail/access"):
 * undefined without such a line, or when the map is not a file (an LDAP map, say).
 */
export function accessMapSpec(cfText: string): AccessMapSpec | {problem: string} | undefined {
	const line = /^Kaccess[ \t]+(.*?)\r?$/m.exec(cfText)?.[1]?.trim();
	if (line === undefined || line === '') {
		return undefined;
	}

	const words = line.split(/\s+/);
	const type = words[0]!;
	const file = words.at(-1)!;
	if (!file.startsWith('/')) {
		return {problem: `the access map (Kaccess ${line}) names no file`};
	}

	if (!DB_TYPES.has(type)) {
		return {problem: `the access map is a ${type} map (Kaccess ${line}); only hash and btree maps are rebuilt here`};
	}

	const source = file.replace(/\.db$/, '');
	return {type, path: source, dbPath: `${source}.db`};
}

/**
 * Whether the cf has the ruleset that looks a tag up: FEATURE(greet_pause), FEATURE(ratecontrol)
 * and FEATURE(conncontrol) each leave a lookup of it ("<! GreetPause>") in the cf. Without it
 * sendmail never reads the tag's entries.
 */
export function cfLooksUp(cfText: string, tag: AccessTag): boolean {
	return cfText.includes(`<! ${tag}>`);
}

/** greet_pause's pause when the access map has no entry: FEATURE(`greet_pause', N) leaves N in the cf; 0 without. */
export function greetPauseFallback(cfText: string): number {
	const ruleset = /^Sgreet_pause[ \t]*\r?$([\s\S]*?)(?=^S|(?![\s\S]))/m.exec(cfText)?.[1] ?? '';
	return Number(/^R<\?> <\$\*>\s+\$#\s*(\d+)/m.exec(ruleset)?.[1] ?? 0);
}

/** One entry of a tag: its key ("" for the default, "127" for the loopback) and value. */
export type AccessEntry = {key: string; value: string; line: number};

/**
 * The entries of a tag, in file order. makemap lower-cases keys (without -f), so the tag matches
 * in any case; a line starting with "#" or blank is no entry.
 */
export function accessEntries(text: string, tag: AccessTag): AccessEntry[] {
	const pattern = new RegExp(`^${tag}:(\\S*)[ \\t]+(\\S+)`, 'i');
	const found: AccessEntry[] = [];
	for (const [index, line] of text.split('\n').entries()) {
		const entry = pattern.exec(line.replace(/\r$/, ''));
		if (entry) {
			found.push({key: entry[1]!, value: entry[2]!, line: index + 1});
		}
	}

	return found;
}

/** The default entry's number ("GreetPause: 5000"): undefined when there is none, NaN when it is no number. */
export function accessDefault(text: string, tag: AccessTag): number | undefined {
	const entry = accessEntries(text, tag).find(each => each.key === '');
	return entry === undefined ? undefined : /^\d+$/.test(entry.value) ? Number(entry.value) : Number.NaN;
}

/** Whether a key is the host itself (Debian's map exempts 127 and IPv6:::1). */
export const isLoopbackKey = (key: string) => /^(?:127(?:\.|$)|IPv6:::1$|IPv6:0:0:0:0:0:0:0:1$|localhost$)/i.test(key);

/**
 * The access map's source with the default entry of `tag` set to `value`: only that line's number
 * changes (its separator and line ending stay); a file without one gets the line at its end.
 * Every other byte stays as it was.
 */
export function setAccessDefault(text: string, tag: AccessTag, value: number): string {
	const pattern = new RegExp(`^(${tag}:[ \\t]+)(\\S+)([^\\r\\n]*)`, 'i');
	let found = false;
	const edited = text.replaceAll(/^[^\n]*/gm, line => {
		const entry = pattern.exec(line);
		if (entry === null) {
			return line;
		}

		found = true;
		return `${entry[1]}${value}${line.slice(entry[0].length - entry[3]!.length)}`;
	});
	if (found) {
		return edited;
	}

	const newline = text.includes('\r\n') ? '\r\n' : '\n';
	const separator = text === '' || text.endsWith('\n') ? '' : newline;
	return `${text}${separator}${tag}:\t\t\t\t${value}${newline}`;
}

/** The greet_pause ruleset's last line, whose number is the pause for a client the map has no entry for. */
const GREET_PAUSE_FALLBACK = /^(R<\?> <\$\*>[ \t]+\$#[ \t]*)(\d+)/m;

/**
 * The cf edit that sets greet_pause's pause for a client the access map has no GreetPause entry
 * for: the number on the ruleset's last line ("R<?> <$*>		$# 1000"), which
 * FEATURE(`greet_pause', N) writes. sendmail 8.17 looks GreetPause up by the client's name and
 * address only, never by the bare tag: a "GreetPause:" line with no key is never read, so this
 * number is the outsiders' pause (docs/sendmail.md, "Per-client limits in the access map").
 * Undefined where the cf has no greet_pause ruleset.
 */
export function greetPauseSplice(cfText: string, value: number): {splice: {at: number; end: number; insert: string}; from: number} | undefined {
	const ruleset = /^Sgreet_pause[ \t]*\r?$/m.exec(cfText);
	if (ruleset === null) {
		return undefined;
	}

	const start = ruleset.index + ruleset[0].length;
	const next = /^S/m.exec(cfText.slice(start));
	const body = cfText.slice(start, next === null ? undefined : start + next.index);
	const line = GREET_PAUSE_FALLBACK.exec(body);
	if (line === null) {
		return undefined;
	}

	const at = start + line.index + line[1]!.length;
	return {splice: {at, end: at + line[2]!.length, insert: String(value)}, from: Number(line[2])};
}

/**
 * The .mc with FEATURE(`greet_pause', N)'s argument set to `value`; every other byte stays.
 * Undefined where the .mc has no such line of its own (it may come from an included m4 file).
 */
export function setGreetPauseFeature(mcText: string, value: number): string | undefined {
	const feature = /^FEATURE\(\s*`?greet_pause'?\s*(?:,[^)\n]*)?\)/m.exec(mcText);
	if (feature === null) {
		return undefined;
	}

	return `${mcText.slice(0, feature.index)}FEATURE(\`greet_pause', \`${value}')${mcText.slice(feature.index + feature[0].length)}`;
}
