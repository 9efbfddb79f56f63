// The start of a run, shared by the wizard and --yes (source/flow/setup.ts), and the one question
// both ask before a restart.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {daemonReadsConfig, noRestartReason, setUpRun} from '../../source/flow/setup.js';
import {copyDemoConfig} from '../helpers/cli.js';

test('setUpRun: the answers, then the config; no answers is bad input before anything is read when they are needed', async () => {
	const {cfPath} = copyDemoConfig();
	const ready = await setUpRun({config: cfPath, answers: 'test/fixtures/article-answers.json'}, {settle: true});
	assert.ok(ready.ok);
	assert.equal(ready.value.target.cfPath, cfPath);
	assert.equal(ready.value.target.cfText, readFileSync(cfPath, 'latin1'));
	assert.ok(ready.value.source !== undefined);

	const wizard = await setUpRun({config: cfPath}, {settle: true});
	assert.ok(wizard.ok);
	assert.equal(wizard.value.source, undefined);

	const needed = await setUpRun({config: '/nonexistent/sendmail.cf'}, {settle: true, needAnswers: '--yes needs answers'});
	assert.deepEqual(needed, {ok: false, meaning: 'bad input', error: '--yes needs answers', notes: []});

	const missing = await setUpRun({config: `${cfPath}.missing`, answers: 'test/fixtures/article-answers.json'}, {settle: false});
	assert.ok(!missing.ok);
	assert.equal(missing.meaning, 'bad input');
});

test('daemonReadsConfig: the default config, or any config whose restart the admin names; never a demo copy', () => {
	assert.equal(daemonReadsConfig({cfPath: '/etc/mail/sendmail.cf', demo: false}, {}), true);
	assert.equal(daemonReadsConfig({cfPath: '/tmp/x/sendmail.cf', demo: false}, {}), false);
	assert.equal(daemonReadsConfig({cfPath: '/tmp/x/sendmail.cf', demo: false}, {restartCommand: {label: 'x', command: '/bin/true', args: []}}), true);
	assert.equal(daemonReadsConfig({cfPath: '/tmp/x/sendmail.cf', demo: true}, {restartCommand: {label: 'x', command: '/bin/true', args: []}}), false);
	assert.equal(noRestartReason({cfPath: '/tmp/x/sendmail.cf', demo: false}, true), undefined);
	assert.match(noRestartReason({cfPath: '/tmp/x/sendmail.cf', demo: false}, false) ?? '', /^sendmail does not read this config; not restarted/);
	assert.match(noRestartReason({cfPath: '/tmp/x/sendmail.cf', demo: true}, false) ?? '', /^Demo mode/);
});
