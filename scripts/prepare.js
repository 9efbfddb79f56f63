// `npm install` (and `npm ci`) in a clone, and `npm install -g .`, build dist/ so the readme's
// `sudo node dist/cli.js` and `sudo sendmail-harden` work as written. A global install from a
// folder installs no devDependencies, so the bundler is fetched first when it is missing.
import {spawnSync} from 'node:child_process';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const run = (command, args) => {
	const result = spawnSync(command, args, {stdio: 'inherit'});
	if (result.status !== 0) {
		process.exit(result.status ?? 1);
	}
};

try {
	require.resolve('esbuild');
} catch {
	console.error('sendmail-harden: installing the build tools to build dist/ ...');
	run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-save', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
}

run(process.execPath, ['scripts/build.js']);
