// A terminal of a given size for rendering Ink directly (not through ink-testing-library, whose
// stdout has no rows): every frame written is kept, and keys are fed in as a TTY would.
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import type {ReactElement} from 'react';

export class SizedStdout extends EventEmitter {
	frames: string[] = [];
	isTTY = true;
	constructor(readonly columns: number, readonly rows: number) {
		super();
	}

	write = (frame: string) => {
		this.frames.push(frame);
		return true;
	};
}

export class KeyStdin extends EventEmitter {
	isTTY = true;
	data: string | null = null;
	write = (data: string) => {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	};

	read = () => {
		const {data} = this;
		this.data = null;
		return data;
	};

	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

export type SizedRender = {
	stdin: KeyStdin;
	/** Every frame Ink wrote, in order. */
	frames: string[];
	/** The frame now on screen. */
	last(): string;
	/**
	 * Polls until the frame on screen shows the text (or matches, or passes the check), then gives
	 * Ink a moment to attach the new step's key handler, which it does in an effect after drawing.
	 */
	waitFor(check: string | RegExp | ((frame: string) => boolean), what?: string): Promise<string>;
};

const pause = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

/**
 * Renders an element (the wizard, mostly) in a terminal of columns x rows, unmounted after the test.
 * ink-testing-library's stdout has no rows, and the wizard fits its screens to them.
 */
export function renderSized(t: {after(fn: () => void): void}, element: ReactElement, columns: number, rows: number, timeoutMs = 60_000): SizedRender {
	const stdout = new SizedStdout(columns, rows);
	const stdin = new KeyStdin();
	const instance = render(element, {stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, debug: true, exitOnCtrlC: false, patchConsole: false});
	t.after(() => {
		instance.unmount();
	});
	const last = () => stdout.frames.at(-1) ?? '';
	const shows = (check: string | RegExp | ((frame: string) => boolean)) => (frame: string) => typeof check === 'string' ? frame.includes(check) : typeof check === 'function' ? check(frame) : check.test(frame);
	return {
		stdin,
		frames: stdout.frames,
		last,
		async waitFor(check, what = String(check)) {
			const start = Date.now();
			while (!shows(check)(last())) {
				assert.ok(Date.now() - start < timeoutMs, `${columns}x${rows} never showed ${what}:\n${last()}`);
				await pause(10);
			}

			await pause(20);
			return last();
		},
	};
}
