import {auditConfig} from '../core/audit.js';
import {wrapText} from '../core/wrap-text.js';
import {loadTarget, removeDemoCopy} from '../system/target.js';
import {EXIT, type CommandIo} from './command-io.js';

// At a terminal a row fits its width (mark, setting name, then the value); a pipe or file gets values whole.
const fit = (text: string, width: number | undefined) => (width === undefined || text.length <= width ? text : `${text.slice(0, Math.max(width - 1, 1))}…`);

/** `sendmail-harden audit`: each setting, its value, and whether it is hardened. */
export async function runAudit(flags: {config?: string; demo?: boolean; json?: boolean}, io: CommandIo): Promise<number> {
	const target = await loadTarget(flags.config, flags.demo ? null : undefined);
	if (!target.ok) {
		io.err(`sendmail-harden: ${target.error}\n`);
		return EXIT.badInput;
	}

	const {cfPath, cfText, helpFile, demo} = target.value;
	const audit = auditConfig(cfText, helpFile);
	await removeDemoCopy(target.value);
	if (flags.json) {
		io.out(JSON.stringify({config: cfPath, demo, hardened: audit.hardened, settings: audit.items}, undefined, 2) + '\n');
	} else {
		if (demo) {
			io.out(`Demo mode: a copy of the bundled sample, removed when done.\n`);
		}

		io.out(`${cfPath}\n\n`);
		const valueWidth = io.columns === undefined ? undefined : Math.max(io.columns - 2 - 25, 10);
		for (const item of audit.items) {
			io.out(`${item.hardened ? '✔' : '✘'} ${item.setting.padEnd(24)} ${fit(item.value, valueWidth)}\n`);
			for (const line of wrapText(item.advice, 78, '    ')) {
				io.out(`${line}\n`);
			}
		}

		const weak = audit.items.filter(item => !item.hardened).length;
		io.out(weak === 0 ? '\nHardened.\n' : `\n${weak} of ${audit.items.length} settings are not hardened; run sendmail-harden to fix them.\n`);
	}

	return audit.hardened ? EXIT.done : EXIT.notHardened;
}
