import {closeSync, constants, fstatSync, openSync, type Stats} from 'node:fs';
import fs from 'node:fs/promises';
import {fail, ok, type Result} from '../core/result.js';

// Files the admin names that are not configs (--answers, the preset store, lock files) are read
// through here; configs and help files go through safe-write.ts's readRegularFile, which also
// refuses links. A FIFO would block the open for ever (and a blocked synchronous
// open ignores Ctrl+C), /dev/zero never ends: only regular files are read, and never more than a
// limit, whatever fstat said (a file can grow while it is read).

/** Answers files and preset exports: a few hundred bytes. */
export const MAX_ANSWERS_BYTES = 1024 * 1024;
/** The preset store: each preset is a few hundred bytes. */
export const MAX_PRESET_STORE_BYTES = 4 * 1024 * 1024;

// O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; fstat then refuses it.
// O_NOCTTY: a terminal device named by mistake does not become the controlling terminal.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;
const CHUNK_BYTES = 64 * 1024;

export function sizeInWords(bytes: number): string {
	return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function kindOf(stat: Stats): string {
	return stat.isFIFO() ? 'a FIFO (named pipe)'
		: stat.isCharacterDevice() ? 'a character device'
			: stat.isBlockDevice() ? 'a block device'
				: stat.isSocket() ? 'a socket'
					: stat.isDirectory() ? 'a folder'
						: 'not a regular file';
}

function notRegular(filePath: string, stat: Stats): string {
	return `${filePath} is ${kindOf(stat)}, not a regular file`;
}

function tooLarge(filePath: string, what: string, maxBytes: number): string {
	return `${filePath} is larger than ${sizeInWords(maxBytes)}, more than any ${what} holds`;
}

function openError(error: unknown, filePath: string): string {
	const code = (error as NodeJS.ErrnoException).code;
	switch (code) {
		case 'ENOENT': {
			return `${filePath} does not exist`;
		}

		case 'EACCES':
		case 'EPERM': {
			return `${filePath} cannot be read: permission denied (run as root, or with sudo)`;
		}

		case 'EISDIR': {
			return `${filePath} is a folder, not a file`;
		}

		case 'ENXIO': {
			// A socket or a device with nothing behind it.
			return `${filePath} is not a regular file`;
		}

		default: {
			return `${filePath} cannot be read: ${(error as Error).message.split('\n')[0]}`;
		}
	}
}

/**
 * Reads a regular file of at most `maxBytes`. `what` names the kind of file in messages ("sendmail
 * config", "answers file"). Every problem is one line that starts with the file's path (so callers
 * can put "the answers file " before it) and never quotes its contents.
 */
export async function readInputFile(filePath: string, options: {maxBytes: number; what: string}): Promise<Result<Buffer>> {
	let handle: fs.FileHandle;
	try {
		handle = await fs.open(filePath, OPEN_FLAGS);
	} catch (error) {
		return fail(openError(error, filePath));
	}

	try {
		const stat = await handle.stat();
		if (!stat.isFile()) {
			return fail(notRegular(filePath, stat));
		}

		if (stat.size > options.maxBytes) {
			return fail(tooLarge(filePath, options.what, options.maxBytes));
		}

		// Read in chunks up to one byte past the limit: the file may grow while it is read.
		const chunks: Buffer[] = [];
		let length = 0;
		for (;;) {
			const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, options.maxBytes + 1 - length));
			const {bytesRead} = await handle.read(chunk, 0, chunk.length, length);
			if (bytesRead === 0) {
				return ok(Buffer.concat(chunks, length));
			}

			chunks.push(chunk.subarray(0, bytesRead));
			length += bytesRead;
			if (length > options.maxBytes) {
				return fail(tooLarge(filePath, options.what, options.maxBytes));
			}
		}
	} catch (error) {
		return fail(openError(error, filePath));
	} finally {
		await handle.close();
	}
}

/**
 * The synchronous check for files another library then reads itself (conf reads the preset store
 * with readFileSync): the file, when it exists, must be regular and within the limit.
 */
export function checkInputFileSync(filePath: string, options: {maxBytes: number; what: string}): Result<'missing' | 'regular'> {
	let fd: number;
	try {
		fd = openSync(filePath, OPEN_FLAGS);
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT' ? ok('missing') : fail(openError(error, filePath));
	}

	try {
		const stat = fstatSync(fd);
		if (!stat.isFile()) {
			return fail(notRegular(filePath, stat));
		}

		if (stat.size > options.maxBytes) {
			return fail(tooLarge(filePath, options.what, options.maxBytes));
		}

		return ok('regular');
	} finally {
		closeSync(fd);
	}
}
