import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {FileChange, FileRole, HelpFileState} from '../core/plan.js';
import {helpFilePath} from '../core/plan.js';
import {linesSendmailReads} from '../core/sendmail-cf.js';
import {fail, ok, type Result} from '../core/result.js';
import {acquireLock, type HeldLock} from './config-lock.js';
import {
	checkPlaced,
	createHeldFile,
	describeError,
	FileSafetyError,
	fsyncFolder,
	type HeldFile,
	isProcessAlive,
	lstatRegular,
	ownershipOf,
	readRegularFile,
	realFileOps,
	replaceFile,
	sha256,
	tempNameFor,
	tempNameOwner,
	type FileOps,
	type Ownership,
} from './safe-write.js';
import {folderChainProblem, isUntrustedError, readTrustedFile} from './trust.js';
import {anyConfigStateFolder, configStateFolder, configStateFolderPath, stateFolderPath} from './state-folder.js';

export type {FileOps} from './safe-write.js';

// Files are handled as latin1 strings: one character per byte, so any bytes round-trip.
const ENCODING = 'latin1';

export const toBytes = (text: string) => Buffer.from(text, ENCODING);

export const DEFAULT_KEEP = 10;

/**
 * Reads a config, .mc or help file: a regular file, not through a link, bounded in size, that
 * passes the trust rule (trust.ts) on the descriptor it is read from.
 */
export async function readTextFile(filePath: string): Promise<Result<string>> {
	try {
		return ok((await readTrustedFile(filePath)).bytes.toString(ENCODING));
	} catch (error) {
		return fail(describeError(error, filePath, 'read'));
	}
}

/**
 * The help file a config names, resolved against the config's folder when relative. It is edited
 * and its lines shown, so it must sit beside the config or in a folder only root can change (a
 * config swapped in by the mail user must not reach a root-only script or secret elsewhere), and
 * pass the trust rule itself.
 */
export async function readHelpFile(cfPath: string, cfText: string): Promise<Result<HelpFileState>> {
	const named = helpFilePath(cfText);
	if (named === undefined) {
		return ok(undefined);
	}

	const cfFolder = path.dirname(path.resolve(cfPath));
	const helpPath = path.resolve(cfFolder, named);
	if (path.dirname(helpPath) !== cfFolder) {
		const problem = folderChainProblem(path.dirname(helpPath));
		if (problem !== undefined) {
			return fail(`the help file ${helpPath} that ${cfPath} names is outside ${cfFolder}, in a folder that users other than root can change (${problem}); sendmail-harden reads, edits and shows a help file only beside the config or in a folder only root can write, so nothing was read or changed: move the help file beside the config and point HelpFile at it`);
		}
	}

	try {
		return ok({path: helpPath, text: (await readTrustedFile(helpPath)).bytes.toString(ENCODING)});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return ok({path: helpPath, missing: true});
		}

		return fail(`the help file: ${describeError(error, helpPath, 'read')}`);
	}
}

/** One file of a backup set: where it lives, where its original is kept, and the hashes that prove both. */
export type BackedUpFile = {
	role: FileRole;
	path: string;
	/** The copy beside the file, for the admin to find; verified by hash before any use. */
	backup: string;
	backupSha256: string;
	writtenSha256: string;
	/**
	 * The .cf only: the hash of the lines sendmail reads of what was written (linesSendmailReads).
	 * A `make` that rebuilds the same .cf changes only its build stamp, which is no hand edit.
	 */
	writtenReadSha256?: string;
	ownership: Ownership;
};

export type BackupSet = {
	/** When the change was made, as a stamp; `rollback --set ID` names a set by it. */
	id: string;
	/**
	 * The change's place among the config's changes, counted up under the lock: sets are ordered
	 * by it, never by their stamps, which follow the clock (set ahead once, it would put a change
	 * after every later one). Records written before it existed have none (see orderSets).
	 */
	sequence?: number;
	/** The record of the set, in the state folder (never beside the config). */
	manifest: string;
	config: string;
	savedAt: string;
	files: BackedUpFile[];
	rolledBackAt?: string;
};

function stampOf(now: Date): string {
	return now.toISOString().replaceAll(/[-:]/g, '').replace('.', '-');
}

const BACKUP_TAG = '.sendmail-harden-';
const SET_ID = /^\d{8}T\d{6}-\d{3}Z(?:-\d{1,4})?$/;
const SHA256 = /^[\da-f]{64}$/;

// --- The state folder's files: backup copies by hash, set records, the journal ---------------

const blobPath = (state: string, hash: string) => path.join(state, 'files', hash);
const setPath = (state: string, id: string) => path.join(state, 'sets', `${id}.json`);
const journalPath = (state: string) => path.join(state, 'journal.json');
const PRIVATE: Ownership = {mode: 0o600, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0};

async function readBlob(state: string, hash: string): Promise<Buffer | undefined> {
	try {
		const {bytes} = await readTrustedFile(blobPath(state, hash));
		return sha256(bytes) === hash ? bytes : undefined;
	} catch {
		return undefined;
	}
}

async function storeBlob(state: string, bytes: Buffer, fileOps: FileOps): Promise<string> {
	const hash = sha256(bytes);
	if ((await readBlob(state, hash)) === undefined) {
		await replaceFile(blobPath(state, hash), bytes, PRIVATE, fileOps);
	}

	return hash;
}

function isOwnership(value: unknown): value is Ownership {
	const o = value as Ownership;
	return typeof o === 'object' && o !== null && [o.mode, o.uid, o.gid].every(n => Number.isInteger(n) && n >= 0);
}

/**
 * Reads a set record and checks that it can only send a restore to the config's own files:
 * the config itself, an .mc and a help file beside it (or the help file its backup names),
 * backups named after them beside them, and hashes for every byte.
 */
async function readSet(state: string, id: string, cfPath: string): Promise<BackupSet | undefined> {
	if (!SET_ID.test(id)) {
		return undefined;
	}

	let set: BackupSet;
	try {
		set = JSON.parse((await readTrustedFile(setPath(state, id), 1024 * 1024)).bytes.toString('utf8')) as BackupSet;
	} catch {
		return undefined;
	}

	const folder = path.dirname(cfPath);
	const valid = set.id === id && set.config === cfPath && typeof set.savedAt === 'string' && Array.isArray(set.files) && set.files.length > 0
		&& (set.sequence === undefined || (Number.isSafeInteger(set.sequence) && set.sequence > 0))
		&& set.files.every(file => typeof file.path === 'string' && path.isAbsolute(file.path) && path.normalize(file.path) === file.path
			&& (file.role === 'cf' ? file.path === cfPath : file.role === 'mc' ? path.dirname(file.path) === folder && file.path.endsWith('.mc') : file.role === 'helpfile')
			&& typeof file.backup === 'string' && path.dirname(file.backup) === path.dirname(file.path)
			&& path.basename(file.backup).startsWith(`${path.basename(file.path)}${BACKUP_TAG}${id}`) && file.backup.endsWith('.bak')
			&& SHA256.test(file.backupSha256) && SHA256.test(file.writtenSha256) && isOwnership(file.ownership));
	if (!valid) {
		return undefined;
	}

	// A help file outside the config's folder must be the one the config named when it was backed up.
	for (const file of set.files.filter(file => file.role === 'helpfile' && path.dirname(file.path) !== folder)) {
		const cf = set.files.find(entry => entry.role === 'cf');
		const cfBackup = cf && (await readBlob(state, cf.backupSha256));
		const named = cfBackup && helpFilePath(cfBackup.toString(ENCODING));
		if (named === undefined || path.resolve(folder, named) !== file.path) {
			return undefined;
		}
	}

	return {...set, manifest: setPath(state, id)};
}

/**
 * Oldest change first: records without a sequence number (written by versions before it) by
 * their stamps, then every numbered one by its number.
 */
function orderSets(sets: BackupSet[]): BackupSet[] {
	const byStamp = (a: BackupSet, b: BackupSet) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
	return sets.sort((a, b) => a.sequence === undefined || b.sequence === undefined
		? (a.sequence === undefined ? 0 : 1) - (b.sequence === undefined ? 0 : 1) || byStamp(a, b)
		: a.sequence - b.sequence || byStamp(a, b));
}

async function listSets(state: string, cfPath: string): Promise<BackupSet[]> {
	const names = await fs.readdir(path.join(state, 'sets'));
	const sets: BackupSet[] = [];
	for (const name of names.filter(name => name.endsWith('.json'))) {
		const set = await readSet(state, name.slice(0, -'.json'.length), cfPath);
		if (set) {
			sets.push(set);
		}
	}

	return orderSets(sets);
}

// --- The journal: what a set of renames is about to do, so a crash between them can be undone ---

type JournalFile = {path: string; temp: string; fromSha256: string | null; toSha256: string; ownership: Ownership};

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

async function readJournal(state: string): Promise<Journal | undefined> {
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
async function readsAsWritten(filePath: string, file: BackedUpFile): Promise<boolean> {
	if (file.role !== 'cf' || file.writtenReadSha256 === undefined) {
		return false;
	}

	try {
		return sha256(toBytes(linesSendmailReads((await readRegularFile(filePath)).bytes.toString('latin1')))) === file.writtenReadSha256;
	} catch {
		return false;
	}
}

async function currentHash(filePath: string): Promise<string | null | 'other'> {
	try {
		return sha256((await readRegularFile(filePath)).bytes);
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : 'other';
	}
}

const removeQuietly = async (file: string) => fs.unlink(file).catch(() => undefined);

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
async function lockConfig(cfPath: string, fileOps: FileOps): Promise<Result<Locked>> {
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

type Replacement = {path: string; bytes: Buffer; fromSha256: string | null; ownership: Ownership};

/**
 * Replaces a set of files as one change: every new file is written and verified under a
 * temporary name first (a full disk fails here, with nothing changed), the journal is written,
 * then the renames and the state records. Any failure puts back what was already renamed.
 */
async function replaceAll(
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
		files: replacements.map(file => ({path: file.path, temp: tempNameFor(file.path), fromSha256: file.fromSha256, toSha256: sha256(file.bytes), ownership: file.ownership})),
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
			held[index] = await createHeldFile(file.temp, replacements[index]!.bytes, file.ownership, fileOps);
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
		const originals: Array<{bytes: Buffer; ownership: Ownership}> = [];
		for (const change of changes) {
			let current;
			try {
				current = await readTrustedFile(change.path);
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
				const original = originals[index]!;
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

/** Keeps the newest `keep` sets of a config (never removing `keep`), their backups beside the files, and the copies they use. */
async function pruneBackupSets(state: string, cfPath: string, keep: number, justMade: string): Promise<void> {
	const sets = await listSets(state, cfPath);
	const old = sets.slice(0, Math.max(0, sets.length - Math.max(1, keep))).filter(set => set.id !== justMade);
	for (const set of old) {
		for (const file of set.files) {
			// The name was checked by readSet: beside its file, named after it and this set.
			const stat = await fs.lstat(file.backup).catch(() => undefined);
			if (stat?.isFile()) {
				await removeQuietly(file.backup);
			}
		}

		await removeQuietly(set.manifest);
	}

	await removeUnusedCopies(state, cfPath);
}

async function removeUnusedCopies(state: string, cfPath: string): Promise<void> {
	const used = new Set((await listSets(state, cfPath)).flatMap(set => set.files.map(file => file.backupSha256)));
	// A journal left by a change that could not be undone (see replaceAll) needs its copies for the next run.
	const journal = await readJournal(state).catch(() => 'unreadable' as const);
	if (journal === 'unreadable') {
		return;
	}

	for (const file of journal?.files ?? []) {
		if (file.fromSha256 !== null) {
			used.add(file.fromSha256);
		}
	}

	const names = await fs.readdir(path.join(state, 'files')).catch(() => [] as string[]);
	await Promise.all(names.filter(name => SHA256.test(name) && !used.has(name)).map(async name => removeQuietly(blobPath(state, name))));
}

// --- Rollback -----------------------------------------------------------------------------------

/** Every backup set of a config, oldest first; the newest not rolled back yet is what rollback restores. */
export async function listBackupSets(cfPath: string): Promise<Result<BackupSet[]>> {
	const state = await configStateFolder(cfPath);
	if (!state.ok) {
		return state;
	}

	try {
		return ok(await listSets(state.value, path.resolve(cfPath)));
	} catch (error) {
		return fail(describeError(error, state.value, 'read'));
	}
}

/** The newest backup set of a config that has not been rolled back yet, or the one named by `id`. */
export async function newestBackupSet(cfPath: string, id?: string): Promise<Result<BackupSet>> {
	const sets = await listBackupSets(cfPath);
	if (!sets.ok) {
		return sets;
	}

	if (id !== undefined) {
		const named = sets.value.find(set => set.id === id);
		if (named === undefined) {
			return fail(`there is no backup set ${id} of ${cfPath}${sets.value.length > 0 ? ` (there are: ${sets.value.map(set => set.id).join(', ')})` : ''}`);
		}

		return named.rolledBackAt === undefined ? ok(named) : fail(`the change of ${named.savedAt} (set ${id}) was already rolled back, at ${named.rolledBackAt}`);
	}

	const newest = sets.value.filter(set => set.rolledBackAt === undefined).at(-1);
	if (newest === undefined) {
		const legacy = (await fs.readdir(path.dirname(cfPath)).catch(() => [] as string[])).some(name => name.startsWith(`${path.basename(cfPath)}${BACKUP_TAG}`) && name.endsWith('.json'));
		return fail(`there is no backup of ${cfPath} to roll back to (sendmail-harden keeps its records in ${stateFolderPath()})${
			legacy ? `; the .json lists beside the config are not trusted (anyone who can write to ${path.dirname(cfPath)} could have made them): restore their .bak files by hand` : ''}`);
	}

	return ok(newest);
}

/** What a rollback would write, and where its bytes come from. */
export type RollbackPlan = {
	sets: BackupSet[];
	restores: Array<{path: string; role: FileRole; bytes: Buffer; ownership: Ownership}>;
	/** Things the admin should know: a backup beside the file that was altered or deleted, say. */
	notes: string[];
};

/** The original bytes of a file in a set, from the copy in the state folder or the one beside it, whichever is intact. */
async function backupBytes(state: string, set: BackupSet, file: BackedUpFile, notes: string[]): Promise<Result<Buffer>> {
	const stored = await readBlob(state, file.backupSha256);
	let beside: 'intact' | 'gone' | 'altered';
	let besideBytes: Buffer | undefined;
	try {
		besideBytes = (await readRegularFile(file.backup)).bytes;
		beside = sha256(besideBytes) === file.backupSha256 ? 'intact' : 'altered';
	} catch (error) {
		beside = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'altered';
	}

	if (beside === 'altered') {
		notes.push(`the backup ${file.backup} is not what was saved (its sha256 differs, or it was replaced by a link): it was changed after the change of ${set.savedAt} and was not used`);
	} else if (beside === 'gone' && stored !== undefined) {
		notes.push(`the backup ${file.backup} is gone; used the copy kept in the state folder`);
	}

	const bytes = stored ?? (beside === 'intact' ? besideBytes : undefined);
	if (bytes === undefined) {
		return fail(`the backup of ${file.path} from the change of ${set.savedAt} is ${beside === 'altered' ? 'altered' : 'gone'} (${file.backup}: ${beside}; the copy in the state folder: gone)`);
	}

	return ok(bytes);
}

async function planRollback(state: string, set: BackupSet, force: boolean): Promise<Result<RollbackPlan>> {
	const all = await listSets(state, set.config);
	// The set and every change made after it, in the order they were made.
	const at = all.findIndex(other => other.id === set.id);
	const sets = at === -1 ? [] : all.slice(at).filter(other => other.rolledBackAt === undefined);
	if (!sets.some(other => other.id === set.id)) {
		return fail(`the change of ${set.savedAt} was already rolled back; nothing was restored`);
	}

	const notes: string[] = [];
	const restores: RollbackPlan['restores'] = [];
	const paths = [...new Set(sets.flatMap(other => other.files.map(file => file.path)))];
	for (const filePath of paths) {
		const touching = sets.flatMap(other => other.files.filter(file => file.path === filePath).map(file => ({set: other, file})));
		const oldest = touching[0]!;
		const bytes = await backupBytes(state, oldest.set, oldest.file, notes);
		if (!bytes.ok) {
			const older = all.slice(0, at).filter(other => other.rolledBackAt === undefined && other.files.some(file => file.path === filePath)).at(-1);
			return fail(`${bytes.error}; nothing was restored${older ? `. The change before it, of ${older.savedAt}, can still be undone (which undoes this one too): sendmail-harden rollback --config ${set.config} --set ${older.id}` : ''}`);
		}

		// Each change must have been made on top of the one before, and the file must still be as the last one left it.
		const now = await currentHash(filePath);
		const chained = touching.every((entry, index) => index === 0 || touching[index - 1]!.file.writtenSha256 === entry.file.backupSha256);
		const last = touching.at(-1)!.file;
		if (now !== oldest.file.backupSha256 && !force && (!chained || (now !== last.writtenSha256 && !(await readsAsWritten(filePath, last))))) {
			return fail(`${filePath} was changed after sendmail-harden wrote it; rolling back would lose that change. Nothing was restored; use --force to restore anyway`);
		}

		if (now !== oldest.file.backupSha256) {
			restores.push({path: filePath, role: oldest.file.role, bytes: bytes.value, ownership: oldest.file.ownership});
		}
	}

	return ok({sets, restores, notes});
}

/** Whether a backup set can be put back without losing anything, and how; reads only. */
export async function checkRollback(set: BackupSet, options: {force?: boolean} = {}): Promise<Result<RollbackPlan>> {
	const state = await configStateFolder(set.config);
	if (!state.ok) {
		return state;
	}

	return planRollback(state.value, set, options.force === true);
}

export type RollbackOptions = {
	force?: boolean;
	fileOps?: FileOps;
	/** Checks the config about to be restored with sendmail, like a write; refusing restores nothing. */
	checkConfig?: (current: string, restored: string) => Promise<Result<unknown>>;
};

/**
 * Puts back the originals of a backup set (and of every newer one), byte for byte, after
 * checking each backup against its hash. Refuses when a file was changed after this tool wrote
 * it, unless forced. The set is marked as rolled back only when every file is back.
 */
export async function rollbackBackupSet(set: BackupSet, options: RollbackOptions = {}): Promise<Result<string[]>> {
	const result = await rollbackWithNotes(set, options);
	return result.ok ? ok(result.value.restored) : result;
}

export async function rollbackWithNotes(set: BackupSet, options: RollbackOptions = {}): Promise<Result<{restored: string[]; notes: string[]}>> {
	const fileOps = options.fileOps ?? realFileOps;
	const locked = await lockConfig(set.config, fileOps);
	if (!locked.ok) {
		return locked;
	}

	const {state, lock} = locked.value;
	try {
		const plan = await planRollback(state, set, options.force === true);
		if (!plan.ok) {
			return plan;
		}

		const cf = plan.value.restores.find(file => file.role === 'cf');
		if (cf && options.checkConfig) {
			const current = await readRegularFile(cf.path).then(read => read.bytes.toString(ENCODING), () => '');
			const checked = await options.checkConfig(current, cf.bytes.toString(ENCODING));
			if (!checked.ok) {
				return fail(`the backup of ${cf.path} from the change of ${set.savedAt} is refused: ${checked.error.replace(/; nothing was written$/, '')}; nothing was restored`);
			}
		}

		const replacements: Replacement[] = [];
		for (const file of plan.value.restores) {
			let current: {bytes: Buffer; ownership: Ownership} | undefined;
			try {
				const read = await readRegularFile(file.path);
				current = {bytes: read.bytes, ownership: ownershipOf(read.stat)};
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
					return fail(`${describeError(error, file.path, 'read')}; nothing was restored`);
				}
			}

			// What is there now is kept too, so an interrupted rollback can be undone.
			let fromSha256: string | null = null;
			try {
				fromSha256 = current ? await storeBlob(state, current.bytes, fileOps) : null;
			} catch (error) {
				return fail(`${describeError(error, state, `keep a copy of ${file.path} in`)}; nothing was restored`);
			}

			replacements.push({path: file.path, bytes: file.bytes, fromSha256, ownership: current?.ownership ?? file.ownership});
		}

		const rolledBackAt = new Date().toISOString();
		const records = plan.value.sets.map(used => {
			const {manifest: _, ...record} = {...used, rolledBackAt};
			return {path: used.manifest, bytes: Buffer.from(JSON.stringify(record, undefined, '\t') + '\n')};
		});
		const replaced = await replaceAll(state, 'rollback', set.config, replacements, records, [], fileOps);
		if (!replaced.ok) {
			return fail(replaced.error.replace(/every file was left as it was$/, 'every file was left as it was and the backup is still there to roll back to'));
		}

		return ok({restored: plan.value.restores.map(file => file.path), notes: [...locked.value.notes, ...plan.value.notes]});
	} finally {
		await lock.release();
	}
}
