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

	// sendmail-facts.md, "Seen: SMTP replies": the exact replies.
	test('the exchanges use the replies seen on sendmail 8.17', () => {
		assert.equal(PRIVACY_FLAGS.needmailhelo.exchange?.after, '503 5.0.0 Polite people say HELO first');
		assert.equal(PRIVACY_FLAGS.needvrfyhelo.exchange?.after, '503 5.0.0 I demand that you introduce yourself first');
		assert.equal(PRIVACY_FLAGS.needexpnhelo.exchange?.after, '503 5.0.0 I demand that you introduce yourself first');
		assert.equal(PRIVACY_FLAGS.novrfy.exchange?.after, '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)');
		assert.equal(PRIVACY_FLAGS.noexpn.exchange?.after, '502 5.7.0 Sorry, we do not allow this operation');
		assert.equal(PRIVACY_FLAGS.novrfy.exchange?.before, '250 2.1.5 root <root@lab.example.test>');
		assert.match(PRIVACY_FLAGS.noverb.exchange?.before ?? '', /250-VERB/);
		assert.match(PRIVACY_FLAGS.noetrn.exchange?.before ?? '', /250-ETRN/);
		assert.match(PRIVACY_FLAGS.noreceipts.exchange?.before ?? '', /250-DSN/);
	});

	test('the flags that change an SMTP exchange have one; the command-line ones say so', () => {
		const withExchange = privacyFlagInfos().filter(info => info.exchange).map(info => info.name).sort();
		assert.deepEqual(withExchange, ['needexpnhelo', 'needmailhelo', 'needvrfyhelo', 'noetrn', 'noexpn', 'noreceipts', 'noverb', 'novrfy']);
		for (const flag of ['restrictmailq', 'restrictqrun', 'restrictexpand'] as const) {
			assert.equal(PRIVACY_FLAGS[flag].affects, 'command line');
			assert.match(PRIVACY_FLAGS[flag].explanation, /nothing over SMTP/);
		}
	});
});

describe('goaway', () => {
	// sendmail-facts.md, "what goaway covers": noverb included; noreceipts and noetrn not.
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
	// sendmail-facts.md: Debian's value, verbatim.
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

	// sendmail-facts.md: `sendmail -C FILE -bt` exits 0 for a good file, 70 for an unknown flag.
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
