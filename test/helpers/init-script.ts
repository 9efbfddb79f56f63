// A stand-in for /etc/init.d/sendmail that restarts a real, daemonized sendmail, for tests of the
// restart path (docs/sendmail.md, "A test daemon").
import {spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type {RestartPlan} from '../../source/core/restart-plan.js';
import {daemonCf, freePort, readBanner, readPid} from './sendmail.js';

export type InitScriptDaemon = {
	port: number;
	pidFile: string;
	/** Runs the stand-in as the host's init script would be run. */
	restart: RestartPlan;
	/** Stops the daemon named in the PidFile and waits until it has ended. */
	stop(): Promise<void>;
};

/**
 * Writes a stand-in init script at file. `restart` stops the daemon named in pidFile, then starts
 * `sendmail -bd` on cfPath in its own UTS namespace and waits for the PidFile. A zombie counts as
 * stopped: PID 1 here reaps nothing.
 */
export function writeInitScript(file: string, cfPath: string, pidFile: string): string {
	mkdirSync(path.dirname(file), {recursive: true});
	writeFileSync(file, `#!/bin/sh
pidfile='${pidFile}'
running() { [ -d "/proc/$1" ] && [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -c1)" != Z ]; }
case "$1" in
restart)
	if [ -s "$pidfile" ]; then
		old=$(head -n 1 "$pidfile")
		echo "Stopping sendmail: $old"
		kill "$old"
		i=0
		while running "$old"; do
			i=$((i + 1)); [ $i -gt 100 ] && { echo "sendmail $old did not stop" >&2; exit 1; }
			sleep 0.1
		done
		rm -f "$pidfile"
	fi
	echo "Starting sendmail"
	unshare --uts sh -c 'hostname mail.test.example; exec /usr/sbin/sendmail -C "$0" -bd -q15m' '${cfPath}' </dev/null >/dev/null 2>&1 || exit 1
	i=0
	while [ ! -s "$pidfile" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && { echo "sendmail did not start (no $pidfile)" >&2; exit 1; }
		sleep 0.1
	done
	;;
*)
	echo "usage: $0 restart" >&2; exit 2 ;;
esac
`);
	chmodSync(file, 0o755);
	return file;
}

/**
 * Rewrites the config at cfPath for a test daemon with its files beside it (daemonCf: a free port on
 * 127.0.0.1, its own PidFile and queue), writes the stand-in init script there too and starts
 * sendmail through it, on another port when nothing answers on the one picked. Always call stop()
 * in a finally.
 */
export async function startWithInitScript(cfPath: string, options: {helpFile?: string} = {}): Promise<InitScriptDaemon> {
	const folder = path.dirname(cfPath);
	const cfText = readFileSync(cfPath, 'latin1');
	const pidFile = path.join(folder, 'sendmail.pid');
	mkdirSync(path.join(folder, 'mqueue'), {mode: 0o700, recursive: true});
	const script = writeInitScript(path.join(folder, 'sendmail-init'), cfPath, pidFile);
	const stop = async () => stopDaemon(pidFile);
	for (let attempt = 0; attempt < 5; attempt++) {
		const port = await freePort();
		writeFileSync(cfPath, daemonCf(cfText, folder, port, options.helpFile), 'latin1');
		const started = spawnSync(script, ['restart'], {encoding: 'utf8'});
		if (started.status !== 0) {
			await stop();
			throw new Error(`the stand-in init script did not start sendmail: ${started.stderr.trim() || `exit status ${String(started.status)}`}`);
		}

		if (await answers(port)) {
			return {port, pidFile, restart: {label: '/etc/init.d/sendmail restart', command: script, args: ['restart']}, stop};
		}

		await stop(); // someone took the port first: try another
	}

	throw new Error('sendmail answered on none of 5 free ports');
}

/** Whether a 220 banner comes on port within about 5 s. */
async function answers(port: number): Promise<boolean> {
	for (let attempt = 0; attempt < 50; attempt++) {
		if ((await readBanner(port))?.startsWith('220 ')) {
			return true;
		}

		await sleep(100);
	}

	return false;
}

/** Stops the daemon named in pidFile, if any, and waits until it has ended. */
export async function stopDaemon(pidFile: string): Promise<void> {
	const pid = readPid(pidFile);
	if (pid === undefined) {
		return;
	}

	try {
		process.kill(pid, 'SIGTERM');
	} catch {
		return;
	}

	await processEnds(pid);
}

/** Whether the process is gone (or a zombie nobody reaps), within a few seconds. */
export async function processEnds(pid: number): Promise<boolean> {
	for (let attempt = 0; attempt < 50; attempt++) {
		let state: string;
		try {
			state = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').charAt(0);
		} catch {
			return true;
		}

		if (state === 'Z') {
			return true;
		}

		await sleep(100);
	}

	return false;
}
