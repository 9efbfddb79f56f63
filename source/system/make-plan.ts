import type {Answers} from '../core/answers.js';
import {planHardening, type Plan} from '../core/plan.js';
import type {Result} from '../core/result.js';
import type {Target} from './target.js';

export type MakePlanOptions = {
	/** Edit sendmail.cf even when a sendmail.mc beside it would undo that at its next rebuild. */
	cfOnly?: boolean;
	env?: NodeJS.ProcessEnv;
};

/** The plan of edits for these answers on this host: what --dry-run shows, --yes and the wizard write. */
export async function makePlan(target: Target, answers: Answers, _options: MakePlanOptions = {}): Promise<Result<Plan>> {
	return planHardening({cfPath: target.cfPath, cfText: target.cfText, helpFile: target.helpFile, answers});
}
