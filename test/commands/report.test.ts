// `sendmail-harden report`: many hosts' audit documents in one table, each format; bad input is one
// line and exit 2. The documents here are shaped as audit --json prints them (the fleet test checks
// the table against real audits of real configs through the role).
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {runReport} from '../../source/commands/report.js';
import {articleAnswersFile} from '../helpers/article.js';
import {captureIo} from '../helpers/capture-io.js';

const item = (setting: string, value: string, hardened: boolean) => ({setting, value, hardened, advice: '', from: 'sendmail'});
const audit = (items: ReturnType<typeof item>[], lastChange: {id: string; savedAt: string} | null = null) => ({
	config: '/etc/mail/sendmail.cf',
	demo: false,
	hardened: items.every(entry => entry.hardened),
	settings: items,
	sendmailVersion: '8.17.1.9/Debian-2+deb12u2',
	lastChange,
});
const hardenedItems = [
	item('SmtpGreetingMessage', '$j mailserver; $b', true),
	item('HELP', '/etc/mail/helpfile (no version)', true),
	item('MaxMessageSize', '500000 (500 KB)', true),
	item('MaxRecipientsPerMessage', '10', true),
	item('PrivacyOptions', 'goaway,restrictmailq,restrictqrun', true),
	item('Received header', 'every relayed message says "by host ($v/$Z)"', false),
];

let folder: string;
before(() => {
	folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-report-'));
	const hosts = path.join(folder, 'hosts');
	mkdirSync(hosts);
	writeFileSync(path.join(hosts, 'mx1.example.org.json'), JSON.stringify(audit(hardenedItems, {id: '20261207T100000-000Z', savedAt: '2026-12-07T10:00:00.000Z'})));
	writeFileSync(path.join(hosts, 'mx2.json'), JSON.stringify(audit(hardenedItems.map(entry => (entry.setting === 'MaxMessageSize' ? item('MaxMessageSize', '1000000 (1 MB)', true) : entry)))));
	writeFileSync(path.join(hosts, 'mx2.harden.json'), JSON.stringify({command: 'harden', changed: true, backup: {id: '20261207T110000-000Z', files: []}}));
	writeFileSync(path.join(hosts, 'mx3.json'), JSON.stringify({error: 'unreachable, or failed before its audit'}));
	// A value with a pipe, markup and a formula start, as a greeting can hold.
	writeFileSync(path.join(hosts, 'mx4.json'), JSON.stringify(audit([item('SmtpGreetingMessage', '=cmd|x <b>', false)])));
});
after(() => rmSync(folder, {recursive: true, force: true}));

test('a folder of documents: one line per host, each setting\'s verdict, the drift from the answers, the last change', async () => {
	const io = captureIo();
	assert.equal(await runReport([path.join(folder, 'hosts')], {answers: articleAnswersFile, json: true}, io), 0);
	assert.equal(io.stderr, '');
	const report = JSON.parse(io.stdout) as {answers: string; hosts: Array<{host: string; drift: string[] | null; lastChange: {id: string} | null; error: string | null; verdicts: Record<string, boolean>}>};
	assert.equal(report.answers, articleAnswersFile);
	assert.deepEqual(report.hosts.map(row => row.host), ['mx1.example.org', 'mx2', 'mx3', 'mx4']);
	const [mx1, mx2, mx3, mx4] = report.hosts;
	assert.deepEqual(mx1!.drift, []);
	assert.equal(mx1!.verdicts['Received header'], false);
	assert.equal(mx1!.lastChange?.id, '20261207T100000-000Z');
	assert.deepEqual(mx2!.drift, ['MaxMessageSize']);
	assert.equal(mx2!.lastChange?.id, '20261207T110000-000Z', 'from its --yes --json document');
	assert.equal(mx3!.error, 'unreachable, or failed before its audit');
	assert.deepEqual(mx4!.drift, ['SmtpGreetingMessage']);
});

test('the text table, CSV, Markdown and HTML', async () => {
	const run = async (flags: Parameters<typeof runReport>[1]) => {
		const io = captureIo();
		assert.equal(await runReport([path.join(folder, 'hosts')], flags, io), 0, io.stderr);
		return io.stdout;
	};

	const text = await run({});
	assert.match(text, /^host +sendmail +SmtpGreetingMessage +HELP +MaxMessageSize .* drift +last change +backup set$/m);
	assert.match(text, /^mx1\.example\.org +8\.17\.1\.9\/Debian-2\+deb12u2 +ok +ok +ok +ok +ok +WEAK +- +2026-12-07T10:00:00\.000Z +20261207T100000-000Z$/m);
	assert.match(text, /^mx3 .*failed: unreachable, or failed before its audit$/m);
	const csv = await run({csv: true});
	assert.match(csv, /^mx4,8\.17\.1\.9\/Debian-2\+deb12u2,WEAK,-,/m);
	assert.match(csv, /\r\n$/);
	const markdown = await run({markdown: true});
	assert.match(markdown, /^\| host \| sendmail \|/);
	assert.match(markdown, /^\|( --- \|)+$/m);
	const html = await run({html: true});
	assert.match(html, /<th>host<\/th>/);
	assert.doesNotMatch(html, /<b>/);
});

test('a host name (its file name) with a formula start is quoted in CSV, a pipe escaped in Markdown, markup in HTML', async () => {
	const odd = path.join(folder, 'odd');
	mkdirSync(odd);
	writeFileSync(path.join(odd, '=1+2.json'), JSON.stringify(audit([item('SmtpGreetingMessage', 'x', false)])));
	writeFileSync(path.join(odd, 'a|<b>.json'), JSON.stringify(audit([item('SmtpGreetingMessage', 'x', false)])));
	const run = async (flags: Parameters<typeof runReport>[1]) => {
		const io = captureIo();
		assert.equal(await runReport([odd], flags, io), 0, io.stderr);
		return io.stdout;
	};

	assert.match(await run({csv: true}), /^"=1\+2",/m);
	assert.match(await run({markdown: true}), /^\| a\\\|\\<b\\> \|/m);
	assert.match(await run({html: true}), /<td>a\|&lt;b&gt;<\/td>/);
});

test('bad input: one line on stderr, exit 2, nothing on stdout', async () => {
	const notJson = path.join(folder, 'not.json');
	writeFileSync(notJson, '{');
	const array = path.join(folder, 'array.json');
	writeFileSync(array, '[1]');
	const other = path.join(folder, 'other.json');
	writeFileSync(other, '{"config": 1}');
	const empty = path.join(folder, 'empty');
	mkdirSync(empty);
	const cases: Array<[string[], Parameters<typeof runReport>[1], RegExp]> = [
		[[], {}, /^sendmail-harden: report needs the audit --json documents: FILE\.\.\. or a FOLDER of them\n$/],
		[[path.join(folder, 'missing.json')], {}, /missing\.json does not exist\n$/],
		[[notJson], {}, /not\.json is not JSON\n$/],
		[[array], {}, /array\.json is not an audit --json or --yes --json document \(not a JSON object\)\n$/],
		[[other], {}, /other\.json is not an audit --json or --yes --json document/],
		[[empty], {}, /no \.json documents in /],
		[[path.join(folder, 'hosts')], {json: true, csv: true}, /give one of --json, --csv, --markdown, --html\n$/],
		[[path.join(folder, 'hosts')], {answers: path.join(folder, 'no-answers.json')}, /^sendmail-harden: the answers file .*no-answers\.json/],
	];
	for (const [files, flags, message] of cases) {
		const io = captureIo();
		assert.equal(await runReport(files, flags, io), 2, String(files));
		assert.equal(io.stdout, '');
		assert.match(io.stderr, message);
		assert.equal(io.stderr.split('\n').length, 2, io.stderr);
	}
});
