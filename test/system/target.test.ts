import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import os from 'node:os';
import test from 'node:test';
import {loadTarget} from '../../source/system/target.js';

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
	const target = await loadTarget('source/demo/sendmail.cf', '/nonexistent/sendmail.cf');
	assert.ok(target.ok);
	assert.equal(target.value.demo, false);
	assert.ok(target.value.helpFile && 'text' in target.value.helpFile);
	assert.equal(target.value.helpFile.path, '/etc/mail/helpfile');
});
