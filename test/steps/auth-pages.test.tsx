// The AUTH pages of "Encryption and login", driven by keys: the checkbox for authRequireTls, then
// the mechanisms, with the warning when AUTH would still be offered in the clear.
import assert from 'node:assert/strict';
import test from 'node:test';
import {render} from 'ink-testing-library';
import type {Answers} from '../../source/core/answers.js';
import {AuthPages} from '../../source/steps/AuthPages.js';
import {authAnswers} from '../../source/steps/auth-choices.js';

const KEY = {enter: '\r', down: '\u001B[B', up: '\u001B[A', space: ' ', escape: '\u001B'};
// Debian's stock file: no p, no AuthMechanisms line (sendmail's own list).
const stock = {authRequireTls: false, authMechanisms: undefined};

async function settle() {
	for (let tries = 0; tries < 10; tries++) {
		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}
}

async function until(frame: () => string | undefined, wanted: RegExp): Promise<string> {
	for (let tries = 0; tries < 200; tries++) {
		const text = frame() ?? '';
		if (wanted.test(text)) {
			// The page's key handler is attached after its first frame is drawn: a key sent before it would be lost.
			await settle();
			return text;
		}

		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}

	assert.fail(`never saw ${wanted}: ${frame()}`);
}

async function answered(chosen: Answers[]): Promise<Answers> {
	for (let tries = 0; tries < 200 && chosen.length === 0; tries++) {
		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}

	assert.equal(chosen.length, 1);
	return chosen[0]!;
}

/** Moves the highlight to `name` from the top of the list and toggles it. */
async function toggle(app: ReturnType<typeof render>, name: string) {
	for (let tries = 0; tries < 12 && !new RegExp(`› \\[[x ]\\] ${name}\\b`).test(app.lastFrame() ?? ''); tries++) {
		app.stdin.write(KEY.down);
		await settle();
	}

	const before = await until(app.lastFrame, new RegExp(`› \\[[x ]\\] ${name}\\b`));
	app.stdin.write(KEY.space);
	await until(app.lastFrame, new RegExp(`› \\[${before.includes(`› [x] ${name}`) ? ' ' : 'x'}\\] ${name}\\b`));
}

test('the recommended answers by keys: p on, then only PLAIN and LOGIN; the warning goes as the list shrinks', async () => {
	const chosen: Answers[] = [];
	const app = render(<AuthPages current={stock} answers={{}} onNext={answers => chosen.push(answers)} />);
	let frame = await until(app.lastFrame, /AUTH only after STARTTLS \(p\)/);
	assert.match(frame, /› \[ \] AUTH only after STARTTLS/);
	assert.match(frame, /\(recommended\)/);
	app.stdin.write(KEY.space);
	await until(app.lastFrame, /› \[x\] AUTH only after STARTTLS/);
	app.stdin.write(KEY.enter);
	// The file's list is sendmail's own: DIGEST-MD5 and CRAM-MD5 among it, still offered in the clear under p.
	frame = await until(app.lastFrame, /\(2\/2\) AuthMechanisms: the logins/);
	assert.match(frame, /\[x\] DIGEST-MD5 +historic \(RFC 6331\)/);
	assert.match(frame, /O AuthMechanisms=EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5/);
	assert.match(frame.replaceAll('\n', ' '), /AUTH is still offered before STARTTLS: GSSAPI, KERBEROS_V4, DIGEST-MD5, CRAM-MD5/);
	for (const name of ['EXTERNAL', 'GSSAPI', 'KERBEROS_V4', 'DIGEST-MD5', 'CRAM-MD5', 'LOGIN', 'PLAIN']) {
		await toggle(app, name);
	}

	frame = await until(app.lastFrame, /O AuthMechanisms=LOGIN PLAIN\n/);
	assert.doesNotMatch(frame, /still offered before STARTTLS/);
	app.stdin.write(KEY.enter);
	assert.deepEqual(await answered(chosen), {authRequireTls: true, authMechanisms: ['LOGIN', 'PLAIN']});
	app.unmount();
});

test('Enter on both pages with nothing changed keeps the file as it is; Esc on the second page goes back to the first', async () => {
	const chosen: Answers[] = [];
	const app = render(<AuthPages current={stock} answers={{}} onNext={answers => chosen.push(answers)} />);
	await until(app.lastFrame, /\(1\/2\) AuthOptions/);
	app.stdin.write(KEY.enter);
	await until(app.lastFrame, /\(2\/2\) AuthMechanisms/);
	app.stdin.write(KEY.escape);
	await until(app.lastFrame, /\(1\/2\) AuthOptions/);
	app.stdin.write(KEY.enter);
	await until(app.lastFrame, /\(2\/2\) AuthMechanisms/);
	app.stdin.write(KEY.enter);
	assert.deepEqual(await answered(chosen), {authRequireTls: undefined, authMechanisms: undefined});
	app.unmount();
});

test('a list with no mechanism is not taken: Enter waits and says why', async () => {
	const chosen: Answers[] = [];
	const app = render(<AuthPages current={{authRequireTls: true, authMechanisms: ['PLAIN']}} answers={{}} startAtEnd onNext={answers => chosen.push(answers)} />);
	await until(app.lastFrame, /\(2\/2\) AuthMechanisms/);
	await toggle(app, 'PLAIN');
	await until(app.lastFrame, /Choose at least one mechanism/);
	app.stdin.write(KEY.enter);
	for (let tries = 0; tries < 50; tries++) {
		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}

	assert.deepEqual(chosen, []);
	app.unmount();
});

test('answers given before stay answers; the same set as the file with none before is "keep"', () => {
	assert.deepEqual(authAnswers({requireTls: true, mechanisms: ['PLAIN', 'LOGIN']}, {authRequireTls: true, authMechanisms: ['LOGIN', 'PLAIN']}, {}), {authRequireTls: undefined, authMechanisms: undefined});
	assert.deepEqual(authAnswers({requireTls: true, mechanisms: ['PLAIN', 'LOGIN']}, {authRequireTls: true, authMechanisms: ['LOGIN', 'PLAIN']}, {authRequireTls: true, authMechanisms: ['PLAIN', 'LOGIN']}), {authRequireTls: true, authMechanisms: ['PLAIN', 'LOGIN']});
});

test('80x15 and 60x20: both pages fit the terminal, the page\'s number in view', async t => {
	const {renderSized} = await import('../helpers/sized-terminal.js');
	for (const [columns, rows] of [[80, 15], [60, 20]] as const) {
		const app = renderSized(t, <AuthPages current={stock} answers={{authRequireTls: true}} onNext={() => undefined} />, columns, rows);
		for (const [page, mark] of [[1, /\(1\/2\) AuthOptions/], [2, /\(2\/2\) AuthMechanisms/]] as const) {
			const frame = (await app.waitFor(mark, `page ${page} at ${columns}x${rows}`)).replaceAll(/\u001B\[[\d;]*m/g, '');
			const lines = frame.replace(/\n$/, '').split('\n');
			assert.ok(lines.length <= rows, `page ${page} at ${columns}x${rows} drew ${lines.length} rows:\n${frame}`);
			assert.ok(lines.every(line => [...line].length <= columns), `page ${page} at ${columns}x${rows} is wider than the terminal:\n${frame}`);
			if (page === 1) {
				app.stdin.write(KEY.enter);
			}
		}
	}
});
