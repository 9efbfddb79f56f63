import {applySplices, type TextSplice} from './sendmail-cf.js';

// The Received: header every relayed message gets. Debian's config (cfhead.m4's default) has
//   HReceived: $?sfrom $s $.$?_($?s$|from $.$_)
//   	...
//   	$.by $j ($v/$Z)$?r with $r$. id $i$?{tls_version}
// so each message says "by host (8.17.1.9/8.17.1.9/Debian-2+deb12u2)": the version leaks there too.

/** A Received header definition: its H line and continuation lines (they start with a tab or space). */
export type ReceivedHeader = {
	/** 1-based line number of the H line. */
	line: number;
	/** The definition's lines as written (without newlines; a CR stays). */
	lines: string[];
};

const RECEIVED_LINE = /^H(?:\?[^?]*\?)?Received:/i;

/** A Received definition and where each of its lines starts in the text. */
type HeaderAt = ReceivedHeader & {starts: number[]};

/**
 * The Received definitions, found line by line without splitting the whole text: an array of every
 * line of a 4 MiB config is 100k strings for the handful of lines that matter.
 */
function receivedHeadersAt(cfText: string): HeaderAt[] {
	const headers: HeaderAt[] = [];
	let current: HeaderAt | undefined;
	for (let start = 0, index = 0; ; index++) {
		const newline = cfText.indexOf('\n', start);
		const end = newline === -1 ? cfText.length : newline;
		const first = cfText.charAt(start);
		if (current !== undefined && (first === ' ' || first === '\t')) {
			current.lines.push(cfText.slice(start, end));
			current.starts.push(start);
		} else {
			current = undefined;
			if ((first === 'H' || first === 'h') && RECEIVED_LINE.test(cfText.slice(start, end))) {
				current = {line: index + 1, lines: [cfText.slice(start, end)], starts: [start]};
				headers.push(current);
			}
		}

		if (newline === -1) {
			return headers;
		}

		start = newline + 1;
	}
}

/** Every HReceived definition in a sendmail.cf. */
export function findReceivedHeaders(cfText: string): ReceivedHeader[] {
	return receivedHeadersAt(cfText).map(({line, lines}) => ({line, lines}));
}

/** The part of a Received definition that prints the version ("($v/$Z)"), or undefined. */
export function receivedVersionLeak(cfText: string): string | undefined {
	for (const header of findReceivedHeaders(cfText)) {
		for (const line of header.lines) {
			const leak = /\(\$[vZ](?:\/\$[vZ])*\)|\$[vZ]/.exec(line);
			if (leak) {
				return leak[0];
			}
		}
	}

	return undefined;
}

/** A Received line without the version: " ($v/$Z)" goes, and any other $v or $Z with its slash. */
export function withoutVersion(line: string): string {
	return line.replaceAll(/ ?\(\$[vZ](?:\/\$[vZ])*\)/g, '').replaceAll(/\/?\$[vZ]/g, '');
}

/**
 * The splices that remove every Received definition's version; every other byte stays.
 * Undefined when no Received definition prints the version.
 */
export function receivedVersionSplices(cfText: string): {splices: TextSplice[]; before: string; after: string} | undefined {
	if (receivedVersionLeak(cfText) === undefined) {
		return undefined;
	}

	const splices: TextSplice[] = [];
	let before = '';
	let after = '';
	for (const header of receivedHeadersAt(cfText)) {
		header.lines.forEach((line, offset) => {
			const edited = withoutVersion(line);
			if (edited !== line) {
				before ||= line.trim();
				after ||= edited.trim();
				const at = header.starts[offset]!;
				splices.push({at, end: at + line.length, insert: edited});
			}
		});
	}

	return {splices, before, after};
}

/**
 * The config with every Received definition's version removed; every other byte stays.
 * Undefined when no Received definition prints the version.
 */
export function hideReceivedVersionIn(cfText: string): {text: string; before: string; after: string} | undefined {
	const found = receivedVersionSplices(cfText);
	return found === undefined ? undefined : {text: applySplices(cfText, found.splices), before: found.before, after: found.after};
}
