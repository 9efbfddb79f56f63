// audit's AUTH findings on Debian's STARTTLS and SASL set-up, from sendmail's own EHLO to an
// outside client (the rehearsal): AUTH offered before STARTTLS and which mechanisms, DIGEST-MD5
// named historic, and the note that port 25 offers AUTH beside a submission port.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {AuditItem} from '../../source/core/audit.js';
import {runCli} from '../helpers/cli.js';
import {skipUnlessDebianMc} from '../helpers/debian-mc.js';
import {skipUnlessSasl, withDebianSasl} from '../helpers/sasl-fixture.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';
import {debianStarttlsPair} from '../helpers/tls-fixture.js';

const skip = [skipUnlessSendmail(), skipUnlessDebianMc(), skipUnlessSasl()].find(each => 'skip' in each) ?? {};

type AuditJson = {settings: AuditItem[]; rehearsal: {status: string; checks?: Array<{name: string; status: string; expected: string; reply: string}>}};

describe('audit on Debian\'s STARTTLS and SASL set-up', skip, () => {
	let parent: string;
	before(() => {
		parent = mkdtempSync(path.join(os.tmpdir(), 'audit-auth-'));
	});
	after(() => {
		rmSync(parent, {recursive: true, force: true});
	});

	const audit = async (cfPath: string): Promise<AuditJson> => {
		const run = await runCli(['audit', '--json', '--config', cfPath]);
		assert.equal(run.status, 1, run.stderr);
		return JSON.parse(run.stdout) as AuditJson;
	};

	const row = (report: AuditJson, setting: string) => {
		const found = report.settings.find(item => item.setting === setting);
		assert.ok(found, `no ${setting} row`);
		return found;
	};

	test('AUTH offered before STARTTLS, its mechanisms, DIGEST-MD5 historic, and port 25 beside the submission port', async () => {
		const pair = debianStarttlsPair(parent);
		withDebianSasl(pair);
		const report = await audit(pair.cfPath);
		assert.equal(report.rehearsal.status, 'ran');
		const options = row(report, 'AuthOptions');
		assert.equal(options.hardened, false);
		assert.equal(options.from, 'sendmail');
		assert.equal(options.reply, '250-AUTH DIGEST-MD5 CRAM-MD5 PLAIN LOGIN');
		assert.match(options.advice, /AUTH DIGEST-MD5 CRAM-MD5 PLAIN LOGIN is offered before STARTTLS/);
		assert.match(options.note ?? '', /AUTH is not turned off on port 25 .*submission port \(MSP-v4 on port submission with M=Ea\)/);
		const mechanisms = row(report, 'AuthMechanisms');
		assert.equal(mechanisms.hardened, false);
		assert.equal(mechanisms.value, 'EXTERNAL DIGEST-MD5 CRAM-MD5 PLAIN LOGIN');
		assert.match(mechanisms.advice, /AUTH offers DIGEST-MD5 CRAM-MD5 before STARTTLS \(DIGEST-MD5 is historic, RFC 6331\)/);
		const check = report.rehearsal.checks?.find(each => each.name === 'AUTH before STARTTLS');
		assert.equal(check?.status, 'info');
		assert.match(check?.expected ?? '', /AUTH DIGEST-MD5 CRAM-MD5 PLAIN LOGIN offered before STARTTLS \(DIGEST-MD5 is historic, RFC 6331\)/);

		// After the AUTH answers, sendmail offers nothing in the clear and both rows pass.
		const answersPath = path.join(pair.folder, 'answers.json');
		writeFileSync(answersPath, JSON.stringify({authRequireTls: true, authMechanisms: ['PLAIN', 'LOGIN']}));
		const applied = await runCli(['--yes', '--no-restart', '--config', pair.cfPath, '--answers', answersPath]);
		assert.equal(applied.status, 0, applied.stderr);
		const hardened = await audit(pair.cfPath);
		assert.deepEqual([row(hardened, 'AuthOptions').hardened, row(hardened, 'AuthMechanisms').hardened], [true, true]);
		assert.match(row(hardened, 'AuthOptions').reply ?? '', /\(no AUTH line\)$/);
	});

	test('the STARTTLS pair without sasl.m4: sendmail\'s own list gives AUTH DIGEST-MD5 CRAM-MD5 before STARTTLS', async () => {
		const pair = debianStarttlsPair(parent);
		const report = await audit(pair.cfPath);
		const options = row(report, 'AuthOptions');
		assert.deepEqual([options.hardened, options.from, options.reply], [false, 'sendmail', '250-AUTH DIGEST-MD5 CRAM-MD5']);
		const mechanisms = row(report, 'AuthMechanisms');
		assert.match(mechanisms.value, /^not set \(sendmail's list: EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5\)/);
		assert.match(mechanisms.advice, /DIGEST-MD5 is historic, RFC 6331/);
	});

	test('M=A on the MTA\'s daemon line: no AUTH on port 25, which the rehearsal (no daemon) cannot show', async () => {
		const pair = debianStarttlsPair(parent);
		withDebianSasl(pair);
		const cf = readFileSync(pair.cfPath, 'latin1').replace(/^(O DaemonPortOptions=Family=inet, +Name=MTA-v4, Port=smtp), /m, '$1, M=A, ');
		assert.match(cf, /Name=MTA-v4, Port=smtp, M=A,/);
		// The .cf alone: the .mc it came from taken away.
		rmSync(pair.mcPath);
		writeFileSync(pair.cfPath, cf, 'latin1');
		const report = await audit(pair.cfPath);
		const options = row(report, 'AuthOptions');
		assert.equal(options.hardened, true);
		assert.equal(options.from, 'file');
		assert.match(options.value, /M=A: no AUTH on port 25/);
		assert.equal(options.note, undefined);
	});
});
