// An openssl.cnf that lets OpenSSL 3 speak TLS 1.0 and 1.1 again (MinProtocol TLSv1, SECLEVEL=0):
// Debian's OpenSSL refuses them by its defaults alone, so a test that shows sendmail's own refusal
// runs the daemon and the client under this file (OPENSSL_CONF) to take those defaults away.
import {writeFileSync} from 'node:fs';
import path from 'node:path';

/** Writes the file into `folder` and returns its path, for OPENSSL_CONF. */
export function legacyOpensslConf(folder: string): string {
	const file = path.join(folder, 'openssl-legacy.cnf');
	writeFileSync(file, [
		'openssl_conf = openssl_init',
		'[openssl_init]',
		'ssl_conf = ssl_sect',
		'[ssl_sect]',
		'system_default = system_default_sect',
		'[system_default_sect]',
		'MinProtocol = TLSv1',
		'CipherString = DEFAULT@SECLEVEL=0',
		'',
	].join('\n'), {mode: 0o644});
	return file;
}
