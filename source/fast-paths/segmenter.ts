// Start-up fast path for the terminal libraries (string-width, slice-ansi, ansi-tokenize): they
// make an Intl.Segmenter when loaded, which sets up ICU's grapheme rules (tens of ms) before the
// first screen, although the wizard's text is plain. scripts/build.js swaps their
// `new Intl.Segmenter(...)` for this class. A string made only of characters that never join
// their neighbours into one grapheme cluster is split by code point, which is what the real
// segmenter gives for it (test/fast-paths.test.ts checks this against Intl.Segmenter); any other
// string goes to a real Intl.Segmenter, made the first time one is needed.

/**
 * Characters that are a grapheme cluster on their own whatever surrounds them (UAX #29): no
 * combining marks (U+0300 on, U+20D0-U+20FF), no joiners or variation selectors (U+200C-U+200D,
 * U+FE00-U+FE0F), no Hangul jamo, no regional indicators or other astral characters, and no CR
 * (CR LF is one cluster).
 */
export const ownCluster = /^[\0-\t\v\f\u000E-\u02FF\u2010-\u2027\u2030-\u205E\u2100-\u27BF]*$/;

type Segment = {segment: string; index: number; input: string};

class CodePointSegments implements Iterable<Segment> {
	constructor(private readonly input: string) {}

	* [Symbol.iterator](): Iterator<Segment> {
		const {input} = this;
		// Every character of `ownCluster` is one UTF-16 unit.
		for (let index = 0; index < input.length; index++) {
			yield {segment: input[index]!, index, input};
		}
	}

	containing(index = 0): Segment | undefined {
		const position = Math.trunc(Number(index));
		if (!(position >= 0 && position < this.input.length)) {
			return undefined;
		}

		return {segment: this.input[position]!, index: position, input: this.input};
	}
}

export class LazySegmenter {
	private real: Intl.Segmenter | undefined;
	private readonly graphemes: boolean;

	constructor(private readonly locales?: string | string[], private readonly options?: Intl.SegmenterOptions) {
		this.graphemes = (options?.granularity ?? 'grapheme') === 'grapheme';
	}

	segment(input: string): Intl.Segments | CodePointSegments {
		const text = String(input);
		if (this.graphemes && ownCluster.test(text)) {
			return new CodePointSegments(text);
		}

		this.real ??= new Intl.Segmenter(this.locales, this.options);
		return this.real.segment(text);
	}

	resolvedOptions(): Intl.ResolvedSegmenterOptions {
		this.real ??= new Intl.Segmenter(this.locales, this.options);
		return this.real.resolvedOptions();
	}
}
