// Writing a plan's files: back up each one, then replace them all as one change (journal.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import type {FileChange} from '../core/plan.js';
import {linesSendmailReads} from '../core/sendmail-cf.js';
import {fail, ok, type Result} from '../core/result.js';
import {describeError, FileSafetyError, ownershipOf, readRegularFile, realFileOps, sha256, type FileOps, type Ownership} from './safe-write.js';
import {readTrustedFile} from './trust.js';
import {BACKUP_TAG, type BackedUpFile, type BackupSet, listSets, setPath, stampOf, storeBlob} from './backup-sets.js';
import {lockConfig, replaceAll} from './journal.js';
import {pruneBackupSets, removeUnusedCopies} from './prune-backups.js';
import {toBytes} from './read-files.js';

/** How many backup sets of a config are kept when --keep is not given. */
export const DEFAULT_KEEP = 10;

/** Who owns a file a change creates (the DH parameters beside the certificate): the writer, root, readable by all. */
const CREATED: Ownership = {mode: 0o644, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0};

/** A backup name beside the file that nothing holds yet (a name planted there is skipped, never followed). */
async function freeBackupName(filePath: string, id: string): Promise<string> {
	for (let n = 0; n < 20; n++) {
		const name = `${filePath}${BACKUP_TAG}${id}${n === 0 ? '' : `-${n}`}.bak`;
		if ((await fs.lstat(name).catch(() => undefined)) === undefined) {
			return name;
		}
	}

	throw new FileSafetyError('EUNSAFE', filePath, `cannot find a free backup name beside ${filePath}`);
}

/**
 * Backs up every file of the change, then writes them all as one change (see replaceAll).
 * Stops, writing nothing, if a file changed on disk since it was read. Keeps the newest
 * `keep` backup sets of the config and removes older ones after a write that worked.
 */
export async function writeChanges(
	changes: readonly FileChange[],
	options: {cfPath: string; now: Date; fileOps?: FileOps; keep?: number},
): Promise<Result<BackupSet>> {
	const fileOps = options.fileOps ?? realFileOps;
	const cfPath = path.resolve(options.cfPath);
	const locked = await lockConfig(cfPath, fileOps);
	if (!locked.ok) {
		return locked;
	}

	const {state, lock} = locked.value;
	try {
		const originals: Array<{bytes: Buffer; ownership: Ownership} | undefined> = [];
		for (const change of changes) {
			if (change.created) {
				// A file the change makes: it must still not be there, and gets root's 0644.
				if ((await fs.lstat(change.path).catch(() => undefined)) !== undefined) {
					return fail(`${change.path} appeared on disk since it was read; nothing was written. Run again to start from it`);
				}

				originals.push(undefined);
				continue;
			}

			let current;
			try {
				// The access map's .db (Debian's belongs to smmta) is only kept and put back, never read
				// as input: a regular file, not through a link, is all it must be (system/access-map.ts).
				current = change.role === 'accessdb' ? await readRegularFile(change.path) : await readTrustedFile(change.path);
			} catch (error) {
				return fail(`${describeError(error, change.path, 'read')}; nothing was written`);
			}

			if (!current.bytes.equals(toBytes(change.before))) {
				return fail(`${change.path} changed on disk since it was read; nothing was written. Run again to start from its new contents`);
			}

			originals.push({bytes: current.bytes, ownership: ownershipOf(current.stat)});
		}

		let id = stampOf(options.now);
		for (let n = 1; (await fs.lstat(setPath(state, id)).catch(() => undefined)) !== undefined; n++) {
			id = `${stampOf(options.now)}-${n}`;
		}

		const files: BackedUpFile[] = [];
		const backups: Array<{path: string; bytes: Buffer; ownership: Ownership}> = [];
		try {
			for (const [index, change] of changes.entries()) {
				const original = originals[index];
				if (original === undefined) {
					files.push({role: change.role, path: change.path, backup: null, backupSha256: null, writtenSha256: sha256(toBytes(change.after)), ownership: CREATED});
					continue;
				}

				const backupSha256 = await storeBlob(state, original.bytes, fileOps);
				const backup = await freeBackupName(change.path, id);
				backups.push({path: backup, bytes: original.bytes, ownership: original.ownership});
				files.push({
					role: change.role, path: change.path, backup, backupSha256, writtenSha256: sha256(toBytes(change.after)),
					...(change.role === 'cf' ? {writtenReadSha256: sha256(toBytes(linesSendmailReads(change.after)))} : {}),
					ownership: original.ownership,
				});
			}
		} catch (error) {
			await removeUnusedCopies(state, cfPath);
			return fail(`${describeError(error, state, 'keep a copy of the files in')}; nothing was written`);
		}

		const sequence = Math.max(0, ...(await listSets(state, cfPath)).map(other => other.sequence ?? 0)) + 1;
		const set: BackupSet = {id, sequence, manifest: setPath(state, id), config: cfPath, savedAt: options.now.toISOString(), files};
		const {manifest: _, ...record} = set;
		const written = await replaceAll(
			state,
			'write',
			cfPath,
			changes.map((change, index) => ({path: change.path, bytes: toBytes(change.after), fromSha256: files[index]!.backupSha256, ownership: files[index]!.ownership})),
			[{path: set.manifest, bytes: Buffer.from(JSON.stringify(record, undefined, '\t') + '\n')}],
			backups,
			fileOps,
		);
		if (!written.ok) {
			await removeUnusedCopies(state, cfPath);
			return written;
		}

		await pruneBackupSets(state, cfPath, options.keep ?? DEFAULT_KEEP, id).catch(() => undefined);
		return ok(set);
	} finally {
		await lock.release();
	}
}
