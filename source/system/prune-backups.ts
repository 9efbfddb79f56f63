// Keeping --keep N backup sets: older sets, their .bak files and the copies only they used go.
import fs from 'node:fs/promises';
import path from 'node:path';
import {SHA256, blobPath, listSets} from './backup-sets.js';
import {readJournal, removeQuietly} from './journal.js';

/** Keeps the newest `keep` sets of a config (never removing `keep`), their backups beside the files, and the copies they use. */
export async function pruneBackupSets(state: string, cfPath: string, keep: number, justMade: string): Promise<void> {
	const sets = await listSets(state, cfPath);
	const old = sets.slice(0, Math.max(0, sets.length - Math.max(1, keep))).filter(set => set.id !== justMade);
	for (const set of old) {
		for (const file of set.files) {
			// The name was checked by readSet: beside its file, named after it and this set. A file the
			// change created has none.
			if (file.backup === null) {
				continue;
			}

			const stat = await fs.lstat(file.backup).catch(() => undefined);
			if (stat?.isFile()) {
				await removeQuietly(file.backup);
			}
		}

		await removeQuietly(set.manifest);
	}

	await removeUnusedCopies(state, cfPath);
}

export async function removeUnusedCopies(state: string, cfPath: string): Promise<void> {
	const used = new Set((await listSets(state, cfPath)).flatMap(set => set.files.flatMap(file => (file.backupSha256 === null ? [] : [file.backupSha256]))));
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
