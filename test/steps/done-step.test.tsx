// The Done screen ends with the rows --yes and verify print (core/hardened-table.ts): audit's
// account of the files the run left, what is still open and which answer closes it.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {render} from 'ink-testing-library';
import type {Answers} from '../../source/core/answers.js';
import {auditAfter, hardenedRows} from '../../source/core/hardened-table.js';
import {planHardening} from '../../source/core/plan.js';
import type {ApplySummary} from '../../source/steps/ApplyStep.js';
import {DoneStep} from '../../source/steps/DoneStep.js';
import {articleAnswers, hardenedAnswers} from '../helpers/article.js';
import {renderSized} from '../helpers/sized-terminal.js';

const cfPath = '/etc/mail/sendmail.cf';
const cfText = readFileSync(cfPath, 'latin1');
const helpFile = {path: '/etc/mail/helpfile', text: readFileSync('/etc/mail/helpfile', 'latin1')};
const fullAnswers: Answers = hardenedAnswers;

const summary: ApplySummary = {
	applied: {
		validation: {checked: true} as never,
		backup: {id: 'x', manifest: '/x', files: [{role: 'cf', path: cfPath, backup: `${cfPath}.bak`}]} as never,
	},
	events: ['Not restarted.'],
	rolledBack: false,
	failed: false,
	exitCode: 0,
};

function auditAfterAnswers(answers: Answers) {
	const plan = planHardening({cfPath, cfText, helpFile, answers});
	assert.ok(plan.ok);
	return auditAfter(cfText, helpFile, plan.value);
}

async function until(frame: () => string | undefined, wanted: RegExp): Promise<string> {
	for (let tries = 0; tries < 200; tries++) {
		const text = frame() ?? '';
		if (wanted.test(text.replaceAll(/\n\s*/g, ' '))) {
			return text;
		}

		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}

	assert.fail(`never saw ${wanted}: ${frame()}`);
}

test('Done after the article\'s answers names what audit still finds open and the answer that closes it', async () => {
	const audit = auditAfterAnswers(articleAnswers);
	assert.equal(audit.hardened, false);
	const app = render(<DoneStep cfPath={cfPath} summary={summary} audit={audit} answers={articleAnswers} presets={undefined} onFinish={() => undefined} />);
	// The table is taller than the 24 rows: its pages, read one after the other.
	let frame = await until(app.lastFrame, /still open: Received header/);
	let text = frame.replaceAll(/\n\s*/g, ' ');
	for (let pages = 0; pages < 5 && /\(lines \d+-(\d+) of (?!\1;)/.test(text); pages++) {
		const before = frame;
		app.stdin.write(']');
		frame = await until(app.lastFrame, /./);
		for (let tries = 0; tries < 200 && app.lastFrame() === before; tries++) {
			await new Promise(resolve => {
				setImmediate(resolve);
			});
		}

		frame = app.lastFrame() ?? '';
		text += ` ${frame.replaceAll(/\n\s*/g, ' ')}`;
	}

	assert.match(text, /Not hardened yet: \d+ of audit's \d+ checks are open; audit exits 1/);
	assert.match(text, /closed by the answer hideReceivedVersion: true/);
	assert.match(text, /closed by the answer privacyOptions: add noetrn, noreceipts/);
	assert.doesNotMatch(text, /Hardened: all/);
	// The same rows as --yes and verify print.
	for (const row of hardenedRows(audit, 80).slice(0, 2)) {
		assert.ok(text.includes(row.text.trim().slice(0, 30)), row.text);
	}

	app.unmount();
});

test('Done after the recommended answers says every one of audit\'s checks passes', async () => {
	const audit = auditAfterAnswers(fullAnswers);
	assert.equal(audit.hardened, true, JSON.stringify(audit.items.filter(item => !item.hardened)));
	const app = render(<DoneStep cfPath={cfPath} summary={summary} audit={audit} answers={fullAnswers} presets={undefined} onFinish={() => undefined} />);
	const frame = await until(app.lastFrame, /Hardened: all \d+ of audit's checks pass/);
	assert.doesNotMatch(frame, /still open/);
	app.unmount();
});

test('Done on a short terminal pages audit\'s table instead of cutting it with "…"', async t => {
	const audit = auditAfterAnswers(articleAnswers);
	const table = hardenedRows(audit, 80);
	const app = renderSized(t, <DoneStep cfPath={cfPath} summary={summary} audit={audit} answers={articleAnswers} presets={undefined} onFinish={() => undefined} />, 80, 16);
	let frame = await app.waitFor(/Not hardened yet/);
	assert.ok(frame.split('\n').length <= 15, frame);
	assert.doesNotMatch(frame, /…/);
	assert.match(frame, /\(lines 1-\d+ of \d+; pgup\/pgdn \[ \] scroll\)/);
	assert.match(frame, /^enter finish · pgup\/pgdn \[ \] scroll · q quit$/m);
	// Paging down shows every row of the table, the last one included, each page within the screen.
	const seen = new Set<string>();
	for (let pages = 0; pages < 20; pages++) {
		for (const line of frame.split('\n')) {
			seen.add(line.trimEnd());
		}

		if (frame.includes(`of ${table.length};`) && new RegExp(`-${table.length} of ${table.length};`).test(frame)) {
			break;
		}

		const before = frame;
		app.stdin.write(']');
		frame = await app.waitFor(shown => shown !== before, 'the next page');
		assert.ok(frame.split('\n').length <= 15, frame);
	}

	for (const row of table) {
		assert.ok(seen.has(row.text.trimEnd()), `never shown: ${row.text}`);
	}

	// Paging up comes back to the first page.
	for (let pages = 0; pages < 20 && !/\(lines 1-/.test(frame); pages++) {
		const before = frame;
		app.stdin.write('[');
		frame = await app.waitFor(shown => shown !== before, 'the page before');
	}

	assert.match(frame, /\(lines 1-/);
});
