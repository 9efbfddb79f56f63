// The role's module, run with the Python and Ansible the role uses: it turns a failed run of the
// tool into one line (the tool's error, else the live server's failed checks, else the
// rehearsal's), and finds the live server where the tool itself would.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {safeTerminalText} from '../../source/core/sanitize.js';
import {readDaemonAddress} from '../../source/core/verify-checks.js';

// The Python that Debian's ansible-core is installed for (a python3 earlier in PATH may lack it).
const python = '/usr/bin/python3';
const library = path.resolve('ansible/roles/sendmail_harden/library');
const haveAnsible = spawnSync(python, ['-c', 'import ansible.module_utils.basic']).status === 0;

function runPython(body: string, ...args: string[]): string {
	const script = `import json, sys
sys.path.insert(0, ${JSON.stringify(library)})
import sendmail_harden
${body}`;
	const run = spawnSync(python, ['-c', script, ...args], {encoding: 'utf8'});
	assert.equal(run.status, 0, run.stderr);
	return run.stdout.trimEnd();
}

function reason(document: unknown, stderr = '', rc = 1): string {
	const script = `import json, sys
sys.path.insert(0, ${JSON.stringify(library)})
import sendmail_harden
print(sendmail_harden.reason(json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])))`;
	const run = spawnSync(python, ['-c', script, JSON.stringify(document), stderr, String(rc)], {encoding: 'utf8'});
	assert.equal(run.status, 0, run.stderr);
	return run.stdout.trimEnd();
}

const fail = (name: string, reply: string) => ({name, status: 'fail', expected: 'SIZE 500000', reply});
const pass = {name: 'HELP', status: 'pass', expected: 'no version number in HELP', reply: '214-2.0.0 Topics:'};

test('the tool\'s own error comes first', haveAnsible ? {} : {skip: 'no ansible-core'}, () => {
	assert.equal(reason({error: 'the answers file x does not exist', verify: {checks: [fail('SIZE', '250-SIZE')]}}), 'the answers file x does not exist');
});

test('else the live server\'s failed checks, each with what the server said', haveAnsible ? {} : {skip: 'no ansible-core'}, () => {
	assert.equal(
		reason({error: null, verify: {checks: [pass, fail('SIZE', '250-SIZE')]}}),
		'the live server does not answer as hardened: SIZE: expected SIZE 500000 — server said "250-SIZE"',
	);
});

test('else the rehearsal\'s failed checks: nothing was written', haveAnsible ? {} : {skip: 'no ansible-core'}, () => {
	assert.equal(
		reason({error: null, verify: null, rehearsal: {status: 'ran', agrees: false, checks: [fail('SIZE', '250-SIZE 10000')]}}),
		'sendmail, run on the new files, does not answer as the answers say (nothing was written): SIZE: expected SIZE 500000 — server said "250-SIZE 10000"',
	);
});

test('else the last line of stderr, without the tool\'s name', haveAnsible ? {} : {skip: 'no ansible-core'}, () => {
	assert.equal(reason({error: null}, 'sendmail-harden: note: x\nsendmail-harden: cannot write /etc/mail/sendmail.cf: the disk is full\n', 3), 'cannot write /etc/mail/sendmail.cf: the disk is full');
	assert.equal(reason({meaning: 'write failed'}, '', 3), 'write failed (exit status 3)');
});

test('the live server\'s address is read from DaemonPortOptions as the tool reads it', haveAnsible ? {} : {skip: 'no ansible-core'}, () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-role-address-'));
	try {
		const debian = readFileSync('/etc/mail/sendmail.cf', 'latin1');
		const configs = {
			debian,
			demo: readFileSync('source/demo/sendmail.cf', 'latin1'),
			none: debian.replaceAll(/^O DaemonPortOptions=.*$/gm, ''),
			testDaemon: debian.replace(/^O DaemonPortOptions=Family=inet,  Name=MTA-v4.*$/m, 'O DaemonPortOptions=Name=MTA-test,Port=2525,Addr=127.0.0.1'),
			msaFirst: 'O DaemonPortOptions=Port=submission, Name=MSA, M=E\nO DaemonPortOptions=Port=2600, Name=other, Addr=192.0.2.7\n',
			inet6Any: 'O DaemonPortOptions=Family=inet6, Name=MTA-v6, Port=smtp, Addr=::\n',
		};
		for (const [name, text] of Object.entries(configs)) {
			const file = path.join(folder, `${name}.cf`);
			writeFileSync(file, text, 'latin1');
			const [host, port] = JSON.parse(runPython('print(json.dumps(sendmail_harden.daemon_address(None, sys.argv[1])))', file)) as [string, number];
			assert.deepEqual({host, port}, readDaemonAddress(text), name);
		}
	} finally {
		rmSync(folder, {recursive: true, force: true});
	}
});

test('the diff handed to Ansible is escaped as the tool escapes it (sanitize.ts safeTerminalText)', haveAnsible ? {} : {skip: 'no ansible-core'}, () => {
	const samples = ['dnl \u001B]0;owned\u0007\u001B[2J', 'tab\tand\nnewline stay', 'C1 \u0085\u009B, DEL \u007F, CR \r', 'bidi \u202E\u2066 and \u0000'];
	for (const sample of samples) {
		assert.equal(JSON.parse(runPython('print(json.dumps(sendmail_harden.safe_terminal_text(json.loads(sys.argv[1]))))', JSON.stringify(sample))), safeTerminalText(sample), JSON.stringify(sample));
	}
});
