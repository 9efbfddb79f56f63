// Finds the .mc a sendmail.cf is built from, learns how this host builds it, and renders the .cf
// from an (edited) .mc into memory without touching the real .cf.
import {lstatSync, readdirSync, realpathSync, statSync} from 'node:fs';
import {rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {type Result, ok, fail} from '../core/result.js';
import {candidatesToCheck, chooseMcSource, isFreeBsdMakefile, makeVariable, mcOfRule, type LayoutId, type McSource} from '../core/sendmail-layouts.js';
import {privateFolder} from './rehearsal.js';
import {describeError} from './safe-write.js';
import {runProgram} from './run-program.js';
import {folderChainProblem, isTrusted, readTrustedFile, untrustedMessage} from './trust.js';

async function isFile(file: string): Promise<boolean> {
	try {
		return (await stat(file)).isFile();
	} catch {
		return false;
	}
}

// A Makefile or make.conf that does not pass the trust rule is as good as absent: its variables
// (SENDMAIL_M4_FLAGS above all) end up on m4's command line.
async function readIfFile(file: string): Promise<string | undefined> {
	try {
		return (await readTrustedFile(file)).bytes.toString('latin1');
	} catch {
		return undefined;
	}
}

const MAKEFILE_NAMES = ['GNUmakefile', 'makefile', 'Makefile'];

async function readMakefile(folder: string): Promise<{path: string; text: string} | undefined> {
	for (const name of MAKEFILE_NAMES) {
		const file = path.join(folder, name);
		const text = await readIfFile(file);
		if (text !== undefined) return {path: file, text};
	}
	return undefined;
}

export type FindMcOptions = {
	/** FreeBSD's make.conf, where SENDMAIL_MC may be set; /etc/make.conf by default. */
	makeConfPath?: string;
};

/**
 * The .mc this host's own build makes the .cf from, with the layout it belongs to (see
 * core/sendmail-layouts.ts): FreeBSD's Makefile variables, `<name>.mc` beside `<name>.cf`,
 * Solaris' cf/cf/sendmail.mc, or $(hostname).mc. Not found: `found: false`, with a warning when
 * the host's files say there should be one.
 */
export async function findMcSource(cfPath: string, hostname: string = os.hostname(), options: FindMcOptions = {}): Promise<McSource> {
	const absolute = path.resolve(cfPath);
	const folder = path.dirname(absolute);
	const candidates = candidatesToCheck(absolute, hostname);
	const existing = new Set<string>();
	await Promise.all(candidates.map(async candidate => {
		if (await isFile(candidate)) existing.add(candidate);
	}));
	const makefile = await readMakefile(folder);
	const fromRule = makefile === undefined ? undefined : mcOfRule(makefile.text, absolute);
	if (fromRule !== undefined && await isFile(fromRule)) existing.add(fromRule);
	let makeConf: string | undefined;
	if (makefile && isFreeBsdMakefile(makefile.text)) {
		makeConf = await readIfFile(options.makeConfPath ?? '/etc/make.conf');
		const configured = (makeConf === undefined ? undefined : makeVariable(makeConf, 'SENDMAIL_MC')) ?? makeVariable(makefile.text, 'SENDMAIL_MC');
		if (configured !== undefined && !configured.includes('$')) {
			const file = path.isAbsolute(configured) ? configured : path.join(folder, configured);
			if (await isFile(file)) existing.add(file);
		}
	}
	return chooseMcSource({cfPath: absolute, hostname, existing, makefile, makeConf});
}

/** The path of the .mc the .cf is built from, if one was found (see findMcSource). */
export async function findMcFor(cfPath: string, hostname: string = os.hostname()): Promise<string | undefined> {
	const source = await findMcSource(cfPath, hostname);
	return source.found ? source.mcPath : undefined;
}

export type RebuildPlan = {
	mcPath: string;
	// The .cf the build writes.
	cfPath: string;
	// 'make': a Makefile in the .mc's folder has a target for the .cf; 'm4': plain m4.
	kind: 'make' | 'm4';
	// The host's own rebuild command, for telling the admin (run as an argument list, in cwd).
	command: string[];
	cwd: string;
	// m4 arguments that go before the .mc file when rendering it (cf.m4 when the .mc does not include it).
	m4Args: string[];
	// Debian's Makefile appends "### /etc/mail/sendmail.mc ###" and the .mc as `# ` comment lines.
	appendsMc: boolean;
	// How the admin rebuilds and installs the .cf on this layout, when that is more than `command`
	// (FreeBSD: cd /etc/mail && make install; Solaris: build in cf/cf, then copy).
	install?: string;
};

const cfM4Places = [
	'/usr/share/sendmail/cf/m4/cf.m4', // Debian, FreeBSD
	'/usr/share/sendmail-cf/m4/cf.m4', // RHEL, Fedora
	'/usr/lib/mail/m4/cf.m4', // Solaris
	'/etc/mail/cf/m4/cf.m4',
];

// True when the .mc includes cf.m4 itself (Debian: include(`/usr/share/sendmail/cf/m4/cf.m4')dnl),
// so `m4 FILE.mc` is enough.
function includesCfM4(mcText: string): boolean {
	return mcText.split('\n').some(line => /^\s*s?include\(\s*`?[^)']*cf\.m4'?\s*\)/.test(line));
}

function makefileTargets(makefile: string): Set<string> {
	const targets = new Set<string>();
	for (const line of makefile.split('\n')) {
		if (/^[\t#]/.test(line)) continue;
		const match = /^([^:=#]+?)\s*::?(?!=)/.exec(line);
		if (!match?.[1]) continue;
		for (const target of match[1].trim().split(/\s+/)) targets.add(target);
	}
	return targets;
}

export type RebuildPlanOptions = {
	/** The layout findMcSource found; FreeBSD's Makefile gives m4 more than plain m4 would get. */
	layout?: LayoutId;
	/** FreeBSD's make.conf (SENDMAIL_CF_DIR, SENDMAIL_M4_FLAGS); /etc/make.conf by default. */
	makeConfPath?: string;
};

// A Makefile rule that builds any .cf from its .mc: GNU make's `%.cf: %.mc`, or the suffix rule `.mc.cf:`.
const GENERIC_CF_RULE = /^(%\.cf\s*:|\.mc\.cf\s*:)/m;

export async function rebuildPlan(mcPath: string, options: RebuildPlanOptions = {}): Promise<Result<RebuildPlan>> {
	const mcAbsolute = path.resolve(mcPath);
	const cwd = path.dirname(mcAbsolute);
	const name = path.basename(mcAbsolute).replace(/\.mc$/, '');
	const cfPath = path.join(cwd, `${name}.cf`);
	let mcText: string;
	try {
		mcText = (await readTrustedFile(mcAbsolute)).bytes.toString('latin1');
	} catch (error) {
		return fail(`Cannot read ${mcAbsolute}: ${describeError(error, mcAbsolute, 'read')}`);
	}

	if (options.layout === 'freebsd') {
		// /etc/mail/Makefile: ${M4} -D_CF_DIR_=${SENDMAIL_CF_DIR}/ ${SENDMAIL_M4_FLAGS} ${SENDMAIL_CF_DIR}/m4/cf.m4 host.mc
		const makeConf = (await readIfFile(options.makeConfPath ?? '/etc/make.conf')) ?? '';
		const configured = makeVariable(makeConf, 'SENDMAIL_CF_DIR');
		const cfDir = configured ?? (await Promise.all(['/usr/share/sendmail/cf', '/usr/src/contrib/sendmail/cf'].map(async dir => ((await isFile(path.join(dir, 'm4', 'cf.m4'))) ? dir : undefined)))).find(Boolean);
		if (!cfDir) {
			return fail(`FreeBSD's /etc/mail/Makefile builds ${path.basename(mcAbsolute)} with /usr/share/sendmail/cf/m4/cf.m4, which is missing; install the sendmail cf files or edit the .cf directly.`);
		}
		const flags = (makeVariable(makeConf, 'SENDMAIL_M4_FLAGS') ?? '').split(/\s+/).filter(Boolean);
		const m4Args = [`-D_CF_DIR_=${cfDir}/`, ...flags, path.join(cfDir, 'm4', 'cf.m4')];
		return ok({mcPath: mcAbsolute, cfPath, kind: 'make', command: ['make', '-C', cwd, 'install'], cwd, m4Args, appendsMc: false, install: `cd ${cwd} && make install`});
	}

	let m4Args: string[] = [];
	if (!includesCfM4(mcText)) {
		// The shipped examples are built as `m4 ../m4/cf.m4 NAME.mc` in their folder.
		const found = (await isFile(path.join(cwd, '../m4/cf.m4')))
			? '../m4/cf.m4'
			: (await Promise.all(cfM4Places.map(async place => ((await isFile(place)) ? place : undefined)))).find(Boolean);
		if (!found) {
			return fail(`${mcAbsolute} does not include cf.m4 and no cf.m4 was found; install sendmail's cf files (Debian: sendmail-cf, RHEL: sendmail-cf) or edit the .cf directly.`);
		}
		m4Args = [found];
	}

	const install = options.layout === 'solaris' ? `cd ${cwd} && make ${name}.cf && cp ${name}.cf ${path.resolve(cwd, '../../sendmail.cf')}` : undefined;
	const makefile = await readMakefile(cwd);
	if (makefile) {
		const targets = makefileTargets(makefile.text);
		const target = [`${name}.cf`, cfPath].find(candidate => targets.has(candidate)) ?? (GENERIC_CF_RULE.test(makefile.text) ? `${name}.cf` : undefined);
		if (target) {
			return ok({
				mcPath: mcAbsolute,
				cfPath,
				kind: 'make',
				command: ['make', '-C', cwd, `${name}.cf`],
				cwd,
				m4Args,
				appendsMc: makefile.text.includes("s/^/# /") && makefile.text.includes(mcAbsolute),
				install,
			});
		}
	}

	return ok({
		mcPath: mcAbsolute,
		cfPath,
		kind: 'm4',
		command: ['m4', ...m4Args, path.basename(mcAbsolute)],
		cwd,
		m4Args,
		appendsMc: false,
		install,
	});
}

export type BuildOptions = {
	plan?: RebuildPlan;
	timeoutMs?: number;
	// The m4 program and environment (tests point PATH elsewhere).
	m4?: string;
	env?: NodeJS.ProcessEnv;
	// cf.m4 reports some mistakes as `*** ERROR: ...` on stderr yet exits 0 (the Berkeley examples
	// do); by default that is a failure.
	tolerateM4Errors?: boolean;
};

// What Debian's Makefile adds after m4's output: `sed -e 's/^/# /' sendmail.mc`, under a header.
function mcAsComment(mcPath: string, mcText: string): string {
	const lines = mcText.split('\n');
	if (lines.at(-1) === '') lines.pop();
	return `### ${mcPath} ###\n${lines.map(line => `# ${line}\n`).join('')}`;
}

// --- What m4 reads ----------------------------------------------------------------------------
//
// m4 runs as root and obeys syscmd(), so it reads only what the trust rule (trust.ts) passes, and
// nothing that someone else could swap while it runs. The .mc text was read through a checked
// descriptor by the caller. Each file the .mc includes by a literal path (Debian's
// /etc/mail/m4/dialup.m4 and provider.m4, in a folder the mail user owns) is read the same way
// and copied into a private root-only folder, and the include() is pointed at the copy; copies
// are searched for includes in turn. Only files whose folders, up to /, no one but root (or the
// running user) can change are read in place: sendmail's own macro tree (/usr/share/sendmail/cf),
// whose every folder and file is checked once. m4 runs in the private folder, so a relative path
// cannot reach the config folder. The tool never runs `make`: it only names the host's rebuild
// command for the admin, and builds with m4 itself.

const INCLUDE = /\b(s?include)\(\s*(`?)([^`'()\s,]+)'?\s*\)/g;
const MAX_INCLUDES = 64;
const MAX_TREE_ENTRIES = 5000;

const treeProblems = new Map<string, string | undefined>();

/** Why m4 may not read a sendmail macro tree (cf.m4's folder's parent) in place; undefined when it may. */
function macroTreeProblem(treeRoot: string): string | undefined {
	if (treeProblems.has(treeRoot)) return treeProblems.get(treeRoot);
	let problem = folderChainProblem(treeRoot);
	const seen = new Set<string>();
	const folders = [treeRoot];
	for (let count = 0; problem === undefined && folders.length > 0;) {
		const folder = folders.pop()!;
		if (seen.has(folder)) continue;
		seen.add(folder);
		for (const name of readdirSync(folder)) {
			if (++count > MAX_TREE_ENTRIES) {
				problem = `${treeRoot} holds more than ${MAX_TREE_ENTRIES} files`;
				break;
			}
			const entry = path.join(folder, name);
			let info;
			try {
				info = statSync(entry);
			} catch {
				continue; // A dangling link: m4 cannot read through it either.
			}
			if (!isTrusted(info)) {
				problem = untrustedMessage(entry, info);
				break;
			}
			if (lstatSync(entry).isSymbolicLink()) {
				const real = realpathSync(entry);
				const chain = folderChainProblem(info.isDirectory() ? real : path.dirname(real));
				if (chain !== undefined) {
					problem = `${entry} leads to ${real}, and ${chain}`;
					break;
				}
				if (info.isDirectory()) folders.push(real);
			} else if (info.isDirectory()) {
				folders.push(entry);
			}
		}
	}
	treeProblems.set(treeRoot, problem);
	return problem;
}

type M4Inputs = {args: string[]; mcText: string; /** copy path, original path */ copies: Array<[string, string]>; /** where relative names resolve, as in the host's build */ cwd: string};

const macroProblemMessage = (tree: string, problem: string) =>
	`sendmail's m4 macros in ${tree} are not only root's to change (${problem}), so m4 will not run on them as root; nothing was changed. Fix the owner and mode of that folder, or use --cf-only to edit the .cf alone`;

/** A file m4 is to read: in place when no one but root can change it or its folders, else a checked copy. */
async function m4Input(file: string, folder: string, inputs: M4Inputs, optional: boolean, depth: number): Promise<Result<string>> {
	let real: string | undefined;
	try {
		real = realpathSync(file);
	} catch {
		real = undefined;
	}
	if (real !== undefined && folderChainProblem(path.dirname(real)) === undefined) {
		const info = statSync(real);
		if (!info.isFile()) return fail(`${file}, which ${inputs.copies.length === 0 ? 'the .mc' : 'an included file'} includes, is not a file; nothing was changed`);
		if (!isTrusted(info)) return fail(untrustedMessage(real, info));
		if (path.basename(real) === 'cf.m4') {
			const tree = path.dirname(path.dirname(real));
			const problem = macroTreeProblem(tree);
			if (problem !== undefined) return fail(macroProblemMessage(tree, problem));
		}
		return ok(real);
	}

	// A file named again gets the copy it already has: Debian's starttls.m4 and sasl.m4 quote their
	// own include line in a comment, which the scan above follows (m4 does not), and a copy per
	// mention would nest until the depth limit refused a good .mc.
	const copied = inputs.copies.find(([, original]) => original === file);
	if (copied !== undefined) return ok(copied[0]);
	const copy = path.join(folder, `include-${inputs.copies.length + 1}-${path.basename(file).replaceAll(/[^\w.-]/g, '_')}`);
	inputs.copies.push([copy, file]);
	let text: string;
	try {
		text = (await readTrustedFile(file)).bytes.toString('latin1');
	} catch (error) {
		// A missing file: sinclude() skips it and include() fails, as on the original path, without
		// m4 opening a name in a folder someone else can write.
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			if (optional) await writeFile(copy, '', {flag: 'wx', mode: 0o600});
			return ok(copy);
		}
		return fail(`${describeError(error, file, 'read')}`);
	}
	const rewritten = await pointIncludesAtCopies(text, folder, inputs, depth + 1);
	if (!rewritten.ok) return rewritten;
	await writeFile(copy, rewritten.value, {encoding: 'latin1', flag: 'wx', mode: 0o600});
	return ok(copy);
}

async function pointIncludesAtCopies(text: string, folder: string, inputs: M4Inputs, depth: number): Promise<Result<string>> {
	const matches = [...text.matchAll(INCLUDE)];
	if (matches.length > 0 && (depth > 8 || inputs.copies.length + matches.length > MAX_INCLUDES)) {
		return fail(`the .mc includes more than ${MAX_INCLUDES} files, or nests them more than 8 deep; nothing was changed`);
	}
	let out = '';
	let last = 0;
	for (const match of matches) {
		const [whole, macro, , named] = match;
		// Even after `#` or `dnl`: sendmail's cf.m4 turns m4's comments off (changecom), and a `dnl`
		// may sit inside quotes, so what looks commented out may still be opened.
		const input = await m4Input(path.resolve(inputs.cwd, named!), folder, inputs, macro === 'sinclude', depth);
		if (!input.ok) return input;
		out += `${text.slice(last, match.index)}${macro}(\`${input.value}')`;
		last = match.index + whole.length;
	}
	return ok(out + text.slice(last));
}

/** m4's arguments and the .mc text, with every file m4 will read checked, and copied where it could be swapped. */
async function prepareM4Inputs(mcText: string, plan: RebuildPlan, folder: string): Promise<Result<M4Inputs>> {
	const inputs: M4Inputs = {args: [], mcText: '', copies: [], cwd: plan.cwd};
	for (const arg of plan.m4Args) {
		const cfDir = /^-D_CF_DIR_=(.*)$/.exec(arg);
		if (cfDir) {
			const tree = path.resolve(plan.cwd, cfDir[1]!);
			let real: string;
			try {
				real = realpathSync(tree);
			} catch {
				return fail(`sendmail's m4 macros are not in ${tree}; install the sendmail cf files or edit the .cf directly`);
			}
			const problem = macroTreeProblem(real);
			if (problem !== undefined) return fail(macroProblemMessage(tree, problem));
			inputs.args.push(`-D_CF_DIR_=${real}/`);
		} else if (arg.startsWith('-')) {
			inputs.args.push(arg);
		} else {
			const input = await m4Input(path.resolve(plan.cwd, arg), folder, inputs, false, 0);
			if (!input.ok) return input;
			inputs.args.push(input.value);
		}
	}
	const text = await pointIncludesAtCopies(mcText, folder, inputs, 0);
	if (!text.ok) return text;
	inputs.mcText = text.value;
	return ok(inputs);
}

/**
 * Renders the .cf that the host's rebuild would make from `mcText`, into memory: the text goes to a
 * temporary copy of the .mc in a private folder, with checked copies of the files it includes
 * (see "What m4 reads" above), and m4 runs on it there; relative includes resolve against the
 * .mc's folder, as in a real build. The real .mc and .cf are not touched. With Debian's Makefile
 * the .mc is appended as comments, as `make` would. The build-date and `##### in` comment lines
 * differ from any earlier build.
 */
export async function buildCfFromMc(mcText: string, mcPath: string, options: BuildOptions = {}): Promise<Result<string>> {
	let plan = options.plan;
	if (!plan) {
		const planned = await rebuildPlan(mcPath);
		if (!planned.ok) return planned;
		plan = planned.value;
	}
	const timeoutMs = options.timeoutMs ?? 30_000;
	const m4 = options.m4 ?? 'm4';
	const env = options.env ?? process.env;
	const made = await privateFolder(env);
	if (!made.ok) return fail(`cannot build the .cf from ${plan.mcPath}: ${made.error}`);
	const folder = made.value;
	try {
		const inputs = await prepareM4Inputs(mcText, plan, folder);
		if (!inputs.ok) return inputs;
		const tempMc = path.join(folder, path.basename(plan.mcPath));
		await writeFile(tempMc, inputs.value.mcText, {encoding: 'latin1', flag: 'wx', mode: 0o600});
		const result = await runProgram(m4, [...inputs.value.args, tempMc], {cwd: folder, env, timeoutMs});
		const original = (line: string) => inputs.value.copies.reduce((text, [copy, file]) => text.replaceAll(copy, file), line.replaceAll(tempMc, plan.mcPath));
		const mcName = path.basename(plan.mcPath);
		if (result.error?.code === 'ENOENT') {
			return fail(`Cannot rebuild ${path.basename(plan.cfPath)}: m4 is not installed or not on PATH; install m4 (Debian: apt-get install m4) or edit the .cf directly.`);
		}
		if (result.error) {
			return fail(`Cannot run m4 to rebuild ${path.basename(plan.cfPath)}: ${result.error.message}.`);
		}
		if (result.timedOut) {
			return fail(`m4 did not finish building ${path.basename(plan.cfPath)} from ${mcName} within ${Math.round(timeoutMs / 1000)} s; check the .mc for a loop.`);
		}
		// The line that explains a failed build: m4's own complaint when it failed ("m4:sendmail.mc:2:
		// cannot open ..."), else cf.m4's `*** ERROR:` line, not a `*** WARNING` printed before it.
		const stderrLines = result.stderr
			.split('\n')
			.map(line => original(line).replaceAll(/\s+/g, ' ').trim())
			.filter(line => line !== '');
		const m4Complaint = result.code === 0 ? undefined : stderrLines.find(line => /^m4:/.test(line));
		const firstError = m4Complaint ?? stderrLines.find(line => line.startsWith('*** ERROR')) ?? stderrLines[0];
		if (result.code !== 0 && firstError !== undefined && /permission denied/i.test(firstError)) {
			// Not the .mc's fault: this user may not read a file it includes (Debian's /etc/mail/m4 is root's).
			return fail(`m4 could not build ${path.basename(plan.cfPath)} from ${plan.mcPath}: ${firstError}; run sendmail-harden as root (sudo), which may read the files the .mc includes.`);
		}

		if (result.code !== 0) {
			return fail(`m4 could not build ${path.basename(plan.cfPath)} from ${plan.mcPath} (exit ${result.code ?? 'signal'})${firstError ? `: ${firstError}` : ''}; fix the .mc and try again.`);
		}
		if (!options.tolerateM4Errors && /\*\*\* ERROR/.test(result.stderr)) {
			return fail(`m4 reported an error building ${path.basename(plan.cfPath)} from ${plan.mcPath}: ${firstError ?? ''}; fix the .mc and try again.`);
		}
		const cf = result.stdout.toString('latin1');
		if (!/^O /m.test(cf)) {
			return fail(`m4 built no sendmail configuration from ${plan.mcPath}; check that it includes cf.m4 or that sendmail's cf files are installed.`);
		}
		return ok(plan.appendsMc ? cf + mcAsComment(plan.mcPath, mcText) : cf);
	} finally {
		await rm(folder, {recursive: true, force: true});
	}
}
