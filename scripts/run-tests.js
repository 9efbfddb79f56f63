// Runs every test/**/*.test.ts(x) with node's own test runner (Node 20 has no --test globs).
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import os from 'node:os';
import {spawnSync} from 'node:child_process';
import path from 'node:path';

const only = process.argv.slice(2);
const files = readdirSync('test', {recursive: true})
	.map(String)
	.filter(name => /\.test\.tsx?$/.test(name))
	.map(name => path.join('test', name))
	.filter(file => only.length === 0 || only.some(part => file.includes(part)))
	.sort();

// Backup records and locks go to a private state folder of this run, never /var/lib/sendmail-harden.
const stateDir = process.env.SENDMAIL_HARDEN_STATE_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-state-'));
const result = spawnSync(
	process.execPath,
	['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
	{stdio: 'inherit', env: {...process.env, NODE_ENV: 'test', SENDMAIL_HARDEN_STATE_DIR: stateDir}},
);
if (process.env.SENDMAIL_HARDEN_STATE_DIR === undefined) {
	rmSync(stateDir, {recursive: true, force: true});
}

process.exit(result.status ?? 1);
