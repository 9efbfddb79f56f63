// The settings registry is the one place a setting is described: everything derived from it must
// agree with it, and the role files committed must be what "npm run role-specs" writes.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {validateAnswers} from '../../source/core/answers.js';
import {MC_SETTING_OPTION, MC_SETTINGS} from '../../source/core/sendmail-mc.js';
import {isKnownOption} from '../../source/core/sendmail-options.js';
import {verifyChecks} from '../../source/core/verify-checks.js';
import {STEPS} from '../../source/hooks/use-wizard.js';
import {ANSWER_KEYS, OPTION_SETTINGS, SETTING_STEPS, SETTINGS} from '../../source/settings/registry.js';
import {ROLE_DEFAULTS_PATH, ROLE_SPECS_PATH, roleFiles} from '../../source/settings/role-specs.js';

test('each option setting names an option sendmail knows and a define of its own, or is written as a LOCAL_CONFIG line', () => {
	for (const setting of OPTION_SETTINGS) {
		assert.ok(isKnownOption(setting.option), setting.option);
		if (setting.mcDefine === null) {
			// Only a compile-time option lacks a define in cf/m4.
			assert.ok('requires' in setting, `${setting.key} has no define and no compile-time define`);
			continue;
		}

		assert.match(setting.mcDefine, /^conf[A-Z_]+$/);
		assert.equal(MC_SETTING_OPTION[setting.mcDefine], setting.option);
	}

	assert.deepEqual([...MC_SETTINGS], OPTION_SETTINGS.flatMap(setting => (setting.mcDefine === null ? [] : [setting.mcDefine])));
	assert.equal(new Set(MC_SETTINGS).size, MC_SETTINGS.length, 'a define used twice');
	assert.equal(new Set(ANSWER_KEYS).size, ANSWER_KEYS.length, 'an answers key used twice');
});

test('every check a setting names is one that verify runs', () => {
	// A conversation that asked everything the probe asks, so every check is among the names.
	const reply = (code: number) => ({code, lines: [`${code} x`]});
	const names = verifyChecks({}, {
		banner: {code: 220, lines: ['220 x ESMTP']}, help: reply(214), ehlo: reply(250), recipients: [], recipientsPlanned: 0,
		etrn: reply(502), dsnMail: reply(250), relay: reply(550), harvest: {domain: 'x', replies: []},
	}).map(check => check.name);
	for (const setting of SETTINGS) {
		for (const check of setting.checks) {
			assert.ok(names.includes(check), `${setting.key}: no check "${check}" among ${names.join(', ')}`);
		}
	}
});

test('the wizard shows each setting step once, between Welcome and Review, in the registry\'s order', () => {
	assert.deepEqual(STEPS, ['welcome', ...Object.keys(SETTING_STEPS), 'review', 'apply', 'done']);
	for (const setting of SETTINGS) {
		assert.ok(STEPS.includes(setting.step), setting.key);
		assert.ok(setting.explain.length > 0, `${setting.key} has no explanation`);
	}
});

test('answers validation refuses a value of the wrong type for every setting', () => {
	const wrong = {text: 5, count: 'ten', flags: 'goaway', switch: 'yes', daemons: 'nowhere', access: 'ten', featureArgument: 'ten', choice: 5, optionLetter: 'p', wordList: 'PLAIN LOGIN'} as const;
	for (const setting of SETTINGS) {
		const result = validateAnswers({[setting.key]: wrong[setting.type]});
		assert.equal(result.ok, false, setting.key);
		assert.match(result.ok ? '' : result.error, new RegExp(setting.key === 'greeting' ? 'greeting' : setting.key));
	}

	const counts = SETTINGS.filter(setting => setting.type === 'count');
	for (const setting of counts) {
		assert.equal(validateAnswers({[setting.key]: setting.max}).ok, true, setting.key);
		assert.equal(validateAnswers({[setting.key]: setting.max + 1}).ok, false, setting.key);
		assert.equal(validateAnswers({[setting.key]: -1}).ok, false, setting.key);
	}
});

test('the role\'s argument_specs.yml and defaults/main.yml are what "npm run role-specs" writes', () => {
	const specs = readFileSync(ROLE_SPECS_PATH, 'utf8');
	const defaults = readFileSync(ROLE_DEFAULTS_PATH, 'utf8');
	const made = roleFiles(specs, defaults);
	assert.ok(made.ok, made.ok ? '' : made.error);
	assert.equal(specs, made.value.specs, `${ROLE_SPECS_PATH} is stale: run "npm run role-specs"`);
	assert.equal(defaults, made.value.defaults, `${ROLE_DEFAULTS_PATH} is stale: run "npm run role-specs"`);
	for (const setting of SETTINGS) {
		assert.match(specs, new RegExp(`^ {10}${setting.key}:$`, 'm'));
		assert.match(defaults, new RegExp(`^# {5}${setting.key}: `, 'm'));
	}
});

test('a hand edit inside the generated block is undone by the script, and one outside it is kept', () => {
	const specs = readFileSync(ROLE_SPECS_PATH, 'utf8');
	const defaults = readFileSync(ROLE_DEFAULTS_PATH, 'utf8');
	const edited = specs.replace('            type: int\n', '            type: str\n').replace('short_description: Harden', 'short_description: Hardens');
	assert.notEqual(edited, specs);
	const made = roleFiles(edited, defaults);
	assert.ok(made.ok);
	assert.equal(made.value.specs, specs.replace('short_description: Harden', 'short_description: Hardens'));
	assert.equal(roleFiles(specs.replace(/# END answers/, ''), defaults).ok, false, 'a file without its markers is refused');
});
