// Rollback: putting a backup set's originals back, as one journaled change (journal.ts).
import path from 'node:path';
import type {FileRole} from '../core/plan.js';
import {fail, ok, type Result} from '../core/result.js';
import {describeError, ownershipOf, readRegularFile, realFileOps, sha256, type FileOps, type Ownership} from './safe-write.js';
import {configStateFolder} from './state-folder.js';
import {type BackedUpFile, type BackupSet, listSets, readBlob, storeBlob} from './backup-sets.js';
import {type Replacement, currentHash, lockConfig, readsAsWritten, replaceAll} from './journal.js';
import {ENCODING} from './read-files.js';

/** What a rollback would write, and where its bytes come from. */
export type RollbackPlan = {
	sets: BackupSet[];
	/** bytes null: the file did not exist before the change, and is removed. */
	restores: Array<{path: string; role: FileRole; bytes: Buffer | null; ownership: Ownership}>;
	/** Things the admin should know: a backup beside the file that was altered or deleted, say. */
	notes: string[];
};

/** The original bytes of a file in a set, from the copy in the state folder or the one beside it, whichever is intact. */
async function backupBytes(state: string, set: BackupSet, file: BackedUpFile, notes: string[]): Promise<Result<Buffer | null>> {
	// A file the change created: what it was before is its absence.
	if (file.backup === null || file.backupSha256 === null) {
		return ok(null);
	}

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
		if (cf && cf.bytes !== null && options.checkConfig) {
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
