// "What clients will see": rows that fit, the refusal kept when rows are short, untrusted replies
// made safe, and a rehearsal that could not run said as such.
import assert from 'node:assert/strict';
import test from 'node:test';
import {render} from 'ink-testing-library';
import {ClientView, clientViewLines, writeRefusal, type ClientViewState} from '../../source/components/ClientView.js';
import type {Check} from '../../source/core/verify-checks.js';

const check = (name: string, status: Check['status'], reply: string, expected = 'as chosen'): Check => ({name, status, expected, reply});
const state = (checks: Check[]): ClientViewState => ({
	now: {kind: 'done', report: {status: 'ran', exchange: [], agrees: false, checks: checks.map(each => ({...each, reply: `${each.reply} (now)`}))}},
	after: {kind: 'done', report: {status: 'ran', exchange: [], agrees: checks.every(each => each.status !== 'fail'), checks}},
});

test('a contradicted check refuses Write, and the refusal is the row a short terminal keeps', () => {
	const contradicted = state([check('banner', 'pass', '220 mail ESMTP mailserver'), check('SIZE', 'fail', '250-SIZE 1000', 'SIZE 500000'), check('VRFY', 'pass', '252 2.5.2 Cannot VRFY user')]);
	const answers = {maxMessageSize: 500_000};
	assert.equal(writeRefusal(contradicted, answers), 'Write refused: with the new files sendmail fails SIZE: expected SIZE 500000; sendmail said "250-SIZE 1000"');
	const all = clientViewLines(contradicted, answers, 80, 20);
	assert.equal(all[0]!.text, 'What clients will see (sendmail\'s own replies, after ← now):');
	assert.equal(all[2]!.text, '✗ SIZE: 250-SIZE 1000  ← 250-SIZE 1000 (now)');
	for (const rows of [1, 2, 3]) {
		const lines = clientViewLines(contradicted, answers, 80, rows);
		assert.ok(lines.length <= rows, `${lines.length} rows for ${rows}`);
		assert.match(lines.map(line => line.text).join(' '), /Write refused: with the new files sendmail fails SIZE/);
	}
});

test('a version the answers leave in the banner is shown as a warning, and Write is not refused', () => {
	const kept = state([check('banner', 'fail', '220 mail ESMTP Sendmail 8.17.1.9'), check('SIZE', 'pass', '250-SIZE 500000')]);
	assert.equal(writeRefusal(kept, {maxMessageSize: 500_000}), undefined);
	assert.equal(clientViewLines(kept, {maxMessageSize: 500_000}, 80, 20)[1]!.tone, 'warn');
	assert.match(writeRefusal(kept, {greeting: '$j mailserver; $b'}) ?? '', /fails banner/);
});

test('replies are shown with their control characters made visible', () => {
	const hostile = state([check('banner', 'pass', '220 mail\u001B]0;owned\u0007 ESMTP')]);
	const app = render(<ClientView state={hostile} answers={{}} width={80} maxRows={5} />);
	assert.match(app.lastFrame() ?? '', /220 mail\\e\]0;owned\\x07 ESMTP/);
	assert.doesNotMatch(app.lastFrame() ?? '', /\u001B\]0;/);
	app.unmount();
});

test('while sendmail is asked, and when it could not be, the view says so and claims nothing', () => {
	assert.deepEqual(clientViewLines({now: {kind: 'asking'}, after: {kind: 'asking'}}, {}, 80, 5).map(line => line.text), ['What clients will see: asking sendmail (sendmail -C NEW -bs)...']);
	const skipped = clientViewLines({now: {kind: 'asking'}, after: {kind: 'done', report: {status: 'skipped', reason: 'not running as root: sendmail reads a private copy of the config with the server\'s own rights only for root'}}}, {}, 60, 5);
	assert.ok(skipped.every(line => line.text.length <= 60));
	assert.equal(skipped.map(line => line.text).join(' '), '! What clients will see was not checked: not running as root: sendmail reads a private copy of the config with the server\'s own rights only for root');
	assert.equal(writeRefusal({now: {kind: 'asking'}, after: {kind: 'failed', error: 'sendmail -bs did not answer'}}, {maxMessageSize: 1}), undefined);
});

test('the client the rehearsal played is in the title, and findings fold into one row when rows are short', () => {
	const checks = [check('banner', 'pass', '220 mail ESMTP mailserver'), check('VRFY', 'pass', '252 2.5.2 Cannot VRFY user'), check('relaying', 'info', '550 5.7.1 <relay-probe@example.org>... Relaying denied'), check('account harvest', 'info', '250 2.1.5 <root@mail>... Recipient ok')];
	const played: ClientViewState = {...state(checks), after: {kind: 'done', report: {status: 'ran', exchange: [], agrees: true, checks, vantage: {kind: 'outside', address: '198.51.100.7', name: 'outside.example.net'}}}};
	assert.equal(clientViewLines(played, {}, 80, 20)[0]!.text, 'What clients will see (sendmail\'s own replies to a client at 198.51.100.7, after ← now):');
	const short = clientViewLines(played, {}, 120, 4).map(line => line.text);
	assert.deepEqual(short.slice(1), ['✓ banner: 220 mail ESMTP mailserver  ← 220 mail ESMTP mailserver (now)', '✓ VRFY: 252 2.5.2 Cannot VRFY user  ← 252 2.5.2 Cannot VRFY user (now)', '· for information: relaying, account harvest (verify --config FILE shows them)']);
});

test('sendmail\'s complaints before its greeting are a warning row, saying when the current config draws them too', () => {
	const checks = [check('banner', 'pass', '220 mail ESMTP mailserver')];
	const complaint = 'Msmtp: Warning: first argument in [IPC] mailer must be TCP or FILE';
	const both: ClientViewState = {
		now: {kind: 'done', report: {status: 'ran', exchange: [], agrees: true, checks, complaints: [complaint]}},
		after: {kind: 'done', report: {status: 'ran', exchange: [], agrees: true, checks, complaints: [complaint]}},
	};
	const lines = clientViewLines(both, {}, 200, 20);
	assert.deepEqual(lines.at(-1), {text: `! sendmail complains, with the current config too (then answers anyway): ${complaint}`, tone: 'warn'});
	const onlyNew: ClientViewState = {...both, now: {kind: 'done', report: {status: 'ran', exchange: [], agrees: true, checks}}};
	assert.equal(clientViewLines(onlyNew, {}, 200, 20).at(-1)!.text, `! sendmail complains (then answers anyway): ${complaint}`);
});
