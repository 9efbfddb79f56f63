// Builds every example .mc that the sendmail-cf package ships into a .cf three ways (Debian's
// `m4 ../m4/cf.m4 X.mc`, RHEL's include-and-strip-the-stamp, FreeBSD's `m4 -D_CF_DIR_=`), once:
// into a folder of os.tmpdir() named by a hash of the cf tree (names, sizes, times), m4's version
// and this file, so every test file of a run, and later runs, read the same builds. m4 runs a few
// at a time; the folder appears by one rename, so test files started together never see half of it.
// `node scripts/example-configs.js` builds it and prints its path (scripts/run-tests.js does that
// once before the tests); test/helpers/sendmail.ts reads it.
import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const exampleCfFolder = '/usr/share/sendmail/cf/cf';
const cfDir = path.dirname(exampleCfFolder);
export const layouts = ['debian', 'rhel', 'freebsd'];

/** The folder the builds of this cf tree and m4 go to (it exists only once complete). */
export function exampleConfigsFolder() {
	const hash = createHash('sha256');
	hash.update(readFileSync(fileURLToPath(import.meta.url)));
	hash.update(spawnSync('m4', ['--version'], {encoding: 'latin1'}).stdout ?? 'no m4');
	for (const name of readdirSync(cfDir, {recursive: true}).map(String).sort()) {
		const stat = statSync(path.join(cfDir, name));
		hash.update(`${name}\0${stat.size}\0${stat.mtimeMs}\n`);
	}

	return path.join(os.tmpdir(), `sendmail-harden-examples-${hash.digest('hex').slice(0, 16)}`);
}

function run(command, args, cwd) {
	return new Promise(resolve => {
		const child = spawn(command, args, {cwd, stdio: ['ignore', 'pipe', 'pipe']});
		const out = [];
		let stderr = '';
		child.stdout.on('data', chunk => out.push(chunk));
		child.stderr.on('data', chunk => {
			stderr += chunk.toString('latin1');
		});
		child.on('error', error => {
			resolve({status: null, stdout: Buffer.alloc(0), stderr: error.message});
		});
		child.on('close', status => {
			resolve({status, stdout: Buffer.concat(out), stderr});
		});
	});
}

/** The .cf text of one build, or {error} with m4's complaint. */
async function buildOne(mcName, layout, scratch) {
	if (layout === 'debian') {
		const result = await run('m4', ['../m4/cf.m4', mcName], exampleCfFolder);
		return result.status === 0 ? {text: result.stdout} : {error: result.stderr};
	}

	if (layout === 'freebsd') {
		const result = await run('m4', [`-D_CF_DIR_=${cfDir}/`, `${cfDir}/m4/cf.m4`, mcName], exampleCfFolder);
		return result.status === 0 ? {text: result.stdout} : {error: result.stderr};
	}

	// rhel: the .mc includes cf.m4 itself, `m4 sendmail.mc > sendmail.cf` runs in its folder, and
	// the RPM's sendmail.spec strips the stamp with `sed -i '/##### built by.*on/,+3d' sendmail.cf`.
	const folder = path.join(scratch, `rhel-${mcName}`);
	mkdirSync(folder);
	const mc = `include(\`${cfDir}/m4/cf.m4')dnl\n${readFileSync(path.join(exampleCfFolder, mcName), 'latin1')}`;
	writeFileSync(path.join(folder, 'sendmail.mc'), mc, 'latin1');
	const result = await run('m4', ['sendmail.mc'], folder);
	if (result.status !== 0) {
		return {error: result.stderr};
	}

	writeFileSync(path.join(folder, 'sendmail.cf'), result.stdout);
	const sed = await run('sed', ['-i', '/##### built by.*on/,+3d', 'sendmail.cf'], folder);
	if (sed.status !== 0) {
		return {error: `sed failed: ${sed.stderr}`};
	}

	return {text: readFileSync(path.join(folder, 'sendmail.cf'))};
}

/**
 * Builds the folder unless it is there: `<layout>/<name>.mc.cf` for each build, or
 * `<layout>/<name>.mc.error` holding m4's complaint. Returns its path.
 */
export async function buildExampleConfigs({concurrency = 4} = {}) {
	const folder = exampleConfigsFolder();
	if (existsSync(folder)) {
		return folder;
	}

	const partial = mkdtempSync(`${folder}.partial-`);
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-rhel-'));
	try {
		const jobs = [];
		for (const layout of layouts) {
			mkdirSync(path.join(partial, layout));
			for (const mcName of readdirSync(exampleCfFolder).filter(name => name.endsWith('.mc')).sort()) {
				jobs.push({mcName, layout});
			}
		}

		let next = 0;
		const worker = async () => {
			while (next < jobs.length) {
				const {mcName, layout} = jobs[next++];
				const built = await buildOne(mcName, layout, scratch);
				const base = path.join(partial, layout, mcName);
				if (built.text === undefined) {
					writeFileSync(`${base}.error`, built.error, 'latin1');
				} else {
					writeFileSync(`${base}.cf`, built.text);
				}
			}
		};

		await Promise.all(Array.from({length: concurrency}, worker));
		try {
			renameSync(partial, folder);
		} catch (error) {
			// Another test file finished the same builds first: theirs serve.
			if (!existsSync(folder)) {
				throw error;
			}
		}
	} finally {
		rmSync(partial, {recursive: true, force: true});
		rmSync(scratch, {recursive: true, force: true});
	}

	return folder;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	process.stdout.write(`${await buildExampleConfigs()}\n`);
}
