/** Cuts a line into pieces of at most `width` characters (hard wrap: config lines have long words). */
export function hardWrap(text: string, width: number): string[] {
	if (width < 1 || text.length <= width) {
		return [text];
	}

	const pieces: string[] = [];
	for (let start = 0; start < text.length; start += width) {
		pieces.push(text.slice(start, start + width));
	}

	return pieces;
}
