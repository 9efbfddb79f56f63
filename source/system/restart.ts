import net from 'node:net';
import type {Result} from '../core/result.js';
import {fail, ok} from '../core/result.js';
import {rollbackBackupSet, type BackupSet} from './config-files.js';
import {runRestart, type RestartPlan} from './service.js';

export const RESTART_TIMEOUT_MS = 60_000;

export type RestartReport =
	| {ok: true}
	/**
	 * The restart failed. `filesRestored`: the old files are back (whether or not sendmail then
	 * started on them); `rolledBack` says so in words, and whether sendmail runs on them again.
	 */
	| {ok: false; error: string; filesRestored: boolean; rolledBack: Result<string>};

/**
 * Restarts sendmail on the new files. If that fails, puts the old files back and
 * restarts again, so the server is left as it was. The wizard and --yes share it.
 */
export async function restartOrRecover(
	plan: RestartPlan,
	backup: BackupSet,
	options: {onOutput?: (chunk: string) => void; env?: NodeJS.ProcessEnv; timeoutMs?: number},
): Promise<RestartReport> {
	const run = async () => runRestart(plan, {timeoutMs: options.timeoutMs ?? RESTART_TIMEOUT_MS, onOutput: options.onOutput, env: options.env});
	const first = await run();
	if (first.ok) {
		return {ok: true};
	}

	const restored = await rollbackBackupSet(backup, {force: true});
	if (!restored.ok) {
		return {ok: false, error: first.error, filesRestored: false, rolledBack: fail(`the old files could not be put back (${restored.error})`)};
	}

	const again = await run();
	return {
		ok: false,
		error: first.error,
		filesRestored: true,
		rolledBack: again.ok
			? ok('the old files are back and sendmail was restarted on them')
			: fail(`the old files are back, but restarting sendmail failed again (${again.error})`),
	};
}

/** Waits until something accepts connections on host:port (a restarted daemon takes a moment). */
export async function waitForListener(host: string, port: number, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const connected = await new Promise<boolean>(resolve => {
			const socket = net.connect({host, port});
			socket.setTimeout(1000);
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('timeout', () => {
				socket.destroy();
				resolve(false);
			});
			socket.once('error', () => {
				resolve(false);
			});
		});
		if (connected) {
			return true;
		}

		await new Promise(resolve => {
			setTimeout(resolve, 200);
		});
	}

	return false;
}
