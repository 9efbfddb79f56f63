// The STARTTLS settings' pure parts: sendmail's SSL options value (ServerSSLOptions) composed from
// the flags two settings own, the value a choice setting has in a config, and where the DH file
// goes. sendmail reads an SSL options value as words split by spaces or commas, each a +/- flag
// name or a number, applied in order (readcf.c, readssloptions).
import path from 'node:path';
import {optionValue, valueAsRead, type CfDocument} from './sendmail-cf.js';
import type {ChoiceSetting, SettingSpec, SslFlagEdit} from '../settings/registry.js';

const words = (value: string | undefined) => (value === undefined ? [] : valueAsRead(value).trim().split(/[\s,]+/).filter(word => word !== ''));

/** A flag word's name, without its sign, upper-cased: "+ssl_op_no_tlsv1" and "SSL_OP_NO_TLSv1" are one flag. */
const flagName = (word: string) => word.replace(/^[+-]/, '').toUpperCase();

/** The flags an SSL options value sets, as names: a "-" word after a "+" word takes it out again. */
export function sslFlagsSet(value: string | undefined): Set<string> {
	const set = new Set<string>();
	for (const word of words(value)) {
		if (word.startsWith('-')) {
			set.delete(flagName(word));
		} else {
			set.add(flagName(word));
		}
	}

	return set;
}

/**
 * The value with `set` flags set and `clear` flags taken out; every other word stays where it was,
 * the new flags follow in the order given. Undefined: the value is already that way.
 */
export function composeSslOptions(current: string | undefined, set: readonly string[], clear: readonly string[]): string | undefined {
	const inForce = sslFlagsSet(current);
	if (set.every(flag => inForce.has(flagName(flag))) && clear.every(flag => !inForce.has(flagName(flag)))) {
		return undefined;
	}

	const touched = new Set([...set, ...clear].map(flag => flagName(flag)));
	const kept = words(current).filter(word => !touched.has(flagName(word)));
	// The flags as the registry spells them ("+SSL_OP_NO_TLSv1"): sendmail takes names in any case
	// (docs/sendmail.md, "TLS settings, measured").
	return [...kept, ...set].join(' ');
}

/** The ServerCertFile a config names: STARTTLS is set up where it is set. */
export function serverCertFile(document: CfDocument): string | undefined {
	const value = optionValue(document, 'ServerCertFile');
	const text = value === undefined ? '' : valueAsRead(value).trim();
	return text === '' ? undefined : text;
}

/** Where a file written beside the certificate goes; undefined without an absolute ServerCertFile. */
export function besideCertificate(document: CfDocument, name: string): string | undefined {
	const cert = serverCertFile(document);
	return cert === undefined || !path.isAbsolute(cert) ? undefined : path.join(path.dirname(cert), name);
}

/** The value of a choice setting a config has now, when one of its values describes it; "keep" values never do. */
export function currentChoice(document: CfDocument, setting: ChoiceSetting): string | undefined {
	const raw = optionValue(document, setting.option);
	for (const value of [...setting.values].reverse()) {
		const {effect} = value;
		switch (effect.kind) {
			case 'ssl-flags': {
				const set = sslFlagsSet(raw);
				if (effect.set.every(flag => set.has(flagName(flag))) && effect.clear.every(flag => !set.has(flagName(flag)))) {
					return value.value;
				}

				break;
			}

			case 'value': {
				if (raw !== undefined && valueAsRead(raw).trim() === effect.text) {
					return value.value;
				}

				break;
			}

			case 'file': {
				if (raw !== undefined && path.basename(valueAsRead(raw).trim()) === effect.name) {
					return value.value;
				}

				break;
			}

			case 'keep': {
				break;
			}
		}
	}

	return undefined;
}

/** Whether an SSL flag switch's flag is set now. */
export function sslFlagOn(document: CfDocument, edit: SslFlagEdit): boolean {
	return sslFlagsSet(optionValue(document, edit.option)).has(flagName(edit.flag));
}

/**
 * The answer each STARTTLS setting has in force now, where the config's value is one of its own:
 * a choice's value, a flag switch that is on. Others are undefined (the wizard then offers to leave them).
 */
export function tlsCurrent(document: CfDocument, settings: readonly SettingSpec[]): Record<string, string | boolean | undefined> {
	const current: Record<string, string | boolean | undefined> = {};
	for (const setting of settings) {
		if (setting.type === 'choice') {
			current[setting.key] = currentChoice(document, setting);
		} else if (setting.type === 'switch' && setting.edit.file === 'ssl-options') {
			current[setting.key] = sslFlagOn(document, setting.edit) ? true : undefined;
		}
	}

	return current;
}
