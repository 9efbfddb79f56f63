import {readFileSync} from 'node:fs';
import type {Answers} from '../../source/core/answers.js';

export const articleAnswersFile = 'test/fixtures/article-answers.json';

/** The article's answers (docs/design.md, "Answers"), plus hideHelpVersion. */
export const articleAnswers = JSON.parse(readFileSync(articleAnswersFile, 'utf8')) as Answers;
