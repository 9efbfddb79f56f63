import type {Answers} from './answers.js';
import type {PrivacyFlag} from './privacy-flag-names.js';
import {messageSizeWarnings, parsePrivacyFlags} from './answers.js';
import {greetingWarnings} from './greeting.js';
import {formatPrivacyOptions, parsePrivacyOptionsValue} from './privacy-flags.js';
import {receivedVersionSplices} from './received-header.js';
import {fail, ok, type Result} from './result.js';
import {ACCESS_FEATURE, accessDefault, accessMapSpec, cfLooksUp, greetPauseSplice, setAccessDefault, type AccessMapState} from './access-map.js';
import {ACCESS_SETTINGS, CHOICE_SETTINGS, COUNT_SETTINGS, HELPFILE_SWITCHES, OPTION, OPTION_SETTINGS, SETTING, SSL_FLAG_SWITCHES, SWITCH_SETTINGS, TLS_SETTINGS, type HelpFileSwitch} from '../settings/registry.js';
import {besideCertificate, composeSslOptions, serverCertFile} from './tls-options.js';
import {cfDaemons, cfListenSplices, listenSummary} from './daemon-addresses.js';
import {authMechanismList, mechanismsOfferedInTheClear, withAuthOptionLetter} from './auth-options.js';
import {applySplices, findOption, lookalikeLines, optionValue, parseCf, privacyOptionsValue, setOptionSplices, valueAsRead, type CfDocument} from './sendmail-cf.js';

/** The sendmail.cf options this tool changes, by answers key (settings/registry.ts). */
export {OPTION} from '../settings/registry.js';

/** `access`: the access map's source text; `accessdb`: the map makemap builds from it (binary); dhparams: the DH parameters file a TLS setting writes beside the certificate (tlsDhParameters). */
export type FileRole = 'cf' | 'helpfile' | 'mc' | 'access' | 'accessdb' | 'dhparams';

/** One file's text before and after, one character per byte. */
export type FileChange = {
	role: FileRole;
	path: string;
	/** "" for a file that does not exist yet (`created`). */
	before: string;
	after: string;
	/** The file does not exist yet: it is made, and a rollback removes it again. */
	created?: true;
};

/** A file a TLS setting writes beside the certificate, as read from disk. */
export type TlsFileState = {path: string; text: string} | {path: string; missing: true} | {path: string; error: string};

/** How STARTTLS gets set up where it is not, for the messages that say so. */
export const STARTTLS_SET_UP_HINT = 'set it up first (Debian: run update_tls, add include(`/etc/mail/tls/starttls.m4\')dnl to sendmail.mc and run sendmailconfig)';

export type SettingChange = {
	setting: string;
	/** The value in force now; undefined when the option is not set. */
	from: string | undefined;
	to: string;
};

export type Plan = {
	/** Only files whose text changes. */
	files: FileChange[];
	settings: SettingChange[];
	/** Facts the admin should know (an option set twice, a line added). */
	notes: string[];
	/** Things that undermine the result (HELP will still leak the version). */
	warnings: string[];
	/**
	 * FEATUREs the cf lacks that the answers need (ratecontrol, conncontrol), to be added to the
	 * .mc and built into the cf: only planned where the .mc is edited (PlanInput.addFeatures).
	 */
	mcFeatures?: string[];
	/** Set when a sendmail.mc is beside the .cf: how the .cf came to be, for the Review and Apply steps. */
	source?: PlanSource;
};

export type PlanSource =
	| {
		/** The .mc's define() lines were edited and the .cf rebuilt from it. */
		kind: 'mc';
		mcPath: string;
		/** How this host rebuilds the .cf ("make -C /etc/mail sendmail.cf"), to tell the admin. */
		rebuildCommand: string;
		/** The m4 run that built the new .cf in memory, as a shell would show it. */
		buildCommand: string;
		/** What that build gave, in one line. */
		rebuildOutput: string;
	}
	| {
		/** --cf-only: the .cf is edited directly, and the next rebuild from the .mc will undo it. */
		kind: 'cf-only';
		mcPath: string;
		rebuildCommand: string;
		/** The standing warning to keep in view. */
		warning: string;
	};

export type HelpFileState =
	| {path: string; text: string}
	| {path: string; missing: true}
	| undefined;

export type PlanInput = {
	cfPath: string;
	cfText: string;
	/** The file the cf's HelpFile option names, as read from disk; undefined when HelpFile is unset. */
	helpFile?: HelpFileState;
	/** The access map's source the cf's Kaccess line names, as read from disk (core/access-map.ts). */
	access?: AccessMapState;
	/** The file tlsDhParameters writes (besideCertificate), as read from disk; needed only when it is answered. */
	dhFile?: TlsFileState;
	/**
	 * The .mc is edited and the cf rebuilt from it: a FEATURE the answers need and the cf lacks
	 * (greet_pause, ratecontrol, conncontrol) is added to the .mc rather than refused.
	 */
	addFeatures?: boolean;
	answers: Answers;
};

/** The name of greetPause's change in the plan: the FEATURE whose argument it sets. */
export const GREET_PAUSE_SETTING = 'greet_pause (ms before the greeting)';

/** The path of the DH parameters file tlsDhParameters writes for a config, undefined where there is none (no STARTTLS). */
export function dhFilePath(cfText: string): string | undefined {
	const effect = SETTING.tlsDhParameters.values[0].effect;
	return besideCertificate(parseCf(cfText), effect.name);
}

/** The HelpFile a config names, if any. */
export function helpFilePath(cfText: string): string | undefined {
	const raw = optionValue(parseCf(cfText), 'HelpFile');
	const value = raw === undefined ? undefined : valueAsRead(raw).trim();
	return value === '' ? undefined : value;
}

/** Numeric options: unset and 0 both mean "no limit" to sendmail. */
function currentNumber(document: CfDocument, name: string): number {
	const value = optionValue(document, name);
	return value === undefined ? 0 : Number.parseInt(valueAsRead(value).trim(), 10);
}

/** The flags a PrivacyOptions value sets, read as sendmail reads them; unknown words count too. */
function flagSet(value: string | undefined): Set<string> {
	const {flags, unknown} = parsePrivacyOptionsValue(value ?? '');
	return new Set([...flags, ...unknown.map(word => word.toLowerCase())]);
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every(item => b.has(item));

/** The text a set of flags gets in the config; no flags at all is "public", the flag that means none. */
export function formatPrivacyFlags(flags: readonly PrivacyFlag[]): string {
	return flags.length === 0 ? 'public' : formatPrivacyOptions(flags);
}

/**
 * Whether sendmail reads a help file old-style: without a "#vers<TAB>N" line (N of 2 or more)
 * before its first "smtp" topic line, HELP starts "214-2.0.0 This is Sendmail version 8.17.1.9"
 * by itself (docs/sendmail.md, "The helpfile"; "#vers 2" with a space does not count). A file
 * with no "smtp" line prints no such line.
 */
export function helpFileIsOldStyle(helpText: string): boolean {
	for (const line of helpText.split('\n')) {
		const vers = /^#vers\t(\d+)/.exec(line);
		if (vers && Number(vers[1]) >= 2) {
			return false;
		}

		if (/^smtp\t/i.test(line)) {
			return true;
		}
	}

	return false;
}

/** The line an old-style help file makes sendmail print. */
export const OLD_STYLE_HELP_LEAK = 'This is Sendmail version $v (old-style help file: no "#vers<TAB>2" line)';

/** A help file's lines that a helpfile switch removes (`lines` of its edit; the line without its CR). */
function helpLinesMatching(helpText: string, lines: RegExp): string[] {
	return helpText.split('\n').filter(line => lines.test(line.replace(/\r$/, '')));
}

/**
 * The lines of a help file that show what a helpfile switch hides (settings/registry.ts), the
 * old-style file's own "This is Sendmail version" first: it names the product and the version.
 */
export function helpLinesRevealing(helpText: string, setting: HelpFileSwitch): string[] {
	const lines = helpLinesMatching(helpText, setting.edit.lines);
	return helpFileIsOldStyle(helpText) ? [`smtp\t${OLD_STYLE_HELP_LEAK}`, ...lines] : lines;
}

/** Lines of a help file that print the version ($v) or the config's version ($Z), old-style's own first. */
export function helpLinesRevealingVersion(helpText: string): string[] {
	return helpLinesRevealing(helpText, SETTING.hideHelpVersion);
}

/**
 * The help file without the lines of the given helpfile switches; an old-style one gets the
 * "#vers<TAB>2" line it lacks. Every other byte stays.
 */
export function removeHelpLines(helpText: string, settings: readonly HelpFileSwitch[]): string {
	return helpEdit(helpText, settings).text;
}

function helpEdit(helpText: string, settings: readonly HelpFileSwitch[]): {text: string; addsVers: boolean} {
	const withoutLines = helpText.replaceAll(/^[^\n]*(?:\n|$)/gm, line => (settings.some(setting => setting.edit.lines.test(line.replace(/\r?\n$/, ''))) ? '' : line));
	if (!helpFileIsOldStyle(withoutLines)) {
		return {text: withoutLines, addsVers: false};
	}

	return {text: `#vers\t2${helpText.includes('\r\n') ? '\r\n' : '\n'}${withoutLines}`, addsVers: true};
}

/** The help file without its version lines; an old-style one gets the "#vers<TAB>2" line it lacks. */
export function removeVersionFromHelp(helpText: string): string {
	return removeHelpLines(helpText, [SETTING.hideHelpVersion]);
}

const removedLines = (count: number) => (count === 1 ? '1 line removed' : `${count} lines removed`);

/** What one switch's part of the help file edit does, "" when nothing; the "#vers" line is told once. */
function helpChangeSummary(helpText: string, setting: HelpFileSwitch, addsVers: boolean): string {
	const removed = helpLinesMatching(helpText, setting.edit.lines).length;
	const parts = removed > 0 ? [`${removedLines(removed)} from`] : [];
	if (addsVers) {
		parts.push(`${removed > 0 ? 'and ' : ''}"#vers<TAB>2" added to`);
	}

	return parts.join(' ');
}

/**
 * The AUTH answers' edits: AuthOptions gets or loses its "p" with its other letters kept, and
 * AuthMechanisms the list chosen (the same names in another order are no change). The warning when
 * "p" is asked for but mechanisms other than the plaintext ones stay: those are still offered
 * before STARTTLS (docs/sendmail.md, "STARTTLS and AUTH").
 */
function planAuth(document: CfDocument, answers: Answers, apply: (name: string, from: string | undefined, to: string) => void): string[] {
	const requireTls = SETTING.authRequireTls;
	const wantTls = answers.authRequireTls;
	if (wantTls !== undefined && wantTls !== null) {
		const current = optionValue(document, requireTls.option);
		const before = valueAsRead(current ?? '');
		const after = withAuthOptionLetter(before, requireTls.letter, wantTls);
		if (after !== before) {
			apply(requireTls.option, current, after);
		}
	}

	const mechanismsSetting = SETTING.authMechanisms;
	const currentMechanisms = optionValue(document, mechanismsSetting.option);
	const answered = answers.authMechanisms;
	const wanted = answered === undefined || answered === null ? undefined : authMechanismList(answered.join(' '));
	if (wanted !== undefined) {
		const before = currentMechanisms === undefined ? undefined : authMechanismList(valueAsRead(currentMechanisms));
		if (before === undefined || !sameSet(new Set(before), new Set(wanted))) {
			apply(mechanismsSetting.option, currentMechanisms, wanted.join(' '));
		}
	}

	if (wantTls !== true) {
		return [];
	}

	const inForce = wanted ?? (currentMechanisms === undefined ? [...mechanismsSetting.unset] : authMechanismList(valueAsRead(currentMechanisms)));
	const inClear = mechanismsOfferedInTheClear(inForce);
	return inClear.length === 0
		? []
		: [`AUTH is still offered before STARTTLS: AuthOptions p hides only PLAIN and LOGIN, and ${inClear.join(', ')} ${inClear.length === 1 ? 'stays' : 'stay'} offered in the clear (where the SASL library has ${inClear.length === 1 ? 'it' : 'them'}); choose authMechanisms ${mechanismsSetting.recommended.join(' ')} to offer no AUTH before STARTTLS`];
}

/**
 * Turns answers into the exact file edits, touching only the lines of the
 * options that change. The same plan serves --dry-run, --yes and the wizard.
 */
export function planHardening(input: PlanInput): Result<Plan> {
	const {answers} = input;
	const settings: SettingChange[] = [];
	const notes: string[] = [];
	const warnings: string[] = [];
	// Every edit is worked out on the one parse of the original text and made in one pass at the
	// end: a parse per edit held several copies of a big config's lines at once.
	const edits: Array<{name: string; value: string}> = [];
	const apply = (name: string, from: string | undefined, to: string) => {
		edits.push({name, value: to});
		settings.push({setting: name, from, to});
	};

	const document = parseCf(input.cfText);
	const helpSwitches = HELPFILE_SWITCHES.filter(setting => answers[setting.key] === true);
	const touched = [
		...OPTION_SETTINGS.filter(setting => answers[setting.key] !== undefined && answers[setting.key] !== null).map(setting => setting.option),
		helpSwitches.length > 0 ? 'HelpFile' : undefined,
	].filter(name => name !== undefined);
	for (const lookalike of lookalikeLines(document, touched)) {
		warnings.push(`line ${lookalike.line.firstLine + 1} ("${lookalike.line.text.slice(0, 40)}") looks like ${lookalike.name} but ${lookalike.reading}; it is left as it is, fix it by hand`);
	}

	if (answers.greeting !== undefined && answers.greeting !== null) {
		const current = optionValue(document, OPTION.greeting);
		if (current !== answers.greeting) {
			apply(OPTION.greeting, current, answers.greeting);
			warnings.push(...greetingWarnings(answers.greeting));
		}
	}

	for (const setting of COUNT_SETTINGS) {
		const wanted = answers[setting.key];
		if (wanted === undefined || wanted === null) {
			continue;
		}

		const name = setting.option;
		if (currentNumber(document, name) !== wanted) {
			apply(name, optionValue(document, name), String(wanted));
			if (setting.key === 'maxMessageSize') {
				warnings.push(...messageSizeWarnings(wanted));
			}
		}
	}

	if (answers.privacyOptions !== undefined && answers.privacyOptions !== null) {
		const flags = parsePrivacyFlags(answers.privacyOptions);
		if (!flags.ok) {
			return flags;
		}

		const current = privacyOptionsValue(document);
		const wanted = formatPrivacyFlags(flags.value);
		if (!sameSet(flagSet(current), flagSet(wanted))) {
			apply(OPTION.privacyOptions, current, wanted);
		}
	}

	const tls = planTls(document, input, apply);
	if (!tls.ok) {
		return tls;
	}

	warnings.push(...tls.value.warnings);
	warnings.push(...planAuth(document, answers, apply));

	const edited = setOptionSplices(input.cfText, edits);
	for (const note of edited.notes) {
		if (note) {
			notes.push(note);
		}
	}

	const splices = edited.splices;
	for (const setting of SWITCH_SETTINGS) {
		if (setting.edit.file !== 'received' || answers[setting.key] !== true) {
			continue;
		}

		// Received lines are H lines, which no option edit touches: found in the original text too.
		const received = receivedVersionSplices(input.cfText);
		if (received !== undefined) {
			for (const splice of received.splices) {
				splices.push(splice);
			}

			settings.push({setting: setting.change, from: received.before, to: received.after});
		}
	}

	const listen = answers.listen;
	if (listen !== undefined && listen !== null) {
		const edited = cfListenSplices(input.cfText, listen);
		for (const splice of edited.splices) {
			splices.push(splice);
		}

		notes.push(...edited.notes);
		if (edited.changed.length > 0) {
			settings.push({setting: SETTING.listen.change, from: listenSummary(cfDaemons(input.cfText).daemons), to: `${listen} (${edited.changed.length} daemon line${edited.changed.length === 1 ? '' : 's'} changed)`});
		}
	}

	const mcFeatures: string[] = [];
	if (answers.greetPause !== undefined && answers.greetPause !== null) {
		const pause = greetPauseSplice(input.cfText, answers.greetPause);
		if (pause === undefined && input.addFeatures === true && !/^Sgreet_pause\b/m.test(input.cfText)) {
			// The .mc gets FEATURE(`greet_pause', N) (system/make-plan.ts); the cf comes from it.
			settings.push({setting: GREET_PAUSE_SETTING, from: 'no FEATURE(greet_pause)', to: String(answers.greetPause)});
		} else if (pause === undefined) {
			return fail(`greetPause needs FEATURE(\`greet_pause'), which ${input.cfPath} does not have (no greet_pause ruleset); add it to the .mc and rebuild, or leave greetPause out of the answers; nothing was written`);
		}

		if (pause !== undefined && pause.from !== answers.greetPause) {
			splices.push(pause.splice);
			settings.push({setting: GREET_PAUSE_SETTING, from: String(pause.from), to: String(answers.greetPause)});
		}
	}

	const cfText = splices.length === 0 ? input.cfText : applySplices(input.cfText, splices);

	const files: FileChange[] = [];
	if (cfText !== input.cfText) {
		files.push({role: 'cf', path: input.cfPath, before: input.cfText, after: cfText});
	}

	for (const file of tls.value.files) {
		files.push(file);
		settings.push({setting: 'DH group file', from: file.created ? `${file.path} absent` : `${file.path} (another group)`, to: `${file.path} (RFC 7919 ffdhe2048)`});
	}

	// Every helpfile switch chosen edits the one help file together (settings/registry.ts).
	if (helpSwitches.length > 0) {
		const help = input.helpFile;
		// Without a help file sendmail's own reply names both the product and the version.
		const shown = helpSwitches.map(setting => setting.edit.what).join(' and ');
		if (help === undefined) {
			const sites = findOption(document, 'HelpFile');
			warnings.push(
				sites.commented
					? `HELP will still show the ${shown}: HelpFile is commented out, and without a help file sendmail answers "502 5.3.0 Sendmail <version> -- HELP not implemented". Enable HelpFile to hide it`
					: `HELP will still show the ${shown}: no HelpFile is set, and without one sendmail answers "502 5.3.0 Sendmail <version> -- HELP not implemented". Set O HelpFile= to a help file to hide it`,
			);
		} else if ('missing' in help) {
			return fail(`HelpFile names ${help.path}, which does not exist; sendmail's HELP then reveals the ${shown}. Restore that file or point HelpFile at one, then run again`);
		} else {
			const {text: after, addsVers: versAdded} = helpEdit(help.text, helpSwitches);
			if (after !== help.text) {
				files.push({role: 'helpfile', path: help.path, before: help.text, after});
				let addsVers = versAdded;
				for (const setting of helpSwitches) {
					const summary = helpChangeSummary(help.text, setting, addsVers);
					if (summary !== '') {
						addsVers = false;
						settings.push({setting: setting.change, from: 'shown', to: `hidden (${summary} ${help.path})`});
					}
				}
			}
		}
	}

	const access = planAccessMap(input, settings, mcFeatures);
	if (!access.ok) {
		return access;
	}

	if (access.value !== undefined) {
		files.push(access.value);
	}

	return ok({files, settings, notes, warnings, ...(mcFeatures.length === 0 ? {} : {mcFeatures})});
}

/**
 * The access map's source with the default entries the answers set (greetPause, clientRate,
 * clientConn): only those lines change. The map itself (the .db) is rebuilt from it by makemap
 * outside the core (system/access-map.ts). Refused where sendmail would not read the entry: no
 * access map in the cf, or no FEATURE that looks the tag up.
 */
function planAccessMap(input: PlanInput, settings: SettingChange[], mcFeatures: string[]): Result<FileChange | undefined> {
	const asked = ACCESS_SETTINGS.filter(setting => input.answers[setting.key] !== undefined && input.answers[setting.key] !== null);
	if (asked.length === 0) {
		return ok(undefined);
	}

	const keys = asked.map(setting => setting.key).join(', ');
	const lacking = asked.filter(setting => !cfLooksUp(input.cfText, setting.entry));
	if (lacking.length > 0 && input.addFeatures === true) {
		mcFeatures.push(...lacking.map(setting => setting.feature));
	} else if (lacking.length > 0) {
		return fail(`${lacking.map(setting => `${setting.entry}: needs FEATURE(\`${ACCESS_FEATURE[setting.entry]}')`).join(', ')}, which ${input.cfPath} does not have (sendmail would never read the entry); add it to the .mc and rebuild, or leave ${lacking.map(setting => setting.key).join(', ')} out of the answers; nothing was written`);
	}

	const state = input.access;
	if (state === undefined) {
		const spec = accessMapSpec(input.cfText);
		return fail(`${keys} ${asked.length === 1 ? 'goes' : 'go'} into the access map, and ${spec === undefined ? `${input.cfPath} has none (no Kaccess line: FEATURE(\`access_db') in the .mc)` : 'problem' in spec ? spec.problem : `${spec.path} was not read`}; nothing was written`);
	}

	if ('problem' in state) {
		return fail(`${keys}: ${state.problem}; nothing was written`);
	}

	let text = state.text;
	for (const setting of asked) {
		const wanted = input.answers[setting.key]!;
		const current = accessDefault(text, setting.entry);
		if (current === wanted) {
			continue;
		}

		text = setAccessDefault(text, setting.entry, wanted);
		const before = current === undefined ? '(no entry: no limit)' : String(current);
		settings.push({setting: `${setting.entry}: (${state.path})`, from: before, to: String(wanted)});
	}

	return ok(text === state.text ? undefined : {role: 'access', path: state.path, before: state.text, after: text});
}

/**
 * The STARTTLS settings' edits (settings/registry.ts, step "tls"): the SSL options line composed
 * from every setting that owns a flag in it, the choices' values, and the files they write beside
 * the certificate. Where STARTTLS is not set up there is nothing to tune: they are left out with a
 * warning, so that one set of answers serves hosts with and without it.
 */
function planTls(document: CfDocument, input: PlanInput, apply: (name: string, from: string | undefined, to: string) => void): Result<{files: FileChange[]; warnings: string[]}> {
	const {answers} = input;
	const asked = TLS_SETTINGS.filter(setting => answers[setting.key] !== undefined && answers[setting.key] !== null);
	if (asked.length === 0) {
		return ok({files: [], warnings: []});
	}

	if (serverCertFile(document) === undefined) {
		return ok({files: [], warnings: [`${asked.map(setting => setting.key).join(', ')} left as they are: STARTTLS is not set up in this config (no ServerCertFile), so there is no TLS to tune; ${STARTTLS_SET_UP_HINT}`]});
	}

	const files: FileChange[] = [];
	const warnings: string[] = [];
	// Flags to set and take out, per SSL options line; several settings may share one.
	const flags = new Map<string, {set: string[]; clear: string[]}>();
	const flagsOf = (option: string) => flags.get(option) ?? flags.set(option, {set: [], clear: []}).get(option)!;
	for (const setting of CHOICE_SETTINGS) {
		const chosen = setting.values.find(value => value.value === answers[setting.key]);
		if (chosen === undefined) {
			continue;
		}

		const {effect} = chosen;
		switch (effect.kind) {
			case 'ssl-flags': {
				flagsOf(setting.option).set.push(...effect.set);
				flagsOf(setting.option).clear.push(...effect.clear);
				break;
			}

			case 'value': {
				const current = optionValue(document, setting.option);
				if (current === undefined || valueAsRead(current).trim() !== effect.text) {
					apply(setting.option, current, effect.text);
				}

				break;
			}

			case 'file': {
				const filePath = besideCertificate(document, effect.name);
				if (filePath === undefined) {
					warnings.push(`${setting.key} left as it is: ServerCertFile is not an absolute path, so there is no folder to write ${effect.name} to`);
					break;
				}

				const file = input.dhFile;
				if (file === undefined || file.path !== filePath) {
					return fail(`${filePath} was not read before planning ${setting.key}; nothing was written`);
				}

				if ('error' in file) {
					return fail(`${setting.key} cannot write ${filePath}: ${file.error}; nothing was written`);
				}

				if ('missing' in file) {
					files.push({role: 'dhparams', path: filePath, before: '', after: effect.content, created: true});
				} else if (file.text !== effect.content) {
					files.push({role: 'dhparams', path: filePath, before: file.text, after: effect.content});
				}

				const current = optionValue(document, setting.option);
				if (current === undefined || valueAsRead(current).trim() !== filePath) {
					apply(setting.option, current, filePath);
				}

				break;
			}

			case 'keep': {
				break;
			}
		}
	}

	for (const setting of SSL_FLAG_SWITCHES) {
		const on = answers[setting.key];
		if (on === true) {
			flagsOf(setting.edit.option).set.push(setting.edit.flag);
		} else if (on === false) {
			flagsOf(setting.edit.option).clear.push(setting.edit.flag);
		}
	}

	for (const [option, {set, clear}] of flags) {
		const current = optionValue(document, option);
		const composed = composeSslOptions(current, set, clear);
		if (composed !== undefined) {
			apply(option, current, composed);
		}
	}

	return ok({files, warnings});
}
