// The trust rule: root acts only on files that root (or the user running the tool) wrote.
//
// On Debian /etc/mail belongs to the mail user (smmta, mode 2755), who can therefore replace any
// file in it by one of its own. Every file read as input to something done with root's rights
// (the sendmail.cf, its .mc and the files the .mc includes, the help file, the state records) is
// read through readTrustedFile: the owner and mode come from fstat on the very descriptor the
// bytes are read from, so a swap between a check and the read is not possible. A file passes when
// it is owned by root or by the running user and no group or other user may write to it.
import {readFileSync, realpathSync, statSync, type Stats} from 'node:fs';
import path from 'node:path';
import {FileSafetyError, MAX_FILE_BYTES, readRegularFile} from './safe-write.js';

const runningUid = () => process.getuid?.() ?? 0;

function namesIn(file: string): Map<number, string> {
	const names = new Map<number, string>();
	try {
		for (const line of readFileSync(file, 'latin1').split('\n')) {
			const [name, , id] = line.split(':');
			if (name && id && /^\d+$/.test(id) && !names.has(Number(id))) {
				names.set(Number(id), name);
			}
		}
	} catch {
		// Without the file, numbers are shown instead.
	}

	return names;
}

let users: Map<number, string> | undefined;
let groups: Map<number, string> | undefined;
const shown = (name: string | undefined, id: number) => (name !== undefined && /^[\w.-]+$/.test(name) ? name : String(id));
/** A user's name where /etc/passwd has one, else the number. */
export const userName = (uid: number) => shown((users ??= namesIn('/etc/passwd')).get(uid), uid);
/** A group's name where /etc/group has one, else the number. */
export const groupName = (gid: number) => shown((groups ??= namesIn('/etc/group')).get(gid), gid);

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/** Owned by root or the running user, and writable by neither group nor others. */
export function isTrusted(stat: Stats): boolean {
	return (stat.uid === 0 || stat.uid === runningUid()) && (stat.mode & 0o022) === 0;
}

/**
 * The one line that refuses a file: who owns it, its mode, and the commands that make it
 * trusted (the group and the other bits of the mode are kept).
 */
export function untrustedMessage(filePath: string, stat: Stats): string {
	const ownerOk = stat.uid === 0 || stat.uid === runningUid();
	const fixes = [
		...(ownerOk ? [] : [`chown root:${groupName(stat.gid)} ${filePath}`]),
		...((stat.mode & 0o022) === 0 ? [] : [`chmod ${octal(stat.mode & ~0o022).slice(1)} ${filePath}`]),
	];
	const who = ownerOk ? '' : `it is owned by ${userName(stat.uid)}, not by root${runningUid() === 0 ? '' : ` or ${userName(runningUid())}`}`;
	const mode = (stat.mode & 0o022) === 0 ? '' : `its mode ${octal(stat.mode)} lets ${(stat.mode & 0o002) !== 0 ? 'anyone' : `group ${groupName(stat.gid)}`} write to it`;
	return `${filePath} is not trusted: ${[who, mode].filter(Boolean).join(' and ')} (owner ${userName(stat.uid)}, group ${groupName(stat.gid)}, mode ${octal(stat.mode)}), so sendmail-harden will not act on it as root; nothing was changed. If its contents are yours, fix it: ${fixes.join('; ')}`;
}

/** readRegularFile, refusing (EUNSAFE, one line) a file the trust rule does not pass: checked on the descriptor read. */
export async function readTrustedFile(filePath: string, maxBytes = MAX_FILE_BYTES): Promise<{bytes: Buffer; stat: Stats}> {
	const read = await readRegularFile(filePath, maxBytes);
	if (!isTrusted(read.stat)) {
		throw new FileSafetyError('EUNSAFE', filePath, untrustedMessage(filePath, read.stat));
	}

	return read;
}

export const isUntrustedError = (error: unknown): error is FileSafetyError => error instanceof FileSafetyError && error.code === 'EUNSAFE' && error.message.includes(' is not trusted: ');

/**
 * Why a folder is not one only root (or the running user) can change: it, or a folder above it,
 * belongs to someone else or may be written by group or others. A sticky world-writable folder
 * such as /tmp counts as writable: anyone may add a name to it. Undefined when it is safe.
 * Links are resolved first: the folders the real path goes through are the ones checked.
 */
export function folderChainProblem(folder: string): string | undefined {
	let current: string;
	try {
		current = realpathSync(folder);
	} catch (error) {
		return `${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
	}

	for (;;) {
		let stat: Stats;
		try {
			stat = statSync(current);
		} catch (error) {
			return `${current}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
		}

		if (!stat.isDirectory()) {
			return `${current} is not a folder`;
		}

		if (stat.uid !== 0 && stat.uid !== runningUid()) {
			return `${current} is owned by ${userName(stat.uid)}`;
		}

		if ((stat.mode & 0o022) !== 0) {
			return `${current} may be written by ${(stat.mode & 0o002) !== 0 ? 'anyone' : `group ${groupName(stat.gid)}`} (mode ${octal(stat.mode)})`;
		}

		const parent = path.dirname(current);
		if (parent === current) {
			return undefined;
		}

		current = parent;
	}
}
