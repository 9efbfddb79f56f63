// The AUTH options as sendmail reads them: AuthOptions is a set of letters (readcf.c reads one
// letter at a time and skips spaces and commas between them), AuthMechanisms a space-separated list
// of SASL mechanism names. Pure: text in, text out.

/** The letters an AuthOptions value sets, each once, in the order written. */
export function authOptionLetters(value: string): string[] {
	const letters: string[] = [];
	for (const character of value) {
		if (!/[\s,]/.test(character) && !letters.includes(character)) {
			letters.push(character);
		}
	}

	return letters;
}

/**
 * The value with `letter` set or taken out, every other byte kept as written: an edit adds the
 * letter once after the others (with the value's own separator, a comma where it has none) or
 * removes each occurrence with the separator before it. The value itself when nothing changes.
 */
export function withAuthOptionLetter(value: string, letter: string, on: boolean): string {
	const has = authOptionLetters(value).includes(letter);
	if (on === has) {
		return value;
	}

	if (on) {
		const trimmed = value.replace(/[\s,]+$/, '');
		if (trimmed === '') {
			return letter;
		}

		const separator = trimmed.includes(',') || !/\s/.test(trimmed) ? ',' : ' ';
		return `${trimmed}${separator}${letter}`;
	}

	const kept = value.split('').filter(character => character !== letter).join('');
	// The separators left where the letter stood: runs collapse to one, none at either end.
	return kept.replaceAll(/([\s,])[\s,]*/g, '$1').replace(/^[\s,]+|[\s,]+$/g, '');
}

/** The mechanism names an AuthMechanisms value lists, upper-cased, each once, in the order written. */
export function authMechanismList(value: string): string[] {
	const names: string[] = [];
	for (const word of value.split(/[\s,]+/)) {
		const name = word.toUpperCase();
		if (name !== '' && !names.includes(name)) {
			names.push(name);
		}
	}

	return names;
}

/**
 * The mechanisms that send the password itself: AuthOptions p offers them only after STARTTLS.
 * EXTERNAL is offered only inside TLS anyway (sendmail adds it when a client certificate is seen).
 */
const OFFERED_AFTER_STARTTLS = new Set(['PLAIN', 'LOGIN', 'EXTERNAL']);

/**
 * The mechanisms of a list that sendmail still offers before STARTTLS with AuthOptions p (where
 * the SASL library has them): every one but PLAIN, LOGIN and EXTERNAL.
 */
export function mechanismsOfferedInTheClear(mechanisms: readonly string[]): string[] {
	return mechanisms.filter(name => !OFFERED_AFTER_STARTTLS.has(name.toUpperCase()));
}

/** The mechanisms of an EHLO reply's "250-AUTH ..." line; undefined when it offers no AUTH. */
export function offeredMechanisms(ehloLines: readonly string[]): string[] | undefined {
	const line = ehloLines.find(text => /^250[ -]AUTH[ =]/i.test(text));
	return line === undefined ? undefined : authMechanismList(line.replace(/^250[ -]AUTH[ =]/i, ''));
}
