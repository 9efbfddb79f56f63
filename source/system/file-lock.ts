import {randomBytes} from 'node:crypto';
import {constants, readFileSync, unlinkSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import {fail, ok, type Result} from '../core/result.js';
import path from 'node:path';
import {fsyncFolder, isProcessAlive, processStartTime} from './safe-write.js';

// A lock file that says who holds it: made whole under a private name, synced to disk, and
// hard-linked into place (link fails when the name exists), so a running reader never sees it half
// written and two runs never both take it. A holder that died (kill -9, a power cut) is noticed by
// its pid and that process's start time (a pid is reused; a start time with it is not), and its lock
// taken over. A power cut can still leave the file empty or garbled (the link reached the disk, the
// bytes did not): such a lock names no one who could still hold it, so after a short grace it is
// taken over too. Every takeover is said, naming the file.
// The config's lock (in its state folder) and the preset store's (beside the store) are both this.

/**
 * Who holds a lock. `machine` and `boot` tell whether the pid can be asked here: a lock from an
 * earlier boot of this machine is dead whatever its pid, one from another machine (a store shared
 * over NFS) cannot be asked and is waited for. `host` is only said in messages (a host can be renamed).
 */
type LockHolder = {pid: number; startTime?: string; host?: string; machine?: string; boot?: string; command?: string; since: string; nonce: string};

/** A lock file whose bytes are not a holder: the inode and bytes let a takeover check it is still that file. */
type Garbled = {kind: 'garbled'; ino: number; bytes: Buffer; mtimeMs: number};

type Read = LockHolder | Garbled | {kind: 'missing'} | {kind: 'unreadable'; why: string};

export type HeldFileLock = {
	release(): Promise<void>;
	/** Set when the lock was taken over from a dead run or a garbled file: one line naming the lock file. */
	note?: string;
};

export const LOCK_WAIT_MS = 5000;
/** How long a lock file must stay unparsable before it is taken over (a writer may be mid-way). */
export const LOCK_GRACE_MS = 2000;
const MAX_LOCK_BYTES = 4096;

function isHolder(read: Read): read is LockHolder {
	return !('kind' in read);
}

function firstLine(file: string): string | undefined {
	try {
		return readFileSync(file, 'latin1').trim().split('\n')[0] || undefined;
	} catch {
		return undefined;
	}
}

let machineIds: {machine?: string; boot?: string} | undefined;
function thisMachine(): {machine?: string; boot?: string} {
	machineIds ??= {machine: firstLine('/etc/machine-id'), boot: firstLine('/proc/sys/kernel/random/boot_id')};
	return machineIds;
}

async function isAlive(holder: LockHolder): Promise<boolean> {
	const here = thisMachine();
	if (holder.machine !== undefined && here.machine !== undefined && holder.machine !== here.machine) {
		// Another machine's run (a store shared over NFS): its pid cannot be asked from here; wait for it.
		return true;
	}

	if (holder.boot !== undefined && here.boot !== undefined && holder.boot !== here.boot) {
		// Written before this machine last started (a power cut, a reboot): no process of it is left.
		return false;
	}

	// The host name is not asked: a host renamed since would keep a dead run's lock for ever.
	return isProcessAlive(holder.pid, holder.startTime);
}

async function readLock(file: string): Promise<Read> {
	let handle: fs.FileHandle;
	try {
		// O_NONBLOCK: a FIFO planted at the name does not hang the open.
		handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return code === 'ENOENT' ? {kind: 'missing'}
			: {kind: 'unreadable', why: code === 'ELOOP' ? 'it is a symbolic link' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message.split('\n')[0]!};
	}

	try {
		const stat = await handle.stat();
		if (!stat.isFile()) {
			return {kind: 'unreadable', why: 'it is not a regular file'};
		}

		const buffer = Buffer.alloc(MAX_LOCK_BYTES + 1);
		const {bytesRead} = await handle.read(buffer, 0, buffer.length, 0);
		const bytes = buffer.subarray(0, bytesRead);
		const garbled: Garbled = {kind: 'garbled', ino: stat.ino, bytes, mtimeMs: stat.mtimeMs};
		if (bytesRead > MAX_LOCK_BYTES) {
			return garbled;
		}

		try {
			const holder = JSON.parse(bytes.toString('utf8')) as LockHolder;
			return holder !== null && typeof holder === 'object' && typeof holder.pid === 'number' && typeof holder.nonce === 'string' && typeof holder.since === 'string' ? holder : garbled;
		} catch {
			return garbled;
		}
	} catch (error) {
		return {kind: 'unreadable', why: (error as Error).message.split('\n')[0]!};
	} finally {
		await handle.close();
	}
}

/** Creates `file` holding `holder`, on disk before it is in place; false when it exists already. */
async function linkInto(file: string, holder: LockHolder): Promise<boolean> {
	const temp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}`;
	const handle = await fs.open(temp, 'wx', 0o600);
	try {
		await handle.writeFile(JSON.stringify(holder));
		await handle.sync();
	} catch (error) {
		await handle.close();
		await fs.unlink(temp).catch(() => undefined);
		throw error;
	}

	await handle.close();
	try {
		await fs.link(temp, file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
			return false;
		}

		throw error;
	} finally {
		await fs.unlink(temp).catch(() => undefined);
	}

	// The name too: a lock that vanished in a power cut would let a second run in after the restart
	// while the journal of this one still waits to be settled.
	await fsyncFolder(path.dirname(file));
	return true;
}

function sameLock(now: Read, judged: LockHolder | Garbled): boolean {
	if (isHolder(judged)) {
		return isHolder(now) && now.nonce === judged.nonce;
	}

	return !isHolder(now) && now.kind === 'garbled' && now.ino === judged.ino && now.bytes.equals(judged.bytes);
}

/**
 * Removes a dead holder's lock, or a garbled one. Two runs may judge it at once: the removal is done
 * under a second lock, and only while the lock is still the one judged, so a lock another run has
 * just taken is never removed. True when this run removed it.
 */
async function removeStale(file: string, judged: LockHolder | Garbled, me: LockHolder, graceMs: number): Promise<boolean> {
	const takeover = `${file}.takeover`;
	if (!(await linkInto(takeover, me))) {
		const other = await readLock(takeover);
		if (isHolder(other) ? !(await isAlive(other)) : other.kind === 'garbled' && Date.now() - other.mtimeMs >= graceMs) {
			await fs.unlink(takeover).catch(() => undefined);
		}

		return false;
	}

	try {
		if (sameLock(await readLock(file), judged)) {
			await fs.unlink(file);
			return true;
		}

		return false;
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
	/** How long an unparsable lock file must stay so before it is taken over. */
	graceMs?: number;
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
		...thisMachine(),
		// What the admin ran, so a second run can say who is busy.
		command: process.argv.slice(1).map(arg => (path.basename(arg) === 'cli.js' ? 'sendmail-harden' : arg)).join(' ').slice(0, 200),
		since: new Date().toISOString(),
		nonce: randomBytes(12).toString('hex'),
	};
	const graceMs = options.graceMs ?? LOCK_GRACE_MS;
	const waitUntil = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
	let deadline = waitUntil;
	let read: Read = {kind: 'missing'};
	let note: string | undefined;
	// The garbled lock seen, and since when: one that stays the same for the grace is taken over
	// even when its time stamp is in the future (a clock set back).
	let garbledSince: {lock: Garbled; at: number} | undefined;
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
					note,
					async release() {
						process.off('exit', onExit);
						const now = await readLock(file);
						if (isHolder(now) && now.nonce === me.nonce) {
							await fs.unlink(file).catch(() => undefined);
						}
					},
				});
			}

			read = await readLock(file);
			if (isHolder(read)) {
				garbledSince = undefined;
				deadline = waitUntil;
				if (!(await isAlive(read))) {
					if (await removeStale(file, read, me, graceMs)) {
						note = `took over the lock ${file} left by ${describeHolder(read)}, which is no longer running`;
					}

					continue;
				}
			} else if (read.kind === 'missing') {
				continue;
			} else if (read.kind === 'garbled') {
				const now = Date.now();
				if (!garbledSince || !sameLock(read, garbledSince.lock)) {
					garbledSince = {lock: read, at: now};
				}

				const age = now - read.mtimeMs;
				if ((age >= graceMs && age < 366 * 24 * 3600 * 1000) || now - garbledSince.at >= graceMs) {
					if (await removeStale(file, read, me, graceMs)) {
						note = `took over the lock ${file}, which was ${read.bytes.length === 0 ? 'empty' : 'garbled'} (as a power cut leaves it) and named no running holder`;
					}

					continue;
				}

				// Wait out the grace even when told to wait less: the lock will be free then.
				deadline = Math.max(deadline, garbledSince.at + graceMs + 1);
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

	if (!isHolder(read) && read.kind === 'unreadable') {
		return fail(`cannot take the lock ${file}: it cannot be read (${read.why}); ${options.nothing ?? 'nothing was changed'}. Remove ${file} if no sendmail-harden run is going on`);
	}

	const who = isHolder(read) ? describeHolder(read) : 'a lock file that cannot be read';
	return fail(options.busy?.(who) ?? `${what} is in use by another sendmail-harden run (${who}); try again when it has finished, or remove ${file} if no such run exists`);
}
