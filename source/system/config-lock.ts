import path from 'node:path';
import type {Result} from '../core/result.js';
import {acquireFileLock, LOCK_WAIT_MS, type HeldFileLock} from './file-lock.js';

// One run at a time per config: a lock file in the config's state folder (root's alone) that says
// who holds it, taken the same way as the preset store's.

export type HeldLock = HeldFileLock;

export {LOCK_WAIT_MS};

/**
 * Takes the lock of a config's state folder, waiting up to `waitMs` for another run to finish.
 * `what` names the config in the message when it stays busy.
 */
export async function acquireLock(stateFolder: string, what: string, options: {waitMs?: number; pollMs?: number; graceMs?: number} = {}): Promise<Result<HeldLock>> {
	const file = path.join(stateFolder, 'lock');
	return acquireFileLock(file, what, {
		...options,
		busy: holder => `${what} is being changed by another sendmail-harden run (${holder}; lock file ${file}); nothing was written. Try again when it has finished, or remove ${file} if no such run exists`,
		nothing: 'nothing was written',
	});
}
