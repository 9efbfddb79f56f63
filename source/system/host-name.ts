// sendmail needs a fully qualified host name: when gethostname() has no dot and the resolver
// (/etc/hosts here) gives no dotted name either, every start logs "My unqualified host name (vm)
// unknown; sleeping for retry" and sleeps 60 s, even -bt and -bs, even with Dj in the config.
// This module tells whether that will happen and how the tool's own sendmail runs avoid it.
import {existsSync, readFileSync} from 'node:fs';
import os from 'node:os';

/** How long sendmail sleeps at start on an unqualified host (daemon.c, myhostname()). */
export const UNQUALIFIED_SLEEP_SECONDS = 60;

/** The host name when sendmail will sleep on it at each start, and for how long; undefined when qualified. */
export type HostNameWait = {name: string; seconds: number};

export function hostNameWait(check: HostNameCheck = checkHostName()): HostNameWait | undefined {
	return check.qualifiedAs === undefined ? {name: check.name, seconds: UNQUALIFIED_SLEEP_SECONDS} : undefined;
}

/** Why a restart on an unqualified host is slow or stopped, and the fix, for a failure message. */
export function hostNameCause(name: string): string {
	return `the host name '${name}' is not fully qualified: sendmail waits ${UNQUALIFIED_SLEEP_SECONDS} s at each start; add '127.0.1.1 ${name}.example.org ${name}' to /etc/hosts (with your real domain)`;
}

export type HostNameCheck = {
	/** gethostname(), as sendmail starts from it. */
	name: string;
	/** A dotted name sendmail will find (the name itself, or /etc/hosts), or undefined. */
	qualifiedAs: string | undefined;
};

/**
 * Whether sendmail finds a qualified name for `name`: the name has a dot, or the first /etc/hosts
 * line that lists it gives a dotted name (its canonical name, or an alias as sendmail also looks
 * at those). DNS is not asked; a name only DNS qualifies counts as unqualified here.
 */
export function qualifyHostName(name: string, hostsText: string): string | undefined {
	if (name.includes('.')) {
		return name;
	}

	for (const raw of hostsText.split('\n')) {
		const names = raw.replace(/#.*/, '').trim().split(/\s+/).slice(1);
		if (names.some(entry => entry.toLowerCase() === name.toLowerCase())) {
			return names.find(entry => entry.includes('.') && !entry.endsWith('.'));
		}
	}

	return undefined;
}

export function checkHostName(options: {name?: string; hostsFile?: string} = {}): HostNameCheck {
	const name = options.name ?? os.hostname();
	let hostsText = '';
	try {
		hostsText = readFileSync(options.hostsFile ?? '/etc/hosts', 'latin1');
	} catch {
		// No /etc/hosts: only a dotted name qualifies.
	}

	return {name, qualifiedAs: qualifyHostName(name, hostsText)};
}

/** The fix an admin makes, in one line. */
export function hostNameFix(check: HostNameCheck): string {
	return `put a fully qualified name first for this host in /etc/hosts, e.g. "127.0.1.1 ${check.name}.example.org ${check.name}" (your real domain)`;
}

/** One line for the Welcome screen and `audit`, or undefined when the name is qualified. */
export function hostNameWarning(check: HostNameCheck = checkHostName()): string | undefined {
	if (check.qualifiedAs !== undefined) {
		return undefined;
	}

	return `The host name "${check.name}" is not fully qualified: sendmail sleeps ${UNQUALIFIED_SLEEP_SECONDS} s at every start. Fix: ${hostNameFix(check)}.`;
}

/** How the tool runs sendmail for its own checks. */
export type SendmailRun = {
	command: string;
	args: string[];
	/** The host name sendmail sees; differs from the machine's when run in a private UTS namespace. */
	hostName: string;
	/** 'qualified': nothing to do; 'private-name': run in its own UTS namespace; 'waits': sendmail sleeps 60 s first. */
	how: 'qualified' | 'private-name' | 'waits';
};

export type HostContext = {
	check: HostNameCheck;
	root: boolean;
	/** unshare(1), on Linux; undefined elsewhere. */
	unshare: string | undefined;
};

export function hostContext(): HostContext {
	const unshare = process.platform === 'linux' ? ['/usr/bin/unshare', '/bin/unshare'].find(file => existsSync(file)) : undefined;
	return {check: checkHostName(), root: process.getuid?.() === 0, unshare};
}

/** A dotted name to give sendmail: the preferred one (the config's Dj, --hostname) when it is usable. */
export function privateHostName(check: HostNameCheck, preferred?: string): string {
	if (preferred !== undefined && /^[A-Za-z\d](?:[A-Za-z\d-]*[A-Za-z\d])?(?:\.[A-Za-z\d](?:[A-Za-z\d-]*[A-Za-z\d])?)+$/.test(preferred) && preferred.length <= 63) {
		return preferred;
	}

	const short = /^[A-Za-z\d-]{1,40}$/.test(check.name) ? check.name : 'localhost';
	return `${short}.localdomain`;
}

/** The literal host name a config sets with Dj (no macros), if any: the name the admin gave sendmail. */
export function configHostName(cfText: string): string | undefined {
	const lines = cfText.split('\n').filter(line => line.startsWith('Dj'));
	const value = lines.at(-1)?.slice(2).trim();
	return value !== undefined && !value.includes('$') && value.includes('.') ? value : undefined;
}

/**
 * How to run `program args` so that it does not sleep: as is on a qualified host; as root on Linux,
 * in a private UTS namespace whose host name is qualified (the machine's own name is untouched);
 * otherwise as is, and the caller shows a countdown while sendmail sleeps.
 */
export function sendmailRun(program: string, args: string[], context: HostContext, preferredName?: string): SendmailRun {
	if (context.check.qualifiedAs !== undefined) {
		return {command: program, args, hostName: context.check.qualifiedAs, how: 'qualified'};
	}

	if (context.root && context.unshare !== undefined) {
		const hostName = privateHostName(context.check, preferredName);
		return {
			command: context.unshare,
			args: ['--uts', '/bin/sh', '-c', 'hostname "$0" && exec "$@"', hostName, program, ...args],
			hostName,
			how: 'private-name',
		};
	}

	return {command: program, args, hostName: context.check.name, how: 'waits'};
}
