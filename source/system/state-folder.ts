import {createHash} from 'node:crypto';
import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fail, ok, type Result} from '../core/result.js';

// The record of backup sets, the journal and the locks live where only root writes, never
// beside the config: anything in /etc/mail may have been planted by the mail user.

export const DEFAULT_STATE_DIR = '/var/lib/sendmail-harden';

/**
 * SENDMAIL_HARDEN_STATE_DIR, else /var/lib/sendmail-harden for root (who alone can write /etc/mail),
 * else the user's own state folder, so that the demo works without root.
 */
export function stateFolderPath(): string {
	const chosen = process.env['SENDMAIL_HARDEN_STATE_DIR'];
	if (chosen) {
		return chosen;
	}

	if (process.getuid === undefined || process.getuid() === 0) {
		return DEFAULT_STATE_DIR;
	}

	return path.join(process.env['XDG_STATE_HOME'] || path.join(os.homedir(), '.local', 'state'), 'sendmail-harden');
}

async function ensurePrivateFolder(folder: string, what: string): Promise<Result<string>> {
	try {
		await fs.mkdir(folder, {recursive: true, mode: 0o700});
		const stat = await fs.lstat(folder);
		const uid = process.getuid?.() ?? stat.uid;
		let problem: string | undefined;
		if (stat.isSymbolicLink()) {
			problem = 'is a symbolic link';
		} else if (!stat.isDirectory()) {
			problem = 'is not a folder';
		} else if (stat.uid !== uid) {
			problem = `belongs to user ${stat.uid}, not to you (${uid})`;
		} else if ((stat.mode & 0o022) !== 0) {
			problem = `can be written by others (mode ${(stat.mode & 0o777).toString(8)})`;
		}

		if (problem !== undefined) {
			return fail(`${what} ${folder} ${problem}; sendmail-harden keeps its backup records and locks there and trusts it only when only you can write to it: fix it (chown, chmod 700) or set SENDMAIL_HARDEN_STATE_DIR; nothing was written`);
		}

		return ok(folder);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied (run as root, or with sudo)'
			: code === 'ENOSPC' ? 'the disk is full'
				: code === 'EROFS' ? 'the file system is read-only'
					: (error as Error).message;
		return fail(`cannot use the state folder ${folder}: ${why}; nothing was written`);
	}
}

/** The state folder, created 0700 when missing, refused when someone else could write to it. */
export async function openStateFolder(): Promise<Result<string>> {
	return ensurePrivateFolder(path.resolve(stateFolderPath()), 'the state folder');
}

/** Whether any config has a state folder yet (none until this tool's first change on the host). */
export function anyConfigStateFolder(): boolean {
	return existsSync(path.join(path.resolve(stateFolderPath()), 'configs'));
}

/** Where the state folder of one config is, whether or not it exists yet. */
export function configStateFolderPath(cfPath: string): string {
	const key = createHash('sha256').update(path.resolve(cfPath)).digest('hex').slice(0, 20);
	return path.join(path.resolve(stateFolderPath()), 'configs', key);
}

/** The state folder of one config: its lock, journal, backup records and copies of the backups. */
export async function configStateFolder(cfPath: string): Promise<Result<string>> {
	const root = await openStateFolder();
	if (!root.ok) {
		return root;
	}

	const folder = await ensurePrivateFolder(configStateFolderPath(cfPath), 'the state folder');
	if (!folder.ok) {
		return folder;
	}

	for (const sub of ['sets', 'files']) {
		const made = await ensurePrivateFolder(path.join(folder.value, sub), 'the state folder');
		if (!made.ok) {
			return made;
		}
	}

	return folder;
}
