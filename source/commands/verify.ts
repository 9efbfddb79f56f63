import type {Answers} from '../core/answers.js';
import {safeJson} from '../core/sanitize.js';
import type {Check} from '../core/verify-checks.js';
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
};

const MEANING: Record<number, string> = {0: 'done', 1: 'verify failed', 2: 'bad input', 3: 'write failed'};

/** `verify --json`: the keys every command's --json document shares, with verify's parts filled in. */
export function verifyDocument(parts: {
	config?: string | null;
	exitCode: number;
	error?: string | null;
	verify?: {address: string; passed: boolean; checks: Check[]} | null;
	rehearsal?: {status: 'ran'; agrees: boolean; checks: Check[]; exchange: string[]} | {status: 'skipped'; reason: string} | null;
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

	if (options.json) {
		const passed = passedAll(result.value.checks);
		const exitCode = passed ? EXIT.done : EXIT.verifyFailed;
		io.out(verifyDocument({config: options.config, exitCode, verify: {address, passed, checks: result.value.checks}}));
		return exitCode;
	}

	io.out(`Checking the server at ${address}\n`);
	return printChecks(result.value.checks, io);
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
		const {checks, exchange, agrees} = result.value;
		const exitCode = agrees ? EXIT.done : EXIT.verifyFailed;
		io.out(verifyDocument({config, exitCode, rehearsal: {status: 'ran', agrees, checks, exchange}}));
		return exitCode;
	}

	const name = result.value.hostName?.private ? `, host name ${result.value.hostName.name}` : '';
	io.out(`Checking ${options.cfPath} in the installed sendmail (sendmail -C COPY -bs${name})\n`);
	return printChecks(result.value.checks, io);
}
