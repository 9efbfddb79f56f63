// Whether sendmail can use the files its STARTTLS needs, judged by its own rules: a file it finds
// unsafe drops STARTTLS without a word to the client, and the reason goes only to syslog. Pure:
// the caller stats the files (source/system/starttls-files.ts) and hands the facts in.
//
// The rules come from sendmail's tls.c (inittls) and safefile.c; the tests prove them against the
// installed sendmail (docs/sendmail.md, "STARTTLS file rules"):
// - the server needs ServerCertFile, ServerKeyFile, CACertFile and CACertPath named, each an
//   absolute path ("STARTTLS: ServerCertFile missing" otherwise);
// - the certificate, the key and the CA file must each pass safefile(): a regular file (after
//   symbolic links), in folders no group or other may write (a sticky folder passes under
//   DontBlameSendmail=TrustStickyBit, any group-writable one under GroupWritableDirPathSafe), not
//   group- or world-writable, owned by root, the RunAsUser or the TrustedUser, readable by its owner;
// - the key may not be group- or world-readable; with GroupReadableKeyFile only world-readable
//   counts;
// - the first file that fails ends it, logged as "STARTTLS=server: file PATH unsafe: REASON".
import {optionValue, parseCf, valueAsRead} from './sendmail-cf.js';

/** The STARTTLS options of a cf, as sendmail reads them (the last line wins). */
export type StarttlsOptions = {
	serverCertFile?: string;
	serverKeyFile?: string;
	caCertFile?: string;
	caCertPath?: string;
	dhParameters?: string;
	/** DontBlameSendmail's flags, lower case. */
	dontBlame: ReadonlySet<string>;
	/** RunAsUser and TrustedUser as written (a name or a number), when set. */
	runAsUser?: string;
	trustedUser?: string;
};

export function readStarttlsOptions(cfText: string): StarttlsOptions {
	const document = parseCf(cfText);
	const read = (name: string): string | undefined => {
		const raw = optionValue(document, name);
		const value = raw === undefined ? undefined : valueAsRead(raw).trim();
		return value === '' ? undefined : value;
	};

	const dontBlame = new Set((read('DontBlameSendmail') ?? '').split(/[\s,]+/).filter(flag => flag !== '').map(flag => flag.toLowerCase()));
	const options: StarttlsOptions = {dontBlame};
	const set = <K extends keyof StarttlsOptions>(key: K, value: StarttlsOptions[K] | undefined) => {
		if (value !== undefined) {
			options[key] = value;
		}
	};

	set('serverCertFile', read('ServerCertFile'));
	set('serverKeyFile', read('ServerKeyFile'));
	set('caCertFile', read('CACertFile'));
	set('caCertPath', read('CACertPath'));
	set('dhParameters', read('DHParameters'));
	// RunAsUser may be "user:group"; the user decides whose files count as its own.
	set('runAsUser', read('RunAsUser')?.split(':')[0]);
	set('trustedUser', read('TrustedUser'));
	return options;
}

/** Whether a config sets STARTTLS up at all: it names a server certificate. */
export function namesServerCertificate(cfText: string): boolean {
	return readStarttlsOptions(cfText).serverCertFile !== undefined;
}

/** What stat(2) said about one path, or the error code it gave (ENOENT, EACCES, ...). */
export type PathFacts =
	| {error: string}
	| {kind: 'file' | 'directory' | 'other'; mode: number; uid: number; gid: number};

/** The facts about one file sendmail reads: the file (symbolic links followed) and each folder on its path, from / down. */
export type FileFacts = {
	path: string;
	file: PathFacts;
	/** Each folder from / to the file's own, in order, with what stat said about it. */
	folders: ReadonlyArray<{path: string; facts: PathFacts}>;
};

/** Who sendmail is when it reads the files: uid 0 unless RunAsUser says otherwise; TrustedUser's uid where known. */
export type SendmailIdentity = {uid: number; gid?: number; trustedUid?: number};

/** Who may not read a file: the key's rule is "group and other" (or "other" under GroupReadableKeyFile). */
export type ReadRule = 'group and other' | 'other' | 'anyone may';

// libsm's errstring for sendmail's own codes; errno names stand for the system's text.
const SYSTEM_TEXT: Record<string, string> = {
	ENOENT: 'No such file or directory',
	EACCES: 'Permission denied',
	ENOTDIR: 'Not a directory',
	ELOOP: 'Too many levels of symbolic links',
	ENAMETOOLONG: 'File name too long',
};

const systemText = (code: string) => SYSTEM_TEXT[code] ?? code;

const S_IRUSR = 0o400;
const S_IWGRP = 0o020;
const S_IWOTH = 0o002;
const S_IRGRP = 0o040;
const S_IROTH = 0o004;
const S_ISVTX = 0o1000;

/**
 * safefile() for a file sendmail's STARTTLS reads (flags REGONLY, SAFEDIRPATH, NOGWFILES,
 * NOWWFILES, MUSTOWN, ROOTOK, OPENASROOT; mode S_IRUSR): undefined when it may be used, else
 * sendmail's words for why not ("No such file or directory", "Group writable directory", ...).
 */
export function safefileProblem(facts: FileFacts, identity: SendmailIdentity, dontBlame: ReadonlySet<string>, unreadableBy: ReadRule): string | undefined {
	// safedirpath() first: a folder others may write is fatal under SFF_SAFEDIRPATH.
	const writeBits = dontBlame.has('groupwritabledirpathsafe') ? S_IWOTH : S_IWOTH | S_IWGRP;
	for (const folder of facts.folders) {
		if ('error' in folder.facts) {
			return systemText(folder.facts.error);
		}

		const {mode} = folder.facts;
		const stickyTrusted = dontBlame.has('truststickybit') && (mode & S_ISVTX) !== 0;
		if (!stickyTrusted && (mode & writeBits) !== 0) {
			return (mode & S_IWOTH) === 0 ? 'Group writable directory' : 'World writable directory';
		}
	}

	const file = facts.file;
	if ('error' in file) {
		return systemText(file.error);
	}

	if (file.kind !== 'file') {
		return 'Regular files only';
	}

	if ((file.mode & S_IWGRP) !== 0) {
		return 'Group writable file';
	}

	if ((file.mode & S_IWOTH) !== 0) {
		return 'World writable file';
	}

	if (unreadableBy === 'group and other' && (file.mode & S_IRGRP) !== 0) {
		return 'Group readable file';
	}

	if (unreadableBy !== 'anyone may' && (file.mode & S_IROTH) !== 0) {
		return 'World readable file';
	}

	// Root opens the file as root (OPENASROOT): only the owner's read bit counts. A RunAsUser reads
	// it through the owner, group or other bits (its supplementary groups are not looked at here).
	const {uid, gid, trustedUid} = identity;
	const need = uid === 0 || file.uid === uid ? S_IRUSR : gid !== undefined && file.gid === gid ? S_IRGRP : S_IROTH;

	const owned = file.uid === uid || file.uid === 0 || (trustedUid !== undefined && file.uid === trustedUid);
	return owned && (file.mode & need) === need ? undefined : 'Permission denied';
}

/**
 * Why sendmail would not offer STARTTLS with these options and files, in the words it logs, or
 * undefined when its checks pass. `facts` gives each named file's facts (by path). The order is
 * sendmail's: the names first, then cert, key and CA file; the first failure is the one it logs.
 */
export function starttlsFileProblem(options: StarttlsOptions, facts: ReadonlyMap<string, FileFacts>, identity: SendmailIdentity): string | undefined {
	const named: Array<[string, string | undefined]> = [
		['ServerCertFile', options.serverCertFile],
		['ServerKeyFile', options.serverKeyFile],
		['CACertPath', options.caCertPath],
		['CACertFile', options.caCertFile],
	];
	for (const [name, value] of named) {
		if (value === undefined || !value.startsWith('/')) {
			return `STARTTLS: ${name} missing${value === undefined ? '' : ` (${value} is not an absolute path)`}`;
		}
	}

	// A second file after a comma (a second certificate and key) is checked the same way; the first is judged here.
	const first = (value: string) => value.split(',')[0]!;
	const keyRule: ReadRule = options.dontBlame.has('groupreadablekeyfile') ? 'other' : 'group and other';
	const files: Array<[string, ReadRule]> = [
		[first(options.serverCertFile!), 'anyone may'],
		[first(options.serverKeyFile!), keyRule],
		[options.caCertFile!, 'anyone may'],
	];
	for (const [file, rule] of files) {
		const fileFacts = facts.get(file);
		if (fileFacts === undefined) {
			continue;
		}

		const problem = safefileProblem(fileFacts, identity, options.dontBlame, rule);
		if (problem !== undefined) {
			return `STARTTLS=server: file ${file} unsafe: ${problem}`;
		}
	}

	return undefined;
}

/** The files starttlsFileProblem needs facts about (absolute paths only). */
export function starttlsFilePaths(options: StarttlsOptions): string[] {
	return [options.serverCertFile?.split(',')[0], options.serverKeyFile?.split(',')[0], options.caCertFile]
		.filter((file): file is string => file !== undefined && file.startsWith('/'));
}
