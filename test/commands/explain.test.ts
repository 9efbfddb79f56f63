import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {formatFlagHelp, nearestFlag, runExplain} from '../../source/commands/explain.js';
import {PRIVACY_FLAG_NAMES} from '../../source/core/privacy-flag-names.js';
import {captureIo} from '../helpers/capture-io.js';


describe('explain', () => {
	test('without a flag lists all 16 flags in 80 columns', async () => {
		const io = captureIo();
		assert.equal(await runExplain(undefined, io), 0);
		assert.equal(io.stderr, '');
		for (const flag of PRIVACY_FLAG_NAMES) {
			assert.match(io.stdout, new RegExp(`^  ${flag} `, 'm'));
		}

		for (const line of io.stdout.split('\n')) {
			assert.ok(line.length <= 80, `too wide: ${line}`);
		}
	});

	// docs/sendmail.md, "SMTP replies per setting": novrfy answers 252.
	test('a flag prints its meaning and the exchange before and after', async () => {
		const io = captureIo();
		assert.equal(await runExplain('novrfy', io), 0);
		assert.match(io.stdout, /^novrfy: /);
		assert.match(io.stdout, /Without novrfy:\n {2}C: VRFY root\n {2}S: 250 2\.1\.5 root <root@lab\.example\.test>\nWith novrfy:\n {2}C: VRFY root\n {2}S: 252 2\.5\.2 Cannot VRFY user/);
	});

	test('flag names are case-insensitive', async () => {
		const io = captureIo();
		assert.equal(await runExplain('GoAway', io), 0);
		assert.match(io.stdout, /noverb/);
	});

	test('an unknown flag exits 2 with one line on stderr suggesting the nearest name', async () => {
		const io = captureIo();
		assert.equal(await runExplain('novrify', io), 2);
		assert.equal(io.stdout, '');
		assert.equal(io.stderr.split('\n').length, 2);
		assert.match(io.stderr, /unknown privacy flag "novrify"; did you mean "novrfy"\?/);
	});

	test('no suggestion for something far from any flag', async () => {
		const io = captureIo();
		assert.equal(await runExplain('banana', io), 2);
		assert.doesNotMatch(io.stderr, /did you mean/);
		assert.equal(nearestFlag('restrictqrn'), 'restrictqrun');
		assert.equal(nearestFlag('goawy'), 'goaway');
	});

	test('every flag\'s help fits 80 columns', () => {
		for (const flag of PRIVACY_FLAG_NAMES) {
			const lines = formatFlagHelp(flag);
			assert.ok(lines.length >= 3);
			for (const line of lines) {
				assert.ok(line.length <= 80, `${flag}: ${line}`);
			}
		}
	});

	test('the command-line flags say they change no SMTP exchange', () => {
		assert.match(formatFlagHelp('restrictqrun').join('\n'), /No SMTP exchange changes/);
	});
});

describe('explain SETTING', () => {
	test('each setting of the registry is explained by its answers key and by its option name, in 80 columns', async () => {
		const {SETTINGS} = await import('../../source/settings/registry.js');
		for (const setting of SETTINGS) {
			const names = 'option' in setting ? [setting.key, setting.option.toUpperCase()] : [setting.key];
			for (const name of names) {
				const io = captureIo();
				assert.equal(await runExplain(name, io), 0, name);
				assert.equal(io.stderr, '');
				assert.ok(io.stdout.startsWith(setting.key), `${name}: ${io.stdout.slice(0, 40)}`);
				for (const line of io.stdout.split('\n')) {
					assert.ok(line.length <= 80, `too wide: ${line}`);
				}
			}
		}
	});

	test('a setting\'s explanation names the checks that show it on the wire', async () => {
		const io = captureIo();
		assert.equal(await runExplain('MaxMessageSize', io), 0);
		assert.match(io.stdout, /"SIZE" check/);
		const received = captureIo();
		assert.equal(await runExplain('hideReceivedVersion', received), 0);
		assert.match(received.stdout, /No SMTP exchange shows it/);
	});

	test('the list of flags ends with the settings', async () => {
		const io = captureIo();
		assert.equal(await runExplain(undefined, io), 0);
		assert.match(io.stdout, /Settings: greeting, maxMessageSize, maxRecipientsPerMessage, privacyOptions,/);
	});

	test('--json gives the list, a flag and a setting as documents with the text\'s facts', async () => {
		const list = captureIo();
		assert.equal(await runExplain(undefined, list, {json: true}), 0);
		const all = JSON.parse(list.stdout) as {flags: Array<{flag: string}>; settings: Array<{setting: string; option: string | null}>};
		assert.deepEqual(all.flags.map(each => each.flag), [...PRIVACY_FLAG_NAMES]);
		assert.ok(all.settings.some(each => each.setting === 'maxRecipientsPerMessage' && each.option === 'MaxRecipientsPerMessage'));

		const goaway = captureIo();
		assert.equal(await runExplain('goaway', goaway, {json: true}), 0);
		const flag = JSON.parse(goaway.stdout) as {flag: string; sets: string[]; effects: Array<{kind: string; after?: string}>; recommended: boolean};
		assert.equal(flag.flag, 'goaway');
		assert.ok(flag.sets.includes('noverb') && !flag.sets.includes('noetrn'));
		assert.ok(flag.effects.some(effect => effect.after?.startsWith('503 5.0.0 Polite people say HELO first')));

		const etrn = captureIo();
		await runExplain('noetrn', etrn, {json: true});
		const noetrn = JSON.parse(etrn.stdout) as {recommended: boolean; mayBreak: string | null};
		assert.equal(noetrn.recommended, true);
		assert.match(noetrn.mayBreak ?? '', /ETRN/);

		const size = captureIo();
		assert.equal(await runExplain('MaxMessageSize', size, {json: true}), 0);
		const setting = JSON.parse(size.stdout) as {setting: string; option: string; mcDefine: string; recommended: number; explain: string[]};
		assert.deepEqual([setting.setting, setting.option, setting.mcDefine], ['maxMessageSize', 'MaxMessageSize', 'confMAX_MESSAGE_SIZE']);
		assert.equal(typeof setting.recommended, 'number');
		assert.ok(setting.explain.length > 0);
	});
});
