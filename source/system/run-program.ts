import {spawn} from 'node:child_process';
import {stopWithRun} from './stop-signals.js';

/** How a program ended: its exit code (null: killed, or not started), what it wrote, whether the time ran out. */
export type ProgramRun = {code: number | null; stdout: Buffer; stderr: string; error?: NodeJS.ErrnoException; timedOut: boolean};

/**
 * Runs a program, never through a shell, within a time limit (then SIGKILL), stopped with this run
 * (stop-signals.ts); `input`, when given, is its standard input. Resolves, never rejects: a program
 * that cannot be started has `error` set.
 */
export async function runProgram(command: string, args: string[], {cwd, env, timeoutMs, input}: {cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; input?: Buffer}): Promise<ProgramRun> {
	return new Promise(resolve => {
		const child = spawn(command, args, {cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']});
		stopWithRun(child);
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
		if (input !== undefined) {
			child.stdin!.on('error', () => undefined);
			child.stdin!.end(input);
		}

		child.on('error', error => {
			clearTimeout(timer);
			resolve({code: null, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('latin1'), error, timedOut});
		});
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('latin1'), timedOut});
		});
	});
}
