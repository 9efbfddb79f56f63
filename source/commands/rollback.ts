import {safeJson} from '../core/sanitize.js';
import {emptyDocument, type JsonDocument} from '../flow/json-document.js';
import {DEFAULT_CHECK_TIMEOUT_MS} from '../system/apply.js';
import {checkRollback, rollbackWithNotes} from '../system/rollback.js';
import {newestBackupSet, type BackupSet} from '../system/backup-sets.js';
import {readTextFile} from '../system/read-files.js';
import {recoverInterrupted} from '../system/journal.js';
import {validateChange} from '../system/sendmail.js';
import {DEFAULT_CONFIG} from '../system/target.js';
import {hostNameCause, hostNameWait, type HostNameWait} from '../system/host-name.js';
import {RESTART_TIMEOUT_MS} from '../system/restart.js';
import {describeManualRestart, findRestartPlan, runRestart, sendmailStartedSince, type RestartPlan} from '../system/service.js';
import {hostNameCountdown} from './audit.js';
import {EXIT, type CommandIo} from './command-io.js';

export type RollbackFlags = {
	config?: string;
	force?: boolean;
	set?: string;
	json?: boolean;
	/** --restart: restart sendmail on the restored files; otherwise say how. */
	restart?: boolean;
	/** --restart-command CMD: the restart to run instead of the detected one. */
	restartCommand?: RestartPlan;
};

/** The restart's effects; tests replace them. */
export type RollbackDeps = {
	findRestartPlan(): Promise<RestartPlan | undefined>;
	hostNameWait(): HostNameWait | undefined;
	restartTimeoutMs: number;
};

const realDeps = (env: NodeJS.ProcessEnv | undefined): RollbackDeps => ({
	findRestartPlan: async () => findRestartPlan({env}),
	hostNameWait: () => hostNameWait(),
	restartTimeoutMs: RESTART_TIMEOUT_MS,
});

type RollbackExit = typeof EXIT.done | typeof EXIT.badInput | typeof EXIT.writeFailed;
const meanings = {[EXIT.done]: 'done', [EXIT.badInput]: 'bad input', [EXIT.writeFailed]: 'write failed'} as const;

const readAll = async (set: BackupSet) => Promise.all(set.files.map(async file => readTextFile(file.path)));

/**
 * `sendmail-harden rollback`: puts back the files of the newest change (or of the change
 * `--set ID`, and every newer one), byte for byte, from backups checked against their hashes,
 * and only a config that sendmail accepts. With --json, one document on stdout.
 */
export async function runRollback(flags: RollbackFlags, io: CommandIo, given: Partial<RollbackDeps> = {}): Promise<number> {
	const deps = {...realDeps(io.env), ...given};
	const cfPath = flags.config ?? DEFAULT_CONFIG;
	// The --yes document's keys: `backup` (its id is what --set takes), the `files` restored, `notes`.
	const report: JsonDocument = emptyDocument('rollback', cfPath);
	const finish = (exitCode: RollbackExit, error?: string): number => {
		if (error !== undefined) {
			io.err(`sendmail-harden: ${error}\n`);
		}

		if (flags.json) {
			const document: JsonDocument = {...report, exitCode, meaning: meanings[exitCode], error: error ?? null};
			io.out(safeJson(document, 2) + '\n');
		}

		return exitCode;
	};

	const recovered = await recoverInterrupted(cfPath);
	if (!recovered.ok) {
		return finish(EXIT.writeFailed, recovered.error);
	}

	for (const note of recovered.value) {
		io.err(`sendmail-harden: note: ${note}\n`);
		report.notes.push(note);
	}

	const set = await newestBackupSet(cfPath, flags.set);
	if (!set.ok) {
		return finish(EXIT.badInput, set.error);
	}

	report.backup = {id: set.value.id, files: set.value.files.map(file => ({path: file.path, backup: file.backup}))};

	// A refusal (a file changed since, a backup gone or altered) writes nothing: bad input, not a failed write.
	const allowed = await checkRollback(set.value, {force: flags.force});
	if (!allowed.ok) {
		return finish(EXIT.badInput, allowed.error);
	}

	// "changed" means a byte changed: compare each file before and after, not merely "it ran".
	const before = await readAll(set.value);
	const restored = await rollbackWithNotes(set.value, {
		force: flags.force,
		async checkConfig(current, restoredText) {
			return validateChange(current, restoredText, {env: io.env, timeoutMs: DEFAULT_CHECK_TIMEOUT_MS, cfPath: set.value.config});
		},
	});
	const after = await readAll(set.value);
	report.changed = before.some((was, index) => {
		const is = after[index]!;
		return was.ok !== is.ok || (was.ok && is.ok && was.value !== is.value);
	});
	if (!restored.ok) {
		// The disk failed (files left as they were) or another run holds the config: a failed write. Else a refusal.
		return finish(/every file was left as it was|putting back|being changed by another/.test(restored.error) ? EXIT.writeFailed : EXIT.badInput, restored.error);
	}

	for (const note of restored.value.notes) {
		io.err(`sendmail-harden: warning: ${note}\n`);
		report.notes.push(note);
	}

	report.files = restored.value.restored.map(file => ({role: set.value.files.find(backedUp => backedUp.path === file)?.role ?? 'cf', path: file}));
	if (!flags.json) {
		io.out(`Restored the files as they were before the change of ${set.value.savedAt}:\n`);
		for (const file of restored.value.restored) {
			io.out(`  ${file}\n`);
		}
	}

	const plan = flags.restartCommand ?? await deps.findRestartPlan();
	if (flags.restart !== true || plan === undefined) {
		// Said in --json too: the running sendmail still has the rolled-back settings until then.
		const manual = plan === undefined
			? `Restart sendmail so that it reads them again. ${describeManualRestart(undefined)}`
			: `Restart sendmail so that it reads them again; run: ${plan.label} (or add --restart)`;
		report.notes.push(manual);
		report.restart = plan === undefined ? null : {attempted: false, ok: false, command: plan.label, output: '', rolledBack: false};
		if (!flags.json) {
			io.out(`${manual}\n`);
		}

		return finish(EXIT.done);
	}

	if (!flags.json) {
		io.out(`Restarting sendmail: ${plan.label}\n`);
	}

	// As after a write: a host name sendmail sleeps on gets its wait on top of the time limit, counted down.
	const wait = deps.hostNameWait();
	const countdown = flags.json || wait === undefined ? undefined : hostNameCountdown(io);
	let left = wait?.seconds ?? 0;
	countdown?.(left);
	const ticker = countdown === undefined ? undefined : setInterval(() => {
		left = Math.max(left - 1, 0);
		countdown(left);
	}, 1000);
	const since = new Date();
	let outcome;
	try {
		outcome = await runRestart(plan, {
			timeoutMs: deps.restartTimeoutMs + ((wait?.seconds ?? 0) * 1000),
			env: io.env,
			onOutput: flags.json ? undefined : chunk => io.out(chunk),
		});
	} finally {
		clearInterval(ticker);
	}

	// The command's end is not the daemon's: sendmail may be up on the restored files after all.
	const restoredCf = await readTextFile(set.value.config);
	const upAnyway = outcome.ok ? undefined : await sendmailStartedSince(since, restoredCf.ok ? restoredCf.value : '');
	const ok = outcome.ok || upAnyway !== undefined;
	report.restart = {attempted: true, ok, command: plan.label, output: outcome.output, rolledBack: false};
	if (!ok) {
		const cause = wait === undefined ? '' : `; ${hostNameCause(wait.name)}`;
		return finish(EXIT.writeFailed, `the files are restored, but the restart failed: ${outcome.ok ? '' : outcome.error}${cause}`);
	}

	const said = upAnyway === undefined ? `sendmail was restarted on the restored files (${plan.label})` : `sendmail came up on the restored files (process ${upAnyway}), though ${outcome.ok ? '' : outcome.error}`;
	report.notes.push(said);
	if (!flags.json) {
		io.out(`${said}\n`);
	}

	return finish(EXIT.done);
}
