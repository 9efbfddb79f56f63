// The one JSON document `--json` prints (readme "Machine-readable output"): the same top-level keys
// for harden, dry-run, rollback and verify, so configuration management parses one shape.
import {unifiedDiff} from '../core/diff.js';
import {safeTerminalText} from '../core/sanitize.js';
import type {FileRole, Plan} from '../core/plan.js';
import type {Check} from '../core/verify-checks.js';
import type {BackupSet} from '../system/backup-sets.js';
import {EXIT_OF, type ApplyFlowResult, type FlowMeaning} from './apply-flow.js';
import {addressText} from '../core/address.js';

export type JsonDocument = {
	command: 'harden' | 'dry-run' | 'rollback' | 'verify';
	config: string;
	/** harden/rollback: a byte changed on disk; dry-run: would change; verify: false. */
	changed: boolean;
	exitCode: 0 | 1 | 2 | 3;
	meaning: FlowMeaning;
	error: string | null;
	settings: Array<{setting: string; before: string | null; after: string}>;
	/** Unified diff of every changed file (.mc first); '' when none. */
	diff: string;
	files: Array<{role: FileRole; path: string}>;
	notes: string[];
	warnings: string[];
	rehearsal: null | {status: 'ran'; agrees: boolean; checks: Check[]} | {status: 'skipped'; reason: string};
	backup: null | {id: string; files: Array<{path: string; backup: string | null}>};
	restart: null | {attempted: boolean; ok: boolean; command: string; output: string; rolledBack: boolean};
	verify: null | {address: string; passed: boolean; checks: Check[]};
};

/** A document with nothing in it yet: for a failure before any plan (bad flags, unreadable file). */
export function emptyDocument(command: JsonDocument['command'], config: string): JsonDocument {
	return {
		command,
		config,
		changed: false,
		exitCode: 0,
		meaning: 'done',
		error: null,
		settings: [],
		diff: '',
		files: [],
		notes: [],
		warnings: [],
		rehearsal: null,
		backup: null,
		restart: null,
		verify: null,
	};
}

/** The failure fields, set together. */
export function withFailure(document: JsonDocument, meaning: FlowMeaning, error: string): JsonDocument {
	return {...document, exitCode: EXIT_OF[meaning], meaning, error};
}

/** What the plan says, before anything runs. The .mc's diff comes first, then the .cf it rebuilds. */
export function planDocument(command: 'harden' | 'dry-run', config: string, plan: Plan, extraNotes: string[] = []): JsonDocument {
	const files = [...plan.files].sort((a, b) => Number(b.role === 'mc') - Number(a.role === 'mc'));
	return {
		...emptyDocument(command, config),
		changed: command === 'dry-run' && plan.files.length > 0,
		settings: plan.settings.map(change => ({setting: change.setting, before: change.from ?? null, after: change.to})),
		// As --dry-run prints it: a control byte in the config (ESC, BEL on a dnl line) made visible, so
		// a tool that shows the diff as it is (Ansible's --diff) cannot hand it to a terminal raw.
		diff: safeTerminalText(files.map(file => unifiedDiff(file)).join('')),
		files: files.map(file => ({role: file.role, path: file.path})),
		notes: [...extraNotes, ...plan.notes],
		warnings: plan.warnings,
	};
}

function backupOf(set: BackupSet): NonNullable<JsonDocument['backup']> {
	return {id: set.id, files: set.files.map(file => ({path: file.path, backup: file.backup}))};
}

/** The plan's document filled in with how the flow went. */
export function flowDocument(document: JsonDocument, result: ApplyFlowResult): JsonDocument {
	const {rehearsal, applied, restart, verify, address} = result;
	const filled: JsonDocument = {
		...document,
		changed: result.changed,
		exitCode: result.exitCode,
		meaning: result.meaning,
		error: result.error ?? null,
		// agrees: no check the answers decide failed (a version left in the banner by answers that keep the greeting does not count).
		rehearsal: rehearsal === undefined ? null : rehearsal.status === 'ran' ? {status: 'ran', agrees: result.rehearsalAgrees ?? rehearsal.agrees, checks: rehearsal.checks} : {status: 'skipped', reason: rehearsal.reason},
		backup: applied === undefined ? null : backupOf(applied.backup),
		// Not restarted: which command would have, so a handler can run it.
		restart: restart ?? (result.restartPlan === undefined ? null : {attempted: false, ok: false, command: result.restartPlan.label, output: '', rolledBack: false}),
		verify: verify === undefined ? null : {address: addressText(address), ...verify},
	};
	if (result.rollback !== undefined) {
		filled.notes = [...filled.notes, `rollback: ${result.rollback.message}`];
	}

	if (result.manualRestart !== undefined) {
		filled.notes = [...filled.notes, result.manualRestart];
	}

	return filled;
}
