import {readFileSync} from 'node:fs';
import type {Answers} from '../../source/core/answers.js';

export const articleAnswersFile = 'test/fixtures/article-answers.json';

/** The article's answers (docs/design.md, "Answers"), plus hideHelpVersion. */
export const articleAnswers = JSON.parse(readFileSync(articleAnswersFile, 'utf8')) as Answers;

/**
 * The answers under which audit passes on Debian's stock config: the article's greeting and limits,
 * its flags with noetrn and noreceipts, the three switches, and the flood limits Debian's config
 * leaves open (it sets BadRcptThrottle and ConnectionRateThrottle itself), and AUTH only after STARTTLS.
 */
export const hardenedAnswers: Answers = {
	...articleAnswers,
	privacyOptions: ['goaway', 'restrictmailq', 'restrictqrun', 'noetrn', 'noreceipts'],
	hideHelpVersion: true,
	hideHelpProduct: true,
	hideReceivedVersion: true,
	badRcptShutdown: 10,
	maxDaemonChildren: 100,
	// Debian's sendmail offers AUTH DIGEST-MD5 CRAM-MD5 before STARTTLS where libsasl2-modules is installed.
	authRequireTls: true,
	authMechanisms: ['PLAIN', 'LOGIN'],
};
