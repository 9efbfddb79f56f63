import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {runRollback} from '../../source/commands/rollback.js';
import type {JsonDocument} from '../../source/flow/json-document.js';
import type {FileChange} from '../../source/core/plan.js';
import {writeChanges} from '../../source/system/write-changes.js';
import {captureIo} from '../helpers/capture-io.js';
import {copyDemoConfig, runCli} from '../helpers/cli.js';

process.env.SENDMAIL_HARDEN_STATE_DIR = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-state-'));

/** Writes a two-file change (help file and config) through the tool's own write path. */
async function hardenedCopy(): Promise<{cfPath: string; helpPath: string; cf: Buffer; help: Buffer}> {
	const {cfPath, helpPath} = copyDemoConfig();
	const cf = readFileSync(cfPath);
	const help = readFileSync(helpPath);
	const changes: FileChange[] = [
		{role: 'helpfile', path: helpPath, before: help.toString('latin1'), after: help.toString('latin1').replace(/^smtp\tThis is sendmail version \$v\n/m, '')},
		{role: 'cf', path: cfPath, before: cf.toString('latin1'), after: cf.toString('latin1').replace('#O MaxMessageSize=0\n', '#O MaxMessageSize=0\nO MaxMessageSize=500000\n')},
	];
	const written = await writeChanges(changes, {cfPath, now: new Date('2026-12-02T08:00:00.000Z')});
	assert.ok(written.ok, written.ok ? '' : written.error);
	return {cfPath, helpPath, cf, help};
}

function parse(stdout: string): JsonDocument {
	assert.equal(stdout.trim().split('\n').at(-1), '}', 'stdout ends with the document');
	return JSON.parse(stdout) as JsonDocument;
}

test('rollback --json: one document with the set restored, the files and changed: true', async () => {
	const {cfPath, helpPath, cf, help} = await hardenedCopy();
	const io = captureIo();
	assert.equal(await runRollback({config: cfPath, json: true}, io, {findRestartPlan: async () => ({label: 'systemctl restart sendmail', command: '/bin/false', args: []})}), 0);
	assert.equal(io.stderr, '');
	const report = parse(io.stdout);
	assert.deepEqual(report, {
		command: 'rollback',
		config: cfPath,
		changed: true,
		exitCode: 0,
		meaning: 'done',
		error: null,
		backup: {
			// What `rollback --set ID` takes.
			id: '20261202T080000-000Z',
			files: [
				{path: helpPath, backup: `${helpPath}.sendmail-harden-20261202T080000-000Z.bak`},
				{path: cfPath, backup: `${cfPath}.sendmail-harden-20261202T080000-000Z.bak`},
			],
		},
		files: [{role: 'helpfile', path: helpPath}, {role: 'cf', path: cfPath}],
		// The running sendmail still has the settings rolled back: --json says so too (issue 21).
		notes: ['Restart sendmail so that it reads them again; run: systemctl restart sendmail (or add --restart)'],
		settings: [],
		diff: '',
		warnings: [],
		rehearsal: null,
		restart: {attempted: false, ok: false, command: 'systemctl restart sendmail', output: '', rolledBack: false},
		verify: null,
	});
	assert.deepEqual(readFileSync(cfPath), cf);
	assert.deepEqual(readFileSync(helpPath), help);
});

test('rollback --json with nothing to roll back: exit 2, the reason in the document and on stderr', async () => {
	const {cfPath} = copyDemoConfig();
	const io = captureIo();
	assert.equal(await runRollback({config: cfPath, json: true}, io), 2);
	const report = parse(io.stdout);
	assert.equal(report.changed, false);
	assert.equal(report.exitCode, 2);
	assert.equal(report.meaning, 'bad input');
	assert.match(report.error!, /^there is no backup of .* to roll back to/);
	assert.equal(io.stderr, `sendmail-harden: ${report.error}\n`);
	assert.equal(report.backup, null);
});

test('rollback --json refusing to drop a later edit: changed false, the set named, nothing written', async () => {
	const {cfPath} = await hardenedCopy();
	// A line sendmail reads: a comment alone would be no edit (a rebuild's build stamp is one).
	writeFileSync(cfPath, readFileSync(cfPath, 'latin1') + 'O MaxRecipientsPerMessage=5\n', 'latin1');
	const edited = readFileSync(cfPath);
	const io = captureIo();
	assert.equal(await runRollback({config: cfPath, json: true}, io), 2);
	const report = parse(io.stdout);
	assert.equal(report.changed, false);
	assert.match(report.error!, /was changed after sendmail-harden wrote it/);
	assert.equal(report.backup?.files.length, 2);
	assert.deepEqual(report.files, []);
	assert.deepEqual(readFileSync(cfPath), edited);
});

test('rollback --json keeps stdout to the document: a file name with control characters is escaped', async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-odd-'));
	const cfPath = path.join(folder, 'send\u009Bmail\u202E.cf');
	const io = captureIo();
	assert.equal(await runRollback({config: cfPath, json: true}, io), 2);
	assert.doesNotMatch(io.stdout, /[\u009B\u202E]/);
	assert.equal(parse(io.stdout).config, cfPath);
});

test('rollback without --json still prints lines', async () => {
	const {cfPath} = await hardenedCopy();
	const io = captureIo();
	assert.equal(await runRollback({config: cfPath}, io), 0);
	assert.match(io.stdout, /^Restored the files as they were before the change of 2026-12-02T08:00:00\.000Z:\n/);
});

test('the command line passes --json to rollback and verify', async () => {
	const {cfPath} = copyDemoConfig();
	const rollback = await runCli(['rollback', '--config', cfPath, '--json']);
	assert.equal(rollback.status, 2);
	assert.equal(parse(rollback.stdout).command, 'rollback');

	const verify = await runCli(['verify', '--port', '0', '--json']);
	assert.equal(verify.status, 2);
	assert.equal((JSON.parse(verify.stdout) as {command: string}).command, 'verify');
});

// Issue 21, point 6: `make` rebuilt the same .cf with a new build stamp, and rollback refused it
// as a hand edit. Only the lines sendmail reads count; a real edit is still refused.
test('rollback after a rebuild that changed only the .cf\'s build stamp restores; an edit sendmail reads is still refused', async () => {
	const {cfPath, helpPath, cf, help} = await hardenedCopy();
	const written = readFileSync(cfPath, 'latin1');
	writeFileSync(cfPath, `##### built by root@vm on Mon Dec  7 17:50:00 UTC 2026\n##### in /etc/mail\n${written}\n`, 'latin1');
	const io = captureIo();
	assert.equal(await runRollback({config: cfPath}, io, {findRestartPlan: async () => undefined}), 0, io.stderr);
	assert.deepEqual(readFileSync(cfPath), cf);
	assert.deepEqual(readFileSync(helpPath), help);

	const again = await hardenedCopy();
	writeFileSync(again.cfPath, readFileSync(again.cfPath, 'latin1').replace('O MaxMessageSize=500000\n', 'O MaxMessageSize=600000\n'), 'latin1');
	const refused = captureIo();
	assert.equal(await runRollback({config: again.cfPath}, refused, {findRestartPlan: async () => undefined}), 2);
	assert.match(refused.stderr, /was changed after sendmail-harden wrote it/);
});
