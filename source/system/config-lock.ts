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
export async function acquireLock(stateFolder: string, what: string, options: {waitMs?: number; pollMs?: number} = {}): Promise<Result<HeldLock>> {
	return acquireFileLock(path.join(stateFolder, 'lock'), what, {
		...options,
		busy: holder => `${what} is being changed by another sendmail-harden run (${holder}); nothing was written. Try again when it has finished`,
		nothing: 'nothing was written',
	});
}
