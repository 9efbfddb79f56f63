// A small SMTP client for probing a live server: one command at a time, every wait bounded.
import net from 'node:net';
import type {SmtpReply} from '../core/verify-checks.js';
import {fail, ok, type Result} from '../core/result.js';

export type SmtpClientOptions = {
	connectTimeoutMs?: number;
	replyTimeoutMs?: number;
};

export type SmtpSession = {
	/** The server's 220 (or other) greeting. */
	greeting: SmtpReply;
	/** Sends one command line (without CRLF) and waits for its whole reply. */
	send(command: string): Promise<Result<SmtpReply>>;
	/** Says QUIT (when the connection is still open) and closes it. Never fails. */
	close(): Promise<void>;
};

// RFC 5321 4.5.3.1.5 allows 512 octets a reply line; anything far longer is not an SMTP server.
const MAX_PENDING_BYTES = 64 * 1024;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Connects and reads the greeting. Errors are one line for an admin. */
export async function smtpConnect(host: string, port: number, options: SmtpClientOptions = {}): Promise<Result<SmtpSession>> {
	const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
	const replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
	const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

	const socket = net.connect({host, port});
	let pending = '';
	let lines: string[] = [];
	const replies: SmtpReply[] = [];
	let failure: string | undefined;
	let connected = false;
	let wake: (() => void) | undefined;
	const notify = () => {
		const waiter = wake;
		wake = undefined;
		waiter?.();
	};

	socket.setNoDelay(true);
	socket.on('connect', () => {
		connected = true;
		notify();
	});
	socket.on('data', chunk => {
		pending += chunk.toString('latin1');
		let end: number;
		while ((end = pending.indexOf('\n')) !== -1) {
			const line = pending.slice(0, end).replace(/\r$/, '');
			pending = pending.slice(end + 1);
			lines.push(line);
			// A reply ends with a line "NNN text" or a bare "NNN"; "NNN-text" continues it.
			const match = /^(\d{3})(?:[ ]|$)/.exec(line);
			if (match) {
				replies.push({code: Number(match[1]), lines});
				lines = [];
			} else if (!/^\d{3}-/.test(line)) {
				failure ??= `${address} does not speak SMTP (it sent "${line.slice(0, 60)}")`;
				socket.destroy();
			}
		}

		if (pending.length > MAX_PENDING_BYTES) {
			failure ??= `${address} sent an overlong reply line; it does not look like an SMTP server`;
			socket.destroy();
		}

		notify();
	});
	socket.on('error', (error: NodeJS.ErrnoException) => {
		if (failure === undefined) {
			if (error.code === 'ECONNREFUSED') {
				failure = `nothing listens on ${address}`;
			} else if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
				failure = `cannot find the host "${host}"; give an IP address such as 127.0.0.1`;
			} else if (connected) {
				failure = `the connection to ${address} failed (${error.code ?? error.message})`;
			} else {
				failure = `cannot connect to ${address} (${error.code ?? error.message})`;
			}
		}

		notify();
	});
	socket.on('close', () => {
		failure ??= `the server at ${address} closed the connection`;
		notify();
	});

	// Waits until a condition holds, a failure is known, or the time runs out.
	const waitFor = async (ready: () => boolean, ms: number, timeoutMessage: string): Promise<Result<true>> => {
		const deadline = Date.now() + ms;
		while (!ready()) {
			if (failure !== undefined) {
				return fail(failure);
			}

			const left = deadline - Date.now();
			if (left <= 0) {
				failure = timeoutMessage;
				socket.destroy();
				return fail(timeoutMessage);
			}

			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, left);
				wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}

		return ok(true);
	};

	const nextReply = async (): Promise<Result<SmtpReply>> => {
		const waited = await waitFor(() => replies.length > 0, replyTimeoutMs, `the server at ${address} did not answer within ${seconds(replyTimeoutMs)}`);
		return waited.ok ? ok(replies.shift()!) : waited;
	};

	const connection = await waitFor(() => connected, connectTimeoutMs, `${address} did not accept a connection within ${seconds(connectTimeoutMs)}`);
	if (!connection.ok) {
		socket.destroy();
		return connection;
	}

	const greeting = await nextReply();
	if (!greeting.ok) {
		socket.destroy();
		return greeting;
	}

	let busy = false;
	const send = async (command: string): Promise<Result<SmtpReply>> => {
		if (busy) {
			throw new Error('smtp-client: send() called while a command is still waiting for its reply');
		}

		if (/[\r\n]/.test(command)) {
			throw new Error('smtp-client: a command must be one line');
		}

		if (failure !== undefined) {
			return fail(failure);
		}

		busy = true;
		try {
			socket.write(`${command}\r\n`);
			return await nextReply();
		} finally {
			busy = false;
		}
	};

	const close = async () => {
		if (failure === undefined && !socket.destroyed) {
			await send('QUIT');
		}

		socket.destroy();
	};

	return ok({greeting: greeting.value, send, close});
}
