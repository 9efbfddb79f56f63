// Runs every test/**/*.test.ts(x) with node's own test runner (Node 20 has no --test globs).
import {readdirSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import path from 'node:path';

const only = process.argv.slice(2);
const files = readdirSync('test', {recursive: true})
	.map(String)
	.filter(name => /\.test\.tsx?$/.test(name))
	.map(name => path.join('test', name))
	.filter(file => only.length === 0 || only.some(part => file.includes(part)))
	.sort();

const result = spawnSync(
	process.execPath,
	['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
	{stdio: 'inherit', env: {...process.env, NODE_ENV: 'test'}},
);
process.exit(result.status ?? 1);
