// Reading the files sendmail-harden edits: a config, its .mc, its help file, each through the
// trust rule (trust.ts). Bytes are kept as latin1 strings so that any byte round-trips.
import path from 'node:path';
import {dhFilePath, type HelpFileState, helpFilePath, type TlsFileState} from '../core/plan.js';
import {fail, ok, type Result} from '../core/result.js';
import {describeError} from './safe-write.js';
import {folderChainProblem, readTrustedFile} from './trust.js';

// Files are handled as latin1 strings: one character per byte, so any bytes round-trip.
export const ENCODING = 'latin1';

export const toBytes = (text: string) => Buffer.from(text, ENCODING);

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
 * The file tlsDhParameters writes beside the certificate, as it is now: absent, or its text when
 * it is a file only root can change (readTrustedFile); undefined where STARTTLS is not set up.
 */
export async function readDhFile(cfPath: string, cfText: string): Promise<TlsFileState | undefined> {
	const filePath = dhFilePath(cfText);
	if (filePath === undefined) {
		return undefined;
	}

	// Written as root: never into a folder someone else could swap things in (the config's own
	// folder is held to the config's rule, as the help file's is).
	const problem = path.dirname(filePath) === path.dirname(path.resolve(cfPath)) ? undefined : folderChainProblem(path.dirname(filePath));
	if (problem !== undefined) {
		return {path: filePath, error: `${path.dirname(filePath)} is a folder that users other than root can change (${problem}), and root does not write where they could swap a link in; make that folder root's and not writable by others (on Debian: chown root: ${path.dirname(filePath)}), or leave tlsDhParameters out`};
	}

	try {
		return {path: filePath, text: (await readTrustedFile(filePath)).bytes.toString(ENCODING)};
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT' ? {path: filePath, missing: true} : {path: filePath, error: describeError(error, filePath, 'read')};
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
