// The rehearsal: asks the installed sendmail what a config answers, before a byte is written.
// `sendmail -C CANDIDATE -bs` speaks SMTP on stdin/stdout with that config (no daemon, no port),
// and the same conversation and checks as `verify` run over it.
import {spawn} from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type {Answers} from '../core/answers.js';
import {helpFilePath} from '../core/plan.js';
import {fail, ok, type Result} from '../core/result.js';
import {safeLine} from '../core/sanitize.js';
import type {Check, SmtpReply, StarttlsProbe, Vantage} from '../core/verify-checks.js';
import {namesServerCertificate} from '../core/starttls-files.js';
import {starttlsProblem} from './starttls-files.js';
import {vantageOf} from './vantage.js';
import {toBytes} from './read-files.js';
import {configHostName, hostContext, hostNameFix, sendmailRun, UNQUALIFIED_SLEEP_SECONDS, type HostContext, type SendmailRun} from './host-name.js';
import {findSendmail} from './sendmail.js';
import {smtpSession, type SmtpReplyLimits, type SmtpSession} from './smtp-client.js';
import {stopWithRun} from './stop-signals.js';
import {verifyConversation} from './verify-server.js';
import {sendmailStarttlsReason} from './sendmail-log.js';
import {verifyChecks} from '../core/verify-checks.js';

export type RehearsalReport =
	| {
		status: 'ran'; checks: Check[]; exchange: string[]; agrees: boolean /* no check failed */;
		/** The host name sendmail saw, and whether it was a private one given for the rehearsal (unqualified host). */
		hostName?: {name: string; private: boolean};
		/** The client sendmail was told it talks to (-M{client_addr}, -M{client_name}). */
		vantage?: Vantage & {name: string};
		/** What sendmail printed before its greeting, then served anyway (e.g. an access map it finds unsafe). */
		complaints?: string[];
		/** Whether the current config draws the same complaints (asked only when there are some). */
		complaintsNow?: boolean;
	}
	| {status: 'skipped'; reason: string}; // no sendmail installed; not root; ...

export type RehearsalOptions = {
	env?: NodeJS.ProcessEnv;
	/** The whole rehearsal, sendmail's start included (default 30 s, plus 60 s when sendmail must sleep). */
	timeoutMs?: number;
	signal?: AbortSignal;
	/** Called once a second while sendmail sleeps on an unqualified host name (seconds left). */
	onHostNameWait?: (secondsLeft: number) => void;
	/** A qualified host name to give sendmail when the machine's is not (e.g. --hostname). */
	hostName?: string;
	/** The client address sendmail answers as if talking to (--from); DEFAULT_FROM when not given. */
	from?: string;
	/**
	 * The config in force, where the rehearsed one would replace it: when it names a certificate,
	 * the new one must still offer STARTTLS (a lost certificate drops STARTTLS without a word).
	 */
	currentCfText?: string;
	/** For tests: the host name facts, and the reply bounds. */
	host?: HostContext;
	limits?: Partial<SmtpReplyLimits>;
};

/**
 * The outsider the rehearsal plays by default: an address from a documentation range (RFC 5737)
 * that no access map favours. Not 192.0.2.0/24: Debian's access map rejects that range outright.
 */
export const DEFAULT_FROM = '198.51.100.7';
export const DEFAULT_FROM_NAME = 'outside.example.net';

/** How many lines sendmail may print before its greeting (complaints about the config) before it counts as broken. */
const COMPLAINT_LINES = 20;

/**
 * The client sendmail is told it talks to. sendmail writes an IPv6 client address with an "IPv6:"
 * tag (as the access map's "Connect:IPv6:::1" keys show), so the macro gets the same form.
 */
export function clientMacros(address: string, name: string): string[] {
	return [`-M{client_addr}${address.includes(':') ? `IPv6:${address}` : address}`, `-M{client_name}${name}`];
}

/** What sendmail says on stderr is kept up to this many bytes. */
const STDERR_BYTES = 4096;

/**
 * A folder only root can enter, with no world-writable folder above it: sendmail reads a HelpFile
 * only from a path it deems safe (under /tmp it answers HELP with "502 5.3.0 ... HELP not
 * implemented" unless the config trusts sticky folders), so the rehearsal would not be the
 * server's answer elsewhere.
 */
export async function privateFolder(env: NodeJS.ProcessEnv): Promise<Result<string>> {
	const stateDir = env['SENDMAIL_HARDEN_STATE_DIR'] ?? '/var/lib/sendmail-harden';
	// /run where the system has one (never created here), else the tool's state folder.
	const candidates = [{base: '/run/sendmail-harden', makeParent: false}, {base: path.join(stateDir, 'rehearsal'), makeParent: true}];
	const problems: string[] = [];
	for (const {base, makeParent} of candidates) {
		const safe = await safeBase(base, makeParent);
		if (safe === undefined) {
			return ok(await fs.mkdtemp(path.join(base, 'run-')));
		}

		problems.push(safe);
	}

	return fail(`found no private folder for the rehearsal (${problems.join('; ')})`);
}

/** Undefined when `base` is (now) a root-only folder under folders nobody else can write; else why not. */
async function safeBase(base: string, makeParent: boolean): Promise<string | undefined> {
	const parent = path.dirname(base);
	try {
		if (makeParent) {
			await fs.mkdir(parent, {recursive: true, mode: 0o755});
		}

		await fs.mkdir(base, {mode: 0o700});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
			return `${base}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
		}
	}

	const uid = process.getuid?.() ?? 0;
	const info = await fs.lstat(base);
	if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o077) !== 0) {
		return `${base} is not a folder only this user can open`;
	}

	for (let folder = parent; ; folder = path.dirname(folder)) {
		const above = await fs.stat(folder);
		if ((above.mode & 0o022) !== 0 || (above.uid !== 0 && above.uid !== uid)) {
			return `${folder} is writable by others`;
		}

		if (folder === path.dirname(folder)) {
			return undefined;
		}
	}
}

/**
 * The candidate config with its HelpFile pointed at the copy of the candidate help text: a last
 * `O HelpFile=` line wins over earlier ones. A config that names no HelpFile is left as it is.
 */
export function rehearsalConfig(cfText: string, helpFile: string | undefined): string {
	if (helpFile === undefined || helpFilePath(cfText) === undefined) {
		return cfText;
	}

	const newline = cfText.includes('\r\n') ? '\r\n' : '\n';
	const ending = cfText === '' || cfText.endsWith('\n') ? '' : newline;
	return `${cfText}${ending}O HelpFile=${helpFile}${newline}`;
}

/**
 * Why the rehearsal cannot ask sendmail here, or undefined when it can. Not root: besides -C, the
 * outside client needs -M{client_addr}, which sendmail refuses to anyone else ("Program mode
 * requires special privileges, e.g., root or TrustedUser.", exit 78), so nothing is asked.
 */
function cannotRehearse(program: string | undefined, host: HostContext): string | undefined {
	if (program === undefined) {
		return 'sendmail is not installed here, so it could not be asked what this config answers';
	}

	if (!host.root) {
		return `not running as root: sendmail reads a private copy of the config (sendmail -C) with the server's own rights, and plays an outside client (-M{client_addr}) only for root, so what clients would see was not checked${host.check.qualifiedAs === undefined ? ` (also, the host name "${host.check.name}" is not fully qualified: ${hostNameFix(host.check)})` : ''}`;
	}

	return undefined;
}

/** How the session went: its time limit, the host name sendmail ran under, the client it played, and a way to open another session. */
type ConverseFacts = {timeoutMs: number; hostName: {name: string; private: boolean}; vantage: Vantage & {name: string}; openAnother: () => Promise<Result<SmtpSession>>};
/** With them, the sendmail run, its private folder and the host facts, for a further run of sendmail's own. */
type SessionFacts = ConverseFacts & {program: string; folder: string; host: HostContext};

/**
 * Runs the candidate files in the installed sendmail (`sendmail -C COPY -bs`) and holds the same
 * conversation as `verify`. ok(skipped) when sendmail cannot be asked here; fail() when it should
 * have answered and did not (timeout, crash, a refused greeting).
 */
export async function rehearseFiles(
	files: {cfText: string; helpFileText?: string},
	answers: Answers,
	options: RehearsalOptions = {},
): Promise<Result<RehearsalReport>> {
	const starttlsExpected = await starttlsExpectation(files.cfText, options.currentCfText);
	return inSendmail(files, options, async (session, {timeoutMs, hostName, vantage, openAnother, program, folder, host}) => {
		const result = await verifyConversation(session, answers, {peer: 'sendmail -bs', totalTimeoutMs: timeoutMs, vantage, openAnother, ...(starttlsExpected === undefined ? {} : {starttlsExpected})});
		if (!result.ok) {
			return result;
		}

		const {exchange, transcript} = result.value;
		let {checks} = result.value;
		const lost = transcript.starttls;
		if (lost?.expected !== undefined && !lost.offered) {
			// sendmail's own words for it, from its log, before the tool's reading of its rules.
			const said = await sendmailStarttlsReason(program!, files.cfText, folder, host, options.hostName ?? configHostName(files.cfText));
			if (said !== undefined) {
				lost.expected = {...lost.expected, problem: `${safeLine(said)} (sendmail's log)`};
				checks = verifyChecks(answers, transcript);
			}
		}

		return ok({
			status: 'ran' as const, checks, exchange, agrees: checks.every(check => check.status !== 'fail'), hostName, vantage,
			...(session.complaints.length > 0 ? {complaints: session.complaints} : {}),
		});
	});
}

/**
 * Whether the rehearsed config must offer STARTTLS: it names a certificate, or the config in force
 * does. With it, sendmail's reason for not offering STARTTLS, where its file checks find one (the
 * files named in the very text rehearsed).
 */
export async function starttlsExpectation(cfText: string, currentCfText: string | undefined): Promise<StarttlsProbe['expected']> {
	const now = currentCfText !== undefined && namesServerCertificate(currentCfText);
	if (!now && !namesServerCertificate(cfText)) {
		return undefined;
	}

	// The reason names a path from the config: printed, it must not carry control bytes.
	const found = await starttlsProblem(cfText);
	const problem = found === undefined ? undefined : safeLine(found);
	return {because: now ? 'as the config in force has' : 'the config names a ServerCertFile', ...(problem === undefined ? {} : {problem})};
}

export type SendmailAnswers =
	| {status: 'ran'; greeting: SmtpReply; replies: SmtpReply[]; complaints?: string[]}
	| {status: 'skipped'; reason: string};

/**
 * Asks the installed sendmail, with these files, for its greeting and its replies to a few
 * commands, one at a time (the wizard's live previews). The session ends with QUIT; the caller
 * sends no DATA, so nothing is ever queued.
 */
export async function askSendmail(
	files: {cfText: string; helpFileText?: string},
	commands: readonly string[],
	options: RehearsalOptions = {},
): Promise<Result<SendmailAnswers>> {
	return inSendmail(files, options, async session => {
		const replies: SmtpReply[] = [];
		for (const command of commands) {
			const reply = await session.send(command);
			if (!reply.ok) {
				return reply;
			}

			replies.push(reply.value);
		}

		return ok({status: 'ran' as const, greeting: session.greeting, replies, complaints: session.complaints});
	});
}

/**
 * Copies the files to a private folder, starts `sendmail -C COPY -bs` there with a qualified host
 * name, and hands its SMTP session to `talk`. ok(skipped) when sendmail cannot be asked here.
 */
async function inSendmail<T>(
	files: {cfText: string; helpFileText?: string},
	options: RehearsalOptions,
	talk: (session: SmtpSession, facts: SessionFacts) => Promise<Result<T>>,
): Promise<Result<T | {status: 'skipped'; reason: string}>> {
	const env = options.env ?? process.env;
	const host = options.host ?? hostContext();
	const program = findSendmail(env);
	const why = cannotRehearse(program, host);
	if (why !== undefined) {
		return ok({status: 'skipped', reason: why});
	}

	const folder = await privateFolder(env);
	if (!folder.ok) {
		return folder;
	}

	try {
		const cfPath = path.join(folder.value, 'sendmail.cf');
		const helpPath = files.helpFileText === undefined ? undefined : path.join(folder.value, 'helpfile');
		if (helpPath !== undefined) {
			await fs.writeFile(helpPath, toBytes(files.helpFileText!), {mode: 0o600, flag: 'wx'});
		}

		await fs.writeFile(cfPath, toBytes(rehearsalConfig(files.cfText, helpPath)), {mode: 0o600, flag: 'wx'});
		const from = options.from ?? DEFAULT_FROM;
		// The same name for any address: without a client name sendmail answers relaying with a temporary 450.
		const fromName = DEFAULT_FROM_NAME;
		const run = sendmailRun(program!, ['-C', cfPath, '-bs', ...clientMacros(from, fromName)], host, options.hostName ?? configHostName(files.cfText));
		if (run.how === 'waits' && options.onHostNameWait === undefined) {
			// Never a silent 60 s wait: a caller that can show a countdown passes onHostNameWait.
			return ok({status: 'skipped', reason: `the host name "${host.check.name}" is not fully qualified, so sendmail would sleep ${UNQUALIFIED_SLEEP_SECONDS} s before answering (fix: ${hostNameFix(host.check)})`});
		}

		const report = await converse(run, options, {...vantageOf(from), name: fromName}, async (session, facts) => talk(session, {...facts, program: program!, folder: folder.value, host}));
		// Errors name the candidate, not the throwaway copy.
		return report.ok ? report : fail(report.error.replaceAll(cfPath, 'the candidate sendmail.cf'));
	} finally {
		await fs.rm(folder.value, {recursive: true, force: true});
	}
}

async function converse<T>(
	run: SendmailRun,
	options: RehearsalOptions,
	vantage: Vantage & {name: string},
	talk: (session: SmtpSession, facts: ConverseFacts) => Promise<Result<T>>,
): Promise<Result<T>> {
	const sleeps = run.how === 'waits';
	const timeoutMs = (options.timeoutMs ?? 30_000) + (sleeps ? (UNQUALIFIED_SLEEP_SECONDS + 10) * 1000 : 0);
	// One deadline for everything, every sendmail started under it; the signal ends it early.
	const kills: Array<() => void> = [];
	let timedOut = false;
	const killAll = () => {
		for (const kill of kills) {
			kill();
		}
	};

	const timer = setTimeout(() => {
		timedOut = true;
		killAll();
	}, timeoutMs);
	const onAbort = () => killAll();
	options.signal?.addEventListener('abort', onAbort, {once: true});
	let countdown: NodeJS.Timeout | undefined;
	const stopCountdown = () => {
		if (countdown !== undefined) {
			clearInterval(countdown);
			countdown = undefined;
		}
	};

	if (sleeps && options.onHostNameWait) {
		let left = UNQUALIFIED_SLEEP_SECONDS;
		options.onHostNameWait(left);
		countdown = setInterval(() => {
			left = Math.max(left - 1, 0);
			options.onHostNameWait!(left);
		}, 1000);
	}

	const open = async (): Promise<Result<SmtpSession>> => {
		if (timedOut || options.signal?.aborted) {
			return fail(timedOut ? `sendmail -bs did not answer within ${timeoutMs / 1000} s` : 'the rehearsal was interrupted');
		}

		const child = spawn(run.command, run.args, {stdio: ['pipe', 'pipe', 'pipe'], detached: true});
		stopWithRun(child);
		let stderr = '';
		let exited: string | undefined;
		const kill = () => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// Already gone.
			}
		};

		child.stderr.on('data', (chunk: Buffer) => {
			if (stderr.length < STDERR_BYTES) {
				stderr += chunk.toString('latin1').slice(0, STDERR_BYTES - stderr.length);
			}
		});
		child.on('exit', (code, signal) => {
			exited = signal === null ? `exited with status ${code}` : `was stopped by ${signal}`;
		});
		const spawnError = await new Promise<string | undefined>(resolve => {
			child.once('spawn', () => resolve(undefined));
			child.once('error', error => resolve(error.message));
		});
		if (spawnError !== undefined) {
			return fail(`cannot run ${run.command}: ${safeLine(spawnError)}`);
		}

		kills.push(kill);
		const explain = (failure: string) => {
			if (timedOut) {
				return `sendmail -bs did not answer within ${timeoutMs / 1000} s`;
			}

			const said = stderr.split('\n').map(line => line.trim()).filter(line => line !== '' && !/unqualified host name|not qualified|sleeping for retry/.test(line));
			const detail = said.length > 0 ? `; sendmail said: ${safeLine(said.slice(0, 3).join(' / '))}` : exited === undefined ? '' : `; sendmail ${exited}`;
			return `${failure}${detail}`;
		};

		return smtpSession(
			{input: child.stdout, output: child.stdin, destroy: kill, explain},
			'sendmail -bs',
			{replyTimeoutMs: timeoutMs, limits: options.limits, complaintLines: COMPLAINT_LINES, describeError: error => `sendmail -bs broke off (${error.code ?? error.message})`},
		);
	};

	try {
		const session = await open();
		stopCountdown();
		if (!session.ok) {
			// A program that cannot start says so itself.
			return fail(options.signal?.aborted ? 'the rehearsal was interrupted' : session.error.startsWith('cannot run ') ? session.error : `the rehearsal in sendmail failed: ${session.error}`);
		}

		const result = await talk(session.value, {timeoutMs, hostName: {name: run.hostName, private: run.how === 'private-name'}, vantage, openAnother: sleeps ? async () => fail('no second session: sendmail would sleep again on the unqualified host name') : open});
		if (!result.ok) {
			return fail(options.signal?.aborted ? 'the rehearsal was interrupted' : `the rehearsal in sendmail failed: ${result.error}`);
		}

		return result;
	} finally {
		clearTimeout(timer);
		stopCountdown();
		options.signal?.removeEventListener('abort', onAbort);
		killAll();
	}
}
