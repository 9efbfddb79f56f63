// STARTTLS set up the way Debian's own update_tls does it, in a test's own folder: a 2048-bit RSA
// key, a self-signed certificate naming "O=Sendmail, OU=Sendmail Server" valid for 10 years, and DH
// parameters made with `openssl dhparam -dsaparam` (a group that is not a safe prime). The cf gets
// what /etc/mail/tls/starttls.m4 adds to Debian's .mc; the .mc includes a copy of that file with
// its paths pointing at the folder, so both modes start from the same set-up.
import {execFileSync} from 'node:child_process';
import {chmodSync, chownSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {copyDebianMcPair} from './debian-mc.js';

export type TlsFiles = {
	readonly folder: string;
	readonly cert: string;
	readonly key: string;
	readonly clientCert: string;
	readonly dhParameters: string;
};

const openssl = (args: readonly string[]) => execFileSync('openssl', args, {stdio: ['ignore', 'pipe', 'pipe']});

let dhParameters: Buffer | undefined;

/**
 * DH parameters as update_tls makes them (`openssl dsaparam 2048`, then `openssl dhparam -dsaparam`
 * appended): made once per test process, as the prime search can take seconds on a busy machine.
 */
function debianDhParameters(): Buffer {
	if (dhParameters === undefined) {
		const dsa = openssl(['dsaparam', '2048']);
		const dh = execFileSync('openssl', ['dhparam', '-dsaparam'], {input: dsa, stdio: ['pipe', 'pipe', 'pipe']});
		dhParameters = Buffer.concat([dsa, dh]);
	}

	return dhParameters;
}

/** Debian's mail group, which update_tls gives the key and certificates; root where it is missing. */
function mailGroup(): number {
	try {
		return Number(execFileSync('getent', ['group', 'smmsp'], {encoding: 'utf8'}).split(':')[2]);
	} catch {
		return 0;
	}
}

/**
 * A key, a server and a client certificate and DH parameters in `folder`, as update_tls makes them
 * (owners and modes too: root:smmsp, key 0640, certificates 0644). `subject` replaces the
 * certificate's subject, e.g. to test one that does not name Sendmail.
 */
export function makeDebianTlsFiles(folder: string, {subject = '/O=Sendmail/OU=Sendmail Server/CN=mail.test.example', days = 3650} = {}): TlsFiles {
	const files: TlsFiles = {
		folder,
		cert: path.join(folder, 'sendmail-server.crt'),
		key: path.join(folder, 'sendmail-common.key'),
		clientCert: path.join(folder, 'sendmail-client.crt'),
		dhParameters: path.join(folder, 'sendmail-common.prm'),
	};
	openssl(['genrsa', '-out', files.key, '2048']);
	openssl(['req', '-new', '-x509', '-key', files.key, '-subj', subject, '-days', String(days), '-out', files.cert]);
	openssl(['req', '-new', '-x509', '-key', files.key, '-subj', subject.replace('Sendmail Server', 'Sendmail Client'), '-days', String(days), '-out', files.clientCert]);
	writeFileSync(files.dhParameters, debianDhParameters());
	const group = mailGroup();
	for (const [file, mode] of [[files.key, 0o640], [files.dhParameters, 0o640], [files.cert, 0o644], [files.clientCert, 0o644]] as const) {
		chownSync(file, 0, group);
		chmodSync(file, mode);
	}

	return files;
}

/** The lines starttls.m4 adds to Debian's cf (its DontBlameSendmail change aside), for these files. */
export function starttlsCfLines(files: TlsFiles): string {
	return [
		'O Timeout.starttls=2m',
		'O TLSSrvOptions=V',
		'O CACertPath=/etc/ssl/certs',
		`O CACertFile=${files.cert}`,
		`O ServerCertFile=${files.cert}`,
		`O ServerKeyFile=${files.key}`,
		`O ClientCertFile=${files.clientCert}`,
		`O ClientKeyFile=${files.key}`,
		`O DHParameters=${files.dhParameters}`,
		'',
	].join('\n');
}

/**
 * A cf with STARTTLS: `cfText` with the lines of starttlsCfLines after its last option line, and
 * GroupReadableKeyFile added to DontBlameSendmail (as starttls.m4 does: the key is group-readable).
 */
export function withStarttls(cfText: string, files: TlsFiles): string {
	const lines = cfText.split('\n');
	let last = -1;
	for (const [index, line] of lines.entries()) {
		if (line.startsWith('O ')) {
			last = index;
		}
	}

	lines.splice(last + 1, 0, starttlsCfLines(files).trimEnd());
	const text = lines.join('\n');
	return /^O DontBlameSendmail=/m.test(text)
		? text.replace(/^(O DontBlameSendmail=.*)$/m, '$1,GroupReadableKeyFile')
		: text.replace(starttlsCfLines(files).trimEnd(), `O DontBlameSendmail=GroupReadableKeyFile\n${starttlsCfLines(files).trimEnd()}`);
}

/**
 * Debian's .mc and .cf pair (copyDebianMcPair) with STARTTLS as an admin sets it up on Debian: the
 * .mc includes starttls.m4 (a copy whose paths point at the folder's own files) and the cf is m4's
 * build of it.
 */
export function debianStarttlsPair(parent: string): ReturnType<typeof copyDebianMcPair> & {files: TlsFiles; starttlsM4: string} {
	const pair = copyDebianMcPair(parent);
	const files = makeDebianTlsFiles(pair.folder);
	const starttlsM4 = path.join(pair.folder, 'starttls.m4');
	writeFileSync(starttlsM4, readFileSync('/etc/mail/tls/starttls.m4', 'latin1').replaceAll('/etc/mail/tls/', `${pair.folder}/`), 'latin1');
	const mc = readFileSync(pair.mcPath, 'latin1').replace(/^MAILER\(`local'\)/m, `include(\`${starttlsM4}')dnl\n$&`);
	writeFileSync(pair.mcPath, mc, 'latin1');
	writeFileSync(pair.cfPath, execFileSync('m4', [pair.mcPath], {cwd: pair.folder}));
	return {...pair, files, starttlsM4};
}
