// What ink-select-input (the decided stack's list) does with the keys the wizard's single-choice
// lists must handle: the measurements behind readme.md's "Dependencies" paragraph, which says why
// the lists are the wizard's own (source/components). Each test pins the library's behaviour as
// installed: when one fails, the library changed and that paragraph must be measured again.
import test from 'node:test';
import assert from 'node:assert/strict';
import {stripVTControlCharacters} from 'node:util';
import {render} from 'ink-testing-library';
import SelectInput from 'ink-select-input';

type Item = {label: string; value: string};
const items: Item[] = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map(value => ({label: value, value}));

function mount({limit, initialIndex}: {limit?: number; initialIndex?: number} = {}) {
	const chosen: string[] = [];
	const highlighted: string[] = [];
	const app = render(<SelectInput items={items} limit={limit} initialIndex={initialIndex} onHighlight={(item: Item) => highlighted.push(item.value)} onSelect={(item: Item) => chosen.push(item.value)} />);
	const rows = () => stripVTControlCharacters(app.lastFrame() ?? '').split('\n').map(row => row.trimEnd());
	return {app, chosen, highlighted, rows};
}

// Polls (no fixed wait) until the condition holds. Each test starts from the first frame: the
// list reads its highlight from the render its key handler was made in, so a key that follows
// another before React has rendered and re-subscribed acts on the old highlight (the burst test).
async function until(condition: () => boolean) {
	const start = Date.now();
	while (!condition()) {
		assert.ok(Date.now() - start < 5000, 'timed out');
		await new Promise(resolve => {
			setTimeout(resolve, 5);
		});
	}
}

test('moving the highlight does not choose', async () => {
	const {app, chosen, highlighted, rows} = mount();
	await until(() => rows()[0]!.includes('alpha'));
	app.stdin.write('\u001B[B');
	await until(() => /^\S bravo$/.test(rows()[1]!));
	assert.deepEqual(highlighted, ['bravo']);
	assert.deepEqual(chosen, []);
	app.unmount();
});

test('Space chooses nothing, Enter chooses the highlighted row, and no row then shows what was chosen', async () => {
	const {app, chosen, rows} = mount({initialIndex: 2});
	await until(() => /^\S charlie$/.test(rows()[2]!));
	const before = rows();
	app.stdin.write(' ');
	app.stdin.write('\r');
	await until(() => chosen.length > 0);
	assert.deepEqual(chosen, ['charlie'], 'Space chose nothing, Enter chose charlie');
	// The only mark is the highlight's pointer, which was there before the choice.
	assert.deepEqual(rows(), before);
	assert.equal(rows().filter(row => !/^ {2}\S/.test(row)).length, 1);
	app.unmount();
});

test('a digit chooses the row at that place at once, without moving the highlight there', async () => {
	const {app, chosen, highlighted, rows} = mount();
	await until(() => rows()[0]!.includes('alpha'));
	app.stdin.write('4');
	await until(() => chosen.length > 0);
	assert.deepEqual(chosen, ['delta']);
	assert.deepEqual(highlighted, []);
	assert.match(rows()[0]!, /^\S alpha$/);
	app.unmount();
});

test('a burst in one chunk: the arrows of it move the highlight once and Enter chooses the row before the burst', async () => {
	const {app, chosen, highlighted, rows} = mount();
	await until(() => rows()[0]!.includes('alpha'));
	app.stdin.write('\u001B[B\u001B[B\r');
	await until(() => chosen.length === 1);
	assert.deepEqual(highlighted, ['bravo', 'bravo']);
	assert.deepEqual(chosen, ['alpha']);
	app.unmount();
});

test('a burst of letters in one chunk ("jj\\r") does nothing at all', async () => {
	const {app, chosen, highlighted, rows} = mount();
	await until(() => rows()[0]!.includes('alpha'));
	app.stdin.write('jj\r');
	// Then one j alone, from the same state: if the burst had done anything, it would show.
	app.stdin.write('j');
	await until(() => highlighted.length > 0);
	assert.deepEqual(highlighted, ['bravo'], 'only the lone j moved');
	assert.deepEqual(chosen, []);
	app.unmount();
});

test('with a limit, the window wraps around the list: Up on the first row shows the last item above the first', async () => {
	const {app, highlighted, rows} = mount({limit: 3});
	await until(() => rows()[0]!.includes('alpha'));
	assert.deepEqual(rows().map(row => row.slice(2)), ['alpha', 'bravo', 'charlie']);
	app.stdin.write('\u001B[A');
	await until(() => highlighted.length === 1);
	await until(() => rows()[0]!.endsWith('echo'));
	assert.deepEqual(rows().map(row => row.slice(2)), ['echo', 'alpha', 'bravo']);
	app.unmount();
});
