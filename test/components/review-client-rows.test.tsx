// Review at 80x24 with a rehearsal of many checks: the client view folds them into the rows it is
// given, and the diff gets every row the view does not draw (it was squeezed to three rows while
// the bottom of the screen stayed empty).
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import type {ClientViewState} from '../../source/components/ClientView.js';
import {planHardening} from '../../source/core/plan.js';
import type {Check} from '../../source/core/verify-checks.js';
import {ReviewStep} from '../../source/steps/ReviewStep.js';
import {articleAnswers} from '../helpers/article.js';
import {renderSized} from '../helpers/sized-terminal.js';

const cfPath = '/etc/mail/sendmail.cf';
const cfText = readFileSync(cfPath, 'latin1');
const helpFile = {path: '/etc/mail/helpfile', text: readFileSync('/etc/mail/helpfile', 'latin1')};

const check = (name: string, status: Check['status'], reply: string): Check => ({name, status, expected: 'as chosen', reply});
const checks = [
	check('banner', 'fail', '220 mail ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; a long line'),
	check('HELP', 'fail', '214-2.0.0 This is sendmail version 8.17.1.9'),
	...['MAIL before HELO', 'VRFY', 'EXPN', 'SIZE', 'recipient limit', 'ETRN', 'DSN', 'relaying', 'account harvest'].map(name => check(name, 'info', '250 ok')),
];
const clients: ClientViewState = {
	now: {kind: 'done', report: {status: 'ran', exchange: [], agrees: false, checks}},
	after: {kind: 'done', report: {status: 'ran', exchange: [], agrees: true, checks, vantage: {kind: 'outside', address: '198.51.100.7', name: 'outside.example.net'}}},
};

test('Review gives the diff the rows the folded client view leaves, filling the screen', async t => {
	const plan = planHardening({cfPath, cfText, helpFile, answers: articleAnswers});
	assert.ok(plan.ok);
	const app = renderSized(t, <ReviewStep plan={plan} greeting="220 mail ESMTP" clients={clients} answers={{}} onWrite={() => undefined} />, 80, 24);
	const frame = await app.waitFor(/What clients will see/);
	const window = /\(lines 1-(\d+) of (\d+);/.exec(frame);
	assert.ok(window !== null, frame);
	// The diff is longer than the screen, so it scrolls: then nothing is left empty at the bottom.
	assert.ok(Number(window[2]) > 23, frame);
	assert.equal(frame.split('\n').length, 23, frame);
	assert.ok(Number(window[1]) >= 8, frame);
});
