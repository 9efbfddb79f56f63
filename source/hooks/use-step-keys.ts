import {createContext, useContext, useEffect, useRef} from 'react';
import {useInput, type Key} from 'ink';

export type PendingKey = [input: string, key: Key];

/** What the App lets a step do besides its own keys. */
export type StepNavigation = {
	back(): void;
	quit(): void;
	/**
	 * Keys that came after a key that changed the step, in the same burst: the step shown then is
	 * no longer the one they were typed for. The next step handles them once it is on screen.
	 */
	pending?: PendingKey[];
	/** Whether a key has changed the step since this screen was drawn. */
	moved?(): boolean;
};

export const StepNavigationContext = createContext<StepNavigation>({
	back() {},
	quit() {},
});

export type StepKeys = {
	onUp?(): void;
	onDown?(): void;
	onLeft?(): void;
	onRight?(): void;
	onEnter?(): void;
	onSpace?(): void;
	onPageUp?(): void;
	onPageDown?(): void;
	/**
	 * When it returns a field, printable keys (q and space included) edit that text instead.
	 * Asked at each key, so a key after an arrow in the same burst sees the field it moved to.
	 */
	text?(): {value: string; onChange(value: string): void} | undefined;
	/** False while the step is busy (writing): keys are ignored. */
	active?: boolean;
	/** False where Esc must not go back. */
	canGoBack?: boolean;
	/** Esc does this instead of going back a step (e.g. cancel a prompt). */
	onEscape?(): void;
};

/** The text after a key press in a one-line field; undefined when the key does not edit. */
export function editText(value: string, input: string, key: Key): string | undefined {
	if (key.backspace || key.delete) {
		return value.slice(0, -1);
	}

	if (key.ctrl && input === 'u') {
		return '';
	}

	if (key.ctrl || key.meta || key.escape || key.return || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) {
		return undefined;
	}

	// useStepKeys hands keys over one by one (splitKeys), but editText is also called with whole
	// strings: keep the text on one line (a newline would inject config lines) and drop control
	// characters.
	const printable = input.replaceAll(/[\r\n]+/g, ' ').replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, '');
	return printable === '' ? undefined : value + printable;
}

const NO_KEY: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** One character of a burst as the key it is when it arrives alone. */
function keyOf(character: string): [input: string, key: Key] {
	const code = character.codePointAt(0)!;
	if (character === '\r') {
		return ['', {...NO_KEY, return: true}];
	}

	if (character === '\t') {
		return ['', {...NO_KEY, tab: true}];
	}

	if (character === '\b') {
		return ['', {...NO_KEY, backspace: true}];
	}

	// Ink names DEL (what Backspace sends on most terminals) "delete".
	if (character === '\u007F') {
		return ['', {...NO_KEY, delete: true}];
	}

	// Ctrl+letter: the letter, with ctrl (Ctrl+C is 0x03, "c").
	if (code >= 1 && code <= 26) {
		return [String.fromCodePoint(code + 96), {...NO_KEY, ctrl: true}];
	}

	return [character, {...NO_KEY, shift: /^[A-Z]$/.test(character)}];
}

/**
 * The keys in one input event. Ink splits a chunk of input at escape sequences only: the rest of
 * a read (over SSH, typed fast, sent by tmux) comes as ONE string, e.g. "10MB\r" or three DELs, with
 * no key flag set. Each character of such a string is a key of its own and must act as if it came
 * alone: Backspace deletes, Enter goes on, in order.
 */
export function splitKeys(input: string, key: Key): Array<[input: string, key: Key]> {
	const characters = [...input];
	if (characters.length <= 1 || key.ctrl || key.meta || key.escape) {
		return [[input, key]];
	}

	return characters.map(character => keyOf(character));
}

/** Ink's useInput, with each key of a burst handed over on its own (see splitKeys). */
export function useKeys(handler: (input: string, key: Key) => void, options: {isActive?: boolean} = {}): void {
	useInput((input, key) => {
		for (const [one, oneKey] of splitKeys(input, key)) {
			handler(one, oneKey);
		}
	}, options);
}

/** One keyboard handler per step: arrows, enter, space, esc back, q quit, or text entry. */
export function useStepKeys(keys: StepKeys): void {
	const navigation = useContext(StepNavigationContext);
	// The handler reads the newest props: a key that arrives between a render and
	// Ink re-attaching the handler must not act on the screen before. Keys of one burst all
	// reach the same handler before React renders again: state they read is useSyncedState's.
	const latest = useRef(keys);
	latest.current = keys;
	const handle = (input: string, key: Key) => {
		const keys = latest.current;
		if (key.ctrl && input === 'c') {
			return; // the App handles Ctrl+C
		}

		if (key.escape) {
			if (keys.onEscape) {
				keys.onEscape();
			} else if (keys.canGoBack !== false) {
				navigation.back();
			}

			return;
		}

		if (key.upArrow) {
			keys.onUp?.();
			return;
		}

		if (key.downArrow) {
			keys.onDown?.();
			return;
		}

		if (key.pageUp) {
			keys.onPageUp?.();
			return;
		}

		if (key.pageDown) {
			keys.onPageDown?.();
			return;
		}

		if (key.leftArrow) {
			keys.onLeft?.();
			return;
		}

		if (key.rightArrow) {
			keys.onRight?.();
			return;
		}

		if (key.return) {
			keys.onEnter?.();
			return;
		}

		const text = keys.text?.();
		if (text) {
			const edited = editText(text.value, input, key);
			if (edited !== undefined) {
				text.onChange(edited);
			}

			return;
		}

		if (input === ' ') {
			keys.onSpace?.();
			return;
		}

		// [ and ] page too: many laptop keyboards have no PgUp/PgDn.
		if (input === '[' || input === ']') {
			(input === '[' ? keys.onPageUp : keys.onPageDown)?.();
			return;
		}

		if (input === 'q' || input === 'Q') {
			navigation.quit();
		}
	};

	// A key that arrives after a key of this burst changed the step waits for the next step; so do
	// keys that arrive while earlier ones wait, so they stay in order.
	const pending = navigation.pending;
	const drain = () => {
		while (pending !== undefined && pending.length > 0 && navigation.moved?.() !== true) {
			const [input, key] = pending.shift()!;
			handle(input, key);
		}
	};

	useKeys((input, key) => {
		if (pending !== undefined && (navigation.moved?.() === true || pending.length > 0)) {
			pending.push([input, key]);
			drain();
			return;
		}

		handle(input, key);
	}, {isActive: keys.active !== false});
	// Once a step is on screen, the keys that waited for it act; a busy step (writing) drops them,
	// as it ignores keys typed while it works.
	useEffect(() => {
		if (pending === undefined || pending.length === 0) {
			return;
		}

		if (keys.active === false) {
			pending.length = 0;
			return;
		}

		drain();
	});
}
