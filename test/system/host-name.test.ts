import {test} from 'node:test';
import assert from 'node:assert/strict';
import {configHostName, hostNameWarning, privateHostName, qualifyHostName, sendmailRun} from '../../source/system/host-name.js';
import {sendmailVersion, validateChange} from '../../source/system/sendmail.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';

test('a host name is qualified by a dot, or by the first /etc/hosts line that lists it', () => {
	assert.equal(qualifyHostName('mail.example.org', ''), 'mail.example.org');
	// This machine's /etc/hosts: "vm" only under 127.0.0.1, so sendmail sleeps 60 s.
	assert.equal(qualifyHostName('vm', '127.0.0.1 localhost\n127.0.0.1 runsc\n127.0.0.1 vm\n'), undefined);
	assert.equal(qualifyHostName('vm', '127.0.0.1 localhost\n127.0.1.1 vm.example.org vm # the fix\n'), 'vm.example.org');
	assert.equal(qualifyHostName('VM', '127.0.1.1 vm vm.example.org\n'), 'vm.example.org');
	// The first line that lists the name decides, as gethostbyname reads /etc/hosts.
	assert.equal(qualifyHostName('vm', '127.0.0.1 vm\n127.0.1.1 vm.example.org vm\n'), undefined);
	assert.equal(qualifyHostName('vm', '# 127.0.1.1 vm.example.org vm\n'), undefined);
});

test('the warning names the fix; a qualified host has none', () => {
	assert.equal(hostNameWarning({name: 'mail.example.org', qualifiedAs: 'mail.example.org'}), undefined);
	assert.match(hostNameWarning({name: 'vm', qualifiedAs: undefined})!, /^The host name "vm" is not fully qualified: sendmail sleeps 60 s at every start\. Fix: put a fully qualified name first for this host in \/etc\/hosts, e\.g\. "127\.0\.1\.1 vm\.example\.org vm"/);
});

test('sendmail runs as is on a qualified host, in a private UTS namespace as root on Linux, else it waits', () => {
	const unqualified = {name: 'vm', qualifiedAs: undefined};
	assert.deepEqual(sendmailRun('/usr/sbin/sendmail', ['-bt'], {check: {name: 'm.example.org', qualifiedAs: 'm.example.org'}, root: true, unshare: '/usr/bin/unshare'}), {command: '/usr/sbin/sendmail', args: ['-bt'], hostName: 'm.example.org', how: 'qualified'});
	const privateRun = sendmailRun('/usr/sbin/sendmail', ['-bt'], {check: unqualified, root: true, unshare: '/usr/bin/unshare'}, 'mail.example.org');
	assert.equal(privateRun.command, '/usr/bin/unshare');
	assert.deepEqual(privateRun.args.slice(-3), ['mail.example.org', '/usr/sbin/sendmail', '-bt']);
	assert.equal(privateRun.how, 'private-name');
	assert.equal(sendmailRun('/usr/sbin/sendmail', ['-bt'], {check: unqualified, root: false, unshare: '/usr/bin/unshare'}).how, 'waits');
	assert.equal(sendmailRun('/usr/sbin/sendmail', ['-bt'], {check: unqualified, root: true, unshare: undefined}).how, 'waits');
});

test('the private name is the config\'s Dj or --hostname when usable, else NAME.localdomain', () => {
	const check = {name: 'vm', qualifiedAs: undefined};
	assert.equal(privateHostName(check, 'mail.example.org'), 'mail.example.org');
	assert.equal(privateHostName(check, 'x; reboot'), 'vm.localdomain');
	assert.equal(privateHostName(check), 'vm.localdomain');
	assert.equal(configHostName('#Dj$w.Foo.COM\nDjmail.example.org\n'), 'mail.example.org');
	assert.equal(configHostName('Dj$w.Foo.COM\n'), undefined);
});

test('the -bt check and the version query answer at once on this unqualified host (no 60 s sleep)', skipUnlessSendmail(), async () => {
	// Without the private UTS namespace each would take over 60 s, past these limits.
	const cf = '/etc/mail/sendmail.cf';
	assert.equal(await sendmailVersion('/usr/sbin/sendmail', cf), '8.17.1.9');
	const text = (await import('node:fs')).readFileSync(cf, 'latin1');
	const checked = await validateChange(text, text.replace('O MaxMessageSize=0', 'O MaxMessageSize=1'), {env: {}, timeoutMs: 20_000, cfPath: cf});
	assert.deepEqual(checked, {ok: true, value: {checked: true}});
});
