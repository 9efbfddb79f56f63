// Ink as the build bundles it, edits and all: it draws without reading node's global
// `performance` (which loads perf_hooks), and its error screen, whose stack-utils is now set up
// only when a crash shows it, still names the error and where it was thrown.
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import test from 'node:test';
// @ts-expect-error plain JavaScript build script
import {yogaWasm} from '../scripts/dependency-edits.js';
import {importBundled} from './helpers/bundled.js';

type Element = unknown;
type Ink = {
	render(tree: Element, options: Record<string, unknown>): {unmount(): void; waitUntilExit(): Promise<void>};
	Text: unknown;
	createElement(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): Element;
};

const performanceReads = {count: 0};
const realPerformance = globalThis.performance;

async function bundledInk(): Promise<Ink> {
	// What the launcher gives the bundle: yoga's wasm, compiled.
	(globalThis as Record<symbol, unknown>)[Symbol.for('sendmail-harden.launcher')] = {yogaModule: () => new WebAssembly.Module(new Uint8Array(yogaWasm as Uint8Array))};
	// Counted from before Ink and React load: the scheduler used to read it then.
	Object.defineProperty(globalThis, 'performance', {
		configurable: true,
		get() {
			performanceReads.count++;
			return realPerformance;
		},
	});
	return importBundled<Ink>("export {render, Text} from 'ink'; export {createElement} from 'react';", {define: {'process.env.NODE_ENV': '"production"'}});
}

function fakeTerminal() {
	const stdout = Object.assign(new EventEmitter(), {columns: 80, rows: 24, isTTY: true, written: '', write(data: string) {
		stdout.written += data;
		return true;
	}});
	return stdout;
}

const ink = await bundledInk();

test('Ink loads and draws a frame without reading performance', async () => {
	const stdout = fakeTerminal();
	const app = ink.render(ink.createElement(ink.Text, null, 'first screen'), {stdout, stdin: process.stdin, patchConsole: false, exitOnCtrlC: false});
	for (let waited = 0; !stdout.written.includes('first screen') && waited < 200; waited++) {
		await new Promise(resolve => setTimeout(resolve, 25));
	}

	app.unmount();
	assert.match(stdout.written, /first screen/);
	assert.equal(performanceReads.count, 0, 'global performance was read');
	Object.defineProperty(globalThis, 'performance', {configurable: true, writable: true, value: realPerformance});
});

test('Ink\'s error screen still shows the error and where it was thrown', async () => {
	const stdout = fakeTerminal();
	function Broken(): Element {
		throw new Error('the step broke');
	}

	const app = ink.render(ink.createElement(Broken), {stdout, stdin: process.stdin, patchConsole: false, exitOnCtrlC: false, debug: true});
	await app.waitUntilExit().catch(() => undefined);
	assert.match(stdout.written, /ERROR/);
	assert.match(stdout.written, /the step broke/);
	// stack-utils, set up at this first use, turned the stack into lines naming this test file.
	assert.match(stdout.written, /ink-edits\.test\.ts/);
});
