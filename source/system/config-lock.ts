import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {fail, ok, type Result} from '../core/result.js';
import {createVerifiedFile, describeError, isProcessAlive, processStartTime, readRegularFile} from './safe-write.js';

// One run at a time per config: a lock file in the config's state folder holding who has it.
// It is made whole under a private name and hard-linked into place, so it is never seen half written.

export type LockHolder = {pid: number; startTime?: string; command: string; since: string; nonce: string};

export type HeldLock = {release(): Promise<void>};

export const LOCK_WAIT_MS = 5000;

async function readHolder(file: string): Promise<LockHolder | undefined> {
	try {
		const holder = JSON.parse((await readRegularFile(file, 64 * 1024)).bytes.toString('utf8')) as LockHolder;
		return typeof holder.pid === 'number' && typeof holder.nonce === 'string' ? holder : undefined;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return undefined;
		}

		// Unreadable or not ours: not a lock anyone holds.
		return {pid: 0, command: '', since: '', nonce: 'unreadable'};
	}
}

/** Creates `file` holding `holder`, or returns false when it exists. */
async function linkInto(file: string, holder: LockHolder): Promise<boolean> {
	const temp = `${file}.${process.pid}-${randomBytes(8).toString('hex')}`;
	await createVerifiedFile(temp, Buffer.from(JSON.stringify(holder)), undefined);
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

const same = (a: LockHolder | undefined, b: LockHolder | undefined) => a !== undefined && b !== undefined && a.nonce === b.nonce && a.pid === b.pid;

/**
 * Removes a lock whose holder is gone. Two runs may find the same dead holder at once: the
 * takeover is itself done under a second lock, and the stale lock is removed only if it is still
 * the one found dead, so a lock just taken by the other run is never removed.
 */
async function removeStale(file: string, stale: LockHolder, me: LockHolder): Promise<void> {
	const takeover = `${file}.takeover`;
	if (!(await linkInto(takeover, me))) {
		const other = await readHolder(takeover);
		if (other !== undefined && !(await isProcessAlive(other.pid, other.startTime))) {
			await fs.unlink(takeover).catch(() => undefined);
		}

		return;
	}

	try {
		if (same(await readHolder(file), stale)) {
			await fs.unlink(file);
		}
	} finally {
		await fs.unlink(takeover).catch(() => undefined);
	}
}

function describeHolder(holder: LockHolder): string {
	const command = holder.command.length > 120 ? `${holder.command.slice(0, 117)}...` : holder.command;
	return `pid ${holder.pid}, since ${holder.since}: ${command}`;
}

/**
 * Takes the lock of a config's state folder, waiting up to `waitMs` for another run to finish.
 * `what` names the config in the message when it stays busy.
 */
export async function acquireLock(stateFolder: string, what: string, options: {waitMs?: number; pollMs?: number} = {}): Promise<Result<HeldLock>> {
	const file = path.join(stateFolder, 'lock');
	const me: LockHolder = {
		pid: process.pid,
		startTime: await processStartTime(process.pid),
		command: process.argv.slice(1).map(arg => path.basename(arg) === 'cli.js' ? 'sendmail-harden' : arg).join(' '),
		since: new Date().toISOString(),
		nonce: randomBytes(12).toString('hex'),
	};
	const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
	let holder: LockHolder | undefined;
	try {
		for (;;) {
			if (await linkInto(file, me)) {
				return ok({
					async release() {
						if (same(await readHolder(file), me)) {
							await fs.unlink(file).catch(() => undefined);
						}
					},
				});
			}

			holder = await readHolder(file);
			if (holder === undefined) {
				// Released between the two looks: try again at once.
				continue;
			}

			if (!(await isProcessAlive(holder.pid, holder.startTime))) {
				await removeStale(file, holder, me);
				continue;
			}

			if (Date.now() >= deadline) {
				break;
			}

			await new Promise(resolve => {
				setTimeout(resolve, options.pollMs ?? 100);
			});
		}
	} catch (error) {
		return fail(`${describeError(error, file, 'take the lock')}; nothing was written`);
	}

	return fail(`${what} is being changed by another sendmail-harden run (${holder ? describeHolder(holder) : 'unknown'}); nothing was written. Try again when it has finished`);
}
