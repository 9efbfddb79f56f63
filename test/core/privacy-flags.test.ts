import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {PRIVACY_FLAG_NAMES, type PrivacyFlag} from '../../source/core/privacy-flag-names.js';
import {
	effectiveFlags,
	formatPrivacyOptions,
	GOAWAY_IMPLIES,
	parsePrivacyOptionsValue,
	PRIVACY_FLAGS,
	privacyFlagInfos,
} from '../../source/core/privacy-flags.js';
import {sendmailBt, skipUnlessSendmail} from '../helpers/sendmail.js';

describe('the flag catalogue', () => {
	test('covers all 16 flags, each under its own name', () => {
		assert.equal(PRIVACY_FLAG_NAMES.length, 16);
		assert.deepEqual(privacyFlagInfos().map(info => info.name), [...PRIVACY_FLAG_NAMES]);
	});

	test('summaries fit one line of the list, explanations are 2-4 sentences', () => {
		for (const info of privacyFlagInfos()) {
			assert.ok(info.summary.length <= 58, `${info.name}: summary too long`);
			assert.ok(!info.summary.includes('\n'));
			const sentences = info.explanation.split(/(?<=[.!?])\s+(?=[A-Z"a-z])/).length;
			assert.ok(sentences >= 2 && sentences <= 4, `${info.name}: ${sentences} sentences`);
		}
	});

	const replyOf = (flag: PrivacyFlag, command: string) => {
		const effect = PRIVACY_FLAGS[flag].effects.find(effect => effect.kind === 'reply' && effect.command === command);
		return effect?.kind === 'reply' ? effect : undefined;
	};

	const ehloKeywords = (flag: PrivacyFlag) => PRIVACY_FLAGS[flag].effects.flatMap(effect => (effect.kind === 'ehlo' ? [effect.keyword] : []));

	// docs/sendmail.md, "SMTP replies per setting": the exact replies.
	test('the exchanges use the replies seen on sendmail 8.17', () => {
		assert.equal(replyOf('needmailhelo', 'MAIL FROM:<a@example.org>')?.after, '503 5.0.0 Polite people say HELO first');
		assert.equal(replyOf('needvrfyhelo', 'VRFY root')?.after, '503 5.0.0 I demand that you introduce yourself first');
		assert.equal(replyOf('needexpnhelo', 'EXPN root')?.after, '503 5.0.0 I demand that you introduce yourself first');
		assert.equal(replyOf('novrfy', 'VRFY root')?.after, '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)');
		assert.equal(replyOf('noexpn', 'EXPN root')?.after, '502 5.7.0 Sorry, we do not allow this operation');
		assert.equal(replyOf('novrfy', 'VRFY root')?.before, '250 2.1.5 root <root@lab.example.test>');
		assert.equal(replyOf('noexpn', 'VERB')?.after, '502 5.7.0 Verbose unavailable');
		assert.equal(replyOf('noreceipts', 'RCPT TO:<root> NOTIFY=SUCCESS')?.after, '504 5.7.0 Sorry, NOTIFY not supported, we do not allow DSN');
		assert.deepEqual(ehloKeywords('noverb'), ['VERB']);
		assert.deepEqual(ehloKeywords('noetrn'), ['ETRN']);
		assert.deepEqual(ehloKeywords('noreceipts'), ['DSN']);
		assert.deepEqual(ehloKeywords('noexpn'), ['EXPN', 'VERB']);
	});

	test('the flags that change an SMTP exchange show it; the command-line ones say so', () => {
		const withSmtp = privacyFlagInfos().filter(info => info.effects.some(effect => effect.kind === 'reply' || effect.kind === 'ehlo')).map(info => info.name).sort();
		assert.deepEqual(withSmtp, ['goaway', 'needexpnhelo', 'needmailhelo', 'needvrfyhelo', 'noetrn', 'noexpn', 'noreceipts', 'noverb', 'novrfy']);
		for (const flag of ['restrictmailq', 'restrictqrun', 'restrictexpand'] as const) {
			assert.equal(PRIVACY_FLAGS[flag].affects, 'command line');
			assert.match(PRIVACY_FLAGS[flag].explanation, /nothing over SMTP/);
		}
	});
});

// Issue 16: what a learner was told wrongly or incompletely, each now as sendmail really behaves.
describe('the corrected explanations', () => {
	test('authwarnings names its real triggers and not a HELO-name mismatch (PICKY_HELO_CHECK)', () => {
		const text = PRIVACY_FLAGS.authwarnings.explanation;
		assert.doesNotMatch(text, /HELO name does not match/);
		assert.match(text, /never said HELO or EHLO/);
		assert.match(text, /-f/);
		assert.match(text, /-C/);
		assert.match(text, /-bs run by a user other than root/);
		assert.match(text, /PICKY_HELO_CHECK/);
	});

	test('noexpn says it turns VERB off, and noverb says noexpn does', () => {
		assert.match(PRIVACY_FLAGS.noexpn.explanation, /turns VERB off/);
		assert.match(PRIVACY_FLAGS.noverb.explanation, /noexpn and goaway turn VERB off too/);
	});

	test('novrfy, noexpn and goaway warn that RCPT still tells real users from unknown ones', () => {
		for (const flag of ['novrfy', 'noexpn', 'goaway'] as const) {
			const caveat = PRIVACY_FLAGS[flag].caveat ?? '';
			assert.match(caveat, /250 2\.1\.5 <root>\.\.\. Recipient ok/, flag);
			assert.match(caveat, /550 5\.1\.1 <nosuchuser>\.\.\. User unknown/, flag);
			assert.match(caveat, /BadRcptThrottle/, flag);
		}
	});

	test('public is the program\'s default, not the configs\'', () => {
		assert.doesNotMatch(PRIVACY_FLAGS.public.summary, /\(the default\)/);
		assert.match(PRIVACY_FLAGS.public.explanation, /authwarnings/);
		assert.match(PRIVACY_FLAGS.public.explanation, /Debian's sendmail\.cf ships seven flags/);
	});

	test('restrictexpand: TrustedUser is exempt, and users still see what they could read', () => {
		assert.doesNotMatch(PRIVACY_FLAGS.restrictexpand.summary, /Only root/);
		assert.match(PRIVACY_FLAGS.restrictexpand.explanation, /TrustedUser/);
		assert.match(PRIVACY_FLAGS.restrictexpand.explanation, /files they could read anyway/);
	});

	test('goaway\'s summary says VRFY is answered vaguely, not refused, and the text names authwarnings', () => {
		assert.doesNotMatch(PRIVACY_FLAGS.goaway.summary, /no VRFY/);
		assert.match(PRIVACY_FLAGS.goaway.summary, /VRFY vague/);
		assert.match(PRIVACY_FLAGS.goaway.explanation, /authwarnings/);
	});

	test('noreceipts says what a client using DSN parameters gets', () => {
		assert.match(PRIVACY_FLAGS.noreceipts.explanation, /RET, NOTIFY, ENVID or ORCPT/);
		assert.match(PRIVACY_FLAGS.noreceipts.explanation, /504/);
	});
});

describe('goaway', () => {
	// docs/sendmail.md, "PrivacyOptions and goaway": noverb included; noreceipts and noetrn not.
	test('sets the seven low flags of PRIV_GOAWAY, noverb among them', () => {
		assert.deepEqual([...GOAWAY_IMPLIES].sort(), ['authwarnings', 'needexpnhelo', 'needmailhelo', 'needvrfyhelo', 'noexpn', 'noverb', 'novrfy']);
		for (const flag of ['noetrn', 'noreceipts', 'restrictqrun', 'restrictmailq'] as const) {
			assert.ok(!GOAWAY_IMPLIES.includes(flag));
		}

		assert.match(PRIVACY_FLAGS.goaway.explanation, /noverb/);
		assert.match(PRIVACY_FLAGS.goaway.explanation, /does not include noetrn, noreceipts/);
	});

	test('effectiveFlags spells goaway out and keeps the rest', () => {
		const flags = effectiveFlags(['goaway', 'noetrn', 'restrictqrun']);
		for (const flag of [...GOAWAY_IMPLIES, 'goaway', 'noetrn', 'restrictqrun'] as const) {
			assert.ok(flags.has(flag), flag);
		}

		assert.ok(!flags.has('noreceipts'));
		assert.deepEqual([...effectiveFlags(['novrfy'])], ['novrfy']);
	});
});

describe('PrivacyOptions values', () => {
	// docs/sendmail.md, "The stock options": Debian's value, verbatim.
	test('reads Debian\'s value', () => {
		assert.deepEqual(parsePrivacyOptionsValue('needmailhelo,needexpnhelo,needvrfyhelo,restrictqrun,restrictexpand,nobodyreturn,authwarnings'), {
			flags: ['needmailhelo', 'needexpnhelo', 'needvrfyhelo', 'restrictqrun', 'restrictexpand', 'nobodyreturn', 'authwarnings'],
			unknown: [],
		});
	});

	test('splits on commas, spaces and other punctuation, ignores case, drops repeats', () => {
		assert.deepEqual(parsePrivacyOptionsValue(' NoVrfy  noexpn;needmailhelo, ,novrfy '), {flags: ['novrfy', 'noexpn', 'needmailhelo'], unknown: []});
		assert.deepEqual(parsePrivacyOptionsValue(''), {flags: [], unknown: []});
	});

	test('reports unknown words as written', () => {
		assert.deepEqual(parsePrivacyOptionsValue('goaway,BogusFlag,no-expn'), {flags: ['goaway'], unknown: ['BogusFlag', 'no', 'expn']});
	});

	test('formats as m4 writes it', () => {
		assert.equal(formatPrivacyOptions(['goaway', 'noetrn', 'restrictqrun']), 'goaway,noetrn,restrictqrun');
		assert.equal(formatPrivacyOptions([]), '');
	});

	test('format then parse gives the same flags', () => {
		fc.assert(fc.property(fc.uniqueArray(fc.constantFrom(...PRIVACY_FLAG_NAMES)), (flags: PrivacyFlag[]) => {
			assert.deepEqual(parsePrivacyOptionsValue(formatPrivacyOptions(flags)), {flags, unknown: []});
		}));
	});
});

describe('every flag against the real sendmail', () => {
	const skip = skipUnlessSendmail();
	const cf = skip.skip === undefined ? readFileSync('/etc/mail/sendmail.cf', 'latin1') : '';

	// docs/sendmail.md, "Asking sendmail: -bt, -bC, -bs": `sendmail -C FILE -bt` exits 0 for a good file, 70 for an unknown flag.
	test('sendmail accepts each of the 16 names and rejects a bogus one', skip, () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-flags-'));
		try {
			const check = (value: string) => {
				const file = path.join(dir, 'test.cf');
				const text = cf.replace(/^O PrivacyOptions=.*$/m, `O PrivacyOptions=${value}`);
				assert.ok(text.includes(`O PrivacyOptions=${value}\n`));
				writeFileSync(file, text, 'latin1');
				return sendmailBt(file);
			};

			for (const flag of PRIVACY_FLAG_NAMES) {
				const result = check(flag);
				assert.equal(result.status, 0, `${flag}: ${result.stderr}`);
			}

			const all = check(formatPrivacyOptions(PRIVACY_FLAG_NAMES));
			assert.equal(all.status, 0, all.stderr);

			const bogus = check('goaway,bogusflag');
			assert.equal(bogus.status, 70);
			assert.match(bogus.stderr, /readcf: Op line: bogusflag unrecognized/);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
