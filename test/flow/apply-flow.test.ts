// The apply flow with every effect faked: each step's success, failure and skip, the rollback run
// once, --dry-run skipping each step with its reason, and Ctrl+C stopping where it is safe.
import assert from 'node:assert/strict';
import test from 'node:test';
import type {Answers} from '../../source/core/answers.js';
import type {Plan} from '../../source/core/plan.js';
import type {RestartPlan} from '../../source/core/restart-plan.js';
import {fail, ok} from '../../source/core/result.js';
import type {Check} from '../../source/core/verify-checks.js';
import {runApplyFlow, type ApplyFlowDeps, type ApplyFlowInput, type FlowStepId, type FlowStepView, type RehearsalReport} from '../../source/flow/apply-flow.js';
import type {BackupSet} from '../../source/system/backup-sets.js';

const answers: Answers = {maxMessageSize: 500_000};
const plan: Plan = {
	files: [
		{role: 'cf', path: '/etc/mail/sendmail.cf', before: 'O MaxMessageSize=0\n', after: 'O DaemonPortOptions=Port=2525,Addr=127.0.0.1, Name=MTA\nO MaxMessageSize=500000\n'},
		{role: 'helpfile', path: '/etc/mail/helpfile', before: 'smtp\tThis is sendmail version $v\nsmtp\tTopics:\n', after: 'smtp\tTopics:\n'},
	],
	settings: [{setting: 'MaxMessageSize', from: '0', to: '500000'}],
	notes: [],
	warnings: [],
};
const initScript: RestartPlan = {label: '/etc/init.d/sendmail restart', command: '/etc/init.d/sendmail', args: ['restart']};
const backup: BackupSet = {
	id: '20261202T070000-000Z',
	manifest: '/var/lib/sendmail-harden/x.json',
	config: '/etc/mail/sendmail.cf',
	savedAt: '2026-12-02T07:00:00.000Z',
	files: [{role: 'cf', path: '/etc/mail/sendmail.cf', backup: '/etc/mail/sendmail.cf.bak', backupSha256: 'b', writtenSha256: 'x', ownership: {mode: 0o644, uid: 0, gid: 0}}],
};
const pass = (name: string): Check => ({name, status: 'pass', expected: 'SIZE 500000', reply: '250-SIZE 500000'});
const failing: Check = {name: 'SIZE', status: 'fail', expected: 'SIZE 500000', reply: '250-SIZE'};
const agrees: RehearsalReport = {status: 'ran', checks: [pass('SIZE')], exchange: [], agrees: true};

type Call = string;

/** Fakes that log each call; every one succeeds unless a test says otherwise. */
function fakes(overrides: Partial<ApplyFlowDeps> = {}): {deps: ApplyFlowDeps; calls: Call[]} {
	const calls: Call[] = [];
	const deps: ApplyFlowDeps = {
		now: () => new Date('2026-12-02T07:00:00Z'),
		async validatePlan(_plan, options) {
			calls.push(`check ${options.cfPath}`);
			return ok({checked: true});
		},
		async rehearse(files, chosen) {
			calls.push(`rehearse ${files.cfText.includes('MaxMessageSize=500000') ? 'candidate' : 'current'} help:${files.helpFileText === 'smtp\tTopics:\n' ? 'candidate' : String(files.helpFileText)} ${JSON.stringify(chosen)}`);
			return ok(agrees);
		},
		async applyPlan(_plan, options) {
			calls.push(`write ${options.cfPath}`);
			return {ok: true, value: {validation: {checked: true}, backup}};
		},
		async findRestartPlan() {
			calls.push('find restart');
			return initScript;
		},
		async runRestart(restartPlan, {onOutput}) {
			calls.push(`restart ${restartPlan.label}`);
			onOutput('Restarting Mail Transport Agent (MTA): sendmail\n');
			return {ok: true, output: 'Restarting Mail Transport Agent (MTA): sendmail\n'};
		},
		async waitForListener(host, port) {
			calls.push(`listen ${host}:${port}`);
			return true;
		},
		async verifyServer(host, port) {
			calls.push(`verify ${host}:${port}`);
			return ok({checks: [pass('SIZE')], exchange: [], transcript: {banner: {code: 220, lines: []}, recipients: [], recipientsPlanned: 0}});
		},
		async rollback(_set, {force}) {
			calls.push(`rollback force:${force}`);
			return ok(['/etc/mail/sendmail.cf']);
		},
		...overrides,
	};
	return {deps, calls};
}

function input(overrides: Partial<ApplyFlowInput> = {}): ApplyFlowInput {
	return {plan, answers, cfPath: '/etc/mail/sendmail.cf', cfText: 'O MaxMessageSize=0\n', helpFileText: 'old help', dryRun: false, restart: 'yes', ...overrides};
}

const statuses = (steps: readonly FlowStepView[]) => Object.fromEntries(steps.map(step => [step.id, step.status])) as Record<FlowStepId, FlowStepView['status']>;
const detail = (steps: readonly FlowStepView[], id: FlowStepId) => steps.find(step => step.id === id)?.detail ?? '';

test('every step succeeds: rehearse the candidate files, write, restart, wait, verify at the new config\'s address; no rollback', async () => {
	const {deps, calls} = fakes();
	const result = await runApplyFlow(input(), deps);
	assert.deepEqual(calls, [
		'check /etc/mail/sendmail.cf',
		`rehearse candidate help:candidate ${JSON.stringify(answers)}`,
		'write /etc/mail/sendmail.cf',
		'find restart',
		'restart /etc/init.d/sendmail restart',
		'listen 127.0.0.1:2525',
		'verify 127.0.0.1:2525',
	]);
	assert.deepEqual(statuses(result.steps), {check: 'done', rehearse: 'done', write: 'done', restart: 'done', listen: 'done', verify: 'done', rollback: 'off'});
	assert.equal(result.outcome, 'done');
	assert.equal(result.exitCode, 0);
	assert.equal(result.meaning, 'done');
	assert.equal(result.changed, true);
	assert.equal(result.error, undefined);
	assert.deepEqual(result.restart, {attempted: true, ok: true, command: initScript.label, output: 'Restarting Mail Transport Agent (MTA): sendmail\n', rolledBack: false});
	assert.deepEqual(result.verify, {passed: true, checks: [pass('SIZE')]});
});

test('the rehearsal reads the file as it is where the plan leaves it alone', async () => {
	const {deps, calls} = fakes();
	const helpOnly: Plan = {...plan, files: [plan.files[1]!]};
	await runApplyFlow(input({plan: helpOnly, restart: 'no'}), deps);
	assert.equal(calls[1], `rehearse current help:candidate ${JSON.stringify(answers)}`);
});

test('a rehearsal that contradicts the answers: nothing written, exit 1, one problem line per failed check', async () => {
	const {deps, calls} = fakes({rehearse: async () => ok({status: 'ran', checks: [pass('banner'), failing], exchange: [], agrees: false})});
	const result = await runApplyFlow(input(), deps);
	assert.deepEqual(calls, ['check /etc/mail/sendmail.cf']);
	assert.deepEqual(statuses(result.steps), {check: 'done', rehearse: 'failed', write: 'skipped', restart: 'skipped', listen: 'skipped', verify: 'skipped', rollback: 'off'});
	assert.equal(detail(result.steps, 'write'), 'the rehearsal contradicts the answers');
	assert.equal(result.outcome, 'refused');
	assert.equal(result.exitCode, 1);
	assert.equal(result.meaning, 'verify failed');
	assert.equal(result.changed, false);
	assert.match(result.error ?? '', /^sendmail's rehearsal of the new config contradicts the answers \(SIZE\); nothing was written$/);
	assert.deepEqual(result.problems, ['rehearsal: SIZE: expected SIZE 500000; sendmail said "250-SIZE"']);
});

test('a rehearsal that broke refuses too; one that was skipped says why and the write goes on', async () => {
	const broke = await runApplyFlow(input(), fakes({rehearse: async () => fail('sendmail -bs did not answer within 30 s')}).deps);
	assert.equal(broke.outcome, 'refused');
	assert.equal(broke.exitCode, 1);
	assert.match(broke.error ?? '', /did not finish: sendmail -bs did not answer within 30 s; nothing was written/);
	assert.equal(broke.applied, undefined);

	const {deps, calls} = fakes({rehearse: async () => ok({status: 'skipped', reason: 'sendmail is not installed here'})});
	const skipped = await runApplyFlow(input({restart: 'no'}), deps);
	assert.equal(skipped.outcome, 'done');
	assert.equal(detail(skipped.steps, 'rehearse'), 'not rehearsed: sendmail is not installed here');
	assert.deepEqual(skipped.rehearsal, {status: 'skipped', reason: 'sendmail is not installed here'});
	assert.ok(calls.includes('write /etc/mail/sendmail.cf'));
});

test('a rehearsal already run on these files (Review\'s) is not run again', async () => {
	const {deps, calls} = fakes();
	const result = await runApplyFlow(input({rehearsal: agrees, restart: 'no'}), deps);
	assert.ok(!calls.some(call => call.startsWith('rehearse')));
	assert.equal(result.steps[1]!.status, 'done');
	assert.equal(result.rehearsal, agrees);
});

// sendmail refusing the new config is the check step's (exit 2, see below); the write only fails on the disk.
test('a disk failure exits 3 and does not restart', async () => {
	const {deps, calls} = fakes({applyPlan: async () => ({ok: false, stage: 'write', error: 'cannot write /etc/mail/sendmail.cf: ENOSPC; nothing was written'})});
	const diskFull = await runApplyFlow(input(), deps);
	assert.equal(diskFull.outcome, 'write-failed');
	assert.equal(diskFull.exitCode, 3);
	assert.equal(diskFull.meaning, 'write failed');
	assert.equal(diskFull.changed, false);
	assert.ok(!calls.some(call => call.startsWith('restart') || call.startsWith('rollback')));
});

test('a failed restart rolls back once (forced), restarts on the old files, and exits 3 with nothing changed', async () => {
	let restarts = 0;
	const {deps, calls} = fakes({
		async runRestart(_plan, {onOutput}) {
			restarts++;
			calls.push(`restart ${restarts}`);
			// Debian's init script prints its line in pieces; the output stays its own per run.
			onOutput('Restarting Mail Transport Agent (MTA): sendmail');
			return restarts === 1 ? {ok: false, error: '`/etc/init.d/sendmail restart` did not finish within 60 s; it was stopped', output: ''} : {ok: true, output: ''};
		},
	});
	const result = await runApplyFlow(input(), deps, {confirmRollback: async () => assert.fail('a failed restart is rolled back without asking')});
	assert.deepEqual(calls.filter(call => !call.startsWith('check') && !call.startsWith('rehearse') && !call.startsWith('write')), ['find restart', 'restart 1', 'rollback force:true', 'restart 2']);
	assert.deepEqual(statuses(result.steps), {check: 'done', rehearse: 'done', write: 'done', restart: 'failed', listen: 'skipped', verify: 'skipped', rollback: 'done'});
	assert.equal(result.outcome, 'restart-failed');
	assert.equal(result.exitCode, 3);
	assert.equal(result.changed, false);
	assert.equal(result.restart?.rolledBack, true);
	assert.match(result.error ?? '', /did not finish within 60 s; it was stopped; the old files are back and sendmail was restarted on them$/);
	const restartOutput = result.steps.find(step => step.id === 'restart')!.output;
	const rollbackOutput = result.steps.find(step => step.id === 'rollback')!.output;
	assert.equal(restartOutput, 'Restarting Mail Transport Agent (MTA): sendmail');
	assert.equal(rollbackOutput, 'Restarting Mail Transport Agent (MTA): sendmail');
});

test('a failed restart whose old files cannot be put back says so and keeps changed true', async () => {
	const {deps} = fakes({
		runRestart: async () => ({ok: false, error: 'exit status 1', output: ''}),
		rollback: async () => fail('/etc/mail/sendmail.cf.bak is missing'),
	});
	const result = await runApplyFlow(input(), deps);
	assert.equal(result.exitCode, 3);
	assert.equal(result.changed, true);
	assert.match(result.error ?? '', /the old files could not be put back \(\/etc\/mail\/sendmail\.cf\.bak is missing\)$/);
});

test('nothing listening: rollback is offered; yes restores and restarts on the old files, no keeps them; exit 3 either way', async () => {
	let offered = '';
	const yes = fakes({waitForListener: async () => false});
	const rolled = await runApplyFlow(input(), yes.deps, {
		async confirmRollback(why) {
			offered = why;
			return true;
		},
	});
	assert.equal(offered, 'sendmail was restarted, but nothing listens on 127.0.0.1:2525; check its log');
	assert.deepEqual(yes.calls.slice(-2), ['rollback force:false', 'restart /etc/init.d/sendmail restart']);
	assert.equal(rolled.exitCode, 3);
	assert.equal(rolled.changed, false);
	assert.deepEqual(rolled.rollback, {ok: true, message: 'the old files are back and sendmail was restarted on them', restored: ['/etc/mail/sendmail.cf'], restarted: true});

	const no = fakes({waitForListener: async () => false});
	const kept = await runApplyFlow(input(), no.deps, {confirmRollback: async () => false});
	assert.equal(kept.steps.find(step => step.id === 'rollback')?.status, 'skipped');
	assert.equal(detail(kept.steps, 'rollback'), 'kept the new files; undo with: sendmail-harden rollback --config /etc/mail/sendmail.cf');
	assert.equal(kept.exitCode, 3);
	assert.equal(kept.changed, true);
	assert.ok(!no.calls.some(call => call.startsWith('rollback')));
});

test('a failed live check exits 1 with a problem line per check; --yes (no hook) keeps the files; rollback once when chosen', async () => {
	const verifyFails = {verifyServer: async () => ok({checks: [pass('banner'), failing], exchange: [], transcript: {banner: {code: 220, lines: []}, recipients: [], recipientsPlanned: 0}})};
	const kept = await runApplyFlow(input(), fakes(verifyFails).deps);
	assert.equal(kept.outcome, 'verify-failed');
	assert.equal(kept.exitCode, 1);
	assert.equal(kept.meaning, 'verify failed');
	assert.deepEqual(kept.problems, ['live server: SIZE: expected SIZE 500000; the server said "250-SIZE"']);
	assert.equal(kept.verify?.passed, false);
	assert.equal(kept.changed, true);

	let asked = 0;
	const {deps, calls} = fakes(verifyFails);
	const rolled = await runApplyFlow(input(), deps, {
		async confirmRollback() {
			asked++;
			return true;
		},
	});
	assert.equal(asked, 1);
	assert.equal(calls.filter(call => call.startsWith('rollback')).length, 1);
	assert.equal(rolled.exitCode, 1);
	assert.equal(rolled.changed, false);
	assert.match(rolled.error ?? '', /^the live server failed 1 check: SIZE; the old files are back and sendmail was restarted on them$/);
});

test('a live check that cannot be made exits 1 and offers rollback', async () => {
	let offered = '';
	const result = await runApplyFlow(input(), fakes({verifyServer: async () => fail('the server at 127.0.0.1:2525 refused the connection')}).deps, {
		async confirmRollback(why) {
			offered = why;
			return false;
		},
	});
	assert.equal(result.exitCode, 1);
	assert.equal(offered, 'could not check the live server: the server at 127.0.0.1:2525 refused the connection');
});

test('--dry-run rehearses, then skips every other step with what it would have done', async () => {
	const {deps, calls} = fakes();
	const result = await runApplyFlow(input({dryRun: true}), deps);
	assert.deepEqual(calls, ['check /etc/mail/sendmail.cf', `rehearse candidate help:candidate ${JSON.stringify(answers)}`, 'find restart']);
	assert.deepEqual(statuses(result.steps), {check: 'done', rehearse: 'done', write: 'skipped', restart: 'skipped', listen: 'skipped', verify: 'skipped', rollback: 'off'});
	assert.match(detail(result.steps, 'write'), /^dry run: nothing written/);
	assert.equal(detail(result.steps, 'restart'), 'dry run: would run /etc/init.d/sendmail restart');
	assert.equal(detail(result.steps, 'listen'), 'dry run: would wait for sendmail on 127.0.0.1:2525');
	assert.equal(detail(result.steps, 'verify'), 'dry run: would check the live server on 127.0.0.1:2525');
	assert.equal(result.changed, true, 'would change');
	assert.equal(result.exitCode, 0);

	const without = await runApplyFlow(input({dryRun: true, restart: 'no'}), fakes().deps);
	assert.equal(detail(without.steps, 'restart'), 'dry run: would not restart; Restart sendmail to load the new settings; run: /etc/init.d/sendmail restart');
	assert.equal(detail(without.steps, 'verify'), 'dry run: sendmail would not be restarted');
});

test('no restart: --no-restart says how, a demo copy says why without looking for a restart command, and ask follows the answer', async () => {
	const no = await runApplyFlow(input({restart: 'no'}), fakes().deps);
	assert.equal(detail(no.steps, 'restart'), 'Restart sendmail to load the new settings; run: /etc/init.d/sendmail restart');
	assert.equal(detail(no.steps, 'listen'), 'sendmail was not restarted');
	assert.equal(no.manualRestart, 'Restart sendmail to load the new settings; run: /etc/init.d/sendmail restart');
	assert.equal(no.exitCode, 0);

	const demo = fakes();
	const demoResult = await runApplyFlow(input({noRestartReason: 'Demo mode: no sendmail was restarted.'}), demo.deps);
	assert.equal(detail(demoResult.steps, 'restart'), 'Demo mode: no sendmail was restarted.');
	assert.ok(!demo.calls.includes('find restart'));

	const asked: string[] = [];
	const declined = fakes();
	await runApplyFlow(input({restart: 'ask'}), declined.deps, {
		async confirmRestart(found) {
			asked.push(found.label);
			return false;
		},
	});
	assert.deepEqual(asked, ['/etc/init.d/sendmail restart']);
	assert.ok(!declined.calls.some(call => call.startsWith('restart')));
	const accepted = fakes();
	await runApplyFlow(input({restart: 'ask'}), accepted.deps, {confirmRestart: async () => true});
	assert.ok(accepted.calls.includes('restart /etc/init.d/sendmail restart'));
});

test('Ctrl+C before the write: nothing written; after the write: no restart, and how to do it; while waiting: stops, exit 1', async () => {
	const early = new AbortController();
	const beforeWrite = fakes({
		async rehearse() {
			early.abort();
			return ok(agrees);
		},
	});
	const stoppedEarly = await runApplyFlow(input(), beforeWrite.deps, {signal: early.signal});
	assert.ok(!beforeWrite.calls.some(call => call.startsWith('write')));
	assert.equal(detail(stoppedEarly.steps, 'write'), 'stopped (Ctrl+C): nothing was written');
	assert.equal(stoppedEarly.changed, false);
	assert.equal(stoppedEarly.exitCode, 0);

	const afterWrite = new AbortController();
	const written = fakes({
		async applyPlan() {
			afterWrite.abort();
			return {ok: true, value: {validation: {checked: true}, backup}};
		},
	});
	const stoppedAfter = await runApplyFlow(input(), written.deps, {signal: afterWrite.signal});
	assert.ok(!written.calls.some(call => call.startsWith('restart')));
	assert.equal(detail(stoppedAfter.steps, 'restart'), 'stopped (Ctrl+C); Restart sendmail to load the new settings; run: /etc/init.d/sendmail restart');
	assert.equal(stoppedAfter.changed, true);
	assert.equal(stoppedAfter.exitCode, 0);

	const waiting = new AbortController();
	const listening = fakes({
		async waitForListener(_host, _port, {signal}) {
			waiting.abort();
			assert.equal(signal?.aborted, true);
			return false;
		},
	});
	const stoppedWaiting = await runApplyFlow(input(), listening.deps, {signal: waiting.signal});
	assert.equal(stoppedWaiting.outcome, 'stopped');
	assert.equal(stoppedWaiting.exitCode, 1);
	assert.equal(stoppedWaiting.steps.find(step => step.id === 'rollback')?.status, 'off');
	assert.ok(!listening.calls.some(call => call.startsWith('verify')));
});

test('onChange sees each step start and end, in order', async () => {
	const seen: string[] = [];
	await runApplyFlow(input({restart: 'no'}), fakes().deps, {
		onChange(steps) {
			const running = steps.find(step => step.status === 'running');
			if (running !== undefined && seen.at(-1) !== running.id) {
				seen.push(running.id);
			}
		},
	});
	assert.deepEqual(seen, ['check', 'rehearse', 'write']);
});

test('sendmail refusing to load the new config: exit 2 before any rehearsal or write', async () => {
	const {deps, calls} = fakes({validatePlan: async () => fail('sendmail rejects the new config: line 2: bad; nothing was written')});
	const result = await runApplyFlow(input(), deps);
	assert.deepEqual(calls, []);
	assert.equal(result.outcome, 'rejected');
	assert.equal(result.exitCode, 2);
	assert.equal(result.error, 'sendmail rejects the new config: line 2: bad; nothing was written');
	assert.deepEqual(statuses(result.steps), {check: 'failed', rehearse: 'skipped', write: 'skipped', restart: 'skipped', listen: 'skipped', verify: 'skipped', rollback: 'off'});
});

test('a config sendmail already rejects the same way cannot be rehearsed: said plainly, and the write goes on', async () => {
	const reason = 'sendmail already rejects the current config (line 2: bad); the change does not make it worse';
	const {deps, calls} = fakes({validatePlan: async () => ok({checked: false, reason})});
	const result = await runApplyFlow(input({restart: 'no'}), deps);
	assert.ok(!calls.some(call => call.startsWith('rehearse')));
	assert.deepEqual(result.rehearsal, {status: 'skipped', reason});
	assert.equal(result.exitCode, 0);
});

test('only failed checks the answers decide stop the write: a version left in the banner by answers that keep the greeting does not', async () => {
	const banner: Check = {name: 'banner', status: 'fail', expected: 'no version number; it shows 8.17.1.9', reply: '220 mail ESMTP Sendmail 8.17.1.9'};
	const help: Check = {name: 'HELP', status: 'fail', expected: 'no version number in HELP', reply: '214-2.0.0 This is sendmail version 8.17.1.9'};
	const report: RehearsalReport = {status: 'ran', checks: [banner, help, pass('SIZE')], exchange: [], agrees: false};
	const kept = await runApplyFlow(input({restart: 'no'}), fakes({rehearse: async () => ok(report)}).deps);
	assert.equal(kept.outcome, 'done');

	const chosen = await runApplyFlow(input({answers: {...answers, greeting: '$j mailserver; $b', hideHelpVersion: true}, restart: 'no'}), fakes({rehearse: async () => ok(report)}).deps);
	assert.equal(chosen.outcome, 'refused');
	assert.equal(chosen.problems.length, 2);
	const withVersion = await runApplyFlow(input({answers: {...answers, greeting: '$j Sendmail $v/$Z; $b'}, restart: 'no'}), fakes({rehearse: async () => ok(report)}).deps);
	assert.equal(withVersion.outcome, 'done', 'a greeting chosen with $v shows the version, as the answers say');
});

test('Ctrl+C during the live check stops without waiting for it: written, restarted, not verified, exit 1, no rollback', async () => {
	const stop = new AbortController();
	const {deps} = fakes({
		verifyServer: async () => {
			stop.abort();
			return new Promise(() => undefined); // a server that never finishes answering
		},
	});
	const result = await runApplyFlow(input(), deps, {signal: stop.signal, confirmRollback: async () => assert.fail('nothing to roll back')});
	assert.equal(result.outcome, 'stopped');
	assert.equal(result.exitCode, 1);
	assert.equal(result.changed, true);
	assert.equal(result.steps.find(step => step.id === 'verify')?.status, 'failed');
	assert.match(result.error ?? '', /stopped before the live server was checked/);
});

// Issue 22: the words for a running step are the flow's (FlowStepView.doing); the wizard's line
// and --yes's progress both print them, rather than each face rewording the titles.
test('each running step says what it does, in the words both faces print', async () => {
	const {deps} = fakes();
	const running = new Map<FlowStepId, string>();
	await runApplyFlow(input({restart: 'yes'}), deps, {
		onChange(steps) {
			for (const step of steps) {
				if (step.status === 'running') {
					running.set(step.id, step.doing);
				}
			}
		},
	});
	assert.deepEqual(Object.fromEntries(running), {
		check: 'Checking the new config with sendmail -bt',
		rehearse: 'Rehearsing the new config with sendmail',
		write: 'Backing up and writing',
		restart: 'Restarting sendmail: /etc/init.d/sendmail restart',
		listen: 'Waiting for sendmail on 127.0.0.1:2525',
		verify: 'Checking the live server on 127.0.0.1:2525',
	});
});

test('STARTTLS: the rehearsal is held against the config in force, and the live check expects STARTTLS where the new config sets it up', async () => {
	const seen: {current?: string; expected?: unknown} = {};
	const starttlsLines = 'O ServerCertFile=/etc/mail/tls/sendmail-server.crt\n';
	const withTls: Plan = {...plan, files: [{...plan.files[0]!, after: `${plan.files[0]!.after}${starttlsLines}`}, plan.files[1]!]};
	const {deps} = fakes({
		async rehearse(_files, _answers, options) {
			seen.current = options?.currentCfText;
			return ok(agrees);
		},
		async verifyServer(_host, _port, _answers, options) {
			seen.expected = options?.starttlsExpected;
			return ok({checks: [pass('SIZE')], exchange: [], transcript: {banner: {code: 220, lines: []}, recipients: [], recipientsPlanned: 0}});
		},
	});
	await runApplyFlow(input({plan: withTls, cfText: `O MaxMessageSize=0\n${starttlsLines}`}), deps);
	assert.equal(seen.current, `O MaxMessageSize=0\n${starttlsLines}`);
	assert.deepEqual(seen.expected, {because: 'as the new config sets it up'});
	// Without a certificate in the new config, nothing is expected of the live server.
	await runApplyFlow(input(), deps);
	assert.equal(seen.expected, undefined);
});
