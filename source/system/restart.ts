import net from 'node:net';

export const RESTART_TIMEOUT_MS = 60_000;

/**
 * Waits until something accepts connections on host:port (a restarted daemon takes a moment).
 * False when nothing does in time, or when the signal (Ctrl+C) stops the wait.
 */
export async function waitForListener(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline && signal?.aborted !== true) {
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
