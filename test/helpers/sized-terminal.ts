// A terminal of a given size for rendering Ink directly (not through ink-testing-library, whose
// stdout has no rows): every frame written is kept, and keys are fed in as a TTY would.
import {EventEmitter} from 'node:events';

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
