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

/** Every HReceived definition in a sendmail.cf. */
export function findReceivedHeaders(cfText: string): ReceivedHeader[] {
	const all = cfText.split('\n');
	const headers: ReceivedHeader[] = [];
	for (let index = 0; index < all.length; index++) {
		const first = all[index]!.charAt(0);
		if ((first !== 'H' && first !== 'h') || !RECEIVED_LINE.test(all[index]!)) {
			continue;
		}

		const lines = [all[index]!];
		while (index + 1 < all.length && /^[ \t]/.test(all[index + 1]!)) {
			lines.push(all[++index]!);
		}

		headers.push({line: index + 2 - lines.length, lines});
	}

	return headers;
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
 * The config with every Received definition's version removed; every other byte stays.
 * Undefined when no Received definition prints the version.
 */
export function hideReceivedVersionIn(cfText: string): {text: string; before: string; after: string} | undefined {
	if (receivedVersionLeak(cfText) === undefined) {
		return undefined;
	}

	const all = cfText.split('\n');
	let before = '';
	let after = '';
	for (const header of findReceivedHeaders(cfText)) {
		header.lines.forEach((line, offset) => {
			const edited = withoutVersion(line);
			if (edited !== line) {
				before ||= line.trim();
				after ||= edited.trim();
				all[header.line - 1 + offset] = edited;
			}
		});
	}

	return {text: all.join('\n'), before, after};
}
