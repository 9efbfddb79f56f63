// The diff has a bound: past MAX_DIFF_EDITS changed lines it is one summary line, found in one pass
// (a config with 20,000 PrivacyOptions lines took minutes to diff); under it, the usual diff.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {changedLineCounts, diffHunks, diffTooLarge, MAX_DIFF_EDITS, unifiedDiff} from '../../source/core/diff.js';
import {planHardening} from '../../source/core/plan.js';
import {lineRanges} from '../../source/core/sendmail-cf.js';

const demo = readFileSync('source/demo/sendmail.cf', 'latin1');

/** The demo config with `count` more PrivacyOptions lines before its own. */
function withPrivacyLines(count: number): string {
	return demo.replace('O PrivacyOptions=', `${'O PrivacyOptions=authwarnings\n'.repeat(count)}O PrivacyOptions=`);
}

test('changedLineCounts counts lines only on one side, as multisets', () => {
	assert.deepEqual(changedLineCounts('a\nb\nb\nc\n', 'b\nc\nd\nd\n'), {removed: 2, added: 2});
	assert.deepEqual(changedLineCounts('same\n', 'same\n'), {removed: 0, added: 0});
});

test('a change under the bound is shown as the usual unified diff', () => {
	const before = withPrivacyLines(10);
	const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: before, answers: {privacyOptions: ['goaway']}});
	assert.ok(plan.ok);
	const [cf] = plan.value.files;
	assert.ok(cf);
	const diff = unifiedDiff(cf);
	assert.match(diff, /^--- \/etc\/mail\/sendmail\.cf\tcurrent\n\+\+\+ \/etc\/mail\/sendmail\.cf\thardened\n@@ /);
	assert.match(diff, /^-O PrivacyOptions=authwarnings$/m);
	assert.match(diff, /^\+#O PrivacyOptions=authwarnings$/m);
	assert.ok(diffHunks(cf)!.length > 0);
	assert.equal(diffTooLarge(cf), undefined);
});

test('20,000 PrivacyOptions lines: the plan says their lines as a range, and the diff is one summary line', () => {
	const before = withPrivacyLines(20_000);
	const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: before, answers: {privacyOptions: ['goaway']}});
	assert.ok(plan.ok);
	assert.ok(plan.value.notes.some(note => /lines 284-20283 are commented out/.test(note)), plan.value.notes.join('\n').slice(0, 500));
	const [cf] = plan.value.files;
	assert.ok(cf);
	const summary = '/etc/mail/sendmail.cf: 40002 lines changed (20001 removed, 20001 added), too many to show as a diff';
	assert.equal(unifiedDiff(cf), `${summary}\n`);
	assert.equal(diffTooLarge(cf), summary);
	assert.equal(diffHunks(cf), undefined);
	assert.ok(40_002 > MAX_DIFF_EDITS);
});

test('lineRanges writes runs of line numbers as ranges', () => {
	assert.equal(lineRanges([]), '');
	assert.equal(lineRanges([3]), '3');
	assert.equal(lineRanges([3, 4]), '3, 4');
	assert.equal(lineRanges([3, 4, 5, 9, 11, 12, 13]), '3-5, 9, 11-13');
});
