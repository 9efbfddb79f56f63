import type {ChildProcess} from 'node:child_process';
import os from 'node:os';

// Ctrl+C, SIGTERM and SIGHUP stop a run at once, in whatever wait it is (a lock, a sendmail
// check, an SMTP exchange, a restart), with one line and the usual 128+N exit status. Two things
// are the exception: the writes of a set hold a stop back until the set is complete (apply.ts's
// withSignalsDeferred), and the sendmail checks run in their own process groups, so a stop ends
// them too instead of leaving them to wait out sendmail's 60 s host name lookup.

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const helpers = new Set<ChildProcess>();
let deferrals = 0;

/** A child that must not outlive a stopped run (it is stopped with its process group when detached). */
export function stopWithRun(child: ChildProcess): void {
	helpers.add(child);
	child.once('exit', () => helpers.delete(child));
}

/** Holds stops back until the returned function is called; the held signal is re-raised by the caller. */
export function deferStops(): () => void {
	deferrals++;
	let ended = false;
	return () => {
		if (!ended) {
			ended = true;
			deferrals--;
		}
	};
}

function stopHelpers(): void {
	for (const child of helpers) {
		if (child.pid === undefined) {
			continue;
		}

		// A detached child leads its own group, and what it started is in it; others are plain children.
		for (const target of [-child.pid, child.pid]) {
			try {
				process.kill(target, 'SIGKILL');
				break;
			} catch {
				// Not a group, or already gone.
			}
		}
	}
}

let installed = false;

/** Installs the stop handlers once, at the command-line edge. `say` writes the one line. */
export function installStopHandlers(say: (line: string) => void): void {
	if (installed) {
		return;
	}

	installed = true;
	for (const signal of STOP_SIGNALS) {
		process.on(signal, () => {
			if (deferrals > 0) {
				return;
			}

			stopHelpers();
			const how = signal === 'SIGINT' ? 'Ctrl+C (SIGINT)' : signal;
			say(`sendmail-harden: stopped by ${how}\n`);
			process.exit(128 + os.constants.signals[signal]);
		});
	}
}
