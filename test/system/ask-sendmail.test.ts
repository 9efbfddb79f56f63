// The Privacy step's probe asked of the installed sendmail: for every flag with SMTP effects,
// sendmail's replies with exactly that flag agree with its explanation, and with public they agree
// with the "without" side (the static texts and the live answers never contradict each other).
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {FLAG_PROBE_COMMANDS, liveEffects} from '../../source/core/flag-probe.js';
import {PRIVACY_FLAG_NAMES, PRIVACY_FLAGS} from '../../source/core/privacy-flags.js';
import {askSendmail} from '../../source/system/rehearsal.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';
import '../helpers/state-dir.js';

const skip = skipUnlessSendmail();

test('each flag\'s live replies agree with its explanation, with the flag and without it', skip, async () => {
	const debian = readFileSync('/etc/mail/sendmail.cf', 'latin1');
	const ask = async (value: string) => {
		const answers = await askSendmail({cfText: debian.replace(/^O PrivacyOptions=.*$/m, `O PrivacyOptions=${value}`)}, FLAG_PROBE_COMMANDS);
		assert.ok(answers.ok, answers.ok ? '' : answers.error);
		assert.equal(answers.value.status, 'ran', JSON.stringify(answers.value));
		return answers.value.status === 'ran' ? answers.value.replies : [];
	};

	const without = await ask('public');
	let compared = 0;
	for (const flag of PRIVACY_FLAG_NAMES) {
		if (!PRIVACY_FLAGS[flag].effects.some(effect => effect.kind === 'reply' || effect.kind === 'ehlo')) {
			continue;
		}

		const on = liveEffects(flag, true, await ask(flag));
		const off = liveEffects(flag, false, without);
		assert.ok(on.length > 0, flag);
		for (const effect of [...on, ...off]) {
			assert.ok(effect.agrees, `${flag}: ${effect.asked} answered "${effect.said}"`);
			compared++;
		}
	}

	assert.ok(compared >= 20, `only ${compared} replies compared`);
});

test('askSendmail gives the greeting sendmail itself sends for a greeting in the config', skip, async () => {
	const debian = readFileSync('/etc/mail/sendmail.cf', 'latin1');
	const answers = await askSendmail({cfText: debian.replace(/^O SmtpGreetingMessage=.*$/m, 'O SmtpGreetingMessage=$j mailserver; $b')}, []);
	assert.ok(answers.ok && answers.value.status === 'ran', JSON.stringify(answers));
	// docs/sendmail.md, "The greeting": "$j mailserver; $b" gives "220 <host> ESMTP mailserver; <date>".
	assert.match(answers.value.greeting.lines[0]!, /^220 \S+ ESMTP mailserver; \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d /);
});
