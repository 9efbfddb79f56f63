// How each system builds sendmail.cf from its .mc and installs it: where the .mc is, what m4 is
// given, what rebuilds the .cf behind the admin's back. One place for the plan, `audit` and the
// readme's "sendmail.mc" section. Pure: the caller reads the files and passes their text in.
import path from 'node:path';

export type LayoutId = 'debian' | 'rhel' | 'freebsd' | 'solaris' | 'm4';

export type SendmailLayout = {
	id: LayoutId;
	/** The systems, in the admin's words. */
	name: string;
	/** Where the .mc is and how the .cf is built from it and installed. */
	builds: string;
	/** What the admin runs after editing the .mc. */
	rebuild: string;
	/** What rebuilds the .cf without being asked, and so undoes a .cf-only edit. */
	undoneBy: string;
	/** What the tests prove for this layout. */
	tested: string;
};

export const LAYOUTS: Readonly<Record<LayoutId, SendmailLayout>> = {
	debian: {
		id: 'debian',
		name: 'Debian, Ubuntu',
		builds: '/etc/mail/sendmail.mc includes cf.m4 itself; /etc/mail/Makefile builds sendmail.cf with m4 and appends the .mc as comments',
		rebuild: 'make -C /etc/mail (or sendmailconfig)',
		undoneBy: 'sendmailconfig, make -C /etc/mail, and the init script when the .mc is newer than the .cf',
		tested: 'Debian 12\'s own sendmail.mc and Makefile, built and loaded by the installed sendmail 8.17.1.9',
	},
	rhel: {
		id: 'rhel',
		name: 'RHEL, CentOS, Fedora, Rocky, Alma',
		builds: '/etc/mail/sendmail.mc includes /usr/share/sendmail-cf/m4/cf.m4; /etc/mail/make (or the Makefile) runs m4 sendmail.mc > sendmail.cf; the RPM ships a .cf without the "##### built by" lines',
		rebuild: 'make -C /etc/mail (needs the sendmail-cf package)',
		undoneBy: 'the sendmail service, which runs /etc/mail/make before it starts and rebuilds when the .mc is newer than the .cf',
		tested: 'a folder laid out as the RPM leaves it (the example .mc files, their .cf with the stamp lines removed by Fedora\'s sed, its Makefile rules), built with Debian\'s m4 and cf files',
	},
	freebsd: {
		id: 'freebsd',
		name: 'FreeBSD',
		builds: '/etc/mail/Makefile builds $(hostname).mc (or SENDMAIL_MC from /etc/make.conf) with m4 -D_CF_DIR_=/usr/share/sendmail/cf/ cf.m4, copying freebsd.mc to $(hostname).mc when that is missing; make install copies the result to sendmail.cf',
		rebuild: 'cd /etc/mail && make install',
		undoneBy: 'cd /etc/mail && make install (the way the handbook and /etc/mail/Makefile tell admins to apply any change)',
		tested: 'a folder with freebsd.mc, FreeBSD\'s Makefile rules and sendmail.cf and no $(hostname).mc, built with Debian\'s m4 and cf files',
	},
	solaris: {
		id: 'solaris',
		name: 'Solaris, illumos',
		builds: '/etc/mail/cf/cf/sendmail.mc is built in that folder (make sendmail.cf, m4 ../m4/cf.m4) and copied to /etc/mail/sendmail.cf',
		rebuild: 'cd /etc/mail/cf/cf && make sendmail.cf && cp sendmail.cf /etc/mail/sendmail.cf',
		undoneBy: 'the next build and copy from /etc/mail/cf/cf',
		tested: 'a tree with /etc/mail/cf/cf/sendmail.mc and ../m4 beside it, built with Debian\'s m4 and cf files',
	},
	m4: {
		id: 'm4',
		name: 'any other system (plain m4)',
		builds: '<name>.mc beside <name>.cf, built with m4 (cf.m4 from the .mc, else ../m4/cf.m4 or the usual places)',
		rebuild: 'm4 <name>.mc > <name>.cf in the .mc\'s folder',
		undoneBy: 'the next m4 run from the .mc',
		tested: 'the example .mc files sendmail ships, each built beside its .cf',
	},
};

/** What the caller found on disk, as text: the pure finder below decides from it. */
export type McSearch = {
	cfPath: string;
	hostname: string;
	/** Files that exist (absolute paths), among those the finder asks about with `candidatesToCheck`. */
	existing: ReadonlySet<string>;
	/** The Makefile in the .cf's folder, if any. */
	makefile?: {path: string; text: string};
	/** FreeBSD's /etc/make.conf, where SENDMAIL_MC may be set. */
	makeConf?: string;
};

export type McSource =
	| {found: true; mcPath: string; layout: LayoutId; /** How it was chosen, for the admin. */ note?: string}
	| {
		found: false;
		layout?: LayoutId;
		/** Why none was taken, when something suggests there should be one. */
		warning?: string;
		/** The .cf's folder has a Makefile: the host builds its .cf there. */
		makefile?: boolean;
	};

/** A make variable's value as last assigned in a Makefile or make.conf (`NAME=`, `NAME?=`, `NAME:=`; not `!=`). */
export function makeVariable(text: string, name: string): string | undefined {
	const assignment = new RegExp(String.raw`^\s*${name}\s*[?:+]?=(.*)$`);
	let value: string | undefined;
	for (const line of text.split('\n')) {
		const match = assignment.exec(line);
		if (match) {
			value = match[1]!.replace(/\s#.*$/, '').trim();
		}
	}

	return value === '' ? undefined : value;
}

/** FreeBSD's /etc/mail/Makefile: it builds $(hostname).mc, created from freebsd.mc. */
export const isFreeBsdMakefile = (text: string) => /SENDMAIL_MC/.test(text) && /freebsd\.mc/.test(text);

/** RHEL's /etc/mail/Makefile (or its /etc/mail/make script): m4 with the sendmail-cf package's cf.m4. */
export const isRhelMakefile = (text: string) => /sendmail-cf/.test(text);

/** Debian's /etc/mail/Makefile: generated by sendmailconfig, it appends the .mc to the .cf. */
export const isDebianMakefile = (text: string) => /sendmailconfig|\/usr\/share\/sendmail\/|s\/\^\/# \//.test(text);

/** A .cf that m4 built carries the `##### $Id: cfhead.m4 ...` lines of the m4 files it came from. */
export const builtByM4 = (cfText: string) => /^#####\s+\$Id: \S+\.m4,v/m.test(cfText);

/** The .mc a Makefile rule for the .cf (`sendmail.cf: sendmail.mc ...`, by name or full path) builds from. */
export function mcOfRule(makefileText: string, cfPath: string): string | undefined {
	const folder = path.dirname(cfPath);
	for (const line of makefileText.split('\n')) {
		const rule = /^([^\t#:=][^:=]*?)\s*::?(?!=)(.*)$/.exec(line);
		if (!rule) {
			continue;
		}

		const targets = rule[1]!.trim().split(/\s+/).map(target => path.resolve(folder, target));
		if (!targets.includes(cfPath)) {
			continue;
		}

		const mc = rule[2]!.split(/\s+/).find(word => word.endsWith('.mc') && !word.includes('$') && !word.includes('%'));
		if (mc !== undefined) {
			return path.resolve(folder, mc);
		}
	}

	return undefined;
}

/** The files the finder may ask about for a .cf, most specific first. */
export function candidatesToCheck(cfPath: string, hostname: string): string[] {
	const folder = path.dirname(cfPath);
	const name = path.basename(cfPath).replace(/\.cf$/, '');
	const short = hostname.split('.')[0] ?? '';
	return [
		path.join(folder, `${name}.mc`),
		...(hostname === '' ? [] : [path.join(folder, `${hostname}.mc`)]),
		...(short === '' || short === hostname ? [] : [path.join(folder, `${short}.mc`)]),
		path.join(folder, 'freebsd.mc'),
		path.join(folder, 'cf', 'cf', `${name}.mc`),
		path.join(folder, 'cf', 'm4', 'cf.m4'),
	];
}

/**
 * The .mc this host's own build makes the .cf from. FreeBSD's Makefile decides there: SENDMAIL_MC
 * from /etc/make.conf, else $(hostname).mc, which it copies from freebsd.mc when missing (so
 * freebsd.mc is what the next `make install` builds). Elsewhere `<name>.mc` beside `<name>.cf`
 * (Debian, RHEL, plain m4), Solaris' and illumos' /etc/mail/cf/cf/sendmail.mc, or a
 * $(hostname).mc beside sendmail.cf.
 */
export function chooseMcSource(search: McSearch): McSource {
	const {cfPath, hostname, existing, makefile} = search;
	const folder = path.dirname(cfPath);
	const name = path.basename(cfPath).replace(/\.cf$/, '');
	const has = (file: string) => existing.has(file);
	const resolve = (file: string) => (path.isAbsolute(file) ? file : path.join(folder, file));

	const layoutOf = (): LayoutId =>
		makefile && isRhelMakefile(makefile.text) ? 'rhel' : makefile && isDebianMakefile(makefile.text) ? 'debian' : 'm4';

	if (makefile && isFreeBsdMakefile(makefile.text) && name === 'sendmail') {
		const configured = (search.makeConf === undefined ? undefined : makeVariable(search.makeConf, 'SENDMAIL_MC')) ?? makeVariable(makefile.text, 'SENDMAIL_MC');
		if (configured !== undefined && !configured.includes('$')) {
			const mcPath = resolve(configured);
			return has(mcPath)
				? {found: true, mcPath, layout: 'freebsd', note: `SENDMAIL_MC names ${mcPath}, which /etc/mail/Makefile builds and make install copies to ${cfPath}`}
				: {found: false, layout: 'freebsd', warning: `SENDMAIL_MC names ${mcPath}, which does not exist: make install would fail, and the .mc this .cf came from is unknown`};
		}

		const own = path.join(folder, `${hostname}.mc`);
		if (hostname !== '' && has(own)) {
			return {found: true, mcPath: own, layout: 'freebsd', note: `${path.basename(own)} is what /etc/mail/Makefile builds and make install copies to ${cfPath}`};
		}

		const template = path.join(folder, 'freebsd.mc');
		if (has(template)) {
			return {
				found: true,
				mcPath: template,
				layout: 'freebsd',
				note: `there is no ${hostname}.mc yet: /etc/mail/Makefile copies freebsd.mc to it and builds from it at the next make install, so freebsd.mc is the source edited`,
			};
		}

		return {found: false, layout: 'freebsd', warning: `/etc/mail/Makefile builds ${hostname}.mc from freebsd.mc, and neither exists`};
	}

	// A Makefile rule that names the .cf as its target and an .mc among its prerequisites (Debian's
	// `/etc/mail/sendmail.cf : /etc/mail/sendmail.mc ...`) says which .mc it builds from.
	const fromRule = makefile === undefined ? undefined : mcOfRule(makefile.text, cfPath);
	if (fromRule !== undefined && has(fromRule)) {
		return {found: true, mcPath: fromRule, layout: layoutOf()};
	}

	const beside = path.join(folder, `${name}.mc`);
	if (has(beside)) {
		return {found: true, mcPath: beside, layout: layoutOf()};
	}

		makefile && isRhelMakefile(makefile.text) ? 'rhel' : makefile && isDebianMakefile(makefile.text) ? 'debian' : 'm4';
	if (has(beside)) {
		return {found: true, mcPath: beside, layout: layoutOf()};
	}

	const solaris = path.join(folder, 'cf', 'cf', `${name}.mc`);
	if (has(solaris)) {
		return {
			found: true,
			mcPath: solaris,
			layout: 'solaris',
			note: `${solaris} is built in its folder and copied to ${cfPath}`,
		};
	}

	if (name === 'sendmail' && hostname !== '') {
		for (const candidate of [path.join(folder, `${hostname}.mc`), path.join(folder, `${hostname.split('.')[0]}.mc`)]) {
			if (has(candidate)) {
				return {found: true, mcPath: candidate, layout: 'freebsd'};
			}
		}
	}

	return makefile === undefined ? {found: false} : {found: false, makefile: true};
}

/** The warning when no .mc was found for a .cf that m4 built: a rebuild elsewhere would undo the edit. */
export function missingMcWarning(cfPath: string, cfText: string, source: McSource): string | undefined {
	if (source.found) {
		return undefined;
	}

	if (source.warning) {
		return `${source.warning}; this edits ${path.basename(cfPath)} alone, and a rebuild from an .mc would undo it`;
	}

	if (!builtByM4(cfText)) {
		return undefined;
	}

	// Only where this host builds sendmail.cf: the usual /etc/mail, a folder with a Makefile, or the
	// folder m4's stamp says the build ran in. A built .cf copied elsewhere (a test copy, a staging
	// folder) is not rebuilt where it is.
	const folder = path.dirname(cfPath);
	const builtIn = /^##### in (\S+)/m.exec(cfText)?.[1];
	if (folder !== '/etc/mail' && source.makefile !== true && (builtIn === undefined || path.resolve(builtIn) !== folder)) {
		return undefined;
	}

	return `${path.basename(cfPath)} was built by m4 from an .mc, but none was found (looked for ${path.basename(cfPath, '.cf')}.mc beside it, $(hostname).mc, FreeBSD's freebsd.mc and Solaris' cf/cf/${path.basename(cfPath, '.cf')}.mc): this edits ${path.basename(cfPath)} alone, and a rebuild from that .mc would undo it; make the same change there`;
}

/** What the admin is told about where a .cf comes from: `audit` prints it, `--json` carries it. */
export type CfSourceReport =
	| {kind: 'mc'; mcPath: string; layout: string; rebuild: string; note?: string}
	| {kind: 'cf'; warning?: string};

export function cfSourceReport(cfPath: string, cfText: string, source: McSource): CfSourceReport {
	if (source.found) {
		const layout = LAYOUTS[source.layout];
		return {kind: 'mc', mcPath: source.mcPath, layout: layout.name, rebuild: layout.rebuild, ...(source.note === undefined ? {} : {note: source.note})};
	}

	const warning = missingMcWarning(cfPath, cfText, source);
	return warning === undefined ? {kind: 'cf'} : {kind: 'cf', warning};
}

/** The readme's table of layouts (test/readme.test.ts keeps the readme equal to it). */
export function layoutsMarkdown(): string {
	const rows = Object.values(LAYOUTS).map(layout => `| ${layout.name} | ${layout.builds} | \`${layout.rebuild}\` | ${layout.undoneBy} | ${layout.tested} |`);
	return ['| System | How sendmail.cf is built | Rebuild after editing the .mc | What undoes a .cf-only edit | Tested with |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
