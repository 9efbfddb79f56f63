import test from 'node:test';
import assert from 'node:assert/strict';
import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {useState} from 'react';
import {useAsyncEffect} from '../../source/hooks/use-async-effect.js';

/** A promise settled from outside. */
function deferred<T>(): {promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void} {
	let resolve: (value: T) => void = () => undefined;
	let reject: (error: unknown) => void = () => undefined;
	const promise = new Promise<T>((yes, no) => {
		resolve = yes;
		reject = no;
	});
	return {promise, resolve, reject};
}

async function until(check: () => boolean): Promise<void> {
	const start = Date.now();
	while (!check() && Date.now() - start < 10_000) {
		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}

	assert.ok(check());
}

test('a late answer of a superseded run is dropped; the current one is shown; errors go to onError', async () => {
	const runs = new Map<string, ReturnType<typeof deferred<string>>>();
	const seen: string[] = [];
	function Probe({name}: {name: string}) {
		const [shown, setShown] = useState('none');
		useAsyncEffect(() => {
			const run = deferred<string>();
			runs.set(name, run);
			return run.promise;
		}, [name], value => {
			seen.push(value);
			setShown(value);
		}, error => setShown(`error ${String(error)}`));
		return <Text>{shown}</Text>;
	}

	const app = render(<Probe name="a" />);
	await until(() => runs.has('a'));
	app.rerender(<Probe name="b" />);
	await until(() => runs.has('b'));
	runs.get('a')!.resolve('answer for a');
	runs.get('b')!.resolve('answer for b');
	await until(() => app.lastFrame() === 'answer for b');
	assert.deepEqual(seen, ['answer for b']);

	app.rerender(<Probe name="c" />);
	await until(() => runs.has('c'));
	runs.get('c')!.reject('no');
	await until(() => app.lastFrame() === 'error no');
	app.unmount();
});

test('an answer that comes after unmount is dropped', async () => {
	let set = 0;
	const run = deferred<number>();
	function Probe({start}: {start: boolean}) {
		useAsyncEffect(() => (start ? run.promise : undefined), [start], () => {
			set++;
		});
		return <Text>probe</Text>;
	}

	const app = render(<Probe start={false} />);
	app.rerender(<Probe start />);
	app.unmount();
	run.resolve(1);
	await run.promise;
	await new Promise(resolve => {
		setImmediate(resolve);
	});
	assert.equal(set, 0);
});
