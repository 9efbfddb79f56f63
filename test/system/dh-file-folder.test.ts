// The DH file tlsDhParameters writes goes beside the certificate, as root: on Debian that folder
// (/etc/mail/tls) belongs to the mail user, who could swap a link in before the write. The tool
// then refuses the setting with the reason and the fix, and writes nothing.
import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {planHardening} from '../../source/core/plan.js';
import {readDhFile} from '../../source/system/read-files.js';

// Under /run (root's, 0755), not /tmp: a folder anyone may add names to fails the rule too.
const folder = mkdtempSync(path.join('/run', 'dh-folder-'));
after(() => rmSync(folder, {recursive: true, force: true}));

const cfFor = (certFolder: string) => [
	'O ServerCertFile=' + path.join(certFolder, 'server.crt'),
	'O ServerKeyFile=' + path.join(certFolder, 'server.key'),
	'',
].join('\n');

test('a certificate folder the mail user owns: tlsDhParameters is refused with why and how, nothing planned', () => {
	const tls = path.join(folder, 'tls');
	mkdirSync(tls, {mode: 0o755});
	chownSync(tls, 65_534, 65_534);
	const cfPath = path.join(folder, 'sendmail.cf');
	const cfText = cfFor(tls);
	writeFileSync(cfPath, cfText);
	return readDhFile(cfPath, cfText).then(dhFile => {
		assert.ok(dhFile !== undefined && 'error' in dhFile);
		assert.match(dhFile.error, /is a folder that users other than root can change \(.*owned by .*chown root: .*leave tlsDhParameters out/);
		const plan = planHardening({cfPath, cfText, helpFile: {path: path.join(folder, 'helpfile'), text: ''}, dhFile, answers: {tlsDhParameters: 'ffdhe2048'}});
		assert.ok(!plan.ok);
		assert.match(plan.error, /^tlsDhParameters cannot write .*ffdhe2048\.pem: .*nothing was written$/);
	});
});

test('a certificate folder only root can change: the file is planned, created beside the certificate', async () => {
	const tls = path.join(folder, 'root-tls');
	mkdirSync(tls, {mode: 0o755});
	const cfPath = path.join(folder, 'sendmail.cf');
	const cfText = cfFor(tls);
	const dhFile = await readDhFile(cfPath, cfText);
	assert.deepEqual(dhFile, {path: path.join(tls, 'ffdhe2048.pem'), missing: true});
	const plan = planHardening({cfPath, cfText, helpFile: {path: path.join(folder, 'helpfile'), text: ''}, dhFile, answers: {tlsDhParameters: 'ffdhe2048'}});
	assert.ok(plan.ok);
	assert.deepEqual(plan.value.files.map(file => [file.role, file.path]), [['cf', cfPath], ['dhparams', path.join(tls, 'ffdhe2048.pem')]]);
});
