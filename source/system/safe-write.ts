import {createHash, randomBytes} from 'node:crypto';
import {closeSync, constants, fstatSync, openSync, readSync, type Stats} from 'node:fs';
import fs, {type FileHandle} from 'node:fs/promises';
import path from 'node:path';

// The folders written here may be writable by others (Debian's /etc/mail belongs to smmta):
// nothing is opened through a link, temporary names cannot be guessed, and a write is only
// renamed into place once the file on disk holds every byte, read back and hashed.

const {O_RDONLY, O_RDWR, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK} = constants;
const O_DIRECTORY = constants.O_DIRECTORY ?? 0;

/**
 * Larger than any sendmail.cf, help file or .mc (the largest real cf known is 67 KB); a bigger
 * "config" is a mistake (or /dev/zero), and reading, planning and diffing one costs memory in
 * proportion.
 */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The system calls a write is made of, replaceable in tests to play a full or lying disk, or a slow one. */
export type FileOps = {
	/** One write(2): may write fewer bytes than asked, as a disk that fills up does. */
	write(handle: FileHandle, bytes: Buffer, offset: number, length: number, position: number, filePath: string): Promise<number>;
	/** rename(2) of a prepared temporary file over the file it replaces. */
	rename(from: string, to: string): Promise<void>;
	/** link(2) of a prepared temporary file to a backup name that must not exist yet. */
	link(from: string, to: string): Promise<void>;
};

export const realFileOps: FileOps = {
	write: async (handle, bytes, offset, length, position) => (await handle.write(bytes, offset, length, position)).bytesWritten,
	rename: async (from, to) => fs.rename(from, to),
	link: async (from, to) => fs.link(from, to),
};

/** An error about a file's kind (a link, a FIFO) or a write that did not stick; describeError words it. */
export class FileSafetyError extends Error {
	constructor(
		readonly code: 'ESYMLINK' | 'ENOTREG' | 'ETOOBIG' | 'EVERIFY' | 'EUNSAFE' | 'ESWAPPED',
		readonly path: string,
		message: string,
	) {
		super(message);
	}
}

/** Mode and owner a written file gets: those of the file it replaces. */
export type Ownership = {mode: number; uid: number; gid: number};

export const ownershipOf = (stat: Stats): Ownership => ({mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid});

function kindOf(stat: Stats): string {
	return stat.isDirectory() ? 'a folder' : stat.isFIFO() ? 'a FIFO' : stat.isSocket() ? 'a socket' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : 'not a regular file';
}

/** lstat, refusing anything but a regular file (a link planted at the name above all); undefined when absent. */
export async function lstatRegular(filePath: string): Promise<Stats | undefined> {
	let stat: Stats;
	try {
		stat = await fs.lstat(filePath);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return undefined;
		}

		throw error;
	}

	if (stat.isSymbolicLink()) {
		const target = await fs.readlink(filePath).catch(() => '?');
		throw new FileSafetyError('ESYMLINK', filePath, `${filePath} is a symbolic link (to ${target})`);
	}

	if (!stat.isFile()) {
		throw new FileSafetyError('ENOTREG', filePath, `${filePath} is ${kindOf(stat)}, not a file`);
	}

	return stat;
}

/** Reads a regular file without following a link at its name, without blocking on a FIFO, and bounded in size. */
export async function readRegularFile(filePath: string, maxBytes = MAX_FILE_BYTES): Promise<{bytes: Buffer; stat: Stats}> {
	// Read synchronously: a local file within the limit takes well under a millisecond, where each
	// awaited open, stat, read and close would be a round trip through libuv's thread pool, and
	// node:fs/promises itself need not load before the wizard's first screen. O_NONBLOCK keeps a
	// FIFO from holding the open; fstat then refuses it.
	let fd: number;
	try {
		fd = openSync(filePath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
			await lstatRegular(filePath);
		}

		throw error;
	}

	try {
		const stat = fstatSync(fd);
		if (!stat.isFile()) {
			throw new FileSafetyError('ENOTREG', filePath, `${filePath} is ${kindOf(stat)}, not a file`);
		}

		if (stat.size > maxBytes) {
			throw new FileSafetyError('ETOOBIG', filePath, `${filePath} is larger than ${maxBytes} bytes`);
		}

		const bytes = Buffer.alloc(stat.size);
		let done = 0;
		while (done < bytes.length) {
			const bytesRead = readSync(fd, bytes, done, bytes.length - done, done);
			if (bytesRead === 0) {
				break;
			}

			done += bytesRead;
		}

		return {bytes: bytes.subarray(0, done), stat};
	} finally {
		closeSync(fd);
	}
}

export async function fsyncFolder(folder: string): Promise<void> {
	const handle = await fs.open(folder, O_RDONLY | O_DIRECTORY);
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/** The prefix of the temporary names made for a file: hidden, with the writer's pid so a dead one's leftovers can be found. */
export const TEMP_MARK = '.sendmail-harden-';

export function tempNameFor(filePath: string): string {
	const name = `.${path.basename(filePath)}${TEMP_MARK}${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
	return path.join(path.dirname(filePath), name);
}

/** Whether a name is one of this tool's temporary files, and the pid of the run that made it. */
export function tempNameOwner(name: string): number | undefined {
	const match = /^\..+\.sendmail-harden-(\d+)-[\da-f]{16}\.tmp$/.exec(name);
	return match ? Number(match[1]) : undefined;
}

async function writeAll(handle: FileHandle, bytes: Buffer, filePath: string, fileOps: FileOps): Promise<void> {
	let done = 0;
	while (done < bytes.length) {
		const written = await fileOps.write(handle, bytes, done, bytes.length - done, done, filePath);
		if (!Number.isInteger(written) || written <= 0) {
			// write(2) returning 0 for a non-empty buffer means the disk took nothing: as good as full.
			throw Object.assign(new Error(`no bytes written to ${filePath}`), {code: 'ENOSPC', path: filePath});
		}

		done += written;
	}
}

/**
 * A file written and verified, still open. Holding the descriptor keeps its inode alive, so no
 * other file can get the same number: after a rename or link, the name must lead to this inode.
 */
export type HeldFile = {path: string; dev: bigint; ino: bigint; close(): Promise<void>};

/**
 * Writes bytes into a new file at `filePath` that must not exist (O_EXCL, O_NOFOLLOW), gives it
 * the mode and owner asked, fsyncs it and reads it back: its length and sha256 must be the bytes'.
 * The file stays open for the caller to check it was the one put in place (see checkPlaced).
 * On any failure the file is removed again and the error thrown.
 */
export async function createHeldFile(filePath: string, bytes: Buffer, ownership: Ownership | undefined, fileOps: FileOps = realFileOps): Promise<HeldFile> {
	const handle = await fs.open(filePath, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
	try {
		await writeAll(handle, bytes, filePath, fileOps);
		if (ownership) {
			try {
				await handle.chown(ownership.uid, ownership.gid);
			} catch (error) {
				// Only root may give a file away; anyone else keeps their own files, which is what they had.
				if ((error as NodeJS.ErrnoException).code !== 'EPERM') {
					throw error;
				}
			}

			// After chown, which clears set-id bits.
			await handle.chmod(ownership.mode);
		}

		await handle.sync();
		const stat = await handle.stat({bigint: true});
		const back = Buffer.alloc(bytes.length);
		const {bytesRead} = await handle.read(back, 0, back.length, 0);
		if (stat.size !== BigInt(bytes.length) || bytesRead !== bytes.length || sha256(back) !== sha256(bytes)) {
			throw new FileSafetyError('EVERIFY', filePath, `${filePath} did not hold what was written (${stat.size} of ${bytes.length} bytes)`);
		}

		let closed = false;
		return {
			path: filePath,
			dev: stat.dev,
			ino: stat.ino,
			async close() {
				if (!closed) {
					closed = true;
					await handle.close();
				}
			},
		};
	} catch (error) {
		await handle.close().catch(() => undefined);
		await fs.unlink(filePath).catch(() => undefined);
		throw error;
	}
}

/** As createHeldFile, closed again: for a file that is used where it was written. */
export async function createVerifiedFile(filePath: string, bytes: Buffer, ownership: Ownership | undefined, fileOps: FileOps = realFileOps): Promise<void> {
	const held = await createHeldFile(filePath, bytes, ownership, fileOps);
	await held.close();
}

/**
 * Checks, after a rename or link, that `filePath` names the very file written (same device and
 * inode, a regular file). Whoever can write the folder (the mail user owns /etc/mail on Debian)
 * could have put a link or a file of theirs under the temporary name between its check and the
 * rename; rename and link move what is at the name, so only this look afterwards can tell.
 */
export async function checkPlaced(filePath: string, held: Pick<HeldFile, 'dev' | 'ino'>): Promise<void> {
	const stat = await fs.lstat(filePath, {bigint: true}).catch(() => undefined);
	if (stat?.isFile() && stat.dev === held.dev && stat.ino === held.ino) {
		return;
	}

	const found = stat === undefined ? 'nothing' : stat.isSymbolicLink() ? 'a symbolic link' : stat.isFile() ? 'another file' : 'not a regular file';
	throw new FileSafetyError('ESWAPPED', filePath, `${filePath} is not the file that was written and checked (${found} was put in its place after it was checked)`);
}

/** A new version of a file, written and checked beside it under a temporary name; nothing visible yet. */
export type PreparedReplacement = {path: string; temp: string; sha256: string; held: HeldFile};

export async function prepareReplacement(filePath: string, bytes: Buffer, ownership: Ownership | undefined, fileOps: FileOps = realFileOps): Promise<PreparedReplacement> {
	const temp = tempNameFor(filePath);
	const held = await createHeldFile(temp, bytes, ownership, fileOps);
	return {path: filePath, temp, sha256: sha256(bytes), held};
}

/**
 * Puts a prepared file in place (rename never follows a link at the target name), checks that
 * the name now leads to the file written, and makes that durable. A failed check throws
 * ESWAPPED: what is at the name then is not this tool's, and the caller puts the original back.
 */
export async function commitReplacement(prepared: PreparedReplacement, fileOps: FileOps = realFileOps): Promise<void> {
	try {
		await fileOps.rename(prepared.temp, prepared.path);
		await checkPlaced(prepared.path, prepared.held);
		await fsyncFolder(path.dirname(prepared.path));
	} finally {
		await prepared.held.close();
	}
}

export async function discardReplacement(prepared: PreparedReplacement): Promise<void> {
	await prepared.held.close().catch(() => undefined);
	await fs.unlink(prepared.temp).catch(() => undefined);
}

/** Replaces (or creates) a file atomically: a reader sees the old bytes or the new ones, never a part. */
export async function replaceFile(filePath: string, bytes: Buffer, ownership: Ownership | undefined, fileOps: FileOps = realFileOps): Promise<void> {
	const prepared = await prepareReplacement(filePath, bytes, ownership, fileOps);
	try {
		await commitReplacement(prepared, fileOps);
	} catch (error) {
		await discardReplacement(prepared);
		throw error;
	}
}

/**
 * Creates a file the admin named (an export): never through a link. Without `replace` the name
 * must be free (O_EXCL|O_NOFOLLOW, EEXIST otherwise); with it, the new file is written beside it
 * and renamed over whatever is there, so a link planted at the name is replaced, not followed.
 */
export async function writeNamedFile(filePath: string, bytes: Buffer, options: {replace: boolean}): Promise<void> {
	if (!options.replace) {
		const handle = await fs.open(filePath, constants.O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
		try {
			await writeAll(handle, bytes, filePath, realFileOps);
			await handle.sync();
		} catch (error) {
			await handle.close().catch(() => undefined);
			await fs.unlink(filePath).catch(() => undefined);
			throw error;
		}

		await handle.close();
		return;
	}

	// A regular file replaced keeps its mode and owner, as writing it in place would; a new one
	// (or one put where a link was) is the running user's, readable as a fresh file would be.
	const existing = await fs.lstat(filePath).catch(() => undefined);
	const ownership = existing?.isFile() ? ownershipOf(existing) : {mode: 0o644, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0};
	await replaceFile(filePath, bytes, ownership);
}

/** Whether a process is alive; a pid that was reused since is told apart by its start time where /proc has it. */
export async function processStartTime(pid: number): Promise<string | undefined> {
	try {
		const stat = await fs.readFile(`/proc/${pid}/stat`, 'latin1');
		// Field 22, counted after the ")" that ends the command name (which may hold spaces).
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

export async function isProcessAlive(pid: number, startTime?: string): Promise<boolean> {
	if (!Number.isInteger(pid) || pid <= 0) {
		return false;
	}

	try {
		process.kill(pid, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EPERM') {
			return false;
		}
	}

	if (startTime !== undefined) {
		const now = await processStartTime(pid);
		return now === undefined || now === startTime;
	}

	return true;
}

/** An error from the file system, in words for an admin: what could not be done to which file, and why. */
export function describeError(error: unknown, filePath: string, doing: string): string {
	if (error instanceof FileSafetyError) {
		switch (error.code) {
			case 'ESYMLINK': {
				return `${error.message}; sendmail-harden does not follow links in the config folder (the mail user can plant them there): give the real file, or replace the link by the file`;
			}

			case 'ENOTREG': {
				return `${error.message}; sendmail-harden reads and writes only regular files`;
			}

			case 'EVERIFY': {
				return `cannot ${doing} ${error.path}: the disk did not keep every byte written (${error.message})`;
			}

			case 'ESWAPPED': {
				return `${error.message}; someone who can write to ${path.dirname(error.path)} is tampering with it`;
			}

			default: {
				return error.message;
			}
		}
	}

	const code = (error as NodeJS.ErrnoException).code;
	// The file the admin knows (the config, its backup), not the temporary name the error may carry.
	const where = filePath || (error as NodeJS.ErrnoException).path || 'a file';
	switch (code) {
		case 'ENOENT': {
			return `${where} does not exist`;
		}

		case 'EACCES':
		case 'EPERM': {
			return `cannot ${doing} ${where}: permission denied (run as root, or with sudo)`;
		}

		case 'EISDIR': {
			return `${where} is a folder, not a file`;
		}

		case 'ELOOP': {
			return `${where} is a symbolic link; sendmail-harden does not follow links in the config folder: give the real file`;
		}

		case 'ENOSPC':
		case 'EDQUOT': {
			return `cannot ${doing} ${where}: the disk is full`;
		}

		case 'EROFS': {
			return `cannot ${doing} ${where}: the file system is read-only`;
		}

		case 'EIO': {
			return `cannot ${doing} ${where}: input/output error (check the disk)`;
		}

		default: {
			return `cannot ${doing} ${where}: ${(error as Error).message}`;
		}
	}
}
