import {statSync} from 'node:fs';
import {parseCli, type CliFlags} from './cli-args.js';
import {dropOutputOnClosedPipe, EXIT, processIo, type CommandIo} from './commands/command-io.js';
import {installStopHandlers} from './system/stop-signals.js';

const help = `
	Usage
	  $ sendmail-harden [options]            the wizard (or --yes / --dry-run without it)
	  $ sendmail-harden audit [--json]       how the current settings score
	  $ sendmail-harden rollback [--json]    restore the files of the newest change
	                  [--restart]            and restart sendmail on them
	  $ sendmail-harden verify [--json]      check a live server's SMTP answers
	  $ sendmail-harden verify --config FILE what sendmail -bs answers for FILE
	  $ sendmail-harden explain [FLAG]       what a PrivacyOptions flag does
	  $ sendmail-harden report FILE...|DIR   one table of many hosts' audit --json
	  $ sendmail-harden presets list | show NAME | save NAME --answers FILE | delete NAME
	                            | export NAME [FILE] | import FILE [--name NAME]

	Options
	  --config PATH     the sendmail.cf to harden (default /etc/mail/sendmail.cf;
	                    without it and without that file: a demo copy)
	  --demo            work on a copy of the bundled sample config
	  --preset NAME     take the answers from a saved preset
	  --answers FILE    take the answers from a JSON file (or a preset export)
	  --yes             apply the answers without the wizard
	  --dry-run         print the diff, and what sendmail answers with it; write nothing
	  --restart         restart sendmail after writing (with --yes), or after rollback
	  --no-restart      never restart; print the command to run instead
	  --restart-command CMD
	                    the restart to run instead of the detected one (--yes, the
	                    wizard, rollback --restart). Run as an argument list, never a
	                    shell: words split at spaces, '...' and "..." quote (\\" and \\\\
	                    inside "..."), or a JSON array: '["/usr/sbin/svc","restart"]'
	  --cf-only         edit sendmail.cf even when a sendmail.mc is beside it
	  --keep N          keep the N newest backup sets
	  --hostname NAME   the host name ($j) for the greeting preview
	  --from ADDRESS    the client the rehearsal plays (sendmail -bs -M{client_addr}):
	                    --dry-run, --yes, audit, verify --config, the wizard's Review
	                    (default 198.51.100.7, an outside address; IPv4 or IPv6)
	  --host ADDRESS    verify: the server to talk to (default: from DaemonPortOptions, else 127.0.0.1)
	  --port NUMBER     verify: its port (default: from DaemonPortOptions, else 25)
	  --json            print one JSON document for scripts
	  --force           presets save/import: replace a preset of that name;
	                    presets export: replace FILE (a link there is replaced
	                    by the file, never followed);
	                    rollback: restore even files changed since
	  --set ID          rollback: undo the change of that backup set and every newer one
	  --name NAME       presets import: the name to give the preset
	  -h, --help        this text
	  -v, --version     the version

	A config path alone (ending in .cf, or a file that exists) stands for --config PATH:
	sendmail-harden audit /tmp/x/sendmail.cf. Any other extra word is an error.

	Exit codes: 0 done, 1 audit not hardened or verify failed, 2 bad usage or input
	(nothing written), 3 a write or restart failed (files restored).
`;

const COMMANDS = ['audit', 'rollback', 'verify', 'explain', 'presets', 'report'] as const;

// Each command's own usage, for `sendmail-harden COMMAND --help`.
const commandHelp: Record<(typeof COMMANDS)[number], string> = {
	audit: `
	Usage
	  $ sendmail-harden audit [--config PATH | PATH | --demo] [--from ADDRESS] [--json]

	Lists each setting of the sendmail.cf, its value and whether it is hardened. Where sendmail is
	installed, what a client sees is judged from sendmail's own replies to a private copy.

	Options
	  --config PATH     the sendmail.cf (default /etc/mail/sendmail.cf)
	  --demo            the bundled sample config
	  --from ADDRESS    the client sendmail answers as if talking to (default 198.51.100.7,
	                    an outside address)
	  --json            one JSON document on stdout

	Exit codes: 0 hardened, 1 not hardened, 2 bad usage or input.
`,
	rollback: `
	Usage
	  $ sendmail-harden rollback [--config PATH | PATH] [--set ID] [--force] [--json]
	                             [--restart [--restart-command CMD] | --no-restart]

	Puts back, byte for byte, the files of the newest change sendmail-harden made (or of the change
	--set ID and every newer one).

	Options
	  --config PATH     the sendmail.cf (default /etc/mail/sendmail.cf)
	  --set ID          the backup set to go back to (its id is in --json output)
	  --force           restore even files changed since the change
	  --restart         restart sendmail on the restored files
	  --restart-command CMD
	                    the restart to run instead of the detected one (an argument list,
	                    never a shell; see sendmail-harden --help)
	  --json            one JSON document on stdout

	Exit codes: 0 done, 2 nothing to roll back or refused (nothing written), 3 a write or
	the restart failed.
`,
	verify: `
	Usage
	  $ sendmail-harden verify [--host ADDRESS] [--port NUMBER] [--preset NAME | --answers FILE] [--json]
	  $ sendmail-harden verify --config FILE [--from ADDRESS] [--preset NAME | --answers FILE] [--json]

	Checks a live server's SMTP answers (banner, HELP, MAIL before HELO, VRFY, EXPN, SIZE, the
	recipient limit, ETRN, DSN, relaying, how many common account names RCPT confirms), or with
	--config alone what the installed sendmail answers for FILE to an outside client (sendmail -C
	FILE -bs, no daemon). With answers, each check is judged against them. Run on the server
	itself, verify sees a privileged view (the host's own addresses may relay); run it from
	another machine with --host, or use --config, for the outsider's view.

	Options
	  --host ADDRESS    the server (default: from DaemonPortOptions, else 127.0.0.1)
	  --port NUMBER     its port (default: from DaemonPortOptions, else 25)
	  --config FILE     the sendmail.cf to ask sendmail about
	  --from ADDRESS    with --config: the client sendmail answers as if talking to
	                    (default 198.51.100.7, an outside address)
	  --preset NAME     the answers to judge by, from a preset
	  --answers FILE    the answers to judge by, from a JSON file
	  --json            one JSON document on stdout

	Exit codes: 0 every check passed, 1 a check failed, 2 bad usage or input.
`,
	explain: `
	Usage
	  $ sendmail-harden explain [FLAG | SETTING] [--json]

	What a PrivacyOptions flag (or a setting) does, and the SMTP exchange it changes; without FLAG,
	every flag.
`,
	report: `
	Usage
	  $ sendmail-harden report FILE... | FOLDER [--preset NAME | --answers FILE]
	                           [--json | --csv | --markdown | --html]

	One table of many hosts' audit --json documents (a FOLDER: its .json files), each named by its
	file (web1.json; web1.harden.json for that host's --yes --json document): the sendmail version,
	each setting's verdict, the settings that differ from the answers given (drift), and the last
	change with its backup set (what rollback --set takes). A document holding only "error" is a
	host whose audit failed.

	Options
	  --preset NAME     the answers to measure drift from, from a preset
	  --answers FILE    the answers to measure drift from, from a JSON file
	  --json            one JSON document on stdout
	  --csv             comma-separated, one line per host
	  --markdown        a Markdown table, for a ticket
	  --html            an HTML page, for a ticket

	Exit codes: 0 done, 2 bad usage or input.
`,
	presets: `
	Usage
	  $ sendmail-harden presets list
	  $ sendmail-harden presets show NAME
	  $ sendmail-harden presets save NAME --answers FILE [--force]
	  $ sendmail-harden presets delete NAME
	  $ sendmail-harden presets export NAME [FILE]
	  $ sendmail-harden presets import FILE [--name NAME] [--force]

	Saved answers, to replay with --preset NAME (kept in XDG_CONFIG_HOME/sendmail-harden).
`,
};

function usageError(io: CommandIo, message: string): number {
	io.err(`sendmail-harden: ${message}; see sendmail-harden --help\n`);
	return EXIT.badInput;
}

/** A path an admin plainly meant as the config: it ends in .cf, or names a regular file that exists. */
function looksLikeConfig(argument: string): boolean {
	if (argument.endsWith('.cf')) {
		return true;
	}

	try {
		return statSync(argument, {throwIfNoEntry: false})?.isFile() === true;
	} catch {
		return false;
	}
}

/**
 * The words after a command that takes no words (audit, rollback, verify, the wizard): never
 * ignored. A lone config path is taken as --config (said on stderr); anything else is an error.
 */
function configFromArguments(flags: CliFlags, extra: string[], io: CommandIo, command?: string): {ok: true; flags: CliFlags} | {ok: false; error: string} {
	if (extra.length === 0) {
		return {ok: true, flags};
	}

	const [first] = extra as [string, ...string[]];
	const stray = looksLikeConfig(first) ? extra[1] : first;
	if (stray !== undefined) {
		const hint = command === 'verify' ? 'a server is given with --host ADDRESS, a config with --config PATH' : 'a config is given with --config PATH';
		return {ok: false, error: `unexpected argument "${stray}" (${hint})`};
	}

	if (flags.config !== undefined) {
		return {ok: false, error: `two configs given: --config ${flags.config} and "${first}"; give one`};
	}

	if (flags.demo) {
		return {ok: false, error: `give either a config ("${first}") or --demo, not both`};
	}

	io.err(`sendmail-harden: note: taking "${first}" as --config ${first}\n`);
	return {ok: true, flags: {...flags, config: first}};
}

// Set by scripts/build.js from package.json; the source run (tests through tsx) reads the file.
declare const SENDMAIL_HARDEN_VERSION: string | undefined;

async function packageVersion(): Promise<string> {
	if (typeof SENDMAIL_HARDEN_VERSION === 'string') {
		return SENDMAIL_HARDEN_VERSION;
	}

	const {readFile} = await import('node:fs/promises');
	const text = await readFile(new URL('../package.json', import.meta.url), 'utf8');
	return (JSON.parse(text) as {version: string}).version;
}

const description = 'A terminal wizard that applies sendmail\'s well-known security quick fixes, safely, with a preview and a way back';

export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
	const parsed = parseCli(argv);
	if (!parsed.ok) {
		return usageError(io, parsed.error);
	}

	const {input} = parsed.value;
	let {flags} = parsed.value;
	if (flags.help) {
		const asked = input[0];
		const own = asked !== undefined && Object.hasOwn(commandHelp, asked) ? commandHelp[asked as keyof typeof commandHelp] : undefined;
		io.out(own === undefined ? `\n  ${description}\n${help.replaceAll(/^\t/gm, '  ')}\n` : `${own.replaceAll(/^\t/gm, '  ')}\n`);
		return EXIT.done;
	}

	if (flags.version) {
		io.out(`${await packageVersion()}\n`);
		return EXIT.done;
	}

	const [first, ...others] = input;
	const known = first !== undefined && (COMMANDS as readonly string[]).includes(first);
	if (first !== undefined && !known && !looksLikeConfig(first)) {
		return usageError(io, `unknown command "${first}"`);
	}

	// `sendmail-harden /tmp/x/sendmail.cf` is the wizard on that file, not a command.
	const command = known ? first : undefined;
	const rest = known ? others : input;
	if (command === undefined || command === 'audit' || command === 'rollback' || command === 'verify') {
		const withConfig = configFromArguments(flags, rest, io, command);
		if (!withConfig.ok) {
			return usageError(io, withConfig.error);
		}

		flags = withConfig.flags;
	}

	switch (command) {
		case 'audit': {
			const {runAudit} = await import('./commands/audit.js');
			return runAudit(flags, io);
		}

		case 'rollback': {
			const {runRollback} = await import('./commands/rollback.js');
			return runRollback(flags, io);
		}

		case 'explain': {
			if (rest.length > 1) {
				return usageError(io, 'explain takes at most one flag name');
			}

			const {runExplain} = await import('./commands/explain.js');
			return runExplain(rest[0], io, {json: flags.json});
		}

		case 'report': {
			const {runReport} = await import('./commands/report.js');
			return runReport(rest, flags, io);
		}

		case 'presets': {
			const {runPresets} = await import('./commands/presets.js');
			return runPresets(rest, flags, io);
		}

		case 'verify': {
			const {runVerifyCommand} = await import('./commands/verify-command.js');
			return runVerifyCommand(flags, io);
		}

		default: {
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

// No top-level await: the bundle is CommonJS (scripts/build.js).
dropOutputOnClosedPipe();
installStopHandlers(line => {
	processIo.err(line);
});
void main(process.argv.slice(2)).then(code => {
	process.exitCode = code;
});
