// Debian's starttls.m4 and sasl.m4 quote their own include line in a comment
// ("`include(`/etc/mail/tls/starttls.m4')dnl'"): m4 does not follow it, the include scan does. The
// file must be copied once and the .mc built, not refused as nesting too deep.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {buildCfFromMc} from '../../source/system/mc-rebuild.js';

test('an included file that names itself in a quoted comment is read once and the .mc builds', async () => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'mc-include-cycle-'));
	try {
		const included = path.join(folder, 'starttls.m4');
		writeFileSync(included, `divert(-1)\n#####  Usage: add \`include(\`${included}')dnl' to sendmail.mc\ndivert(0)dnl\ndefine(\`confAUTH_OPTIONS', \`p')dnl\n`);
		const mcPath = path.join(folder, 'sendmail.mc');
		const mcText = `include(\`/usr/share/sendmail/cf/m4/cf.m4')dnl\nOSTYPE(\`linux')dnl\ninclude(\`${included}')dnl\nMAILER(\`local')dnl\n`;
		writeFileSync(mcPath, mcText);
		const built = await buildCfFromMc(mcText, mcPath);
		assert.ok(built.ok, built.ok ? '' : built.error);
		assert.match(built.value, /^O AuthOptions=p$/m);
	} finally {
		rmSync(folder, {recursive: true, force: true});
	}
});
