// Judging a DH parameters file as DHParameters names it: the group's prime must be safe ((p-1)/2
// prime too) and of 2048 bits or more. Debian's update_tls makes DSA-style parameters
// ("openssl dhparam -dsaparam"), whose prime is not safe: nmap's ssl-dh-params reports that group.
// Pure: the text in, a verdict out (OpenSSL's own DH_check through node:crypto does the arithmetic).
import {createDiffieHellman} from 'node:crypto';
import {FFDHE2048_PEM} from './ffdhe.js';

export type DhVerdict =
	| {ok: true; bits: number; safePrime: boolean; generatorSuitable: boolean; named?: 'ffdhe2048'}
	| {ok: false; error: string};

// DH_check's flags (openssl/dh.h), as node's verifyError reports them.
const DH_CHECK_P_NOT_PRIME = 0x01;
const DH_CHECK_P_NOT_SAFE_PRIME = 0x02;
const DH_NOT_SUITABLE_GENERATOR = 0x08;

/** The DER of the first "DH PARAMETERS" or "X9.42 DH PARAMETERS" block, where sendmail's PEM_read_bio_DHparams finds it. */
function firstDhBlock(text: string): Buffer | undefined {
	const match = /-----BEGIN (?:X9\.42 )?DH PARAMETERS-----([\s\S]*?)-----END (?:X9\.42 )?DH PARAMETERS-----/.exec(text);
	return match === null ? undefined : Buffer.from(match[1]!.replaceAll(/\s/g, ''), 'base64');
}

/** Reads a DER length at `at`: [length, where the content starts]. */
function derLength(der: Buffer, at: number): [number, number] {
	const first = der[at]!;
	if (first < 0x80) {
		return [first, at + 1];
	}

	const count = first & 0x7f;
	let length = 0;
	for (let index = 0; index < count; index++) {
		length = (length * 256) + der[at + 1 + index]!;
	}

	return [length, at + 1 + count];
}

/** The first two INTEGERs of the SEQUENCE (p and g in both PKCS#3 and X9.42 parameters). */
function primeAndGenerator(der: Buffer): {p: Buffer; g: Buffer} | undefined {
	if (der[0] !== 0x30) {
		return undefined;
	}

	let [, at] = derLength(der, 1);
	const integers: Buffer[] = [];
	while (integers.length < 2 && at < der.length) {
		if (der[at] !== 0x02) {
			return undefined;
		}

		const [length, start] = derLength(der, at + 1);
		integers.push(der.subarray(start, start + length));
		at = start + length;
	}

	return integers.length === 2 ? {p: integers[0]!, g: integers[1]!} : undefined;
}

const bitLength = (value: Buffer) => {
	const bytes = value[0] === 0 ? value.subarray(1) : value;
	return bytes.length === 0 ? 0 : ((bytes.length - 1) * 8) + bytes[0]!.toString(2).length;
};

const FFDHE2048_PRIME = primeAndGenerator(firstDhBlock(FFDHE2048_PEM)!)!.p;

/** What the group in a DH parameters file is. */
export function judgeDhParameters(text: string): DhVerdict {
	const der = firstDhBlock(text);
	const group = der === undefined ? undefined : primeAndGenerator(der);
	if (group === undefined) {
		return {ok: false, error: 'no DH PARAMETERS block sendmail could read'};
	}

	const bits = bitLength(group.p);
	const named = group.p.equals(FFDHE2048_PRIME) ? {named: 'ffdhe2048' as const} : {};
	try {
		const {verifyError} = createDiffieHellman(group.p, group.g);
		return {
			ok: true,
			bits,
			safePrime: (verifyError & (DH_CHECK_P_NOT_PRIME | DH_CHECK_P_NOT_SAFE_PRIME)) === 0,
			generatorSuitable: (verifyError & DH_NOT_SUITABLE_GENERATOR) === 0,
			...named,
		};
	} catch (error) {
		return {ok: false, error: `OpenSSL cannot use the group (${(error as Error).message})`};
	}
}
