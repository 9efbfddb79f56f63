import {formatSize} from './answers.js';
import type {HelpFileState} from './plan.js';
import {helpLinesRevealing} from './plan.js';
import type {PrivacyFlag} from './privacy-flag-names.js';
import {effectiveFlags, parsePrivacyOptionsValue} from './privacy-flags.js';
import {receivedVersionLeak} from './received-header.js';
import {findOption, lookalikeLines, optionValue, parseCf, valueAsRead, type CfDocument} from './sendmail-cf.js';
import {cfDaemons, daemonOf, describeDaemon, listenOf, reachOf, type Daemon} from './daemon-addresses.js';
import {readCurrent, type CountReading} from '../settings/current.js';
import {COUNT_SETTINGS, MODERN_CIPHERS, NO_OLD_PROTOCOLS, OPTION, OPTION_SETTINGS, SETTING, SWITCH_SETTINGS, type CountSetting, type HelpFileSwitch} from '../settings/registry.js';
import {judgeDhParameters} from './dh-params.js';
import {serverCertFile, sslFlagsSet} from './tls-options.js';
import type {Answers} from './answers.js';
import {accessDefault, accessEntries, cfLooksUp, greetPauseFallback, isLoopbackKey, type AccessTag} from './access-map.js';
import type {Check} from './verify-checks.js';
import type {StarttlsAudit} from './certificate-audit.js';
import {mechanismsOfferedInTheClear, offeredMechanisms} from './auth-options.js';


export type AuditItem = {
	/** The option's name in sendmail.cf, or "HELP" for the help file. */
	setting: string;
	/** What is in force now, as the admin reads it. */
	value: string;
	hardened: boolean;
	/** What is wrong and what to do; empty when hardened. */
	advice: string;
	/** Where the verdict comes from: the installed sendmail's own replies, or the file alone. */
	from: 'sendmail' | 'file';
	/** The reply line that decided a verdict from sendmail. */
	reply?: string;
	/** The answer that closes it, in the answers file's words; absent for a line to fix by hand. */
	answer?: string;
	/** What still gives away what the row hides, though the row itself is hardened. */
	note?: string;
};

/** What audit reads besides the cf and the help file, to say what still gives the product away. */
export type AuditExtras = {
	/** The access map's source text (the file the cf's `Kaccess` line names, without .db). */
	accessText?: string;
	/** The STARTTLS certificate the cf's ServerCertFile names: its subject and issuer. */
	certificate?: {path: string; subject: string; issuer: string};
	/**
	 * Report greet_pause, ClientRate and ClientConn (accessMapRows): the audit command does, having
	 * looked for the access map; the wizard's Welcome, which has no room for them, does not.
	 */
	accessMapRows?: boolean;
	/** The compile-time defines (_FFR_...) the installed sendmail lists, where it was asked. */
	builtWith?: ReadonlySet<string>;
	/** STARTTLS: set up or not, whether sendmail can use its files, what the certificate says. */
	starttls?: StarttlsAudit;
	/** The file DHParameters names, read only when trusted (readTrustedFile); error: why it was not read. */
	dhParameters?: {path: string; text: string} | {path: string; error: string};
};

/**
 * The row of an option the installed sendmail was built without (BadRcptShutdown needs
 * _FFR_BADRCPT_SHUTDOWN): nothing the admin can set, so it does not count against hardening.
 */
function notBuiltRow(setting: CountSetting, builtWith: ReadonlySet<string> | undefined): AuditItem | undefined {
	if (!('requires' in setting) || setting.requires === undefined || builtWith === undefined || builtWith.has(setting.requires)) {
		return undefined;
	}

	return {
		setting: setting.option,
		value: `not in this sendmail (it is built without ${setting.requires})`,
		hardened: true,
		advice: '',
		from: 'sendmail',
		reply: `sendmail -d0.13 lists no ${setting.requires}`,
	};
}


/** The access map's entries of a tag ("GreetPause", "ClientRate") with a number above 0 for some outside client. */
function accessLimits(accessText: string | undefined, tag: string): string[] {
	const found: string[] = [];
	for (const line of (accessText ?? '').split('\n')) {
		const entry = new RegExp(`^${tag}:(\\S*)\\s+(\\d+)`, 'i').exec(line);
		// greet_pause never reads a GreetPause entry without a key (core/access-map.ts, greetPauseSplice).
		if (entry && Number(entry[2]) > 0 && !isLoopbackKey(entry[1]!) && !(tag === 'GreetPause' && entry[1] === '')) {
			found.push(`${tag}:${entry[1]} ${entry[2]}`);
		}
	}

	return found;
}

/**
 * Replies and files by which a client still tells the server is sendmail, the greeting hidden or
 * not (docs/sendmail.md, "Harvesting" and "STARTTLS and AUTH"): greet_pause's 554 and
 * ratecontrol's 421 are texts nmap's service probes match as Sendmail; a certificate may name it.
 */
export function productGiveaways(cfText: string, extras: AuditExtras = {}): string[] {
	const giveaways: string[] = [];
	// FEATURE(`greet_pause', N) leaves a greet_pause ruleset whose last lookup answers N ms by default.
	const greetPause = /^Sgreet_pause[ \t]*\r?$([\s\S]*?)(?=^S|(?![\s\S]))/m.exec(cfText)?.[1] ?? '';
	const pauseDefault = Number(/^R<\?> <\$\*>\s+\$#\s*(\d+)/m.exec(greetPause)?.[1] ?? 0);
	const pauses = accessLimits(extras.accessText, 'GreetPause');
	if (/^Sgreet_pause\b/m.test(cfText) && (pauseDefault > 0 || pauses.length > 0)) {
		// The access map's entries come first in sendmail's lookup; the cf's number is the fallback.
		giveaways.push(`greet_pause is in force (${pauses.length > 0 ? `access map ${pauses.join(', ')}` : `${pauseDefault} ms for any client`}): a client that talks before the greeting gets "554 <host> ESMTP not accepting messages", which nmap matches as Sendmail`);
	}

	const rates = accessLimits(extras.accessText, 'ClientRate');
	if (/^SRateControl\b/m.test(cfText) && rates.length > 0) {
		giveaways.push(`ratecontrol is in force (access map ${rates.join(', ')}): a client over the rate gets "421 4.3.2 Connection rate limit exceeded.", which nmap matches as Sendmail`);
	}

	const certificate = extras.certificate;
	if (certificate !== undefined && /sendmail/i.test(`${certificate.subject}\n${certificate.issuer}`)) {
		giveaways.push(`the STARTTLS certificate ${certificate.path} names Sendmail (${certificate.subject.replaceAll('\n', ', ')})`);
	}

	return giveaways;
}

/** `starttls`: audit's account of STARTTLS beside the settings, where it was read (system/audit-extras.ts). */
export type Audit = {items: AuditItem[]; hardened: boolean; starttls?: StarttlsAudit};

/**
 * The listen row: the addresses each daemon listens on and what that means. Which is right depends
 * on whether the host receives mail, so the row never counts against hardening; it says how far the
 * daemons reach and the answer that closes them where the host only sends.
 */
export function listenRow({daemons, defaulted}: {daemons: readonly Daemon[]; defaulted: boolean}, reply?: string): AuditItem {
	const listen = listenOf(daemons);
	const reachable = daemons.filter(daemon => reachOf(daemon) === 'everywhere' || reachOf(daemon) === 'address');
	const meaning = listen === 'local'
		? 'no other machine can connect (local-only, as Debian\'s stock sendmail.mc sets its daemons)'
		: `reachable from other machines on ${reachable.length} of ${daemons.length} daemon${daemons.length === 1 ? '' : 's'}`;
	return {
		setting: SETTING.listen.auditRow,
		value: `${listen}: ${daemons.map(daemon => describeDaemon(daemon)).join('; ')}${defaulted ? ' (no DaemonPortOptions line: sendmail\'s default daemon)' : ''}; ${meaning}`,
		hardened: true,
		advice: '',
		from: reply === undefined ? 'file' : 'sendmail',
		...(reply === undefined ? {} : {reply}),
		...(listen === 'all' ? {answer: 'listen: "local" where this host receives no mail from other machines'} : {}),
		...(listen === 'all' ? {note: 'a host that only sends mail needs no daemon other machines can reach: listen "local" closes them (refused where this host is its domain\'s MX)'} : {}),
	};
}

/** The access map's entries of a tag for particular clients, "127 0" each, and which of them spare the host itself. */
function perClientEntries(accessText: string, tag: AccessTag): string {
	const entries = accessEntries(accessText, tag).filter(entry => entry.key !== '');
	if (entries.length === 0) {
		return '';
	}

	const loopback = entries.filter(entry => isLoopbackKey(entry.key) && entry.value === '0');
	const others = entries.filter(entry => !loopback.includes(entry));
	return [
		...(loopback.length > 0 ? [`this host exempt (${loopback.map(entry => `${tag}:${entry.key} 0`).join(', ')})`] : []),
		...(others.length > 0 ? [`own entries for ${others.slice(0, 3).map(entry => `${entry.key} (${entry.value})`).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}`] : []),
	].join('; ');
}

/**
 * What greet_pause, ratecontrol and conncontrol hold outsiders to (docs/sendmail.md, "Per-client
 * limits in the access map"): whether the cf has each FEATURE, the number in force for a client
 * with no entry of its own, and the clients the access map spares (Debian's loopback). A row is
 * weak only where its FEATURE is in but sets no limit for outsiders; without the FEATURE or the
 * access map's text it only says so.
 */
function accessMapRows(cfText: string, accessText: string | undefined): AuditItem[] {
	const items: AuditItem[] = [];
	const {greetPause, clientRate, clientConn} = SETTING;
	if (/^Sgreet_pause\b/m.test(cfText)) {
		const pause = greetPauseFallback(cfText);
		const entries = accessText === undefined ? '' : perClientEntries(accessText, 'GreetPause');
		const keyless = accessText === undefined ? undefined : accessEntries(accessText, 'GreetPause').find(entry => entry.key === '');
		items.push({
			setting: greetPause.feature,
			value: `${pause} (${pause === 0 ? 'no pause' : 'ms before the greeting for outsiders; one that talks first gets 554'})${entries === '' ? '' : `; ${entries}`}`,
			hardened: pause > 0,
			advice: pause > 0 ? '' : greetPause.advice,
			from: 'file',
			answer: `greetPause: ${greetPause.recommended}`,
			...(keyless === undefined ? {} : {note: `the access map's "GreetPause: ${keyless.value}" line (line ${keyless.line}) has no key, and sendmail never reads GreetPause without one: the pause for outsiders is FEATURE(\`greet_pause')'s number`}),
		});
	} else {
		items.push({setting: greetPause.feature, value: 'not in this config (no FEATURE(`greet_pause\')): every client is greeted at once', hardened: true, advice: '', from: 'file'});
	}

	for (const setting of [clientRate, clientConn]) {
		if (!cfLooksUp(cfText, setting.entry)) {
			items.push({setting: setting.entry, value: `not in this config (no FEATURE(\`${setting.feature}')): no ${setting.what} limit`, hardened: true, advice: '', from: 'file'});
			continue;
		}

		if (accessText === undefined) {
			items.push({setting: setting.entry, value: `FEATURE(\`${setting.feature}') is in; the access map's source was not read, so its limit is not known`, hardened: true, advice: '', from: 'file'});
			continue;
		}

		const limit = accessDefault(accessText, setting.entry);
		const set = limit !== undefined && limit > 0;
		const entries = perClientEntries(accessText, setting.entry);
		items.push({
			setting: setting.entry,
			value: `${limit === undefined ? 'no default entry (no limit)' : Number.isNaN(limit) ? 'not a number' : limit === 0 ? '0 (no limit)' : `${limit} (${setting.what}; past it 421 4.3.2)`}${entries === '' ? '' : `; ${entries}`}`,
			hardened: set,
			advice: set ? '' : setting.advice,
			from: 'file',
			answer: `${setting.key}: ${setting.recommended}`,
		});
	}

	return items;
}

const isSubmission = (daemon: Daemon) => /^(?:submission|587|smtps|465)$/i.test(daemon.port ?? '') || /^ms[ap]/i.test(daemon.name ?? '');

/**
 * What the daemon lines say about AUTH on port 25: whether the MTA's line has the modifier A (no
 * AUTH on that daemon), and the submission daemon's line beside it, if any (Debian's MSP-v4 on
 * 587 with M=Ea). The rehearsal's -bs session has no daemon, so only the file can tell M=A.
 */
export function portAuth(cfText: string): {mtaNoAuth: boolean; submission: string | undefined} {
	const {daemons} = cfDaemons(cfText);
	const mta = daemons.find(daemon => !isSubmission(daemon));
	const submission = daemons.find(daemon => isSubmission(daemon));
	return {
		mtaNoAuth: mta !== undefined && /A/.test(mta.modifiers ?? ''),
		submission: submission === undefined ? undefined : `${submission.name ?? 'a daemon'} on port ${submission.port ?? '?'}${submission.modifiers === undefined ? '' : ` with M=${submission.modifiers}`}`,
	};
}

/**
 * The AUTH rows: AuthOptions judges whether AUTH is offered before STARTTLS at all, AuthMechanisms
 * whether mechanisms other than PLAIN and LOGIN are (DIGEST-MD5 is historic, RFC 6331). From the
 * file: the p letter and the list in force; auditFromReplies puts sendmail's own EHLO in their place.
 */
function authRows(cfText: string, document: CfDocument, values: {authRequireTls: boolean; authMechanisms: string[] | undefined}): AuditItem[] {
	const {mtaNoAuth, submission} = portAuth(cfText);
	const requireTls = SETTING.authRequireTls;
	const mechanismsSetting = SETTING.authMechanisms;
	const mechanisms = values.authMechanisms ?? [...mechanismsSetting.unset];
	const inClear = mechanismsOfferedInTheClear(mechanisms);
	const options = findOption(document, requireTls.option).active;
	const optionsText = options === undefined ? 'not set' : valueAsShown(options.value);
	const port25 = mtaNoAuth ? ' (the MTA daemon line has M=A: no AUTH on port 25)' : '';
	const note = !mtaNoAuth && submission !== undefined
		? `AUTH is not turned off on port 25 (its daemon line has no M=A) although this host has a submission port (${submission}): an MX needs no AUTH on port 25. If no client logs in there, add A to the M= modifiers of the MTA's DaemonPortOptions (in the .mc: DAEMON_OPTIONS(\`..., Name=MTA-v4, Port=smtp, M=A')). Guidance only: the tool does not change daemon lines`
		: undefined;
	const optionsHardened = mtaNoAuth || (values.authRequireTls && inClear.length === 0);
	const mechanismsHardened = mtaNoAuth || inClear.length === 0;
	return [
		{
			setting: requireTls.option,
			value: `${optionsText}${values.authRequireTls ? '' : ' (no p: PLAIN and LOGIN may be offered before STARTTLS)'}${port25}`,
			hardened: optionsHardened,
			advice: optionsHardened ? '' : values.authRequireTls ? stillInClear(inClear) : requireTls.advice,
			from: 'file',
			answer: `authRequireTls: true, authMechanisms: ${JSON.stringify(mechanismsSetting.recommended)}`,
			...(note === undefined ? {} : {note}),
		},
		{
			setting: mechanismsSetting.option,
			value: `${values.authMechanisms === undefined ? `not set (sendmail's list: ${mechanisms.join(' ')})` : values.authMechanisms.join(' ')}${port25}`,
			hardened: mechanismsHardened,
			advice: mechanismsHardened ? '' : mechanismsSetting.advice,
			from: 'file',
			answer: `authMechanisms: ${JSON.stringify(mechanismsSetting.recommended)}`,
		},
	];
}

/** The advice where AuthOptions has p but other mechanisms are still offered before STARTTLS. */
const stillInClear = (mechanisms: readonly string[]) => `AuthOptions has p, but ${mechanisms.join(' ')} ${mechanisms.length === 1 ? 'is' : 'are'} still offered before STARTTLS: p hides only PLAIN and LOGIN; limit authMechanisms to PLAIN LOGIN`;

/** An option's value as written, for a row. */
const valueAsShown = (value: string) => value.trim() === '' ? '(empty)' : value.trim();

const isNeutral = (setting: CountSetting) => 'neutral' in setting && setting.neutral === true;

/** The flags the article's quick fixes ask for: no probing of users, no queue peeking (settings/registry.ts). */
export const RECOMMENDED_FLAGS: readonly PrivacyFlag[] = SETTING.privacyOptions.recommended;

function limitText({raw, number, valid}: CountReading, zero = 'no limit'): string {
	if (!valid) {
		return `"${raw}" (not a number)`;
	}

	return raw === undefined ? `not set (${zero})` : number === 0 ? `0 (${zero})` : String(number);
}

/**
 * Where a last-wins option's value comes from, when that is not one plain `O Name=` line: the
 * one-letter form, an abbreviation, MinFreeBlocks' size, or several lines of which the last counts.
 */
function whereSet(document: CfDocument, name: string): string {
	const {active, activeCount} = findOption(document, name);
	if (active === undefined) {
		return '';
	}

	const line = active.line.firstLine + 1;
	const form = active.via === 'MinFreeBlocks'
		? `from "O MinFreeBlocks=${active.line.text.replace(/^O ?\S*?=|^Ob/, '')}"`
		: active.form === 'letter'
			? `one-letter "O${active.name}"`
			: active.form === 'abbreviation'
				? `as "${active.name}"`
				: '';
	if (form === '' && activeCount === 1) {
		return '';
	}

	return ` (line ${line}${form === '' ? '' : `, ${form}`}${activeCount > 1 ? `; set ${activeCount} times, the last counts` : ''})`;
}

/** A help file switch's row: what HELP shows of what the switch hides, from the help file in force. */
function helpRow(helpFile: HelpFileState, setting: HelpFileSwitch): {value: string; hardened: boolean; advice: string} {
	const {what} = setting.edit;
	if (helpFile === undefined) {
		return {value: 'no HelpFile (HELP answers "502 5.3.0 Sendmail <version> -- HELP not implemented")', hardened: false, advice: setting.advice};
	}

	if ('missing' in helpFile) {
		return {value: `${helpFile.path} is missing (HELP then answers "502 5.3.0 Sendmail <version> ...")`, hardened: false, advice: setting.advice};
	}

	// What plain HELP shows (its "smtp" lines) first.
	const found = helpLinesRevealing(helpFile.text, setting);
	const leaks = [...found.filter(line => /^smtp\t/i.test(line)), ...found.filter(line => !/^smtp\t/i.test(line))];
	return leaks.length === 0
		? {value: `${helpFile.path} (no ${what})`, hardened: true, advice: ''}
		: {value: `${helpFile.path} says "${leaks[0]!.replace(/^\S+\s+/, '').trim()}"${leaks.length > 1 ? ` and ${leaks.length - 1} more` : ''}`, hardened: false, advice: setting.advice};
}

/**
 * How the current settings score: audit's checks are what "hardened" means, for audit, --yes,
 * verify and the wizard's Done screen alike. The help file is as read from disk. `receivedHeader:
 * false` leaves the Received header's row out.
 */
export function auditConfig(cfText: string, helpFile: HelpFileState, options: {receivedHeader?: boolean} & AuditExtras = {}): Audit {
	const document = parseCf(cfText);
	const current = readCurrent(document);
	const items: AuditItem[] = [];

	const greeting = current.values.greeting;
	const greetingLeaks = greeting === undefined || /\$[vZ]/.test(greeting);
	// Hiding the version is what the row judges; where other replies still give the product away,
	// the row says so rather than letting "hardened" read as "unrecognisable".
	const giveaways = productGiveaways(cfText, options);
	items.push({
		setting: OPTION.greeting,
		value: greeting === undefined ? 'not set (sendmail\'s default shows the version)' : greeting + whereSet(document, OPTION.greeting),
		hardened: !greetingLeaks,
		advice: greetingLeaks ? SETTING.greeting.advice : '',
		from: 'file',
		answer: `greeting: ${JSON.stringify(SETTING.greeting.recommended)}`,
		...(giveaways.length === 0 ? {} : {note: `${greetingLeaks ? 'even with the version gone from the greeting' : 'the greeting hides the version, but'} the server can still be recognised as sendmail: ${giveaways.join('; ')}`}),
	});

	// The switches' rows: each help file switch judged from the help file in force, the Received
	// header from the cf's H lines (settings/registry.ts).
	for (const setting of SWITCH_SETTINGS) {
		if (setting.edit.file === 'received' && options.receivedHeader !== false) {
			const receivedLeak = receivedVersionLeak(cfText);
			items.push({
				setting: setting.auditRow,
				value: receivedLeak === undefined ? 'no version' : `every relayed message says "by host ${receivedLeak}"`,
				hardened: receivedLeak === undefined,
				advice: receivedLeak === undefined ? '' : setting.advice,
				from: 'file',
				answer: `${setting.key}: true`,
			});
		} else if (setting.edit.file === 'helpfile') {
			items.push({...helpRow(helpFile, setting as HelpFileSwitch), setting: setting.auditRow, from: 'file', answer: `${setting.key}: true`});
		}
	}

	for (const setting of COUNT_SETTINGS) {
		const notBuilt = notBuiltRow(setting, options.builtWith);
		if (notBuilt !== undefined) {
			items.push(notBuilt);
			continue;
		}

		const reading = current.counts[setting.key];
		const {number} = reading;
		// A percentage whose 0 turns a relief off is not "no limit" (registry `zero`).
		const text = limitText(reading, 'zero' in setting ? setting.zero.label.toLowerCase() : undefined);
		// A setting no SMTP check shows says what its number means (the others' rows are read beside their replies).
		const meaning = setting.checks.length === 0 && number > 0 ? ` (${setting.what})` : '';
		const shown = (setting.unit === 'bytes' && number > 0 ? `${text} (${formatSize(number)})` : text + meaning) + whereSet(document, setting.option);
		const hardened = number > 0 || isNeutral(setting);
		items.push({
			setting: setting.option,
			value: shown,
			hardened,
			advice: hardened ? '' : setting.advice,
			from: 'file',
			answer: `${setting.key}: a limit, e.g. ${setting.recommended}`,
		});
	}

	if (options.accessMapRows === true) {
		items.push(...accessMapRows(cfText, options.accessText));
	}

	// sendmail ORs the flags of every PrivacyOptions line, so the set in force is all of them together.
	const privacy = current.raw['privacyOptions'];
	const parsed = parsePrivacyOptionsValue(privacy ?? '');
	const effective = effectiveFlags(parsed.flags);
	const missing = RECOMMENDED_FLAGS.filter(flag => !effective.has(flag));
	const privacyLines = findOption(document, OPTION.privacyOptions).setters;
	// public is the flag that sets nothing: next to other flags it adds nothing.
	const setFlags = parsed.flags.filter(flag => flag !== 'public');
	const shownSet = setFlags.length === 0 ? 'public' : setFlags.join(',');
	items.push({
		setting: OPTION.privacyOptions,
		value: privacy === undefined
			? 'not set (public)'
			: privacyLines.length === 1
				? privacy
				: `${shownSet} (lines ${privacyLines.map(setter => setter.line.firstLine + 1).join(', ')} add up)`,
		hardened: missing.length === 0,
		advice: missing.length === 0 ? '' : `${SETTING.privacyOptions.advice} ${missing.join(', ')}`,
		from: 'file',
		answer: `privacyOptions: add ${(missing.length === 0 ? RECOMMENDED_FLAGS : missing).join(', ')}`,
	});

	items.push(listenRow(cfDaemons(cfText)));
	items.push(...tlsRows(document, options));
	items.push(...authRows(cfText, document, current.values));

	// Lines that an admin would read as one of these settings but sendmail does not.
	for (const lookalike of lookalikeLines(document, [...OPTION_SETTINGS.map(setting => setting.option), 'HelpFile'])) {
		// Named by its line, so that sendmail's replies for the real option are not pinned on it.
		items.push({
			setting: `${lookalike.name} line ${lookalike.line.firstLine + 1}`,
			value: lookalike.line.text.slice(0, 60),
			hardened: false,
			advice: `${lookalike.reading}; write it as "O ${lookalike.name}=..." or remove it`,
			from: 'file',
		});
	}

	return {items, hardened: items.every(item => item.hardened), ...(options.starttls === undefined ? {} : {starttls: options.starttls})};
}

// The flags whose effect an SMTP client sees, and the check that shows it.
const FLAG_CHECKS = [['needmailhelo', 'MAIL before HELO'], ['novrfy', 'VRFY'], ['noexpn', 'EXPN']] as const;

/** What the rehearsal of the current config asks for: the recommended flags, and the limits the file sets. */
export function auditRehearsalAnswers(cfText: string): Answers {
	const {values} = readCurrent(parseCf(cfText));
	const size = values.maxMessageSize;
	const recipients = values.maxRecipientsPerMessage;
	return {
		privacyOptions: [...RECOMMENDED_FLAGS],
		...(size > 0 ? {maxMessageSize: size} : {}),
		// With no limit in the file, 101 recipients show whether sendmail has one anyway.
		maxRecipientsPerMessage: recipients > 0 ? recipients : 100,
	};
}

/**
 * The audit with every verdict a client can see decided by sendmail's own replies (the rehearsal
 * of the current config with auditRehearsalAnswers): the greeting, HELP, the SIZE it advertises, the
 * recipient limit, and the PrivacyOptions flags that show in SMTP. What SMTP cannot show
 * (restrictmailq, restrictqrun, the Received header) stays judged from the file.
 */
export function auditFromReplies(audit: Audit, checks: readonly Check[]): Audit {
	const check = (name: string) => checks.find(item => item.name === name);
	const items = audit.items.map((item): AuditItem => {
		const fromCheck = (found: Check | undefined, hardened: boolean, advice: string): AuditItem =>
			found === undefined ? item : {...item, hardened, advice: hardened ? '' : advice, from: 'sendmail', reply: found.reply};
		switch (item.setting) {
			case OPTION.greeting: {
				const banner = check('banner');
				return fromCheck(banner, banner?.status === 'pass', SETTING.greeting.advice);
			}

			case SETTING.hideHelpVersion.auditRow: {
				const help = check('HELP');
				return fromCheck(help, help?.status === 'pass', `HELP reveals the version (${help?.reply ?? ''}): hideHelpVersion removes it`);
			}

			case OPTION.maxMessageSize: {
				const size = check('SIZE');
				const advertised = Number(/SIZE\s+(\d+)/i.exec(size?.reply ?? '')?.[1] ?? 0);
				return fromCheck(size, advertised > 0 && size?.status !== 'fail', advertised > 0 ? `sendmail advertises SIZE ${advertised}, not what the file says` : 'sendmail advertises no size limit: set one to blunt floods and denial of service');
			}

			case OPTION.maxRecipientsPerMessage: {
				const recipients = check('recipient limit');
				const answered = (recipients?.expected ?? '').split('; ').slice(1).join('; ');
				return fromCheck(recipients, recipients?.status === 'pass', `sendmail's answers: ${answered || 'no limit seen'}; set a limit on recipients per message to blunt floods`);
			}

			case OPTION.privacyOptions: {
				const fileMissing = new Set(RECOMMENDED_FLAGS.filter(flag => item.advice.includes(flag)));
				const refused: string[] = [];
				let decided: Check | undefined;
				for (const [flag, name] of FLAG_CHECKS) {
					const found = check(name);
					if (found === undefined) {
						continue;
					}

					decided ??= found;
					if (found.status === 'pass') {
						fileMissing.delete(flag);
					} else {
						fileMissing.add(flag);
						refused.push(`${name} answers "${found.reply}"`);
					}
				}

				const missing = RECOMMENDED_FLAGS.filter(flag => fileMissing.has(flag));
				const judged = fromCheck(decided, missing.length === 0, `${SETTING.privacyOptions.advice} ${missing.join(', ')}${refused.length > 0 ? ` (${refused.join('; ')})` : ''}`);
				return missing.length === 0 ? judged : {...judged, answer: `privacyOptions: add ${missing.join(', ')}`};
			}

			case SETTING.authRequireTls.option:
			case SETTING.authMechanisms.option: {
				// The rehearsal has no daemon, so M=A on port 25 (which the file row saw) stays the file's verdict.
				const auth = check('AUTH before STARTTLS');
				if (auth === undefined || /M=A/.test(item.value)) {
					return item;
				}

				const offered = offeredMechanisms([auth.reply]) ?? [];
				if (item.setting === SETTING.authRequireTls.option) {
					// The file row says "no p" where AuthOptions lacks it.
					const hasP = !item.value.includes('(no p:');
					return fromCheck(auth, offered.length === 0, hasP ? stillInClear(offered) : `AUTH ${offered.join(' ')} is offered before STARTTLS: a password sent then crosses the network readable; set authRequireTls and limit authMechanisms to PLAIN LOGIN`);
				}

				const inClear = mechanismsOfferedInTheClear(offered);
				const historic = inClear.includes('DIGEST-MD5') ? ' (DIGEST-MD5 is historic, RFC 6331)' : '';
				return fromCheck(auth, inClear.length === 0, `AUTH offers ${inClear.join(' ')} before STARTTLS${historic}: limit authMechanisms to PLAIN LOGIN, with authRequireTls`);
			}

			default: {
				return item;
			}
		}
	});
	return {...audit, items, hardened: items.every(item => item.hardened)};
}

/**
 * The audit with each whole-number setting that no SMTP check shows judged by what sendmail itself
 * sets while it reads the config: `sendmail -C FILE -bt -d37.1` prints a setoption call for every
 * option it takes (system/sendmail.ts, sendmailOptionsSet). A value the file has that sendmail does
 * not set (an option this sendmail was not built with) is not in force.
 */
export function auditFromOptionsSet(audit: Audit, set: ReadonlyMap<string, readonly string[]>, builtWith?: ReadonlySet<string>): Audit {
	const items = audit.items.map((item): AuditItem => {
		// The daemons sendmail itself sets up: one setoption DaemonPortOptions per daemon line it takes.
		if (item.setting === SETTING.listen.auditRow) {
			const values = set.get('DaemonPortOptions') ?? [];
			const daemons = values.map((value, index) => daemonOf(value, index + 1));
			return values.length === 0
				? listenRow({daemons: [{line: 0, name: 'MTA', family: 'inet', port: undefined, addr: undefined}], defaulted: true}, 'sendmail sets no DaemonPortOptions')
				: listenRow({daemons, defaulted: false}, values.map(value => `setoption DaemonPortOptions=${value}`).join('; '));
		}

		const setting = COUNT_SETTINGS.find(each => each.option === item.setting && each.checks.length === 0);
		if (setting === undefined) {
			return item;
		}

		const notBuilt = notBuiltRow(setting, builtWith);
		if (notBuilt !== undefined) {
			return notBuilt;
		}

		const values = set.get(setting.option);
		const last = values?.at(-1);
		if (last === undefined) {
			const fileSetsIt = !/^not set/.test(item.value) && !/^0\b/.test(item.value);
			return {
				...item,
				hardened: isNeutral(setting),
				advice: fileSetsIt
					? `sendmail does not take ${setting.option} from this file${'requires' in setting ? ` (it exists only where sendmail was built with ${setting.requires})` : ''}: it is not in force`
					: isNeutral(setting) ? '' : setting.advice,
				from: 'sendmail',
				reply: `sendmail sets no ${setting.option}`,
			};
		}

		const number = Number.parseInt(last, 10);
		const hardened = number > 0 || isNeutral(setting);
		return {...item, hardened, advice: hardened ? '' : setting.advice, from: 'sendmail', reply: `setoption ${setting.option}=${last}`};
	});
	return {...audit, items, hardened: items.every(item => item.hardened)};
}

/**
 * The STARTTLS rows, where STARTTLS is set up (ServerCertFile set): which protocols sendmail itself
 * refuses, whose cipher order counts, which TLS 1.2 suites are offered and the DH group. Where it
 * is not set up there is no TLS to judge: no rows (nothing counts against the config).
 */
function tlsRows(document: CfDocument, extras: AuditExtras): AuditItem[] {
	if (serverCertFile(document) === undefined) {
		return [];
	}

	const read = (name: string) => {
		const raw = optionValue(document, name);
		return raw === undefined ? undefined : valueAsRead(raw).trim();
	};

	const ssl = read('ServerSSLOptions');
	const flags = sslFlagsSet(ssl);
	const has = (flag: string) => flags.has(flag.replace(/^\+/, '').toUpperCase());
	const oldRefused = NO_OLD_PROTOCOLS.every(flag => has(flag));
	const versions = !oldRefused ? 'TLS 1.0/1.1 refused only by OpenSSL\'s defaults, not by sendmail: an older OpenSSL or a changed system policy brings them back'
		: has('+SSL_OP_NO_TLSv1_2') ? 'sendmail refuses everything before TLS 1.3' : 'sendmail refuses SSLv2, SSLv3, TLS 1.0 and 1.1';
	const rows: AuditItem[] = [{
		setting: 'ServerSSLOptions',
		value: `${ssl === undefined || ssl === '' ? 'not set' : ssl}: ${versions}`,
		hardened: oldRefused,
		advice: oldRefused ? '' : SETTING.tlsMinVersion.advice,
		from: 'file',
		answer: 'tlsMinVersion: "TLSv1.2"',
	}];
	const serverOrder = has(SETTING.tlsServerPreference.edit.flag);
	rows.push({
		setting: SETTING.tlsServerPreference.auditRow,
		value: serverOrder ? 'the server\'s (+SSL_OP_CIPHER_SERVER_PREFERENCE)' : 'the client\'s',
		hardened: serverOrder,
		advice: serverOrder ? '' : SETTING.tlsServerPreference.advice,
		from: 'file',
		answer: 'tlsServerPreference: true',
	});

	const ciphers = read('CipherList');
	const modern = ciphers === MODERN_CIPHERS;
	rows.push({
		setting: 'CipherList',
		value: ciphers === undefined || ciphers === ''
			? 'not set: OpenSSL\'s default list (CBC-SHA1 and static-RSA suites without forward secrecy among them)'
			: modern ? `${ciphers}: forward-secret AEAD suites only` : `${ciphers}: not a list this tool knows; see what it offers with: openssl ciphers -v '${ciphers}'`,
		hardened: modern,
		advice: modern ? '' : SETTING.tlsCiphers.advice,
		from: 'file',
		answer: 'tlsCiphers: "modern"',
	});

	rows.push({...dhRow(read('DHParameters'), extras.dhParameters), setting: 'DHParameters', from: 'file', answer: 'tlsDhParameters: "ffdhe2048"'});
	return rows;
}

/** The DHParameters row: sendmail's special words, or the group in the file it names. */
function dhRow(value: string | undefined, file: AuditExtras['dhParameters']): {value: string; hardened: boolean; advice: string} {
	const advice = SETTING.tlsDhParameters.advice;
	if (value === undefined || value === '') {
		// Measured on 8.17.1.9 (docs/sendmail.md, "TLS settings, measured"): a safe 2048-bit prime, g=2.
		return {value: 'not set: sendmail\'s built-in group (in 8.17 a 2048-bit safe prime, not RFC 7919\'s; sendmail before 8.15 used 1024 bits)', hardened: true, advice: ''};
	}

	// sendmail reads only the first character of a value that is not a path (tls.c).
	if (/^n/i.test(value)) {
		return {value: `${value}: no DHE suites at all`, hardened: true, advice: ''};
	}

	if (!value.startsWith('/')) {
		const what = value.startsWith('5') ? 'a 512-bit group' : value.startsWith('1') ? 'a 1024-bit group' : value.startsWith('2') ? 'a 2048-bit group sendmail makes at start, DSA-style: not a safe prime (measured on 8.17.1.9)' : 'not a value sendmail knows: it falls back to its default';
		return {value: `${value}: ${what}`, hardened: false, advice};
	}

	if (file === undefined || file.path !== value) {
		return {value: `${value} (not read)`, hardened: false, advice};
	}

	if ('error' in file) {
		return {value: `${value} (not read: ${file.error})`, hardened: false, advice};
	}

	const verdict = judgeDhParameters(file.text);
	if (!verdict.ok) {
		return {value: `${value}: ${verdict.error}`, hardened: false, advice};
	}

	const good = verdict.safePrime && verdict.bits >= 2048;
	const what = verdict.named === undefined ? `a ${verdict.bits}-bit group` : `RFC 7919 ${verdict.named}`;
	return {
		value: `${value}: ${what}, ${verdict.safePrime ? 'a safe prime' : 'not a safe prime'}${verdict.bits < 2048 ? ', under 2048 bits' : ''}`,
		hardened: good,
		advice: good ? '' : advice,
	};
}
