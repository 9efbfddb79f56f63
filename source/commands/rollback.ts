import {checkRollback, newestBackupSet, rollbackBackupSet} from '../system/config-files.js';
import {DEFAULT_CONFIG} from '../system/target.js';
import {EXIT, type CommandIo} from './command-io.js';

/** `sendmail-harden rollback`: puts back the files of the newest change, byte for byte. */
export async function runRollback(flags: {config?: string; force?: boolean}, io: CommandIo): Promise<number> {
	const cfPath = flags.config ?? DEFAULT_CONFIG;
	const set = await newestBackupSet(cfPath);
	if (!set.ok) {
		io.err(`sendmail-harden: ${set.error}\n`);
		return EXIT.badInput;
	}

	// A refusal (a file changed since, a backup gone) writes nothing: bad input, not a failed write.
	const allowed = await checkRollback(set.value, {force: flags.force});
	if (!allowed.ok) {
		io.err(`sendmail-harden: ${allowed.error}\n`);
		return EXIT.badInput;
	}

	const restored = await rollbackBackupSet(set.value, {force: flags.force});
	if (!restored.ok) {
		io.err(`sendmail-harden: ${restored.error}\n`);
		return EXIT.writeFailed;
	}

	io.out(`Restored the files as they were before the change of ${set.value.savedAt}:\n`);
	for (const file of restored.value) {
		io.out(`  ${file}\n`);
	}

	io.out('Restart sendmail so that it reads them again.\n');
	return EXIT.done;
}
