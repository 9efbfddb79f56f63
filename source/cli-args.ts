// The command line, read with node's own util.parseArgs: each mistake an admin can make is one line
// that names the option as it was typed.
import {isIP} from 'node:net';
import {parseArgs} from 'node:util';
import {fail, ok, type Result} from './core/result.js';
import {hostNameProblem} from './core/answers.js';
import {parseRestartCommand, type RestartPlan} from './core/restart-plan.js';

/** Every option of every command (docs/design.md, "Command line"); a command ignores those it has no use for. */
export type CliFlags = {
	config?: string;
	demo: boolean;
	preset?: string;
	answers?: string;
	hostname?: string;
	/** --from ADDR: the client address the rehearsal plays (an outsider's by default). */
	from?: string;
	yes: boolean;
	dryRun: boolean;
	json: boolean;
	/** report's formats besides --json. */
	csv: boolean;
	markdown: boolean;
	html: boolean;
	/** true: --restart, false: --no-restart, undefined: neither (ask, or print the command). */
	restart?: boolean;
	/** --restart-command CMD: the restart to run instead of the detected one, as an argument list. */
	restartCommand?: RestartPlan;
	cfOnly: boolean;
	/** --keep N: how many backup sets to keep. */
	keep?: number;
	/** rollback --set ID: the backup set to go back to. */
	set?: string;
	host?: string;
	port?: string;
	force: boolean;
	name?: string;
	help: boolean;
	version: boolean;
};

export type CliArgs = {flags: CliFlags; input: string[]};

type OptionSpec = {type: 'string' | 'boolean'; short?: string};

const options = {
	config: {type: 'string'},
	demo: {type: 'boolean'},
	preset: {type: 'string'},
	answers: {type: 'string'},
	hostname: {type: 'string'},
	from: {type: 'string'},
	yes: {type: 'boolean'},
	'dry-run': {type: 'boolean'},
	json: {type: 'boolean'},
	csv: {type: 'boolean'},
	markdown: {type: 'boolean'},
	html: {type: 'boolean'},
	restart: {type: 'boolean'},
	'no-restart': {type: 'boolean'},
	'restart-command': {type: 'string'},
	'cf-only': {type: 'boolean'},
	keep: {type: 'string'},
	set: {type: 'string'},
	host: {type: 'string'},
	port: {type: 'string'},
	force: {type: 'boolean'},
	name: {type: 'string'},
	help: {type: 'boolean', short: 'h'},
	version: {type: 'boolean', short: 'v'},
} as const satisfies Record<string, OptionSpec>;

type OptionName = keyof typeof options;

const isOption = (name: string): name is OptionName => Object.hasOwn(options, name);

/** --restart and --no-restart set one thing: giving both is giving it twice. */
const setting = (name: OptionName): string => (name === 'no-restart' ? 'restart' : name);

/**
 * Reads argv (without node and the script). Errors are one line without the program name, e.g.
 * `unknown option --yess`, `--config needs a value`, `--config given twice`.
 */
export function parseCli(argv: string[]): Result<CliArgs> {
	// Not strict: parseArgs's own errors are several sentences and name -h as --h; the checks below
	// word them for an admin. Tokens keep the option as typed (rawName) and whether a value was inline.
	// parseArgs reads `-h=1` as the short flags h, = and 1; the admin meant a value for -h.
	const terminator = argv.indexOf('--');
	const shortWithValue = (terminator === -1 ? argv : argv.slice(0, terminator)).find(arg => /^-[^-]=/.test(arg));
	if (shortWithValue !== undefined) {
		const short = shortWithValue.slice(0, 2);
		const known = Object.values(options).some(spec => 'short' in spec && `-${spec.short}` === short);
		return fail(known ? `${short} does not take a value (got "${shortWithValue.slice(3)}")` : `unknown option ${short}`);
	}

	// `--keep -1` and `--port -5` are numbers that are wrong, not missing values: say the rule.
	const numberOptions: Record<string, (value: string) => string> = {
		'--keep': value => `--keep must be a whole number of backup sets, 1 or more (got "${value}")`,
		'--port': value => `--port must be a port number from 1 to 65535, not "${value}"`,
	};
	for (const [index, arg] of (terminator === -1 ? argv : argv.slice(0, terminator)).entries()) {
		const next = argv[index + 1];
		if (Object.hasOwn(numberOptions, arg) && next !== undefined && /^-\d/.test(next)) {
			return fail(numberOptions[arg]!(next));
		}
	}

		const {tokens} = parseArgs({args: argv, options, strict: false, allowPositionals: true, tokens: true});
	const values = new Map<OptionName, string | boolean>();
	const typed = new Map<string, string>();
	const input: string[] = [];
	for (const token of tokens) {
		if (token.kind === 'positional') {
			input.push(token.value);
			continue;
		}

		if (token.kind === 'option-terminator') {
			continue;
		}

		const {name, rawName} = token;
		if (!isOption(name)) {
			return fail(`unknown option ${rawName}`);
		}

		const spec: OptionSpec = options[name];
		const earlier = typed.get(setting(name));
		if (earlier !== undefined) {
			return fail(earlier === rawName ? `${rawName} given twice; give it once` : `${earlier} and ${rawName} both given; give one`);
		}

		typed.set(setting(name), rawName);
		if (spec.type === 'boolean') {
			if (token.value !== undefined) {
				return fail(`${rawName} does not take a value (got "${token.value}")`);
			}

			values.set(name, true);
			continue;
		}

		// `--config --yes` would read "--yes" as the path; a value that starts with a dash must be inline (--config=-x).
		if (token.value === undefined || token.value === '' || (!token.inlineValue && token.value.startsWith('-'))) {
			return fail(`${rawName} needs a value`);
		}

		values.set(name, token.value);
	}

	const text = (name: OptionName) => values.get(name) as string | undefined;
	const flag = (name: OptionName) => values.get(name) === true;
	let keep: number | undefined;
	const keepText = text('keep');
	if (keepText !== undefined) {
		if (!/^\d{1,6}$/.test(keepText) || Number(keepText) < 1) {
			return fail(`--keep must be a whole number of backup sets, 1 or more (got "${keepText}")`);
		}

		keep = Number(keepText);
	}

	const hostname = text('hostname');
	const hostProblem = hostname === undefined ? undefined : hostNameProblem(hostname);
	if (hostProblem !== undefined) {
		return fail(`--hostname: ${hostProblem}`);
	}

	const from = text('from');
	if (from !== undefined && isIP(from) === 0) {
		return fail(`--from must be an IPv4 or IPv6 address such as 198.51.100.7 (got "${from}")`);
	}

	let restartCommand: RestartPlan | undefined;
	const restartText = text('restart-command');
	if (restartText !== undefined) {
		const parsed = parseRestartCommand(restartText);
		if (!parsed.ok) {
			return fail(parsed.error);
		}

		restartCommand = parsed.value;
	}

	if (flag('demo') && text('config') !== undefined) {
		return fail('give either --config PATH or --demo, not both');
	}

	return ok({
		flags: {
			config: text('config'),
			demo: flag('demo'),
			preset: text('preset'),
			answers: text('answers'),
			hostname: text('hostname'),
			from,
			yes: flag('yes'),
			dryRun: flag('dry-run'),
			json: flag('json'),
			csv: flag('csv'),
			markdown: flag('markdown'),
			html: flag('html'),
			restart: flag('restart') ? true : (flag('no-restart') ? false : undefined),
			restartCommand,
			cfOnly: flag('cf-only'),
			keep,
			set: text('set'),
			host: text('host'),
			port: text('port'),
			force: flag('force'),
			name: text('name'),
			help: flag('help'),
			version: flag('version'),
		},
		input,
	});
}
