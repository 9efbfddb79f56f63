// makePlan with a sendmail.mc beside the .cf: Debian's own sendmail.mc and .cf (copied into a
// temporary folder) and the example .mc files Debian ships.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, {describe} from 'node:test';
import type {Answers} from '../../source/core/answers.js';
import {planHardening} from '../../source/core/plan.js';
import {optionValue, parseCf} from '../../source/core/sendmail-cf.js';
import {findMcDefines} from '../../source/core/sendmail-mc.js';
import {makePlan} from '../../source/system/make-plan.js';
import {buildCfFromMc} from '../../source/system/mc-rebuild.js';
import {loadTarget} from '../../source/system/target.js';
import {exampleMcNames, sendmailBtAsync, sendmailInstalled} from '../helpers/sendmail.js';
import {copyDebianMcPair, debianCf, debianMc, skipUnlessDebianMc, stampLines, withoutStamp} from '../helpers/debian-mc.js';


const articleAnswers = JSON.parse(readFileSync('test/fixtures/article-answers.json', 'utf8')) as Answers;
const {hideHelpVersion: _, ...cfAnswers} = articleAnswers;
const expectedOptions = {
	SmtpGreetingMessage: '$j mailserver; $b',
	MaxMessageSize: '500000',
	MaxRecipientsPerMessage: '10',
	PrivacyOptions: 'goaway,restrictmailq,restrictqrun',
};
const expectedDefines = {
	confSMTP_LOGIN_MSG: '$j mailserver; $b',
	confMAX_MESSAGE_SIZE: '500000',
	confMAX_RCPTS_PER_MESSAGE: '10',
	confPRIVACY_FLAGS: 'goaway,restrictmailq,restrictqrun',
};


const scratch = mkdtempSync(path.join(os.tmpdir(), 'make-plan-test-'));
test.after(() => {
	rmSync(scratch, {recursive: true, force: true});
});

const copyDebian = () => copyDebianMcPair(scratch);

// The configs these tests build name a help file beside them: one in /etc/mail (the mail user's
// folder on Debian) is refused for a config elsewhere (see test/commands/trust.test.ts).
const localHelp = (folder: string, mcText: string) => `define(\`HELP_FILE', \`${folder}/helpfile')dnl\n${mcText}`;

async function target(cfPath: string) {
	const loaded = await loadTarget(cfPath);
	assert.ok(loaded.ok, loaded.ok ? '' : loaded.error);
	return loaded.value;
}

test('without an .mc the plan is the direct .cf plan', async () => {
	const folder = mkdtempSync(path.join(scratch, 'plain-'));
	const cfPath = path.join(folder, 'sendmail.cf');
	writeFileSync(cfPath, readFileSync('source/demo/sendmail.cf', 'latin1').replace('O HelpFile=/etc/mail/helpfile', `O HelpFile=${folder}/helpfile`), 'latin1');
	const loaded = await target(cfPath);
	const plan = await makePlan(loaded, cfAnswers, {hostname: 'box.example.org'});
	const direct = planHardening({cfPath, cfText: loaded.cfText, helpFile: loaded.helpFile, answers: cfAnswers});
	assert.deepEqual(plan, direct);
	assert.equal(plan.ok && plan.value.source, undefined);
});

test('Debian: the .mc defines change, the .cf is rebuilt from it with the four settings and its old build stamp', skipUnlessDebianMc(), async () => {
	const {mcPath, cfPath, helpPath} = copyDebian();
	const loaded = await target(cfPath);
	const plan = await makePlan(loaded, articleAnswers);
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	assert.deepEqual(plan.value.files.map(file => `${file.role} ${file.path}`), [`mc ${mcPath}`, `cf ${cfPath}`, `helpfile ${helpPath}`]);
	const [mc, cf] = plan.value.files;
	assert.ok(mc && cf);

	const defines = findMcDefines(mc.after);
	for (const [setting, value] of Object.entries(expectedDefines)) {
		assert.equal(defines[setting as keyof typeof expectedDefines]?.cfValue, value, setting);
		assert.equal(defines[setting as keyof typeof expectedDefines]?.kind, 'define', setting);
	}

	const document = parseCf(cf.after);
	for (const [name, value] of Object.entries(expectedOptions)) {
		assert.equal(optionValue(document, name), value, name);
	}

	// What m4 builds from the edited .mc, with the current file's stamp lines kept.
	const built = await buildCfFromMc(mc.after, mcPath);
	assert.ok(built.ok);
	assert.equal(withoutStamp(cf.after), withoutStamp(built.value));
	assert.deepEqual(stampLines(cf.after), stampLines(loaded.cfText));
	assert.notDeepEqual(stampLines(built.value), stampLines(loaded.cfText), 'a fresh build has its own stamp');

	assert.equal(plan.value.source?.kind, 'mc');
	assert.equal(plan.value.source.mcPath, mcPath);
	assert.equal(plan.value.source.rebuildCommand, `cd ${path.dirname(mcPath)} && m4 sendmail.mc > sendmail.cf`);
	assert.match(plan.value.source.rebuildOutput, /^m4 built \d+ lines of sendmail\.cf with no errors$/);
	assert.match(plan.value.notes[0] ?? '', /a direct edit of the \.cf would be lost at the next rebuild/);
	// The copy of the .mc that Debian's Makefile appended is not made by plain m4 in this folder.
	assert.ok(plan.value.notes.some(note => /copy of the \.mc at the end of sendmail\.cf is left out/.test(note)));
});

test('Debian as installed: the rebuild goes the Makefile\'s way and the appended .mc follows the edit (nothing written)', skipUnlessDebianMc(), async () => {
	const before = [readFileSync(debianMc), readFileSync(debianCf)];
	const loaded = await target(debianCf);
	const plan = await makePlan(loaded, cfAnswers);
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	assert.equal(plan.value.source?.kind, 'mc');
	assert.equal(plan.value.source.rebuildCommand, 'make -C /etc/mail sendmail.cf');
	const mc = plan.value.files.find(file => file.role === 'mc');
	const cf = plan.value.files.find(file => file.role === 'cf');
	// On a host whose /etc/mail is already hardened there is nothing to rebuild, and so nothing to compare.
	if (mc && cf) {
		const built = await buildCfFromMc(mc.after, debianMc);
		assert.ok(built.ok);
		assert.equal(withoutStamp(cf.after), withoutStamp(built.value));
		assert.deepEqual(stampLines(cf.after), stampLines(loaded.cfText));
		// Debian's Makefile appends the .mc as `# ` lines: the edited defines appear there too.
		assert.match(cf.after, /^### \/etc\/mail\/sendmail\.mc ###\n(# .*\n)*# define\(`confMAX_MESSAGE_SIZE', `500000'\)dnl$/m);
	}

	assert.deepEqual([readFileSync(debianMc), readFileSync(debianCf)], before);
});

test('Debian: a define the answers leave alone stays byte for byte; only the changed option line moves', skipUnlessDebianMc(), async () => {
	const {mcPath, cfPath} = copyDebian();
	// A .cf exactly as this folder builds it (no appended .mc), so the .cf diff is only the option.
	const built = await buildCfFromMc(readFileSync(mcPath, 'latin1'), mcPath);
	assert.ok(built.ok);
	writeFileSync(cfPath, built.value, 'latin1');
	const plan = await makePlan(await target(cfPath), {maxMessageSize: 500_000});
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	const [mc, cf] = plan.value.files;
	assert.ok(mc && cf);
	assert.equal(mc.after, mc.before.replace(/^MAILER\(`local'\)/m, "define(`confMAX_MESSAGE_SIZE', `500000')dnl\nMAILER(`local')"));
	assert.equal(cf.after, cf.before.replace('#O MaxMessageSize=0\n', 'O MaxMessageSize=500000\n'));
	assert.equal(plan.value.notes.length, 2, plan.value.notes.join('\n'));
});

test('Debian: running again after the plan is written finds nothing to change', skipUnlessDebianMc(), async () => {
	const {cfPath} = copyDebian();
	const plan = await makePlan(await target(cfPath), cfAnswers);
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	for (const file of plan.value.files) {
		writeFileSync(file.path, file.after, 'latin1');
	}

	const again = await makePlan(await target(cfPath), cfAnswers);
	assert.ok(again.ok, again.ok ? '' : again.error);
	assert.deepEqual(again.value.files, []);
});

test('a .cf edited by hand is not thrown away: the plan stops and names the line', skipUnlessDebianMc(), async () => {
	const {cfPath, mcPath} = copyDebian();
	const cf = readFileSync(cfPath, 'latin1');
	writeFileSync(cfPath, cf.replace('O Timeout.queuereturn=5d', 'O Timeout.queuereturn=9d'), 'latin1');
	const plan = await makePlan(await target(cfPath), cfAnswers);
	assert.equal(plan.ok, false);
	const error = plan.ok ? '' : plan.error;
	assert.match(error, /^sendmail\.cf and sendmail\.mc disagree: /);
	assert.ok(error.includes('"O Timeout.queuereturn=9d"'), error);
	assert.ok(error.includes(mcPath));
	assert.match(error, /"O Timeout\.queuereturn=9d" \(the \.mc builds "O Timeout\.queuereturn=5d"\)\. A rebuild from the \.mc \(cd .* && m4 sendmail\.mc > sendmail\.cf\) would undo it/);
	assert.match(error, /or use --cf-only to edit sendmail\.cf alone and keep it$/);
	assert.ok(!error.includes('\n'));
});

test('an .mc changed but not rebuilt is not silently applied either', skipUnlessDebianMc(), async () => {
	const {cfPath, mcPath} = copyDebian();
	writeFileSync(mcPath, readFileSync(mcPath, 'latin1').replace("define(`confBAD_RCPT_THROTTLE',`3')", "define(`confBAD_RCPT_THROTTLE',`5')"), 'latin1');
	const plan = await makePlan(await target(cfPath), cfAnswers);
	assert.equal(plan.ok, false);
	assert.match(plan.ok ? '' : plan.error, /disagree: .*BadRcptThrottle=3/);
});

test('--cf-only: today\'s direct .cf plan, with a standing warning that a rebuild undoes it', skipUnlessDebianMc(), async () => {
	const {cfPath, mcPath} = copyDebian();
	const loaded = await target(cfPath);
	const plan = await makePlan(loaded, cfAnswers, {cfOnly: true});
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	const direct = planHardening({cfPath, cfText: loaded.cfText, helpFile: loaded.helpFile, answers: cfAnswers});
	assert.ok(direct.ok);
	assert.deepEqual(plan.value.files, direct.value.files);
	assert.equal(plan.value.source?.kind, 'cf-only');
	assert.equal(plan.value.source.mcPath, mcPath);
	assert.match(plan.value.warnings[0] ?? '', /is built from .*sendmail\.mc, and this edits the \.cf alone: the next rebuild .* will silently undo it/);
	assert.equal(plan.value.warnings[0], plan.value.source.warning);
});

test('a failed rebuild is an error value (no m4 on PATH; an .mc m4 cannot build)', skipUnlessDebianMc(), async () => {
	const {cfPath, mcPath} = copyDebian();
	const noM4 = await makePlan(await target(cfPath), cfAnswers, {env: {PATH: path.join(scratch, 'no-such-bin')}});
	assert.equal(noM4.ok, false);
	assert.match(noM4.ok ? '' : noM4.error, /m4 is not installed or not on PATH.* use --cf-only/);

	writeFileSync(mcPath, readFileSync(mcPath, 'latin1').replace(/^MAILER\(`local'\)/m, "include(`/no/such/file.m4')dnl\n$&"), 'latin1');
	const broken = await makePlan(await target(cfPath), cfAnswers);
	assert.equal(broken.ok, false);
	assert.match(broken.ok ? '' : broken.error, /m4 could not build sendmail\.cf .*no\/such\/file\.m4.*Nothing was written/);
});

test('a greeting the .mc cannot carry is an error that points at --cf-only', skipUnlessDebianMc(), async () => {
	const {cfPath} = copyDebian();
	const plan = await makePlan(await target(cfPath), {greeting: "$j it's mail"});
	assert.equal(plan.ok, false);
	assert.match(plan.ok ? '' : plan.error, /sendmail\.mc cannot carry .* use --cf-only/);
});

test('FreeBSD: $(hostname).mc beside sendmail.cf is the source', async () => {
	const folder = mkdtempSync(path.join(scratch, 'freebsd-'));
	const mcPath = path.join(folder, 'box.mc');
	const cfPath = path.join(folder, 'sendmail.cf');
	writeFileSync(mcPath, localHelp(folder, readFileSync('/usr/share/sendmail/cf/cf/generic-linux.mc', 'latin1')), 'latin1');
	const built = await buildCfFromMc(readFileSync(mcPath, 'latin1'), mcPath);
	assert.ok(built.ok, built.ok ? '' : built.error);
	writeFileSync(cfPath, built.value, 'latin1');
	const plan = await makePlan(await target(cfPath), cfAnswers, {hostname: 'box.example.org'});
	assert.ok(plan.ok, plan.ok ? '' : plan.error);
	assert.equal(plan.value.source?.mcPath, mcPath);
	assert.deepEqual(plan.value.files.map(file => file.path), [mcPath, cfPath]);
});

// Every example Debian ships, copied beside the .cf it builds: the defines land, the .cf carries the
// four settings, equals m4's build of the edited .mc, and loads in sendmail as the unedited one did.
// Four at a time: m4 and sendmail -bt mostly wait on a loaded machine.
describe('the shipped examples', {concurrency: 4}, () => {
	for (const name of sendmailInstalled ? exampleMcNames() : []) {
		test(`example ${name}: defines land and the rebuilt .cf carries the four settings`, async () => {
			const folder = mkdtempSync(path.join(scratch, 'example-'));
			const mcPath = path.join(folder, 'sendmail.mc');
			const cfPath = path.join(folder, 'sendmail.cf');
			writeFileSync(mcPath, localHelp(folder, readFileSync(path.join('/usr/share/sendmail/cf/cf', name), 'latin1')), 'latin1');
			const mcText = readFileSync(mcPath, 'latin1');
			const current = await buildCfFromMc(mcText, mcPath, {tolerateM4Errors: true});
			assert.ok(current.ok, current.ok ? '' : current.error);
			writeFileSync(cfPath, current.value, 'latin1');
			const strict = await buildCfFromMc(mcText, mcPath);

			const plan = await makePlan(await target(cfPath), cfAnswers);
			if (!strict.ok) {
				// cf.m4 says "*** ERROR" for these (Berkeley-only domains, no OSTYPE): no rebuild is trusted.
				assert.equal(plan.ok, false);
				assert.match(plan.ok ? '' : plan.error, /\*\*\* ERROR.*use --cf-only/);
				return;
			}

			assert.ok(plan.ok, plan.ok ? '' : plan.error);
			const [mc, cf] = plan.value.files;
			assert.equal(mc?.role, 'mc');
			assert.equal(cf?.role, 'cf');
			const defines = findMcDefines(mc.after);
			for (const [setting, value] of Object.entries(expectedDefines)) {
				assert.equal(defines[setting as keyof typeof expectedDefines]?.cfValue, value, setting);
			}

			const document = parseCf(cf.after);
			for (const [option, value] of Object.entries(expectedOptions)) {
				assert.equal(optionValue(document, option), value, option);
			}

			const built = await buildCfFromMc(mc.after, mcPath);
			assert.ok(built.ok);
			assert.equal(withoutStamp(cf.after), withoutStamp(built.value));

			// docs/sendmail.md, "Asking sendmail: -bt, -bC, -bs": `sendmail -C FILE -bt` exits 0 for a good file; some examples name files
			// this host lacks and fail unedited too, so the edit must only not change the outcome.
			const after = path.join(folder, 'after.cf');
			writeFileSync(after, cf.after, 'latin1');
			const [edited, unedited] = await Promise.all([sendmailBtAsync(after), sendmailBtAsync(cfPath)]);
			assert.equal(edited.status, unedited.status);
		});
	}
});
