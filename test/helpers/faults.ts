// Bad days for the write path: a small tmpfs to fill up, a read-only remount, a victim file
// outside the config folder that no attack may change.
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, symlinkSync, unlinkSync, writeFileSync, writeSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {TestContext} from 'node:test';

/** Mounts a tmpfs of `size` (e.g. "512k") on a fresh folder, unmounted after the test; undefined (test skipped) when mounting is impossible. */
export function mountTmpfs(t: TestContext, size: string): string | undefined {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-tmpfs-'));
	const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], {encoding: 'utf8'});
	if (mounted.status !== 0) {
		rmSync(dir, {recursive: true, force: true});
		// Only root with CAP_SYS_ADMIN mounts; CI runs as root, so there these tests run.
		t.skip(`cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || '').trim()}): the disk-full tests need root`);
		return undefined;
	}

	t.after(() => {
		spawnSync('umount', ['-l', dir]);
		rmSync(dir, {recursive: true, force: true});
	});
	return dir;
}

export function remount(dir: string, mode: 'ro' | 'rw'): void {
	const run = spawnSync('mount', ['-o', `remount,${mode}`, dir], {encoding: 'utf8'});
	if (run.status !== 0) {
		throw new Error(`cannot remount ${dir} ${mode}: ${run.stderr}`);
	}
}

export const freeBytes = (dir: string) => {
	const stat = statfsSync(dir);
	return stat.bavail * stat.bsize;
};

/** Fills the file system of `dir` until `free` bytes (rounded down to pages) are left, with a file named filler. */
export function fillTo(dir: string, free: number): void {
	const filler = path.join(dir, 'filler');
	rmSync(filler, {force: true});
	const fd = openSync(filler, 'w');
	try {
		const chunk = Buffer.alloc(4096, 0x61);
		while (freeBytes(dir) > free) {
			writeSync(fd, chunk, 0, Math.min(chunk.length, freeBytes(dir) - free));
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') {
			throw error;
		}
	} finally {
		closeSync(fd);
	}
}

export const hashOf = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A file outside every config folder, standing for /etc/passwd: no attack may change it. */
export function makeVictim(): string {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-victim-'));
	const victim = path.join(folder, 'passwd');
	writeFileSync(victim, 'root:x:0:0:root:/root:/bin/bash\n');
	return victim;
}

/**
 * Turns `file` (a config or help file) into a symbolic link to a victim outside the config folder
 * that holds its bytes; no run may change the victim, whose hash this returns.
 */
export function linkToVictim(file: string): {victim: string; victimHash: string} {
	const victim = makeVictim();
	writeFileSync(victim, readFileSync(file));
	const victimHash = hashOf(victim);
	unlinkSync(file);
	symlinkSync(victim, file);
	return {victim, victimHash};
}

/** The bundled config and help file in `folder`, wired together. */
export function placeDemoConfig(folder: string): {cfPath: string; helpPath: string} {
	mkdirSync(folder, {recursive: true});
	const helpPath = path.join(folder, 'helpfile');
	const cfPath = path.join(folder, 'sendmail.cf');
	cpSync('source/demo/helpfile', helpPath);
	const cf = readFileSync('source/demo/sendmail.cf', 'latin1').replace('O HelpFile=/etc/mail/helpfile', `O HelpFile=${helpPath}`);
	writeFileSync(cfPath, Buffer.from(cf, 'latin1'));
	return {cfPath, helpPath};
}

/** Control characters other than tab and newline, C1 included: none may reach a terminal raw. */
export const RAW_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
