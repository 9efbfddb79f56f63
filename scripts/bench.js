// Measures the built CLI (dist/cli.js) as a person over SSH meets it: time to the first screen in an
// 80x24 pty against a bare `node` that prints one line, bytes per arrow key on the Privacy step,
// peak memory, and parse+plan time on the largest real config. Prints a table and writes it to
// media/bench.md. Figures are reported, never asserted: timings depend on the machine.
// Run with `npm run bench` (which builds first). Needs python3 (its pty module drives the terminal).
import {execFileSync, spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const ptyHelper = path.join(root, 'scripts', 'bench-pty.py');
const FIRST_SCREEN_RUNS = 15;
const SESSION_RUNS = 5;
const KEYS_PER_SESSION = 6;
const PLAN_RUNS = 201;
// Text on the Welcome step's first frame, and the header of step N.
const stepHeader = number => `Step ${number} of`;
const PRIVACY_STEP = 5;

const median = values => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const range = values => `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}`;

if (!existsSync(cli)) {
	console.error('bench: dist/cli.js is missing; run `npm run bench` (it builds first)');
	process.exit(2);
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
const env = {...process.env, TERM: 'xterm-256color', XDG_CONFIG_HOME: path.join(scratch, 'config')};
for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'FORCE_COLOR', 'COLUMNS', 'LINES', 'NODE_OPTIONS']) {
	delete env[name];
}

mkdirSync(env.XDG_CONFIG_HOME);

/** Runs one command in a fresh 80x24 pty through bench-pty.py and returns what it saw. */
function inPty(argv, steps) {
	const spec = {argv, env, cwd: scratch, cols: 80, rows: 24, timeout: 20, steps};
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

const bareNode = [process.execPath, '-e', 'console.log("ready"); setTimeout(() => {}, 20000)'];
const wizard = [process.execPath, cli, '--config', cfPath];

// First screen: bare node and the wizard alternate, so a busy moment of the machine hits both.
// The bare node stays alive so its peak memory can be read too.
function firstScreens() {
	const bare = [];
	const bareMemory = [];
	const app = [];
	const version = [];
	inPty(bareNode, [{wait: 'ready'}]);
	inPty(wizard, [{wait: stepHeader(1)}]);
	for (let run = 0; run < FIRST_SCREEN_RUNS; run++) {
		const node = inPty(bareNode, [{wait: 'ready', mark: 'first'}, {hwm: true}]);
		bare.push(node.marks.first);
		bareMemory.push(node.hwmKb);
		// The version row leaves "checking" once sendmail answered (or could not be asked).
		const shown = inPty(wizard, [
			{wait: stepHeader(1), mark: 'first'},
			{waitRe: String.raw`sendmail {2,}(?!checking)\S`, mark: 'version', timeout: 12, optional: true},
		]);
		app.push(shown.marks.first);
		if (shown.marks.version !== undefined) {
			version.push(shown.marks.version);
		}
	}

	return {bare, bareMemory, app, version};
}

// Enter through Welcome, Greeting, Size and Recipients with the answers pre-filled, then arrow down
// the Privacy list; then Enter to Review (the plan and its diff) before reading peak memory.
function sessions() {
	const keyBytes = [];
	const memory = [];
	const down = '\u001B[B';
	for (let run = 0; run < SESSION_RUNS; run++) {
		const steps = [{wait: stepHeader(1)}, {quiet: 300}];
		for (let step = 2; step <= PRIVACY_STEP; step++) {
			steps.push({send: '\r'}, {wait: stepHeader(step)}, {quiet: 150});
		}

		for (let key = 0; key < KEYS_PER_SESSION; key++) {
			steps.push({send: down}, {quiet: 150, count: true});
		}

		steps.push({send: '\r'}, {wait: stepHeader(PRIVACY_STEP + 1)}, {quiet: 300}, {hwm: true});
		const result = inPty([...wizard, '--answers', answersPath], steps);
		keyBytes.push(...result.counts);
		memory.push(result.hwmKb);
	}

	return {keyBytes, memory};
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
	const bundle = path.join(root, 'dist', 'bench-rehearsal.js');
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
	const session = sessions();
	const plan = await parseAndPlan();
	const rehearsal = await rehearsals();
	const app = median(first.app);
	const bare = median(first.bare);
	const mb = kb => `${(kb / 1024).toFixed(1)} MB`;
	const keys = median(session.keyBytes);
	const rows = [
		['First screen, 80x24 pty', `**${(app / bare).toFixed(2)}x** bare node`, `${app.toFixed(0)} ms vs ${bare.toFixed(0)} ms for \`node -e 'console.log(…)'\`; median of ${FIRST_SCREEN_RUNS} runs each (wizard ${range(first.app)} ms)`, 'at most 2.0x'],
		['sendmail version on screen', first.version.length === 0 ? 'n/a' : `${median(first.version).toFixed(0)} ms`, 'after start; the first screen shows "checking" until sendmail answers', '(not before the first screen)'],
		['Bytes per arrow key, Privacy step', `**${(keys / 1024).toFixed(2)} KB**`, `${keys.toFixed(0)} bytes; median of ${session.keyBytes.length} keys (${SESSION_RUNS} runs x ${KEYS_PER_SESSION}), range ${range(session.keyBytes)}`, 'under 2 KB'],
		['Peak memory (VmHWM)', `**${mb(median(session.memory))}**`, `Welcome to Review with --answers; median of ${SESSION_RUNS} runs (bare node: ${mb(median(first.bareMemory))})`, 'under 80 MB'],
		['Parse+plan, largest config', `**${median(plan.times).toFixed(2)} ms**`, `${plan.config.name}, ${(plan.config.text.length / 1024).toFixed(0)} KB; median of ${PLAN_RUNS} runs (first run ${plan.cold.toFixed(1)} ms)`, '-'],
		rehearsal.skipped === undefined
			? ['Rehearsal (sendmail -bs, verify checks)', `**${median(rehearsal.times).toFixed(0)} ms**`, `sample config, the article's answers; median of ${REHEARSAL_RUNS} runs, range ${range(rehearsal.times)} ms`, '-']
			: ['Rehearsal (sendmail -bs, verify checks)', 'n/a', rehearsal.skipped, '-'],
	];
	table = [
		'| Measure | Figure | Detail | Target |',
		'| --- | --- | --- | --- |',
		...rows.map(row => `| ${row.join(' | ')} |`),
	].join('\n');
} finally {
	rmSync(scratch, {recursive: true, force: true});
}

const cpus = os.cpus();
const about = `Node ${process.version}, ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${os.platform()} ${os.release()}; \`npm run bench\` took ${((performance.now() - started) / 1000).toFixed(0)} s.`;
const figures = `${table}\n\n${about}\n`;
const media = path.join(root, 'media');
mkdirSync(media, {recursive: true});
writeFileSync(path.join(media, 'bench.md'), `<!-- Written by scripts/bench.js (npm run bench); do not edit by hand. -->\n${figures}`);
console.log(figures);
console.log('Written to media/bench.md.');
