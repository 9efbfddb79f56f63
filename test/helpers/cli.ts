import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {sendmailWrapper} from './sendmail.js';
import './state-dir.js';

export const cliPath = path.resolve('dist/cli.js');

/**
 * Builds dist/ only when it is not a build of the files as they are now (scripts/build-inputs.js):
 * a test file run on its own tests the current code, and under scripts/run-tests.js (which brings
 * dist/ up to date before it starts any file) nothing rewrites dist/ under the CLI runs of the
 * files running beside this one.
 */
export function ensureBuilt(): void {
	const built = spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], {cwd: path.resolve(import.meta.dirname, '../..'), encoding: 'utf8'});
	assert.equal(built.status, 0, built.stderr);
}

export type CliRun = {status: number | null; stdout: string; stderr: string};

/** Runs a program with no TTY on stdin and collects what it prints. */
export async function runProgram(command: string, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<CliRun> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => {
			stdout += chunk;
		});
		child.stderr.on('data', chunk => {
			stderr += chunk;
		});
		child.on('error', reject);
		child.on('close', status => {
			resolve({status, stdout, stderr});
		});
	});
}

/**
 * Runs the built CLI (npm test builds it first) with no TTY on stdin, as CI and scripts do.
 * sendmail's config check goes through the UTS wrapper so it does not wait 60 s.
 */
export async function runCli(args: string[], options: {env?: NodeJS.ProcessEnv} = {}): Promise<CliRun> {
	return runProgram(process.execPath, [cliPath, ...args], {env: {...process.env, SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper, ...options.env}});
}

/** A temp folder holding a copy of the bundled Debian config and its help file, wired together. */
export function copyDemoConfig(): {folder: string; cfPath: string; helpPath: string} {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-test-'));
	const helpPath = path.join(folder, 'helpfile');
	const cfPath = path.join(folder, 'sendmail.cf');
	cpSync('source/demo/helpfile', helpPath);
	const cf = readFileSync('source/demo/sendmail.cf', 'latin1').replace('O HelpFile=/etc/mail/helpfile', `O HelpFile=${helpPath}`);
	writeFileSync(cfPath, Buffer.from(cf, 'latin1'));
	return {folder, cfPath, helpPath};
}
