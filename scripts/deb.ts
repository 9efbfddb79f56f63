// Builds dist/sendmail-harden_VERSION_amd64.deb from the single executable (`npm run deb` builds
// it first): /usr/sbin/sendmail-harden, its manual page and bash completion (made from the
// executable's own --help texts, scripts/package-files.ts), the copyright and a changelog.
// `--output FILE` writes it elsewhere. The same commit gives the same bytes: every date in it is
// the commit's (or SOURCE_DATE_EPOCH's).
//
// Depends: only the shared libraries the executable links (dpkg-shlibdeps reads them). Not
// sendmail-bin: the package is also for an admin's workstation, where `verify --host` checks a
// remote server and `explain` needs nothing; where sendmail is missing the commands that need it
// say so. Suggests sendmail-bin and m4 (m4 for hosts that build sendmail.cf from sendmail.mc).
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {createHash} from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {gzipSync, constants} from 'node:zlib';
import {PRIVACY_FLAG_NAMES} from '../source/core/privacy-flag-names.js';
import {SETTINGS} from '../source/settings/registry.js';
import {bashCompletion, manPage, type HelpText} from './package-files.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {version: string; description: string; author: string; license: string};
const single = path.join(root, 'dist', 'sendmail-harden-linux-x64');
const debVersion = `${pkg.version}-1`;
const outputAt = process.argv.indexOf('--output');
const output = outputAt === -1 ? path.join(root, 'dist', `sendmail-harden_${debVersion}_amd64.deb`) : path.resolve(process.argv[outputAt + 1] ?? '');

function fail(message: string): never {
	process.stderr.write(`deb: ${message}\n`);
	process.exit(2);
}

if (!existsSync(single)) {
	fail(`${path.relative(root, single)} is missing; run \`npm run deb\` (it builds the single file first)`);
}

for (const tool of ['dpkg-deb', 'dpkg-shlibdeps']) {
	if (spawnSync(tool, ['--version'], {stdio: 'ignore'}).status !== 0) {
		fail(`${tool} is missing (Debian: apt-get install dpkg-dev)`);
	}
}

const epoch = Number(process.env['SOURCE_DATE_EPOCH'] ?? spawnSync('git', ['log', '-1', '--format=%ct'], {cwd: root, encoding: 'utf8'}).stdout.trim());
if (!Number.isInteger(epoch) || epoch <= 0) {
	fail('no date for the package: set SOURCE_DATE_EPOCH, or build in a git checkout');
}

const date = new Date(epoch * 1000);
const env = {...process.env, SENDMAIL_HARDEN_CODE_CACHE: 'off', LANG: 'C', COLUMNS: '80', SOURCE_DATE_EPOCH: String(epoch)};
const helpOf = (args: string[]) => execFileSync(single, [...args, '--help'], {encoding: 'utf8', env});
const commands = ['audit', 'rollback', 'verify', 'explain', 'presets', 'report'];
const helps: HelpText[] = [{text: helpOf([])}, ...commands.map(command => ({command, text: helpOf([command])}))];
const explainWords = [...PRIVACY_FLAG_NAMES, ...SETTINGS.map(setting => setting.key)];

const stage = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-deb-'));
chmodSync(stage, 0o755);
try {
	const put = (file: string, content: Buffer | string, mode = 0o644) => {
		const target = path.join(stage, file);
		mkdirSync(path.dirname(target), {recursive: true, mode: 0o755});
		writeFileSync(target, content);
		chmodSync(target, mode);
	};

	const gzip = (text: string) => gzipSync(text, {level: constants.Z_BEST_COMPRESSION});
	mkdirSync(path.join(stage, 'usr', 'sbin'), {recursive: true});
	copyFileSync(single, path.join(stage, 'usr/sbin/sendmail-harden'));
	chmodSync(path.join(stage, 'usr/sbin/sendmail-harden'), 0o755);
	// gzip without a name or time in its header (as gzip -n): the same text, the same bytes.
	put('usr/share/man/man8/sendmail-harden.8.gz', gzip(manPage(helps, {version: pkg.version, date: date.toISOString().slice(0, 10), description: pkg.description})));
	put('usr/share/bash-completion/completions/sendmail-harden', bashCompletion(helps, explainWords));
	put('usr/share/doc/sendmail-harden/copyright', copyright());
	put('usr/share/lintian/overrides/sendmail-harden', [
		'# The executable is Node.js\'s own binary with the program inside: Node links its own copy of',
		'# zlib (with its SIMD changes) statically, and is built without PIE; neither can change here',
		'# without rebuilding Node.',
		'sendmail-harden: embedded-library zlib [usr/sbin/sendmail-harden]',
		'sendmail-harden: hardening-no-pie [usr/sbin/sendmail-harden]',
		'# The package is built from the project\'s own repository, not uploaded to Debian: no ITP bug.',
		'sendmail-harden: initial-upload-closes-no-bugs [usr/share/doc/sendmail-harden/changelog.Debian.gz:1]',
		'',
	].join('\n'));
	put('usr/share/doc/sendmail-harden/changelog.Debian.gz', gzip([
		`sendmail-harden (${debVersion}) unstable; urgency=medium`,
		'',
		`  * Package of sendmail-harden ${pkg.version}, built from its single executable.`,
		'',
		` -- ${pkg.author}  ${date.toUTCString().replace(/GMT$/, '+0000')}`,
		'',
	].join('\n')));

	const depends = shlibDepends();
	const files = listFiles(stage);
	const installedKb = files.reduce((sum, file) => sum + Math.ceil(statSync(path.join(stage, file)).size / 1024), 0);
	put('DEBIAN/control', [
		'Package: sendmail-harden',
		`Version: ${debVersion}`,
		'Architecture: amd64',
		`Maintainer: ${pkg.author}`,
		`Installed-Size: ${installedKb}`,
		`Depends: ${depends}`,
		'Suggests: sendmail-bin, m4',
		'Section: admin',
		'Priority: optional',
		`Description: ${pkg.description.replace(/^A /, '').replace(/, safely,.*$/, '')}`,
		' A terminal wizard, and the same answers without it, for an administrator',
		' hardening a sendmail server: the version in the greeting, message limits,',
		' PrivacyOptions and more, each explained. It shows the exact lines that',
		' change and what clients will see, as the installed sendmail answers for',
		' the new file, then writes sendmail.cf with a backup and a way back.',
		' .',
		' The program is one executable with its own Node.js runtime inside.',
		'',
	].join('\n'));
	put('DEBIAN/md5sums', files.map(file => `${createHash('md5').update(readFileSync(path.join(stage, file))).digest('hex')}  ${file}\n`).join(''));

	for (const entry of [...listFiles(stage, true), '.']) {
		utimesSync(path.join(stage, entry), date, date);
	}

	const partial = `${output}.partial`;
	const built = spawnSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, partial], {encoding: 'utf8', env});
	if (built.status !== 0) {
		fail(`dpkg-deb failed: ${(built.stderr || built.stdout).trim()}`);
	}

	renameSync(partial, output);
	process.stdout.write(`deb: ${path.relative(root, output)}, ${(statSync(output).size / 1024 / 1024).toFixed(1)} MB\n`);
} finally {
	rmSync(stage, {recursive: true, force: true});
}

/** Every file under folder (relative, sorted); with dirs, the folders too. */
function listFiles(folder: string, dirs = false): string[] {
	const found: string[] = [];
	const walk = (relative: string) => {
		for (const name of readdirSync(path.join(folder, relative)).sort()) {
			const entry = relative === '' ? name : `${relative}/${name}`;
			if (statSync(path.join(folder, entry)).isDirectory()) {
				if (dirs) {
					found.push(entry);
				}

				walk(entry);
			} else if (dirs || !entry.startsWith('DEBIAN/')) {
				found.push(entry);
			}
		}
	};

	walk('');
	return found;
}

/** The Depends of the shared libraries the executable links, as dpkg-shlibdeps reads them. */
function shlibDepends(): string {
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-shlibs-'));
	try {
		mkdirSync(path.join(scratch, 'debian'));
		writeFileSync(path.join(scratch, 'debian', 'control'), 'Source: sendmail-harden\n\nPackage: sendmail-harden\nArchitecture: amd64\n');
		const run = spawnSync('dpkg-shlibdeps', ['-O', `-e${path.join(stage, 'usr/sbin/sendmail-harden')}`], {cwd: scratch, encoding: 'utf8'});
		const line = /^shlibs:Depends=(.*)$/m.exec(run.stdout)?.[1];
		if (run.status !== 0 || line === undefined) {
			fail(`dpkg-shlibdeps failed: ${run.stderr.trim()}`);
		}

		return line;
	} finally {
		rmSync(scratch, {recursive: true, force: true});
	}
}

function copyright(): string {
	return [
		'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
		'Upstream-Name: sendmail-harden',
		'',
		'Files: *',
		`Copyright: ${date.getUTCFullYear()} ${pkg.author}`,
		`License: ${pkg.license}`,
		'',
		'Files: usr/sbin/sendmail-harden',
		'Copyright: Node.js contributors and the authors of the libraries it bundles;',
		' the authors of ink, react, yoga-layout, conf, diff and their dependencies',
		'Comment: The executable holds a Node.js runtime (MIT, with bundled components',
		' under their own terms: https://github.com/nodejs/node/blob/main/LICENSE) and',
		' the program\'s JavaScript dependencies, each under the MIT licence or a',
		' compatible one (see their package.json in the npm registry).',
		'License: MIT',
		'',
		'License: MIT',
		' Permission is hereby granted, free of charge, to any person obtaining a copy',
		' of this software and associated documentation files (the "Software"), to deal',
		' in the Software without restriction, including without limitation the rights',
		' to use, copy, modify, merge, publish, distribute, sublicense, and/or sell',
		' copies of the Software, and to permit persons to whom the Software is',
		' furnished to do so, subject to the following conditions:',
		' .',
		' The above copyright notice and this permission notice shall be included in',
		' all copies or substantial portions of the Software.',
		' .',
		' THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR',
		' IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,',
		' FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE',
		' AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER',
		' LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,',
		' OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE',
		' SOFTWARE.',
		'',
	].join('\n');
}
