// JSON.parse's messages quote the start of the text ('Unexpected token 'S', "SECRET_API"... is not
// valid JSON'): given a .env file or a key by mistake, that would print a secret. This says where
// the problem is, never what is there.

/** What is wrong with a text JSON.parse refused, as "unterminated string at line 1, column 28". */
export function describeJsonError(error: unknown, text: string): string {
	const message = error instanceof Error ? error.message : String(error);
	const at = /^(.*?) in JSON at position (\d+)/.exec(message);
	if (at) {
		const position = Number(at[2]);
		const before = text.slice(0, position);
		const line = before.split('\n').length;
		const column = position - before.lastIndexOf('\n');
		return `${at[1]!.charAt(0).toLowerCase()}${at[1]!.slice(1)} at line ${line}, column ${column}`;
	}

	if (/Unexpected end of JSON input/.test(message)) {
		return 'it ends too early';
	}

	return 'an unexpected character';
}
