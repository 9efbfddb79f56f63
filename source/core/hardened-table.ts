// The one account of what "hardened" means after a run: audit's checks (core/audit.ts) on the
// files as they now are. `--yes`, `verify` and the wizard's Done screen all end with these rows, so
// none of them can say "done" while audit would find something open. Pure: rows of text, each
// with a tone; the commands print them, the Done screen renders them.
import {auditConfig, type Audit, type AuditExtras} from './audit.js';
import {starttlsFails} from './certificate-audit.js';
import type {HelpFileState, Plan, TlsFileState} from './plan.js';
import {wrapText} from './wrap-text.js';

export type HardenedRow = {text: string; tone?: 'good' | 'bad' | 'dim'};

/**
 * The audit of the files a plan leaves: the new sendmail.cf and help file where the plan changes
 * them, the files as they are otherwise.
 */
export function auditAfter(cfText: string, helpFile: HelpFileState, plan?: Pick<Plan, 'files'>, extras: Pick<AuditExtras, 'starttls'> = {}, dhFile?: TlsFileState): Audit {
	const cf = plan?.files.find(file => file.role === 'cf');
	const help = plan?.files.find(file => file.role === 'helpfile');
	const helpAfter: HelpFileState = help === undefined ? helpFile : {path: help.path, text: help.after};
	// The DH file tlsDhParameters writes, as the plan leaves it (or as it is, where it is there already).
	const dh = plan?.files.find(file => file.role === 'dhparams');
	const dhAfter = dh === undefined ? (dhFile !== undefined && 'text' in dhFile ? dhFile : undefined) : {path: dh.path, text: dh.after};
	return auditConfig(cf?.after ?? cfText, helpAfter, dhAfter === undefined ? extras : {...extras, dhParameters: dhAfter});
}

/** How many of audit's rows are open, in words: the line `--yes` ends with. */
export function hardenedVerdict(audit: Audit): string {
	const open = audit.items.filter(item => !item.hardened).length;
	// A STARTTLS failure (files sendmail cannot use, an expired certificate, a weak key) fails audit too.
	if (open === 0 && audit.starttls !== undefined && starttlsFails(audit.starttls)) {
		return `Not hardened yet: all ${audit.items.length} of audit's settings pass, but STARTTLS fails; audit exits 1.`;
	}

	return open === 0
		? `Hardened: all ${audit.items.length} of audit's checks pass.`
		: `Not hardened yet: ${open} of audit's ${audit.items.length} checks are open; audit exits 1.`;
}

/**
 * The table: the hardened rows on one line, then each open row with what is in force and the
 * answer that closes it, wrapped to `width`. `notSetUp`: also say audit's "STARTTLS is not set up"
 * and how, where the config names no certificate (the Done screen, which has no audit run after it;
 * --yes leaves that to audit).
 */
export function hardenedRows(audit: Audit, width = 78, {notSetUp = false}: {notSetUp?: boolean} = {}): HardenedRow[] {
	const hardened = audit.items.filter(item => item.hardened);
	const open = audit.items.filter(item => !item.hardened);
	const rows: HardenedRow[] = [];
	const add = (text: string, tone: HardenedRow['tone'], indent = '') => {
		for (const line of wrapText(text, width, indent)) {
			rows.push({text: line, tone});
		}
	};

	add(hardenedVerdict(audit), open.length === 0 ? 'good' : 'bad');
	if (hardened.length > 0) {
		add(`✔ hardened: ${hardened.map(item => item.setting).join(', ')}`, 'good', '  ');
	}

	for (const item of open) {
		add(`✘ still open: ${item.setting}: ${item.value}`, 'bad', '  ');
		add(item.answer === undefined ? `fix by hand: ${item.advice}` : `closed by the answer ${item.answer}`, 'dim', '      ');
	}

	// The certificate's findings where STARTTLS is set up: no answer closes them, the admin does.
	for (const finding of audit.starttls?.setUp === true || notSetUp ? audit.starttls?.findings ?? [] : []) {
		if (finding.level === 'warn' || finding.level === 'fail') {
			add(`${finding.level === 'fail' ? '✘' : '!'} STARTTLS ${finding.name}: ${finding.text}`, 'bad', '  ');
			add(`fix by hand: ${finding.advice}`, 'dim', '      ');
		}
	}

	return rows;
}

/** The table as text lines for a terminal or a pipe. */
export function hardenedText(audit: Audit, width = 78): string {
	return hardenedRows(audit, width).map(row => `${row.text}\n`).join('');
}
