// Talks to a live server the way a stranger would, and hands the replies to the pure checks.
// No mail is ever sent: the one transaction opened for the recipient limit ends with RSET.
import type {Answers} from '../core/answers.js';
import {fail, ok, type Result} from '../core/result.js';
import {HARVEST_NAMES, harvestDomain, recipientProbeCount, verifyChecks, type Check, type HarvestProbe, type SmtpReply, type StarttlsProbe, type Vantage, type VerifyTranscript} from '../core/verify-checks.js';
import {smtpConnect, type SmtpClientOptions, type SmtpSession} from './smtp-client.js';
import {addressText} from '../core/address.js';
import {vantageOf} from './vantage.js';

export type VerifyResult = {
	transcript: VerifyTranscript;
	checks: Check[];
	/** The conversation as it went: "> COMMAND" and the server's lines. */
	exchange: string[];
};

export type VerifyOptions = SmtpClientOptions & {
	/** Bounds the whole conversation (the recipient probe may send up to 1000 commands). */
	totalTimeoutMs?: number;
	/** Where this client stands (see source/system/vantage.ts); undefined when not known. */
	vantage?: Vantage;
	/** Where STARTTLS must be offered (the config the server runs names a certificate). */
	starttlsExpected?: StarttlsProbe['expected'];
};

// A local recipient every sendmail knows; the null sender needs no resolvable domain.
const probeRecipient = 'RCPT TO:<root@localhost>';
const probeSender = 'MAIL FROM:<>';
// A domain no server serves (RFC 2606): a "250" for it means the server relays.
const relayRecipient = 'RCPT TO:<relay-probe@example.org>';
// ETRN for a node that cannot exist (RFC 2606 .invalid): a queue run it starts matches nothing.
const etrnCommand = 'ETRN probe.invalid';
/** A reply this slow after unknown recipients is BadRcptThrottle's one-second pause. */
const THROTTLE_MS = 800;

export async function verifyServer(host: string, port: number, answers: Answers, options: VerifyOptions = {}): Promise<Result<VerifyResult>> {
	const totalTimeoutMs = options.totalTimeoutMs ?? 120_000;
	// The time to the 220, connection included: a greet_pause shows as seconds here.
	const started = performance.now();
	const connection = await smtpConnect(host, port, options);
	const greetingMs = Math.round(performance.now() - started);
	if (!connection.ok) {
		return connection;
	}

	const address = addressText({host, port});
	// The server sees this end's address; it counts as its own when the server is on this host.
	const {localAddress, remoteAddress} = connection.value;
	const vantage = options.vantage ?? {kind: vantageOf(remoteAddress ?? host).kind, address: localAddress ?? '(unknown)'};
	return verifyConversation(connection.value, answers, {
		peer: `the server at ${address}`,
		totalTimeoutMs,
		vantage,
		greetingMs,
		openAnother: async () => smtpConnect(host, port, options),
		...(options.starttlsExpected === undefined ? {} : {starttlsExpected: options.starttlsExpected}),
	});
}

/**
 * The checks' conversation over any transport (a live server, or `sendmail -bs` in the rehearsal):
 * banner, HELP, MAIL before HELO, EHLO, VRFY, EXPN, then N+1 recipients and RSET. Closes the
 * session when done.
 */
export async function verifyConversation(
	session: SmtpSession,
	answers: Answers,
	options: {
		peer: string;
		totalTimeoutMs: number;
		vantage?: Vantage;
		/** A live server: the ms its greeting took (the rehearsal's -bs has no greeting pause to measure). */
		greetingMs?: number;
		/**
		 * A second session for the account harvest: it gets a connection of its own, so that a server
		 * that closes after N unknown recipients (BadRcptShutdown) cuts only the harvest short, and
		 * it counts as a harvester's first connection would. Without it, no harvest is tried.
		 */
		openAnother?: () => Promise<Result<SmtpSession>>;
		/** Where STARTTLS must be offered (the config names a certificate): why, and sendmail's reason if it will not be. */
		starttlsExpected?: StarttlsProbe['expected'];
	},
): Promise<Result<VerifyResult>> {
	const {peer, totalTimeoutMs} = options;
	const deadline = Date.now() + totalTimeoutMs;
	const exchange = [...session.greeting.lines];
	const banner = session.greeting;
	if (banner.code !== 220) {
		await session.close();
		return fail(`${peer} refused the connection: ${banner.lines[0] ?? banner.code}`);
	}

	let ended = false;
	let timedOut = false;
	let closed = false;
	// Undefined once the server has hung up or the time is up; later steps are then skipped.
	const ask = async (command: string): Promise<SmtpReply | undefined> => {
		if (ended) {
			return undefined;
		}

		if (Date.now() > deadline) {
			ended = true;
			timedOut = true;
			return undefined;
		}

		exchange.push(`> ${command}`);
		const reply = await session.send(command);
		if (!reply.ok) {
			exchange.push(`(${reply.error})`);
			ended = true;
			return undefined;
		}

		exchange.push(...reply.value.lines);
		return reply.value;
	};

	const isPositive = (reply: SmtpReply | undefined) => reply !== undefined && reply.code >= 200 && reply.code < 300;

	try {
		const help = await ask('HELP');
		const mailBeforeHelo = await ask(probeSender);
		// Relaying is asked in the session's first transaction: sendmail -bs forgets the client it was
		// told it talks to (-M{client_addr}) at the first RSET, and then answers as to a local client.
		let relay: SmtpReply | undefined;
		if (isPositive(mailBeforeHelo)) {
			relay = await ask(relayRecipient);
			await ask('RSET');
		}

		// VRFY and EXPN after EHLO, so the answer shows novrfy/noexpn rather than needvrfyhelo.
		const ehlo = await ask('EHLO localhost');
		const vrfy = await ask('VRFY root');
		const expn = await ask('EXPN root');
		if (relay === undefined && isPositive(await ask(probeSender))) {
			relay = await ask(relayRecipient);
			await ask('RSET');
		}

		const mailFrom = await ask(probeSender);
		const recipients: SmtpReply[] = [];
		const recipientsPlanned = recipientProbeCount(answers);
		if (isPositive(mailFrom)) {
			for (let sent = 0; sent < recipientsPlanned; sent++) {
				const reply = await ask(probeRecipient);
				if (reply === undefined) {
					break;
				}

				recipients.push(reply);
				if (!isPositive(reply)) {
					break;
				}
			}

			await ask('RSET');
		}

		// ETRN and a DSN request: refused under noetrn and noreceipts.
		const etrn = await ask(etrnCommand);
		const dsnMail = await ask(`${probeSender} RET=HDRS`);
		if (isPositive(dsnMail)) {
			await ask('RSET');
		}

		// STARTTLS last: after it the server forgets the session's state, and the rest travels encrypted.
		const offered = ehlo?.lines.some(line => /^250[ -]STARTTLS(?: |$)/i.test(line)) ?? false;
		let starttls: StarttlsProbe | undefined;
		if (offered || options.starttlsExpected !== undefined) {
			starttls = {offered, ...(options.starttlsExpected === undefined ? {} : {expected: options.starttlsExpected})};
			if (offered) {
				starttls.ready = await ask('STARTTLS');
				if (starttls.ready?.code === 220) {
					const handshake = await session.startTls();
					exchange.push(handshake.ok ? `(TLS handshake: ${handshake.value.protocol}, ${handshake.value.cipher})` : `(${handshake.error})`);
					starttls.handshake = handshake.ok ? {ok: true, ...handshake.value} : {ok: false, error: handshake.error};
					// A failed handshake ends the session; the account harvest still gets its own.
					if (handshake.ok) {
						starttls.ehloAfter = await ask('EHLO localhost');
					}
				}
			}
		}

		if (timedOut) {
			return fail(`${peer} did not finish the checks within ${totalTimeoutMs / 1000} s`);
		}

		const transcript: VerifyTranscript = {banner, help, mailBeforeHelo, ehlo, vrfy, expn, mailFrom, recipients, recipientsPlanned, vantage: options.vantage, etrn, dsnMail, relay, ...(options.greetingMs === undefined ? {} : {greetingMs: options.greetingMs}), ...(starttls === undefined ? {} : {starttls})};
		await session.close();
		closed = true;
		if (options.openAnother !== undefined && !ended) {
			const harvest = await harvestAccounts(options.openAnother, banner, exchange, deadline);
			if (harvest === 'timeout') {
				return fail(`${peer} did not finish the checks within ${totalTimeoutMs / 1000} s`);
			}

			transcript.harvest = harvest;
		}

		return ok({transcript, checks: verifyChecks(answers, transcript), exchange});
	} finally {
		if (!closed) {
			await session.close();
		}
	}
}

/**
 * The account harvest, on its own connection: EHLO, MAIL FROM:<>, then RCPT TO:<name@domain> for
 * each common name until the server answers other than 2xx/5xx (e.g. 421, closing). Never DATA;
 * RSET and QUIT at the end. Undefined when the second connection could not be had.
 */
async function harvestAccounts(open: () => Promise<Result<SmtpSession>>, banner: SmtpReply, exchange: string[], deadline: number): Promise<HarvestProbe | undefined | 'timeout'> {
	const opened = await open();
	if (!opened.ok) {
		exchange.push(`(the harvest's connection failed: ${opened.error})`);
		return undefined;
	}

	const session = opened.value;
	exchange.push('(a second connection, for the account harvest)', ...session.greeting.lines);
	const domain = harvestDomain(banner);
	const replies: SmtpReply[] = [];
	const ask = async (command: string): Promise<SmtpReply | undefined> => {
		exchange.push(`> ${command}`);
		const reply = await session.send(command);
		if (!reply.ok) {
			exchange.push(`(${reply.error})`);
			return undefined;
		}

		exchange.push(...reply.value.lines);
		return reply.value;
	};

	try {
		if (session.greeting.code !== 220 || (await ask('EHLO localhost'))?.code !== 250 || (await ask(probeSender))?.code !== 250) {
			return {domain, replies};
		}

		let unknown = 0;
		let throttled = false;
		for (const name of HARVEST_NAMES) {
			if (Date.now() > deadline) {
				return 'timeout';
			}

			const started = Date.now();
			const reply = await ask(`RCPT TO:<${name}@${domain}>`);
			if (reply === undefined) {
				break;
			}

			replies.push(reply);
			if (reply.code < 200 || (reply.code >= 300 && reply.code < 500)) {
				break;
			}

			// BadRcptThrottle: after N unknown recipients sendmail waits a second before each reply. The
			// harvest stops there and says so rather than wait 1 s per name (a harvester only has to be patient).
			unknown += reply.code >= 500 ? 1 : 0;
			if (unknown > 0 && Date.now() - started >= THROTTLE_MS) {
				throttled = true;
				break;
			}
		}

		await ask('RSET');
		return {domain, replies, ...(throttled ? {throttled} : {})};
	} finally {
		await session.close();
	}
}
