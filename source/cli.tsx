#!/usr/bin/env node
import meow from 'meow';
import {EXIT, processIo, type CommandIo} from './commands/command-io.js';

const help = `
	Usage
	  $ sendmail-harden [options]            the wizard (or --yes / --dry-run without it)
	  $ sendmail-harden audit [--json]       how the current settings score
	  $ sendmail-harden rollback             restore the files of the newest change
	  $ sendmail-harden verify               check a live server's SMTP answers
	  $ sendmail-harden explain [FLAG]       what a PrivacyOptions flag does
	  $ sendmail-harden presets list | show NAME | save NAME --answers FILE | delete NAME
	                            | export NAME [FILE] | import FILE [--name NAME]

	Options
	  --config PATH     the sendmail.cf to harden (default /etc/mail/sendmail.cf;
	                    without it and without that file: a demo copy)
	  --preset NAME     take the answers from a saved preset
	  --answers FILE    take the answers from a JSON file (or a preset export)
	  --yes             apply the answers without the wizard
	  --dry-run         print the diff of what would change; write nothing
	  --restart         restart sendmail after writing (with --yes)
	  --no-restart      never restart; print the command to run instead
	  --cf-only         edit sendmail.cf even when a sendmail.mc is beside it
	  --hostname NAME   the host name ($j) for the greeting preview
	  --host ADDRESS    verify: the server to talk to (default: from DaemonPortOptions, else 127.0.0.1)
	  --port NUMBER     verify: its port (default: from DaemonPortOptions, else 25)
	  --json            audit, rollback, verify: print one JSON document
	  --force           presets save/import: replace a preset of that name;
	                    rollback: restore even files changed since
	  --name NAME       presets import: the name to give the preset

	Exit codes: 0 done, 1 audit not hardened or verify failed, 2 bad usage or input
	(nothing written), 3 a write or restart failed (files restored).
`;

const flagSpec = {
	config: {type: 'string'},
	preset: {type: 'string'},
	answers: {type: 'string'},
	yes: {type: 'boolean', default: false},
	dryRun: {type: 'boolean', default: false},
	restart: {type: 'boolean'},
	cfOnly: {type: 'boolean', default: false},
	hostname: {type: 'string'},
	host: {type: 'string'},
	port: {type: 'string'},
	json: {type: 'boolean', default: false},
	force: {type: 'boolean', default: false},
	name: {type: 'string'},
} as const;

const COMMANDS = ['audit', 'rollback', 'verify', 'explain', 'presets'] as const;

function usageError(io: CommandIo, message: string): number {
	io.err(`sendmail-harden: ${message}; see sendmail-harden --help\n`);
	return EXIT.badInput;
}

const kebab = (name: string) => name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);

export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
	const cli = meow(help, {
		importMeta: import.meta,
		argv,
		flags: flagSpec,
		allowUnknownFlags: true,
		booleanDefault: undefined,
	});
	const {flags, input} = cli;

	// meow reports unknown flags on two lines; the contract is one line.
	const known = new Set<string>([...Object.keys(flagSpec), 'help', 'version']);
	const unknown = Object.keys(cli.unnormalizedFlags).find(key => !known.has(key) && !known.has(key.replaceAll(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())));
	if (unknown !== undefined) {
		return usageError(io, `unknown option --${kebab(unknown)}`);
	}

	for (const name of ['config', 'preset', 'answers', 'hostname', 'host', 'port', 'name'] as const) {
		if (flags[name] === '') {
			return usageError(io, `--${name} needs a value`);
		}
	}

	const [command, ...rest] = input;
	if (command !== undefined && !(COMMANDS as readonly string[]).includes(command)) {
		return usageError(io, `unknown command "${command}"`);
	}

	switch (command) {
		case 'audit': {
			const {runAudit} = await import('./commands/audit.js');
			return runAudit({config: flags.config, json: flags.json}, io);
		}

		case 'rollback': {
			const {runRollback} = await import('./commands/rollback.js');
			return runRollback({config: flags.config, force: flags.force, json: flags.json}, io);
		}

		case 'explain': {
			if (rest.length > 1) {
				return usageError(io, 'explain takes at most one flag name');
			}

			const {runExplain} = await import('./commands/explain.js');
			return runExplain(rest[0], io);
		}

		case 'presets': {
			const {runPresets} = await import('./commands/presets.js');
			return runPresets(rest, {answers: flags.answers, name: flags.name, force: flags.force}, io);
		}

		case 'verify': {
			const {runVerifyCommand} = await import('./commands/verify-command.js');
			return runVerifyCommand({config: flags.config, host: flags.host, port: flags.port, preset: flags.preset, answers: flags.answers, json: flags.json}, io);
		}

		default: {
			if (rest.length > 0 || input.length > 0) {
				return usageError(io, `unexpected argument "${input[0]}"`);
			}

			if (flags.yes || flags.dryRun) {
				const {runHarden} = await import('./commands/harden.js');
				return runHarden(flags, io);
			}

			if (process.stdin.isTTY && process.stdout.isTTY) {
				// Ink draws only the last frame when it sees CI set; someone at a terminal is
				// interactive whatever the environment says. Ink reads this when it is loaded, below.
				for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) {
					if (name in process.env) {
						process.env[name] = 'false';
					}
				}
			}

			const {runWizard} = await import('./commands/wizard.js');
			return runWizard(flags, io);
		}
	}
}

process.exitCode = await main(process.argv.slice(2));
