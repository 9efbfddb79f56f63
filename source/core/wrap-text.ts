const WIDTH = 78;

/** Breaks text into lines of at most `width` characters, at spaces. */
export function wrapText(text: string, width = WIDTH, indent = ''): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line !== '' && indent.length + line.length + 1 + word.length > width) {
			lines.push(indent + line);
			line = word;
		} else {
			line = line === '' ? word : `${line} ${word}`;
		}
	}

	if (line !== '') {
		lines.push(indent + line);
	}

	return lines;
}
