import {randomBytes} from 'node:crypto';
import {unlinkSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import {fail, ok, type Result} from '../core/result.js';
import path from 'node:path';
import {readInputFile} from './read-input.js';
import {isProcessAlive, processStartTime} from './safe-write.js';

// A lock file that says who holds it: made whole under a private name and hard-linked into place
// (link fails when the name exists), so it is never seen half written and two runs never both
// take it. A holder that died (kill -9) is noticed by its pid and start time, and its lock removed.
// The config's lock (in its state folder) and the preset store's (beside the store) are both this.

/** Who holds a lock; `host` is absent in locks that only ever live on this machine's disk. */
type LockHolder = {pid: number; startTime?: string; host?: string; command?: string; since: string; nonce: string};

export type HeldFileLock = {release(): Promise<void>};

export const LOCK_WAIT_MS = 5000;

async function isAlive(holder: LockHolder): Promise<boolean> {
	if (holder.host !== undefined && holder.host !== os.hostname()) {
		// A store shared over NFS: the holder's host cannot be asked; wait for it.
		return true;
	}

	return isProcessAlive(holder.pid, holder.startTime);
}

async function readHolder(file: string): Promise<LockHolder | 'missing' | 'unreadable'> {
	const read = await readInputFile(file, {maxBytes: 4096, what: 'lock file'});
	if (!read.ok) {
		return read.error.endsWith('does not exist') ? 'missing' : 'unreadable';
	}

	try {
		const holder = JSON.parse(read.value.toString('utf8')) as LockHolder;
		return typeof holder.pid === 'number' && typeof holder.nonce === 'string' && typeof holder.since === 'string' ? holder : 'unreadable';
	} catch {
		return 'unreadable';
	}
}

/** Creates `file` holding `holder`; false when it exists already. */
async function linkInto(file: string, holder: LockHolder): Promise<boolean> {
	const temp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}`;
	await fs.writeFile(temp, JSON.stringify(holder), {flag: 'wx', mode: 0o600});
	try {
		await fs.link(temp, file);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
			return false;
		}

		throw error;
	} finally {
		await fs.unlink(temp).catch(() => undefined);
	}
}

/**
 * Removes the lock of a dead holder. Two runs may find it dead at once: the removal is done under
 * a second lock, and only while the lock is still the dead one's, so a lock another run has just
 * taken is never removed.
 */
async function removeDead(file: string, dead: LockHolder, me: LockHolder): Promise<void> {
	const takeover = `${file}.takeover`;
	if (!(await linkInto(takeover, me))) {
		const other = await readHolder(takeover);
		if (other === 'unreadable' || (other !== 'missing' && !(await isAlive(other)))) {
			await fs.unlink(takeover).catch(() => undefined);
		}

		return;
	}

	try {
		const now = await readHolder(file);
		if (now !== 'missing' && now !== 'unreadable' && now.nonce === dead.nonce) {
			await fs.unlink(file);
		}
	} finally {
		await fs.unlink(takeover).catch(() => undefined);
	}
}

/** The holder in words: "pid 123 on mail, since <time>: sendmail-harden --yes ...". */
function describeHolder(holder: LockHolder): string {
	const command = holder.command === undefined || holder.command === '' ? '' : `: ${holder.command.length > 120 ? `${holder.command.slice(0, 117)}...` : holder.command}`;
	return `pid ${holder.pid}${holder.host === undefined ? '' : ` on ${holder.host}`}, since ${holder.since}${command}`;
}

export type FileLockOptions = {
	waitMs?: number;
	pollMs?: number;
	/** The one line when the lock stays taken, given who holds it; by default it names the lock file. */
	busy?: (holder: string) => string;
	/** What "nothing was ..." says when the lock cannot be taken at all. */
	nothing?: string;
};

/**
 * Takes the lock `file`, waiting up to `waitMs` while another run holds it. The waits are timers,
 * so Ctrl+C and SIGTERM stop it at once. `what` names the locked thing in the busy message.
 */
export async function acquireFileLock(file: string, what: string, options: FileLockOptions = {}): Promise<Result<HeldFileLock>> {
	const me: LockHolder = {
		pid: process.pid,
		startTime: await processStartTime(process.pid),
		host: os.hostname(),
		// What the admin ran, so a second run can say who is busy.
		command: process.argv.slice(1).map(arg => (path.basename(arg) === 'cli.js' ? 'sendmail-harden' : arg)).join(' ').slice(0, 200),
		since: new Date().toISOString(),
		nonce: randomBytes(12).toString('hex'),
	};
	const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
	let holder: LockHolder | 'unreadable' | 'missing' = 'missing';
	try {
		for (;;) {
			if (await linkInto(file, me)) {
				// A run stopped by a signal exits without its finally blocks: the lock goes with it.
				const onExit = () => {
					try {
						unlinkSync(file);
					} catch {}
				};

				process.once('exit', onExit);
				return ok({
					async release() {
						process.off('exit', onExit);
						const now = await readHolder(file);
						if (now !== 'missing' && now !== 'unreadable' && now.nonce === me.nonce) {
							await fs.unlink(file).catch(() => undefined);
						}
					},
				});
			}

			holder = await readHolder(file);
			if (holder === 'missing') {
				continue;
			}

			if (holder !== 'unreadable' && !(await isAlive(holder))) {
				await removeDead(file, holder, me);
				continue;
			}

			if (Date.now() >= deadline) {
				break;
			}

			await new Promise(resolve => {
				setTimeout(resolve, options.pollMs ?? 50);
			});
		}
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied (run as the user who owns that folder)'
			: code === 'EROFS' ? 'the file system is read-only'
				: code === 'ENOSPC' ? 'the disk is full'
					: (error as Error).message.split('\n')[0];
		return fail(`cannot take the lock ${file}: ${why}; ${options.nothing ?? 'nothing was changed'}`);
	}

	const who = holder === 'unreadable' ? 'a lock file that cannot be read' : describeHolder(holder);
	return fail(options.busy?.(who) ?? `${what} is in use by another sendmail-harden run (${who}); try again when it has finished, or remove ${file} if no such run exists`);
}
