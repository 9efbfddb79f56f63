// Memory for a config at the size cap (4 MiB): a parse holds offsets rather than a copy per line,
// the plan makes all its edits from one parse, and the diff sees only the changed part. Measured as
// the built CLI's peak RSS (/usr/bin/time) over the same command's on the demo config, in multiples
// of the file's size; the bounds sit well above today's figures and well below the old ones.
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {runCliBounded} from './helpers/bounded-run.js';
import {copyDemoConfig} from './helpers/cli.js';

const answers = 'test/fixtures/article-answers.json';
const SIZE = (4 * 1024 * 1024) - 1024;
const commands = {audit: ['audit'], 'dry-run': ['--dry-run', '--answers', answers]} as const;

/** The demo config padded to SIZE bytes with `line` repeated (and one comment line to fill up). */
function bigConfig(line: string): {folder: string; cfPath: string} {
	const {folder, cfPath} = copyDemoConfig();
	const cf = readFileSync(cfPath, 'latin1');
	const count = Math.floor((SIZE - cf.length - 2) / line.length);
	const padded = cf + line.repeat(count) + '#'.repeat(SIZE - cf.length - (count * line.length) - 1) + '\n';
	assert.equal(padded.length, SIZE);
	writeFileSync(cfPath, padded, 'latin1');
	return {folder, cfPath};
}

async function peakKb(cfPath: string, folder: string, args: readonly string[]): Promise<number> {
	const run = await runCliBounded(['--config', cfPath, ...args], {
		env: {SENDMAIL_HARDEN_STATE_DIR: path.join(folder, 'state'), XDG_CONFIG_HOME: path.join(folder, 'xdg'), HOME: folder},
		timeLimitMs: 120_000,
		memoryLimitKb: 900_000,
	});
	assert.equal(run.stopped, undefined, `stopped for its ${run.stopped ?? ''}`);
	// audit exits 1 when the config is not hardened; anything else is a failure to read it.
	assert.ok(run.status === 0 || (args[0] === 'audit' && run.status === 1), `exit ${run.status}: ${run.stderr}`);
	assert.ok(run.peakKb !== undefined);
	return run.peakKb;
}

const configs = [
	// 100k comment lines: the lines alone. Was 52 MB (audit) and 225 MB (--dry-run) over the demo's.
	{name: 'comment lines', line: '# padding: a comment line sendmail skips\n', times: 30},
	// 137k PrivacyOptions lines, each an option the plan comments out. Was 195 and 600 MB over.
	{name: 'PrivacyOptions lines', line: 'O PrivacyOptions=authwarnings\n', times: 80},
];

for (const {name, line, times} of configs) {
	test(`4 MiB of ${name}: audit and --dry-run stay under the demo's peak memory + ${times}x the file`, async t => {
		const demo = copyDemoConfig();
		const big = bigConfig(line);
		for (const [command, args] of Object.entries(commands)) {
			const baseline = await peakKb(demo.cfPath, demo.folder, args);
			const peak = await peakKb(big.cfPath, big.folder, args);
			const overMb = (peak - baseline) / 1024;
			t.diagnostic(`${command}: ${Math.round(overMb)} MB over the demo config's ${Math.round(baseline / 1024)} MB, ${(overMb / (SIZE / 1024 / 1024)).toFixed(1)}x the file`);
			assert.ok(peak - baseline < times * SIZE / 1024, `${command} peaked at ${peak} kB, ${peak - baseline} kB over the demo config's ${baseline} kB`);
		}
	});
}
