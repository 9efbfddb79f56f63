// The access map on disk: reading its source for the plan, and rebuilding its .db the host's way
// (Debian's Makefile: `makemap hash /etc/mail/access.new.db < /etc/mail/access`, then chown
// smmta:smmsp, chmod 0640, mv). The tool never runs make: makemap runs as root on a copy of the
// new source that root wrote in a private folder, so nothing the mail user owns is read by it or
// written through; the .db it builds is then one more file of the plan, written atomically with
// the owner and mode the old .db had, backed up and rolled back with the set (write-changes.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import {accessMapSpec, type AccessMapState} from '../core/access-map.js';
import type {FileChange, Plan} from '../core/plan.js';
import {fail, ok, type Result} from '../core/result.js';
import {safeLine} from '../core/sanitize.js';
import {privateFolder} from './rehearsal.js';
import {describeError, readRegularFile} from './safe-write.js';
import {runProgram, type ProgramRun} from './run-program.js';
import {readTrustedFile} from './trust.js';
import {ENCODING, toBytes} from './read-files.js';

// An access map's source is a few KiB; a larger one is not read whole.
const MAX_SOURCE_BYTES = 1024 * 1024;
const MAKEMAP_TIMEOUT_MS = 30_000;

/** The access map's source the cf names, read through the trust rule; undefined where the cf names none. */
export async function readAccessMap(cfText: string): Promise<AccessMapState> {
	const spec = accessMapSpec(cfText);
	if (spec === undefined) {
		return undefined;
	}

	if ('problem' in spec) {
		return {path: '', problem: spec.problem};
	}

	try {
		const {bytes} = await readTrustedFile(spec.path, MAX_SOURCE_BYTES);
		return {...spec, text: bytes.toString(ENCODING)};
	} catch (error) {
		return {path: spec.path, problem: describeError(error, spec.path, 'read')};
	}
}

/** Runs makemap with `input` on its standard input, within a time limit; never through a shell. */
async function runMakemap(args: string[], input: Buffer, cwd: string, env: NodeJS.ProcessEnv): Promise<ProgramRun> {
	// makemap lives in /usr/sbin, which a PATH without the sbin folders (sudo's, cron's) misses: they
	// are searched after the PATH given.
	const PATH = [env['PATH'], '/usr/sbin', '/usr/bin', '/sbin', '/bin'].filter(Boolean).join(':');
	return runProgram('makemap', args, {cwd, env: {...env, PATH}, timeoutMs: MAKEMAP_TIMEOUT_MS, input});
}

/**
 * The map makemap builds from the new source text, and the .db on disk it replaces, as a plan's
 * file change. The .db is read without the trust rule (Debian's belongs to smmta): its bytes are
 * only kept as the backup and put back on rollback, never read as input; a link or anything but a
 * regular file there is refused.
 */
export async function rebuildAccessDb(source: FileChange, cfText: string, env: NodeJS.ProcessEnv): Promise<Result<FileChange>> {
	const spec = accessMapSpec(cfText);
	if (spec === undefined || 'problem' in spec || spec.path !== source.path) {
		return fail(`cannot tell which map ${source.path} builds (the cf's Kaccess line); nothing was written`);
	}

	let current: Buffer;
	try {
		current = (await readRegularFile(spec.dbPath)).bytes;
	} catch (error) {
		return fail(`${describeError(error, spec.dbPath, 'read')} (the map built from ${spec.path}): build it first (makemap ${spec.type} ${spec.path} < ${spec.path}); nothing was written`);
	}

	const folder = await privateFolder(env);
	if (!folder.ok) {
		return fail(`${folder.error}; nothing was written`);
	}

	try {
		const mapName = path.join(folder.value, 'access');
		const command = `makemap ${spec.type} ${spec.path} < ${spec.path}`;
		const run = await runMakemap([spec.type, mapName], toBytes(source.after), folder.value, env);
		if (run.code !== 0) {
			const said = safeLine(run.stderr.trim().split('\n')[0] ?? '');
			const why = run.timedOut ? `did not finish in ${MAKEMAP_TIMEOUT_MS / 1000} s` : run.error === undefined ? `exited with ${run.code ?? 'a signal'}${said === '' ? '' : `: ${said}`}` : `could not be run (${run.error.code ?? run.error.message})`;
			return fail(`${command} (on a copy of the new ${spec.path}) ${why}; nothing was written`);
		}

		let built: Buffer;
		try {
			built = (await readRegularFile(`${mapName}.db`)).bytes;
		} catch (error) {
			return fail(`${command} (on a copy) left no map: ${describeError(error, `${mapName}.db`, 'read')}; nothing was written`);
		}

		return ok({role: 'accessdb', path: spec.dbPath, before: current.toString(ENCODING), after: built.toString(ENCODING)});
	} finally {
		await fs.rm(folder.value, {recursive: true, force: true});
	}
}

/** The plan with the access map's .db rebuilt from its new source, where the plan edits the source. */
export async function withAccessDb(plan: Plan, cfText: string, env: NodeJS.ProcessEnv = process.env): Promise<Result<Plan>> {
	const source = plan.files.find(file => file.role === 'access');
	if (source === undefined) {
		return ok(plan);
	}

	const db = await rebuildAccessDb(source, cfText, env);
	if (!db.ok) {
		return db;
	}

	const spec = accessMapSpec(cfText) as {type: string};
	return ok({
		...plan,
		files: [...plan.files, db.value],
		notes: [...plan.notes, `${db.value.path} is rebuilt from ${source.path} the host's way (makemap ${spec.type} on a copy of the new file, as root), and both are backed up and rolled back with the set`],
	});
}
