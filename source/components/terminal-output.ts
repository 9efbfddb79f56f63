/**
 * What the wizard's terminal can show. Not every terminal an admin reaches over SSH is a UTF-8
 * xterm: under LANG=C the symbols come out as mojibake, and TERM=dumb (emacs shell, some serial
 * consoles) cannot move the cursor, so redrawing a frame in place leaves garbage.
 */

/** Whether the locale's character set is UTF-8. Unset: assume UTF-8, as nearly every terminal today is. */
export function localeIsUtf8(env: NodeJS.ProcessEnv): boolean {
	// POSIX precedence: LC_ALL over LC_CTYPE over LANG; an empty value does not count.
	const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'];
	return locale === undefined || /utf-?8/i.test(locale);
}

/** A terminal that cannot move the cursor: each screen is printed whole, one after the other. */
export function isPlainTerminal(env: NodeJS.ProcessEnv): boolean {
	return env['TERM'] === 'dumb';
}

// One ASCII character for each symbol the screens use, so widths (and Ink's layout) stay the same.
const ASCII: Record<string, string> = {
	'✓': '+',
	'✔': '+',
	'✗': 'x',
	'✘': 'x',
	'›': '>',
	'•': '*',
	'·': '|',
	'…': '~',
	'↑': '^',
	'↓': 'v',
	'←': '<',
	'→': '>',
	'─': '-',
};

/** Text as an ASCII-only terminal can show it: each symbol one ASCII character, anything else non-ASCII a "?". */
export function asciiFallback(text: string): string {
	return text.replaceAll(/[^\u0000-\u007F]/gu, character => ASCII[character] ?? '?');
}

// CSI and OSC sequences: colours, cursor movement, erasing, cursor show/hide, titles.
const ESCAPES = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-Z\\-_]/g;

/** Text without any escape sequence, for a terminal that would print them raw. */
export function withoutEscapes(text: string): string {
	return text.replaceAll(ESCAPES, '');
}

export type WizardOutput = {
	stdout: NodeJS.WriteStream;
	/** True for a plain terminal: render in Ink's debug mode, which writes each frame whole and never moves the cursor. */
	plain: boolean;
	/** Writes what is still held back (plain mode prints a frame once the screen settles). */
	flush(): void;
};

/**
 * The stream Ink writes to: the real stdout, with ASCII symbols under a non-UTF-8 locale, and in
 * plain mode each settled frame printed once, whole, after a blank line, with no escape sequence.
 */
export function wizardOutput(stdout: NodeJS.WriteStream, env: NodeJS.ProcessEnv): WizardOutput {
	const ascii = !localeIsUtf8(env);
	const plain = isPlainTerminal(env);
	if (!ascii && !plain) {
		return {stdout, plain, flush() {}};
	}

	const convert = (text: string) => {
		const shown = plain ? withoutEscapes(text) : text;
		return ascii ? asciiFallback(shown) : shown;
	};

	// Ink's debug mode writes a whole frame at every React commit; a key can make several. Only the
	// frame the screen settles on is printed, and never the same one twice.
	let pending: string | undefined;
	let last = '';
	let timer: NodeJS.Timeout | undefined;
	const flush = () => {
		if (timer !== undefined) {
			clearTimeout(timer);
			timer = undefined;
		}

		if (pending !== undefined && pending !== last && pending.trim() !== '') {
			last = pending;
			stdout.write(`\n${pending.replace(/\n*$/, '')}\n`);
		}

		pending = undefined;
	};

	const write = (chunk: unknown, ...rest: unknown[]): boolean => {
		const callback = rest.find(argument => typeof argument === 'function') as (() => void) | undefined;
		const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
		if (plain) {
			pending = convert(text);
			if (timer !== undefined) {
				clearTimeout(timer);
			}

			timer = setTimeout(flush, 40);
			callback?.();
			return true;
		}

		return callback === undefined ? stdout.write(convert(text)) : stdout.write(convert(text), callback);
	};

	const proxy = new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') {
				return write;
			}

			// Not a TTY to Ink in plain mode: no cursor hiding, no full-screen redraws.
			if (property === 'isTTY' && plain) {
				return false;
			}

			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...arguments_: unknown[]) => unknown).bind(target) : value;
		},
	});
	return {stdout: proxy, plain, flush};
}
