// Backup sets: what one change saved (a record per set in the state folder, a copy of each
// original by hash there, and a .bak beside each file), how they are read back and listed.
import fs from 'node:fs/promises';
import path from 'node:path';
import {type FileRole, helpFilePath} from '../core/plan.js';
import {accessMapSpec} from '../core/access-map.js';
import {FFDHE2048_FILE} from '../settings/registry.js';
import {fail, ok, type Result} from '../core/result.js';
import {describeError, replaceFile, sha256, type FileOps, type Ownership} from './safe-write.js';
import {readTrustedFile} from './trust.js';
import {configStateFolder, stateFolderPath} from './state-folder.js';
import {ENCODING} from './read-files.js';

/** One file of a backup set: where it lives, where its original is kept, and the hashes that prove both. */
export type BackedUpFile = {
	role: FileRole;
	path: string;
	/**
	 * The copy beside the file, for the admin to find; verified by hash before any use. Both null
	 * for a file the change created (tlsDhParameters' file): a rollback removes it again.
	 */
	backup: string | null;
	backupSha256: string | null;
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

export function stampOf(now: Date): string {
	return now.toISOString().replaceAll(/[-:]/g, '').replace('.', '-');
}

export const BACKUP_TAG = '.sendmail-harden-';
const SET_ID = /^\d{8}T\d{6}-\d{3}Z(?:-\d{1,4})?$/;
export const SHA256 = /^[\da-f]{64}$/;

// --- The state folder's files: backup copies by hash, set records, the journal ---------------

export const blobPath = (state: string, hash: string) => path.join(state, 'files', hash);
export const setPath = (state: string, id: string) => path.join(state, 'sets', `${id}.json`);
export const PRIVATE: Ownership = {mode: 0o600, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0};

export async function readBlob(state: string, hash: string): Promise<Buffer | undefined> {
	try {
		const {bytes} = await readTrustedFile(blobPath(state, hash));
		return sha256(bytes) === hash ? bytes : undefined;
	} catch {
		return undefined;
	}
}

export async function storeBlob(state: string, bytes: Buffer, fileOps: FileOps): Promise<string> {
	const hash = sha256(bytes);
	if ((await readBlob(state, hash)) === undefined) {
		await replaceFile(blobPath(state, hash), bytes, PRIVATE, fileOps);
	}

	return hash;
}

export function isOwnership(value: unknown): value is Ownership {
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
			&& (file.role === 'cf' ? file.path === cfPath : file.role === 'mc' ? path.dirname(file.path) === folder && file.path.endsWith('.mc')
				: file.role === 'accessdb' ? set.files.some(source => source.role === 'access' && `${source.path}.db` === file.path)
				: file.role === 'dhparams' ? path.basename(file.path) === FFDHE2048_FILE
				: file.role === 'helpfile' || file.role === 'access')
			&& ((file.role === 'dhparams' && file.backup === null && file.backupSha256 === null)
				|| (typeof file.backup === 'string' && path.dirname(file.backup) === path.dirname(file.path)
					&& path.basename(file.backup).startsWith(`${path.basename(file.path)}${BACKUP_TAG}${id}`) && file.backup.endsWith('.bak')
					&& typeof file.backupSha256 === 'string' && SHA256.test(file.backupSha256)))
			&& SHA256.test(file.writtenSha256) && isOwnership(file.ownership));
	if (!valid) {
		return undefined;
	}

	// A help file outside the config's folder must be the one the config named when it was backed up.
	for (const file of set.files.filter(file => file.role === 'helpfile' && path.dirname(file.path) !== folder)) {
		const cf = set.files.find(entry => entry.role === 'cf');
		const cfBackup = cf && cf.backupSha256 !== null ? await readBlob(state, cf.backupSha256) : undefined;
		const named = cfBackup && helpFilePath(cfBackup.toString(ENCODING));
		if (named === undefined || path.resolve(folder, named) !== file.path) {
			return undefined;
		}
	}

	// So must an access map's source outside it: the one the config's Kaccess line named.
	for (const file of set.files.filter(file => file.role === 'access' && path.dirname(file.path) !== folder)) {
		const cf = set.files.find(entry => entry.role === 'cf');
		const cfText = cf === undefined ? await readTrustedFile(cfPath).then(read => read.bytes.toString(ENCODING), () => undefined) : cf.backupSha256 === null ? undefined : (await readBlob(state, cf.backupSha256))?.toString(ENCODING);
		const spec = cfText === undefined ? undefined : accessMapSpec(cfText);
		if (spec === undefined || 'problem' in spec || spec.path !== file.path) {
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

export async function listSets(state: string, cfPath: string): Promise<BackupSet[]> {
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
