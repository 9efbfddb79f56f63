// The journal and the lock: a set of renames is written down before it starts, so that a run
// killed between two files is undone (or finished) by the next one; every change takes the
// config's lock and settles such a leftover first. replaceAll is the one journaled replacement
// that writes and rollbacks both use.
import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {linesSendmailReads} from '../core/sendmail-cf.js';
import {fail, ok, type Result} from '../core/result.js';
import {acquireLock, type HeldLock} from './config-lock.js';
import {checkPlaced, createHeldFile, describeError, FileSafetyError, fsyncFolder, type HeldFile, isProcessAlive, lstatRegular, readRegularFile, realFileOps, replaceFile, sha256, tempNameFor, tempNameOwner, type FileOps, type Ownership} from './safe-write.js';
import {isUntrustedError, readTrustedFile} from './trust.js';
import {anyConfigStateFolder, configStateFolder, configStateFolderPath} from './state-folder.js';
import {type BackedUpFile, PRIVATE, isOwnership, readBlob} from './backup-sets.js';
import {toBytes} from './read-files.js';

// --- The journal: what a set of renames is about to do, so a crash between them can be undone ---

const journalPath = (state: string) => path.join(state, 'journal.json');

/** fromSha256 null: the file was not there; toSha256 null: the change removes it (a rollback of a created file). */
type JournalFile = {path: string; temp: string; fromSha256: string | null; toSha256: string | null; ownership: Ownership};

type Journal = {
	version: 1;
	kind: 'write' | 'rollback';
	pid: number;
	since: string;
	config: string;
	files: JournalFile[];
	/** State files (set records) renamed into place after the files; the last one's presence means done. */
	records: Array<{path: string; temp: string; sha256: string}>;
	/** Backups made beside the files for this change; an undone change removes them. */
	createdBackups: string[];
};

export async function readJournal(state: string): Promise<Journal | undefined> {
	let journal: Journal;
	try {
		journal = JSON.parse((await readTrustedFile(journalPath(state), 1024 * 1024)).bytes.toString('utf8')) as Journal;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return undefined;
		}

		if (isUntrustedError(error)) {
			throw error;
		}

		// Written whole and renamed into place, so a damaged one was never in force: nothing was renamed after it.
		await fs.unlink(journalPath(state)).catch(() => undefined);
		return undefined;
	}

	// Written by this tool in a folder only its user can write; still, it may only name absolute paths.
	const valid = journal.version === 1 && Array.isArray(journal.files) && Array.isArray(journal.records) && Array.isArray(journal.createdBackups)
		&& journal.files.every(file => path.isAbsolute(file.path) && path.isAbsolute(file.temp) && isOwnership(file.ownership))
		&& journal.records.every(record => record.path.startsWith(state + path.sep));
	if (!valid) {
		throw new FileSafetyError('EUNSAFE', journalPath(state), `${journalPath(state)} is not a journal this tool wrote; look at it, then remove it`);
	}

	return journal;
}

/** A .cf whose bytes differ from what was written only in lines sendmail skips (a rebuild's new build stamp). */
export async function readsAsWritten(filePath: string, file: BackedUpFile): Promise<boolean> {
	if (file.role !== 'cf' || file.writtenReadSha256 === undefined) {
		return false;
	}

	try {
		return sha256(toBytes(linesSendmailReads((await readRegularFile(filePath)).bytes.toString('latin1')))) === file.writtenReadSha256;
	} catch {
		return false;
	}
}

export async function currentHash(filePath: string): Promise<string | null | 'other'> {
	try {
		return sha256((await readRegularFile(filePath)).bytes);
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : 'other';
	}
}

export const removeQuietly = async (file: string) => fs.unlink(file).catch(() => undefined);

/**
 * Finishes what an interrupted journal describes: when its last record is in place the change
 * was complete, and only leftovers are removed; otherwise every file it renamed is put back.
 * Returns what was done, in words.
 */
async function settleJournal(state: string, journal: Journal, fileOps: FileOps, swapped: ReadonlySet<string> = new Set()): Promise<Result<string | undefined>> {
	const last = journal.records.at(-1);
	const complete = last !== undefined && (await readBlobAt(last.path)) === last.sha256;
	const putBack: string[] = [];
	const leftAlone: string[] = [];
	if (!complete) {
		for (const file of journal.files) {
			const now = await currentHash(file.path);
			if (now === file.fromSha256) {
				continue;
			}

			// A name the rename was seen to fill with someone else's file (see checkPlaced), or that
			// holds a link or anything but a regular file (never this tool's doing), is put back too.
			if (now !== file.toSha256 && now !== 'other' && !swapped.has(file.path)) {
				leftAlone.push(file.path);
				continue;
			}

			if (file.fromSha256 === null) {
				await fs.unlink(file.path);
			} else {
				const bytes = await readBlob(state, file.fromSha256);
				if (bytes === undefined) {
					return fail(`an interrupted change of ${journal.config} cannot be undone: the copy of ${file.path} kept in ${state} is gone; restore ${file.path} from its .bak by hand`);
				}

				await restoreOriginal(file.path, bytes, file.ownership, fileOps);
			}

			putBack.push(file.path);
		}
	}

	await Promise.all([...journal.files.map(file => file.temp), ...journal.records.map(record => record.temp)].map(removeQuietly));
	if (!complete && journal.kind === 'write') {
		await Promise.all(journal.createdBackups.map(removeQuietly));
	}

	await fs.unlink(journalPath(state));
	await fsyncFolder(state);
	const who = `a sendmail-harden ${journal.kind === 'write' ? 'change' : 'rollback'} of ${journal.config} (pid ${journal.pid}, started ${journal.since})`;
	if (complete) {
		return ok(`${who} was stopped after its last write; it is complete, and its leftovers were removed`);
	}

	const parts = [
		putBack.length > 0 ? `put back as they were before it: ${putBack.join(', ')}` : 'it had not changed any file yet',
		...(leftAlone.length > 0 ? [`changed since by someone else, so left as they are: ${leftAlone.join(', ')}`] : []),
	];
	return ok(`${who} was stopped before it finished and has been undone (${parts.join('; ')})`);
}

/**
 * Puts an original back. Whoever swapped a file in the folder once may race the restore too:
 * a few tries, each checked like any write (checkPlaced), before giving up.
 */
async function restoreOriginal(filePath: string, bytes: Buffer, ownership: Ownership, fileOps: FileOps): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			await replaceFile(filePath, bytes, ownership, fileOps);
			return;
		} catch (error) {
			if (!(error instanceof FileSafetyError && error.code === 'ESWAPPED') || attempt === 3) {
				throw error;
			}
		}
	}
}

async function readBlobAt(file: string): Promise<string | undefined> {
	try {
		return sha256((await readRegularFile(file, 1024 * 1024)).bytes);
	} catch {
		return undefined;
	}
}

/** Removes temporary files and folders that runs killed before they could clean up left behind. */
async function removeDeadRunsLeftovers(folders: readonly string[], state: string): Promise<void> {
	const uid = process.getuid?.();
	const removeIfDead = async (folder: string, name: string, pid: number | undefined, recursive: boolean) => {
		if (pid === undefined || pid === process.pid || (await isProcessAlive(pid))) {
			return;
		}

		const file = path.join(folder, name);
		const stat = await fs.lstat(file).catch(() => undefined);
		if (stat && stat.uid === uid && (recursive ? stat.isDirectory() : stat.isFile())) {
			await fs.rm(file, {recursive, force: true}).catch(() => undefined);
		}
	};

	for (const folder of new Set(folders)) {
		const names = await fs.readdir(folder).catch(() => [] as string[]);
		await Promise.all(names.map(async name => removeIfDead(folder, name, tempNameOwner(name), false)));
	}

	for (const sub of ['', 'files', 'sets']) {
		const names = await fs.readdir(path.join(state, sub)).catch(() => [] as string[]);
		await Promise.all(names.map(async name => {
			const match = /^lock(?:\.takeover)?\.(\d+)-[\da-f]{16}$/.exec(name);
			return removeIfDead(path.join(state, sub), name, match ? Number(match[1]) : tempNameOwner(name), false);
		}));
	}

	const tmp = os.tmpdir();
	const names = await fs.readdir(tmp).catch(() => [] as string[]);
	await Promise.all(names.map(async name => {
		const match = /^sendmail-harden-(?:check|mc|demo)-(\d+)[-_]/.exec(name);
		return removeIfDead(tmp, name, match ? Number(match[1]) : undefined, true);
	}));
}

type Locked = {state: string; lock: HeldLock; notes: string[]};

/** Takes the config's lock and settles what an interrupted run left: every change starts from a whole set. */
export async function lockConfig(cfPath: string, fileOps: FileOps): Promise<Result<Locked>> {
	const state = await configStateFolder(cfPath);
	if (!state.ok) {
		return state;
	}

	const lock = await acquireLock(state.value, cfPath);
	if (!lock.ok) {
		return lock;
	}

	try {
		const notes: string[] = lock.value.note === undefined ? [] : [lock.value.note];
		const journal = await readJournal(state.value);
		if (journal) {
			const settled = await settleJournal(state.value, journal, fileOps);
			if (!settled.ok) {
				await lock.value.release();
				return settled;
			}

			if (settled.value) {
				notes.push(settled.value);
			}
		}

		const folders = [path.dirname(cfPath), ...(journal?.files.map(file => path.dirname(file.path)) ?? [])];
		await removeDeadRunsLeftovers(folders, state.value);
		return ok({state: state.value, lock: lock.value, notes});
	} catch (error) {
		await lock.value.release();
		return fail(`cannot finish an interrupted run on ${cfPath}: ${describeError(error, cfPath, 'restore')}`);
	}
}

/**
 * Settles a run that was killed halfway (power loss, kill -9) before anything else reads the
 * files: its renames are undone, or, if it had finished, its leftovers removed. Returns notes.
 */
export async function recoverInterrupted(cfPath: string, options: {fileOps?: FileOps} = {}): Promise<Result<string[]>> {
	// No state folder for this config: no run of this tool ever wrote it, so none was interrupted.
	// (The first check spares the hash, and loading node:crypto, on a host never changed.)
	if (!anyConfigStateFolder() || !existsSync(configStateFolderPath(cfPath))) {
		return ok([]);
	}

	const locked = await lockConfig(path.resolve(cfPath), options.fileOps ?? realFileOps);
	if (!locked.ok) {
		return locked;
	}

	await locked.value.lock.release();
	return ok(locked.value.notes);
}

/** bytes null: the file is removed (it did not exist before the change being rolled back). */
export type Replacement = {path: string; bytes: Buffer | null; fromSha256: string | null; ownership: Ownership};

/**
 * Replaces a set of files as one change: every new file is written and verified under a
 * temporary name first (a full disk fails here, with nothing changed), the journal is written,
 * then the renames and the state records. Any failure puts back what was already renamed.
 */
export async function replaceAll(
	state: string,
	kind: Journal['kind'],
	config: string,
	replacements: readonly Replacement[],
	records: ReadonlyArray<{path: string; bytes: Buffer}>,
	backups: ReadonlyArray<{path: string; bytes: Buffer; ownership: Ownership}>,
	fileOps: FileOps,
): Promise<Result<void>> {
	const journal: Journal = {
		version: 1,
		kind,
		pid: process.pid,
		since: new Date().toISOString(),
		config,
		files: replacements.map(file => ({path: file.path, temp: tempNameFor(file.path), fromSha256: file.fromSha256, toSha256: file.bytes === null ? null : sha256(file.bytes), ownership: file.ownership})),
		records: records.map(record => ({path: record.path, temp: tempNameFor(record.path), sha256: sha256(record.bytes)})),
		createdBackups: backups.map(backup => backup.path),
	};
	let step = 'write';
	let current = config;
	try {
		await replaceFile(journalPath(state), Buffer.from(JSON.stringify(journal, undefined, '\t') + '\n'), PRIVATE, fileOps);
	} catch (error) {
		return fail(`${describeError(error, journalPath(state), 'write')}; nothing was written`);
	}

	const held: HeldFile[] = [];
	const swapped = new Set<string>();
	try {
		for (const backup of backups) {
			// Written whole under a temporary name, then linked to the backup name: link never follows nor replaces.
			current = backup.path;
			step = 'back up to';
			const temp = tempNameFor(backup.path);
			const written = await createHeldFile(temp, backup.bytes, backup.ownership, fileOps);
			try {
				await fileOps.link(temp, backup.path);
				await checkPlaced(backup.path, written);
			} finally {
				await written.close();
				await removeQuietly(temp);
			}
		}

		step = 'write';
		for (const [index, file] of journal.files.entries()) {
			current = file.path;
			const bytes = replacements[index]!.bytes;
			if (bytes !== null) {
				held[index] = await createHeldFile(file.temp, bytes, file.ownership, fileOps);
			}
		}

		const heldRecords: HeldFile[] = [];
		for (const [index, record] of journal.records.entries()) {
			current = record.path;
			heldRecords[index] = await createHeldFile(record.temp, records[index]!.bytes, PRIVATE, fileOps);
			held.push(heldRecords[index]!);
		}

		step = 'replace';
		for (const [index, file] of journal.files.entries()) {
			current = file.path;
			// Last look before the rename: a file edited meanwhile is not overwritten.
			await lstatRegular(file.path);
			if ((await currentHash(file.path)) !== file.fromSha256) {
				throw new FileSafetyError('EUNSAFE', file.path, `${file.path} changed on disk while it was being written`);
			}

			if (file.toSha256 === null) {
				step = 'remove';
				await fs.unlink(file.path);
				await fsyncFolder(path.dirname(file.path));
				step = 'replace';
				continue;
			}

			await fileOps.rename(file.temp, file.path);
			// From here what is at the name came from this rename: if it is not the file written, it is put back.
			swapped.add(file.path);
			await checkPlaced(file.path, held[index]!);
			swapped.delete(file.path);
			await fsyncFolder(path.dirname(file.path));
		}

		for (const [index, record] of journal.records.entries()) {
			current = record.path;
			await fileOps.rename(record.temp, record.path);
			await checkPlaced(record.path, heldRecords[index]!);
		}

		await fsyncFolder(path.join(state, 'sets'));
		await fs.unlink(journalPath(state));
		await fsyncFolder(state);
		return ok(undefined);
	} catch (error) {
		const what = describeError(error, current, step);
		const settled = await settleJournal(state, journal, fileOps, swapped).catch((error_: unknown) => fail<string>(describeError(error_, config, 'restore')));
		if (!settled.ok) {
			return fail(`${what}; putting back the files already written failed too (${settled.error}): restore them from their .bak files by hand`);
		}

		return fail(`${what}; every file was left as it was`);
	} finally {
		await Promise.all(held.map(async file => file.close()));
	}
}
