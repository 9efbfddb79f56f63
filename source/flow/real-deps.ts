// The flow's effects on a real host: the one set both faces use (the wizard through
// commands/wizard.tsx, --yes and --dry-run through commands/harden.ts). Tests pass fakes instead.
import {applyPlan, validatePlan} from '../system/apply.js';
import {rollbackBackupSet} from '../system/rollback.js';
import {RESTART_TIMEOUT_MS, waitForListener} from '../system/restart.js';
import {hostNameWait} from '../system/host-name.js';
import {findRestartPlan, runRestart, sendmailStartedSince, type RestartPlan} from '../system/service.js';
import {rehearseFiles} from '../system/rehearsal.js';
import {verifyServer} from '../system/verify-server.js';
import {LISTENER_WAIT_MS, type ApplyFlowDeps} from './apply-flow.js';

export type RealFlowOptions = {
	/** --hostname: the host name sendmail's rehearsal runs under, in both faces. */
	hostName?: string;
	/** --restart-command: the restart to run instead of the detected one. */
	restartCommand?: RestartPlan;
	/** --from: the client address the rehearsal plays. */
	from?: string;
};

export function realFlowDeps(env: NodeJS.ProcessEnv, options: RealFlowOptions = {}): ApplyFlowDeps & {env: NodeJS.ProcessEnv} {
	return {
		now: () => new Date(),
		env,
		validatePlan,
		rehearse: async (files, answers, rehearseOptions) => rehearseFiles(files, answers, {hostName: options.hostName, from: options.from, ...rehearseOptions}),
		applyPlan,
		findRestartPlan: async () => options.restartCommand ?? findRestartPlan({env}),
		runRestart: async (plan, {onOutput, timeoutMs}) => runRestart(plan, {timeoutMs, onOutput, env}),
		restartTimeoutMs: RESTART_TIMEOUT_MS,
		hostNameWait: () => hostNameWait(),
		sendmailStartedSince: async (since, cfText) => sendmailStartedSince(since, cfText),
		waitForListener: async (host, port, {signal}) => waitForListener(host, port, LISTENER_WAIT_MS, signal),
		verifyServer: async (host, port, answers) => verifyServer(host, port, answers),
		rollback: async (set, {force}) => rollbackBackupSet(set, {force}),
	};
}
