// A small SMTP client: one command at a time, every wait bounded, every reply bounded in size.
// The same session code talks to a live server over TCP and to `sendmail -bs` over its stdin and
// stdout: only the transport differs.
import net from 'node:net';
import {Duplex, type Readable, type Writable} from 'node:stream';
import tls from 'node:tls';
import type {SmtpReply} from '../core/verify-checks.js';
import {fail, ok, type Result} from '../core/result.js';
import {safeLine} from '../core/sanitize.js';
import {addressText} from '../core/address.js';

export type SmtpClientOptions = {
	connectTimeoutMs?: number;
	replyTimeoutMs?: number;
	/** Bounds on what the other side may send; the defaults suit any real SMTP server. */
	limits?: Partial<SmtpReplyLimits>;
};

export type SmtpReplyLimits = {
	/** One reply line, in bytes without CRLF. RFC 5321 4.5.3.1.5 allows 512 with CRLF. */
	lineBytes: number;
	/** One reply, all its lines (sendmail's HELP is about 30 lines, 1.5 KB). */
	replyBytes: number;
	/** Everything read in one conversation (the recipient probe reads up to 1001 short replies). */
	conversationBytes: number;
};

export const DEFAULT_REPLY_LIMITS: SmtpReplyLimits = {
	lineBytes: 2048,
	replyBytes: 64 * 1024,
	conversationBytes: 1024 * 1024,
};

/** The conversation the checks hold: a greeting, then one command and its whole reply at a time. */
export type SmtpSession = {
	/** The server's 220 (or other) greeting. */
	greeting: SmtpReply;
	/** Lines the other side printed before its greeting (sendmail -bs complaints); empty for a server. */
	complaints: string[];
	/** The addresses of a TCP connection's two ends, where there is one. */
	localAddress?: string;
	remoteAddress?: string;
	/** Sends one command line (without CRLF) and waits for its whole reply. */
	send(command: string): Promise<Result<SmtpReply>>;
	/** Says QUIT (when the conversation is still open) and ends it. Never fails. */
	close(): Promise<void>;
	/**
	 * After the server's "220 Ready to start TLS": the TLS handshake over the same transport, after
	 * which commands and replies travel encrypted. fail() when the handshake does not complete (the
	 * session is then over). The certificate is not judged here: only that TLS works.
	 */
	startTls(): Promise<Result<TlsFacts>>;
};

/** What a completed handshake negotiated. */
export type TlsFacts = {protocol: string; cipher: string};

/** Two byte streams and a way to end them: a socket, or a child's stdout and stdin. */
export type SmtpTransport = {
	/** What the server says. */
	input: Readable;
	/** Where commands go. */
	output: Writable;
	/** Ends the conversation at once (destroys the socket, kills the child). */
	destroy(): void;
	/** Adds to a failure the transport knows more about (e.g. what a child said on stderr). */
	explain?(failure: string): string;
};

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Holds an SMTP conversation over a transport: reads the greeting, then sends commands one at a
 * time, waiting for each reply (sendmail answers commands sent ahead of their turn with 554).
 * `peer` names the other side in errors ("the server at 127.0.0.1:25", "sendmail -bs").
 */
export async function smtpSession(
	transport: SmtpTransport,
	peer: string,
	options: {
		replyTimeoutMs?: number;
		limits?: Partial<SmtpReplyLimits>;
		describeError?: (error: NodeJS.ErrnoException) => string;
		/**
		 * sendmail -bs prints complaints about its config on stdout before the greeting ("451 4.0.0 hash
		 * map "access": unsafe map file ...", "Msmtp: Warning: ...") and then serves normally. With
		 * this many lines allowed, lines before a 220/421/554 are kept as complaints instead of ending
		 * the session; only an exit without a greeting is a failure.
		 */
		complaintLines?: number;
		localAddress?: string;
		remoteAddress?: string;
	} = {},
): Promise<Result<SmtpSession>> {
	const replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
	const limits = {...DEFAULT_REPLY_LIMITS, ...options.limits};
	// The streams replies come in on and commands go out on; after STARTTLS, the TLS socket.
	let input: Readable = transport.input;
	let output: Writable = transport.output;
	let pending = '';
	let lines: string[] = [];
	let replyBytes = 0;
	let conversationBytes = 0;
	const replies: SmtpReply[] = [];
	let failure: string | undefined;
	let ended = false;
	const complaints: string[] = [];
	let greeted = (options.complaintLines ?? 0) === 0;
	let wake: (() => void) | undefined;
	const notify = () => {
		const waiter = wake;
		wake = undefined;
		waiter?.();
	};

	const stop = (why: string) => {
		// Whatever it printed before leaving is the reason it gave (e.g. "451 4.0.0 can not chdir(...)").
		const closed = why === `${peer} closed the connection`;
		const reason = closed && !greeted && complaints.length > 0 ? `${peer} ended without a greeting; it said: ${complaints.slice(0, 3).join(' / ')}` : why;
		failure ??= transport.explain?.(reason) ?? reason;
		ended = true;
		input.removeListener('data', onData);
		transport.destroy();
		notify();
	};

	function onData(chunk: Buffer) {
		conversationBytes += chunk.length;
		if (conversationBytes > limits.conversationBytes) {
			stop(`${peer} sent more than ${limits.conversationBytes} bytes in one conversation; it does not look like an SMTP server`);
			return;
		}

		pending += chunk.toString('latin1');
		let end: number;
		while ((end = pending.indexOf('\n')) !== -1) {
			const raw = pending.slice(0, end).replace(/\r$/, '');
			pending = pending.slice(end + 1);
			if (raw.length > limits.lineBytes) {
				stop(`${peer} sent a reply line longer than ${limits.lineBytes} bytes; it does not look like an SMTP server`);
				return;
			}

			replyBytes += raw.length + 2;
			if (replyBytes > limits.replyBytes) {
				stop(`${peer} sent a reply longer than ${limits.replyBytes} bytes; it does not look like an SMTP server`);
				return;
			}

			// Control bytes (an escape sequence in a hostile reply) never reach a terminal raw.
			// Tabs (sendmail's HELP indents with them) stay as they are.
			const line = raw.split('\t').map(part => safeLine(part)).join('\t');
			if (!greeted) {
				if (lines.length === 0 && !/^(?:220|421|554)(?:[ -]|$)/.test(raw)) {
					complaints.push(line);
					replyBytes = 0;
					if (complaints.length > (options.complaintLines ?? 0)) {
						stop(`${peer} printed more than ${options.complaintLines ?? 0} lines before its greeting; it does not look like an SMTP server`);
						return;
					}

					continue;
				}

				greeted = true;
			}

			lines.push(line);
			// A reply ends with a line "NNN text" or a bare "NNN"; "NNN-text" continues it.
			const match = /^(\d{3})(?:[ ]|$)/.exec(raw);
			if (match) {
				replies.push({code: Number(match[1]), lines});
				lines = [];
				replyBytes = 0;
			} else if (!/^\d{3}-/.test(raw)) {
				stop(`${peer} does not speak SMTP (it sent "${line.slice(0, 60)}")`);
				return;
			}
		}

		if (pending.length > limits.lineBytes) {
			stop(`${peer} sent a reply line longer than ${limits.lineBytes} bytes; it does not look like an SMTP server`);
			return;
		}

		notify();
	}

	input.on('data', onData);
	const onError = (error: NodeJS.ErrnoException) => {
		if (!ended) {
			stop(options.describeError?.(error) ?? `the conversation with ${peer} failed (${error.code ?? error.message})`);
		}
	};

	input.on('error', onError);
	output.on('error', onError);
	input.on('close', () => {
		if (!ended) {
			stop(`${peer} closed the connection`);
		}
	});

	// Waits for a reply, a failure, or the end of the time.
	const nextReply = async (): Promise<Result<SmtpReply>> => {
		const deadline = Date.now() + replyTimeoutMs;
		while (replies.length === 0) {
			if (failure !== undefined) {
				return fail(failure);
			}

			const left = deadline - Date.now();
			if (left <= 0) {
				stop(`${peer} did not answer within ${seconds(replyTimeoutMs)}`);
				return fail(failure!);
			}

			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, left);
				wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}

		return ok(replies.shift()!);
	};

	const greeting = await nextReply();
	if (!greeting.ok) {
		stop(greeting.error);
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
			output.write(`${command}\r\n`);
			return await nextReply();
		} finally {
			busy = false;
		}
	};

	const close = async () => {
		if (failure === undefined) {
			await send('QUIT');
		}

		if (!ended) {
			ended = true;
			input.removeListener('data', onData);
			transport.destroy();
		}
	};

	const startTls = async (): Promise<Result<TlsFacts>> => {
		if (failure !== undefined) {
			return fail(failure);
		}

		input.removeListener('data', onData);
		// A TCP socket is TLS's own transport; a child's stdout and stdin become one duplex stream.
		const socket = transport.input instanceof net.Socket && (transport.output as unknown) === transport.input ? transport.input : Duplex.from({readable: input, writable: output});
		const secure = tls.connect({socket, rejectUnauthorized: false});
		const handshake = await new Promise<Result<TlsFacts>>(resolve => {
			const timer = setTimeout(() => {
				resolve(fail(`${peer} did not complete the TLS handshake within ${seconds(replyTimeoutMs)}`));
			}, replyTimeoutMs);
			secure.once('secureConnect', () => {
				clearTimeout(timer);
				resolve(ok({protocol: secure.getProtocol() ?? 'unknown', cipher: secure.getCipher()?.standardName ?? secure.getCipher()?.name ?? 'unknown'}));
			});
			secure.once('error', (error: NodeJS.ErrnoException) => {
				clearTimeout(timer);
				resolve(fail(`the TLS handshake with ${peer} failed (${safeLine(error.code ?? error.message)})`));
			});
			secure.once('close', () => {
				clearTimeout(timer);
				resolve(fail(`${peer} closed the connection during the TLS handshake`));
			});
		});
		if (!handshake.ok) {
			secure.destroy();
			stop(handshake.error);
			return handshake;
		}

		pending = '';
		input = secure;
		output = secure;
		secure.on('data', onData);
		secure.on('error', onError);
		secure.on('close', () => {
			if (!ended) {
				stop(`${peer} closed the connection`);
			}
		});
		const destroy = transport.destroy.bind(transport);
		transport = {...transport, destroy() {
			secure.destroy();
			destroy();
		}};
		return handshake;
	};

	return ok({greeting: greeting.value, complaints, send, close, startTls, ...(options.localAddress === undefined ? {} : {localAddress: options.localAddress}), ...(options.remoteAddress === undefined ? {} : {remoteAddress: options.remoteAddress})});
}

/** Connects over TCP and reads the greeting. Errors are one line for an admin. */
export async function smtpConnect(host: string, port: number, options: SmtpClientOptions = {}): Promise<Result<SmtpSession>> {
	const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
	const address = addressText({host, port});
	const socket = net.connect({host, port});
	socket.setNoDelay(true);

	const connectError = (error: NodeJS.ErrnoException) => {
		if (error.code === 'ECONNREFUSED') {
			return `nothing listens on ${address}`;
		}

		if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
			return `cannot find the host "${safeLine(host)}"; give an IP address such as 127.0.0.1`;
		}

		return `cannot connect to ${address} (${error.code ?? error.message})`;
	};

	const connected = await new Promise<Result<true>>(resolve => {
		const timer = setTimeout(() => {
			resolve(fail(`${address} did not accept a connection within ${seconds(connectTimeoutMs)}`));
		}, connectTimeoutMs);
		socket.once('connect', () => {
			clearTimeout(timer);
			resolve(ok(true));
		});
		socket.once('error', (error: NodeJS.ErrnoException) => {
			clearTimeout(timer);
			resolve(fail(connectError(error)));
		});
	});
	if (!connected.ok) {
		socket.destroy();
		return connected;
	}

	return smtpSession(
		{input: socket, output: socket, destroy: () => socket.destroy()},
		`the server at ${address}`,
		{
			replyTimeoutMs: options.replyTimeoutMs,
			limits: options.limits,
			describeError: error => `the connection to ${address} failed (${error.code ?? error.message})`,
			localAddress: socket.localAddress,
			remoteAddress: socket.remoteAddress,
		},
	);
}
