// The short SMTP conversation the Privacy step has sendmail answer for the flags ticked now, and
// how its replies are read back for one flag's effects. Pure: the conversation happens elsewhere.
import {PRIVACY_FLAGS, type FlagEffect, type PrivacyFlag, type SmtpState} from './privacy-flags.js';
import type {SmtpReply} from './verify-checks.js';

type ProbeStep = {state: SmtpState; command: string};

/**
 * One session covers every flag's SMTP effects, so moving the highlight needs no new session.
 * ETRN is left out: it starts a real queue run. RSET closes what MAIL FROM opened; no DATA is sent.
 */
export const FLAG_PROBE: readonly ProbeStep[] = [
	{state: 'before HELO', command: 'MAIL FROM:<a@example.org>'},
	{state: 'before HELO', command: 'RSET'},
	{state: 'before HELO', command: 'VRFY root'},
	{state: 'before HELO', command: 'EXPN root'},
	{state: 'after EHLO', command: 'EHLO client.example.org'},
	{state: 'after EHLO', command: 'VRFY root'},
	{state: 'after EHLO', command: 'EXPN root'},
	{state: 'after EHLO', command: 'MAIL FROM:<root@localhost>'},
	{state: 'in a transaction', command: 'RCPT TO:<root> NOTIFY=SUCCESS'},
	{state: 'after EHLO', command: 'RSET'},
	{state: 'after EHLO', command: 'VERB'},
];

export const FLAG_PROBE_COMMANDS: readonly string[] = FLAG_PROBE.map(step => step.command);

/** The EHLO keywords a reply lists ("250-DSN", "250 HELP"), upper-cased. */
export function ehloKeywords(reply: SmtpReply): string[] {
	return reply.lines.slice(1).map(line => line.slice(4).split(' ')[0]!.toUpperCase());
}

export type LiveEffect = {
	/** What was asked, as the flag's help writes it: "VRFY root", "EHLO". */
	asked: string;
	/** What sendmail said: the reply's first line, or whether EHLO lists the keyword. */
	said: string;
	/** False when the explanation's text for this state of the flag says otherwise. */
	agrees: boolean;
};

// A reply's code and enhanced status ("252 2.5.2"): what the explanation and sendmail must share.
const codeOf = (line: string) => /^\d{3}(?: \d\.\d{1,3}\.\d{1,3})?/.exec(line)?.[0] ?? line;

/**
 * What sendmail answered, for each of a flag's SMTP effects the probe asked about, with the flag
 * on (`flagOn`: chosen, or set by goaway) or off. Effects the probe does not ask (ETRN) are left out.
 */
export function liveEffects(flag: PrivacyFlag, flagOn: boolean, replies: readonly SmtpReply[]): LiveEffect[] {
	const effects: LiveEffect[] = [];
	for (const effect of PRIVACY_FLAGS[flag].effects) {
		const live = liveEffect(effect, flagOn, replies);
		if (live !== undefined) {
			effects.push(live);
		}
	}

	return effects;
}

function liveEffect(effect: FlagEffect, flagOn: boolean, replies: readonly SmtpReply[]): LiveEffect | undefined {
	if (effect.kind === 'reply') {
		const index = FLAG_PROBE.findIndex(step => step.state === effect.state && step.command === effect.command);
		const reply = index === -1 ? undefined : replies[index];
		if (reply === undefined) {
			return undefined;
		}

		const said = reply.lines[0] ?? String(reply.code);
		const expected = flagOn ? effect.after : effect.before;
		return {asked: effect.state === 'before HELO' ? `${effect.command} (before HELO)` : effect.command, said, agrees: codeOf(said) === codeOf(expected)};
	}

	if (effect.kind === 'ehlo') {
		const index = FLAG_PROBE.findIndex(step => step.command.startsWith('EHLO '));
		const reply = replies[index];
		if (reply === undefined) {
			return undefined;
		}

		const listed = ehloKeywords(reply).includes(effect.keyword);
		return {asked: 'EHLO', said: listed ? `lists ${effect.keyword}` : `no ${effect.keyword}`, agrees: listed !== flagOn};
	}

	return undefined;
}
