import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {planHardening} from '../../source/core/plan.js';
import {validatePlan} from '../../source/system/apply.js';
import {loadTarget} from '../../source/system/target.js';
import {copyDemoConfig} from '../helpers/cli.js';

test('Ctrl+C while the files are written: the whole set is written, then the process stops', () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/apply-with-interrupt.ts', cfPath], {encoding: 'utf8'});
	assert.equal(run.signal, 'SIGINT', run.stderr);
	assert.equal(run.stdout, '', 'it stopped right after the writes');
	assert.match(readFileSync(cfPath, 'latin1'), /^O MaxMessageSize=1000$/m);
	assert.doesNotMatch(readFileSync(helpPath, 'latin1'), /version \$v/);
});

test('Ctrl+C while sendmail checks the new config: validatePlan stops without waiting for it and nothing is written', async () => {
	const {folder, cfPath, helpPath} = copyDemoConfig();
	const cf = readFileSync(cfPath);
	const help = readFileSync(helpPath);
	// A sendmail that takes its time, as on a host whose name is not qualified (it sleeps 60 s).
	const slow = path.join(folder, 'slow-sendmail');
	writeFileSync(slow, '#!/bin/sh\nsleep 2\nexit 0\n');
	chmodSync(slow, 0o755);
	const target = await loadTarget(cfPath);
	assert.ok(target.ok);
	const plan = planHardening({...target.value, answers: {maxMessageSize: 1000, hideHelpVersion: true}});
	assert.ok(plan.ok);
	const stop = new AbortController();
	// The apply flow's check step (source/flow/apply-flow.ts): the write step never runs after it fails.
	const checking = validatePlan(plan.value, {cfPath, env: {...process.env, SENDMAIL_HARDEN_SENDMAIL: slow}, signal: stop.signal});
	stop.abort();
	const result = await checking;
	assert.deepEqual(result, {ok: false, error: 'stopped before writing (Ctrl+C); nothing was written'});
	assert.deepEqual(readFileSync(cfPath), cf);
	assert.deepEqual(readFileSync(helpPath), help);
	assert.deepEqual(readdirSync(folder).sort(), ['helpfile', 'sendmail.cf', 'slow-sendmail']);
});
