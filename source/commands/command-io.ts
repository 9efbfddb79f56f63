import {safeMessageLine, safeTerminalText} from '../core/sanitize.js';

// What a command needs from the outside world, so tests can run commands in-process.
export type CommandIo = {
	/** Writes text to standard output (add the newline yourself). */
	out(text: string): void;
	/** Writes one line to standard error (add the newline yourself); a newline inside it is shown as `\n`. */
	err(text: string): void;
	env: NodeJS.ProcessEnv;
	/** The width of the terminal standard output goes to; undefined when it goes to a pipe or file. */
	columns?: number;
};

// A reader that goes away early (`audit | head -1`, `explain | true`) closes the pipe: further
// writes fail with EPIPE, which Node raises as an unhandled 'error' with a stack trace. The output
// is simply no longer wanted, so it is dropped and the command runs to its end with its usual exit
// status (a --yes that is writing must not stop halfway because nobody reads its report).
const closed = {stdout: false, stderr: false};

/** Called once at the command-line edge. */
export function dropOutputOnClosedPipe(): void {
	for (const name of ['stdout', 'stderr'] as const) {
		process[name].on('error', (error: NodeJS.ErrnoException) => {
			if (error.code !== 'EPIPE') {
				throw error;
			}

			closed[name] = true;
		});
	}
}

// Commands print config values, file names and server replies: none of it reaches the terminal raw.
// Every write to standard error is one message line ("sendmail-harden: ..."): whatever value it
// quotes, it stays one line, so a newline in a flag name or a path cannot forge a second message.
export const processIo: CommandIo = {
	out(text) {
		if (!closed.stdout) {
			process.stdout.write(safeTerminalText(text));
		}
	},
	err(text) {
		if (!closed.stderr) {
			process.stderr.write(safeMessageLine(text));
		}
	},
	env: process.env,
	get columns() {
		return process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined;
	},
};

// Exit codes of the command-line contract (docs/design.md, "Exit codes and errors").
export const EXIT = {
	done: 0,
	notHardened: 1,
	verifyFailed: 1,
	badInput: 2,
	writeFailed: 3,
} as const;
