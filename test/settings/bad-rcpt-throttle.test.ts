// badRcptThrottle, added as one registry entry: the answers, the plan for .cf and .mc, audit and explain follow.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {validateAnswers} from '../../source/core/answers.js';
import {auditConfig} from '../../source/core/audit.js';
import {planHardening} from '../../source/core/plan.js';
import {editMcDefines, findMcDefines} from '../../source/core/sendmail-mc.js';
import {runExplain} from '../../source/commands/explain.js';
import {captureIo} from '../helpers/capture-io.js';

// Debian's config sets it (O BadRcptThrottle=3); without that line there is no throttle.
const cf = readFileSync('source/demo/sendmail.cf', 'latin1').replace(/^O BadRcptThrottle=.*\n/m, '');

test('badRcptThrottle: a whole number of 0 or more', () => {
	assert.deepEqual(validateAnswers({badRcptThrottle: 3}), {ok: true, value: {badRcptThrottle: 3}});
	assert.equal(validateAnswers({badRcptThrottle: -1}).ok, false);
	assert.equal(validateAnswers({badRcptThrottle: 1.5}).ok, false);
});

test('badRcptThrottle: the plan writes O BadRcptThrottle, audit wants it set and above 0', () => {
	assert.equal(auditConfig(cf, undefined).items.find(item => item.setting === 'BadRcptThrottle')?.hardened, false);
	const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: cf, answers: {badRcptThrottle: 3}});
	assert.ok(plan.ok);
	const after = plan.value.files[0]!.after;
	assert.match(after, /^O BadRcptThrottle=3$/m);
	assert.equal(auditConfig(after, undefined).items.find(item => item.setting === 'BadRcptThrottle')?.hardened, true);
});

test('badRcptThrottle: the .mc gets define(`confBAD_RCPT_THROTTLE\', `3\')', () => {
	const mc = 'divert(-1)\ndnl define(`confBAD_RCPT_THROTTLE\',`1\')dnl\nMAILER(smtp)dnl\n';
	assert.equal(findMcDefines(mc).confBAD_RCPT_THROTTLE?.kind, 'commented');
	const edited = editMcDefines(mc, {confBAD_RCPT_THROTTLE: '3'});
	assert.match(edited.text, /define\(`confBAD_RCPT_THROTTLE', *`3'\)/);
});

test('explain badRcptThrottle', async () => {
	const io = captureIo();
	assert.equal(await runExplain('BadRcptThrottle', io), 0);
	assert.match(io.stdout, /^badRcptThrottle \(O BadRcptThrottle/);
});
