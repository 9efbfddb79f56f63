import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {copyDemoConfig} from '../helpers/cli.js';

test('Ctrl+C while the files are written: the whole set is written, then the process stops', () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/apply-with-interrupt.ts', cfPath], {encoding: 'utf8'});
	assert.equal(run.signal, 'SIGINT', run.stderr);
	assert.equal(run.stdout, '', 'it stopped right after the writes');
	assert.match(readFileSync(cfPath, 'latin1'), /^O MaxMessageSize=1000$/m);
	assert.doesNotMatch(readFileSync(helpPath, 'latin1'), /version \$v/);
});
