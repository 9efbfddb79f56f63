import path from 'node:path';
import {safeJson} from '../core/sanitize.js';
import {checkRollback, newestBackupSet, readTextFile, rollbackBackupSet, type BackupSet} from '../system/config-files.js';
import {DEFAULT_CONFIG} from '../system/target.js';
import {EXIT, type CommandIo} from './command-io.js';

export type RollbackFlags = {config?: string; force?: boolean; json?: boolean};

/** What `rollback --json` prints: the top-level keys of the --yes document that apply to a rollback. */
export type RollbackReport = {
	command: 'rollback';
	config: string;
	/** A byte changed on disk. */
	changed: boolean;
	exitCode: number;
	meaning: 'done' | 'bad input' | 'write failed';
	error: string | null;
	/** The set that was (or would have been) put back. */
	backup: null | {id: string; files: Array<{path: string; backup: string}>};
	/** The files restored. */
	files: Array<{role: 'cf' | 'mc' | 'helpfile'; path: string}>;
};

const meanings = {[EXIT.done]: 'done', [EXIT.badInput]: 'bad input', [EXIT.writeFailed]: 'write failed'} as const;

/** The set's name, as the --yes document gives it: when it was saved. */
const backupId = (set: BackupSet) => set.savedAt;

function roleOf(file: string, cfPath: string): 'cf' | 'mc' | 'helpfile' {
	if (path.resolve(file) === path.resolve(cfPath)) {
		return 'cf';
	}

	return file.endsWith('.mc') ? 'mc' : 'helpfile';
}

/** `sendmail-harden rollback`: puts back the files of the newest change, byte for byte. */
export async function runRollback(flags: RollbackFlags, io: CommandIo): Promise<number> {
	const cfPath = flags.config ?? DEFAULT_CONFIG;
	const report: RollbackReport = {command: 'rollback', config: cfPath, changed: false, exitCode: EXIT.done, meaning: 'done', error: null, backup: null, files: []};
	const finish = (exitCode: typeof EXIT.done | typeof EXIT.badInput | typeof EXIT.writeFailed, error?: string): number => {
		if (error !== undefined) {
			io.err(`sendmail-harden: ${error}\n`);
		}

		if (flags.json) {
			io.out(safeJson({...report, exitCode, meaning: meanings[exitCode], error: error ?? null}, 2) + '\n');
		}

		return exitCode;
	};

	const set = await newestBackupSet(cfPath);
	if (!set.ok) {
		return finish(EXIT.badInput, set.error);
	}

	report.backup = {id: backupId(set.value), files: set.value.files.map(file => ({path: file.path, backup: file.backup}))};

	// A refusal (a file changed since, a backup gone) writes nothing: bad input, not a failed write.
	const allowed = await checkRollback(set.value, {force: flags.force});
	if (!allowed.ok) {
		return finish(EXIT.badInput, allowed.error);
	}

	// "changed" means a byte changed: compare each file before and after, not merely "it ran".
	const before = await Promise.all(set.value.files.map(async file => readTextFile(file.path)));
	const restored = await rollbackBackupSet(set.value, {force: flags.force});
	const after = await Promise.all(set.value.files.map(async file => readTextFile(file.path)));
	report.changed = set.value.files.some((_, index) => {
		const was = before[index]!;
		const is = after[index]!;
		return was.ok !== is.ok || (was.ok && is.ok && was.value !== is.value);
	});
	if (!restored.ok) {
		return finish(EXIT.writeFailed, restored.error);
	}

	report.files = restored.value.map(file => ({role: roleOf(file, cfPath), path: file}));
	if (!flags.json) {
		io.out(`Restored the files as they were before the change of ${set.value.savedAt}:\n`);
		for (const file of restored.value) {
			io.out(`  ${file}\n`);
		}

		io.out('Restart sendmail so that it reads them again.\n');
	}

	return finish(EXIT.done);
}
