import {readDaemonAddress} from '../core/verify-checks.js';
import {loadAnswers} from '../system/answers-source.js';
import {DEFAULT_CONFIG, readSendmailCf} from '../system/target.js';
import {EXIT, type CommandIo} from './command-io.js';
import {runVerify} from './verify.js';

export type VerifyFlags = {config?: string; host?: string; port?: string; preset?: string; answers?: string};

/**
 * `sendmail-harden verify`: the address comes from --host/--port, else from the
 * config's DaemonPortOptions, else 127.0.0.1:25.
 */
export async function runVerifyCommand(flags: VerifyFlags, io: CommandIo): Promise<number> {
	let port: number | undefined;
	if (flags.port !== undefined) {
		port = Number(flags.port);
		if (!/^\d+$/.test(flags.port) || port < 1 || port > 65_535) {
			io.err(`sendmail-harden: --port must be a port number from 1 to 65535, not "${flags.port}"\n`);
			return EXIT.badInput;
		}
	}

	const source = await loadAnswers(flags);
	if (!source.ok) {
		io.err(`sendmail-harden: ${source.error}\n`);
		return EXIT.badInput;
	}

	let address = {host: '127.0.0.1', port: 25};
	if (flags.host === undefined || port === undefined) {
		const cf = await readSendmailCf(flags.config ?? DEFAULT_CONFIG);
		if (cf.ok) {
			address = readDaemonAddress(cf.value);
		} else if (flags.config !== undefined) {
			io.err(`sendmail-harden: ${cf.error}\n`);
			return EXIT.badInput;
		}
	}

	return runVerify({host: flags.host ?? address.host, port: port ?? address.port, answers: source.value?.answers ?? {}}, io);
}
