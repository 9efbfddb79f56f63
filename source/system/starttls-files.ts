// Looks at the files a config's STARTTLS needs and says, in sendmail's own log words, why sendmail
// would serve no STARTTLS with them (or nothing when it would). sendmail itself says it only to
// syslog, and the client merely sees no STARTTLS in EHLO.
import {createPrivateKey, X509Certificate} from 'node:crypto';
import {constants} from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {readStarttlsOptions, starttlsFilePaths, starttlsFileProblem, type FileFacts, type PathFacts, type SendmailIdentity} from '../core/starttls-files.js';

// A certificate chain or a key is a few KiB; a file beyond this is not one sendmail would load.
const MAX_BYTES = 1024 * 1024;

async function statFacts(file: string): Promise<PathFacts> {
	try {
		const info = await fs.stat(file);
		return {kind: info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other', mode: info.mode & 0o7777, uid: info.uid, gid: info.gid};
	} catch (error) {
		return {error: (error as NodeJS.ErrnoException).code ?? 'EIO'};
	}
}

/** stat(2) of the file and of every folder on its path, from / down (symbolic links followed). */
export async function fileFacts(file: string): Promise<FileFacts> {
	const folders: Array<{path: string; facts: PathFacts}> = [];
	const parts = path.dirname(file).split('/').filter(part => part !== '');
	for (let index = 0; index <= parts.length; index++) {
		const folder = `/${parts.slice(0, index).join('/')}`;
		folders.push({path: folder, facts: await statFacts(folder)});
	}

	return {path: file, file: await statFacts(file), folders};
}

/** A user's uid and gid from /etc/passwd (a number stands for itself); undefined when unknown. */
async function lookUpUser(user: string | undefined): Promise<{uid: number; gid?: number} | undefined> {
	if (user === undefined) {
		return undefined;
	}

	if (/^\d+$/.test(user)) {
		return {uid: Number(user)};
	}

	try {
		const passwd = await fs.readFile('/etc/passwd', 'utf8');
		const fields = passwd.split('\n').map(line => line.split(':')).find(entry => entry[0] === user);
		return fields === undefined ? undefined : {uid: Number(fields[2]), gid: Number(fields[3])};
	} catch {
		return undefined;
	}
}

async function readBounded(file: string): Promise<Buffer | undefined> {
	try {
		// O_NONBLOCK: a FIFO swapped in after the checks must not hold the open; fstat then refuses it.
		const handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
		try {
			if (!(await handle.stat()).isFile()) {
				return undefined;
			}

			const buffer = Buffer.alloc(MAX_BYTES + 1);
			const {bytesRead} = await handle.read(buffer, 0, buffer.length, 0);
			return bytesRead > MAX_BYTES ? undefined : buffer.subarray(0, bytesRead);
		} finally {
			await handle.close();
		}
	} catch {
		return undefined;
	}
}

/**
 * After the file checks, what OpenSSL would refuse as sendmail loads them: a key it cannot read,
 * a certificate it cannot read, or a key that does not match the certificate (in that order, as
 * inittls loads them), in the words sendmail logs.
 */
async function loadProblem(certFile: string, keyFile: string): Promise<string | undefined> {
	const keyBytes = await readBounded(keyFile);
	let key;
	try {
		key = createPrivateKey(keyBytes ?? Buffer.alloc(0));
	} catch {
		return `STARTTLS=server, error: SSL_CTX_use_PrivateKey_file(${keyFile}) failed`;
	}

	let certificate;
	try {
		certificate = new X509Certificate((await readBounded(certFile)) ?? Buffer.alloc(0));
	} catch {
		return `STARTTLS=server, error: SSL_CTX_use_certificate_file(${certFile}) failed`;
	}

	return certificate.checkPrivateKey(key) ? undefined : `STARTTLS=server, error: SSL_CTX_check_private_key failed(${keyFile}): 0`;
}

/**
 * Why sendmail would not offer STARTTLS with this config's files, in its own log words (e.g.
 * "STARTTLS=server: file /etc/mail/tls/x.crt unsafe: No such file or directory"), or undefined
 * when they pass its checks. Only for a config that names a ServerCertFile.
 */
export async function starttlsProblem(cfText: string): Promise<string | undefined> {
	const options = readStarttlsOptions(cfText);
	const facts = new Map<string, FileFacts>();
	for (const file of starttlsFilePaths(options)) {
		facts.set(file, await fileFacts(file));
	}

	const runAs = await lookUpUser(options.runAsUser);
	const trusted = await lookUpUser(options.trustedUser);
	const identity: SendmailIdentity = {uid: runAs?.uid ?? 0, ...(runAs?.gid === undefined ? {} : {gid: runAs.gid}), ...(trusted === undefined ? {} : {trustedUid: trusted.uid})};
	const problem = starttlsFileProblem(options, facts, identity);
	if (problem !== undefined) {
		return problem;
	}

	return loadProblem(options.serverCertFile!.split(',')[0]!, options.serverKeyFile!.split(',')[0]!);
}
