#!/usr/bin/env node
'use strict';
// The program's entry, for the npm package (dist/cli.js) and the single executable alike: it runs
// the one CommonJS bundle through vm.Script with V8's cached data (compiled code from an earlier
// run), so a start skips most of the parsing and compiling. scripts/build.js fills in the bundle's
// hash. Cached data is code, so it is read from and written to a folder that only the running user
// can write (XDG_CACHE_HOME or ~/.cache, then sendmail-harden); a cache made for another bundle,
// another node or other V8 flags is ignored and replaced. A damaged one (a disk error, a torn write)
// is rejected and replaced too, never run: see verifyCachedData.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

// The hash of this launcher and the bundle, filled in by scripts/build.js.
const BUNDLE_HASH = '@BUNDLE_HASH@';
const MAGIC = 'sendmail-harden code cache 2\n';

let sea;
try {
	sea = require('node:sea');
} catch {
	// Node without single executable applications: the npm package.
}

const inSea = sea !== undefined && sea.isSea();
// Where the npm package keeps what the single executable carries as assets.
const packageFiles = {
	'bundle.cjs': 'bundle.cjs',
	'yoga.wasm': 'yoga.wasm',
	'demo/sendmail.cf': '../source/demo/sendmail.cf',
	'demo/helpfile': '../source/demo/helpfile',
};

function readAsset(name) {
	if (!Object.hasOwn(packageFiles, name)) {
		throw new Error(`no bundled file ${name}`);
	}

	return inSea ? Buffer.from(sea.getAsset(name)) : fs.readFileSync(path.join(__dirname, packageFiles[name]));
}

/**
 * An asset only read, here: in the single executable, its bytes where they lie in the file
 * (read-only memory, never to be written) instead of a copy; the bundle's megabyte once less.
 */
function viewAsset(name) {
	return inSea ? Buffer.from(sea.getRawAsset(name)) : readAsset(name);
}

/** A short, stable text for what makes V8 reject cached data: node's version, platform and flags. */
function runtimeKey() {
	const text = [process.version, process.arch, process.platform, process.execArgv.join(' '), process.env.NODE_OPTIONS ?? ''].join('\0');
	// FNV-1a: node:crypto costs more to load than this takes.
	let hash = 0x81_1C_9D_C5;
	for (let index = 0; index < text.length; index++) {
		hash ^= text.charCodeAt(index);
		hash = Math.imul(hash, 0x01_00_01_93) >>> 0;
	}

	return `${process.version}-${process.arch}-${hash.toString(16).padStart(8, '0')}`;
}

function cacheFolder() {
	const base = process.env.XDG_CACHE_HOME;
	const home = base !== undefined && path.isAbsolute(base) ? base : path.join(require('node:os').homedir(), '.cache');
	return path.join(home, 'sendmail-harden');
}

const uid = typeof process.getuid === 'function' ? process.getuid() : -1;

/** True when only the running user can change what is in the folder (or the file). */
function ownedAndPrivate(stats) {
	return stats.uid === uid && (stats.mode & 0o022) === 0;
}

function safeFolder(folder) {
	try {
		const stats = fs.lstatSync(folder);
		return stats.isDirectory() && ownedAndPrivate(stats);
	} catch {
		return false;
	}
}

const folder = cacheFolder();
const cacheFile = path.join(folder, `${BUNDLE_HASH}-${runtimeKey()}.bin`);
const header = `${MAGIC}${BUNDLE_HASH}\n${runtimeKey()}\n`;

// SENDMAIL_HARDEN_CODE_CACHE=off runs without the cache; =report says on stderr what became of it.
const cacheMode = process.env.SENDMAIL_HARDEN_CODE_CACHE;
let cacheState = 'absent';
let cacheMadeBy;
let cacheWrite = 'not written';

function readCache() {
	if (cacheMode === 'off') {
		cacheState = 'off';
		return undefined;
	}

	if (!fs.existsSync(folder)) {
		return undefined;
	}

	if (!safeFolder(folder)) {
		cacheState = 'not used: the folder is not private to this user';
		return undefined;
	}

	let fd;
	try {
		fd = fs.openSync(cacheFile, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
		const stats = fs.fstatSync(fd);
		if (!stats.isFile() || !ownedAndPrivate(stats) || stats.size > 64 * 1024 * 1024) {
			cacheState = 'not used: the file is not private to this user';
			return undefined;
		}

		const data = fs.readFileSync(fd);
		// The header names the bundle and runtime the data was made for: a file renamed, copied
		// or left by another build is not handed to V8.
		const headerBytes = Buffer.from(header, 'latin1');
		if (data.length <= headerBytes.length || !data.subarray(0, headerBytes.length).equals(headerBytes)) {
			cacheState = 'stale: made for another bundle or runtime';
			return undefined;
		}

		// Then who made it: the wizard's first screen (w) or a command run to its end (c).
		return {data: data.subarray(headerBytes.length + 1), madeBy: data[headerBytes.length] === 0x77 ? 'wizard' : 'command'};
	} catch (error) {
		// ENOENT: no cache yet; ELOOP: a symbolic link, not followed.
		if (error.code !== 'ENOENT') {
			cacheState = `not used: ${error.code ?? error.message}`;
		}

		return undefined;
	} finally {
		if (fd !== undefined) {
			fs.closeSync(fd);
		}
	}
}

function writeCache(script, madeBy) {
	if (cacheMode === 'off' || uid === -1) {
		return;
	}

	try {
		fs.mkdirSync(folder, {recursive: true, mode: 0o700});
		if (!safeFolder(folder)) {
			cacheWrite = 'not written: the folder is not private to this user';
			return;
		}

		const temporary = path.join(folder, `.${process.pid}-${Date.now()}.tmp`);
		const fd = fs.openSync(temporary, 'wx', 0o600);
		try {
			fs.writeSync(fd, `${header}${madeBy === 'wizard' ? 'w' : 'c'}`, null, 'latin1');
			fs.writeSync(fd, script.createCachedData());
		} finally {
			fs.closeSync(fd);
		}

		fs.renameSync(temporary, cacheFile);
		cacheWrite = 'written';
		// Caches of earlier versions are of no more use once this one has its own.
		for (const name of fs.readdirSync(folder)) {
			if (/^[\da-f]{16}-.*\.bin$/.test(name) && !name.startsWith(`${BUNDLE_HASH}-`)) {
				fs.rmSync(path.join(folder, name), {force: true});
			}
		}
	} catch {
		// A cache is only a speed-up: a full disk or a read-only home changes nothing else.
	}
}

/**
 * Cached data carries a checksum of all of it in its own header, but V8 checks it only when
 * --verify-snapshot-checksum is on (it is off in release builds); without it, V8 checks the header
 * alone and deserializes whatever follows, so a few flipped bytes anywhere in the data crash every
 * start (a failed CHECK, or SIGSEGV). On, V8 rejects such data and the launcher writes a new cache.
 * Checked natively it costs well under a millisecond; node:v8 (loaded here instead of after the
 * first screen) about 4 ms, less than node:crypto for a sha256 of our own. The flag is part of
 * what V8 compares cached data against, so every run sets it, the ones that write the cache too.
 */
function verifyCachedData() {
	require('node:v8').setFlagsFromString('--verify-snapshot-checksum');
}

const bundleName = inSea ? path.join(path.dirname(process.execPath), 'sendmail-harden.bundle.cjs') : path.join(__dirname, 'bundle.cjs');
const source = viewAsset('bundle.cjs').toString('latin1');
// The bundle is one function expression, (function (exports, require, module, __filename, __dirname) {...}).
const script = (() => {
	// V8 copies what it uses of the cached data: the megabyte read here is not kept.
	if (cacheMode !== 'off') {
		verifyCachedData();
	}

	const cache = readCache();
	const compiled = new vm.Script(source, {filename: bundleName, cachedData: cache?.data});
	if (cache !== undefined) {
		// Rejected: made by another V8 build, or damaged (its checksum differs).
		cacheState = compiled.cachedDataRejected ? 'rejected by V8' : 'used';
		cacheMadeBy = compiled.cachedDataRejected ? undefined : cache.madeBy;
	}

	return compiled;
})();
const accepted = cacheMadeBy !== undefined;

// A command replaces only a missing or rejected cache. The wizard also replaces one a command
// made: that one lacks the code of the first screen, which is where a fast start shows.
let cacheWritten = accepted;
let wizardCacheCurrent = cacheMadeBy === 'wizard';
const saveCache = madeBy => {
	if (madeBy === 'wizard' ? wizardCacheCurrent : cacheWritten) {
		return;
	}

	cacheWritten = true;
	wizardCacheCurrent = true;
	writeCache(script, madeBy);
};

let yogaModule;
globalThis[Symbol.for('sendmail-harden.launcher')] = {
	readAsset,
	/** yoga's wasm, compiled once and instantiated synchronously by the bundle. */
	yogaModule() {
		yogaModule ??= new WebAssembly.Module(viewAsset('yoga.wasm'));
		return yogaModule;
	},
	/**
	 * The wizard drew its first screen: the functions it ran are compiled now, keep them. Made at
	 * once, the cache holds the first screen's code and little else (what runs later, such as the
	 * preset store, compiles when it is needed): a third smaller, and quicker for V8 to load.
	 */
	firstScreen() {
		saveCache('wizard');
		// Two flags for the rest of the run, set only after the cache is made (V8 rejects cached
		// data made under other flags, and these change them). The young generation keeps its
		// size instead of doubling as start-up grew it. And no optimizing compiler: a key's work
		// is small, and TurboFan's compile jobs cost about 6 MB of the peak (their zones, on
		// worker threads) for code that runs a few times; the first screen's time is unchanged.
		const v8 = require('node:v8');
		v8.setFlagsFromString('--semi-space-growth-factor=1');
		v8.setFlagsFromString('--no-opt');
	},
};
// Commands without a screen keep theirs when they end.
process.once('exit', () => {
	saveCache('command');
	if (cacheMode === 'report') {
		fs.writeSync(2, `code cache: ${cacheState}; ${cacheWrite}: ${cacheFile}\n`);
	}
});

const bundleModule = {exports: {}};
script.runInThisContext()(bundleModule.exports, require, bundleModule, bundleName, path.dirname(bundleName));
