import {constants} from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * What this user cannot do to the config: said on Welcome, before four steps of answers, rather
 * than found at Write. Undefined when the user is root or may write the file and its folder.
 */
export async function accessProblem(cfPath: string, options: {live: boolean; uid?: number}): Promise<string | undefined> {
	const uid = options.uid ?? process.getuid?.();
	if (uid === 0 || uid === undefined) {
		return undefined;
	}

	const writable = async (file: string) => fs.access(file, constants.W_OK).then(() => true, () => false);
	// A write puts a temporary file and a backup beside the config, so its folder must be writable too.
	if (await writable(cfPath) && await writable(path.dirname(cfPath))) {
		return !options.live ? undefined : 'You are not root: restarting sendmail needs root, so the last step only says how; run it with sudo to restart and check the live server.';
	}

	return `You are not root: the steps show what would change, but writing ${cfPath} and its backup, and restarting sendmail, need root; run it with sudo to apply the changes.`;
}
