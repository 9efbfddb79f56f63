import {createContext, useContext, useRef} from 'react';
import {useInput, type Key} from 'ink';

/** What the App lets a step do besides its own keys. */
export type StepNavigation = {
	back(): void;
	quit(): void;
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

	// Pasted text arrives as one string; keep it on one line (a newline would inject config lines),
	// and drop control characters (a Ctrl key that came in one burst with other keys arrives raw).
	const printable = input.replaceAll(/[\r\n]+/g, ' ').replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, '');
	return printable === '' ? undefined : value + printable;
}

/** One keyboard handler per step: arrows, enter, space, esc back, q quit, or text entry. */
export function useStepKeys(keys: StepKeys): void {
	const navigation = useContext(StepNavigationContext);
	// The handler reads the newest props: a key that arrives between a render and
	// Ink re-attaching the handler must not act on the screen before. Keys of one burst all
	// reach the same handler before React renders again: state they read is useSyncedState's.
	const latest = useRef(keys);
	latest.current = keys;
	useInput((input, key) => {
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

		if (input === 'q' || input === 'Q') {
			navigation.quit();
		}
	}, {isActive: keys.active !== false});
}
