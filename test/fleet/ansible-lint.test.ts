// The role and the example playbook pass ansible-lint's strictest profile (Debian packages it).
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';

const haveLint = spawnSync('ansible-lint', ['--version']).status === 0;

test('ansible-lint --profile production finds nothing in ansible/', haveLint ? {timeout: 300_000} : {skip: 'ansible-lint is not installed (apt-get install ansible-lint)'}, () => {
	const home = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-lint-'));
	try {
		const lint = spawnSync('ansible-lint', ['--offline', '--nocolor', '--profile', 'production', '-p'], {
			cwd: 'ansible',
			encoding: 'utf8',
			env: {PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: home, ANSIBLE_LOCAL_TEMP: path.join(home, 'tmp'), ANSIBLE_ROLES_PATH: path.resolve('ansible/roles')},
		});
		assert.equal(lint.status, 0, lint.stdout + lint.stderr);
		assert.match(lint.stdout + lint.stderr, /Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);
	} finally {
		rmSync(home, {recursive: true, force: true});
	}
});
