// What the program's entry (scripts/launcher.cjs: dist/cli.js and the single executable) gives the
// bundle: the files it carries (in the single executable they are assets, not files on disk) and a
// call for when the first screen is drawn. Absent when the source runs directly (tests through tsx).
import fs from 'node:fs/promises';
import path from 'node:path';

type LauncherHost = {
	readAsset(name: string): Buffer;
	firstScreen(): void;
};

const host = (globalThis as Record<symbol, LauncherHost | undefined>)[Symbol.for('sendmail-harden.launcher')];

/** A file of the bundled sample (source/demo in the package). */
export async function readDemoFile(name: 'sendmail.cf' | 'helpfile', demoFolder: () => string): Promise<Buffer> {
	return host === undefined ? fs.readFile(path.join(demoFolder(), name)) : host.readAsset(`demo/${name}`);
}

/** Tells the launcher the first screen is on the terminal (it keeps the compiled code then). */
export function firstScreenShown(): void {
	host?.firstScreen();
}
