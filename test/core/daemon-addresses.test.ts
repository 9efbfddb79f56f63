// The listen edit on its own: every active daemon line of a .cf or .mc gets (or loses) its loopback
// address, and no other byte changes: CRLF files, several daemons, commented lines, IPv6 and
// socket daemons, a comment after the value, a config with no daemon line.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {cfDaemons, editDaemonValue, listenOf, mcDaemons, setCfListen, setMcListen} from '../../source/core/daemon-addresses.js';
import {planHardening} from '../../source/core/plan.js';
import {auditConfig} from '../../source/core/audit.js';
import {validateAnswers} from '../../source/core/answers.js';

/** The lines that differ between two texts of the same line count, as [before, after] pairs. */
function changedLines(before: string, after: string): Array<[string, string]> {
	const a = before.split('\n');
	const b = after.split('\n');
	assert.equal(a.length, b.length, 'the edit adds or removes lines');
	return a.flatMap((line, index) => (line === b[index] ? [] : [[line, b[index]!] as [string, string]]));
}

const CF = [
	'# a config',
	'O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp',
	'#O DaemonPortOptions=Family=inet6, Name=MTA-v6, Port=smtp',
	'O DaemonPortOptions=Name=MSA, Port=587, M=E, Addr=192.0.2.10',
	'O DaemonPortOptions=Family=inet6,Name=MTA-v6,Port=smtp',
	'O DaemonPortOptions=Family=local, Name=sock, Addr=/run/sendmail.sock',
	'O MaxDaemonChildren=12',
	'',
].join('\n');

test('local gives every network daemon line its loopback, replacing an Addr there; commented and socket lines stay', () => {
	const edited = setCfListen(CF, 'local');
	assert.deepEqual(changedLines(CF, edited.text), [
		['O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp', 'O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1'],
		['O DaemonPortOptions=Name=MSA, Port=587, M=E, Addr=192.0.2.10', 'O DaemonPortOptions=Name=MSA, Port=587, M=E, Addr=127.0.0.1'],
		['O DaemonPortOptions=Family=inet6,Name=MTA-v6,Port=smtp', 'O DaemonPortOptions=Family=inet6,Name=MTA-v6,Port=smtp,Addr=::1'],
	]);
	assert.equal(edited.changed.length, 3);
	assert.match(edited.notes.join('\n'), /line 6: a local socket daemon, left as it is/);
	assert.equal(listenOf(cfDaemons(edited.text).daemons), 'local');
	// Again: nothing left to change.
	assert.equal(setCfListen(edited.text, 'local').text, edited.text);
});

test('all takes a loopback-only Addr away with its comma, wherever it stands; another address is kept', () => {
	const cf = [
		'O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1',
		'O DaemonPortOptions=Addr=127.0.0.1, Name=first, Port=2525',
		'O DaemonPortOptions=Family=inet6, Name=MTA-v6, Address=::1, Port=smtp',
		'O DaemonPortOptions=Name=MSA, Port=587, Addr=192.0.2.10',
		'#O DaemonPortOptions=Name=old, Addr=127.0.0.1',
	].join('\n');
	const edited = setCfListen(cf, 'all');
	assert.deepEqual(changedLines(cf, edited.text), [
		['O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1', 'O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp'],
		['O DaemonPortOptions=Addr=127.0.0.1, Name=first, Port=2525', 'O DaemonPortOptions=Name=first, Port=2525'],
		['O DaemonPortOptions=Family=inet6, Name=MTA-v6, Address=::1, Port=smtp', 'O DaemonPortOptions=Family=inet6, Name=MTA-v6, Port=smtp'],
	]);
	assert.equal(listenOf(cfDaemons(edited.text).daemons), 'all');
});

test('a CRLF file keeps every CR, and a comment after the value stays after it', () => {
	const cf = 'O SmtpGreetingMessage=$j\r\nO DaemonPortOptions=Name=MTA, Port=smtp # the MTA\r\nO DaemonPortOptions=Name=MSA, Port=587\r\n#O DaemonPortOptions=Name=x\r\n';
	const edited = setCfListen(cf, 'local');
	assert.equal(edited.text, 'O SmtpGreetingMessage=$j\r\nO DaemonPortOptions=Name=MTA, Port=smtp, Addr=127.0.0.1 # the MTA\r\nO DaemonPortOptions=Name=MSA, Port=587, Addr=127.0.0.1\r\n#O DaemonPortOptions=Name=x\r\n');
	assert.equal(setCfListen(edited.text, 'all').text, cf.replace(' Port=smtp #', ' Port=smtp #'));
});

test('sendmail tells the fields apart by their first letter: A=, addr= and Address= are all the address', () => {
	assert.equal(editDaemonValue('Name=MTA, A=0.0.0.0', 'local'), 'Name=MTA, A=127.0.0.1');
	assert.equal(editDaemonValue('Name=MTA,addr=10.0.0.1', 'local'), 'Name=MTA,addr=127.0.0.1');
	assert.equal(editDaemonValue('Name=MTA, Address=127.0.0.1', 'local'), undefined);
	assert.equal(editDaemonValue('', 'local'), 'Addr=127.0.0.1');
	assert.equal(editDaemonValue('Family=local, Addr=/tmp/s', 'local'), undefined);
});

test('local on a config with no daemon line adds one for sendmail\'s default daemon; all leaves it', () => {
	const cf = 'O MaxDaemonChildren=12\nO QueueDirectory=/q\n\nR$* $@ $1\n';
	assert.deepEqual(cfDaemons(cf), {daemons: [{line: 0, name: 'MTA', family: 'inet', port: undefined, addr: undefined}], defaulted: true});
	const edited = setCfListen(cf, 'local');
	assert.equal(edited.text, 'O MaxDaemonChildren=12\nO QueueDirectory=/q\nO DaemonPortOptions=Name=MTA, Addr=127.0.0.1\n\nR$* $@ $1\n');
	assert.equal(setCfListen(cf, 'all').text, cf);
});

test('.mc: every active DAEMON_OPTIONS line, CRLF kept; dnl and # lines untouched', () => {
	const mc = [
		'divert(-1)dnl',
		'dnl DAEMON_OPTIONS(`Family=inet6, Name=MTA-v6, Port=smtp, Addr=::1\')dnl',
		'DAEMON_OPTIONS(`Family=inet,  Name=MTA-v4, Port=smtp\')dnl',
		'# DAEMON_OPTIONS(`Name=commented, Port=2525\')',
		'DAEMON_OPTIONS(`Family=inet,  Name=MSP-v4, Port=submission, M=Ea, Addr=10.1.2.3\')dnl',
		'MAILER(`smtp\')dnl',
		'',
	].join('\r\n');
	const edited = setMcListen(mc, 'local');
	assert.deepEqual(changedLines(mc, edited.text), [
		['DAEMON_OPTIONS(`Family=inet,  Name=MTA-v4, Port=smtp\')dnl\r', 'DAEMON_OPTIONS(`Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1\')dnl\r'],
		['DAEMON_OPTIONS(`Family=inet,  Name=MSP-v4, Port=submission, M=Ea, Addr=10.1.2.3\')dnl\r', 'DAEMON_OPTIONS(`Family=inet,  Name=MSP-v4, Port=submission, M=Ea, Addr=127.0.0.1\')dnl\r'],
	]);
	assert.equal(listenOf(mcDaemons(edited.text)), 'local');
	assert.equal(mcDaemons(setMcListen(edited.text, 'all').text).every(daemon => daemon.addr === undefined), true);
});

test('.mc: Debian\'s stock daemons are local-only, and all opens both', {skip: readFileSafe('/etc/mail/sendmail.mc') === undefined ? 'no Debian sendmail.mc' : undefined}, () => {
	const mc = readFileSafe('/etc/mail/sendmail.mc')!;
	assert.equal(listenOf(mcDaemons(mc)), 'local');
	assert.equal(setMcListen(mc, 'local').text, mc);
	const opened = setMcListen(mc, 'all');
	assert.deepEqual(opened.changed.map(change => change.after), [
		'DAEMON_OPTIONS(`Family=inet,  Name=MTA-v4, Port=smtp\')dnl',
		'DAEMON_OPTIONS(`Family=inet,  Name=MSP-v4, Port=submission, M=Ea\')dnl',
	]);
});

test('.mc without DAEMON_OPTIONS: local adds the default MTA and MSA daemons on the loopback before the first MAILER', () => {
	const mc = 'OSTYPE(`linux\')dnl\nMAILER(`local\')dnl\n';
	const edited = setMcListen(mc, 'local');
	assert.equal(edited.text, 'OSTYPE(`linux\')dnl\nDAEMON_OPTIONS(`Name=MTA, Addr=127.0.0.1\')dnl\nFEATURE(`no_default_msa\')dnl\nDAEMON_OPTIONS(`Port=587, Name=MSA, M=E, Addr=127.0.0.1\')dnl\nMAILER(`local\')dnl\n');
	const noMsa = 'FEATURE(`no_default_msa\')dnl\nMAILER(`local\')dnl\n';
	assert.equal(setMcListen(noMsa, 'local').text, 'FEATURE(`no_default_msa\')dnl\nDAEMON_OPTIONS(`Name=MTA, Addr=127.0.0.1\')dnl\nMAILER(`local\')dnl\n');
});

test('the plan: listen changes only the daemon lines, names its change, and answers validation takes only "all" or "local"', () => {
	const plan = planHardening({cfPath: '/x/sendmail.cf', cfText: CF, answers: {listen: 'local', maxDaemonChildren: 40}});
	assert.ok(plan.ok);
	const [file] = plan.value.files;
	assert.deepEqual(changedLines(CF, file!.after).map(([, after]) => after), [
		'O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1',
		'O DaemonPortOptions=Name=MSA, Port=587, M=E, Addr=127.0.0.1',
		'O DaemonPortOptions=Family=inet6,Name=MTA-v6,Port=smtp,Addr=::1',
		'O MaxDaemonChildren=40',
	]);
	assert.deepEqual(plan.value.settings.find(change => change.setting === 'Daemon addresses'), {
		setting: 'Daemon addresses',
		from: 'all (MTA-v4 every address, MSA 192.0.2.10, MTA-v6 every address, sock /run/sendmail.sock)',
		to: 'local (3 daemon lines changed)',
	});
	assert.equal(validateAnswers({listen: 'local'}).ok, true);
	assert.equal(validateAnswers({listen: null}).ok, true);
	const wrong = validateAnswers({listen: 'localhost'});
	assert.equal(wrong.ok ? '' : wrong.error, 'listen must be "all" or "local"');
});

test('audit\'s listen row says where each daemon listens and what that means; it never counts against hardening', () => {
	const row = (cf: string) => auditConfig(cf, undefined).items.find(item => item.setting === 'DaemonPortOptions')!;
	const open = row(CF);
	assert.match(open.value, /^all: MTA-v4 port smtp on every IPv4 address \(reachable from other machines\); MSA port 587 on 192\.0\.2\.10/);
	assert.match(open.value, /reachable from other machines on 3 of 4 daemons$/);
	assert.equal(open.hardened, true);
	assert.match(open.answer ?? '', /listen: "local"/);
	const closed = row(setCfListen(CF, 'local').text);
	assert.match(closed.value, /^local: .*no other machine can connect/);
	assert.match(row('O MaxDaemonChildren=1\n').value, /^all: MTA port 25 on every IPv4 address .*sendmail's default daemon/);
});

function readFileSafe(file: string): string | undefined {
	try {
		return readFileSync(file, 'latin1');
	} catch {
		return undefined;
	}
}

test('a preset\'s summary says where the daemons will listen', async () => {
	const {summarizeAnswers} = await import('../../source/commands/presets.js');
	assert.equal(summarizeAnswers({listen: 'local'}), 'daemons listen on 127.0.0.1 only (local)');
	assert.equal(summarizeAnswers({listen: 'all', maxDaemonChildren: 40}), 'MaxDaemonChildren 40, daemons listen on every address (all)');
});

test('audit\'s listen row follows the daemons sendmail itself sets up (-d37.1), not the file, where sendmail was asked', async () => {
	const {auditFromOptionsSet} = await import('../../source/core/audit.js');
	const fromFile = auditConfig(CF, undefined);
	const asked = auditFromOptionsSet(fromFile, new Map([['DaemonPortOptions', ['Family=inet, Name=MTA-v4, Port=smtp, Addr=127.0.0.1']]]));
	const row = asked.items.find(item => item.setting === 'DaemonPortOptions')!;
	assert.equal(row.from, 'sendmail');
	assert.equal(row.reply, 'setoption DaemonPortOptions=Family=inet, Name=MTA-v4, Port=smtp, Addr=127.0.0.1');
	assert.match(row.value, /^local: MTA-v4 port smtp on 127\.0\.0\.1 \(this host only\); no other machine can connect/);
	const none = auditFromOptionsSet(fromFile, new Map()).items.find(item => item.setting === 'DaemonPortOptions')!;
	assert.equal(none.reply, 'sendmail sets no DaemonPortOptions');
	assert.match(none.value, /^all: MTA port 25 on every IPv4 address/);
});
