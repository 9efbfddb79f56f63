// Every privacy flag's explanation, asked of the installed sendmail: each reply, EHLO keyword,
// local message and header that `explain` and the wizard quote is what sendmail 8.17 really gives,
// with exactly that flag set, and the "without" side is what it gives with PrivacyOptions=public.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {planHardening} from '../../source/core/plan.js';
import {PRIVACY_FLAG_NAMES, PRIVACY_FLAGS, type FlagEffect, type PrivacyFlag, type SmtpState} from '../../source/core/privacy-flags.js';
import {articleAnswers} from '../helpers/article.js';
import {bsSession, type BsReply} from '../helpers/sendmail-bs.js';
import {skipUnlessSendmail} from '../helpers/sendmail.js';

const skip = skipUnlessSendmail();
const testHost = 'mail.test.example';
// The explanations use the documentation host name; the test sendmail runs as mail.test.example.
const asSeenHere = (text: string) => text.replaceAll('lab.example.test', testHost);

let folder = '';
let queue = '';
const configs = new Map<string, string>();

/** Debian's config with one PrivacyOptions value, no DNS, and a private queue folder. */
function configWith(privacyOptions: string, text = readFileSync('/etc/mail/sendmail.cf', 'latin1')): string {
	const existing = configs.get(privacyOptions);
	if (existing !== undefined) {
		return existing;
	}

	const file = path.join(folder, `${privacyOptions.replaceAll(/\W/g, '_')}.cf`);
	const edited = text
		.replace(/^O PrivacyOptions=.*$/m, `O PrivacyOptions=${privacyOptions}`)
		.replace(/^O QueueDirectory=.*$/m, `O QueueDirectory=${queue}`);
	assert.match(edited, new RegExp(`^O PrivacyOptions=${privacyOptions}$`, 'm'));
	writeFileSync(file, `${edited}O ServiceSwitchFile=/etc/mail/service.switch-nodns\n`, {mode: 0o644});
	configs.set(privacyOptions, file);
	return file;
}

const setupFor: Record<SmtpState, string[]> = {
	'before HELO': [],
	'after EHLO': ['EHLO client.example.org'],
	'in a transaction': ['EHLO client.example.org', 'MAIL FROM:<root@localhost>'],
};

async function replyTo(privacyOptions: string, state: SmtpState, command: string): Promise<BsReply> {
	const replies = await bsSession(configWith(privacyOptions), [...setupFor[state], command]);
	return replies.at(-1)!;
}

async function ehloKeywords(privacyOptions: string): Promise<string[]> {
	const [, ehlo] = await bsSession(configWith(privacyOptions), ['EHLO client.example.org']);
	return ehlo!.lines.slice(1).map(line => line.slice(4).split(' ')[0]!);
}

/** Runs the sendmail command as the unprivileged user `nobody`, as the explanation's "who" would. */
function runAsNobody(privacyOptions: string, args: string[]): {status: number | null; output: string} {
	const cf = configWith(privacyOptions);
	const result = spawnSync('unshare', ['--uts', 'sh', '-c', `hostname ${testHost} && exec runuser -u nobody -- /usr/sbin/sendmail -C "$0" "$@"`, cf, ...args], {
		encoding: 'latin1',
		timeout: 30_000,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return {status: result.status, output: `${result.stdout}${result.stderr}`};
}

const localArgs: Record<string, string[]> = {mailq: ['-bp'], 'sendmail -q': ['-q']};

/** Sends one message into the private queue (-odq: nothing is delivered) and returns its headers. */
async function queuedHeaders(privacyOptions: string, helo: string | undefined): Promise<string[]> {
	// bsSession returns once sendmail has exited, so no earlier session still writes here.
	for (const name of readdirSync(queue)) {
		rmSync(path.join(queue, name), {force: true});
	}

	const commands = [...(helo ? [helo] : []), 'MAIL FROM:<root@localhost>', 'RCPT TO:<root@localhost>', 'DATA', 'Subject: test\r\n\r\nhello\r\n.'];
	const replies = await bsSession(configWith(privacyOptions), commands, {args: ['-odq']});
	// "250 2.0.0 6B27boV3016854 Message accepted for delivery": the queue id names its qf file.
	const id = /^250 2\.0\.0 (\w+) Message accepted/.exec(replies.at(-1)?.lines[0] ?? '')?.[1];
	assert.ok(id, JSON.stringify(replies.at(-1)));
	const qf = `qf${id}`;
	// A qf file's header lines are "H??Name: value", folded lines start with a tab.
	return readFileSync(path.join(queue, qf), 'latin1')
		.replaceAll(/\n\t/g, ' ')
		.split('\n')
		.filter(line => line.startsWith('H'))
		.map(line => line.replace(/^H(?:\?[^?]*\?)*/, ''));
}

// "X-Authentication-Warning: <this host>: <the client> didn't use HELO protocol"
const authWarningShape = /^X-Authentication-Warning: ([\w.-]+): (.+) (didn't use HELO protocol)$/;

async function checkEffect(flag: PrivacyFlag, effect: FlagEffect): Promise<void> {
	switch (effect.kind) {
		case 'reply': {
			const withFlag = await replyTo(flag, effect.state, effect.command);
			assert.equal(withFlag.lines[0], asSeenHere(effect.after), `${flag}: ${effect.command} with the flag`);
			const without = await replyTo('public', effect.state, effect.command);
			assert.equal(without.lines[0], asSeenHere(effect.before), `${flag}: ${effect.command} without the flag`);
			break;
		}

		case 'ehlo': {
			assert.ok((await ehloKeywords('public')).includes(effect.keyword), `${flag}: EHLO offers ${effect.keyword} without it`);
			assert.ok(!(await ehloKeywords(flag)).includes(effect.keyword), `${flag}: EHLO still offers ${effect.keyword}`);
			break;
		}

		case 'local': {
			const args = localArgs[effect.command];
			assert.ok(args, `no way to run "${effect.command}"`);
			assert.ok(runAsNobody(flag, args).output.includes(effect.after), `${flag}: ${effect.command} as nobody`);
			assert.ok(!runAsNobody('public', args).output.includes(effect.after), `${flag}: ${effect.command} as nobody without the flag`);
			break;
		}

		case 'header': {
			const quoted = authWarningShape.exec(effect.header);
			assert.ok(quoted, `${flag}: the quoted header has sendmail's form`);
			const warning = (await queuedHeaders(flag, undefined)).find(line => line.startsWith('X-Authentication-Warning:'));
			const seen = authWarningShape.exec(warning ?? '');
			assert.ok(seen, `${flag}: no warning header in ${warning}`);
			assert.equal(seen[1], testHost);
			assert.equal(seen[3], quoted[3]);
			const unflagged = await queuedHeaders('public', undefined);
			assert.ok(!unflagged.some(line => line.startsWith('X-Authentication-Warning:')), `a warning without the flag: ${unflagged.join(' / ')}`);
			break;
		}
	}
}

describe('every flag as the installed sendmail answers it', () => {
	before(() => {
		if (skip.skip === undefined) {
			folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-flags-live-'));
			// Readable by nobody (the local-user checks); the queue folder root-owned and not group-writable.
			chmodSync(folder, 0o755);
			queue = path.join(folder, 'queue');
			mkdirSync(queue, {mode: 0o755});
		}
	});

	after(() => {
		if (folder !== '') {
			rmSync(folder, {recursive: true, force: true});
		}
	});

	for (const flag of PRIVACY_FLAG_NAMES) {
		const {effects} = PRIVACY_FLAGS[flag];
		if (effects.length === 0) {
			continue;
		}

		test(`${flag}: ${effects.map(effect => (effect.kind === 'ehlo' ? `EHLO ${effect.keyword}` : effect.kind === 'reply' ? effect.command : effect.kind)).join(', ')}`, skip, async () => {
			for (const effect of effects) {
				await checkEffect(flag, effect);
			}
		});
	}

	// docs/sendmail.md, "SMTP replies per setting": noexpn also refuses VERB; noreceipts refuses every DSN parameter.
	test('noexpn alone refuses VERB; noreceipts answers RET, ENVID, NOTIFY and ORCPT with 504', skip, async () => {
		assert.equal((await replyTo('noexpn', 'after EHLO', 'VERB')).lines[0], '502 5.7.0 Verbose unavailable');
		const replies = await bsSession(configWith('noreceipts'), ['EHLO client.example.org', 'MAIL FROM:<root@localhost> RET=HDRS', 'MAIL FROM:<root@localhost> ENVID=x1', 'MAIL FROM:<root@localhost>', 'RCPT TO:<root> ORCPT=rfc822;root@localhost']);
		assert.deepEqual(replies.slice(2).map(reply => reply.lines[0]), [
			'504 5.7.0 Sorry, RET not supported, we do not allow DSN',
			'504 5.7.0 Sorry, ENVID not supported, we do not allow DSN',
			'250 2.1.0 <root@localhost>... Sender ok',
			'504 5.7.0 Sorry, ORCPT not supported, we do not allow DSN',
		]);
	});

	// docs/sendmail.md, "PrivacyOptions and goaway": goaway leaves DSN and ETRN on.
	test('goaway leaves DSN and ETRN offered, as its explanation says', skip, async () => {
		const keywords = await ehloKeywords('goaway');
		assert.ok(keywords.includes('DSN') && keywords.includes('ETRN'), keywords.join(' '));
		assert.match(PRIVACY_FLAGS.goaway.explanation, /does not include noetrn, noreceipts/);
	});

	// docs/sendmail.md, "SMTP replies per setting": authwarnings has no HELO-name check without PICKY_HELO_CHECK.
	test('authwarnings adds no warning for a client whose HELO name is made up', skip, async () => {
		const headers = await queuedHeaders('authwarnings', 'EHLO no-such-name.invalid');
		assert.ok(!headers.some(line => line.startsWith('X-Authentication-Warning:')), headers.join('\n'));
	});

	// docs/sendmail.md, "Harvesting": novrfy and noexpn do not stop harvesting by RCPT.
	test('the RCPT caveat holds on a config hardened with the article\'s answers', skip, async () => {
		const debian = readFileSync('/etc/mail/sendmail.cf', 'latin1');
		const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: debian, answers: {...articleAnswers, hideHelpVersion: null}});
		assert.ok(plan.ok);
		const hardened = plan.value.files.find(file => file.role === 'cf')!.after;
		const file = path.join(folder, 'hardened.cf');
		writeFileSync(file, `${hardened.replace(/^O QueueDirectory=.*$/m, `O QueueDirectory=${queue}`)}O ServiceSwitchFile=/etc/mail/service.switch-nodns\n`);
		const replies = await bsSession(file, ['EHLO client.example.org', 'VRFY root', 'MAIL FROM:<root@localhost>', 'RCPT TO:<root>', 'RCPT TO:<nosuchuser>']);
		const lines = replies.map(reply => reply.lines[0]);
		assert.match(lines[2]!, /^252 2\.5\.2 Cannot VRFY user; try RCPT/);
		assert.equal(lines[4], '250 2.1.5 <root>... Recipient ok');
		assert.equal(lines[5], '550 5.1.1 <nosuchuser>... User unknown');
		for (const flag of ['novrfy', 'noexpn', 'goaway'] as const) {
			assert.ok(PRIVACY_FLAGS[flag].caveat?.includes(`"${lines[4]}" for a real user and "${lines[5]}" for an unknown one`), flag);
		}
	});
});
