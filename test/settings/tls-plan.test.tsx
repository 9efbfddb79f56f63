// The STARTTLS settings' plan: ServerSSLOptions composed from tlsMinVersion and tlsServerPreference
// with every other flag kept, CipherList, and the DH file beside the certificate.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {composeSslOptions, sslFlagsSet} from '../../source/core/tls-options.js';
import {planHardening} from '../../source/core/plan.js';
import {FFDHE2048_PEM} from '../../source/core/ffdhe.js';
import {TLS_SETTINGS} from '../../source/settings/registry.js';
import {TlsStep} from '../../source/steps/TlsStep.js';

const cf = (extra: string) => `V10/Berkeley\nO SmtpGreetingMessage=$j\n#O ServerSSLOptions\n#O CipherList\nO ServerCertFile=/etc/mail/tls/server.crt\n${extra}`;

test('composeSslOptions sets and clears its flags and keeps every other word where it was', () => {
	assert.equal(composeSslOptions('+SSL_OP_NO_TICKET, +SSL_OP_NO_TLSv1_2', ['+SSL_OP_NO_TLSv1'], ['+SSL_OP_NO_TLSv1_2']), '+SSL_OP_NO_TICKET +SSL_OP_NO_TLSv1');
	assert.equal(composeSslOptions('+ssl_op_no_tlsv1', ['+SSL_OP_NO_TLSv1'], []), undefined, 'already set, whatever the case');
	assert.equal(composeSslOptions(undefined, ['+SSL_OP_CIPHER_SERVER_PREFERENCE'], []), '+SSL_OP_CIPHER_SERVER_PREFERENCE');
	assert.deepEqual([...sslFlagsSet('+SSL_OP_NO_TLSv1 -SSL_OP_NO_TLSv1 +SSL_OP_NO_SSLv3')], ['SSL_OP_NO_SSLV3']);
});

test('both settings compose one ServerSSLOptions line; TLSv1.3 adds NO_TLSv1_2; off takes the preference out', () => {
	const plan = planHardening({cfPath: '/x/sendmail.cf', cfText: cf('O ServerSSLOptions=+SSL_OP_NO_TICKET +SSL_OP_CIPHER_SERVER_PREFERENCE\n'), answers: {tlsMinVersion: 'TLSv1.3', tlsServerPreference: false}});
	assert.ok(plan.ok);
	const after = plan.value.files[0]!.after;
	assert.match(after, /^O ServerSSLOptions=\+SSL_OP_NO_TICKET \+SSL_OP_NO_SSLv2 \+SSL_OP_NO_SSLv3 \+SSL_OP_NO_TLSv1 \+SSL_OP_NO_TLSv1_1 \+SSL_OP_NO_TLSv1_2$/m);
	assert.equal(after.match(/^O ServerSSLOptions=/gm)!.length, 1);
});

test('the DH file: created where absent, replaced where another group is, left where it is the group; DHParameters names it', () => {
	const dhPath = '/etc/mail/tls/ffdhe2048.pem';
	const answers = {tlsDhParameters: 'ffdhe2048' as const, tlsCiphers: 'modern' as const};
	const absent = planHardening({cfPath: '/x/sendmail.cf', cfText: cf('O DHParameters=/etc/mail/tls/sendmail-common.prm\n'), dhFile: {path: dhPath, missing: true}, answers});
	assert.ok(absent.ok);
	const created = absent.value.files.find(file => file.role === 'dhparams')!;
	assert.deepEqual({created: created.created, after: created.after}, {created: true, after: FFDHE2048_PEM});
	assert.match(absent.value.files[0]!.after, new RegExp(`^O DHParameters=${dhPath}$`, 'm'));
	assert.match(absent.value.files[0]!.after, /^O CipherList=ECDHE\+AESGCM:ECDHE\+CHACHA20:DHE\+AESGCM:DHE\+CHACHA20:!aNULL$/m);
	const other = planHardening({cfPath: '/x/sendmail.cf', cfText: cf(''), dhFile: {path: dhPath, text: 'old group\n'}, answers});
	assert.ok(other.ok);
	assert.equal(other.value.files.find(file => file.role === 'dhparams')?.before, 'old group\n');
	const same = planHardening({cfPath: '/x/sendmail.cf', cfText: cf(`O DHParameters=${dhPath}\nO CipherList=ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL\n`), dhFile: {path: dhPath, text: FFDHE2048_PEM}, answers});
	assert.ok(same.ok);
	assert.deepEqual(same.value.files, []);
});

test('without STARTTLS set up the TLS answers are left out with a warning saying how to set it up', () => {
	const plan = planHardening({cfPath: '/x/sendmail.cf', cfText: 'V10/Berkeley\nO SmtpGreetingMessage=$j\n', answers: {tlsMinVersion: 'TLSv1.2'}});
	assert.ok(plan.ok);
	assert.deepEqual(plan.value.files, []);
	assert.match(plan.value.warnings.join('\n'), /STARTTLS is not set up .*starttls\.m4/);
});

test('the step: the highlighted value\'s meaning shows as the highlight moves', async () => {
	const {lastFrame, stdin} = render(<TlsStep settings={TLS_SETTINGS} starttls onNext={() => undefined} />);
	const until = async (check: () => boolean) => {
		for (let tries = 0; tries < 200 && !check(); tries++) {
			await new Promise(resolve => setTimeout(resolve, 10));
		}
	};

	// Nothing given and nothing in force: it opens on "Leave as it is".
	await until(() => lastFrame()!.includes('TLS 1.2 and 1.3'));
	assert.match(lastFrame()!, /The value in force stays/);
	await pause();
	stdin.write('\u001B[A');
	await until(() => lastFrame()!.includes('TLS 1.2 is refused too'));
	assert.match(lastFrame()!, /TLS 1\.2 is refused too/);
	await pause();
	stdin.write('\u001B[A');
	await until(() => lastFrame()!.includes('SSLv2, SSLv3'));
	assert.match(lastFrame()!, /SSLv2, SSLv3, TLS 1\.0 and 1\.1 are refused/);
});

/** A page's list takes its keys from an effect after it is drawn (ink's useInput), as a step's do. */
const pause = async () => new Promise(resolve => {
	setTimeout(resolve, 20);
});

/** Waits (bounded) until the frame satisfies `check`. */
async function until(frame: () => string | undefined, check: (text: string) => boolean): Promise<void> {
	for (let tries = 0; tries < 300 && !check(frame() ?? ''); tries++) {
		await new Promise(resolve => setTimeout(resolve, 10));
	}
}

test('the step\'s keys: Enter on each page keeps what is there; down picks another row; Esc goes back a page', async () => {
	let given: unknown;
	const {lastFrame, stdin} = render(<TlsStep settings={TLS_SETTINGS} starttls current={{tlsServerPreference: true}} answers={{tlsMinVersion: 'TLSv1.3'}} onNext={answers => {
		given = answers;
	}} />);
	const enterTo = async (page: string) => {
		stdin.write('\r');
		await until(lastFrame, text => text.includes(page));
		assert.match(lastFrame()!, new RegExp(page.replaceAll(/[()/]/g, '\\$&')));
		await pause();
	};

	await until(lastFrame, text => text.includes('(1/4)'));
	await pause();
	// The preset's TLSv1.3 is the highlighted row: its meaning shows.
	assert.match(lastFrame()!, /TLS 1\.2 is refused too/);
	await enterTo('(2/4)');
	await enterTo('(3/4)');
	// Esc goes back a page and keeps the answer given there.
	stdin.write('\u001B');
	await until(lastFrame, text => text.includes('(2/4)'));
	await pause();
	await enterTo('(3/4)');
	// Nothing given, nothing in force: the page opens on the setting's own "keep"; Up picks "modern".
	assert.match(lastFrame()!, /The CipherList in force stays/);
	stdin.write('\u001B[A');
	await until(lastFrame, text => text.includes('ECDHE and DHE key exchange'));
	await enterTo('(4/4)');
	stdin.write('\r');
	await until(() => (given === undefined ? '' : 'done'), text => text === 'done');
	// The DH page opened on "Leave as it is" (no DHParameters file of the group in force): undefined takes the key out.
	assert.deepEqual(given, {tlsMinVersion: 'TLSv1.3', tlsServerPreference: true, tlsCiphers: 'modern', tlsDhParameters: undefined});
});

test('the step where STARTTLS is not set up says so and how', () => {
	const {lastFrame} = render(<TlsStep settings={TLS_SETTINGS} starttls={false} onNext={() => undefined} />);
	assert.match(lastFrame()!.replaceAll('\n', ' '), /STARTTLS is not set up/);
});

test('answers: a TLS choice must be one of its values; presets summarize them', async () => {
	const {validateAnswers} = await import('../../source/core/answers.js');
	const {summarizeAnswers} = await import('../../source/commands/presets.js');
	assert.equal(validateAnswers({tlsMinVersion: 'TLSv1.1'}).ok, false);
	assert.match((validateAnswers({tlsCiphers: 'strong'}) as {error: string}).error, /tlsCiphers must be one of "modern", "keep"/);
	assert.equal(validateAnswers({tlsServerPreference: 'yes'}).ok, false);
	assert.deepEqual(validateAnswers({tlsMinVersion: 'TLSv1.3', tlsDhParameters: 'ffdhe2048'}), {ok: true, value: {tlsMinVersion: 'TLSv1.3', tlsDhParameters: 'ffdhe2048'}});
	assert.equal(summarizeAnswers({tlsMinVersion: 'TLSv1.2', tlsServerPreference: true}), 'the server picks the cipher suite, tlsMinVersion TLSv1.2');
});

test('the step\'s keys in one burst (over SSH, typed ahead) act in order: Down then four Enters', async () => {
	let given: unknown;
	const {lastFrame, stdin} = render(<TlsStep settings={TLS_SETTINGS} starttls answers={{tlsMinVersion: 'TLSv1.2', tlsServerPreference: true, tlsCiphers: 'modern', tlsDhParameters: 'ffdhe2048'}} onNext={answers => {
		given = answers;
	}} />);
	await until(lastFrame, text => text.includes('(1/4)'));
	await pause();
	// Down moves page 1 from TLS 1.2 to TLS 1.3; the Enters keep each later page's preset answer.
	stdin.write('\u001B[B');
	stdin.write('\r\r\r\r');
	await until(() => (given === undefined ? '' : 'done'), text => text === 'done');
	assert.deepEqual(given, {tlsMinVersion: 'TLSv1.3', tlsServerPreference: true, tlsCiphers: 'modern', tlsDhParameters: 'ffdhe2048'});
});

test('80x15 and 60x20: every page fits the terminal and says which setting it decides, the title in view or not', async t => {
	const {renderSized} = await import('../helpers/sized-terminal.js');
	const names = ['ServerSSLOptions', 'ServerSSLOptions', 'CipherList', 'DHParameters'];
	for (const [columns, rows] of [[80, 15], [60, 20]] as const) {
		const app = renderSized(t, <TlsStep settings={TLS_SETTINGS} starttls onNext={() => undefined} />, columns, rows);
		for (const [index, name] of names.entries()) {
			const mark = new RegExp(String.raw`\(${index + 1}/${names.length}\) ${name}`);
			const frame = (await app.waitFor(mark, `page ${index + 1} at ${columns}x${rows}`)).replaceAll(/\u001B\[[\d;]*m/g, '');
			const lines = frame.replace(/\n$/, '').split('\n');
			assert.ok(lines.length <= rows, `page ${index + 1} at ${columns}x${rows} drew ${lines.length} rows:\n${frame}`);
			assert.ok(lines.every(line => [...line].length <= columns), `page ${index + 1} at ${columns}x${rows} is wider than the terminal:\n${frame}`);
			app.stdin.write('\r');
		}
	}

	const notSetUp = renderSized(t, <TlsStep settings={TLS_SETTINGS} starttls={false} onNext={() => undefined} />, 80, 15);
	await notSetUp.waitFor(/STARTTLS is not set up/, 'the step without STARTTLS at 80x15');
});
