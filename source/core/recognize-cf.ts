import {fail, ok, type Result} from './result.js';

// Whether a text is a sendmail.cf, before anything edits it: `--config` on a sendmail.mc, a key
// or a .env file must not get `O` lines appended. The reasons name line numbers, never contents:
// the file may be a secret.

// The first characters readcf.c accepts (sendmail 8.17: every other one is "unknown configuration
// line"), plus comments, blank lines and continuation lines (a leading space or tab).
const LINE_START = new Set(['R', 'S', 'D', 'C', 'F', 'H', 'O', 'P', 'Q', 'T', 'V', 'K', 'M', 'E', 'X', '#', ' ', '\t', '\r']);

// Every sendmail.cf that m4 builds starts its rules with the version level of the syntax (V10/Berkeley).
const VERSION_LEVEL = /^V\d+(?:\/\S*)?[ \t]*\r?$/m;
const OPTION_LINE = /^O [A-Za-z]/m;
const M4_SOURCE = /^(?:divert\(|dnl\b|include\(|define\(|OSTYPE\(|DOMAIN\(|FEATURE\(|MAILER\(|VERSIONID\()/m;
const PEM = /^-----BEGIN [A-Z0-9 ]+-----\r?$/m;

/** Ok when the text can be a sendmail.cf; else why not, in words that quote nothing of it. */
export function recognizeSendmailCf(text: string): Result<void> {
	if (text.includes('\0')) {
		return fail('it holds binary data (NUL bytes)');
	}

	if (PEM.test(text)) {
		return fail('it holds a PEM key or certificate');
	}

	if (M4_SOURCE.test(text)) {
		return fail('it is m4 source such as a sendmail.mc; give the sendmail.cf built from it (sendmail-harden edits the .mc beside it and rebuilds)');
	}

	const badLine = text.split('\n').findIndex(line => line !== '' && !LINE_START.has(line[0]!));
	if (badLine !== -1) {
		return fail(`line ${badLine + 1} is not a line a sendmail.cf can have (they start with #, a space or a command letter such as O, D, R or S)`);
	}

	if (!VERSION_LEVEL.test(text)) {
		return fail('it has no version level line (such as V10/Berkeley)');
	}

	if (!OPTION_LINE.test(text)) {
		return fail('it has no option lines (O Name=value)');
	}

	return ok(undefined);
}
