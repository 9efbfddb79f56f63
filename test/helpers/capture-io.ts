import type {CommandIo} from '../../source/commands/command-io.js';
import {sendmailWrapper} from './sendmail.js';
import './state-dir.js';

export type CapturedIo = CommandIo & {stdout: string; stderr: string};

/** A CommandIo that keeps what a command prints, for in-process command tests. */
export function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
	const io: CapturedIo = {
		stdout: '',
		stderr: '',
		out(text) {
			io.stdout += text;
		},
		err(text) {
			io.stderr += text;
		},
		env,
	};
	return io;
}

/** The same, with sendmail's config check run in its own UTS namespace (no 60 s wait). */
export function captureIoWithSendmail(env: NodeJS.ProcessEnv = {}): CapturedIo {
	return captureIo({...process.env, SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper, ...env});
}
