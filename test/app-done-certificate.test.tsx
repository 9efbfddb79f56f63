// The Done screen says what audit and --yes say about the STARTTLS certificate of the files the run
// leaves (self-signed, expiry, the subject naming Sendmail, files sendmail would refuse), each with
// what to do, read through the wizard's effects with the same trust rules; where the config names no
// certificate, it says audit's "not set up" and how. Every frame still fits the terminal.
import assert from 'node:assert/strict';
import {chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {App, type WizardEffects} from '../source/app.js';
import {runHarden} from '../source/commands/harden.js';
import {notSetUpFinding} from '../source/core/certificate-audit.js';
import {readStarttlsAudit} from '../source/system/audit-extras.js';
import {KEY, NOW, PRESET, checkEnv, readTarget, tempConfig, testEffects} from './app-helpers.js';
import {renderSized} from './helpers/sized-terminal.js';
import {enterUntil, STEP_COUNT, stepOf} from './helpers/steps.js';
import {makeDebianTlsFiles, withStarttls, type TlsFiles} from './helpers/tls-fixture.js';

const pause = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

const nobody = Number(readFileSync('/etc/passwd', 'utf8').split('\n').find(line => line.startsWith('nobody:'))!.split(':')[2]);

// Made once for the file: a self-signed certificate naming Sendmail that expires in 10 days.
const tlsFolder = mkdtempSync(path.join(os.tmpdir(), 'done-certificate-'));
const soon: TlsFiles = makeDebianTlsFiles(tlsFolder, {days: 10});
test.after(() => rmSync(tlsFolder, {recursive: true, force: true}));

/** A temp config (the bundled sample) with STARTTLS on `files`, or without any. */
function configWith(t: {after(fn: () => void): void}, files: TlsFiles | undefined): string {
	const {cfPath} = tempConfig(t);
	if (files !== undefined) {
		writeFileSync(cfPath, withStarttls(readFileSync(cfPath, 'latin1'), files), 'latin1');
	}

	return cfPath;
}

const collapse = (text: string) => text.replaceAll(/\s+/g, ' ');

/**
 * The wizard on cfPath in a columns x rows terminal, pre-filled with PRESET: Enter to Review, Write,
 * then Done. Returns every frame, and Done's table read page by page (whitespace collapsed).
 */
async function toDone(t: {after(fn: () => void): void}, cfPath: string, columns: number, rows: number, effects: Partial<WizardEffects> = {}) {
	const asked: string[] = [];
	const {stdin, frames, last, waitFor} = renderSized(t, (
		<App
			setup={{target: await readTarget(cfPath), answers: PRESET, answersFrom: 'preset "web"', hostname: 'mail.example.org'}}
			effects={testEffects({
				async readStarttlsAudit(cfText) {
					asked.push(cfText);
					return readStarttlsAudit(cfText);
				},
				...effects,
			})}
			onExit={() => undefined}
		/>
	), columns, rows);
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			stdin.write(key);
			await pause(20);
		}
	};

	await waitFor('pre-filled from');
	await enterUntil({frame: last, press}, 'Review');

	await waitFor('Write changes');
	await press(KEY.enter);
	await waitFor(new RegExp(`${stepOf('Done')}|Continue`));
	if (!last().includes(stepOf('Done'))) {
		await press(KEY.enter);
	}

	let frame = await waitFor(stepOf('Done'));
	let text = collapse(frame);
	// A table taller than its room pages: read every page.
	for (let pages = 0; pages < 30; pages++) {
		const position = /\(lines \d+-(\d+) of (\d+);/.exec(frame);
		if (position === null || position[1] === position[2]) {
			break;
		}

		await press(']');
		frame = await waitFor(now => now !== frame && now.includes(stepOf('Done')));
		text += ` ${collapse(frame)}`;
	}

	return {frames, text, asked};
}

/** The certificate's rows as --yes prints them for the config, each a finding and its advice, whitespace collapsed. */
async function yesStarttlsRows(cfPath: string): Promise<string[]> {
	const answersFile = path.join(path.dirname(cfPath), 'answers.json');
	writeFileSync(answersFile, JSON.stringify(PRESET));
	const output: string[] = [];
	const code = await runHarden({config: cfPath, answers: answersFile, yes: true}, {out: text => output.push(text), err: () => undefined, env: checkEnv}, {
		now: () => NOW,
		findRestartPlan: async () => undefined,
		rehearse: async () => ({ok: true, value: {status: 'skipped', reason: 'not asked in this test'}}),
	});
	assert.equal(code, 0, output.join(''));
	const rows = output.join('').split(/\n(?= {2}\S)/).filter(row => /^ {2}[!✘] STARTTLS /.test(row));
	return rows.map(row => collapse(row).trim());
}

test('Done names the certificate\'s findings (self-signed, expiring in days, Sendmail in the subject), each with what to do, as --yes prints them for the same files', async t => {
	const cfPath = configWith(t, soon);
	const {text, asked} = await toDone(t, cfPath, 80, 60);
	// Read through the effect, once, from the config the run left.
	assert.equal(asked.length, 1);
	assert.equal(asked[0], readFileSync(cfPath, 'latin1'));
	assert.match(text, /! STARTTLS issuer: self-signed \(O=Sendmail, OU=Sendmail Server, CN=mail\.test\.example\)/);
	assert.match(text, /! STARTTLS expiry: expires in (9|10) days/);
	assert.match(text, /fix by hand: renew it before then/);
	assert.match(text, /! STARTTLS subject: the subject names Sendmail/);
	assert.match(text, /fix by hand: get a certificate from a CA, e\.g\. Let's Encrypt/);

	// The other face on a copy of the same config and the same certificate files: the same rows.
	const yes = await yesStarttlsRows(configWith(t, soon));
	assert.ok(yes.length >= 3, yes.join('\n'));
	for (const row of yes) {
		assert.ok(text.includes(row), `Done lacks --yes's row:\n${row}\nDone:\n${text}`);
	}
});

test('Done, where the config names no certificate, says STARTTLS is not set up and how, as audit does', async t => {
	const cfPath = configWith(t, undefined);
	const {text} = await toDone(t, cfPath, 80, 60);
	// Audit's own finding for this config (its advice names Debian's tools where they are installed).
	const [finding] = (await readStarttlsAudit(readFileSync(cfPath, 'latin1'))).findings;
	assert.equal(finding?.text, notSetUpFinding('debian').text);
	assert.ok(text.includes(collapse(`! STARTTLS set up: ${finding.text}`)), text);
	assert.ok(text.includes(collapse(`fix by hand: ${finding.advice}`)), text);
	assert.doesNotMatch(text, /STARTTLS (issuer|expiry|key|subject):/);
});

test('Done, with a certificate file owned by another user: says sendmail would refuse it, and does not read it', async t => {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'done-certificate-nobody-'));
	t.after(() => rmSync(folder, {recursive: true, force: true}));
	const files = makeDebianTlsFiles(folder, {days: 10});
	chownSync(files.cert, nobody, nobody);
	const {text} = await toDone(t, configWith(t, files), 80, 60);
	assert.ok(text.includes(`✘ STARTTLS files: sendmail would not offer STARTTLS: STARTTLS=server: file ${files.cert} unsafe: Permission denied`), text);
	// Not read: nothing from inside the certificate is said.
	assert.doesNotMatch(text, /self-signed|expires in|subject names Sendmail/);
	const yes = await yesStarttlsRows(configWith(t, files));
	for (const row of yes) {
		assert.ok(text.includes(row), `Done lacks --yes's row:\n${row}\nDone:\n${text}`);
	}
});

for (const [columns, rows] of [[80, 15], [60, 20], [80, 24]] as const) {
	test(`${columns}x${rows}: Done with the certificate's findings fits the terminal, and its pages hold every finding`, async t => {
		const {frames, text} = await toDone(t, configWith(t, soon), columns, rows);
		for (const frame of frames) {
			const lines = frame.replace(/\n$/, '').split('\n');
			const step = new RegExp(`Step \\d+ of ${STEP_COUNT} {2}\\w+`).exec(frame)?.[0] ?? '?';
			assert.ok(lines.length < rows, `${step} is ${lines.length} rows at ${columns}x${rows}:\n${frame}`);
			for (const line of lines) {
				assert.ok(line.length <= columns, `${step}: a line overflows ${columns} columns: ${line}`);
			}
		}

		for (const name of ['issuer', 'expiry', 'subject']) {
			assert.ok(text.includes(`STARTTLS ${name}:`), `${columns}x${rows}: no STARTTLS ${name} row in Done's pages:\n${text}`);
		}
	});
}
