import {auditAfter, hardenedText} from '../core/hardened-table.js';
import type {HelpFileState} from '../core/plan.js';
import {readDaemonAddress} from '../core/verify-checks.js';
import {rehearseFiles} from '../system/rehearsal.js';
import {readStarttlsAudit} from '../system/audit-extras.js';
import {loadAnswers} from '../system/answers-source.js';
import {DEFAULT_CONFIG, loadTarget, readSendmailCf} from '../system/target.js';
import {EXIT, type CommandIo} from './command-io.js';
import {runRehearsalVerify, runVerify, verifyDocument} from './verify.js';

export type VerifyFlags = {config?: string; host?: string; port?: string; preset?: string; answers?: string; json?: boolean; from?: string};

/**
 * `sendmail-harden verify`: with --config FILE alone, the installed sendmail answers for FILE
 * (the rehearsal, no daemon). Otherwise a live server: the address comes from --host/--port, else
 * from the config's DaemonPortOptions, else 127.0.0.1:25.
 */
export async function runVerifyCommand(flags: VerifyFlags, io: CommandIo): Promise<number> {
	// Bad input: one line on stderr, and with --json the document that says so.
	const badInput = (error: string) => {
		io.err(`sendmail-harden: ${error}\n`);
		if (flags.json) {
			io.out(verifyDocument({config: flags.config ?? null, exitCode: EXIT.badInput, error}));
		}

		return EXIT.badInput;
	};

	let port: number | undefined;
	if (flags.port !== undefined) {
		port = Number(flags.port);
		if (!/^\d+$/.test(flags.port) || port < 1 || port > 65_535) {
			return badInput(`--port must be a port number from 1 to 65535, not "${flags.port}"`);
		}
	}

	const source = await loadAnswers(flags);
	if (!source.ok) {
		return badInput(source.error);
	}

	const answers = source.value?.answers ?? {};
	// --config alone: the installed sendmail answers for that file, offline (the rehearsal).
	if (flags.config !== undefined && flags.host === undefined && port === undefined) {
		const target = await loadTarget(flags.config);
		if (!target.ok) {
			return badInput(target.error);
		}

		const {helpFile} = target.value;
		const helpFileText = helpFile !== undefined && !('missing' in helpFile) ? helpFile.text : undefined;
		const code = await runRehearsalVerify({cfPath: target.value.cfPath, cfText: target.value.cfText, helpFileText, answers, json: flags.json, from: flags.from}, io);
		if (!flags.json) {
			await printHardened(target.value, io);
		}

		return code;
	}

	let address = {host: '127.0.0.1', port: 25};
	if (flags.host === undefined || port === undefined) {
		const cf = await readSendmailCf(flags.config ?? DEFAULT_CONFIG);
		if (cf.ok) {
			address = readDaemonAddress(cf.value);
		} else if (flags.config !== undefined) {
			return badInput(cf.error);
		}
	}

	const config = flags.config ?? DEFAULT_CONFIG;
	// From this host the live view is privileged; the rehearsal of the config gives the outsider's, where it can run.
	const outsideView = async () => {
		const target = await loadTarget(config);
		if (!target.ok) {
			return undefined;
		}

		const {helpFile} = target.value;
		const helpFileText = helpFile !== undefined && !('missing' in helpFile) ? helpFile.text : undefined;
		const rehearsed = await rehearseFiles({cfText: target.value.cfText, helpFileText}, answers, {env: io.env, from: flags.from});
		return rehearsed.ok && rehearsed.value.status === 'ran' ? rehearsed.value.checks : undefined;
	};

	const code = await runVerify({host: flags.host ?? address.host, port: port ?? address.port, answers, json: flags.json, config, outsideView}, io);
	if (!flags.json) {
		// The checks prove the answers; audit's checks say whether the config is hardened. From
		// another machine (--host without --config) there is no config here to audit.
		const target = flags.host !== undefined && flags.config === undefined ? undefined : await loadTarget(config);
		if (target?.ok) {
			await printHardened(target.value, io);
		} else {
			io.out('Whether the config is hardened is audit\'s to say: run sendmail-harden audit on the server.\n');
		}
	}

	return code;
}

/** Audit's table for the config as it is (core/hardened-table.ts), as --yes and the Done screen end. */
async function printHardened(target: {cfText: string; helpFile: HelpFileState}, io: CommandIo): Promise<void> {
	io.out(`\nAudit of the config, whose checks say what "hardened" means:\n${hardenedText(auditAfter(target.cfText, target.helpFile, undefined, {starttls: await readStarttlsAudit(target.cfText)}))}`);
}
