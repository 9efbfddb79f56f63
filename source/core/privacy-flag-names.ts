// Every PrivacyOptions flag sendmail 8.17 accepts (readcf.c, PrivacyValues).
export const PRIVACY_FLAG_NAMES = [
	'public',
	'needmailhelo',
	'needexpnhelo',
	'noexpn',
	'needvrfyhelo',
	'novrfy',
	'restrictmailq',
	'restrictqrun',
	'noreceipts',
	'nobodyreturn',
	'goaway',
	'authwarnings',
	'noverb',
	'restrictexpand',
	'noetrn',
	'noactualrecipient',
] as const;

export type PrivacyFlag = (typeof PRIVACY_FLAG_NAMES)[number];

export function isPrivacyFlag(name: string): name is PrivacyFlag {
	return (PRIVACY_FLAG_NAMES as readonly string[]).includes(name);
}
