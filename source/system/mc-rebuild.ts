// Finds the .mc a sendmail.cf is built from, learns how this host builds it, and renders the .cf
// from an (edited) .mc into memory without touching the real .cf.
import {spawn} from 'node:child_process';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {type Result, ok, fail} from '../core/result.js';
import {candidatesToCheck, chooseMcSource, isFreeBsdMakefile, makeVariable, mcOfRule, type LayoutId, type McSource} from '../core/sendmail-layouts.js';
import {stopWithRun} from './stop-signals.js';

async function isFile(file: string): Promise<boolean> {
	try {
		return (await stat(file)).isFile();
	} catch {
		return false;
	}
}

async function readIfFile(file: string): Promise<string | undefined> {
	try {
		return (await stat(file)).isFile() ? await readFile(file, 'latin1') : undefined;
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
		mcText = await readFile(mcAbsolute, 'latin1');
	} catch (error) {
		return fail(`Cannot read ${mcAbsolute}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; check the path and permissions.`);
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

type RunResult = {code: number | null; stdout: Buffer; stderr: string; error?: NodeJS.ErrnoException; timedOut: boolean};

function run(command: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<RunResult> {
	return new Promise(resolve => {
		const child = spawn(command, args, {cwd, env, stdio: ['ignore', 'pipe', 'pipe']});
		stopWithRun(child);
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
		child.on('error', error => {
			clearTimeout(timer);
			resolve({code: null, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('latin1'), error, timedOut});
		});
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('latin1'), timedOut});
		});
	});
}

// What Debian's Makefile adds after m4's output: `sed -e 's/^/# /' sendmail.mc`, under a header.
function mcAsComment(mcPath: string, mcText: string): string {
	const lines = mcText.split('\n');
	if (lines.at(-1) === '') lines.pop();
	return `### ${mcPath} ###\n${lines.map(line => `# ${line}\n`).join('')}`;
}

/**
 * Renders the .cf that the host's rebuild would make from `mcText`, into memory: the text goes to a
 * temporary copy of the .mc and m4 runs on it in the .mc's folder (so relative includes resolve as
 * in a real build). The real .mc and .cf are not touched. With Debian's Makefile the .mc is
 * appended as comments, as `make` would. The build-date and `##### in` comment lines differ from
 * any earlier build.
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
	const folder = await mkdtemp(path.join(os.tmpdir(), `sendmail-harden-mc-${process.pid}-`));
	try {
		const tempMc = path.join(folder, path.basename(plan.mcPath));
		await writeFile(tempMc, mcText, 'latin1');
		const result = await run(m4, [...plan.m4Args, tempMc], plan.cwd, timeoutMs, options.env ?? process.env);
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
			.map(line => line.replaceAll(tempMc, plan.mcPath).replaceAll(/\s+/g, ' ').trim())
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
