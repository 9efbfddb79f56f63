// The wizard's own input checks: a tiny MaxMessageSize typed in the Size step is warned about
// where it is typed (5 bytes is almost surely 5 MB).
import assert from 'node:assert/strict';
import test from 'node:test';
import {KEY, openWizard, tempConfig} from './app-helpers.js';
import {stepHeading} from './helpers/steps.js';

test('a custom size of 5 bytes is allowed, with a warning beside the field', async t => {
	const {cfPath} = tempConfig(t);
	const app = await openWizard(t, cfPath);
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Greeting'));
	await app.press(KEY.enter);
	await app.waitFor(stepHeading('Size'));
	await app.waitFor(/› \(•\) No limit \(as now\)/);
	await app.press(KEY.up); // Keep ("No limit (as now)") -> Custom
	await app.waitFor('Type a value');
	await app.press('5');
	const warned = await app.waitFor('refuses almost all mail');
	assert.match(warned, /! a MaxMessageSize of 5 bytes refuses almost all mail/);
	await app.press('000');
	const fine = await app.waitFor('Messages over 5 KB are refused');
	assert.doesNotMatch(fine, /refuses almost all mail/);
});
