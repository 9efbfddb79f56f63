// The access map's pure edits: only the default entry's line changes, every other byte stays.
import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import test from 'node:test';
import {accessDefault, accessMapSpec, cfLooksUp, greetPauseFallback, greetPauseSplice, setAccessDefault, setGreetPauseFeature} from '../../source/core/access-map.js';
import {planHardening} from '../../source/core/plan.js';
import {applySplices} from '../../source/core/sendmail-cf.js';

const debianAccess = [
	'# Check the /usr/share/doc/sendmail/README.Debian.gz file for more info',
	'Connect:127\t\t\t\tRELAY',
	'GreetPause:127\t\t\t0',
	'ClientRate:127\t\t\t0',
	'ClientConn:127\t\t\t0',
	'#ClientRate:192.168\t\t0',
	'# Defaults',
	'GreetPause:\t\t\t\t5000',
	'ClientRate:\t\t\t\t10',
	'ClientConn:\t\t\t\t10',
	'Spam:postmaster@\tFRIEND',
	'',
].join('\n');
const haveDebian = existsSync('/etc/mail/sendmail.cf') && existsSync('/etc/mail/sendmail.mc');
const lines = (text: string) => text.split('\n');

test('setAccessDefault changes only the default entry\'s number: the loopback\'s entry, comments and the other tags stay', () => {
	const edited = setAccessDefault(debianAccess, 'ClientRate', 3);
	const changed = lines(edited).flatMap((line, index) => (line === lines(debianAccess)[index] ? [] : [[lines(debianAccess)[index], line]]));
	assert.deepEqual(changed, [['ClientRate:\t\t\t\t10', 'ClientRate:\t\t\t\t3']]);
	assert.equal(accessDefault(edited, 'ClientRate'), 3);
	assert.equal(accessDefault(edited, 'ClientConn'), 10);
	assert.equal(setAccessDefault(edited, 'ClientRate', 10), debianAccess);
});

test('setAccessDefault keeps CRLF line endings, a trailing comment and a tag written in another case', () => {
	const crlf = debianAccess.replaceAll('\n', '\r\n').replace('ClientConn:\t\t\t\t10', 'clientconn: 10  # per client');
	const edited = setAccessDefault(crlf, 'ClientConn', 20);
	assert.equal(edited, crlf.replace('clientconn: 10  # per client', 'clientconn: 20  # per client'));
	assert.ok(!/[^\r]\n/.test(edited), 'a bare LF appeared');
});

test('setAccessDefault adds the line at the end where there is none, with the file\'s line ending, after a missing final newline', () => {
	assert.equal(setAccessDefault('Connect:127\tRELAY\n', 'ClientRate', 10), 'Connect:127\tRELAY\nClientRate:\t\t\t\t10\n');
	assert.equal(setAccessDefault('Connect:127\tRELAY\r\nConnect:10\tRELAY', 'ClientConn', 5), 'Connect:127\tRELAY\r\nConnect:10\tRELAY\r\nClientConn:\t\t\t\t5\r\n');
	assert.equal(setAccessDefault('', 'ClientRate', 1), 'ClientRate:\t\t\t\t1\n');
	// A commented-out default is no entry: it stays, and the entry is added.
	assert.equal(setAccessDefault('#ClientRate:\t10\n', 'ClientRate', 4), '#ClientRate:\t10\nClientRate:\t\t\t\t4\n');
});

test('accessMapSpec reads the map\'s type and file from the Kaccess line; a map that is no file is refused', () => {
	assert.deepEqual(accessMapSpec('V10/Berkeley\nKaccess hash -T<TMPF> /etc/mail/access\n'), {type: 'hash', path: '/etc/mail/access', dbPath: '/etc/mail/access.db'});
	assert.deepEqual(accessMapSpec('Kaccess btree -o /etc/mail/access.db\r\n'), {type: 'btree', path: '/etc/mail/access', dbPath: '/etc/mail/access.db'});
	assert.equal(accessMapSpec('V10/Berkeley\n'), undefined);
	assert.match((accessMapSpec('Kaccess ldap -1 -v sendmailMTAMapValue\n') as {problem: string}).problem, /names no file/);
	assert.match((accessMapSpec('Kaccess dbm /etc/mail/access\n') as {problem: string}).problem, /only hash and btree/);
});

test('Debian\'s cf: the greet_pause fallback is the FEATURE\'s 1000; the splice changes that number only; its .mc line gets the new number', {skip: haveDebian ? undefined : 'no Debian sendmail.cf'}, () => {
	const cf = readFileSync('/etc/mail/sendmail.cf', 'latin1');
	assert.equal(greetPauseFallback(cf), 1000);
	for (const tag of ['GreetPause', 'ClientRate', 'ClientConn'] as const) {
		assert.ok(cfLooksUp(cf, tag), tag);
	}

	const found = greetPauseSplice(cf, 4000)!;
	assert.equal(found.from, 1000);
	const edited = applySplices(cf, [found.splice]);
	assert.equal(greetPauseFallback(edited), 4000);
	assert.deepEqual(lines(edited).filter((line, index) => line !== lines(cf)[index]), ['R<?> <$*>\t\t$# 4000']);
	const mc = readFileSync('/etc/mail/sendmail.mc', 'latin1');
	const mcEdited = setGreetPauseFeature(mc, 4000)!;
	assert.deepEqual(lines(mcEdited).filter((line, index) => line !== lines(mc)[index]), ['FEATURE(`greet_pause\', `4000\')dnl 1 seconds']);
	assert.equal(setGreetPauseFeature('divert(0)dnl\nMAILER(smtp)\n', 1), undefined);
});

test('planHardening: clientRate edits the access file the cf names; without the FEATURE or an access map it refuses, writing nothing', {skip: haveDebian ? undefined : 'no Debian sendmail.cf'}, () => {
	const cf = readFileSync('/etc/mail/sendmail.cf', 'latin1');
	const access = {type: 'hash', path: '/srv/access', dbPath: '/srv/access.db', text: debianAccess};
	const plan = planHardening({cfPath: '/srv/sendmail.cf', cfText: cf, access, answers: {clientRate: 3, clientConn: 10}});
	assert.ok(plan.ok);
	assert.deepEqual(plan.value.files.map(file => [file.role, file.path]), [['access', '/srv/access']]);
	assert.equal(plan.value.files[0]!.after, setAccessDefault(debianAccess, 'ClientRate', 3));
	assert.deepEqual(plan.value.settings, [{setting: 'ClientRate: (/srv/access)', from: '10', to: '3'}]);

	const noFeature = planHardening({cfPath: '/srv/sendmail.cf', cfText: cf.replaceAll('<! ClientRate>', '<! Other>'), access, answers: {clientRate: 3}});
	assert.ok(!noFeature.ok);
	assert.match(noFeature.error, /ClientRate: needs FEATURE\(`ratecontrol'\).*nothing was written$/);
	const noMap = planHardening({cfPath: '/srv/sendmail.cf', cfText: cf, answers: {clientConn: 3}});
	assert.ok(!noMap.ok);
	assert.match(noMap.error, /clientConn goes into the access map, and .* was not read; nothing was written$/);
	const unreadable = planHardening({cfPath: '/srv/sendmail.cf', cfText: cf, access: {path: '/srv/access', problem: '/srv/access is not trusted: ...'}, answers: {clientConn: 3}});
	assert.ok(!unreadable.ok);
	assert.match(unreadable.error, /^clientConn: \/srv\/access is not trusted/);
	const noPause = planHardening({cfPath: '/srv/sendmail.cf', cfText: cf.replace(/^Sgreet_pause$/m, 'Sother'), answers: {greetPause: 10}});
	assert.ok(!noPause.ok);
	assert.match(noPause.error, /greetPause needs FEATURE\(`greet_pause'\)/);
});

test('planHardening with addFeatures (the .mc is edited): a FEATURE the cf lacks is planned for the .mc instead of refused', {skip: haveDebian ? undefined : 'no Debian sendmail.cf'}, () => {
	const cf = readFileSync('/etc/mail/sendmail.cf', 'latin1').replaceAll('<! ClientRate>', '<! Other>').replace(/^Sgreet_pause$/m, 'Sother');
	const access = {type: 'hash', path: '/srv/access', dbPath: '/srv/access.db', text: debianAccess};
	const refused = planHardening({cfPath: '/srv/sendmail.cf', cfText: cf, access, answers: {clientRate: 3}});
	assert.ok(!refused.ok);
	const plan = planHardening({cfPath: '/srv/sendmail.cf', cfText: cf, access, answers: {clientRate: 3, greetPause: 3000}, addFeatures: true});
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	assert.deepEqual(plan.value.mcFeatures, ['ratecontrol']);
	assert.deepEqual(plan.value.files.map(file => file.role), ['access']);
	assert.deepEqual(plan.value.settings.map(change => [change.setting, change.from, change.to]), [['greet_pause (ms before the greeting)', 'no FEATURE(greet_pause)', '3000'], ['ClientRate: (/srv/access)', '10', '3']]);
});
