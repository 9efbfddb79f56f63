// The wizard never loses STARTTLS: Review rehearses the new files against the config in force, and
// a config whose certificate sendmail cannot use has Write refused, with sendmail's own reason.
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import type {RehearseFiles} from '../source/flow/apply-flow.js';
import {rehearseFiles} from '../source/system/rehearsal.js';
import {KEY, PRESET, checkEnv, enterUntil, openWizard, tempConfig} from './app-helpers.js';
import {skipUnlessSendmail} from './helpers/sendmail.js';
import {stepHeading} from './helpers/steps.js';
import {makeDebianTlsFiles, withStarttls} from './helpers/tls-fixture.js';

test('Write is refused with sendmail\'s reason when the certificate the config names is gone', skipUnlessSendmail(), async t => {
	const {folder, cfPath} = tempConfig(t);
	const tls = makeDebianTlsFiles(mkdtempSync(path.join(os.tmpdir(), 'wizard-starttls-')));
	t.after(() => rmSync(tls.folder, {recursive: true, force: true}));
	writeFileSync(cfPath, withStarttls(readFileSync(cfPath, 'latin1'), tls), 'latin1');
	rmSync(tls.cert);
	const before = readdirSync(folder).map(name => [name, readFileSync(path.join(folder, name))]);
	const asked: Array<string | undefined> = [];
	const rehearse: RehearseFiles = async (files, answers, options) => {
		asked.push(options?.currentCfText);
		return rehearseFiles(files, answers, {...options, env: {...process.env, ...checkEnv}});
	};

	const app = await openWizard(t, cfPath, {answers: PRESET, answersFrom: 'preset "web"', effects: {rehearse}});
	await app.waitFor('pre-filled from');
	await enterUntil(app, 'Review');
	await app.waitFor(stepHeading('Review'));
	const refused = (await app.waitFor('Write refused', 90_000)).replaceAll('\n', ' ').replaceAll(/ {2,}/g, ' ');
	assert.ok(refused.includes(`STARTTLS=server: file ${tls.cert} unsafe: No such file or directory`), refused);
	assert.doesNotMatch(refused, /Write changes/);
	// The candidate was rehearsed against the config in force.
	assert.ok(asked.includes(readFileSync(cfPath, 'latin1')));
	await app.press(KEY.down, KEY.enter);
	assert.deepEqual(app.result(), {code: 0, message: 'Quit: nothing was written.'});
	assert.deepEqual(readdirSync(folder).map(name => [name, readFileSync(path.join(folder, name))]), before);
});
