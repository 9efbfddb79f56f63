// The sendmail.cf guard: every real config passes, files that are not one are refused with a
// reason that quotes nothing of them (they may be secrets).
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {recognizeSendmailCf} from '../../source/core/recognize-cf.js';
import {buildExampleCf, exampleMcNames, sendmailInstalled} from '../helpers/sendmail.js';

const debianCf = readFileSync('source/demo/sendmail.cf', 'latin1');

test('Debian\'s sendmail.cf, with LF or CRLF line ends, is a sendmail.cf', () => {
	assert.deepEqual(recognizeSendmailCf(debianCf), {ok: true, value: undefined});
	assert.deepEqual(recognizeSendmailCf(debianCf.replaceAll('\n', '\r\n')), {ok: true, value: undefined});
});

test('every sendmail.cf m4 builds from the shipped examples is a sendmail.cf', {skip: !sendmailInstalled && 'needs sendmail-cf'}, () => {
	for (const mc of exampleMcNames()) {
		const recognized = recognizeSendmailCf(buildExampleCf(mc));
		assert.ok(recognized.ok, `${mc}: ${recognized.ok ? '' : recognized.error}`);
	}
});

const secret = 'SECRET_API_KEY=sk_live_0123456789';
const notCf: Array<{name: string; text: string; reason: RegExp}> = [
	{name: 'a sendmail.mc', text: readFileSync('/usr/share/sendmail/cf/cf/generic-linux.mc', 'latin1'), reason: /m4 source such as a sendmail\.mc/},
	{name: 'a PEM key', text: `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n${secret}\n-----END PRIVATE KEY-----\n`, reason: /PEM key or certificate/},
	// Every line starts with a letter a sendmail.cf line can start with.
	{name: 'a .env file', text: `${secret}\nDB_PASSWORD=hunter2\nO_TOKEN=abc\n`, reason: /no version level line/},
	{name: 'a .env file with an O line', text: `V1\n${secret}\nO Q=1\nmail_password=x\n`, reason: /line 4 is not a line a sendmail\.cf can have/},
	{name: 'binary data', text: `V10/Berkeley\nO A=1\n\0\u0001${secret}`, reason: /binary data/},
	{name: 'a config without option lines', text: `V10/Berkeley\nDZ8.17\nR$* $@ $1\n${secret}\n`, reason: /no option lines/},
	{name: 'an empty file', text: '', reason: /no version level line/},
];

for (const {name, text, reason} of notCf) {
	test(`${name} is not a sendmail.cf, and the reason quotes none of it`, () => {
		const recognized = recognizeSendmailCf(text);
		assert.ok(!recognized.ok);
		assert.match(recognized.error, reason);
		assert.ok(!recognized.error.includes('SECRET') && !recognized.error.includes('hunter2') && !recognized.error.includes('MIIE'), recognized.error);
	});
}
