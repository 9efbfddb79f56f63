import path from 'node:path';
import type {Answers} from '../core/answers.js';
import {planHardening, type FileChange, type Plan} from '../core/plan.js';
import {findReceivedHeaders, receivedVersionLeak} from '../core/received-header.js';
import {fail, ok, type Result} from '../core/result.js';
import {optionValue, parseCf} from '../core/sendmail-cf.js';
import {editMcDefines, MC_SETTING_OPTION, MC_SETTINGS, quoteMcValue, type McSetting} from '../core/sendmail-mc.js';
import {readTextFile} from './config-files.js';
import {buildCfFromMc, findMcFor, rebuildPlan, type RebuildPlan} from './mc-rebuild.js';
import type {Target} from './target.js';

export type MakePlanOptions = {
	/** Edit sendmail.cf even when a sendmail.mc beside it would undo that at its next rebuild. */
	cfOnly?: boolean;
	/** For m4 (PATH) and anything else the rebuild runs. */
	env?: NodeJS.ProcessEnv;
	/** The host name FreeBSD's `$(hostname).mc` is looked up by; the machine's own by default. */
	hostname?: string;
};

// The lines that say when, by whom and in which folder m4 ran: they differ between any two builds.
const BUILD_STAMP = /^##### (built by|in) /;
// Debian's Makefile appends the .mc as comments under this header (see mc-rebuild.ts, mcAsComment).
const MC_TRAILER = /^### \S+\.mc ###$/;

const lines = (text: string) => text.split('\n');

/** The text before an appended copy of the .mc, if the file ends with one (only `#` lines after the header). */
function withoutMcTrailer(text: string): string {
	const all = lines(text);
	let header = all.length - 1;
	while (header >= 0 && !MC_TRAILER.test(all[header]!)) {
		header--;
	}

	if (header === -1 || !all.slice(header + 1).every(line => line === '' || line.startsWith('#'))) {
		return text;
	}

	return all.slice(0, header).map(line => `${line}\n`).join('');
}

const hasMcTrailer = (text: string) => withoutMcTrailer(text) !== text;

/**
 * The rebuilt .cf with the current file's build-stamp lines put back. The stamp is kept, not
 * renewed, so that the Review diff shows only the lines that change, and so that running again
 * with the same answers finds nothing to change instead of rewriting the .cf for a new date.
 * When the two files do not have the same number of stamp lines, the rebuilt ones stay.
 */
function keepBuildStamp(rebuilt: string, current: string): string {
	const currentStamps = lines(current).filter(line => BUILD_STAMP.test(line));
	const rebuiltLines = lines(rebuilt);
	if (rebuiltLines.filter(line => BUILD_STAMP.test(line)).length !== currentStamps.length) {
		return rebuilt;
	}

	let next = 0;
	return rebuiltLines.map(line => (BUILD_STAMP.test(line) ? currentStamps[next++]! : line)).join('\n');
}

/** The first line (1-based) where two configs differ, ignoring the build stamp and an appended .mc; undefined when none. */
function firstDifference(current: string, rebuilt: string): {line: number; text: string} | undefined {
	const mask = (text: string) => lines(withoutMcTrailer(text)).map(line => (BUILD_STAMP.test(line) ? '#####' : line));
	const a = mask(current);
	const b = mask(rebuilt);
	for (let index = 0; index < Math.max(a.length, b.length); index++) {
		if (a[index] !== b[index]) {
			const text = a[index] ?? '(end of file)';
			return {line: index + 1, text: text.length > 60 ? `${text.slice(0, 57)}...` : text};
		}
	}

	return undefined;
}

/** A command line as a shell would show it. */
function showCommand(args: readonly string[]): string {
	return args.map(arg => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", String.raw`'\''`)}'`)).join(' ');
}

/** How the host rebuilds the .cf, to tell the admin: make's own command, or m4 with its output redirected. */
function rebuildCommandOf(rebuild: RebuildPlan): string {
	return rebuild.kind === 'make'
		? showCommand(rebuild.command)
		: `cd ${showCommand([rebuild.cwd])} && ${showCommand(rebuild.command)} > ${showCommand([path.basename(rebuild.cfPath)])}`;
}

const RECEIVED_SETTING = 'Received header';

/**
 * The .mc with a define(`confRECEIVED_HEADER', ...) that gives the header the candidate .cf has
 * (the version taken out, the rest as it was), put before MAILER_DEFINITIONS / the first MAILER().
 */
function receivedHeaderDefine(mcText: string, cfAfter: string): Result<string> {
	const header = findReceivedHeaders(cfAfter).at(-1);
	if (header === undefined) {
		return fail('found no Received header in the new sendmail.cf to put into the .mc;');
	}

	const value = header.lines.map(line => line.replace(/\r$/, '')).join('\n').replace(/^H(?:\?[^?]*\?)?Received:\s*/i, '');
	if (/[`']/.test(value)) {
		return fail('the Received header holds an m4 quote character, so it cannot go into the .mc as it is;');
	}

	const newline = mcText.includes('\r\n') ? '\r\n' : '\n';
	const define = `define(\`confRECEIVED_HEADER', \`${value.replaceAll('\n', newline)}')dnl${newline}`;
	const at = /^(?:MAILER_DEFINITIONS|MAILER\()/m.exec(mcText);
	if (at === null) {
		return ok(`${mcText}${mcText === '' || mcText.endsWith('\n') ? '' : newline}${define}`);
	}

	return ok(mcText.slice(0, at.index) + define + mcText.slice(at.index));
}

const OPTION_SETTING = new Map<string, McSetting>(MC_SETTINGS.map(setting => [MC_SETTING_OPTION[setting], setting]));

const CF_ONLY_HINT = 'To edit sendmail.cf alone, use --cf-only (a rebuild from the .mc would then undo it).';

/** The standing warning for a direct .cf edit while an .mc is there. */
function cfOnlyWarning(cfPath: string, mcPath: string, rebuildCommand: string): string {
	return `${path.basename(cfPath)} is built from ${mcPath}, and this edits the .cf alone: the next rebuild (${rebuildCommand}, Debian's sendmailconfig, FreeBSD's make install) will silently undo it. Edit the .mc instead to keep the change`;
}

/**
 * The plan of edits for these answers on this host: what --dry-run shows, --yes and the wizard write.
 * With a sendmail.mc beside the .cf (and no --cf-only), the .mc's define() lines change and the .cf
 * is rebuilt from it in memory the way the host's own build does, so both files change together.
 */
export async function makePlan(target: Target, answers: Answers, options: MakePlanOptions = {}): Promise<Result<Plan>> {
	const direct = planHardening({cfPath: target.cfPath, cfText: target.cfText, helpFile: target.helpFile, answers});
	if (!direct.ok) {
		return direct;
	}

	const mcPath = await findMcFor(target.cfPath, options.hostname);
	if (mcPath === undefined) {
		return direct;
	}

	const rebuild = await rebuildPlan(mcPath);
	const cfChange = direct.value.files.find(file => file.role === 'cf');
	if (options.cfOnly) {
		const rebuildCommand = rebuild.ok ? rebuildCommandOf(rebuild.value) : `m4 ${path.basename(mcPath)}`;
		const warning = cfOnlyWarning(target.cfPath, mcPath, rebuildCommand);
		return ok({
			...direct.value,
			warnings: cfChange ? [warning, ...direct.value.warnings] : direct.value.warnings,
			source: {kind: 'cf-only', mcPath, rebuildCommand, warning},
		});
	}

	if (cfChange === undefined) {
		// sendmail.cf already has these settings, so neither file needs a rebuild.
		return direct;
	}

	if (!rebuild.ok) {
		return fail(`${rebuild.error} ${CF_ONLY_HINT}`);
	}

	return planThroughMc(target, direct.value, cfChange, rebuild.value, options);
}

/** Why a rebuild from the .mc would lose changes: the .cf is not what the .mc builds today. */
function mcDisagreement(target: Target, rebuild: RebuildPlan, unedited: string): string | undefined {
	const difference = firstDifference(target.cfText, unedited);
	if (difference === undefined) {
		return undefined;
	}

	const cfName = path.basename(target.cfPath);
	return `${cfName} and ${path.basename(rebuild.mcPath)} disagree: ${target.cfPath} is not what ${rebuild.mcPath} builds (line ${difference.line}: "${difference.text}"), so a rebuild would lose those changes; rebuild it first (${rebuildCommandOf(rebuild)}) or use --cf-only to edit ${cfName} alone`;
}

/**
 * Before any answer is given: whether the .cf can be edited through the sendmail.mc beside it, by
 * the same comparison makePlan makes. ok(undefined) when there is no .mc or the two agree; ok(why)
 * when they disagree; fail when the .mc cannot be built here (m4 missing, files not readable).
 */
export async function checkMcAgrees(target: Target, options: MakePlanOptions = {}): Promise<Result<string | undefined>> {
	const mcPath = await findMcFor(target.cfPath, options.hostname);
	if (mcPath === undefined) {
		return ok(undefined);
	}

	const rebuild = await rebuildPlan(mcPath);
	if (!rebuild.ok) {
		return fail(rebuild.error);
	}

	const mcText = await readTextFile(mcPath);
	if (!mcText.ok) {
		return fail(mcText.error);
	}

	const unedited = await buildCfFromMc(mcText.value, mcPath, {plan: rebuild.value, env: options.env});
	return unedited.ok ? ok(mcDisagreement(target, rebuild.value, unedited.value)) : fail(unedited.error);
}

async function planThroughMc(target: Target, direct: Plan, cfChange: FileChange, rebuild: RebuildPlan, options: MakePlanOptions): Promise<Result<Plan>> {
	const {mcPath} = rebuild;
	const cfName = path.basename(target.cfPath);
	const rebuildCommand = rebuildCommandOf(rebuild);
	const mcText = await readTextFile(mcPath);
	if (!mcText.ok) {
		return fail(`${mcText.error}; ${CF_ONLY_HINT}`);
	}

	// Only the options whose value changes get their define touched; the others stay as written.
	const changes: Partial<Record<McSetting, string>> = {};
	for (const change of direct.settings) {
		const setting = OPTION_SETTING.get(change.setting);
		if (setting === undefined) {
			continue;
		}

		const quoted = quoteMcValue(setting, change.to);
		if (!quoted.ok) {
			return fail(`${quoted.error} ${CF_ONLY_HINT}`);
		}

		changes[setting] = change.to;
	}

	const edited = editMcDefines(mcText.value, changes);
	const received = direct.settings.some(change => change.setting === RECEIVED_SETTING) ? receivedHeaderDefine(edited.text, cfChange.after) : undefined;
	if (received !== undefined && !received.ok) {
		return fail(`${received.error} ${CF_ONLY_HINT}`);
	}

	if (received !== undefined) {
		edited.text = received.value;
	}
	const build = async (text: string) => buildCfFromMc(text, mcPath, {plan: rebuild, env: options.env});
	const [unedited, rebuilt] = await Promise.all([build(mcText.value), build(edited.text)]);
	if (!unedited.ok) {
		return fail(`${unedited.error} Nothing was written. ${CF_ONLY_HINT}`);
	}

	if (!rebuilt.ok) {
		return fail(`${rebuilt.error} Nothing was written. ${CF_ONLY_HINT}`);
	}

	// A rebuild replaces the whole .cf: if the .cf is not what the .mc builds today (edited by hand,
	// or the .mc changed and not rebuilt), those differences would be lost without a word.
	const disagreement = mcDisagreement(target, rebuild, unedited.value);
	if (disagreement !== undefined) {
		return fail(disagreement);
	}

	const cfAfter = keepBuildStamp(rebuilt.value, target.cfText);
	if (received !== undefined && receivedVersionLeak(cfAfter) !== undefined) {
		return fail(`the ${cfName} rebuilt from ${mcPath} still has the version in its Received header: something later in the .mc sets confRECEIVED_HEADER; change it there, or use --cf-only to edit ${cfName} alone`);
	}

	const document = parseCf(cfAfter);
	for (const change of direct.settings) {
		if (OPTION_SETTING.has(change.setting) && optionValue(document, change.setting) !== change.to) {
			return fail(
				`the ${cfName} rebuilt from ${mcPath} does not have ${change.setting}=${change.to}: something later in the .mc (a LOCAL_CONFIG line?) sets it; change it there, or use --cf-only to edit ${cfName} alone`,
			);
		}
	}

	const notes = [
		`${cfName} is built from ${mcPath}: a direct edit of the .cf would be lost at the next rebuild (${rebuildCommand}; Debian's sendmailconfig, FreeBSD's make install), so this edits the .mc's define() lines and rebuilds ${cfName} from it`,
		...edited.notes,
	];
	if (hasMcTrailer(target.cfText) && !hasMcTrailer(cfAfter)) {
		notes.push(`the copy of the .mc at the end of ${cfName} is left out: this folder's build (${rebuildCommand}) does not add one`);
	}

	const files: FileChange[] = [{role: 'mc', path: mcPath, before: mcText.value, after: edited.text}];
	if (cfAfter !== target.cfText) {
		files.push({role: 'cf', path: target.cfPath, before: target.cfText, after: cfAfter});
	}

	files.push(...direct.files.filter(file => file !== cfChange));
	const builtLines = lines(withoutMcTrailer(rebuilt.value)).length - 1;
	return ok({
		files,
		settings: direct.settings,
		notes,
		warnings: direct.warnings,
		source: {
			kind: 'mc',
			mcPath,
			rebuildCommand,
			buildCommand: `cd ${showCommand([rebuild.cwd])} && ${showCommand(['m4', ...rebuild.m4Args, path.basename(mcPath)])}${rebuild.appendsMc ? ` (then the .mc appended as comments, as ${rebuildCommand} does)` : ''}`,
			rebuildOutput: `m4 built ${builtLines} lines of ${cfName} with no errors`,
		},
	});
}
