import {DEFAULT_CHECK_TIMEOUT_MS} from '../system/apply.js';
import {checkRollback, newestBackupSet, recoverInterrupted, rollbackWithNotes} from '../system/config-files.js';
import {validateChange} from '../system/sendmail.js';
import {DEFAULT_CONFIG} from '../system/target.js';
import {EXIT, type CommandIo} from './command-io.js';

/**
 * `sendmail-harden rollback`: puts back the files of the newest change (or of the change
 * `--set ID`, and every newer one), byte for byte, from backups checked against their hashes,
 * and only a config that sendmail accepts.
 */
export async function runRollback(flags: {config?: string; force?: boolean; set?: string}, io: CommandIo): Promise<number> {
	const cfPath = flags.config ?? DEFAULT_CONFIG;
	const recovered = await recoverInterrupted(cfPath);
	if (!recovered.ok) {
		io.err(`sendmail-harden: ${recovered.error}\n`);
		return EXIT.writeFailed;
	}

	for (const note of recovered.value) {
		io.err(`sendmail-harden: note: ${note}\n`);
	}

	const set = await newestBackupSet(cfPath, flags.set);
	if (!set.ok) {
		io.err(`sendmail-harden: ${set.error}\n`);
		return EXIT.badInput;
	}

	// A refusal (a file changed since, a backup gone or altered) writes nothing: bad input, not a failed write.
	const allowed = await checkRollback(set.value, {force: flags.force});
	if (!allowed.ok) {
		io.err(`sendmail-harden: ${allowed.error}\n`);
		return EXIT.badInput;
	}

	const restored = await rollbackWithNotes(set.value, {
		force: flags.force,
		async checkConfig(current, restoredText) {
			return validateChange(current, restoredText, {env: io.env, timeoutMs: DEFAULT_CHECK_TIMEOUT_MS, cfPath: set.value.config});
		},
	});
	if (!restored.ok) {
		io.err(`sendmail-harden: ${restored.error}\n`);
		// The disk failed (files left as they were) or another run holds the config: a failed write. Else a refusal.
		return /every file was left as it was|putting back|being changed by another/.test(restored.error) ? EXIT.writeFailed : EXIT.badInput;
	}

	for (const note of restored.value.notes) {
		io.err(`sendmail-harden: warning: ${note}\n`);
	}

	io.out(`Restored the files as they were before the change of ${set.value.savedAt}:\n`);
	for (const file of restored.value.restored) {
		io.out(`  ${file}\n`);
	}

	io.out('Restart sendmail so that it reads them again.\n');
	return EXIT.done;
}
