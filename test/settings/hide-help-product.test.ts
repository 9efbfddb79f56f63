// hideHelpProduct: a switch setting that is only its registry entry, its explanation and these
// tests. The help file loses the lines naming sendmail or its site, in the one help file edit that
// hideHelpVersion makes too; audit judges it from the help file in force; real sendmail -bs shows HELP.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import {auditConfig} from '../../source/core/audit.js';
import {planHardening} from '../../source/core/plan.js';
import {summarizeAnswers} from '../../source/commands/presets.js';
import {bsSession} from '../helpers/sendmail-bs.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';

const debianHelp = readFileSync('/etc/mail/helpfile', 'latin1');
const debianCf = readFileSync('/etc/mail/sendmail.cf', 'latin1');
const helpPath = '/etc/mail/helpfile';
const plan = (answers: Parameters<typeof planHardening>[0]['answers'], helpText = debianHelp) =>
	planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: debianCf, helpFile: {path: helpPath, text: helpText}, answers});

test('hideHelpProduct removes exactly the help file\'s lines naming sendmail or its site; every other line stays', () => {
	const result = plan({hideHelpProduct: true});
	assert.ok(result.ok);
	assert.equal(result.value.files.length, 1);
	const [help] = result.value.files;
	assert.equal(help!.role, 'helpfile');
	const before = debianHelp.split('\n');
	const after = help!.after.split('\n');
	const removed = before.filter(line => !after.includes(line));
	assert.deepEqual(removed, [
		'cpyr\tthe sendmail distribution.',
		'smtp\tThis is sendmail version $v',
		'smtp\tTo report bugs in the implementation see',
		'smtp\t\thttp://www.sendmail.org/email-addresses.html',
		'quit\t\tExit sendmail (SMTP).',
		'verb\t\tby humans and other sendmail implementations.',
		'control\trestart\t\tRestart sendmail.',
		'control\tshutdown\tShutdown sendmail.',
		'control\tstatus\t\tShow sendmail status.',
		'control\tmstat\t\tShow sendmail status (machine readable format).',
	]);
	assert.deepEqual(before.filter(line => !removed.includes(line)), after, 'the other lines stay, in order');
	assert.doesNotMatch(help!.after, /sendmail/i);
	assert.deepEqual(result.value.settings, [{setting: 'HELP product', from: 'shown', to: `hidden (10 lines removed from ${helpPath})`}]);
});

test('with hideHelpVersion too, one help file edit does both, each change named', () => {
	const result = plan({hideHelpVersion: true, hideHelpProduct: true});
	assert.ok(result.ok);
	assert.equal(result.value.files.length, 1, 'one file change for the one help file');
	assert.doesNotMatch(result.value.files[0]!.after, /sendmail|\$v/i);
	assert.deepEqual(result.value.settings.map(change => change.setting), ['HELP version', 'HELP product']);
});

test('an old-style help file gets "#vers<TAB>2" (sendmail would print "This is Sendmail version" itself), said once', () => {
	const oldStyle = debianHelp.replace(/^#vers\t2\n/, '');
	const result = plan({hideHelpProduct: true}, oldStyle);
	assert.ok(result.ok);
	assert.match(result.value.files[0]!.after, /^#vers\t2\n/);
	assert.match(result.value.settings[0]!.to, /and "#vers<TAB>2" added to/);
});

test('audit judges HELP product from the help file in force', () => {
	const row = (helpText: string) => auditConfig(debianCf, {path: helpPath, text: helpText}).items.find(item => item.setting === 'HELP product')!;
	const stock = row(debianHelp);
	assert.equal(stock.hardened, false);
	assert.match(stock.value, /says "This is sendmail version \$v" and \d+ more/);
	assert.match(stock.advice, /hideHelpProduct/);
	const result = plan({hideHelpProduct: true});
	assert.ok(result.ok);
	assert.equal(row(result.value.files[0]!.after).hardened, true);
	// Without a HelpFile, sendmail's own "502 5.3.0 Sendmail <version>" names it.
	assert.equal(auditConfig(debianCf, undefined).items.find(item => item.setting === 'HELP product')!.hardened, false);
});

test('a missing help file is bad input that names the product; the presets summary says it', () => {
	const missing = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: debianCf, helpFile: {path: helpPath, missing: true}, answers: {hideHelpProduct: true}});
	assert.ok(!missing.ok);
	assert.match(missing.error, /HELP then reveals the product/);
	assert.equal(summarizeAnswers({hideHelpProduct: true}), 'HELP hides the product');
	assert.equal(summarizeAnswers({hideHelpProduct: false}), 'HELP keeps the product');
});

test('sendmail -bs answers HELP, HELP QUIT and HELP VERB with neither the version nor the product after both switches', skipUnlessSendmail(), async () => {
	// A root-only folder: sendmail reads a help file only from a path it deems safe.
	const folder = mkdtempSync(path.join(os.tmpdir(), 'help-product-'));
	try {
		const result = plan({hideHelpVersion: true, hideHelpProduct: true});
		assert.ok(result.ok);
		const help = path.join(folder, 'helpfile');
		writeFileSync(help, result.value.files[0]!.after, 'latin1');
		const cfPath = path.join(folder, 'sendmail.cf');
		writeFileSync(cfPath, debianCf.replace(/^O HelpFile=.*$/m, `O HelpFile=${help}`), 'latin1');
		const [, , helpReply, quitHelp, verbHelp] = await bsSession(cfPath, ['EHLO client.example.net', 'HELP', 'HELP QUIT', 'HELP VERB']);
		assert.equal(helpReply!.lines[0], '214-2.0.0 Topics:');
		for (const reply of [helpReply!, quitHelp!, verbHelp!]) {
			assert.equal(reply.code, 214, reply.lines.join('\n'));
			// The text after "214-2.0.0 ": no product, no version number.
			assert.doesNotMatch(reply.lines.map(line => line.replace(/^\d{3}[ -]\d\.\d\.\d /, '')).join('\n'), /sendmail|\d+\.\d+\.\d+/i);
		}

		// The stock help file, for contrast: the same session names both.
		writeFileSync(help, debianHelp, 'latin1');
		const [, , stock] = await bsSession(cfPath, ['EHLO client.example.net', 'HELP']);
		assert.match(stock!.lines.join('\n'), /This is sendmail version 8\.17/);
		assert.match(stock!.lines.join('\n'), /www\.sendmail\.org/);
	} finally {
		rmSync(folder, {recursive: true, force: true});
	}
});
