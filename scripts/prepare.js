// `npm install` (and `npm ci`) in a clone, and `npm install -g .`, build dist/ so the readme's
// `sudo node dist/cli.js` and `sudo sendmail-harden` work as written. A global install from a
// folder installs no devDependencies, so the bundler is fetched first when it is missing.
import {spawnSync} from 'node:child_process';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const run = (command, args, env = process.env) => {
	const result = spawnSync(command, args, {stdio: 'inherit', env});
	if (result.status !== 0) {
		process.exit(result.status ?? 1);
	}
};

try {
	require.resolve('esbuild');
} catch {
	console.error('sendmail-harden: installing the build tools to build dist/ ...');
	// Into this folder, not where the outer `npm install -g` puts packages: drop its global settings.
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_(global|prefix|location)$/i.test(name)));
	run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-save', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--location=project'], env);
}

run(process.execPath, ['scripts/build.js']);
