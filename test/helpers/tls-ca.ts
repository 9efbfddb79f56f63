// A test CA and a server certificate it signs, made with openssl in a test's own folder: the
// certificate a well set-up server has (its own subject, a short life, the issuer in CACertFile),
// beside the self-signed one of Debian's update_tls (tls-fixture.ts).
import {execFileSync} from 'node:child_process';
import {chmodSync} from 'node:fs';
import path from 'node:path';

export type CaSignedFiles = {folder: string; caCert: string; cert: string; key: string};

const openssl = (args: readonly string[], cwd: string) => execFileSync('openssl', args, {cwd, stdio: ['ignore', 'pipe', 'pipe']});

/** A CA (self-signed, 1 year) and a server key and certificate it signs (`subject`, `days`); the key root-only. */
export function makeCaSignedFiles(folder: string, {subject = '/CN=mail.test.example', days = 90} = {}): CaSignedFiles {
	const files = {folder, caCert: path.join(folder, 'test-ca.crt'), cert: path.join(folder, 'server.crt'), key: path.join(folder, 'server.key')};
	const caKey = path.join(folder, 'test-ca.key');
	const request = path.join(folder, 'server.csr');
	openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-subj', '/O=Test CA/CN=Test CA', '-days', '365', '-out', files.caCert], folder);
	openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', files.key, '-subj', subject, '-out', request], folder);
	openssl(['x509', '-req', '-in', request, '-CA', files.caCert, '-CAkey', caKey, '-CAcreateserial', '-days', String(days), '-out', files.cert], folder);
	chmodSync(files.key, 0o600);
	chmodSync(files.cert, 0o644);
	chmodSync(files.caCert, 0o644);
	return files;
}
