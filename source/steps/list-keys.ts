import type {SyncedSetter} from '../hooks/use-synced-state.js';

/** The row `by` rows from index in a list of count rows, wrapping past either end. */
export function wrapIndex(index: number, by: number, count: number): number {
	return (index + by + count) % count;
}

/**
 * Up and Down for useStepKeys in a list of count rows: they move the highlight one row, wrapping
 * past either end, then call afterMove (e.g. to show the new row's help from its top).
 */
export function upDownKeys(setHighlight: SyncedSetter<number>, count: number, afterMove?: () => void): {onUp(): void; onDown(): void} {
	const move = (by: number) => {
		setHighlight(index => wrapIndex(index, by, count));
		afterMove?.();
	};

	return {onUp: () => move(-1), onDown: () => move(1)};
}
