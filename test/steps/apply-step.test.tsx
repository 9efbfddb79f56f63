// The Apply step on its own, drawn on terminals of a given size: every frame fits (80x15, 60x20),
// a restart's output keeps its lines, and Ctrl+C says what happens and stops when it is safe.
import assert from 'node:assert/strict';
import test from 'node:test';
import {render} from 'ink';
import type {Plan} from '../../source/core/plan.js';
import type {RestartPlan} from '../../source/core/restart-plan.js';
import {ok} from '../../source/core/result.js';
import type {Check} from '../../source/core/verify-checks.js';
import {runApplyFlow, type ApplyFlowDeps, type ApplyFlowHooks, type RehearsalReport} from '../../source/flow/apply-flow.js';
import type {BackupSet} from '../../source/system/backup-sets.js';
import {ApplyStep, type ApplySummary} from '../../source/steps/ApplyStep.js';
import {KeyStdin, SizedStdout} from '../helpers/sized-terminal.js';
import {waitForScreen} from '../app-helpers.js';

const pause = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

const KEY = {enter: '\r', down: '\u001B[B', ctrlC: '\u0003'};

const defaultPlan: Plan = {
	files: [
		{role: 'cf', path: '/etc/mail/sendmail.cf', before: 'O MaxMessageSize=0\n', after: 'O MaxMessageSize=500000\n'},
		{role: 'helpfile', path: '/etc/mail/helpfile', before: 'smtp\tThis is sendmail version $v\n', after: ''},
	],
	settings: [{setting: 'MaxMessageSize', from: '0', to: '500000'}],
	notes: [],
	warnings: [],
};
const debianInit: RestartPlan = {label: 'systemctl restart sendmail', command: '/bin/systemctl', args: ['restart', 'sendmail']};
const ownership = {mode: 0o644, uid: 0, gid: 0};
const backup: BackupSet = {
	id: '20261202T070000-000Z',
	manifest: '/var/lib/sendmail-harden/20261202T070000-000Z.json',
	config: '/etc/mail/sendmail.cf',
	savedAt: '2026-12-02T07:00:00.000Z',
	files: [
		{role: 'cf', path: '/etc/mail/sendmail.cf', backup: '/etc/mail/sendmail.cf.sendmail-harden-20261202T070000-000Z.bak', backupSha256: 'a', writtenSha256: 'x', ownership},
		{role: 'helpfile', path: '/etc/mail/helpfile', backup: '/etc/mail/helpfile.sendmail-harden-20261202T070000-000Z.bak', backupSha256: 'b', writtenSha256: 'y', ownership},
	],
};
const checks: Check[] = ['banner', 'HELP', 'MAIL before HELO', 'VRFY', 'EXPN', 'SIZE', 'recipient limit'].map(name => ({
	name,
	status: name === 'SIZE' ? 'fail' : 'pass',
	expected: name === 'SIZE' ? 'SIZE 500000' : 'as chosen',
	reply: name === 'SIZE' ? '250-SIZE' : `250 2.0.0 a long reply from the live server about ${name} that goes well past the edge of a narrow terminal`,
}));
const rehearsal: RehearsalReport = {status: 'ran', checks: checks.map(check => ({...check, status: 'pass'})), exchange: [], agrees: true};

function deps(overrides: Partial<ApplyFlowDeps> = {}): ApplyFlowDeps {
	return {
		now: () => new Date('2026-12-02T07:00:00Z'),
		validatePlan: async () => ok({checked: true}),
		rehearse: async () => ok(rehearsal),
		applyPlan: async () => ({ok: true, value: {validation: {checked: true}, backup}}),
		findRestartPlan: async () => debianInit,
		async runRestart(_plan, {onOutput}) {
			for (let line = 1; line <= 9; line++) {
				onOutput(`Restarting Mail Transport Agent (MTA): step ${line} of a chatty init script\n`);
			}

			return {ok: true, output: ''};
		},
		waitForListener: async () => true,
		verifyServer: async () => ok({checks, exchange: [], transcript: {banner: {code: 220, lines: []}, recipients: [], recipientsPlanned: 11}}),
		rollback: async () => ok(['/etc/mail/sendmail.cf', '/etc/mail/helpfile']),
		...overrides,
	};
}

type Drawn = {stdin: KeyStdin; frames: string[]; frame(): string; done(): ApplySummary | undefined; press(...keys: string[]): Promise<void>; waitFor(text: string | RegExp): Promise<string>; unmount(): void};

function draw(columns: number, rows: number, flowDeps: ApplyFlowDeps, plan: Plan = defaultPlan): Drawn {
	const stdout = new SizedStdout(columns, rows);
	const stdin = new KeyStdin();
	let summary: ApplySummary | undefined;
	const instance = render(
		<ApplyStep
			plan={plan}
			run={async (hooks: ApplyFlowHooks) => runApplyFlow({plan, answers: {maxMessageSize: 500_000}, cfPath: '/etc/mail/sendmail.cf', cfText: 'O MaxMessageSize=0\n', dryRun: false, restart: 'ask'}, flowDeps, hooks)}
			onBusy={() => undefined}
			onExitCode={() => undefined}
			onWritten={() => undefined}
			onBack={() => undefined}
			onDone={value => {
				summary = value;
			}}
		/>,
		// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
		{stdout: stdout as any, stderr: new SizedStdout(columns, rows) as any, stdin: stdin as any, debug: true, exitOnCtrlC: false, patchConsole: false},
	);
	const frame = () => stdout.frames.at(-1) ?? '';
	return {
		stdin,
		frames: stdout.frames,
		frame,
		done: () => summary,
		async press(...keys) {
			for (const key of keys) {
				stdin.write(key);
				await pause(15);
			}
		},
		waitFor: async text => waitForScreen(frame, text),

		unmount: () => instance.unmount(),
	};
}

/** Frames are whole screens in debug mode: none may be as tall as the terminal, or wider. */
function assertFits(frames: readonly string[], columns: number, rows: number): void {
	for (const frame of frames) {
		const lines = frame.replace(/\n$/, '').split('\n');
		assert.ok(lines.length < rows, `a frame of ${lines.length} rows on a ${columns}x${rows} terminal:\n${frame}`);
		for (const line of lines) {
			// eslint-disable-next-line no-control-regex
			assert.ok(line.replaceAll(/\u001B\[[\d;]*m/g, '').length <= columns, `a row wider than ${columns}: ${line}`);
		}
	}
}

for (const [columns, rows] of [[80, 15], [60, 20]] as const) {
	test(`at ${columns}x${rows} every Apply frame fits: the question, a chatty restart, failed checks, the rollback`, async () => {
		const app = draw(columns, rows, deps());
		try {
			await app.waitFor('Restart sendmail now');
			await app.press(KEY.enter);
			const offer = await app.waitFor('Keep the new files');
			// What matters stays when rows run short: the failed check and the choice.
			assert.match(offer, /✗ SIZE: 250-SIZE/);
			assert.match(offer, /Roll back to the old files and restart/);
			await app.press(KEY.enter);
			const rolled = await app.waitFor('Continue');
			assert.match(rolled, /sendmail restarted on the old files/);
			assertFits(app.frames, columns, rows);
		} finally {
			app.unmount();
		}
	});
}

test('a restart that times out keeps its output\'s lines, apart from the rollback\'s restart', async () => {
	let runs = 0;
	const app = draw(100, 40, deps({
		async runRestart(_plan, {onOutput}) {
			runs++;
			// Debian's init script prints this without a newline before it is stopped at the time limit.
			onOutput('Restarting Mail Transport Agent (MTA): sendmail');
			return runs === 1
				? {ok: false, error: '`systemctl restart sendmail` did not finish within 60 s; it was stopped. Check the service\'s state and its log', output: ''}
				: {ok: true, output: ''};
		},
	}));
	try {
		await app.waitFor('Restart sendmail now');
		await app.press(KEY.enter);
		const failed = await app.waitFor('Continue');
		assert.doesNotMatch(failed, /sendmailRestarting/);
		assert.equal(failed.match(/^ {4}Restarting Mail Transport Agent \(MTA\): sendmail$/gm)?.length, 2, failed);
		assert.match(failed, /✗ The restart failed: `systemctl restart sendmail` did not finish within 60 s/);
		assert.match(failed, /The old files are back and sendmail was restarted on them\./);
		await app.press(KEY.enter);
		assert.equal(app.done()?.exitCode, 3);
		assert.equal(app.done()?.rolledBack, true);
	} finally {
		app.unmount();
	}
});

test('Ctrl+C during the write says it finishes the write, then stops before any restart', async () => {
	let release: () => void = () => undefined;
	const writing = new Promise<void>(resolve => {
		release = resolve;
	});
	let restarts = 0;
	const app = draw(80, 24, deps({
		async applyPlan() {
			await writing;
			return {ok: true, value: {validation: {checked: true}, backup}};
		},
		async runRestart() {
			restarts++;
			return {ok: true, output: ''};
		},
	}));
	try {
		await app.waitFor('Backing up and writing');
		await app.press(KEY.ctrlC);
		const stopping = await app.waitFor('Ctrl+C');
		assert.match(stopping, /Ctrl\+C: finishing the write, then stopping/);
		assert.equal(app.done(), undefined, 'the write is not cut short');
		release();
		const start = Date.now();
		while (app.done() === undefined && Date.now() - start < 30_000) {
			await pause(10);
		}

		const summary = app.done();
		assert.ok(summary);
		assert.match(summary.stopped ?? '', /^Stopped after the write: \/etc\/mail\/sendmail\.cf, \/etc\/mail\/helpfile changed \(undo with: sendmail-harden rollback --config \/etc\/mail\/sendmail\.cf\)\. Restart sendmail to load the new settings; run: systemctl restart sendmail$/);
		assert.equal(summary.exitCode, 0);
		assert.equal(restarts, 0);
		assert.doesNotMatch(app.frame(), /Restart sendmail now/);
	} finally {
		release();
		app.unmount();
	}
});

test('Ctrl+C while sendmail checks the config stops at once: nothing written', async () => {
	let wrote = false;
	const app = draw(80, 24, deps({
		// sendmail -bt on a host whose name is not qualified sleeps 60 s; Ctrl+C does not wait for it.
		validatePlan: async (_plan, {signal}) => new Promise(resolve => {
			signal?.addEventListener('abort', () => resolve({ok: false, error: 'stopped before writing (Ctrl+C); nothing was written'}));
		}),
		async applyPlan() {
			wrote = true;
			return {ok: true, value: {validation: {checked: true}, backup}};
		},
	}));
	try {
		await app.waitFor('Checking the new config with sendmail -bt');
		await app.press(KEY.ctrlC);
		const start = Date.now();
		while (app.done() === undefined && Date.now() - start < 30_000) {
			await pause(10);
		}

		assert.equal(app.done()?.stopped, 'Stopped: nothing was written.');
		assert.equal(app.done()?.exitCode, 0);
		assert.equal(wrote, false);
	} finally {
		app.unmount();
	}
});

test('while sendmail sleeps on an unqualified host name, Apply counts the wait down', async () => {
	let release: () => void = () => undefined;
	const checked = new Promise<void>(resolve => {
		release = resolve;
	});
	const app = draw(80, 15, deps({
		async validatePlan(_plan, {onHostNameWait}) {
			onHostNameWait?.(60);
			onHostNameWait?.(59);
			await checked;
			return ok({checked: true});
		},
	}));
	try {
		const waiting = await app.waitFor('s left');
		assert.match(waiting, /sendmail waits for its host name \(not fully qualified\): 59 s left/);
		release();
		const asked = await app.waitFor('Restart sendmail now');
		assert.doesNotMatch(asked, /s left/);
		assertFits(app.frames, 80, 15);
	} finally {
		release();
		app.unmount();
	}
});

// Issue 22: the address text is built in one place (source/core/address.ts); the Apply step used to
// print an IPv6 daemon address without its brackets ("::1:25").
test('a daemon on ::1 is shown as [::1]:25 while waiting, checking and after the checks', async () => {
	const v6: Plan = {...defaultPlan, files: [{role: 'cf', path: '/etc/mail/sendmail.cf', before: 'O MaxMessageSize=0\n', after: 'O DaemonPortOptions=Family=inet6, Name=MTA-v6, Addr=::1, Port=25\nO MaxMessageSize=500000\n'}]};
	const passing = checks.map(check => ({...check, status: 'pass' as const}));
	const app = draw(120, 40, deps({verifyServer: async () => ok({checks: passing, exchange: [], transcript: {banner: {code: 220, lines: []}, recipients: [], recipientsPlanned: 11}})}), v6);
	try {
		await app.waitFor('Restart sendmail now');
		await app.press(KEY.enter);
		const done = await app.waitFor('passed every check');
		assert.match(done, /The live server on \[::1\]:25 passed every check/);
		assert.doesNotMatch(app.frames.join('\n'), /(?<!\[)::1:25/);
	} finally {
		app.unmount();
	}
});
