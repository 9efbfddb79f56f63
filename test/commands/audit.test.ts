// `audit` says where the .cf comes from on this system's layout, and reads every form of the
// option lines (test/core/option-forms.test.ts has the forms against the real sendmail).
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {runAudit} from '../../source/commands/audit.js';

async function audit(args: {config: string; json?: boolean}): Promise<{code: number; out: string}> {
	let out = '';
	const code = await runAudit(args, {out: text => (out += text), err: text => (out += text), env: process.env});
	return {code, out};
}

test('audit names the .mc a .cf is built from, and how to rebuild it', async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'audit-mc-'));
	// The help file beside the config: one in /etc/mail (the mail user's folder on Debian) is refused.
	const mc = `define(\`HELP_FILE', \`${folder}/helpfile')dnl\ninclude(\`/usr/share/sendmail/cf/m4/cf.m4')dnl\n${readFileSync('/usr/share/sendmail/cf/cf/generic-linux.mc', 'latin1')}`;
	writeFileSync(path.join(folder, 'sendmail.mc'), mc, 'latin1');
	const built = spawnSync('m4', ['sendmail.mc'], {cwd: folder, encoding: 'latin1'});
	writeFileSync(path.join(folder, 'sendmail.cf'), built.stdout, 'latin1');
	const text = await audit({config: path.join(folder, 'sendmail.cf')});
	assert.match(text.out, new RegExp(`^built from ${folder}/sendmail\\.mc \\(any other system \\(plain m4\\); rebuild: m4 <name>\\.mc > <name>\\.cf`, 'm'));
	const json = JSON.parse((await audit({config: path.join(folder, 'sendmail.cf'), json: true})).out);
	assert.equal(json.source.kind, 'mc');
	assert.equal(json.source.mcPath, path.join(folder, 'sendmail.mc'));
});

test('audit warns when a .cf that m4 built has no .mc to be found, and shows PrivacyOptions lines adding up', async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'audit-cf-'));
	const cfPath = path.join(folder, 'sendmail.cf');
	const text = readFileSync('source/demo/sendmail.cf', 'latin1').replace(/^O PrivacyOptions=.*$/m, 'O PrivacyOptions=goaway\nOppublic').replace('O HelpFile=/etc/mail/helpfile', `O HelpFile=${folder}/helpfile`);
	writeFileSync(cfPath, text, 'latin1');
	// A Makefile says this folder is where the host builds its .cf.
	writeFileSync(path.join(folder, 'Makefile'), 'sendmail.cf: sendmail.mc\n\tm4 sendmail.mc > sendmail.cf\n');
	const result = await audit({config: cfPath});
	assert.match(result.out, /! sendmail\.cf was built by m4 from an \.mc, but none was found/);
	assert.match(result.out, /PrivacyOptions\s+goaway \(lines \d+, \d+ add up\)/);
});
