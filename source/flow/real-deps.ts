// The flow's effects on a real host: the one set both faces use (the wizard through
// commands/wizard.tsx, --yes and --dry-run through commands/harden.ts). Tests pass fakes instead.
// The modules that write, restart, roll back and verify load at their first use: the wizard needs
// none of them before its first screen, and a start that skips them shows it sooner.
import {RESTART_TIMEOUT_MS, waitForListener} from '../system/restart.js';
import {hostNameWait} from '../system/host-name.js';
import type {RestartPlan} from '../system/service.js';
import {rehearseFiles} from '../system/rehearsal.js';
import {LISTENER_WAIT_MS, type ApplyFlowDeps} from './apply-flow.js';

export type RealFlowOptions = {
	/** --hostname: the host name sendmail's rehearsal runs under, in both faces. */
	hostName?: string;
	/** --restart-command: the restart to run instead of the detected one. */
	restartCommand?: RestartPlan;
	/** --from: the client address the rehearsal plays. */
	from?: string;
};

const apply = async () => import('../system/apply.js');
const service = async () => import('../system/service.js');

export function realFlowDeps(env: NodeJS.ProcessEnv, options: RealFlowOptions = {}): ApplyFlowDeps & {env: NodeJS.ProcessEnv} {
	return {
		now: () => new Date(),
		env,
		validatePlan: async (plan, validateOptions) => (await apply()).validatePlan(plan, validateOptions),
		rehearse: async (files, answers, rehearseOptions) => rehearseFiles(files, answers, {hostName: options.hostName, from: options.from, ...rehearseOptions}),
		applyPlan: async (plan, applyOptions) => (await apply()).applyPlan(plan, applyOptions),
		findRestartPlan: async () => options.restartCommand ?? (await service()).findRestartPlan({env}),
		runRestart: async (plan, {onOutput, timeoutMs}) => (await service()).runRestart(plan, {timeoutMs, onOutput, env}),
		restartTimeoutMs: RESTART_TIMEOUT_MS,
		hostNameWait: () => hostNameWait(),
		sendmailStartedSince: async (since, cfText) => (await service()).sendmailStartedSince(since, cfText),
		waitForListener: async (host, port, {signal}) => waitForListener(host, port, LISTENER_WAIT_MS, signal),
		verifyServer: async (host, port, answers, verifyOptions) => (await import('../system/verify-server.js')).verifyServer(host, port, answers, verifyOptions),
		rollback: async (set, {force}) => (await import('../system/rollback.js')).rollbackBackupSet(set, {force}),
	};
}
