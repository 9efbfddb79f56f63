// Every form of an option line sendmail takes, planned and then read back by the installed
// sendmail (`-bt -d37.1` prints each setoption call): the plan must leave exactly the chosen
// settings in force. docs/sendmail.md, "Option syntax": PrivacyOptions lines add up, names
// are case-insensitive, a unique prefix is accepted, `OPrivacyOptions=` is the option `P`.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {auditConfig} from '../../source/core/audit.js';
import {helpFilePath, planHardening} from '../../source/core/plan.js';
import {bsSession} from '../helpers/sendmail-bs.js';
import {sendmailBt, sendmailOptionValues, skipUnlessSendmail} from '../helpers/sendmail.js';

const debian = readFileSync('source/demo/sendmail.cf').toString('latin1');
const folder = mkdtempSync(path.join(os.tmpdir(), 'option-forms-'));
const withoutPrivacy = debian.replace(/^O PrivacyOptions=.*\n/m, '');

/** The config with `lines` in place of Debian's PrivacyOptions line. */
const configWith = (...lines: string[]) => debian.replace(/^O PrivacyOptions=.*$/m, lines.join('\n'));

/** Each value sendmail sets an option to while reading the text, in order (from -d37.1). */
function setoptionCalls(cfText: string, option: string): string[] {
	const file = path.join(folder, `${Math.random().toString(36).slice(2)}.cf`);
	writeFileSync(file, Buffer.from(cfText, 'latin1'));
	return sendmailOptionValues(file, option);
}

function plannedCf(cfText: string, answers: Parameters<typeof planHardening>[0]['answers']): string {
	const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText, answers});
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	return plan.value.files.find(file => file.role === 'cf')?.after ?? cfText;
}

test('two PrivacyOptions lines (goaway + public): the plan leaves exactly the chosen set in force', skipUnlessSendmail(), () => {
	const text = configWith('O PrivacyOptions=goaway', 'O PrivacyOptions=public');
	assert.deepEqual(setoptionCalls(text, 'PrivacyOptions'), ['goaway', 'public']);
	const audit = auditConfig(text, undefined).items.find(item => item.setting === 'PrivacyOptions')!;
	assert.match(audit.value, /^goaway \(lines \d+, \d+ add up\)$/);

	const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: text, answers: {privacyOptions: ['restrictqrun']}});
	assert.ok(plan.ok);
	assert.deepEqual(plan.value.settings, [{setting: 'PrivacyOptions', from: 'goaway,public', to: 'restrictqrun'}]);
	assert.match(plan.value.notes.join('\n'), /set on 2 lines and sendmail adds them all up/);
	const after = plan.value.files[0]!.after;
	assert.deepEqual(setoptionCalls(after, 'PrivacyOptions'), ['restrictqrun']);

	// A second run finds nothing to change.
	const again = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: after, answers: {privacyOptions: ['restrictqrun']}});
	assert.ok(again.ok);
	assert.deepEqual(again.value.files, []);
});

const forms: Array<[string, string]> = [
	['the one-letter form Opnoetrn', 'Opnoetrn'],
	['the unique prefix O Privacy=', 'O Privacy=noetrn'],
	['a lower-case name', 'O privacyoptions=noetrn'],
	['a sub-option suffix', 'O PrivacyOptions.x=noetrn'],
];
for (const [what, line] of forms) {
	test(`${what}: found, audited, and replaced so that sendmail reads exactly the chosen set`, skipUnlessSendmail(), () => {
		const text = configWith('O PrivacyOptions=authwarnings', line);
		assert.deepEqual(setoptionCalls(text, 'PrivacyOptions'), ['authwarnings', 'noetrn']);
		const audit = auditConfig(text, undefined).items.find(item => item.setting === 'PrivacyOptions')!;
		assert.match(audit.value, /^authwarnings,noetrn /);

		const after = plannedCf(text, {privacyOptions: ['goaway']});
		assert.deepEqual(setoptionCalls(after, 'PrivacyOptions'), ['goaway']);
		const file = path.join(folder, `form-${forms.findIndex(([name]) => name === what)}.cf`);
		writeFileSync(file, Buffer.from(after, 'latin1'));
		assert.equal(sendmailBt(file).status, 0, sendmailBt(file).stderr);
	});
}

test('O<TAB>PrivacyOptions= is an error to sendmail, and the tool does not turn it into the option', skipUnlessSendmail(), () => {
	const text = `${withoutPrivacy.trimEnd()}\nO\tPrivacyOptions=goaway\n`;
	const file = path.join(folder, 'tab.cf');
	writeFileSync(file, Buffer.from(text, 'latin1'));
	assert.match(sendmailBt(file).stderr, /unknown option name 0x9/);

	const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: text, answers: {privacyOptions: ['goaway']}});
	assert.ok(plan.ok);
	const after = plan.value.files[0]!.after;
	assert.ok(after.includes('O\tPrivacyOptions=goaway\n'), 'the rejected line is left as it is');
	assert.match(plan.value.warnings.join('\n'), /looks like PrivacyOptions but sendmail rejects it: unknown option name 0x9/);
	const audit = auditConfig(text, undefined);
	assert.ok(audit.items.some(item => /^PrivacyOptions line \d+$/.test(item.setting) && !item.hardened && /unknown option name 0x9/.test(item.advice)));
});

test('OPrivacyOptions=goaway (no space) is the option P to sendmail, and to the tool', skipUnlessSendmail(), () => {
	const text = configWith('O PrivacyOptions=authwarnings', 'OPrivacyOptions=goaway');
	assert.deepEqual(setoptionCalls(text, 'PrivacyOptions'), ['authwarnings']);
	assert.deepEqual(setoptionCalls(text, 'PostmasterCopy'), ['rivacyOptions=goaway']);
	const audit = auditConfig(text, undefined).items.filter(item => item.setting.startsWith('PrivacyOptions'));
	assert.equal(audit[0]!.value, 'authwarnings');
	assert.match(audit[1]!.setting, /^PrivacyOptions line \d+$/);
	assert.match(audit[1]!.advice, /one-letter option P \(PostmasterCopy\)/);
});

test('OH, the old one-letter HelpFile, is the HelpFile the plan edits', () => {
	const text = debian.replace(/^O HelpFile=(.*)$/m, 'OH$1');
	assert.equal(helpFilePath(text), '/etc/mail/helpfile');
	const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: text, helpFile: {path: '/etc/mail/helpfile', text: 'smtp\tThis is sendmail version $v\n'}, answers: {hideHelpVersion: true}});
	assert.ok(plan.ok);
	assert.deepEqual(plan.value.files.map(file => file.role), ['helpfile']);
});

test('audit says where a value comes from when it is not one plain O Name= line', () => {
	const text = debian.replace(/^#O MaxMessageSize=0$/m, 'O MinFreeBlocks=100/500000').replace(/^#O MaxRecipientsPerMessage=0$/m, 'O MaxRe=10\nO MaxRecipientsPerMessage=20');
	const items = auditConfig(text, undefined).items;
	assert.match(items.find(item => item.setting === 'MaxMessageSize')!.value, /^500000 \(.*\) \(line \d+, from "O MinFreeBlocks=100\/500000"\)$/);
	assert.match(items.find(item => item.setting === 'MaxRecipientsPerMessage')!.value, /^20 \(line \d+; set 2 times, the last counts\)$/);
});

// The same as a client sees it, in a -bs session (test/helpers/sendmail-bs.ts): after the plan,
// VRFY is answered (goaway is gone) and the size limit sits where MinFreeBlocks had it.
test('-bs: two PrivacyOptions lines and MinFreeBlocks=N/SIZE, before and after the plan', skipUnlessSendmail(), async () => {
	const text = configWith('O PrivacyOptions=goaway', 'O PrivacyOptions=public')
		.replace(/^#O MaxMessageSize=0$/m, 'O MinFreeBlocks=100/2000')
		.replace(/^O ServiceSwitchFile=.*$/m, 'O ServiceSwitchFile=/etc/mail/service.switch-nodns');
	const session = async (cf: string) => {
		const file = path.join(folder, `bs-${Math.random().toString(36).slice(2)}.cf`);
		writeFileSync(file, Buffer.from(cf, 'latin1'));
		const [, ehlo, vrfy] = await bsSession(file, ['EHLO client.example.org', 'VRFY root']);
		return {size: ehlo!.lines.find(line => /^250.SIZE/.test(line)), vrfy: vrfy!.code};
	};

	assert.deepEqual(await session(text), {size: '250-SIZE 2000', vrfy: 252});
	const after = plannedCf(text, {privacyOptions: ['restrictqrun'], maxMessageSize: 500_000});
	assert.match(after, /^O MinFreeBlocks=100\/500000$/m);
	assert.deepEqual(await session(after), {size: '250-SIZE 500000', vrfy: 250});
});
