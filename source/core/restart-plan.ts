import {optionValue, parseCf, valueAsRead} from './sendmail-cf.js';

/**
 * Facts about how this host runs its services, gathered by `gatherHostProbe`
 * (source/system/service.ts). Paths are where the thing was found, so they
 * can be run as they are.
 */
export type HostProbe = {
	/** `process.platform` of the host. */
	platform: string;
	/** /run/systemd/system exists: systemd is the running init. */
	systemdRunning: boolean;
	/** Where `systemctl` is on PATH, if it is. */
	systemctlPath?: string;
	/** `systemctl list-unit-files sendmail.service` lists the unit. */
	sendmailUnitKnown: boolean;
	/** Where `service` is on PATH, if it is. */
	servicePath?: string;
	/** Path of /etc/init.d/sendmail, if it exists. */
	initScriptPath?: string;
	/** Path of /etc/rc.d/sendmail (FreeBSD, NetBSD), if it exists. */
	rcScriptPath?: string;
	/** /etc/debian_version exists (Debian, Ubuntu and their kin). */
	debian: boolean;
	/** /etc/init.d/sendmail is an OpenRC script (`#!/sbin/openrc-run`, or Gentoo's older `#!/sbin/runscript`): Alpine, Gentoo. */
	openrcScript?: boolean;
	/** Where OpenRC's `rc-service` is on PATH, if it is. */
	rcServicePath?: string;
};

/** One command that restarts sendmail, run as an argument list. */
export type RestartPlan = {
	/** The command as the admin would type it on this host, e.g. `systemctl restart sendmail`. */
	label: string;
	command: string;
	args: string[];
};

/**
 * How this host restarts sendmail, or undefined when no way was found.
 *
 * Order: systemd first (when it runs and knows a sendmail unit, it owns the
 * daemon; going around it leaves its state wrong). Then FreeBSD's rc
 * (`service sendmail restart`, which is how FreeBSD's handbook does it).
 * Then an OpenRC script through `rc-service` (Alpine, Gentoo).
 * Then an init script: through `service` when there is one, since service(8)
 * runs the script with a clean environment and `/` as the working folder,
 * as at boot, instead of this tool's environment and folder (and on a
 * systemd host it hands over to systemctl); the script directly otherwise.
 * `service` alone, with no script or unit for sendmail, proves nothing, so
 * it is not guessed at.
 */
export function detectRestart(probe: HostProbe): RestartPlan | undefined {
	if (probe.systemdRunning && probe.systemctlPath !== undefined && probe.sendmailUnitKnown) {
		return {label: 'systemctl restart sendmail', command: probe.systemctlPath, args: ['restart', 'sendmail']};
	}

	const freebsd = probe.platform === 'freebsd';
	if (freebsd || probe.rcScriptPath !== undefined) {
		if (probe.servicePath !== undefined) {
			return serviceRestart(probe.servicePath);
		}

		if (probe.rcScriptPath !== undefined) {
			return {label: '/etc/rc.d/sendmail restart', command: probe.rcScriptPath, args: ['restart']};
		}
	}

	// OpenRC (Alpine, Gentoo): rc-service runs the script as the init system does, keeping its
	// record of started services right.
	if (probe.initScriptPath !== undefined && probe.openrcScript === true) {
		return probe.rcServicePath === undefined
			? {label: '/etc/init.d/sendmail restart', command: probe.initScriptPath, args: ['restart']}
			: {label: 'rc-service sendmail restart', command: probe.rcServicePath, args: ['sendmail', 'restart']};
	}

	if (probe.initScriptPath !== undefined) {
		return probe.servicePath === undefined
			? {label: '/etc/init.d/sendmail restart', command: probe.initScriptPath, args: ['restart']}
			: serviceRestart(probe.servicePath);
	}

	return undefined;
}

function serviceRestart(servicePath: string): RestartPlan {
	return {label: 'service sendmail restart', command: servicePath, args: ['sendmail', 'restart']};
}

/** Where Debian's sendmail keeps its PID, and where sendmail does by default elsewhere. */
export const DEBIAN_PID_FILE = '/run/sendmail/mta/sendmail.pid';
export const DEFAULT_PID_FILE = '/var/run/sendmail.pid';

/**
 * The file the running daemon writes its PID to: the cf's `O PidFile=` when
 * it sets one, else the platform's default. Undefined when the cf's value
 * holds a macro (`$j` and the like), which only sendmail can expand.
 */
export function sendmailPidFile(cfText: string | undefined, probe: Pick<HostProbe, 'debian'>): string | undefined {
	// Read as sendmail reads it (any case, a unique prefix; the last line wins).
	const raw = optionValue(parseCf(cfText ?? ''), 'PidFile');
	const fromCf = raw === undefined ? undefined : valueAsRead(raw).trim();

	if (fromCf !== undefined && fromCf !== '') {
		return fromCf.includes('$') ? undefined : fromCf;
	}

	return probe.debian ? DEBIAN_PID_FILE : DEFAULT_PID_FILE;
}

/** The PID in a sendmail PidFile: its first line (the second is the daemon's command line). */
export function parsePidFile(text: string): number | undefined {
	const first = text.split('\n', 1)[0]!.trim();
	if (!/^\d+$/.test(first)) {
		return undefined;
	}

	const pid = Number(first);
	return pid > 1 && Number.isSafeInteger(pid) ? pid : undefined;
}

/**
 * What to tell the admin when this tool does not restart sendmail itself
 * (`--no-restart`, or no way found).
 */
export function describeManualRestart(plan: RestartPlan | undefined, pidFile?: string): string {
	if (plan !== undefined) {
		return `Restart sendmail to load the new settings; run: ${plan.label}`;
	}

	// sendmail re-executes itself on SIGHUP, reading its configuration afresh.
	const pidFileHint = pidFile ?? DEFAULT_PID_FILE;
	return 'No systemd unit, init script, OpenRC service or rc script for sendmail was found; restart the sendmail daemon the way this host runs it to load the new settings, '
		+ `e.g. run: kill -HUP $(head -1 ${pidFileHint})`;
}

/**
 * `--restart-command CMD`: the restart an admin names for a host whose way is not detected. It is
 * run as an argument list, never through a shell, so it is read here as words: split at spaces and
 * tabs; '...' keeps everything inside as it is; "..." too, except that \" and \\ stand for " and \;
 * outside quotes \ keeps the next character. A JSON array of strings is taken as the list itself.
 * Nothing is expanded ($VAR, *, ~, ;, | and > are plain characters).
 */
export function parseRestartCommand(text: string): {ok: true; value: RestartPlan} | {ok: false; error: string} {
	let words: string[];
	if (text.trimStart().startsWith('[')) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			return {ok: false, error: '--restart-command: a value starting with [ must be a JSON array of strings, e.g. ["/usr/sbin/service", "sendmail", "restart"]'};
		}

		if (!Array.isArray(parsed) || !parsed.every(word => typeof word === 'string')) {
			return {ok: false, error: '--restart-command: the JSON value must be an array of strings'};
		}

		words = parsed as string[];
	} else {
		const split = splitWords(text);
		if (typeof split === 'string') {
			return {ok: false, error: `--restart-command: ${split}`};
		}

		words = split;
	}

	const [command, ...args] = words;
	if (command === undefined || command === '') {
		return {ok: false, error: '--restart-command needs a command, e.g. --restart-command "/usr/sbin/service sendmail restart"'};
	}

	if (words.some(word => /[\u0000-\u001F\u007F]/.test(word))) {
		return {ok: false, error: '--restart-command: a word holds a control character'};
	}

	return {ok: true, value: {label: words.map(word => quoteWord(word)).join(' '), command, args}};
}

/** The words of text, or what is wrong with it. */
function splitWords(text: string): string[] | string {
	const words: string[] = [];
	let word: string | undefined;
	let quote: '\'' | '"' | undefined;
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		if (quote === '\'') {
			if (char === '\'') {
				quote = undefined;
			} else {
				word += char;
			}
		} else if (quote === '"') {
			if (char === '"') {
				quote = undefined;
			} else if (char === '\\' && (text[index + 1] === '"' || text[index + 1] === '\\')) {
				word += text[++index]!;
			} else {
				word += char;
			}
		} else if (char === ' ' || char === '\t') {
			if (word !== undefined) {
				words.push(word);
				word = undefined;
			}
		} else if (char === '\'' || char === '"') {
			quote = char;
			word ??= '';
		} else if (char === '\\') {
			if (index + 1 === text.length) {
				return 'it ends with a lone \\';
			}

			word = (word ?? '') + text[++index]!;
		} else {
			word = (word ?? '') + char;
		}
	}

	if (quote !== undefined) {
		return `a ${quote} quote is not closed`;
	}

	if (word !== undefined) {
		words.push(word);
	}

	return words;
}

/** A word as an admin would type it back: quoted when it holds a space, a quote or a shell character. */
function quoteWord(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll('\'', String.raw`'\''`)}'`;
}
