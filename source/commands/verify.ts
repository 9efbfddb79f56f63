import type {Answers} from '../core/answers.js';
import {safeJson} from '../core/sanitize.js';
import {viewDifferences, type Check, type Vantage} from '../core/verify-checks.js';
import {verifyServer, type VerifyOptions} from '../system/verify-server.js';
import {rehearseFiles} from '../system/rehearsal.js';
import {hostNameCountdown} from './audit.js';
import {EXIT, type CommandIo} from './command-io.js';
import {addressText} from '../core/address.js';

export type VerifyCommandOptions = {
	host: string;
	port: number;
	answers: Answers;
	/** Time limits, for tests; the defaults suit a real server. */
	limits?: VerifyOptions;
	/** Print one JSON document (the keys of docs/design.md, "Machine-readable output") instead of text. */
	json?: boolean;
	/** The config the address came from, for --json. */
	config?: string;
	/**
	 * The outsider's view of the same config (the rehearsal), asked for only when this host's view
	 * is privileged, to show where the two differ; undefined when it cannot be had.
	 */
	outsideView?: () => Promise<Check[] | undefined>;
};

const MEANING: Record<number, string> = {0: 'done', 1: 'verify failed', 2: 'bad input', 3: 'write failed'};

/** `verify --json`: the keys every command's --json document shares, with verify's parts filled in. */
export function verifyDocument(parts: {
	config?: string | null;
	exitCode: number;
	error?: string | null;
	verify?: {address: string; passed: boolean; checks: Check[]; vantage?: Vantage; outsideDiffers?: string[]} | null;
	rehearsal?: {status: 'ran'; agrees: boolean; checks: Check[]; exchange: string[]; vantage?: Vantage & {name: string}; complaints?: string[]} | {status: 'skipped'; reason: string} | null;
}): string {
	return safeJson({
		command: 'verify',
		config: parts.config ?? null,
		changed: false,
		exitCode: parts.exitCode,
		meaning: MEANING[parts.exitCode] ?? 'verify failed',
		error: parts.error ?? null,
		settings: [],
		diff: '',
		files: [],
		notes: [],
		warnings: [],
		rehearsal: parts.rehearsal ?? null,
		backup: null,
		restart: null,
		verify: parts.verify ?? null,
	}, 2) + '\n';
}

const passedAll = (checks: readonly Check[]) => checks.every(check => check.status !== 'fail');

const marks: Record<Check['status'], string> = {pass: '✔', fail: '✘', info: '•'};

/** One line per check: the mark, what was expected, and what the server said. */
export function formatCheck(check: Check): string {
	const expected = check.status === 'info' ? check.expected : `expected ${check.expected}`;
	return `${marks[check.status]} ${check.name}: ${expected} — server said "${check.reply}"\n`;
}

/** Where the rehearsal's client stood, in words: "as a client at 198.51.100.7 (outside.example.net)". */
export function rehearsalVantage(report: {vantage?: {address: string; name: string; kind: string}}): string {
	const {vantage} = report;
	if (vantage === undefined) {
		return '';
	}

	return `as a client at ${vantage.address} (${vantage.name})${vantage.kind === 'outside' ? '' : ', which this host counts as its own: a privileged view'}`;
}

/** sendmail's complaints before its greeting, as warning lines; it answered anyway. */
export function complaintWarnings(complaints: readonly string[] | undefined, sameNow?: boolean): string[] {
	return (complaints ?? []).map(line => `sendmail-harden: warning: sendmail complains${sameNow === true ? ', with the current config too' : ''} (then answers anyway): ${line}\n`);
}

/** Checks a live server against the answers: 0 when every check passes, 1 otherwise. */
export async function runVerify(options: VerifyCommandOptions, io: CommandIo): Promise<number> {
	const address = addressText(options);
	const result = await verifyServer(options.host, options.port, options.answers, options.limits);
	if (!result.ok) {
		io.err(`sendmail-harden: cannot verify: ${result.error}\n`);
		if (options.json) {
			io.out(verifyDocument({config: options.config, exitCode: EXIT.verifyFailed, error: `cannot verify: ${result.error}`}));
		}

		return EXIT.verifyFailed;
	}

	const {vantage} = result.value.transcript;
	const privileged = vantage?.kind === 'this host';
	const outside = privileged && options.outsideView !== undefined ? await options.outsideView() : undefined;
	const differs = outside === undefined ? [] : viewDifferences(outside, result.value.checks);
	if (options.json) {
		const passed = passedAll(result.value.checks);
		const exitCode = passed ? EXIT.done : EXIT.verifyFailed;
		io.out(verifyDocument({config: options.config, exitCode, verify: {address, passed, checks: result.value.checks, ...(vantage === undefined ? {} : {vantage}), ...(outside === undefined ? {} : {outsideDiffers: differs})}}));
		return exitCode;
	}

	io.out(`Checking the server at ${address}${vantage === undefined ? '' : privileged ? ` from this host (${vantage.address})` : ` from ${vantage.address}, an outside address`}\n`);
	if (privileged) {
		io.out(`This view is privileged: the server counts ${vantage.address} as its own, so it may relay, and Debian's access map gives 127/8 RELAY, no greet pause and no rate limit. For the outsider's view: sendmail-harden verify --config ${options.config ?? '/etc/mail/sendmail.cf'} (the rehearsal, as an outside client), or sendmail-harden verify --host NAME run from another machine.\n`);
	}

	const code = printChecks(result.value.checks, io);
	if (outside !== undefined) {
		io.out(differs.length === 0
			? 'The rehearsal from outside answers these checks the same way.\n'
			: `Where the outsider's view (the rehearsal) differs:\n${differs.map(line => `  ${line}\n`).join('')}`);
	}

	return code;
}

/** The checks, one line each, and the summary; 0 when every check passes, 1 otherwise. */
export function printChecks(checks: readonly Check[], io: CommandIo): number {
	for (const check of checks) {
		io.out(formatCheck(check));
	}

	const failed = checks.filter(check => check.status === 'fail').length;
	const passed = checks.filter(check => check.status === 'pass').length;
	const info = checks.length - failed - passed;
	const summary = `${passed} passed, ${failed} failed${info > 0 ? `, ${info} for information only` : ''}`;
	io.out(failed === 0 ? `All checks passed: ${summary}.\n` : `Not hardened as the answers say: ${summary}.\n`);
	return failed === 0 ? EXIT.done : EXIT.verifyFailed;
}

/**
 * `verify --config FILE`: the same checks and exit codes, with the installed sendmail answering
 * for FILE (`sendmail -C COPY -bs`), no daemon needed.
 */
export async function runRehearsalVerify(
	options: {cfPath: string; cfText: string; helpFileText?: string; answers: Answers; json?: boolean; from?: string},
	io: CommandIo,
): Promise<number> {
	const result = await rehearseFiles({cfText: options.cfText, helpFileText: options.helpFileText}, options.answers, {env: io.env, onHostNameWait: hostNameCountdown(io), from: options.from});
	const config = options.cfPath;
	if (!result.ok) {
		io.err(`sendmail-harden: cannot verify: ${result.error}\n`);
		if (options.json) {
			io.out(verifyDocument({config, exitCode: EXIT.verifyFailed, error: `cannot verify: ${result.error}`}));
		}

		return EXIT.verifyFailed;
	}

	if (result.value.status === 'skipped') {
		const error = `cannot verify ${config} offline: ${result.value.reason}`;
		io.err(`sendmail-harden: ${error}\n`);
		if (options.json) {
			io.out(verifyDocument({config, exitCode: EXIT.verifyFailed, error, rehearsal: result.value}));
		}

		return EXIT.verifyFailed;
	}

	if (options.json) {
		const {checks, exchange, agrees, vantage, complaints} = result.value;
		const exitCode = agrees ? EXIT.done : EXIT.verifyFailed;
		io.out(verifyDocument({config, exitCode, rehearsal: {status: 'ran', agrees, checks, exchange, ...(vantage === undefined ? {} : {vantage}), ...(complaints === undefined ? {} : {complaints})}}));
		return exitCode;
	}

	const name = result.value.hostName?.private ? `, host name ${result.value.hostName.name}` : '';
	for (const warning of complaintWarnings(result.value.complaints)) {
		io.err(warning);
	}

	io.out(`Checking ${options.cfPath} in the installed sendmail (sendmail -C COPY -bs${name}), ${rehearsalVantage(result.value)}\n`);
	return printChecks(result.value.checks, io);
}
