// Where a client stands as the server sees it. A check from the server's own host is privileged,
// whatever address it binds: sendmail lets the host's own addresses relay, and Debian's access map
// gives 127/8 RELAY, no greet pause and no rate limit. Only a client elsewhere meets the server as
// an outsider does.
import net from 'node:net';
import os from 'node:os';
import type {Vantage} from '../core/verify-checks.js';

/** The addresses of this host's interfaces, as os.networkInterfaces() gives them. */
export function ownAddresses(): string[] {
	return Object.values(os.networkInterfaces()).flatMap(entries => (entries ?? []).map(entry => entry.address));
}

/** "::ffff:127.0.0.1" is 127.0.0.1; a zone ("fe80::1%eth0") is left off. */
function plain(address: string): string {
	const bare = address.replace(/%.*$/, '').toLowerCase();
	return bare.startsWith('::ffff:') && net.isIPv4(bare.slice(7)) ? bare.slice(7) : bare;
}

export function isLoopback(address: string): boolean {
	const bare = plain(address);
	return bare === '::1' || (net.isIPv4(bare) && bare.startsWith('127.'));
}

/** 'this host' for loopback and the host's own addresses; 'outside' for any other. */
export function vantageOf(address: string, own: readonly string[] = ownAddresses()): Vantage {
	const bare = plain(address);
	const mine = isLoopback(bare) || own.some(entry => plain(entry) === bare);
	return {kind: mine ? 'this host' : 'outside', address: bare};
}

/** A valid --from: one IPv4 or IPv6 address; undefined when valid, else the one-line problem. */
export function fromProblem(text: string): string | undefined {
	return net.isIP(text) === 0 ? `--from must be an IPv4 or IPv6 address such as 198.51.100.7, not "${text}"` : undefined;
}
