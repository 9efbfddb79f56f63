// The Floods step's pages for the access map: greet_pause's pause, ClientRate: and ClientConn: are
// offered where the host builds from its .mc and the cf has the FEATUREs and an access map, and
// the last page says why not elsewhere; an answer reaches Review as the access file's diff and
// the map's rebuild.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {ACCESS_MAP_SETTINGS} from '../../source/settings/registry.js';
import {accessMapOffer} from '../../source/steps/CountPages.js';
import {KEY, enterUntil, openWizard, tempConfig} from '../app-helpers.js';
import {copyDebianAccessPair} from '../helpers/access-fixture.js';
import {haveDebianMc, skipUnlessDebianMc} from '../helpers/debian-mc.js';

const debianAccess = 'GreetPause:127\t\t\t0\nClientRate:127\t\t\t0\nClientConn:127\t\t\t0\nGreetPause:\t\t\t\t5000\nClientRate:\t\t\t\t10\nClientConn:\t\t\t\t10\n';
const cf = haveDebianMc ? readFileSync('/etc/mail/sendmail.cf', 'latin1') : '';
const access = {type: 'hash', path: '/srv/access', dbPath: '/srv/access.db', text: debianAccess};

test('accessMapOffer: all three with their values in force where the host builds from its .mc; else a note says why not', skipUnlessDebianMc(), () => {
	const all = accessMapOffer(ACCESS_MAP_SETTINGS, {mcPath: '/srv/sendmail.mc', cfText: cf, access});
	assert.deepEqual(all.offered.map(setting => setting.key), ['greetPause', 'clientRate', 'clientConn']);
	// The outsiders' pause is the FEATURE's 1000, not the access file's keyless 5000.
	assert.deepEqual(all.current, {greetPause: 1000, clientRate: 10, clientConn: 10});
	assert.deepEqual(all.notes, []);

	const noMc = accessMapOffer(ACCESS_MAP_SETTINGS, {mcPath: undefined, cfText: cf, access});
	assert.deepEqual(noMc.offered, []);
	assert.match(noMc.notes[0]!.text, /^Not offered: FEATURE\(greet_pause\), ClientRate:, ClientConn: \(.*builds sendmail\.cf from a sendmail\.mc with an access map/);

	// A FEATURE the cf lacks is added to the .mc when its setting is answered: offered, with no limit in force now.
	const noRate = accessMapOffer(ACCESS_MAP_SETTINGS, {mcPath: '/srv/sendmail.mc', cfText: cf.replaceAll('<! ClientRate>', '<! Other>').replace(/^R<\?> <\$\*>\t\t\$# 1000$/m, '').replace(/^Sgreet_pause$/m, 'Sother'), access});
	assert.deepEqual(noRate.offered.map(setting => setting.key), ['greetPause', 'clientRate', 'clientConn']);
	assert.deepEqual(noRate.current, {greetPause: 0, clientRate: 0, clientConn: 10});
	assert.match(noRate.notes[0]!.text, /^FEATURE\(`greet_pause'\) and FEATURE\(`ratecontrol'\) are not in this config: setting their limits adds them to the \.mc/);

	const noMap = accessMapOffer(ACCESS_MAP_SETTINGS, {mcPath: '/srv/sendmail.mc', cfText: cf, access: undefined});
	assert.match(noMap.notes[0]!.text, /^Not offered: ClientRate: \(the config has no access map: FEATURE\(`access_db'\) in the \.mc\); ClientConn: /);
	const unread = accessMapOffer(ACCESS_MAP_SETTINGS, {mcPath: '/srv/sendmail.mc', cfText: cf, access: {path: '/srv/access', problem: '/srv/access is not trusted: owned by smmta'}});
	assert.deepEqual(unread.offered.map(setting => setting.key), ['greetPause']);
	assert.match(unread.notes[0]!.text, /ClientRate: \(\/srv\/access is not trusted: owned by smmta\); ClientConn: /);
});

test('wizard: on Debian\'s .mc pair the Floods step adds the greeting pause, ClientRate: and ClientConn: pages with the bulk-sender guidance; a ClientRate answer reaches Review', skipUnlessDebianMc(), async t => {
	const parent = mkdtempSync(path.join(os.tmpdir(), 'access-pages-'));
	t.after(() => rmSync(parent, {recursive: true, force: true}));
	const pair = copyDebianAccessPair(parent);
	const app = await openWizard(t, pair.cfPath);
	await enterUntil(app, 'Floods and harvesting');
	// The step opens with the listen question; Enter keeps the daemons as they are.
	await app.waitFor('Does this host receive mail from other machines?');
	await app.press(KEY.enter);
	await app.waitFor('(1/6) BadRcptThrottle:');
	await app.press(KEY.enter, KEY.enter, KEY.enter);
	const pause = await app.waitFor('(4/6) FEATURE(greet_pause):');
	// Kept, the pause in force is the FEATURE's 1000, not the access file's keyless 5000.
	assert.match(pause, /› \(•\) Keep: 1000\n/);
	assert.match(pause, /FEATURE\(greet_pause\) 1000\./);
	await app.press(KEY.enter);
	const rate = await app.waitFor('(5/6) ClientRate:');
	assert.match(rate, /ClientRate: 10\./);
	// The explanation scrolls: the bulk sender's guidance is on it.
	let seen = rate;
	for (let page = 0; page < 6 && !/192\.0\.2\.10 0/.test(seen.replaceAll('\n', ' ')); page++) {
		await app.press(']');
		seen += app.frame();
	}

	assert.match(seen.replaceAll('\n', ' '), /list server .* 421 is a temporary failure/);
	assert.match(seen.replaceAll('\n', ' '), /"ClientRate:192\.0\.2\.10 0"/);
	for (let step = 0; step < 6 && !/› \( \) 30\b/.test(app.frame()); step++) {
		await app.press(KEY.down);
	}

	await app.waitFor('ClientRate: 30.');
	await app.press(KEY.enter);
	await app.waitFor('(6/6) ClientConn:');
	await enterUntil(app, 'Review');
	const review = (await app.waitFor('Write changes')).replaceAll('\n', ' ');
	assert.match(review, /\+ ClientRate: +30/);
	assert.match(review, /access\.db is rebuilt from \S+access the host's way \(makemap hash on a copy/);
});

test('wizard: without an .mc beside the config the step keeps its own pages, and its last says why the access map\'s are not offered', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await enterUntil(app, 'Floods and harvesting');
	await app.waitFor('Does this host receive mail from other machines?');
	await app.press(KEY.enter);
	await app.waitFor('(1/3) BadRcptThrottle:');
	await app.press(KEY.enter, KEY.enter);
	const last = (await app.waitFor('(3/3) MaxDaemonChildren:')).replaceAll('\n', ' ');
	let seen = last;
	for (let page = 0; page < 6 && !/FEATURE\(greet_pause\), ClientRate:, ClientConn:/.test(seen); page++) {
		await app.press(']');
		seen += app.frame().replaceAll('\n', ' ');
	}

	assert.match(seen, /Not offered: FEATURE\(greet_pause\), ClientRate:, ClientConn:/);
});
