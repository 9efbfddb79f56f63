// Talks to a live server the way a stranger would, and hands the replies to the pure checks.
// No mail is ever sent: the one transaction opened for the recipient limit ends with RSET.
import type {Answers} from '../core/answers.js';
import {fail, ok, type Result} from '../core/result.js';
import {recipientProbeCount, verifyChecks, type Check, type SmtpReply, type VerifyTranscript} from '../core/verify-checks.js';
import {smtpConnect, type SmtpClientOptions, type SmtpSession} from './smtp-client.js';
import {addressText} from '../core/address.js';

export type VerifyResult = {
	transcript: VerifyTranscript;
	checks: Check[];
	/** The conversation as it went: "> COMMAND" and the server's lines. */
	exchange: string[];
};

export type VerifyOptions = SmtpClientOptions & {
	/** Bounds the whole conversation (the recipient probe may send up to 1000 commands). */
	totalTimeoutMs?: number;
};

// A local recipient every sendmail knows; the null sender needs no resolvable domain.
const probeRecipient = 'RCPT TO:<root@localhost>';
const probeSender = 'MAIL FROM:<>';

export async function verifyServer(host: string, port: number, answers: Answers, options: VerifyOptions = {}): Promise<Result<VerifyResult>> {
	const totalTimeoutMs = options.totalTimeoutMs ?? 120_000;
	const connection = await smtpConnect(host, port, options);
	if (!connection.ok) {
		return connection;
	}

	const address = addressText({host, port});
	return verifyConversation(connection.value, answers, {peer: `the server at ${address}`, totalTimeoutMs});
}

/**
 * The checks' conversation over any transport (a live server, or `sendmail -bs` in the rehearsal):
 * banner, HELP, MAIL before HELO, EHLO, VRFY, EXPN, then N+1 recipients and RSET. Closes the
 * session when done.
 */
export async function verifyConversation(
	session: SmtpSession,
	answers: Answers,
	options: {peer: string; totalTimeoutMs: number},
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
		if (isPositive(mailBeforeHelo)) {
			await ask('RSET');
		}

		// VRFY and EXPN after EHLO, so the answer shows novrfy/noexpn rather than needvrfyhelo.
		const ehlo = await ask('EHLO localhost');
		const vrfy = await ask('VRFY root');
		const expn = await ask('EXPN root');
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

		if (timedOut) {
			return fail(`${peer} did not finish the checks within ${totalTimeoutMs / 1000} s`);
		}

		const transcript: VerifyTranscript = {banner, help, mailBeforeHelo, ehlo, vrfy, expn, mailFrom, recipients, recipientsPlanned};
		return ok({transcript, checks: verifyChecks(answers, transcript), exchange});
	} finally {
		await session.close();
	}
}
