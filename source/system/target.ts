import {existsSync, rmSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {HelpFileState, TlsFileState} from '../core/plan.js';
import type {AccessMapState} from '../core/access-map.js';
import {readAccessMap} from './access-map.js';
import {fail, ok, type Result} from '../core/result.js';
import {recognizeSendmailCf} from '../core/recognize-cf.js';
import {setOption} from '../core/sendmail-cf.js';
import {readDhFile, readHelpFile, readTextFile, toBytes} from './read-files.js';
import {readDemoFile} from './launcher-host.js';
import {configStateFolderPath} from './state-folder.js';

export const DEFAULT_CONFIG = '/etc/mail/sendmail.cf';

/** The config the tool works on, as read from disk. */
export type Target = {
	cfPath: string;
	cfText: string;
	helpFile: HelpFileState;
	/** The access map's source the cf names (Kaccess), for the per-client limits; absent: not read. */
	access?: AccessMapState;
	/** The file tlsDhParameters writes beside the certificate; absent where STARTTLS is not set up. */
	dhFile?: TlsFileState;
	/** True when working on a temporary copy of the bundled sample. */
	demo: boolean;
};

/** The bundled sample (Debian's sendmail.cf as m4 builds it, and its help file). */
export function demoFolder(): string {
	// Works from source/system/ (tests) and from the bundle in dist/.
	let folder = path.dirname(fileURLToPath(import.meta.url));
	while (!existsSync(path.join(folder, 'package.json'))) {
		const parent = path.dirname(folder);
		if (parent === folder) {
			throw new Error('cannot find the package folder for the bundled demo config');
		}

		folder = parent;
	}

	return path.join(folder, 'source', 'demo');
}

/** The demo copies this run made, removed when it ends, however it ends. */
const demoCopies = new Set<string>();
let removedAtExit = false;

function removeDemoFolder(folder: string): void {
	demoCopies.delete(folder);
	rmSync(folder, {recursive: true, force: true});
	// The records of changes made to the copy: no later run could reach them (each copy has its own name).
	rmSync(configStateFolderPath(path.join(folder, 'sendmail.cf')), {recursive: true, force: true});
}

/**
 * Removes every demo copy this run made. Synchronous, so that it runs from the 'exit' event,
 * which process.exit (the stop handlers of SIGINT, SIGTERM and SIGHUP, stop-signals.ts) and an
 * uncaught error go through too: a dropped SSH session leaves nothing in $TMPDIR.
 */
export function removeDemoCopies(): void {
	for (const folder of demoCopies) {
		removeDemoFolder(folder);
	}
}

async function copyDemo(): Promise<string> {
	if (!removedAtExit) {
		removedAtExit = true;
		process.once('exit', removeDemoCopies);
	}

	// The pid in the name lets a later run remove the copy of one killed with SIGKILL (journal.ts removeDeadRunsLeftovers).
	const folder = await fs.mkdtemp(path.join(os.tmpdir(), `sendmail-harden-demo-${process.pid}_`));
	demoCopies.add(folder);
	const helpPath = path.join(folder, 'helpfile');
	const cfPath = path.join(folder, 'sendmail.cf');
	// 0644 whatever the umask (002 on Ubuntu): a group-writable copy would fail the trust rule.
	await fs.writeFile(helpPath, await readDemoFile('helpfile', demoFolder), {flag: 'wx', mode: 0o644});
	const sample = (await readDemoFile('sendmail.cf', demoFolder)).toString('latin1');
	// The copy's HelpFile must be the copied help file, not the host's.
	await fs.writeFile(cfPath, toBytes(setOption(sample, 'HelpFile', helpPath).text), {flag: 'wx', mode: 0o644});
	return cfPath;
}

/** Removes a demo copy (the temporary folder loadTarget made) as soon as it is done with; any other target is left alone. */
export async function removeDemoCopy(target: Target): Promise<void> {
	const folder = path.dirname(target.cfPath);
	if (target.demo && demoCopies.has(folder)) {
		removeDemoFolder(folder);
	}
}

/**
 * Reads a sendmail.cf: a regular file of at most 4 MiB that is a sendmail.cf (recognize-cf.ts).
 * Anything else is one line that quotes none of the file. Every command that takes --config
 * reads it through here.
 */
export async function readSendmailCf(cfPath: string): Promise<Result<string>> {
	const cfText = await readTextFile(cfPath);
	if (!cfText.ok) {
		// A file refused by the trust rule is the right one: its line already says how to fix it.
		return cfText.error.includes(' is not trusted: ') ? cfText : fail(`${cfText.error}; give the sendmail config with --config PATH`);
	}

	const recognized = recognizeSendmailCf(cfText.value);
	if (!recognized.ok) {
		return fail(`${cfPath} is not a sendmail.cf: ${recognized.error}; nothing was changed. Give the sendmail.cf with --config PATH`);
	}

	return cfText;
}

/**
 * Reads the config named by --config, or /etc/mail/sendmail.cf, or, when neither
 * is given nor there, a fresh copy of the bundled sample (demo mode). A null
 * defaultConfig (--demo) goes straight to the sample.
 */
export async function loadTarget(configFlag: string | undefined, defaultConfig: string | null = DEFAULT_CONFIG): Promise<Result<Target>> {
	let demo = false;
	let cfPath: string;
	if (configFlag !== undefined) {
		cfPath = path.resolve(configFlag);
	} else if (defaultConfig !== null && existsSync(defaultConfig)) {
		cfPath = defaultConfig;
	} else {
		cfPath = await copyDemo();
		demo = true;
	}

	const cfText = await readSendmailCf(cfPath);
	if (!cfText.ok) {
		return cfText;
	}

	const helpFile = await readHelpFile(cfPath, cfText.value);
	if (!helpFile.ok) {
		return helpFile;
	}

	// The demo's copy names the host's access map: it is never edited from a demo.
	const access: AccessMapState = demo ? {path: '', problem: 'the demo does not edit the host\'s access map'} : await readAccessMap(cfText.value);
	const dhFile = await readDhFile(cfPath, cfText.value);
	return ok({cfPath, cfText: cfText.value, helpFile: helpFile.value, access, ...(dhFile === undefined ? {} : {dhFile}), demo});
}
