// The rehearsal's report, as source/system/rehearsal.ts gives it (the shared rehearsal interface):
// sendmail -C CANDIDATE -bs asked the same checks as verify, or why it could not be asked.
import type {Answers} from '../core/answers.js';
import type {Result} from '../core/result.js';
import type {Check} from '../core/verify-checks.js';

export type RehearsalReport =
	| {status: 'ran'; checks: Check[]; exchange: string[]; agrees: boolean}
	| {status: 'skipped'; reason: string};

/** rehearseFiles: fail(...) means it should have run but broke (timeout, crash). */
export type RehearseFiles = (
	files: {cfText: string; helpFileText?: string},
	answers: Answers,
	options?: {env?: NodeJS.ProcessEnv; timeoutMs?: number; signal?: AbortSignal},
) => Promise<Result<RehearsalReport>>;
