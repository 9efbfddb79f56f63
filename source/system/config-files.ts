import {createHash} from 'node:crypto';
import {constants as fsConstants, existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type {FileChange, HelpFileState} from '../core/plan.js';
import {helpFilePath} from '../core/plan.js';
import {fail, ok, type Result} from '../core/result.js';
import {MAX_CONFIG_BYTES, readInputFile} from './read-input.js';

// Files are handled as latin1 strings: one character per byte, so any bytes round-trip.
const ENCODING = 'latin1';

export const toBytes = (text: string) => Buffer.from(text, ENCODING);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function describeError(error: unknown, filePath: string, doing: string): string {
	const code = (error as NodeJS.ErrnoException).code;
	switch (code) {
		case 'ENOENT': {
			return `${filePath} does not exist`;
		}

		case 'EACCES':
		case 'EPERM': {
			return `cannot ${doing} ${filePath}: permission denied (run as root, or with sudo)`;
		}

		case 'EISDIR': {
			return `${filePath} is a folder, not a file`;
		}

		case 'ENOSPC': {
			return `cannot ${doing} ${filePath}: the disk is full`;
		}

		case 'EROFS': {
			return `cannot ${doing} ${filePath}: the file system is read-only`;
		}

		default: {
			return `cannot ${doing} ${filePath}: ${(error as Error).message}`;
		}
	}
}

export async function readTextFile(filePath: string): Promise<Result<string>> {
	// Only a regular file, and only up to a size no sendmail config reaches (a FIFO or /dev/zero is refused).
	const read = await readInputFile(filePath, {maxBytes: MAX_CONFIG_BYTES, what: 'sendmail config'});
	return read.ok ? ok(read.value.toString(ENCODING)) : read;
}

/** The help file a config names, resolved against the config's folder when relative. */
export async function readHelpFile(cfPath: string, cfText: string): Promise<Result<HelpFileState>> {
	const named = helpFilePath(cfText);
	if (named === undefined) {
		return ok(undefined);
	}

	const helpPath = path.resolve(path.dirname(cfPath), named);
	if (!existsSync(helpPath)) {
		return ok({path: helpPath, missing: true});
	}

	const read = await readInputFile(helpPath, {maxBytes: MAX_CONFIG_BYTES, what: 'help file'});
	return read.ok ? ok({path: helpPath, text: read.value.toString(ENCODING)}) : read;
}

/** One file of a backup set: where it lives, where its original is kept, and what was written. */
export type BackedUpFile = {path: string; backup: string; writtenSha256: string};

export type BackupSet = {
	/** The manifest beside the config that lists the set; rollback reads it. */
	manifest: string;
	savedAt: string;
	files: BackedUpFile[];
};

const MANIFEST_TAG = '.sendmail-harden-';

function stampOf(now: Date): string {
	return now.toISOString().replaceAll(/[-:]/g, '').replace('.', '-');
}

/** Low-level operations, replaceable in tests to simulate a failing disk. */
export type FileOps = {
	writeFile(filePath: string, bytes: Buffer): Promise<void>;
};

const realFileOps: FileOps = {
	// Writes a temporary file in the same folder, fsyncs it and renames it over the
	// original, keeping the original's mode and owner (write-file-atomic does all of it).
	writeFile: async (filePath, bytes) => writeFileAtomic(filePath, bytes, {fsync: true}),
};

async function fsyncFolder(folder: string): Promise<void> {
	const handle = await fs.open(folder, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/** Copies a file to a new name with the same mode and owner, and makes it durable. */
async function copyPreserving(from: string, to: string): Promise<void> {
	await fs.copyFile(from, to, fsConstants.COPYFILE_EXCL);
	const stat = await fs.stat(from);
	await fs.chmod(to, stat.mode & 0o7777);
	try {
		await fs.chown(to, stat.uid, stat.gid);
	} catch {
		// Only root may give a file away; a backup owned by the one who ran the tool is still a backup.
	}

	const handle = await fs.open(to, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/**
 * Backs up every file of the change, then writes each one atomically.
 * Stops, writing nothing, if a file changed on disk since it was read.
 * If a write fails, the files already written are restored from the backups.
 */
export async function writeChanges(
	changes: readonly FileChange[],
	options: {cfPath: string; now: Date; fileOps?: FileOps},
): Promise<Result<BackupSet>> {
	const fileOps = options.fileOps ?? realFileOps;

	for (const change of changes) {
		const current = await readTextFile(change.path);
		if (!current.ok) {
			return current;
		}

		if (current.value !== change.before) {
			return fail(`${change.path} changed on disk since it was read; nothing was written. Run again to start from its new contents`);
		}
	}

	const stamp = stampOf(options.now);
	const manifest = `${options.cfPath}${MANIFEST_TAG}${stamp}.json`;
	const files: BackedUpFile[] = [];
	try {
		for (const change of changes) {
			const backup = `${change.path}${MANIFEST_TAG}${stamp}.bak`;
			await copyPreserving(change.path, backup);
			files.push({path: change.path, backup, writtenSha256: sha256(toBytes(change.after))});
		}
	} catch (error) {
		await Promise.all(files.map(async file => fs.rm(file.backup, {force: true})));
		return fail(`${describeError(error, (error as NodeJS.ErrnoException).path ?? 'a backup', 'back up to')}; nothing was written`);
	}

	const set: BackupSet = {manifest, savedAt: options.now.toISOString(), files};
	try {
		await fileOps.writeFile(manifest, Buffer.from(JSON.stringify(set, undefined, '\t') + '\n'));
	} catch (error) {
		await Promise.all(files.map(async file => fs.rm(file.backup, {force: true})));
		return fail(`${describeError(error, manifest, 'write')}; nothing was written`);
	}

	const written: BackedUpFile[] = [];
	for (const [index, change] of changes.entries()) {
		try {
			await fileOps.writeFile(change.path, toBytes(change.after));
			await fsyncFolder(path.dirname(change.path));
			written.push(files[index]!);
		} catch (error) {
			const restored = await restoreFiles(written, fileOps);
			const what = describeError(error, change.path, 'write');
			if (!restored.ok) {
				return fail(`${what}; restoring the others failed too (${restored.error}): copy the backups listed in ${manifest} back by hand`);
			}

			// Every file is as it was: this set was never in force, so rollback must not offer it.
			await Promise.all([manifest, ...files.map(file => file.backup)].map(async file => fs.rm(file, {force: true})));
			return fail(`${what}; every file was left as it was`);
		}
	}

	return ok(set);
}

async function restoreFiles(files: readonly BackedUpFile[], fileOps: FileOps): Promise<Result<void>> {
	for (const file of files) {
		try {
			// write-file-atomic keeps the mode and owner of the file it replaces.
			await fileOps.writeFile(file.path, await fs.readFile(file.backup));
			await fsyncFolder(path.dirname(file.path));
		} catch (error) {
			return fail(describeError(error, file.path, 'restore'));
		}
	}

	return ok(undefined);
}

async function readManifest(manifest: string): Promise<Result<BackupSet>> {
	try {
		const set = JSON.parse(await fs.readFile(manifest, 'utf8')) as BackupSet;
		if (!Array.isArray(set.files) || set.files.some(file => typeof file.path !== 'string' || typeof file.backup !== 'string')) {
			return fail(`${manifest} is not a backup list this tool wrote; restore the .bak files beside it by hand`);
		}

		return ok({...set, manifest});
	} catch (error) {
		return fail(error instanceof SyntaxError ? `${manifest} is damaged (${error.message}); restore the .bak files beside it by hand` : describeError(error, manifest, 'read'));
	}
}

/** The newest backup set of a config that has not been rolled back yet. */
export async function newestBackupSet(cfPath: string): Promise<Result<BackupSet>> {
	const folder = path.dirname(cfPath);
	const prefix = `${path.basename(cfPath)}${MANIFEST_TAG}`;
	let names: string[];
	try {
		names = await fs.readdir(folder);
	} catch (error) {
		return fail(describeError(error, folder, 'read'));
	}

	const newest = names
		.filter(name => name.startsWith(prefix) && name.endsWith('.json'))
		.sort()
		.at(-1);
	if (newest === undefined) {
		return fail(`there is no backup of ${cfPath} to roll back to (sendmail-harden keeps them beside the file)`);
	}

	return readManifest(path.join(folder, newest));
}

/**
 * Puts back the originals of a backup set, byte for byte. Refuses when a file
 * was changed after this tool wrote it, unless forced, since that change would be lost.
 */
export async function rollbackBackupSet(set: BackupSet, options: {force?: boolean; fileOps?: FileOps} = {}): Promise<Result<string[]>> {
	const allowed = await checkRollback(set, options);
	if (!allowed.ok) {
		return allowed;
	}

	const restored = await restoreFiles(set.files, options.fileOps ?? realFileOps);
	if (!restored.ok) {
		return restored;
	}

	// Mark the set as used, so the next rollback goes one step further back.
	await fs.rename(set.manifest, set.manifest.replace(/\.json$/, '.restored'));
	return ok(set.files.map(file => file.path));
}

/** Whether a backup set can be put back without losing anything; reads only. */
export async function checkRollback(set: BackupSet, options: {force?: boolean} = {}): Promise<Result<void>> {
	for (const file of set.files) {
		try {
			await fs.access(file.backup);
		} catch {
			return fail(`the backup ${file.backup} is gone; nothing was restored`);
		}

		if (!options.force) {
			const current = await fs.readFile(file.path).catch(() => undefined);
			if (current !== undefined && sha256(current) !== file.writtenSha256) {
				return fail(`${file.path} was changed after sendmail-harden wrote it; rolling back would lose that change. Nothing was restored; use --force to restore anyway`);
			}
		}
	}

	return ok(undefined);
}
