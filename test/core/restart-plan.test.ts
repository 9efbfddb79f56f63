import test from 'node:test';
import assert from 'node:assert/strict';
import {
	DEBIAN_PID_FILE,
	DEFAULT_PID_FILE,
	describeManualRestart,
	detectRestart,
	parsePidFile,
	parseRestartCommand,
	sendmailPidFile,
	type HostProbe,
} from '../../source/core/restart-plan.js';

const bare: HostProbe = {platform: 'linux', systemdRunning: false, sendmailUnitKnown: false, debian: false};

test('systemd with a sendmail unit: systemctl restart sendmail', () => {
	const plan = detectRestart({
		...bare,
		systemdRunning: true,
		systemctlPath: '/usr/bin/systemctl',
		sendmailUnitKnown: true,
		servicePath: '/usr/sbin/service',
		initScriptPath: '/etc/init.d/sendmail',
	});
	assert.deepEqual(plan, {label: 'systemctl restart sendmail', command: '/usr/bin/systemctl', args: ['restart', 'sendmail']});
});

test('systemd without a sendmail unit falls back to the init script', () => {
	const plan = detectRestart({
		...bare,
		systemdRunning: true,
		systemctlPath: '/usr/bin/systemctl',
		initScriptPath: '/etc/init.d/sendmail',
	});
	assert.deepEqual(plan, {label: '/etc/init.d/sendmail restart', command: '/etc/init.d/sendmail', args: ['restart']});
});

test('systemctl installed but systemd not running: not used', () => {
	const plan = detectRestart({...bare, systemctlPath: '/usr/bin/systemctl', sendmailUnitKnown: true});
	assert.equal(plan, undefined);
});

test('an init script with service(8): service sendmail restart', () => {
	const plan = detectRestart({...bare, initScriptPath: '/etc/init.d/sendmail', servicePath: '/usr/sbin/service'});
	assert.deepEqual(plan, {label: 'service sendmail restart', command: '/usr/sbin/service', args: ['sendmail', 'restart']});
});

test('an init script without service(8): the script itself', () => {
	const plan = detectRestart({...bare, initScriptPath: '/etc/init.d/sendmail'});
	assert.deepEqual(plan, {label: '/etc/init.d/sendmail restart', command: '/etc/init.d/sendmail', args: ['restart']});
});

test('FreeBSD: service sendmail restart, by platform or by /etc/rc.d/sendmail', () => {
	const expected = {label: 'service sendmail restart', command: '/usr/sbin/service', args: ['sendmail', 'restart']};
	assert.deepEqual(detectRestart({...bare, platform: 'freebsd', servicePath: '/usr/sbin/service'}), expected);
	assert.deepEqual(detectRestart({...bare, rcScriptPath: '/etc/rc.d/sendmail', servicePath: '/usr/sbin/service'}), expected);
	assert.deepEqual(
		detectRestart({...bare, platform: 'freebsd', rcScriptPath: '/etc/rc.d/sendmail'}),
		{label: '/etc/rc.d/sendmail restart', command: '/etc/rc.d/sendmail', args: ['restart']},
	);
});

test('nothing found, or only service(8) with no script: no plan', () => {
	assert.equal(detectRestart(bare), undefined);
	assert.equal(detectRestart({...bare, servicePath: '/usr/sbin/service'}), undefined);
});

test('sendmailPidFile reads O PidFile from the cf', () => {
	// Debian's sendmail.cf line 525: O PidFile=/var/run/sendmail/mta/sendmail.pid
	const cf = 'O QueueDirectory=/var/spool/mqueue\nO PidFile=/var/run/sendmail/mta/sendmail.pid\n';
	assert.equal(sendmailPidFile(cf, {debian: false}), '/var/run/sendmail/mta/sendmail.pid');
	assert.equal(sendmailPidFile('O PidFile=/a\r\nO PidFile=/b\r\n', {debian: false}), '/b');
});

test('sendmailPidFile falls back to the platform default, ignoring commented lines', () => {
	assert.equal(sendmailPidFile('#O PidFile=/x.pid\n', {debian: true}), DEBIAN_PID_FILE);
	assert.equal(sendmailPidFile(undefined, {debian: false}), DEFAULT_PID_FILE);
});

test('sendmailPidFile gives up on a macro only sendmail can expand', () => {
	assert.equal(sendmailPidFile('O PidFile=/var/run/sendmail.$j.pid\n', {debian: false}), undefined);
});

test('parsePidFile takes the first line', () => {
	assert.equal(parsePidFile('1234\n/usr/sbin/sendmail -bd -q15m\n'), 1234);
	assert.equal(parsePidFile('  77  \n'), 77);
	assert.equal(parsePidFile(''), undefined);
	assert.equal(parsePidFile('abc\n'), undefined);
	assert.equal(parsePidFile('1\n'), undefined); // never init
	assert.equal(parsePidFile('-5\n'), undefined);
});

test('describeManualRestart names the command to run', () => {
	assert.match(
		describeManualRestart({label: 'systemctl restart sendmail', command: '/usr/bin/systemctl', args: ['restart', 'sendmail']}),
		/run: systemctl restart sendmail$/,
	);
	const none = describeManualRestart(undefined, '/run/sendmail/mta/sendmail.pid');
	assert.match(none, /^No systemd unit, init script, OpenRC service or rc script for sendmail was found/);
	assert.match(none, /kill -HUP \$\(head -1 \/run\/sendmail\/mta\/sendmail\.pid\)$/);
	assert.doesNotMatch(none, /\n/);
});

test('OpenRC (Alpine, Gentoo): rc-service sendmail restart, even where service(8) exists too', () => {
	const plan = detectRestart({
		...bare,
		initScriptPath: '/etc/init.d/sendmail',
		openrcScript: true,
		rcServicePath: '/sbin/rc-service',
		servicePath: '/usr/sbin/service',
	});
	assert.deepEqual(plan, {label: 'rc-service sendmail restart', command: '/sbin/rc-service', args: ['sendmail', 'restart']});
});

test('an OpenRC script without rc-service on PATH: the script itself', () => {
	const plan = detectRestart({...bare, initScriptPath: '/etc/init.d/sendmail', openrcScript: true});
	assert.deepEqual(plan, {label: '/etc/init.d/sendmail restart', command: '/etc/init.d/sendmail', args: ['restart']});
});

test('the PidFile is read as sendmail reads it: any case, a unique prefix; O<TAB>PidFile= is no option', () => {
	assert.equal(sendmailPidFile('O pidfile=/run/a.pid\n', {debian: false}), '/run/a.pid');
	assert.equal(sendmailPidFile('O PidF=/run/b.pid # comment\n', {debian: false}), '/run/b.pid');
	assert.equal(sendmailPidFile('O\tPidFile=/run/c.pid\n', {debian: false}), DEFAULT_PID_FILE);
});

test('parseRestartCommand: words with simple quoting, or a JSON array; nothing a shell would expand', () => {
	const words = (text: string) => {
		const parsed = parseRestartCommand(text);
		assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
		return [parsed.value.command, ...parsed.value.args];
	};

	assert.deepEqual(words('/usr/sbin/service sendmail restart'), ['/usr/sbin/service', 'sendmail', 'restart']);
	assert.deepEqual(words(`  /x  'a b'  "c \\"d\\" \\\\" e\\ f ''`), ['/x', 'a b', 'c "d" \\', 'e f', '']);
	assert.deepEqual(words('/x a;b $HOME `id` *'), ['/x', 'a;b', '$HOME', '`id`', '*']);
	assert.deepEqual(words('["/usr/bin/svc", "two words", "x;y"]'), ['/usr/bin/svc', 'two words', 'x;y']);
	const plan = parseRestartCommand(`/x 'a b' c;d`);
	assert.ok(plan.ok);
	assert.equal(plan.value.label, `/x 'a b' 'c;d'`);
	for (const [text, message] of [
		[`/x 'open`, /a ' quote is not closed/],
		['/x "open', /a " quote is not closed/],
		['/x \\', /lone \\/],
		['', /needs a command/],
		['   ', /needs a command/],
		['[1, 2]', /array of strings/],
		['["/x"', /JSON array of strings/],
		['[]', /needs a command/],
		['/x a\u0007', /control character/],
	] as const) {
		const parsed = parseRestartCommand(text);
		assert.equal(parsed.ok, false, text);
		assert.match((parsed as {error: string}).error, message);
	}
});
