// Every config of the corpus (Debian's and the shipped examples that sendmail loads), rehearsed in
// the installed sendmail: the article's answers, planned, pass every check; empty answers rehearse
// as the original does. Also: the rehearsal of Debian's config says what a live daemon on the same
// file says.
import {before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Answers} from '../../source/core/answers.js';
import {helpFilePath, planHardening} from '../../source/core/plan.js';
import type {Check} from '../../source/core/verify-checks.js';
import {rehearseFiles} from '../../source/system/rehearsal.js';
import {verifyServer} from '../../source/system/verify-server.js';
import {articleAnswers} from '../helpers/article.js';
import {buildExampleCf, daemonCf, exampleMcNames, sendmailBtAsync, sendmailInstalled, skipUnlessSendmail, startSendmailDaemon} from '../helpers/sendmail.js';

const skip = skipUnlessSendmail();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearsal-corpus-'));
test.after(() => {
	rmSync(scratch, {recursive: true, force: true});
});

type Config = {name: string; cfText: string; helpFileText?: string};

/** Debian's config and every shipped example that sendmail loads (-bt exits 0). */
async function corpus(): Promise<Config[]> {
	const configs: Array<{name: string; cfText: string}> = [{name: 'debian sendmail.cf', cfText: readFileSync('/etc/mail/sendmail.cf', 'latin1')}];
	const loads = await inBatches(exampleMcNames(), 4, async mc => {
		const cfText = buildExampleCf(mc);
		const file = path.join(scratch, `${mc}.cf`);
		writeFileSync(file, cfText, 'latin1');
		return (await sendmailBtAsync(file)).status === 0 ? [{name: mc, cfText}] : [];
	});
	configs.push(...loads.flat());

	return configs.map(config => {
		const help = helpFilePath(config.cfText);
		return {...config, helpFileText: help !== undefined && existsSync(help) ? readFileSync(help, 'latin1') : undefined};
	});
}

/**
 * A few at a time: a rehearsal mostly waits on sendmail (about 0.2 s of CPU in a second or more of
 * pauses), the machine is shared.
 */
async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = [];
	for (let start = 0; start < items.length; start += size) {
		results.push(...await Promise.all(items.slice(start, start + size).map(run)));
	}

	return results;
}

// The reply text that changes from run to run: the date in the banner, the queue id.
// Rehearsals at once: each mostly waits, so four overlap their pauses on two cores.
const REHEARSALS_AT_ONCE = 4;

const stable = (check: Check) => ({name: check.name, status: check.status, reply: check.reply.replace(/; [A-Z][a-z]{2}, .*?\d{2}:\d{2}:\d{2} [-+A-Z\d]+/, '; DATE')});

async function rehearse(config: Config, answers: Answers, cfText = config.cfText, helpFileText = config.helpFileText, from?: string): Promise<Check[]> {
	const report = await rehearseFiles({cfText, helpFileText}, answers, {from});
	assert.ok(report.ok, `${config.name}: ${report.ok ? '' : report.error}`);
	assert.ok(report.value.status === 'ran', `${config.name}: ${report.value.status === 'skipped' ? report.value.reason : ''}`);
	return report.value.checks;
}

describe('the corpus, rehearsed', () => {
	let loaded: Config[] = [];
	let configs: Config[] = [];
	// Each original config's rehearsal under the article's answers, made once by the first test
	// (which needs a rehearsal of each anyway) and compared with the planned files' by the third.
	const originals = new Map<Config, Check[]>();
	before(async () => {
		loaded = sendmailInstalled ? await corpus() : [];
	});

	test('holds Debian\'s config and the examples that load; sendmail -bs refuses only those whose queue folder this host lacks', skip, async () => {
		assert.ok(loaded.length > 10, `only ${loaded.length} configs load`);
		const refused: string[] = [];
		await inBatches(loaded, REHEARSALS_AT_ONCE, async config => {
			const report = await rehearseFiles({cfText: config.cfText, helpFileText: config.helpFileText}, articleAnswers);
			if (report.ok && report.value.status === 'ran') {
				configs.push(config);
				originals.set(config, report.value.checks);
			} else {
				refused.push(`${config.name}: ${report.ok ? report.value.status : report.error}`);
			}
		});
		// Configs for other systems (HP-UX's /usr/spool/mqueue): the server would refuse the same way here.
		for (const line of refused) {
			assert.match(line, /sendmail -bs ended without a greeting; it said: 451 4\.0\.0 can not chdir\(\S+\): No such file or directory(?:; sendmail exited with status 78)?$/);
		}

		configs = loaded.filter(config => configs.includes(config));
		assert.ok(configs.some(config => config.name === 'debian sendmail.cf'));
		assert.ok(configs.length >= loaded.length / 2, refused.join('\n'));
	});

	test('the article\'s answers, planned and rehearsed, pass every check on every config', skip, async () => {
		const failures = await inBatches(configs, REHEARSALS_AT_ONCE, async config => {
			const plan = planHardening({
				cfPath: '/etc/mail/sendmail.cf',
				cfText: config.cfText,
				helpFile: config.helpFileText === undefined ? undefined : {path: helpFilePath(config.cfText)!, text: config.helpFileText},
				answers: articleAnswers,
			});
			assert.ok(plan.ok, `${config.name}: ${plan.ok ? '' : plan.error}`);
			const cfText = plan.value.files.find(file => file.role === 'cf')?.after ?? config.cfText;
			const helpFileText = plan.value.files.find(file => file.role === 'helpfile')?.after ?? config.helpFileText;
			const checks = await rehearse(config, articleAnswers, cfText, helpFileText);
			// The outsider's findings (relaying, the harvest, ...) are information the article's answers do not decide.
			const decided = new Set(['banner', 'HELP', 'MAIL before HELO', 'VRFY', 'EXPN', 'SIZE', 'recipient limit']);
			return checks.filter(check => check.status === 'fail' || (decided.has(check.name) && check.status !== 'pass')).map(check => `${config.name}: ${check.name} ${check.status}: ${check.expected} — "${check.reply}"`);
		});
		assert.deepEqual(failures.flat(), []);
	});

	// Judged against the article's answers (11 recipients sent rather than 1000 for no limit).
	test('empty answers rehearse the same verdicts and replies as the original', skip, async () => {
		const differences = await inBatches(configs, REHEARSALS_AT_ONCE, async config => {
			const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: config.cfText, answers: {}});
			assert.ok(plan.ok);
			const cfText = plan.value.files.find(file => file.role === 'cf')?.after ?? config.cfText;
			// The same bytes rehearse the same (core/corpus.test.ts finds no change for every config):
			// only a changed file needs a second rehearsal to compare.
			const original = originals.get(config) ?? await rehearse(config, articleAnswers);
			const planned = cfText === config.cfText ? original : await rehearse(config, articleAnswers, cfText);
			return JSON.stringify(planned.map(stable)) === JSON.stringify(original.map(stable)) ? [] : [config.name];
		});
		assert.deepEqual(differences.flat(), []);
	});
});

// Each test its own daemon on its own port: the two run at once.
describe('rehearsal and live server agree', {concurrency: 2}, () => {
	for (const [label, answers] of [['the article\'s answers', articleAnswers], ['empty answers', {}]] as const) {
		test(`Debian's config, ${label}: the rehearsal's verdicts are verify's against a daemon on the same file`, skip, async () => {
			const debian = readFileSync('/etc/mail/sendmail.cf', 'latin1');
			const daemon = await startSendmailDaemon(debian);
			try {
				const live = await verifyServer(daemon.host, daemon.port, answers);
				assert.ok(live.ok, live.ok ? '' : live.error);
				// The very file the daemon runs on, rehearsed, from where verify stood: 127.0.0.1, the host itself
				// (from an outside address relaying would be denied where this host may relay).
				const rehearsed = await rehearse({name: 'debian', cfText: ''}, answers, readFileSync(daemon.cfPath, 'latin1'), readFileSync('/etc/mail/helpfile', 'latin1'), '127.0.0.1');
				// The pause before the greeting is measured on a live connection only: -bs has none to time.
				const liveChecks = live.value.checks.filter(check => check.name !== 'greeting pause');
				assert.deepEqual(rehearsed.map(check => [check.name, check.status]), liveChecks.map(check => [check.name, check.status]));
				// The replies too, but for the client's address in the banner and the HELO reply.
				const client = (text: string) => text.replace(/; [A-Z][a-z]{2}, .*$/, '').replace(/\[[^\]]*\]\]?/g, '[CLIENT]');
				assert.deepEqual(rehearsed.map(check => client(check.reply)), liveChecks.map(check => client(check.reply)));
			} finally {
				await daemon.stop();
			}
		});
	}
});
