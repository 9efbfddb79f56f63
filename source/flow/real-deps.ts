// The flow's effects on a real host: the same functions for the wizard, --yes and --dry-run.
import {applyPlan, validatePlan} from '../system/apply.js';
import {rollbackBackupSet} from '../system/config-files.js';
import {RESTART_TIMEOUT_MS, waitForListener} from '../system/restart.js';
import {hostNameWait} from '../system/host-name.js';
import {findRestartPlan, runRestart, sendmailStartedSince} from '../system/service.js';
import {rehearseFiles} from '../system/rehearsal.js';
import {verifyServer} from '../system/verify-server.js';
import {LISTENER_WAIT_MS, type ApplyFlowDeps, type RehearseFiles} from './apply-flow.js';

export function realFlowDeps(env: NodeJS.ProcessEnv, rehearse: RehearseFiles = rehearseFiles): ApplyFlowDeps {
	return {
		now: () => new Date(),
		env,
		validatePlan,
		rehearse,
		applyPlan,
		findRestartPlan: async () => findRestartPlan({env}),
		runRestart: async (plan, {onOutput, timeoutMs}) => runRestart(plan, {timeoutMs, onOutput, env}),
		restartTimeoutMs: RESTART_TIMEOUT_MS,
		hostNameWait: () => hostNameWait(),
		sendmailStartedSince: async (since, cfText) => sendmailStartedSince(since, cfText),
		waitForListener: async (host, port, {signal}) => waitForListener(host, port, LISTENER_WAIT_MS, signal),
		verifyServer: async (host, port, answers) => verifyServer(host, port, answers),
		rollback: async (set, {force}) => rollbackBackupSet(set, {force}),
	};
}

