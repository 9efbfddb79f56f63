import {spawnSync} from 'node:child_process';
import {chmodSync, chownSync, copyFileSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {buildCfFromMc} from '../../source/system/mc-rebuild.js';
import {copyDebianMcPair} from './debian-mc.js';

const uidOf = (name: string, file: string) => Number(readFileSync(file, 'latin1').split('\n').find(line => line.startsWith(`${name}:`))?.split(':')[2] ?? 0);

/**
 * Debian's .mc and .cf pair (copyDebianMcPair) with an access map of its own: a copy of
 * /etc/mail/access beside them (root 0600, as Debian's), both files' access map pointed at it
 * (FEATURE(`access_db') in the .mc, the Kaccess line in the .cf, so they still agree), and its .db
 * built as Debian's Makefile does (makemap hash, then smmta:smmsp 0640). /etc/mail is never written.
 */
export function copyDebianAccessPair(parent: string): {folder: string; mcPath: string; cfPath: string; helpPath: string; accessPath: string; dbPath: string} {
	const pair = copyDebianMcPair(parent);
	const accessPath = path.join(pair.folder, 'access');
	const dbPath = `${accessPath}.db`;
	copyFileSync('/etc/mail/access', accessPath);
	chmodSync(accessPath, 0o600);
	const mc = readFileSync(pair.mcPath, 'latin1').replace(/^FEATURE\(`access_db'.*$/m, `FEATURE(\`access_db', \`hash -T<TMPF> ${accessPath}', \`skip')dnl`);
	const cf = readFileSync(pair.cfPath, 'latin1').replace(/^Kaccess .*$/m, `Kaccess hash -T<TMPF> ${accessPath}`);
	writeFileSync(pair.mcPath, mc, 'latin1');
	writeFileSync(pair.cfPath, cf, 'latin1');
	buildAccessDb(accessPath);
	return {...pair, accessPath, dbPath};
}

/** makemap hash ACCESS < ACCESS, owned smmta:smmsp 0640 as Debian leaves it. */
export function buildAccessDb(accessPath: string): void {
	const made = spawnSync('makemap', ['hash', accessPath], {input: readFileSync(accessPath)});
	if (made.status !== 0) {
		throw new Error(`makemap failed: ${made.stderr.toString()}`);
	}

	chownSync(`${accessPath}.db`, uidOf('smmta', '/etc/passwd'), uidOf('smmsp', '/etc/group'));
	chmodSync(`${accessPath}.db`, 0o640);
}

/**
 * The pair with these FEATUREs taken out of its .mc, and its .cf built again from it the way the
 * tool builds one (plain m4, no Makefile in the folder), so the two still agree.
 */
export async function withoutFeatures(pair: {mcPath: string; cfPath: string}, features: readonly string[]): Promise<void> {
	const mc = readFileSync(pair.mcPath, 'latin1').replace(new RegExp(`^FEATURE\\(\`(?:${features.join('|')})'.*\\n`, 'gm'), '');
	writeFileSync(pair.mcPath, mc, 'latin1');
	const cf = await buildCfFromMc(mc, pair.mcPath, {});
	if (!cf.ok) {
		throw new Error(cf.error);
	}

	writeFileSync(pair.cfPath, cf.value, 'latin1');
}
