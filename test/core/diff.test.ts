// The diff has a bound: past MAX_DIFF_EDITS changed lines it is one summary line, found in one pass
// (a config with 20,000 PrivacyOptions lines took minutes to diff); under it, the usual diff.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {applyPatch, createTwoFilesPatch} from 'diff';
import fc from 'fast-check';
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

test('the diff of the changed part, renumbered, is the diff of the whole files', () => {
	// The unchanged lines before and after a change are left out of what the diff library sees.
	const lines = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', ''];
	fc.assert(fc.property(
		fc.array(fc.constantFrom(...lines), {maxLength: 30}),
		fc.array(fc.tuple(fc.nat(40), fc.nat(3), fc.array(fc.constantFrom(...lines), {maxLength: 3})), {maxLength: 3}),
		fc.boolean(),
		fc.nat(4),
		(base, edits, finalNewline, context) => {
			const edited = [...base];
			for (const [at, removed, added] of edits) {
				edited.splice(at % (edited.length + 1), removed, ...added);
			}

			const ending = finalNewline ? '\n' : '';
			const change = {role: 'cf' as const, path: '/x', before: base.join('\n') + ending, after: edited.join('\n') + ending};
			const whole = createTwoFilesPatch('/x', '/x', change.before, change.after, 'current', 'hardened', {context});
			const part = unifiedDiff(change, context);
			// Where repeated lines make two diffs equally short, either may be shown: both are exact and as short.
			assert.equal(applyPatch(change.before, part, {fuzzFactor: 0}), change.after);
			assert.deepEqual(changedLines(part), changedLines(whole));
			assert.deepEqual(hunkStarts(part).length > 0, hunkStarts(whole).length > 0);
		},
	), {numRuns: 300});
});

const changedLines = (patch: string) => ({removed: patch.split('\n').filter(line => /^-(?!--)/.test(line)).length, added: patch.split('\n').filter(line => /^\+(?!\+\+)/.test(line)).length});
const hunkStarts = (patch: string) => patch.split('\n').filter(line => line.startsWith('@@'));

test('the diff of a hardened large config is the diff of the whole files, numbered as in them', () => {
	const answers = {greeting: '$j', maxMessageSize: 500000, maxRecipientsPerMessage: 10, privacyOptions: ['goaway' as const], hideReceivedVersion: true};
	for (const cfText of [demo, `${'# padding\n'.repeat(3000)}${demo}${'# padding\n'.repeat(3000)}`]) {
		const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText, answers});
		assert.ok(plan.ok);
		const [change] = plan.value.files;
		for (const context of [0, 1, 3]) {
			const whole = createTwoFilesPatch(change!.path, change!.path, change!.before, change!.after, 'current', 'hardened', {context}).replace(/^Index: .*\n=+\n/, '');
			assert.equal(unifiedDiff(change!, context), whole);
		}

		assert.ok(hunkStarts(unifiedDiff(change!)).some(line => line.startsWith(`@@ -${cfText === demo ? 187 : 3187},`)), unifiedDiff(change!).slice(0, 300));
	}
});
