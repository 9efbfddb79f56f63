// The value each option setting has in a config, read once: the wizard's choices and audit both
// start from this reading.
import type {PrivacyFlag} from '../core/privacy-flag-names.js';
import {parsePrivacyOptionsValue} from '../core/privacy-flags.js';
import {authMechanismList, authOptionLetters} from '../core/auth-options.js';
import {letterOf} from '../core/sendmail-options.js';
import {optionValue, privacyOptionsValue, valueAsRead, type CfDocument} from '../core/sendmail-cf.js';
import {OPTION_SETTINGS, type CountKey, type OptionSetting} from './registry.js';

/** The option settings as the config has them now. */
export type CurrentSettings = {
	/** The SmtpGreetingMessage value; undefined when the option is not set. */
	greeting: string | undefined;
	privacyOptions: PrivacyFlag[];
	/** Whether AuthOptions has its "p" letter. */
	authRequireTls: boolean;
	/** The AuthMechanisms list; undefined when unset (sendmail's own list, registry `unset`). */
	authMechanisms: string[] | undefined;
} & {
	/** 0 when unset, 0 (no limit) or not a number. */
	[K in CountKey]: number;
};

/** A limit as written: unset and 0 both mean "no limit" to sendmail. */
export type CountReading = {
	/** The value as the line has it; undefined when the option is not set. */
	raw: string | undefined;
	/** The number sendmail reads (atoi-like: leading digits); 0 when unset or not a number. */
	number: number;
	/** False when the value is set but does not start with a number. */
	valid: boolean;
};

export type CurrentReading = {
	values: CurrentSettings;
	/** Each option setting's value as written (PrivacyOptions: every line's, joined), by key. */
	raw: Readonly<Record<string, string | undefined>>;
	counts: Readonly<Record<CountKey, CountReading>>;
};

export function readCount(raw: string | undefined): CountReading {
	const number = raw === undefined ? 0 : Number.parseInt(valueAsRead(raw).trim(), 10);
	return Number.isNaN(number) ? {raw, number: 0, valid: false} : {raw, number, valid: true};
}

/** Reads every option setting from a parsed config. */
export function readCurrent(document: CfDocument): CurrentReading {
	const values: Record<string, unknown> = {};
	const raw: Record<string, string | undefined> = {};
	const counts: Record<string, CountReading> = {};
	for (const setting of OPTION_SETTINGS) {
		switch (setting.type) {
			case 'text': {
				raw[setting.key] = optionValue(document, setting.option);
				values[setting.key] = raw[setting.key];
				break;
			}

			case 'count': {
				raw[setting.key] = optionValue(document, setting.option);
				counts[setting.key] = readCount(raw[setting.key]);
				values[setting.key] = counts[setting.key]!.number;
				break;
			}

			case 'optionLetter': {
				raw[setting.key] = optionValue(document, setting.option);
				values[setting.key] = authOptionLetters(valueAsRead(raw[setting.key] ?? '')).includes(setting.letter);
				break;
			}

			case 'wordList': {
				raw[setting.key] = optionValue(document, setting.option);
				values[setting.key] = raw[setting.key] === undefined ? undefined : authMechanismList(valueAsRead(raw[setting.key]!));
				break;
			}

			case 'flags': {
				// sendmail ORs the flags of every line, so the set in force is all of them together.
				raw[setting.key] = privacyOptionsValue(document);
				values[setting.key] = parsePrivacyOptionsValue(raw[setting.key] ?? '').flags;
				break;
			}
		}
	}

	return {values: values as CurrentSettings, raw, counts: counts as Record<CountKey, CountReading>};
}

/**
 * How readcf.c lets a config name a setting's option: the long name, any unambiguous start of it
 * (core/sendmail-options.ts decides which), and the one-letter form where the option has one.
 */
export function cfForms(setting: OptionSetting): {name: string; letter: string | undefined} {
	return {name: setting.option, letter: letterOf(setting.option)};
}
