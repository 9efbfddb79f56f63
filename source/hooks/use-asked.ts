import {useEffect, useRef, useState} from 'react';
import type {Result} from '../core/result.js';

/** Where an answer from sendmail stands: being asked, answered, not asked here (and why), or failed. */
export type Asked<T> =
	| {kind: 'asking'}
	| {kind: 'done'; value: T}
	| {kind: 'skipped'; reason: string}
	| {kind: 'failed'; error: string};

/**
 * Asks in the background for the answer that belongs to `key`, once per key (answers are cached,
 * so going back to a key shows its answer at once), after the key has held still for `settleMs`
 * (a burst of keys starts one question, not one per key). Keys are never blocked: the screen draws
 * with 'asking' until the answer comes. Undefined when there is nothing to ask.
 */
export function useAsked<T>(
	key: string | undefined,
	ask: (() => Promise<Result<T | {status: 'skipped'; reason: string}>>) | undefined,
	settleMs = 250,
): Asked<T> | undefined {
	const cache = useRef(new Map<string, Asked<T>>());
	const [, setVersion] = useState(0);
	useEffect(() => {
		if (key === undefined || ask === undefined || cache.current.has(key)) {
			return;
		}

		const timer = setTimeout(() => {
			cache.current.set(key, {kind: 'asking'});
			setVersion(version => version + 1);
			const settle = (answer: Asked<T>) => {
				cache.current.set(key, answer);
				setVersion(version => version + 1);
			};

			ask().then(
				result => {
					if (!result.ok) {
						settle({kind: 'failed', error: result.error});
					} else if (isSkipped(result.value)) {
						settle({kind: 'skipped', reason: result.value.reason});
					} else {
						settle({kind: 'done', value: result.value});
					}
				},
				(error: unknown) => settle({kind: 'failed', error: String(error)}),
			);
		}, settleMs);
		return () => clearTimeout(timer);
		// `ask` belongs to its key: a new function for the same key asks nothing new.
	}, [key, ask === undefined]);
	return key === undefined || ask === undefined ? undefined : cache.current.get(key) ?? {kind: 'asking'};
}

function isSkipped(value: unknown): value is {status: 'skipped'; reason: string} {
	return typeof value === 'object' && value !== null && (value as {status?: unknown}).status === 'skipped';
}
