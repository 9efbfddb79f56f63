import test from 'node:test';
import assert from 'node:assert/strict';
import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {useSyncedState, type SyncedSetter} from '../../source/hooks/use-synced-state.js';

test('the setter makes the new value readable at once, before React renders again; the screen follows', async () => {
	let set: SyncedSetter<number> = () => {};
	let latest = () => -1;
	function Probe() {
		const [value, setValue, read] = useSyncedState(() => 1);
		set = setValue;
		latest = read;
		return <Text>{`value ${value}`}</Text>;
	}

	const app = render(<Probe />);
	assert.equal(latest(), 1);
	// Two updates in a row, as two keys of one burst make: the second sees the first.
	set(value => value + 1);
	assert.equal(latest(), 2);
	set(value => value * 10);
	assert.equal(latest(), 20);
	set(7);
	assert.equal(latest(), 7);
	// React renders when it gets to it (later on a loaded machine): wait for the screen, not a fixed time.
	const start = Date.now();
	while (app.lastFrame() !== 'value 7' && Date.now() - start < 10_000) {
		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}

	assert.equal(app.lastFrame(), 'value 7');
	app.unmount();
});
