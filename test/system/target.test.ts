import assert from 'node:assert/strict';
import {existsSync, readFileSync, statSync} from 'node:fs';
import os from 'node:os';
import test from 'node:test';
import {loadTarget} from '../../source/system/target.js';
import {copyDemoConfig} from '../helpers/cli.js';

test('without --config and without the default file, a fresh copy of the bundled sample is used', async () => {
	const target = await loadTarget(undefined, '/nonexistent/sendmail.cf');
	assert.ok(target.ok);
	assert.equal(target.value.demo, true);
	assert.ok(target.value.cfPath.startsWith(os.tmpdir()));
	// The copy's HelpFile is the copied help file, so hardening the demo never touches the host's.
	assert.ok(target.value.helpFile && 'text' in target.value.helpFile);
	assert.equal(target.value.helpFile.path, target.value.cfPath.replace(/sendmail\.cf$/, 'helpfile'));
	assert.equal(target.value.helpFile.text, readFileSync('source/demo/helpfile', 'latin1'));
	assert.match(target.value.cfText, /^O SmtpGreetingMessage=\$j Sendmail \$v\/\$Z; \$b/m);
});

test('--config names the file to work on; it is never a demo', async () => {
	const {cfPath, helpPath} = copyDemoConfig();
	const target = await loadTarget(cfPath, '/nonexistent/sendmail.cf');
	assert.ok(target.ok);
	assert.equal(target.value.demo, false);
	assert.ok(target.value.helpFile && 'text' in target.value.helpFile);
	assert.equal(target.value.helpFile.path, helpPath);
});

// On Debian /etc/mail belongs to smmta: its help file may be swapped for any file of theirs, or a
// link to root's, so a config elsewhere may not send root there (see test/commands/trust.test.ts).
test('a config outside /etc/mail that names /etc/mail/helpfile is refused while the mail user owns /etc/mail', {skip: !existsSync('/etc/mail/helpfile') || statSync('/etc/mail').uid === 0 ? 'no /etc/mail of the mail user here' : undefined}, async () => {
	const target = await loadTarget('source/demo/sendmail.cf');
	assert.equal(target.ok, false);
	assert.match(target.ok ? '' : target.error, /^the help file \/etc\/mail\/helpfile that .*sendmail\.cf names is outside .*\(\/etc\/mail is owned by smmta\)/);
});
