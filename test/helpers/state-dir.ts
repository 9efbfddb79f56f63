// Each test file's own state and config folders: backup records and locks go to a private state
// folder, never /var/lib/sendmail-harden, and presets to a private XDG_CONFIG_HOME, never the
// user's. scripts/run-tests.js loads this in every test file's process (--import), so test files
// that run at the same time never share a lock (each would wait LOCK_WAIT_MS for the other's) or a
// presets store; a test file run on its own that imports it gets the same. A state folder given
// from outside (SENDMAIL_HARDEN_STATE_DIR) is kept and shared.
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];
const folder = (prefix: string) => {
	const made1 = mkdtempSync(path.join(os.tmpdir(), prefix));
	made.push(made1);
	return made1;
};

// Not in the test runner's own process (`node --test`, which also loads this), and not again in a
// process a test started: that one keeps the folders its test gave it.
if (!process.execArgv.includes('--test') && process.env['SENDMAIL_HARDEN_TEST_ISOLATED'] === undefined) {
	process.env['SENDMAIL_HARDEN_TEST_ISOLATED'] = '1';
	process.env['SENDMAIL_HARDEN_STATE_DIR'] ??= folder('sendmail-harden-state-');
	process.env['XDG_CONFIG_HOME'] = folder('sendmail-harden-xdg-');
	process.on('exit', () => {
		for (const made1 of made) {
			rmSync(made1, {recursive: true, force: true});
		}
	});
}
