import {useCallback, useRef, useState} from 'react';

export type SyncedSetter<T> = (next: T | ((value: T) => T)) => void;

/**
 * useState whose newest value can be read at once. Keys that arrive in one chunk (over SSH,
 * pasted, or sent by tmux) are each handled before React renders again, so a key handler that
 * read the rendered value would act on the screen before the keys ahead of it (Down then Enter
 * picking the old row). The setter updates a ref synchronously; key handlers read `latest()`.
 * T must not be a function (a function is taken as an updater, as in useState).
 */
export function useSyncedState<T>(initial: T | (() => T)): [value: T, set: SyncedSetter<T>, latest: () => T] {
	const [value, setValue] = useState(initial);
	const ref = useRef(value);
	const set = useCallback<SyncedSetter<T>>(next => {
		ref.current = typeof next === 'function' ? (next as (value: T) => T)(ref.current) : next;
		setValue(ref.current);
	}, []);
	const latest = useCallback(() => ref.current, []);
	return [value, set, latest];
}
