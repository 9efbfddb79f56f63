import {useEffect, type DependencyList} from 'react';

/**
 * An effect that starts async work and hands its value (or its error) to `onValue` (`onError`)
 * only while the effect still stands: after the deps changed or the component unmounted, a late
 * answer is dropped, never set on a screen that moved on. Like Shopify cli-kit's useAsyncEffect,
 * plus that guard. `task` returning undefined starts nothing (a precondition not met yet).
 */
export function useAsyncEffect<T>(
	task: () => Promise<T> | undefined,
	deps: DependencyList,
	onValue: (value: T) => void,
	onError: (error: unknown) => void = () => undefined,
): void {
	useEffect(() => {
		let live = true;
		task()?.then(
			value => {
				if (live) {
					onValue(value);
				}
			},
			(error: unknown) => {
				if (live) {
					onError(error);
				}
			},
		);
		return () => {
			live = false;
		};
		// The deps are the caller's, as for useEffect.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, deps);
}
