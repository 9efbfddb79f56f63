// Talks SMTP to `sendmail -C FILE -bs` (a session on stdin/stdout, no daemon, no port), one command
// at a time: Debian's sendmail answers commands sent ahead of their turn with 554 (docs/sendmail.md, "Asking sendmail: -bt, -bC, -bs").
// The tests of the flag explanations use it to ask sendmail itself, independently of the product.
import {spawn} from 'node:child_process';
import {sendmailWrapper} from './sendmail.js';

export type BsReply = {code: number; lines: string[]};

/**
 * Runs one session: the greeting, then each command's reply in order. A command that holds line
 * breaks is sent as it is (a message body after DATA ends with "\r\n.").
 */
export async function bsSession(cfPath: string, commands: readonly string[], options: {args?: string[]; timeoutMs?: number} = {}): Promise<BsReply[]> {
	const child = spawn(sendmailWrapper, ['-C', cfPath, ...(options.args ?? []), '-bs'], {stdio: ['pipe', 'pipe', 'inherit']});
	const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
	let pending = '';
	let lines: string[] = [];
	const replies: BsReply[] = [];
	let wake: (() => void) | undefined;
	let ended = false;
	child.stdout.on('data', (chunk: Buffer) => {
		pending += chunk.toString('latin1');
		let end: number;
		while ((end = pending.indexOf('\n')) !== -1) {
			const line = pending.slice(0, end).replace(/\r$/, '');
			pending = pending.slice(end + 1);
			lines.push(line);
			if (!/^\d{3}-/.test(line)) {
				replies.push({code: Number(line.slice(0, 3)), lines});
				lines = [];
			}
		}

		wake?.();
	});
	let exited = false;
	child.on('exit', () => {
		exited = true;
		wake?.();
	});
	child.on('close', () => {
		ended = true;
		wake?.();
	});

	const next = async (): Promise<BsReply> => {
		while (replies.length === 0) {
			if (ended) {
				throw new Error(`sendmail -bs ended before answering (${cfPath})`);
			}

			await new Promise<void>(resolve => {
				wake = resolve;
			});
			wake = undefined;
		}

		return replies.shift()!;
	};

	try {
		const answers = [await next()];
		for (const command of commands) {
			child.stdin.write(`${command}\r\n`);
			answers.push(await next());
		}

		child.stdin.end('QUIT\r\n');
		// The session is over when sendmail has exited: until then it may still be rewriting its
		// queue files (a tf file renamed over the qf), which a caller reading or clearing the queue
		// would race with.
		while (!exited) {
			await new Promise<void>(resolve => {
				wake = resolve;
			});
			wake = undefined;
		}

		return answers;
	} finally {
		clearTimeout(timer);
	}
}
