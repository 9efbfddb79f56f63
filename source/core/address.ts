/**
 * host:port as the admin reads it and as SMTP tools take it: an IPv6 address in brackets
 * ([::1]:25), since its own colons would otherwise run into the port's. Every address the
 * product prints comes from here.
 */
export function addressText(address: {host: string; port: number}): string {
	return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
