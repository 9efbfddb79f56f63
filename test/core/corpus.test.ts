// Every sendmail.cf that m4 builds from the shipped example .mc files, plus Debian's own:
// empty answers change nothing, the article's answers change only those option lines, and the
// result loads in sendmail exactly as the original did.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, test} from 'node:test';
import {planHardening} from '../../source/core/plan.js';
import {optionValue, parseCf, privacyOptionsValue} from '../../source/core/sendmail-cf.js';
import {buildExampleCf, buildExampleCfAs, exampleMcNames, sendmailBtAsync, sendmailInstalled, skipUnlessSendmail} from '../helpers/sendmail.js';

const articleAnswers = JSON.parse(readFileSync('test/fixtures/article-answers.json', 'utf8'));
const {hideHelpVersion: _, ...cfAnswers} = articleAnswers;
const changedOptions = ['SmtpGreetingMessage', 'MaxMessageSize', 'MaxRecipientsPerMessage', 'PrivacyOptions'];

function corpus(): Array<{name: string; text: string}> {
	const configs = [{name: 'debian sendmail.cf', text: readFileSync('source/demo/sendmail.cf').toString('latin1')}];
	if (sendmailInstalled) {
		for (const mc of exampleMcNames()) {
			configs.push({name: mc, text: buildExampleCf(mc)});
		}

		// The same examples as RHEL's and FreeBSD's own builds make them (stamp stripped by the RPM;
		// FreeBSD's m4 -D_CF_DIR_ run): see core/sendmail-layouts.ts.
		for (const layout of ['rhel', 'freebsd'] as const) {
			for (const mc of exampleMcNames()) {
				configs.push({name: `${mc} built as on ${layout}`, text: buildExampleCfAs(mc, layout)});
			}
		}
	}

	return configs;
}

const folder = mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
const configs = corpus();

test('the corpus holds Debian\'s config and the 33 shipped examples, built the Debian, RHEL and FreeBSD ways', skipUnlessSendmail(), () => {
	assert.equal(configs.length, 1 + (33 * 3));
	assert.ok(configs.filter(config => config.name.endsWith('on rhel')).every(config => !config.text.includes('##### built by')));
});

// Four at a time: each sendmail -bt mostly waits, and the builds come from one folder per run
// (test/helpers/sendmail.ts, scripts/example-configs.js).
describe('each config of the corpus', {concurrency: 4}, () => {
	for (const {name, text} of configs) {
		test(`${name}: empty answers give no change`, () => {
			const plan = planHardening({cfPath: '/x/sendmail.cf', cfText: text, answers: {}});
			assert.ok(plan.ok);
			assert.deepEqual(plan.value.files, []);
		});

		test(`${name}: the article's answers change only those option lines, and sendmail loads the result`, skipUnlessSendmail(), async () => {
			const plan = planHardening({cfPath: '/x/sendmail.cf', cfText: text, answers: cfAnswers});
			assert.ok(plan.ok);
			const after = plan.value.files[0]!.after;

			// Every line that is not one of the four options is unchanged, in order.
			const isChanged = (line: string) => changedOptions.some(option => line.startsWith(`O ${option}=`));
			const keep = (source: string) => source.split('\n').filter(line => !isChanged(line));
			assert.deepEqual(keep(after), keep(text));

			const options = parseCf(after);
			const value = (option: string) => (option === 'PrivacyOptions' ? privacyOptionsValue(options) : optionValue(options, option));
			assert.equal(value('SmtpGreetingMessage'), '$j mailserver; $b');
			assert.equal(value('MaxMessageSize'), '500000');
			assert.equal(value('MaxRecipientsPerMessage'), '10');
			assert.equal(value('PrivacyOptions'), 'goaway,restrictmailq,restrictqrun');

			const safeName = name.replaceAll(/[^\w.-]/g, '_');
			const beforePath = path.join(folder, `${safeName}.before.cf`);
			const afterPath = path.join(folder, `${safeName}.after.cf`);
			writeFileSync(beforePath, Buffer.from(text, 'latin1'));
			writeFileSync(afterPath, Buffer.from(after, 'latin1'));
			const [before, hardened] = await Promise.all([sendmailBtAsync(beforePath), sendmailBtAsync(afterPath)]);
			assert.equal(hardened.status, before.status, hardened.stderr);
			// Inserted lines shift line numbers; the complaints themselves must be the same.
			const complaints = (output: string, file: string) => output.replaceAll(file, 'CF').replaceAll(/line \d+: /g, 'line N: ');
			assert.equal(complaints(hardened.stderr, afterPath), complaints(before.stderr, beforePath));
		});
	}
});
