import type {Answers} from '../core/answers.js';
import type {Check} from '../core/verify-checks.js';
import {verifyServer, type VerifyOptions} from '../system/verify-server.js';
import {EXIT, type CommandIo} from './command-io.js';

export type VerifyCommandOptions = {
	host: string;
	port: number;
	answers: Answers;
	/** Time limits, for tests; the defaults suit a real server. */
	limits?: VerifyOptions;
};

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
		return EXIT.verifyFailed;
	}

	io.out(`Checking the server at ${address}\n`);
	for (const check of result.value.checks) {
		io.out(formatCheck(check));
	}

	const failed = result.value.checks.filter(check => check.status === 'fail').length;
	const passed = result.value.checks.filter(check => check.status === 'pass').length;
	const info = result.value.checks.length - failed - passed;
	const summary = `${passed} passed, ${failed} failed${info > 0 ? `, ${info} for information only` : ''}`;
	io.out(failed === 0 ? `All checks passed: ${summary}.\n` : `Not hardened as the answers say: ${summary}.\n`);
	return failed === 0 ? EXIT.done : EXIT.verifyFailed;
}
