import {auditConfig, auditFromOptionsSet, auditFromReplies, auditRehearsalAnswers} from '../core/audit.js';
import {starttlsFails, type FindingLevel} from '../core/certificate-audit.js';
import {safeJson} from '../core/sanitize.js';
import {listBackupSets} from '../system/backup-sets.js';
import {wrapText} from '../core/wrap-text.js';
import {cfSourceReport} from '../core/sendmail-layouts.js';
import {checkHostName, hostNameWarning} from '../system/host-name.js';
import {findMcSource} from '../system/mc-rebuild.js';
import {rehearseFiles, type RehearsalReport} from '../system/rehearsal.js';
import {readAuditExtras} from '../system/audit-extras.js';
import {findSendmail, sendmailFfrDefines, sendmailOptionsSet} from '../system/sendmail.js';
import {loadTarget, removeDemoCopy} from '../system/target.js';
import {complaintWarnings, rehearsalVantage} from './verify.js';
import {EXIT, type CommandIo} from './command-io.js';

// At a terminal a row fits its width (mark, setting name, then the value); a pipe or file gets values whole.
const fit = (text: string, width: number | undefined) => (width === undefined || text.length <= width ? text : `${text.slice(0, Math.max(width - 1, 1))}…`);

/** A countdown on stderr while sendmail sleeps on an unqualified host name, every 10 s. */
export function hostNameCountdown(io: CommandIo): (secondsLeft: number) => void {
	let said = false;
	return secondsLeft => {
		// The first second is said whatever it is, then every tenth.
		if (!said || secondsLeft % 10 === 0) {
			said = true;
			io.err(`sendmail-harden: sendmail waits for its host name to resolve: ${secondsLeft} s left\n`);
		}
	};
}

/** The sendmail version the .cf was built for (its DZ line, $Z), or null. */
export function configVersion(cfText: string): string | null {
	return /^DZ(\S+)/m.exec(cfText)?.[1] ?? null;
}

/** The newest change not rolled back: its backup set (what `rollback --set` takes) and when. */
async function lastChange(cfPath: string): Promise<{id: string; savedAt: string} | null> {
	const sets = await listBackupSets(cfPath);
	const newest = sets.ok ? sets.value.filter(set => set.rolledBackAt === undefined).at(-1) : undefined;
	return newest === undefined ? null : {id: newest.id, savedAt: newest.savedAt};
}

/** How a STARTTLS finding is marked: nothing to do, worth knowing, not hardened, broken. */
const FINDING_MARK: Record<FindingLevel, string> = {ok: '✔', note: '•', warn: '!', fail: '✘'};

/** The rehearsal's findings no setting's row holds: what an outsider may relay, and which accounts it can confirm. */
const OUTSIDER_FINDINGS = new Set(['relaying', 'account harvest']);

/**
 * `sendmail-harden audit`: each setting, its value, and whether it is hardened. When sendmail is
 * installed, the current config is rehearsed (`sendmail -C COPY -bs`) and what a client sees is
 * judged from sendmail's replies; the rest from the file.
 */
export async function runAudit(flags: {config?: string; demo?: boolean; json?: boolean; from?: string}, io: CommandIo): Promise<number> {
	const target = await loadTarget(flags.config, flags.demo ? null : undefined);
	if (!target.ok) {
		io.err(`sendmail-harden: ${target.error}\n`);
		return EXIT.badInput;
	}

	const {cfPath, cfText, helpFile, demo} = target.value;
	// The limits no SMTP exchange shows are judged from sendmail itself: which compile-time options
	// it has (BadRcptShutdown needs one) and, below, which values it takes from the file.
	const program = findSendmail(io.env);
	const built = program === undefined ? undefined : await sendmailFfrDefines(program, {onHostNameWait: hostNameCountdown(io)});
	const builtWith = built?.ok ? built.value : undefined;
	const extras = await readAuditExtras(cfText);
	const fromFile = auditConfig(cfText, helpFile, {...extras, ...(builtWith === undefined ? {} : {builtWith})});
	// STARTTLS is judged beside the settings: no answer sets it up, so it never reads as hardened
	// when it is missing; a failure (files sendmail cannot use, an expired certificate, a weak key) fails audit.
	const starttls = extras.starttls!;
	const tlsFails = starttlsFails(starttls);
	// Where the .cf comes from on this system's layout: an edit must go to the .mc a rebuild uses.
	const source = demo ? {kind: 'cf' as const} : cfSourceReport(cfPath, cfText, await findMcSource(cfPath));
	const helpFileText = helpFile !== undefined && !('missing' in helpFile) ? helpFile.text : undefined;
	const rehearsed = await rehearseFiles({cfText, helpFileText}, auditRehearsalAnswers(cfText), {
		env: io.env,
		onHostNameWait: hostNameCountdown(io),
		from: flags.from,
	});
	await removeDemoCopy(target.value);
	let rehearsal: RehearsalReport | {status: 'failed'; error: string};
	if (rehearsed.ok) {
		rehearsal = rehearsed.value;
	} else {
		rehearsal = {status: 'failed', error: rehearsed.error};
	}

	const replied = rehearsal.status === 'ran' ? auditFromReplies(fromFile, rehearsal.checks) : fromFile;
	// The limits no SMTP exchange shows: whether sendmail takes them, from its own setoption calls.
	const optionsSet = program === undefined ? undefined : await sendmailOptionsSet(program, cfText, {onHostNameWait: hostNameCountdown(io)});
	const audit = optionsSet?.ok ? auditFromOptionsSet(replied, optionsSet.value, builtWith) : replied;
	const hostName = checkHostName();
	const hostWarning = hostNameWarning(hostName);
	if (flags.json) {
		io.out(safeJson({
			config: cfPath,
			demo,
			hardened: audit.hardened,
			source,
			settings: audit.items,
			starttls,
			rehearsal,
			hostName: {name: hostName.name, qualified: hostName.qualifiedAs !== undefined, warning: hostWarning ?? null},
			// For `sendmail-harden report` over a fleet: which sendmail, and the change a rollback would undo.
			sendmailVersion: configVersion(cfText),
			lastChange: demo ? null : await lastChange(cfPath),
		}, 2) + '\n');
		return audit.hardened && !tlsFails ? EXIT.done : EXIT.notHardened;
	}

	if (demo) {
		io.out(`Demo mode: a copy of the bundled sample, removed when done.\n`);
	}

	io.out(`${cfPath}\n`);
	if (source.kind === 'mc') {
		io.out(`built from ${source.mcPath} (${source.layout}; rebuild: ${source.rebuild})\n`);
		for (const line of wrapText(source.note ?? '', 78, '    ')) {
			io.out(`${line}\n`);
		}
	} else if (source.warning !== undefined) {
		for (const line of wrapText(`! ${source.warning}`, 78, '  ')) {
			io.out(`${line}\n`);
		}
	}

	const about = rehearsal.status === 'ran'
		? `Verdicts marked (sendmail) come from the installed sendmail's own replies to a private copy of this config (sendmail -C COPY -bs${rehearsal.hostName?.private ? `, with the host name ${rehearsal.hostName.name} in a private namespace` : ''}), ${rehearsalVantage(rehearsal)};${optionsSet?.ok ? ' for limits no reply shows, from the options it sets as it reads the copy (-bt -d37.1);' : ''} the others from the file.`
		: rehearsal.status === 'skipped'
			? `Every verdict comes from the file: ${rehearsal.reason}.`
			: `Every verdict comes from the file: sendmail could not be asked (${rehearsal.error}).`;
	for (const line of wrapText(about, 78, '')) {
		io.out(`${line}\n`);
	}

	if (rehearsal.status === 'ran') {
		for (const warning of complaintWarnings(rehearsal.complaints)) {
			io.err(warning);
		}
	}

	if (hostWarning !== undefined) {
		for (const line of wrapText(hostWarning, 78, '')) {
			io.out(`${line}\n`);
		}
	}

	io.out('\n');
	const valueWidth = io.columns === undefined ? undefined : Math.max(io.columns - 2 - 25, 10);
	const replyWidth = io.columns === undefined ? undefined : Math.max(io.columns - 2 - 15, 10);
	for (const item of audit.items) {
		io.out(`${item.hardened ? '✔' : '✘'} ${item.setting.padEnd(24)} ${fit(item.value, valueWidth)}\n`);
		if (item.from === 'sendmail' && item.reply !== undefined) {
			io.out(`    (sendmail) ${fit(`"${item.reply}"`, replyWidth)}\n`);
		}

		for (const line of wrapText(item.advice, 78, '    ')) {
			io.out(`${line}\n`);
		}

		for (const line of wrapText(item.note === undefined ? '' : `! ${item.note}`, 78, '    ')) {
			io.out(`${line}\n`);
		}
	}

	io.out(`\nSTARTTLS${starttls.certificate === undefined ? '' : ` (ServerCertFile ${starttls.certificate})`}:\n`);
	for (const finding of starttls.findings) {
		for (const [index, line] of wrapText(`${finding.name}: ${finding.text}`, 74, '').entries()) {
			io.out(`${index === 0 ? `  ${FINDING_MARK[finding.level]} ` : '    '}${line}\n`);
		}

		for (const line of wrapText(finding.advice, 78, '      ')) {
			io.out(`${line}\n`);
		}
	}

	// What no setting's verdict holds but an outside client meets: relaying, the account harvest
	// (the count nmap's smtp-enum-users finds too), the checks the config's answers do not decide.
	const findings = rehearsal.status === 'ran' ? rehearsal.checks.filter(check => OUTSIDER_FINDINGS.has(check.name)) : [];
	if (rehearsal.status === 'ran' && findings.length > 0) {
		io.out(`\nWhat an outside client finds (the rehearsal, ${rehearsalVantage(rehearsal)}):\n`);
		for (const check of findings) {
			for (const [index, line] of wrapText(`${check.name}: ${check.expected}`, 74, '').entries()) {
				io.out(`${index === 0 ? '  • ' : '    '}${line}\n`);
			}
		}
	}

	const weak = audit.items.filter(item => !item.hardened).length;
	if (tlsFails) {
		io.out('\nSTARTTLS fails (see above): audit exits 1 until it is fixed by hand.\n');
	}

	io.out(weak === 0 ? '\nHardened.\n' : `\n${weak} of ${audit.items.length} settings are not hardened; run sendmail-harden to fix them.\n`);
	return audit.hardened && !tlsFails ? EXIT.done : EXIT.notHardened;
}
