// Measures the npm build (node dist/cli.js) and the single executable (dist/sendmail-harden-linux-x64)
// as a person over SSH meets them: time to the first screen in an 80x24 pty against a bare `node`
// that prints one line (the three alternate, so a busy moment of the machine hits all), bytes per
// arrow key on the Privacy step, peak memory, and parse+plan time on the largest real config.
// Prints a table and writes it to media/bench.md. Figures are reported, never asserted: timings
// depend on the machine. Run with `npm run bench` (which builds both first). Needs python3 (its pty
// module drives the terminal). `--baseline PATH` adds a column for another build's cli.js (e.g. an
// older commit's), measured in the same run.
import {execFileSync, spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const single = path.join(root, 'dist', `sendmail-harden-${process.platform}-${process.arch}`);
const baselineAt = process.argv.indexOf('--baseline');
const baseline = baselineAt === -1 ? undefined : path.resolve(process.argv[baselineAt + 1]);
const ptyHelper = path.join(root, 'scripts', 'bench-pty.py');
const FIRST_SCREEN_RUNS = 25;
const SESSION_RUNS = 5;
const KEYS_PER_SESSION = 6;
const PLAN_RUNS = 201;
// The header of step N ("Step N of 8  Name"), as a wait: after a key the writer sends a changed
// line only from its first changed cell (the line's start is on screen already), so the output
// holds "N of 8  Name" but not always "Step N".
const stepHeader = number => ({waitRe: String.raw`\b${number} of \d+ {2}[A-Z]`});
const PRIVACY_STEP = 5;

const median = values => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const range = values => `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}`;

for (const file of [cli, single, ...(baseline ? [baseline] : [])]) {
	if (!existsSync(file)) {
		console.error(`bench: ${path.relative(root, file)} is missing; run \`npm run bench\` (it builds first)`);
		process.exit(2);
	}
}

// A scratch copy of the bundled sample, its HelpFile pointing at a copy too: nothing real is read or touched.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-bench-'));
const demo = path.join(root, 'source', 'demo');
const helpPath = path.join(scratch, 'helpfile');
const cfPath = path.join(scratch, 'sendmail.cf');
copyFileSync(path.join(demo, 'helpfile'), helpPath);
const sample = readFileSync(path.join(demo, 'sendmail.cf'), 'latin1');
writeFileSync(cfPath, sample.replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`), 'latin1');
const answersPath = path.join(root, 'test', 'fixtures', 'article-answers.json');

// Ink draws nothing until exit when it thinks it runs in CI; a person's terminal is not CI.
// The code cache lives in the scratch folder too: the first (warm-up) run writes it, as an
// admin's first run does; the measured runs read it.
// Backup records go to a scratch state folder too (as on a host the tool has not changed yet).
const env = {...process.env, TERM: 'xterm-256color', XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_CACHE_HOME: path.join(scratch, 'cache'), SENDMAIL_HARDEN_STATE_DIR: path.join(scratch, 'state')};
for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'FORCE_COLOR', 'COLUMNS', 'LINES', 'NODE_OPTIONS']) {
	delete env[name];
}

mkdirSync(env.XDG_CONFIG_HOME);

/** Runs one command in a fresh 80x24 pty through bench-pty.py and returns what it saw. */
function inPty(argv, steps, runEnv = env) {
	const spec = {argv, env: runEnv, cwd: scratch, cols: 80, rows: 24, timeout: 20, steps};
	const run = spawnSync('python3', [ptyHelper, JSON.stringify(spec)], {encoding: 'utf8'});
	if (run.status !== 0) {
		throw new Error(`bench: the pty helper failed: ${run.stderr.trim()}`);
	}

	const result = JSON.parse(run.stdout);
	if (result.error) {
		throw new Error(`bench: ${argv.join(' ')}: ${result.error}`);
	}

	return result;
}

/**
 * Drops the programs' pages from the page cache, as on a server where they were not just written.
 * A file just built or copied is wholly in the cache, and the kernel then maps the 64 KB around
 * every page a process touches: the single file, written a moment ago, would count about 7 MB
 * more than the same node binary read from disk (and a copy of /usr/bin/node does the same).
 */
function dropFromPageCache(files) {
	const drop = spawnSync('python3', ['-c', 'import os, sys\nfor name in sys.argv[1:]:\n    fd = os.open(name, os.O_RDONLY)\n    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)\n    os.close(fd)', ...files], {encoding: 'utf8'});
	if (drop.status !== 0) {
		throw new Error(`bench: cannot drop the programs from the page cache: ${drop.stderr.trim()}`);
	}
}

const programs = [process.execPath, single, cli, path.join(root, 'dist', 'bundle.cjs'), ...(baseline ? [baseline] : [])];

const bareNode = [process.execPath, '-e', 'console.log("ready"); setTimeout(() => {}, 20000)'];
// Each build keeps its own code cache, so each one's first start is a first start.
const variants = [
	{name: 'npm package', argv: [process.execPath, cli]},
	{name: 'single file', argv: [single]},
	...(baseline ? [{name: 'baseline', argv: [process.execPath, baseline]}] : []),
].map((variant, index) => ({...variant, env: {...env, XDG_CACHE_HOME: path.join(scratch, `cache-${index}`)}}));
const wizard = variant => [...variant.argv, '--config', cfPath];

// First screen: bare node and each build take turns, so a busy moment of the machine hits all.
// The bare node stays alive so its peak memory can be read too.
function firstScreens() {
	dropFromPageCache(programs);
	const bare = [];
	const bareCpu = [];
	const bareMemory = [];
	const app = variants.map(() => []);
	const appCpu = variants.map(() => []);
	const version = variants.map(() => []);
	const cold = variants.map(() => undefined);
	inPty(bareNode, [{wait: 'ready'}]);
	for (const [index, variant] of variants.entries()) {
		// The first start has no code cache; it writes one just after the first screen (on a busy
		// machine that can take a while: wait for the file).
		const cacheFolder = path.join(variant.env.XDG_CACHE_HOME, 'sendmail-harden');
		cold[index] = inPty(wizard(variant), [{...stepHeader(1), mark: 'first'}, {quiet: 1500}], variant.env).marks.first;
		for (let attempt = 0; attempt < 3 && variant.name !== 'baseline' && !(existsSync(cacheFolder) && readdirSync(cacheFolder).some(name => name.endsWith('.bin'))); attempt++) {
			inPty(wizard(variant), [stepHeader(1), {quiet: 3000}], variant.env);
		}
	}

	for (let run = 0; run < FIRST_SCREEN_RUNS; run++) {
		const node = inPty(bareNode, [{wait: 'ready', mark: 'first'}, {hwm: true}]);
		bare.push(node.marks.first);
		bareCpu.push(node.mainCpu.first);
		bareMemory.push(node.hwmKb);
		for (const [index, variant] of variants.entries()) {
			// The version row leaves "checking" once sendmail answered (or could not be asked); when
			// only the row's end is rewritten, the output holds the version without "sendmail".
			const shown = inPty(wizard(variant), [
				{...stepHeader(1), mark: 'first'},
				{waitRe: String.raw`sendmail {2,}(?!checking)\S|\b\d+\.\d+\.\d+`, mark: 'version', timeout: 12, optional: true},
			], variant.env);
			app[index].push(shown.marks.first);
			appCpu[index].push(shown.mainCpu.first);
			if (shown.marks.version !== undefined) {
				version[index].push(shown.marks.version);
			}
		}
	}

	return {bare, bareCpu, bareMemory, app, appCpu, version, cold};
}

// Enter through Welcome, Greeting, Size and Recipients with the answers pre-filled, then arrow down
// the Privacy list; then Enter to Review (the plan and its diff) before reading peak memory.
function sessions(variant) {
	dropFromPageCache(programs);
	const keyBytes = [];
	const memory = [];
	const privateMemory = [];
	const down = '\u001B[B';
	for (let run = 0; run < SESSION_RUNS; run++) {
		const steps = [stepHeader(1), {quiet: 300}];
		for (let step = 2; step <= PRIVACY_STEP; step++) {
			steps.push({send: '\r'}, stepHeader(step), {quiet: 150});
		}

		for (let key = 0; key < KEYS_PER_SESSION; key++) {
			steps.push({send: down}, {quiet: 150, count: true});
		}

		steps.push({send: '\r'}, stepHeader(PRIVACY_STEP + 1), {quiet: 300}, {hwm: true});
		const result = inPty([...wizard(variant), '--answers', answersPath], steps, variant.env);
		keyBytes.push(...result.counts);
		memory.push(result.hwmKb);
		privateMemory.push(result.anonKb);
	}

	return {keyBytes, memory, privateMemory};
}

/** The largest config at hand: every example .mc m4 builds, and the host's own sendmail.cf. */
function largestConfig() {
	const candidates = [];
	const examples = '/usr/share/sendmail/cf/cf';
	if (existsSync(examples)) {
		for (const name of readdirSync(examples).filter(name => name.endsWith('.mc'))) {
			try {
				const text = execFileSync('m4', ['../m4/cf.m4', name], {cwd: examples, encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore']});
				candidates.push({name: `${name.replace(/\.mc$/, '.cf')} (m4 from ${examples}/${name})`, text});
			} catch {
				// An example that needs what this host lacks; the others do.
			}
		}
	}

	for (const file of ['/etc/mail/sendmail.cf', path.join(demo, 'sendmail.cf')]) {
		if (existsSync(file)) {
			candidates.push({name: file === '/etc/mail/sendmail.cf' ? file : 'source/demo/sendmail.cf', text: readFileSync(file, 'latin1')});
		}
	}

	return candidates.sort((a, b) => b.text.length - a.text.length)[0];
}

async function parseAndPlan() {
	// The core bundled as the CLI bundles it.
	const bundle = path.join(scratch, 'core.js');
	await build({
		stdin: {
			contents: "export {parseCf} from './source/core/sendmail-cf.ts'; export {planHardening} from './source/core/plan.ts';",
			resolveDir: root,
			loader: 'ts',
		},
		outfile: bundle,
		bundle: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		logLevel: 'warning',
	});
	const {parseCf, planHardening} = await import(pathToFileURL(bundle).href);
	const config = largestConfig();
	const answers = JSON.parse(readFileSync(answersPath, 'utf8'));
	const helpFile = {path: helpPath, text: readFileSync(helpPath, 'latin1')};
	const once = () => {
		const start = performance.now();
		parseCf(config.text);
		const plan = planHardening({cfPath: '/etc/mail/sendmail.cf', cfText: config.text, helpFile, answers});
		const elapsed = performance.now() - start;
		if (!plan.ok) {
			throw new Error(`bench: planHardening failed on ${config.name}: ${plan.error}`);
		}

		return elapsed;
	};

	const cold = once();
	const times = [];
	for (let run = 0; run < PLAN_RUNS; run++) {
		times.push(once());
	}

	return {config, cold, times};
}

const REHEARSAL_RUNS = 9;

// The rehearsal (sendmail -C COPY -bs with the verify checks) on the sample and the article's answers.
async function rehearsals() {
	// Beside the CLI bundle, so its packages resolve from node_modules.
	const bundle = path.join(root, 'dist', 'bench-rehearsal.mjs'); // ESM; dist/ is CommonJS otherwise
	await build({
		entryPoints: [path.join(root, 'source', 'system', 'rehearsal.ts')],
		outfile: bundle,
		bundle: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		packages: 'external',
		logLevel: 'warning',
	});
	const {rehearseFiles} = await import(pathToFileURL(bundle).href);
	rmSync(bundle, {force: true});
	const answers = JSON.parse(readFileSync(answersPath, 'utf8'));
	const files = {cfText: readFileSync(cfPath, 'latin1'), helpFileText: readFileSync(helpPath, 'latin1')};
	const times = [];
	for (let run = 0; run < REHEARSAL_RUNS; run++) {
		const start = performance.now();
		const report = await rehearseFiles(files, answers);
		if (!report.ok) {
			throw new Error(`bench: the rehearsal failed: ${report.error}`);
		}

		if (report.value.status === 'skipped') {
			return {skipped: report.value.reason};
		}

		times.push(performance.now() - start);
	}

	return {times};
}

const started = performance.now();
let table;
try {
	const first = firstScreens();
	const session = variants.map(variant => sessions(variant));
	const plan = await parseAndPlan();
	const rehearsal = await rehearsals();
	const bare = median(first.bare);
	const mb = kb => `${(kb / 1024).toFixed(1)} MB`;
	const columns = (format) => variants.map((variant, index) => format(index));
	const rows = [
		['First screen, 80x24 pty', ...columns(index => `**${(median(first.app[index]) / bare).toFixed(2)}x** bare node (${median(first.app[index]).toFixed(0)} ms, ${range(first.app[index])})`), `at most 1.8x (next: 1.5x); bare \`node -e 'console.log(…)'\`: ${bare.toFixed(0)} ms; median of ${FIRST_SCREEN_RUNS} runs each`],
		['First screen, main-thread CPU', ...columns(index => `${(median(first.appCpu[index]) / median(first.bareCpu)).toFixed(2)}x (${median(first.appCpu[index]).toFixed(0)} ms)`), `the main thread's time on a CPU until the first screen, vs bare node's ${median(first.bareCpu).toFixed(1)} ms: what a busy machine changes least`],
		['First screen, first start (no code cache yet)', ...columns(index => `${(first.cold[index] / bare).toFixed(2)}x (${first.cold[index].toFixed(0)} ms)`), 'one run; it writes the cache'],
		['sendmail version on screen', ...columns(index => (first.version[index].length === 0 ? 'n/a' : `${median(first.version[index]).toFixed(0)} ms`)), 'after start; the first screen shows "checking" until sendmail answers'],
		['Bytes per arrow key, Privacy step', ...columns(index => `**${(median(session[index].keyBytes) / 1024).toFixed(2)} KB** (${range(session[index].keyBytes)} bytes)`), `under 1.1 KB; median of ${SESSION_RUNS} runs x ${KEYS_PER_SESSION} keys`],
		['Peak memory (VmHWM)', ...columns(index => `**${mb(median(session[index].memory))}**`), `under 76 MB; Welcome to Review with --answers, median of ${SESSION_RUNS} runs (bare node: ${mb(median(first.bareMemory))}); the programs' pages dropped from the page cache first, as on a server where they were not just written`],
		['Private memory at Review (RssAnon)', ...columns(index => `${mb(median(session[index].privateMemory))}`), 'the part of it no other process shares: the heap, buffers, thread stacks'],
	];
	table = [
		`| Measure | ${variants.map(variant => variant.name).join(' | ')} | Target and detail |`,
		`| --- | ${variants.map(() => '---').join(' | ')} | --- |`,
		...rows.map(row => `| ${row.join(' | ')} |`),
		'',
		`Parse+plan of the largest config: **${median(plan.times).toFixed(2)} ms**, ${plan.config.name}, ${(plan.config.text.length / 1024).toFixed(0)} KB; median of ${PLAN_RUNS} runs (first run ${plan.cold.toFixed(1)} ms).`,
		'',
		rehearsal.skipped === undefined
			? `Rehearsal (sendmail -bs, verify checks): **${median(rehearsal.times).toFixed(0)} ms**, sample config, the article's answers; median of ${REHEARSAL_RUNS} runs, range ${range(rehearsal.times)} ms.`
			: `Rehearsal (sendmail -bs, verify checks): n/a, ${rehearsal.skipped}.`,
	].join('\n');
} finally {
	rmSync(scratch, {recursive: true, force: true});
}

const cpus = os.cpus();
const about = `npm package: \`node dist/cli.js\`; single file: \`${path.relative(root, single)}\` (${(statSync(single).size / 1024 / 1024).toFixed(1)} MB)${baseline ? `; baseline: ${baseline}` : ''}. Node ${process.version}, ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${os.platform()} ${os.release()}; \`npm run bench\` took ${((performance.now() - started) / 1000).toFixed(0)} s.`;
const figures = `${table}\n\n${about}\n`;
const media = path.join(root, 'media');
mkdirSync(media, {recursive: true});
writeFileSync(path.join(media, 'bench.md'), `<!-- Written by scripts/bench.js (npm run bench); do not edit by hand. -->\n${figures}`);
console.log(figures);
console.log('Written to media/bench.md.');
