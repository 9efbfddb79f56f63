import {auditConfig} from '../core/audit.js';
import {safeJson} from '../core/sanitize.js';
import {wrapText} from '../core/wrap-text.js';
import {loadTarget} from '../system/target.js';
import {EXIT, type CommandIo} from './command-io.js';

// Rows fit an 80-column terminal: mark, setting name, then the value.
const VALUE_WIDTH = 80 - 2 - 25;
const fit = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

/** `sendmail-harden audit`: each setting, its value, and whether it is hardened. */
export async function runAudit(flags: {config?: string; demo?: boolean; json?: boolean}, io: CommandIo): Promise<number> {
	const target = await loadTarget(flags.config, flags.demo ? null : undefined);
	if (!target.ok) {
		io.err(`sendmail-harden: ${target.error}\n`);
		return EXIT.badInput;
	}

	const {cfPath, cfText, helpFile, demo} = target.value;
	const audit = auditConfig(cfText, helpFile);
	if (flags.json) {
		io.out(safeJson({config: cfPath, demo, hardened: audit.hardened, settings: audit.items}, 2) + '\n');
	} else {
		if (demo) {
			io.out(`Demo mode: no /etc/mail/sendmail.cf here, so this is a copy of the bundled sample.\n`);
		}

		io.out(`${cfPath}\n\n`);
		for (const item of audit.items) {
			io.out(`${item.hardened ? '✔' : '✘'} ${item.setting.padEnd(24)} ${fit(item.value, VALUE_WIDTH)}\n`);
			for (const line of wrapText(item.advice, 78, '    ')) {
				io.out(`${line}\n`);
			}
		}

		const weak = audit.items.filter(item => !item.hardened).length;
		io.out(weak === 0 ? '\nHardened.\n' : `\n${weak} of ${audit.items.length} settings are not hardened; run sendmail-harden to fix them.\n`);
	}

	return audit.hardened ? EXIT.done : EXIT.notHardened;
}
