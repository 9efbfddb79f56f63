// sendmail's own reason for serving no STARTTLS, read from its log: it writes the reason only to
// syslog (docs/sendmail.md, "STARTTLS file rules"). sendmail -bs runs once more in a private mount
// namespace whose /dev/log is a socket of the tool's, with LogLevel 14 (the "missing" lines need
// more than 12), and the first line about the server's files is its reason. Only on the failure
// path of the rehearsal; where it cannot run (not root, no unshare), the tool's reading of the same
// rules stands in (starttls-files.ts).
import {spawn} from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {privateHostName, type HostContext} from './host-name.js';
import {toBytes} from './read-files.js';
import {stopWithRun} from './stop-signals.js';

// The namespace's /dev: a tmpfs with the few devices sendmail and OpenSSL open, and /dev/log the
// tool's socket. Arguments: the private folder, the host name, then the command.
const SCRIPT = [
	'folder="$1"; name="$2"; shift 2',
	'mkdir "$folder/dev" && mount --bind /dev "$folder/dev" && mount -t tmpfs -o mode=755 none /dev || exit 97',
	'for device in null zero full random urandom tty; do if [ -e "$folder/dev/$device" ]; then : > "/dev/$device" && mount --bind "$folder/dev/$device" "/dev/$device"; fi; done',
	'ln -s "$folder/log.sock" /dev/log && hostname "$name" && exec "$@"',
].join('\n');

/** Log lines that say why STARTTLS is not served: a file unsafe, one not named, or OpenSSL refusing one. */
const REASON = /STARTTLS=server: file .* unsafe: |STARTTLS=server, error: |STARTTLS: (?:Server(?:CertFile|KeyFile)|CACertPath|CACertFile) missing/;

/** One syslog record's message without its "<pri>date host sendmail[pid]: " head. */
export function logMessage(record: string): string {
	return record.replace(/^<\d+>/, '').replace(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (?:\S+ )?sendmail\[\d+\]: /, '').trim();
}

/** The first line of sendmail's log that says why it serves no STARTTLS, or undefined. */
export function starttlsReason(log: string): string | undefined {
	return log.split(/[\0\n]/).map(record => logMessage(record)).find(message => REASON.test(message));
}

/**
 * Runs `sendmail -C COPY -O LogLevel=14 -bs` on the config with its log caught, greets, quits, and
 * returns sendmail's own reason for serving no STARTTLS. Undefined when none was logged or it could
 * not be asked here.
 */
export async function sendmailStarttlsReason(program: string, cfText: string, folder: string, host: HostContext, preferredName: string | undefined, timeoutMs = 20_000): Promise<string | undefined> {
	if (!host.root || host.unshare === undefined) {
		return undefined;
	}

	const cfPath = path.join(folder, 'log-check.cf');
	await fs.writeFile(cfPath, toBytes(cfText), {mode: 0o600, flag: 'wx'});
	let log = '';
	const sockets = new Set<net.Socket>();
	const server = net.createServer(socket => {
		sockets.add(socket);
		socket.on('data', (chunk: Buffer) => {
			// A few lines are expected; a flood is not kept.
			if (log.length < 64 * 1024) {
				log += chunk.toString('latin1');
			}
		});
		socket.on('error', () => undefined);
	});
	const listening = await new Promise<boolean>(resolve => {
		server.once('error', () => resolve(false));
		server.listen(path.join(folder, 'log.sock'), () => resolve(true));
	});
	if (!listening) {
		return undefined;
	}

	try {
		const name = host.check.qualifiedAs ?? privateHostName(host.check, preferredName);
		const child = spawn(host.unshare, ['--mount', '--propagation', 'private', '--uts', '/bin/sh', '-c', SCRIPT, 'sh', folder, name, program, '-C', cfPath, '-O', 'LogLevel=14', '-bs'], {stdio: ['pipe', 'pipe', 'ignore'], detached: true});
		stopWithRun(child);
		const kill = () => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// Already gone.
			}
		};

		await new Promise<void>(resolve => {
			const timer = setTimeout(() => {
				kill();
				resolve();
			}, timeoutMs);
			let said = '';
			child.stdout.on('data', (chunk: Buffer) => {
				said += chunk.toString('latin1');
				// TLS is set up (or not) before the greeting: once it is there, the session can end.
				if (/^(?:220|421|554)[ -]/m.test(said) && !child.stdin.destroyed) {
					child.stdin.end('QUIT\r\n');
				}
			});
			child.stdin.on('error', () => undefined);
			child.once('error', () => {
				clearTimeout(timer);
				resolve();
			});
			child.once('close', () => {
				clearTimeout(timer);
				resolve();
			});
		});
	} finally {
		for (const socket of sockets) {
			socket.destroy();
		}

		await new Promise<void>(resolve => {
			server.close(() => resolve());
		});
	}

	return starttlsReason(log);
}
