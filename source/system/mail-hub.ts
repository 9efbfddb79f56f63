// Whether this host is a mail hub: the MX records of its domain (and of its own name), asked of
// the resolver the system uses (/etc/resolv.conf), name a host whose address is one of this host's.
// Such a host receives mail from other machines, so `listen: "local"` would shut it out. Asked,
// never guessed; bounded in time, and "could not tell" is said as such, not taken for "no".
import {promises as dns} from 'node:dns';
import os from 'node:os';

export type MailHubFinding =
	| {kind: 'hub'; domain: string; exchange: string; address: string}
	| {kind: 'not-hub'; domain: string; exchanges: string[]}
	| {kind: 'unknown'; domain: string | undefined; reason: string};

export type MailHubOptions = {
	/** The host's fully qualified name; its domain is the name without the first label. */
	hostName: string | undefined;
	/** The bound on the whole lookup; 5 s by default. */
	timeoutMs?: number;
	/** This host's addresses; os.networkInterfaces() by default. */
	addresses?: readonly string[];
	/** The name servers to ask; those of /etc/resolv.conf by default (tests name their own). */
	servers?: readonly string[];
};

export const MAIL_HUB_TIMEOUT_MS = 5000;

/** Every address of this host's interfaces, loopback included, without an IPv6 zone. */
export function ownAddresses(): string[] {
	return Object.values(os.networkInterfaces()).flatMap(list => (list ?? []).map(each => each.address.replace(/%.*$/, '').toLowerCase()));
}

// No record of that type, or no such name: an answer ("no MX"), not a failure.
const NO_RECORDS = new Set(['ENODATA', 'ENOTFOUND', 'NOTFOUND', 'ENONAME']);

class Unknown extends Error {}

function codeOf(error: unknown): string {
	return error !== null && typeof error === 'object' && 'code' in error ? String((error as {code: unknown}).code) : 'error';
}

async function mxOf(resolver: dns.Resolver, name: string): Promise<string[]> {
	try {
		const records = await resolver.resolveMx(name);
		return records.sort((a, b) => a.priority - b.priority).map(record => record.exchange.replace(/\.$/, '').toLowerCase());
	} catch (error) {
		if (NO_RECORDS.has(codeOf(error))) {
			return [];
		}

		throw new Unknown(`the MX lookup of ${name} failed (${codeOf(error)})`);
	}
}

async function addressesOf(name: string): Promise<string[]> {
	try {
		// getaddrinfo: /etc/hosts and DNS in the order the system's nsswitch.conf says.
		return (await dns.lookup(name, {all: true})).map(each => each.address.toLowerCase());
	} catch (error) {
		if (NO_RECORDS.has(codeOf(error))) {
			return [];
		}

		throw new Unknown(`the address lookup of ${name} failed (${codeOf(error)})`);
	}
}

/** Whether this host is the MX of its domain, asked of the system's resolver within the time bound. */
export async function checkMailHub(options: MailHubOptions): Promise<MailHubFinding> {
	const hostName = options.hostName?.replace(/\.$/, '').toLowerCase();
	if (hostName === undefined || !hostName.includes('.')) {
		return {kind: 'unknown', domain: undefined, reason: `the host name ${hostName === undefined ? 'is not known' : `"${hostName}" has no domain`}, so its MX records cannot be asked`};
	}

	const domain = hostName.slice(hostName.indexOf('.') + 1);
	const timeoutMs = options.timeoutMs ?? MAIL_HUB_TIMEOUT_MS;
	const own = new Set((options.addresses ?? ownAddresses()).map(address => address.toLowerCase()));
	const resolver = new dns.Resolver({timeout: Math.max(Math.floor(timeoutMs / 2), 1), tries: 1});
	if (options.servers !== undefined) {
		resolver.setServers([...options.servers]);
	}

	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<MailHubFinding>(resolve => {
		timer = setTimeout(() => {
			resolver.cancel();
			resolve({kind: 'unknown', domain, reason: `the resolver did not answer within ${timeoutMs / 1000} s`});
		}, timeoutMs);
		timer.unref();
	});
	const ask = async (): Promise<MailHubFinding> => {
		try {
			const exchanges = [...new Set([...await mxOf(resolver, domain), ...await mxOf(resolver, hostName)])];
			for (const exchange of exchanges) {
				const address = (await addressesOf(exchange)).find(each => own.has(each));
				if (address !== undefined) {
					return {kind: 'hub', domain, exchange, address};
				}
			}

			return {kind: 'not-hub', domain, exchanges};
		} catch (error) {
			return {kind: 'unknown', domain, reason: error instanceof Unknown ? error.message : String(error)};
		}
	};

	try {
		return await Promise.race([ask(), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** The one line that refuses "local" on a mail hub. */
export function mailHubRefusal(finding: Extract<MailHubFinding, {kind: 'hub'}>): string {
	return `listen "local" refused: this host is the mail exchanger of ${finding.domain} (its MX ${finding.exchange} is ${finding.address}, an address of this host), and "local" would refuse all mail from other machines; answer "all" or leave listen out; nothing was written`;
}

/** The warning when the lookup could not tell. */
export function mailHubUnknown(finding: Extract<MailHubFinding, {kind: 'unknown'}>): string {
	return `could not tell whether this host is its domain's mail exchanger (${finding.reason}): "local" refuses all mail from other machines, so make sure this host receives none`;
}
