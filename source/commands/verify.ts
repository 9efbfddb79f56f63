import type {Answers} from '../core/answers.js';
import {safeJson} from '../core/sanitize.js';
import type {Check} from '../core/verify-checks.js';
import {verifyServer, type VerifyOptions} from '../system/verify-server.js';
import {rehearseFiles} from '../system/rehearsal.js';
import {hostNameCountdown} from './audit.js';
import {EXIT, type CommandIo} from './command-io.js';

export type VerifyCommandOptions = {
	host: string;
	port: number;
	answers: Answers;
	/** Time limits, for tests; the defaults suit a real server. */
	limits?: VerifyOptions;
	/** Print one JSON document (VerifyReport) instead of lines. */
	json?: boolean;
	/** The config the address and answers came from, named in the JSON document. */
	config?: string;
};

/**
 * What `verify --json` prints: the top-level keys of the --yes document that apply to verify.
 * `verify` holds a live server's checks; `rehearsal` the installed sendmail's, for `--config FILE`.
 */
export type VerifyReport = {
	command: 'verify';
	config: string | null;
	/** verify only reads: never changed. */
	changed: false;
	exitCode: number;
	meaning: 'done' | 'verify failed' | 'bad input';
	error: string | null;
	verify: null | {address: string; passed: boolean; checks: Check[]};
	rehearsal: null | {status: 'ran'; agrees: boolean; checks: Check[]};
};

/** Prints the verify JSON document for an outcome (its error, if any, is also one stderr line). */
export function printVerifyJson(
	io: CommandIo,
	outcome: {config?: string; exitCode: 0 | 1 | 2; error?: string; verify?: VerifyReport['verify']; rehearsal?: VerifyReport['rehearsal']},
): number {
	const meaning = outcome.exitCode === EXIT.done ? 'done' : outcome.exitCode === EXIT.badInput ? 'bad input' : 'verify failed';
	const report: VerifyReport = {
		command: 'verify',
		config: outcome.config ?? null,
		changed: false,
		exitCode: outcome.exitCode,
		meaning,
		error: outcome.error ?? null,
		verify: outcome.verify ?? null,
		rehearsal: outcome.rehearsal ?? null,
	};
	io.out(safeJson(report, 2) + '\n');
	return outcome.exitCode;
}

const verdict = (checks: readonly Check[]) => (checks.some(check => check.status === 'fail') ? EXIT.verifyFailed : EXIT.done);

const marks: Record<Check['status'], string> = {pass: '✔', fail: '✘', info: '•'};

/** One line per check: the mark, what was expected, and what the server said. */
export function formatCheck(check: Check): string {
	const expected = check.status === 'info' ? check.expected : `expected ${check.expected}`;
	return `${marks[check.status]} ${check.name}: ${expected} — server said "${check.reply}"\n`;
}

/** Checks a live server against the answers: 0 when every check passes, 1 otherwise. */
export async function runVerify(options: VerifyCommandOptions, io: CommandIo): Promise<number> {
	const address = options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
	const result = await verifyServer(options.host, options.port, options.answers, options.limits);
	if (!result.ok) {
		io.err(`sendmail-harden: cannot verify: ${result.error}\n`);
		return options.json ? printVerifyJson(io, {config: options.config, exitCode: EXIT.verifyFailed, error: `cannot verify: ${result.error}`}) : EXIT.verifyFailed;
	}

	if (options.json) {
		const exitCode = verdict(result.value.checks);
		return printVerifyJson(io, {config: options.config, exitCode, verify: {address, passed: exitCode === EXIT.done, checks: result.value.checks}});
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
	options: {cfPath: string; cfText: string; helpFileText?: string; answers: Answers; rehearse?: typeof rehearseFiles; json?: boolean},
	io: CommandIo,
): Promise<number> {
	const rehearse = options.rehearse ?? rehearseFiles;
	const result = await rehearse({cfText: options.cfText, helpFileText: options.helpFileText}, options.answers, {env: io.env, onHostNameWait: hostNameCountdown(io)});
	const failed = (error: string) => {
		io.err(`sendmail-harden: ${error}\n`);
		return options.json ? printVerifyJson(io, {config: options.cfPath, exitCode: EXIT.verifyFailed, error}) : EXIT.verifyFailed;
	};

	if (!result.ok) {
		return failed(`cannot verify: ${result.error}`);
	}

	if (result.value.status === 'skipped') {
		return failed(`cannot verify ${options.cfPath} offline: ${result.value.reason}`);
	}

	if (options.json) {
		const exitCode = verdict(result.value.checks);
		return printVerifyJson(io, {config: options.cfPath, exitCode, rehearsal: {status: 'ran', agrees: exitCode === EXIT.done, checks: result.value.checks}});
	}

	const name = result.value.hostName?.private ? `, host name ${result.value.hostName.name}` : '';
	io.out(`Checking ${options.cfPath} in the installed sendmail (sendmail -C COPY -bs${name})\n`);
	return printChecks(result.value.checks, io);
}
