import assert from 'node:assert/strict';
import test from 'node:test';
import {readStarttlsOptions, safefileProblem, starttlsFileProblem, type FileFacts, type PathFacts} from '../../source/core/starttls-files.js';
import {starttlsCheck, verifyChecks, type VerifyTranscript} from '../../source/core/verify-checks.js';

const safeFolder: PathFacts = {kind: 'directory', mode: 0o755, uid: 0, gid: 0};
const facts = (file: PathFacts, folderModes: number[] = [0o755, 0o755, 0o755]): FileFacts => ({
	path: '/etc/mail/tls/x.crt',
	file,
	folders: ['/', '/etc', '/etc/mail', '/etc/mail/tls'].slice(0, folderModes.length + 1).map((folder, index) => ({path: folder, facts: index === 0 ? safeFolder : {...safeFolder, mode: folderModes[index - 1]!}})),
});
const root = {uid: 0};
const none = new Set<string>();
const file = (mode: number, uid = 0, gid = 0): PathFacts => ({kind: 'file', mode, uid, gid});

test('safefile: a root-owned 0644 certificate in safe folders passes', () => {
	assert.equal(safefileProblem(facts(file(0o644)), root, none, 'anyone may'), undefined);
});

test('safefile: each unsafe state in sendmail\'s words', () => {
	assert.equal(safefileProblem(facts({error: 'ENOENT'}), root, none, 'anyone may'), 'No such file or directory');
	assert.equal(safefileProblem(facts({kind: 'directory', mode: 0o755, uid: 0, gid: 0}), root, none, 'anyone may'), 'Regular files only');
	assert.equal(safefileProblem(facts(file(0o664)), root, none, 'anyone may'), 'Group writable file');
	assert.equal(safefileProblem(facts(file(0o646)), root, none, 'anyone may'), 'World writable file');
	// Root reads as root (OPENASROOT), but sendmail still asks for the owner's read bit.
	assert.equal(safefileProblem(facts(file(0o044)), root, none, 'anyone may'), 'Permission denied');
	// Owned by someone other than root, the RunAsUser or the TrustedUser.
	assert.equal(safefileProblem(facts(file(0o644, 65_534)), root, none, 'anyone may'), 'Permission denied');
	assert.equal(safefileProblem(facts(file(0o644, 107)), {uid: 0, trustedUid: 107}, none, 'anyone may'), undefined);
});

test('safefile: the key\'s read rule, with and without GroupReadableKeyFile', () => {
	assert.equal(safefileProblem(facts(file(0o640)), root, none, 'group and other'), 'Group readable file');
	assert.equal(safefileProblem(facts(file(0o640)), root, none, 'other'), undefined);
	assert.equal(safefileProblem(facts(file(0o644)), root, none, 'other'), 'World readable file');
	assert.equal(safefileProblem(facts(file(0o600)), root, none, 'group and other'), undefined);
});

test('safefile: folders others may write, unless sticky under TrustStickyBit or group-writable under GroupWritableDirPathSafe', () => {
	assert.equal(safefileProblem(facts(file(0o644), [0o755, 0o775, 0o755]), root, none, 'anyone may'), 'Group writable directory');
	assert.equal(safefileProblem(facts(file(0o644), [0o777, 0o755, 0o755]), root, none, 'anyone may'), 'World writable directory');
	assert.equal(safefileProblem(facts(file(0o644), [0o1777, 0o755, 0o755]), root, none, 'anyone may'), 'World writable directory');
	assert.equal(safefileProblem(facts(file(0o644), [0o1777, 0o755, 0o755]), root, new Set(['truststickybit']), 'anyone may'), undefined);
	assert.equal(safefileProblem(facts(file(0o644), [0o755, 0o775, 0o755]), root, new Set(['groupwritabledirpathsafe']), 'anyone may'), undefined);
	assert.equal(safefileProblem(facts(file(0o644), [0o755, 0o755]), root, none, 'anyone may'), undefined);
});

const cf = (lines: string[]) => `${lines.join('\n')}\n`;
const debianLines = [
	'O DontBlameSendmail=,AssumeSafeChown,TrustStickyBit,GroupReadableKeyFile',
	'O CACertPath=/etc/ssl/certs',
	'O CACertFile=/etc/mail/tls/sendmail-server.crt',
	'O ServerCertFile=/etc/mail/tls/sendmail-server.crt',
	'O ServerKeyFile=/etc/mail/tls/sendmail-common.key',
];

test('the options as sendmail reads them: the last line wins, DontBlameSendmail in lower case', () => {
	const options = readStarttlsOptions(cf([...debianLines, 'O ServerCertFile=/etc/mail/tls/other.crt  # a comment']));
	assert.equal(options.serverCertFile, '/etc/mail/tls/other.crt');
	assert.ok(options.dontBlame.has('groupreadablekeyfile'));
	assert.ok(options.dontBlame.has('truststickybit'));
});

test('the first problem in sendmail\'s order, in its log words', () => {
	const options = readStarttlsOptions(cf(debianLines));
	const good = new Map<string, FileFacts>([
		['/etc/mail/tls/sendmail-server.crt', facts(file(0o644))],
		['/etc/mail/tls/sendmail-common.key', facts(file(0o640, 0, 109))],
	]);
	assert.equal(starttlsFileProblem(options, good, root), undefined);
	const missing = new Map(good).set('/etc/mail/tls/sendmail-server.crt', facts({error: 'ENOENT'}));
	assert.equal(starttlsFileProblem(options, missing, root), 'STARTTLS=server: file /etc/mail/tls/sendmail-server.crt unsafe: No such file or directory');
	// Without GroupReadableKeyFile, Debian's 0640 key is refused.
	const strict = readStarttlsOptions(cf(debianLines.map(line => line.replace(',GroupReadableKeyFile', ''))));
	assert.equal(starttlsFileProblem(strict, good, root), 'STARTTLS=server: file /etc/mail/tls/sendmail-common.key unsafe: Group readable file');
	// Names come first: no CACertPath, no STARTTLS at all.
	const noPath = readStarttlsOptions(cf(debianLines.filter(line => !line.startsWith('O CACertPath'))));
	assert.equal(starttlsFileProblem(noPath, good, root), 'STARTTLS: CACertPath missing');
	assert.equal(starttlsFileProblem(readStarttlsOptions(cf(['O ServerKeyFile=/k'])), good, root), 'STARTTLS: ServerCertFile missing');
});

const probe = {banner: {code: 220, lines: ['220 mail.example ESMTP']}, recipients: [], recipientsPlanned: 0} satisfies VerifyTranscript;

test('the STARTTLS row: pass with the handshake, fail when expected and missing (with the reason), none when neither', () => {
	const ready = {code: 220, lines: ['220 2.0.0 Ready to start TLS']};
	const passed = starttlsCheck({offered: true, ready, handshake: {ok: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384'}, ehloAfter: {code: 250, lines: ['250 HELP']}});
	assert.equal(passed.status, 'pass');
	assert.match(passed.expected, /handshake completed: TLSv1\.3, TLS_AES_256_GCM_SHA384$/);
	const lost = starttlsCheck({offered: false, expected: {because: 'as the config in force has', problem: 'STARTTLS=server: file /x.crt unsafe: No such file or directory'}});
	assert.equal(lost.status, 'fail');
	assert.match(lost.expected, /not offered: STARTTLS=server: file \/x\.crt unsafe: No such file or directory$/);
	assert.equal(starttlsCheck({offered: true, ready, handshake: {ok: false, error: 'the TLS handshake failed (ECONNRESET)'}}).status, 'fail');
	assert.equal(starttlsCheck({offered: true, ready: {code: 454, lines: ['454 4.3.3 TLS not available after start']}}).status, 'fail');
	assert.equal(starttlsCheck({offered: false}).status, 'info');
	assert.ok(!verifyChecks({}, probe).some(check => check.name === 'STARTTLS'));
	assert.ok(verifyChecks({}, {...probe, starttls: {offered: false}}).some(check => check.name === 'STARTTLS'));
});
