import path from 'node:path';
import {diffArrays} from 'diff';
import type {Answers} from '../core/answers.js';
import {GREET_PAUSE_SETTING, planHardening, type FileChange, type Plan} from '../core/plan.js';
import {ACCESS_FEATURE, cfLooksUp, greetPauseFallback, setGreetPauseFeature, type AccessTag} from '../core/access-map.js';

/** Each access map tag with the FEATURE that reads it. */
const ACCESS_TAGS_OF_FEATURE = Object.entries(ACCESS_FEATURE) as Array<[AccessTag, string]>;

/**
 * The .mc with a FEATURE line added before MAILER_DEFINITIONS / the first MAILER() (FEATUREs must
 * come before the mailers), with a note saying so.
 */
function addMcFeature(mcText: string, line: string, notes: string[]): string {
	const newline = mcText.includes('\r\n') ? '\r\n' : '\n';
	const at = /^(?:MAILER_DEFINITIONS|MAILER\()/m.exec(mcText);
	notes.push(`${line.replace(/dnl$/, '')} is added to the .mc${at === null ? ' at its end' : ' before its mailers'}: the config did not have it`);
	return at === null
		? `${mcText}${mcText === '' || mcText.endsWith('\n') ? '' : newline}${line}${newline}`
		: mcText.slice(0, at.index) + line + newline + mcText.slice(at.index);
}
import {findReceivedHeaders, receivedVersionLeak} from '../core/received-header.js';
import {fail, ok, type Result} from '../core/result.js';
import {ACCUMULATING_OPTIONS, findOption, ignoredBySendmail, optionValue, parseCf, privacyOptionsValue, valueAsRead, type CfDocument} from '../core/sendmail-cf.js';
import {LAYOUTS, missingMcWarning} from '../core/sendmail-layouts.js';
import {parsePrivacyOptionsValue} from '../core/privacy-flags.js';
import {editMcDefines, editMcLocalOptions, MC_SETTING_OPTION, MC_SETTINGS, quoteMcValue, type McSetting} from '../core/sendmail-mc.js';
import {readTextFile} from './read-files.js';
import {withAccessDb} from './access-map.js';
import {buildCfFromMc, findMcSource, rebuildPlan, type RebuildPlan} from './mc-rebuild.js';
import type {Target} from './target.js';
import {checkHostName, configHostName} from './host-name.js';
import {findSendmail, sendmailFfrDefines} from './sendmail.js';
import {COMPILED_IN_SETTINGS, OPTION_SETTINGS, SETTING} from '../settings/registry.js';
import {cfDaemons, listenOf, reachOf, setMcListen, type ListenChoice} from '../core/daemon-addresses.js';
import {checkMailHub, mailHubRefusal, mailHubUnknown, type MailHubFinding, type MailHubOptions} from './mail-hub.js';

export type MakePlanOptions = {
	/** Edit sendmail.cf even when a sendmail.mc beside it would undo that at its next rebuild. */
	cfOnly?: boolean;
	/** For m4 (PATH) and anything else the rebuild runs. */
	env?: NodeJS.ProcessEnv;
	/** The host name FreeBSD's `$(hostname).mc` is looked up by; the machine's own by default. */
	hostname?: string;
	/** FreeBSD's make.conf (SENDMAIL_MC, SENDMAIL_CF_DIR); /etc/make.conf by default. */
	makeConfPath?: string;
	/**
	 * The host's own name for the MX check of listen "local" (--hostname); by default the config's
	 * $j, else the name the system qualifies.
	 */
	mailHostName?: string;
	/** How the MX check is made (system/mail-hub.ts checkMailHub by default). */
	checkMailHub?: (options: MailHubOptions) => Promise<MailHubFinding>;
};

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


/** The length of the leading run of comment and blank lines: the header with m4's build stamp. */
function headerLength(all: string[]): number {
	let index = 0;
	while (index < all.length && ignoredBySendmail(all[index]!)) {
		index++;
	}

	return index;
}

/**
 * The rebuilt .cf with the current file's header comments (the `##### built by / in / using`
 * stamp, or none where the RPM stripped it) in place of the new build's. Kept, not renewed, so
 * that the Review diff shows only the lines that change, and so that running again with the same
 * answers finds nothing to change instead of rewriting the .cf for a new date.
 */
function keepHeader(rebuilt: string, current: string): string {
	const rebuiltLines = lines(rebuilt);
	const currentLines = lines(current);
	return [...currentLines.slice(0, headerLength(currentLines)), ...rebuiltLines.slice(headerLength(rebuiltLines))].join('\n');
}

/** The lines sendmail reads (no comments, no blank lines), with their 1-based line numbers. */
function readLines(text: string): Array<{line: number; text: string}> {
	return lines(text)
		.map((line, index) => ({line: index + 1, text: line.replace(/\r$/, '')}))
		.filter(line => !ignoredBySendmail(line.text));
}

const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

const flagsOf = (value: string | undefined) => {
	const {flags, unknown} = parsePrivacyOptionsValue(value ?? '');
	return [...new Set([...flags.filter(flag => flag !== 'public'), ...unknown.map(word => word.toLowerCase())])].sort().join(',');
};

/** A line sendmail reads in the .cf that the build from the .mc does not have (a hand edit, or an .mc changed since). */
export type CfOnlyLine = {
	/** 1-based, in the current .cf. */
	line: number;
	text: string;
	/** The option the line sets, as the .cf names it; undefined for other lines (rules, macros). */
	option?: string;
	/** The build's line for that option (the one it has instead, else where it sets it); undefined when the build does not set it. */
	built?: string;
};

/** How the current .cf and what its .mc builds differ, in what sendmail reads. */
export type McDisagreement = {
	/** One line for stderr: both files, what differs, and the ways on (--cf-only among them). */
	message: string;
	/** The .cf's lines the build lacks, in file order. */
	cfLines: CfOnlyLine[];
	/** How many lines the build has that the .cf lacks, besides those paired with a cfLines option. */
	builtOnly: number;
	/** How the host rebuilds the .cf from the .mc. */
	rebuildCommand: string;
};

/** The name an `O` line sets, as written in the file (`O Timeout.ident=5s` → Timeout.ident). */
function optionNameOf(text: string): string | undefined {
	return /^O\s+([A-Za-z][\w.]*)\s*=/.exec(text)?.[1];
}

// A hand edit is a few lines; past this many, the lines are not worth pairing one by one.
const MAX_DIFFERENCE = 400;

/**
 * The lines sendmail reads in `current` that `rebuilt` lacks (each with the option it sets and the
 * build's line for that option), and how many of the build's lines the .cf lacks besides those:
 * comment lines such as the build stamp, blank lines and Debian's appended .mc left out.
 * undefined when the two agree.
 */
function readDifference(current: string, rebuilt: string): {cfLines: CfOnlyLine[]; builtOnly: number} | undefined {
	const a = readLines(current);
	const b = readLines(rebuilt);
	if (a.length === b.length && a.every((line, index) => line.text === b[index]!.text)) {
		return undefined;
	}

	const changes = diffArrays(a.map(line => line.text), b.map(line => line.text), {maxEditLength: MAX_DIFFERENCE});
	const cfLines: CfOnlyLine[] = [];
	const builtLines: string[] = [];
	if (changes === undefined) {
		// Too different to pair: the first line of the .cf that differs is still worth naming.
		const first = a.find((line, index) => line.text !== b[index]?.text);
		return first === undefined
			? {cfLines, builtOnly: b.length - a.length}
			: {cfLines: [{line: first.line, text: first.text, option: optionNameOf(first.text)}], builtOnly: Math.max(b.length - a.length, 0)};
	}

	let index = 0;
	for (const change of changes) {
		if (change.removed) {
			for (const text of change.value) {
				cfLines.push({line: a[index]!.line, text, option: optionNameOf(text)});
				index++;
			}
		} else if (change.added) {
			builtLines.push(...change.value);
		} else {
			index += change.count ?? change.value.length;
		}
	}

	let builtOnly = builtLines.length;
	const sameOption = (line: CfOnlyLine) => (text: string) => optionNameOf(text)?.toLowerCase() === line.option!.toLowerCase();
	for (const line of cfLines.filter(each => each.option !== undefined)) {
		// The build's line in its place (the same option, another value), else the one it has elsewhere.
		const at = builtLines.findIndex(sameOption(line));
		if (at === -1) {
			line.built = b.find(each => sameOption(line)(each.text))?.text;
		} else {
			line.built = builtLines.splice(at, 1)[0];
			builtOnly--;
		}
	}

	return {cfLines, builtOnly};
}

/** One .cf-only line as said in a message: `line 410 "O MaxDaemonChildren=12" (the .mc builds "O MaxDaemonChildren=0")`. */
function describeCfOnlyLine(line: CfOnlyLine): string {
	const built = line.built === undefined ? (line.option === undefined ? '' : ` (the .mc does not set ${line.option})`) : ` (the .mc builds "${clip(line.built)}")`;
	return `line ${line.line} "${clip(line.text)}"${built}`;
}

/** A command line as a shell would show it. */
function showCommand(args: readonly string[]): string {
	return args.map(arg => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", String.raw`'\''`)}'`)).join(' ');
}

/** How the host rebuilds the .cf, to tell the admin: the layout's own way, make's command, or m4 with its output redirected. */
function rebuildCommandOf(rebuild: RebuildPlan): string {
	if (rebuild.install !== undefined) {
		return rebuild.install;
	}

	return rebuild.kind === 'make'
		? showCommand(rebuild.command)
		: `cd ${showCommand([rebuild.cwd])} && ${showCommand(rebuild.command)} > ${showCommand([path.basename(rebuild.cfPath)])}`;
}

const OPTION_NAME = {privacy: 'PrivacyOptions'} as const;

/** Whether sendmail, reading `document`, ends up with `name` set to `value` (PrivacyOptions: all its lines together). */
function takesEffect(document: CfDocument, name: string, value: string): boolean {
	return ACCUMULATING_OPTIONS.has(name)
		? flagsOf(privacyOptionsValue(document)) === flagsOf(value)
		: valueAsRead(optionValue(document, name) ?? '') === value;
}

/** The .mc with each of `cfLines` (copied verbatim by m4, as LOCAL_CONFIG lines are) commented out; undefined when one is not in the .mc. */
function commentOutMcLines(mcText: string, cfLines: string[]): {text: string; note: string} | undefined {
	const mcLines = mcText.split('\n');
	const numbers: number[] = [];
	for (const wanted of cfLines) {
		const index = mcLines.findIndex((line, at) => line.replace(/\r$/, '') === wanted && !numbers.includes(at + 1));
		if (index === -1) {
			return undefined;
		}

		numbers.push(index + 1);
		mcLines[index] = `#${mcLines[index]}`;
	}

	return {
		text: mcLines.join('\n'),
		note: `PrivacyOptions is also set on line${numbers.length === 1 ? '' : 's'} ${numbers.join(', ')} of the .mc, copied into the .cf as is; sendmail adds every PrivacyOptions line up, so ${numbers.length === 1 ? 'it is' : 'they are'} commented out ("#" in front) and confPRIVACY_FLAGS holds the whole set`,
	};
}

const RECEIVED_SETTING = SETTING.hideReceivedVersion.change;

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

/** The options written as LOCAL_CONFIG lines in the .mc: those with no define in cf/m4. */
const LOCAL_OPTIONS = new Set<string>(OPTION_SETTINGS.filter(setting => setting.mcDefine === null).map(setting => setting.option));

const CF_ONLY_HINT = 'To edit sendmail.cf alone, use --cf-only (a rebuild from the .mc would then undo it).';

/** The standing warning for a direct .cf edit while an .mc is there. */
function cfOnlyWarning(cfPath: string, mcPath: string, rebuildCommand: string): string {
	return `${path.basename(cfPath)} is built from ${mcPath}, and this edits the .cf alone: the next rebuild (${rebuildCommand}, Debian's sendmailconfig, FreeBSD's make install) will silently undo it. Edit the .mc instead to keep the change`;
}

/**
 * Why answers that set an option sendmail has only with a compile-time define (registry
 * `requires`, e.g. BadRcptShutdown and _FFR_BADRCPT_SHUTDOWN) cannot be written here: the
 * installed sendmail was not built with it, or cannot say. Undefined when they can (or no such
 * option is answered, or sendmail is not installed: the config check then says it was not checked).
 */
async function missingCompileTimeOptions(target: Target, answers: Answers, options: MakePlanOptions): Promise<string | undefined> {
	const asked = COMPILED_IN_SETTINGS.filter(setting => answers[setting.key] !== undefined && answers[setting.key] !== null);
	const program = findSendmail(options.env);
	if (asked.length === 0 || program === undefined) {
		return undefined;
	}

	const defines = await sendmailFfrDefines(program, {hostName: options.hostname ?? configHostName(target.cfText)});
	const lacking = asked.filter(setting => !defines.ok || !defines.value.has(setting.requires));
	if (lacking.length === 0) {
		return undefined;
	}

	const names = lacking.map(setting => setting.option).join(' and ');
	return defines.ok
		? `${names} exist only in a sendmail built with ${lacking[0]!.requires}, and ${program} was not ("${path.basename(program)} -d0.13 -bt" does not list it); leave ${lacking.map(setting => setting.key).join(' and ')} out of the answers; nothing was written`
		: `${names} need a sendmail built with ${lacking[0]!.requires}, and ${defines.error}; nothing was written`;
}

/** The MX check of listen "local", for the host's own name. */
export async function mailHubFinding(target: Pick<Target, 'cfText'>, options: Pick<MakePlanOptions, 'mailHostName' | 'checkMailHub'> = {}): Promise<MailHubFinding> {
	const hostName = options.mailHostName ?? configHostName(target.cfText) ?? checkHostName().qualifiedAs;
	return (options.checkMailHub ?? checkMailHub)({hostName});
}

/**
 * The plan of edits for these answers on this host: what --dry-run shows, --yes and the wizard write.
 * With a sendmail.mc beside the .cf (and no --cf-only), the .mc's define() lines change and the .cf
 * is rebuilt from it in memory the way the host's own build does, so both files change together.
 */
export async function makePlan(target: Target, answers: Answers, options: MakePlanOptions = {}): Promise<Result<Plan>> {
	const plan = await planFiles(target, answers, options);
	// The access map's .db is built last, from the source text the plan ends with.
	return plan.ok ? withAccessDb(plan.value, target.cfText, options.env) : plan;
}

async function planFiles(target: Target, answers: Answers, options: MakePlanOptions): Promise<Result<Plan>> {
	const source = await findMcSource(target.cfPath, options.hostname, {makeConfPath: options.makeConfPath});
	// Where the .mc is edited, a FEATURE the answers need goes into it (planThroughMc).
	const direct = planHardening({cfPath: target.cfPath, cfText: target.cfText, helpFile: target.helpFile, access: target.access, dhFile: target.dhFile, answers, addFeatures: source.found && options.cfOnly !== true});
	if (!direct.ok) {
		return direct;
	}

	const missing = await missingCompileTimeOptions(target, answers, options);
	if (missing !== undefined) {
		return fail(missing);
	}

	// A mail hub must keep listening for other machines: "local" is refused where this host is its
	// domain's MX; where that cannot be told, the admin is told so (settings/registry.ts, listen).
	if (answers.listen === 'local') {
		const finding = await mailHubFinding(target, options);
		if (finding.kind === 'hub') {
			return fail(mailHubRefusal(finding));
		}

		if (finding.kind === 'unknown') {
			direct.value.warnings.push(mailHubUnknown(finding));
		}
	}

	if (!source.found) {
		const warning = missingMcWarning(target.cfPath, target.cfText, source);
		return warning === undefined || direct.value.files.length === 0 ? direct : ok({...direct.value, warnings: [warning, ...direct.value.warnings]});
	}

	const {mcPath} = source;
	const rebuild = await rebuildPlan(mcPath, {layout: source.layout, makeConfPath: options.makeConfPath});
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

	const featureAdded = (direct.value.mcFeatures?.length ?? 0) > 0 || direct.value.settings.some(change => change.setting === GREET_PAUSE_SETTING);
	if (cfChange === undefined && !featureAdded) {
		// sendmail.cf already has these settings, so neither file needs a rebuild.
		return direct;
	}

	if (!rebuild.ok) {
		return fail(`${rebuild.error} ${CF_ONLY_HINT}`);
	}

	return planThroughMc(target, direct.value, cfChange, rebuild.value, options, source.note, answers.listen ?? undefined);
}

/**
 * Why a rebuild from the .mc would lose changes: the .cf is not what the .mc builds today. Only what
 * sendmail reads counts: the RPM strips the build stamp, FreeBSD's release build has its own.
 */
function mcDisagreement(target: Target, rebuild: RebuildPlan, unedited: string): McDisagreement | undefined {
	const difference = readDifference(target.cfText, unedited);
	if (difference === undefined) {
		return undefined;
	}

	const cfName = path.basename(target.cfPath);
	const mcName = path.basename(rebuild.mcPath);
	const rebuildCommand = rebuildCommandOf(rebuild);
	const {cfLines, builtOnly} = difference;
	const shown = cfLines.slice(0, 3).map(line => describeCfOnlyLine(line));
	const more = cfLines.length - shown.length;
	const missing = `${builtOnly} line${builtOnly === 1 ? '' : 's'} the .mc builds`;
	const what = [
		...(shown.length > 0 ? [`has ${cfLines.length === 1 ? 'a line' : 'lines'} ${rebuild.mcPath} does not build: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`] : []),
		...(builtOnly > 0 ? [`${shown.length > 0 ? 'and ' : ''}lacks ${missing}`] : []),
	].join(', ');
	const them = cfLines.length + builtOnly === 1 ? 'it' : 'them';
	const message = `${cfName} and ${mcName} disagree: ${target.cfPath} ${what}. A rebuild from the .mc (${rebuildCommand}) would undo ${them}, so nothing was changed: carry the hand edit into ${mcName} first (or, if the .mc is the newer one, rebuild it first), or use --cf-only to edit ${cfName} alone and keep ${them}`;
	return {message, cfLines, builtOnly, rebuildCommand};
}

/**
 * Before any answer is given: whether the .cf can be edited through the sendmail.mc it is built
 * from, by the same search and comparison makePlan makes. ok(undefined) when there is no .mc or the
 * two agree; ok(the difference) when they disagree; fail when the .mc cannot be built here (m4 missing, files
 * not readable).
 */
export async function checkMcAgrees(target: Target, options: MakePlanOptions = {}): Promise<Result<McDisagreement | undefined>> {
	const source = await findMcSource(target.cfPath, options.hostname, {makeConfPath: options.makeConfPath});
	if (!source.found) {
		return ok(undefined);
	}

	const rebuild = await rebuildPlan(source.mcPath, {layout: source.layout, makeConfPath: options.makeConfPath});
	if (!rebuild.ok) {
		return fail(rebuild.error);
	}

	const mcText = await readTextFile(source.mcPath);
	if (!mcText.ok) {
		return fail(mcText.error);
	}

	const unedited = await buildCfFromMc(mcText.value, source.mcPath, {plan: rebuild.value, env: options.env});
	return unedited.ok ? ok(mcDisagreement(target, rebuild.value, unedited.value)) : fail(unedited.error);
}

async function planThroughMc(target: Target, direct: Plan, cfChange: FileChange | undefined, rebuild: RebuildPlan, options: MakePlanOptions, sourceNote: string | undefined, listen: ListenChoice | undefined): Promise<Result<Plan>> {
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

	// Options cf/m4 has no define for go in as LOCAL_CONFIG lines.
	const localChanges = direct.settings.filter(change => LOCAL_OPTIONS.has(change.setting)).map(change => ({option: change.setting, value: change.to}));
	const definesOnly = editMcDefines(mcText.value, changes);
	const local = editMcLocalOptions(definesOnly.text, localChanges);
	const definesEdited = {text: local.text, notes: [...definesOnly.notes, ...local.notes]};
	// greet_pause's pause is the argument of its FEATURE line in the .mc.
	const pause = direct.settings.find(change => change.setting === GREET_PAUSE_SETTING);
	if (pause !== undefined) {
		const withPause = setGreetPauseFeature(definesEdited.text, Number(pause.to))
			?? (/^Sgreet_pause\b/m.test(target.cfText) ? undefined : addMcFeature(definesEdited.text, `FEATURE(\`greet_pause', \`${pause.to}')dnl`, definesEdited.notes));
		if (withPause === undefined) {
			return fail(`${mcPath} has no FEATURE(\`greet_pause') line of its own to set the pause in (it may come from an m4 file it includes); change it there, or use --cf-only to edit ${cfName} alone`);
		}

		definesEdited.text = withPause;
	}

	for (const feature of direct.mcFeatures ?? []) {
		definesEdited.text = addMcFeature(definesEdited.text, `FEATURE(\`${feature}', \`nodelay', \`terminate')dnl`, definesEdited.notes);
	}

	const received = cfChange !== undefined && direct.settings.some(change => change.setting === RECEIVED_SETTING) ? receivedHeaderDefine(definesEdited.text, cfChange.after) : undefined;
	if (received !== undefined && !received.ok) {
		return fail(`${received.error} ${CF_ONLY_HINT}`);
	}

	if (received !== undefined) {
		definesEdited.text = received.value;
	}

	// The daemons' addresses are DAEMON_OPTIONS lines in the .mc (core/daemon-addresses.ts).
	const listenChanged = listen !== undefined && direct.settings.some(change => change.setting === SETTING.listen.change);
	if (listenChanged) {
		const daemons = setMcListen(definesEdited.text, listen);
		definesEdited.text = daemons.text;
		definesEdited.notes.push(...daemons.notes);
	}

	const build = async (text: string) => buildCfFromMc(text, mcPath, {plan: rebuild, env: options.env});
	const [unedited, firstBuild] = await Promise.all([build(mcText.value), build(definesEdited.text)]);
	if (!unedited.ok) {
		return fail(`${unedited.error} Nothing was written. ${CF_ONLY_HINT}`);
	}

	if (!firstBuild.ok) {
		return fail(`${firstBuild.error} Nothing was written. ${CF_ONLY_HINT}`);
	}

	// A rebuild replaces the whole .cf: if the .cf is not what the .mc builds today (edited by hand,
	// or the .mc changed and not rebuilt), those differences would be lost without a word.
	const disagreement = mcDisagreement(target, rebuild, unedited.value);
	if (disagreement !== undefined) {
		return fail(disagreement.message);
	}

	// PrivacyOptions lines add up: an `O PrivacyOptions=` line the .mc copies into the .cf (after
	// LOCAL_CONFIG) keeps its flags in force whatever confPRIVACY_FLAGS says, so it is commented out
	// in the .mc as well ("#" passes through m4, and the .cf shows it commented too).
	let edited = definesEdited;
	let rebuilt = firstBuild;
	if (changes.confPRIVACY_FLAGS !== undefined) {
		const extra = findOption(parseCf(rebuilt.value), OPTION_NAME.privacy).setters.filter(setter => setter.line.text !== `O PrivacyOptions=${changes.confPRIVACY_FLAGS}`);
		if (extra.length > 0) {
			const commented = commentOutMcLines(edited.text, extra.map(setter => setter.line.text));
			if (commented === undefined) {
				return fail(
					`the ${cfName} built from ${mcPath} has more PrivacyOptions lines (${extra.map(setter => `"${clip(setter.line.text)}"`).join(', ')}) that come from an m4 file, not from the .mc; sendmail adds them all up, so remove them there, or use --cf-only to edit ${cfName} alone`,
				);
			}

			edited = {text: commented.text, notes: [...edited.notes, commented.note]};
			const again = await build(edited.text);
			if (!again.ok) {
				return fail(`${again.error} Nothing was written. ${CF_ONLY_HINT}`);
			}

			rebuilt = again;
		}
	}

	const cfAfter = keepHeader(rebuilt.value, target.cfText);
	if (received !== undefined && receivedVersionLeak(cfAfter) !== undefined) {
		return fail(`the ${cfName} rebuilt from ${mcPath} still has the version in its Received header: something later in the .mc sets confRECEIVED_HEADER; change it there, or use --cf-only to edit ${cfName} alone`);
	}

	// Every daemon the built .cf has must listen as asked: one m4 builds from elsewhere (a default,
	// an m4 file) would otherwise keep listening on every address without a word.
	if (listenChanged) {
		const {daemons} = cfDaemons(cfAfter);
		const astray = daemons.filter(daemon => (listen === 'local' ? reachOf(daemon) !== 'loopback' && reachOf(daemon) !== 'socket' : reachOf(daemon) === 'loopback'));
		if (listenOf(daemons) !== listen || astray.length > 0) {
			return fail(`the ${cfName} rebuilt from ${mcPath} still has ${astray.length === 1 ? 'a daemon' : 'daemons'} not listening as "${listen}" asks (${astray.map(daemon => `line ${daemon.line} "${clip(`O DaemonPortOptions=${[daemon.name && `Name=${daemon.name}`, daemon.addr && `Addr=${daemon.addr}`].filter(Boolean).join(', ')}`)}"`).join(', ')}) that no DAEMON_OPTIONS line of the .mc sets; add DAEMON_OPTIONS lines for them, or use --cf-only to edit ${cfName} alone`);
		}
	}

	if (pause !== undefined && greetPauseFallback(cfAfter) !== Number(pause.to)) {
		return fail(`the ${cfName} rebuilt from ${mcPath} does not pause ${pause.to} ms before the greeting: something later in the .mc sets FEATURE(\`greet_pause') again; change it there, or use --cf-only to edit ${cfName} alone`);
	}

	for (const [tag, feature] of ACCESS_TAGS_OF_FEATURE.filter(([, feature]) => direct.mcFeatures?.includes(feature))) {
		if (!cfLooksUp(cfAfter, tag)) {
			return fail(`the ${cfName} rebuilt from ${mcPath} does not look ${tag} up though FEATURE(\`${feature}') was added (it needs FEATURE(\`access_db') before it); change the .mc by hand, or leave it out of the answers`);
		}
	}

	const document = parseCf(cfAfter);
	for (const change of direct.settings) {
		if ((OPTION_SETTING.has(change.setting) || LOCAL_OPTIONS.has(change.setting)) && !takesEffect(document, change.setting, change.to)) {
			return fail(
				`the ${cfName} rebuilt from ${mcPath} does not have ${change.setting}=${change.to}: something later in the .mc (a LOCAL_CONFIG line?) sets it; change it there, or use --cf-only to edit ${cfName} alone`,
			);
		}
	}

	const notes = [
		...(sourceNote === undefined ? [] : [sourceNote]),
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
