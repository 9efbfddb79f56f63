// Which addresses sendmail's daemons listen on, and the edit that makes them loopback-only ("local")
// or takes the loopback-only address away ("all"). A daemon is one `O DaemonPortOptions=` line of the
// .cf, one `DAEMON_OPTIONS(`...')` line of the .mc (docs/sendmail.md, "Daemon addresses").
//
// sendmail reads the value as comma-separated `key=value` fields and tells the keys apart by their
// first letter (daemon.c, setsockaddroptions): `Addr=`, `Address=` and `A=` all set the address,
// `Family=`/`F=` the family, `Name=`/`N=` the name, `Port=`/`P=` the port. A field without `=` is
// skipped. No `Addr` is every address of the family (INADDR_ANY, in6addr_any); no daemon line at
// all is sendmail's one default daemon, port 25 on every IPv4 address.
//
// Strings hold one byte per character (latin1), as in sendmail-cf.ts; every byte outside the
// changed fields stays as it was (CRLF, comments, other lines).
import {applySplices, findOption, parseCf, setOptionSplices, valueAsRead, type TextSplice} from './sendmail-cf.js';

export type ListenChoice = 'all' | 'local';

/** One daemon as sendmail reads it. */
export type Daemon = {
	/** 1-based line of its DaemonPortOptions / DAEMON_OPTIONS line; 0 for sendmail's default daemon. */
	line: number;
	name: string | undefined;
	/** inet, inet6, local (a socket file), ...; inet when not given. */
	family: string;
	/** The port as written (smtp, submission, 25); undefined: 25. */
	port: string | undefined;
	/** The address as written; undefined: every address of the family. */
	addr: string | undefined;
	/** The M= modifiers as written (e.g. "Ea"; A: no AUTH on this daemon), where there are any. */
	modifiers?: string;
};

/** How far a daemon can be reached. */
export type Reach = 'loopback' | 'address' | 'everywhere' | 'socket';

type Field = {
	/** The first letter of the key, upper-cased: A, F, N, P, ... */
	key: string;
	/** Offsets into the value text: the whole field (from its first non-blank), and its value. */
	start: number;
	end: number;
	valueStart: number;
	valueEnd: number;
	value: string;
};

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** The fields of a daemon options value, with offsets into `value`. */
function fieldsOf(value: string): Field[] {
	const fields: Field[] = [];
	let at = 0;
	while (at <= value.length) {
		const comma = value.indexOf(',', at);
		const end = comma === -1 ? value.length : comma;
		let start = at;
		while (start < end && isBlank(value[start])) {
			start++;
		}

		const equals = value.indexOf('=', start);
		if (start < end && equals !== -1 && equals < end) {
			let valueStart = equals + 1;
			while (valueStart < end && isBlank(value[valueStart])) {
				valueStart++;
			}

			let valueEnd = end;
			while (valueEnd > valueStart && isBlank(value[valueEnd - 1])) {
				valueEnd--;
			}

			fields.push({key: value[start]!.toUpperCase(), start, end: valueEnd, valueStart, valueEnd, value: value.slice(valueStart, valueEnd)});
		}

		if (comma === -1) {
			break;
		}

		at = comma + 1;
	}

	return fields;
}

/** The daemon a DaemonPortOptions value defines, as sendmail reads its fields. */
export function daemonOf(value: string, line: number): Daemon {
	const fields = fieldsOf(value);
	const field = (key: string) => fields.filter(each => each.key === key).at(-1)?.value;
	const modifiers = field('M');
	return {line, name: field('N'), family: (field('F') ?? 'inet').toLowerCase(), port: field('P'), addr: field('A'), ...(modifiers === undefined ? {} : {modifiers})};
}

const isInet6 = (family: string) => family === 'inet6';
const isNetwork = (family: string) => family === 'inet' || family === 'inet6';

/** Whether an address is this host's loopback only. */
export function isLoopback(addr: string): boolean {
	const lower = addr.trim().toLowerCase().replace(/^\[|\]$/g, '');
	return /^127\.\d+\.\d+\.\d+$/.test(lower) || lower === '::1' || /^::ffff:127\.\d+\.\d+\.\d+$/.test(lower) || lower === 'localhost' || lower === 'ip6-localhost';
}

export function reachOf(daemon: Daemon): Reach {
	if (!isNetwork(daemon.family)) {
		return 'socket';
	}

	if (daemon.addr === undefined || daemon.addr === '' || daemon.addr === '0.0.0.0' || daemon.addr === '::' || daemon.addr === 'INADDR_ANY') {
		return 'everywhere';
	}

	return isLoopback(daemon.addr) ? 'loopback' : 'address';
}

/** The daemons a .cf defines, as sendmail reads them; sendmail's default daemon when no line sets one. */
export function cfDaemons(cfText: string): {daemons: Daemon[]; defaulted: boolean} {
	const {setters} = findOption(parseCf(cfText), 'DaemonPortOptions');
	if (setters.length === 0) {
		return {daemons: [{line: 0, name: 'MTA', family: 'inet', port: undefined, addr: undefined}], defaulted: true};
	}

	return {daemons: setters.map(setter => daemonOf(valueAsRead(setter.value), setter.line.firstLine + 1)), defaulted: false};
}

/** One daemon in words: "MTA-v4 port smtp on 127.0.0.1 (this host only)". */
export function describeDaemon(daemon: Daemon): string {
	const name = daemon.name ?? (daemon.line === 0 ? 'default daemon' : 'daemon');
	const port = daemon.port ?? '25';
	switch (reachOf(daemon)) {
		case 'socket': {
			return `${name} on ${daemon.family} socket ${daemon.addr ?? ''}`.trim();
		}

		case 'everywhere': {
			return `${name} port ${port} on every ${isInet6(daemon.family) ? 'IPv6' : 'IPv4'} address (reachable from other machines)`;
		}

		case 'loopback': {
			return `${name} port ${port} on ${daemon.addr!} (this host only)`;
		}

		case 'address': {
			return `${name} port ${port} on ${daemon.addr!} (reachable from machines that reach that address)`;
		}
	}
}

/** What a daemon options value becomes for a choice; undefined when it stays as it is. */
export function editDaemonValue(value: string, choice: ListenChoice): string | undefined {
	const fields = fieldsOf(value);
	const family = (fields.filter(each => each.key === 'F').at(-1)?.value ?? 'inet').toLowerCase();
	if (!isNetwork(family)) {
		return undefined;
	}

	const addrs = fields.filter(each => each.key === 'A');
	if (choice === 'local') {
		const wanted = isInet6(family) ? '::1' : '127.0.0.1';
		if (addrs.length > 0) {
			// Every Addr field gets it (sendmail takes the last; an earlier one must not mislead a reader).
			const splices = addrs.filter(each => each.value !== wanted).map(each => ({at: each.valueStart, end: each.valueEnd, insert: wanted}));
			return splices.length === 0 ? undefined : applySplices(value, splices);
		}

		// After the last field, in the separator style the line already uses.
		const last = fields.at(-1);
		if (last === undefined) {
			return `${value.replace(/[ \t]+$/, '')}Addr=${wanted}`;
		}

		const separator = /,[ \t]+\S/.test(value) ? ', ' : ',';
		return `${value.slice(0, last.end)}${separator}Addr=${wanted}${value.slice(last.end)}`;
	}

	// "all": the loopback-only address goes, with the comma that joined it.
	const loopback = addrs.filter(each => isLoopback(each.value));
	if (loopback.length === 0) {
		return undefined;
	}

	const splices: TextSplice[] = loopback.map(field => {
		const before = value.lastIndexOf(',', field.start);
		if (before !== -1) {
			return {at: before, end: field.end, insert: ''};
		}

		// The first field: it goes with the comma and blanks after it.
		const after = value.indexOf(',', field.end);
		let end = after === -1 ? field.end : after + 1;
		while (after !== -1 && end < value.length && (value[end] === ' ' || value[end] === '\t')) {
			end++;
		}

		return {at: field.start, end, insert: ''};
	});
	return applySplices(value, splices);
}

export type DaemonEdit = {
	text: string;
	/** Each changed daemon line, before and after (as read, without the line ending). */
	changed: Array<{line: number; before: string; after: string}>;
	/** What the admin should know (a socket daemon left alone, a line added). */
	notes: string[];
};

/**
 * The .cf with every active DaemonPortOptions line set to the choice. "local" on a config with no
 * such line adds one for sendmail's default daemon, which would otherwise listen on every address.
 */
export function setCfListen(cfText: string, choice: ListenChoice): DaemonEdit {
	const found = cfListenSplices(cfText, choice);
	return {text: found.splices.length === 0 ? cfText : applySplices(cfText, found.splices), changed: found.changed, notes: found.notes};
}

/** setCfListen's splices, for a caller with more of its own to make in the same pass. */
export function cfListenSplices(cfText: string, choice: ListenChoice): Omit<DaemonEdit, 'text'> & {splices: TextSplice[]} {
	const document = parseCf(cfText);
	const {setters} = findOption(document, 'DaemonPortOptions');
	const changed: DaemonEdit['changed'] = [];
	const notes: string[] = [];
	const splices: TextSplice[] = [];
	if (setters.length === 0) {
		if (choice === 'all') {
			return {splices, changed, notes};
		}

		const value = 'Name=MTA, Addr=127.0.0.1';
		const added = setOptionSplices(cfText, [{name: 'DaemonPortOptions', value}]);
		notes.push('no DaemonPortOptions line: sendmail\'s default daemon listens on every address, so a line for it is added with Addr=127.0.0.1');
		changed.push({line: 0, before: '(sendmail\'s default daemon)', after: `O DaemonPortOptions=${value}`});
		return {splices: added.splices, changed, notes};
	}

	for (const setter of setters) {
		const {line} = setter;
		const raw = cfText.slice(line.start, line.end);
		// The value sendmail reads: without a `# comment`, which stays where it is.
		const read = valueAsRead(setter.value);
		const edited = setter.value.startsWith(read) ? editDaemonValue(read, choice) : undefined;
		if (!setter.value.startsWith(read)) {
			notes.push(`line ${line.firstLine + 1}: a DaemonPortOptions line with an escaped "\\#", left as it is: edit it by hand`);
			continue;
		}

		if (edited === undefined) {
			const daemon = daemonOf(read, line.firstLine + 1);
			if (!isNetwork(daemon.family)) {
				notes.push(`line ${line.firstLine + 1}: a ${daemon.family} socket daemon, left as it is (no other machine reaches it)`);
			}

			continue;
		}

		const valueAt = line.text.length - setter.value.length;
		const after = `${line.text.slice(0, valueAt)}${edited}${setter.value.slice(read.length)}`;
		// A folded line (continued on lines that start with a blank) becomes one line; any other
		// line changes only inside its value.
		splices.push(raw === line.text ? {at: line.start + valueAt, end: line.start + valueAt + read.length, insert: edited} : {at: line.start, end: line.end, insert: after});
		changed.push({line: line.firstLine + 1, before: line.text, after});
	}

	return {splices, changed, notes};
}

// An active DAEMON_OPTIONS statement on a line of its own: not after `dnl` or `#`, which m4 skips.
const MC_DAEMON = /^([ \t]*DAEMON_OPTIONS\([ \t]*`)([^`'\n]*)('[ \t]*\))/;

/** The daemons an .mc's DAEMON_OPTIONS lines define, in file order. */
export function mcDaemons(mcText: string): Daemon[] {
	const daemons: Daemon[] = [];
	mcText.split('\n').forEach((line, index) => {
		const found = MC_DAEMON.exec(line);
		if (found) {
			daemons.push(daemonOf(found[2]!, index + 1));
		}
	});
	return daemons;
}

/**
 * The .mc with every active DAEMON_OPTIONS line set to the choice. "local" on an .mc without one
 * adds lines for the daemons m4 builds by default (proto.m4: "Name=MTA", and "Port=587, Name=MSA,
 * M=E" unless FEATURE(`no_default_msa')), with the feature that drops the default MSA, before the
 * first MAILER: those defaults listen on every address. The caller checks the built .cf all the same.
 */
export function setMcListen(mcText: string, choice: ListenChoice): DaemonEdit {
	const changed: DaemonEdit['changed'] = [];
	const notes: string[] = [];
	const splices: TextSplice[] = [];
	if (choice === 'local' && mcDaemons(mcText).length === 0) {
		const newline = mcText.includes('\r\n') ? '\r\n' : '\n';
		const msa = !/^[ \t]*FEATURE\([ \t]*`?no_default_msa/m.test(mcText);
		const lines = [
			'DAEMON_OPTIONS(`Name=MTA, Addr=127.0.0.1\')dnl',
			...(msa ? ['FEATURE(`no_default_msa\')dnl', 'DAEMON_OPTIONS(`Port=587, Name=MSA, M=E, Addr=127.0.0.1\')dnl'] : []),
		];
		const block = lines.map(line => line + newline).join('');
		const at = /^(?:MAILER_DEFINITIONS|MAILER\()/m.exec(mcText);
		const text = at === null ? `${mcText}${mcText === '' || mcText.endsWith('\n') ? '' : newline}${block}` : mcText.slice(0, at.index) + block + mcText.slice(at.index);
		notes.push(`the .mc has no DAEMON_OPTIONS line, so m4 builds default daemons that listen on every address: ${msa ? 'lines for the MTA and the MSA (port 587, with FEATURE(`no_default_msa\') in place of the default one) are' : 'a line for the MTA is'} added with Addr=127.0.0.1`);
		for (const line of lines) {
			changed.push({line: 0, before: '', after: line});
		}

		return {text, changed, notes};
	}

	let start = 0;
	let index = 0;
	for (;;) {
		const newline = mcText.indexOf('\n', start);
		const end = newline === -1 ? mcText.length : newline;
		const line = mcText.slice(start, end);
		const found = MC_DAEMON.exec(line);
		if (found) {
			const value = found[2]!;
			const edited = editDaemonValue(value, choice);
			if (edited === undefined) {
				const daemon = daemonOf(value, index + 1);
				if (!isNetwork(daemon.family)) {
					notes.push(`line ${index + 1} of the .mc: a ${daemon.family} socket daemon, left as it is`);
				}
			} else {
				const at = start + found[1]!.length;
				splices.push({at, end: at + value.length, insert: edited});
				const plain = line.replace(/\r$/, '');
				changed.push({line: index + 1, before: plain, after: plain.slice(0, found[1]!.length) + edited + plain.slice(found[1]!.length + value.length)});
			}
		}

		if (newline === -1) {
			break;
		}

		start = newline + 1;
		index++;
	}

	return {text: splices.length === 0 ? mcText : applySplices(mcText, splices), changed, notes};
}

/** The choice a set of daemons amounts to: "local" when no daemon is reachable from another machine. */
export function listenOf(daemons: readonly Daemon[]): ListenChoice {
	return daemons.every(daemon => reachOf(daemon) === 'loopback' || reachOf(daemon) === 'socket') ? 'local' : 'all';
}

/** The daemons' addresses in a few words: "all (MTA-v4 every address, MSP-v4 127.0.0.1)". */
export function listenSummary(daemons: readonly Daemon[]): string {
	const where = (daemon: Daemon) => (reachOf(daemon) === 'everywhere' ? 'every address' : daemon.addr ?? '');
	return `${listenOf(daemons)} (${daemons.map(daemon => `${daemon.name ?? `line ${daemon.line}`} ${where(daemon)}`).join(', ')})`;
}
