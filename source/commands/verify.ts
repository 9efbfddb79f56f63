import type {Answers} from '../core/answers.js';
import {safeJson} from '../core/sanitize.js';
import type {Check} from '../core/verify-checks.js';
import {verifyServer, type VerifyOptions} from '../system/verify-server.js';
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

/** What `verify --json` prints: the top-level keys of the --yes document that apply to verify. */
export type VerifyReport = {
	command: 'verify';
	config: string | null;
	/** verify only reads: never changed. */
	changed: false;
	exitCode: number;
	meaning: 'done' | 'verify failed' | 'bad input';
	error: string | null;
	verify: null | {address: string; passed: boolean; checks: Check[]};
};

/** Prints the verify JSON document for an outcome; the error, if any, also goes to stderr as one line. */
export function printVerifyJson(io: CommandIo, outcome: {config?: string; exitCode: 0 | 1 | 2; error?: string; verify?: VerifyReport['verify']}): number {
	const meaning = outcome.exitCode === EXIT.done ? 'done' : outcome.exitCode === EXIT.badInput ? 'bad input' : 'verify failed';
	const report: VerifyReport = {command: 'verify', config: outcome.config ?? null, changed: false, exitCode: outcome.exitCode, meaning, error: outcome.error ?? null, verify: outcome.verify ?? null};
	io.out(safeJson(report, 2) + '\n');
	return outcome.exitCode;
}

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

	const failed = result.value.checks.filter(check => check.status === 'fail').length;
	if (options.json) {
		const verify = {address, passed: failed === 0, checks: result.value.checks};
		return printVerifyJson(io, {config: options.config, exitCode: failed === 0 ? EXIT.done : EXIT.verifyFailed, verify});
	}

	io.out(`Checking the server at ${address}\n`);
	for (const check of result.value.checks) {
		io.out(formatCheck(check));
	}

	const passed = result.value.checks.filter(check => check.status === 'pass').length;
	const info = result.value.checks.length - failed - passed;
	const summary = `${passed} passed, ${failed} failed${info > 0 ? `, ${info} for information only` : ''}`;
	io.out(failed === 0 ? `All checks passed: ${summary}.\n` : `Not hardened as the answers say: ${summary}.\n`);
	return failed === 0 ? EXIT.done : EXIT.verifyFailed;
}
