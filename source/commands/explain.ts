// `sendmail-harden explain [FLAG | SETTING]`: what a PrivacyOptions flag does and the SMTP exchange it
// changes, or what a setting (an answers key or its option's name) does, from the settings registry.
import {GOAWAY_IMPLIES, isPrivacyFlag, PRIVACY_FLAG_NAMES, privacyFlagInfos, wrapFlagHelp, type PrivacyFlag} from '../core/privacy-flags.js';
import {EXIT, type CommandIo} from './command-io.js';
import {wrapText} from '../core/wrap-text.js';
import {formatSize} from '../core/answers.js';
import {safeJson} from '../core/sanitize.js';
import {findSetting, SETTING, SETTINGS, type Recommendation, type SettingSpec} from '../settings/registry.js';

export {wrapText} from '../core/wrap-text.js';

const WIDTH = 78;

/** The help text for one flag, as lines of at most 78 characters; a recommended flag says why and what it may break. */
export function formatFlagHelp(flag: PrivacyFlag): string[] {
	const {recommended, flagRecommendations} = SETTING.privacyOptions;
	const recommendation = (flagRecommendations as Partial<Record<PrivacyFlag, Recommendation>>)[flag];
	const asked = (recommended as readonly PrivacyFlag[]).includes(flag);
	const covers = flag === 'goaway' ? GOAWAY_IMPLIES.filter(implied => (recommended as readonly PrivacyFlag[]).includes(implied)) : [];
	const why = asked
		? [`Recommended: audit asks for it. ${recommendation?.why ?? ''}`.trim(), ...(recommendation === undefined ? [] : [`May break: ${recommendation.mayBreak}`])]
		: covers.length > 0
			? [`Recommended: it sets ${covers.join(', ')}, which audit asks for.`]
			: [];
	return [...wrapFlagHelp(flag, WIDTH, {blankLines: true}).map(line => line.text), ...why.flatMap(paragraph => ['', ...wrapText(paragraph, WIDTH)])];
}

/** What the wizard marks as recommended for a setting, in words. */
function recommendedText(setting: SettingSpec): string {
	switch (setting.type) {
		case 'text': {
			return `"${setting.recommended}"`;
		}

		case 'access':
		case 'featureArgument': {
			return String(setting.recommended);
		}

		case 'count': {
			return setting.unit === 'bytes' ? formatSize(setting.recommended) : String(setting.recommended);
		}

		case 'flags': {
			return setting.recommended.join(', ');
		}

		case 'wordList': {
			return setting.recommended.join(' ');
		}

		case 'optionLetter':
		case 'switch': {
			return 'on';
		}

		case 'daemons': {
			return '"local" where the host receives no mail from other machines, else "all"';
		}

		case 'choice': {
			return `"${setting.recommended}"`;
		}
	}
}

/** One line per flag, name and summary, for the list of all flags. */
export function formatFlagList(): string[] {
	const nameWidth = Math.max(...PRIVACY_FLAG_NAMES.map(name => name.length)) + 2;
	return [
		'PrivacyOptions flags (sendmail 8.17):',
		'',
		...privacyFlagInfos().map(info => `  ${info.name.padEnd(nameWidth)}${info.summary}`),
		'',
		'Run "sendmail-harden explain FLAG" for the details and the SMTP exchange.',
		'',
		`Settings: ${SETTINGS.map(setting => setting.key).join(', ')}.`,
		'Run "sendmail-harden explain SETTING" (an answers key or its option\'s name) for one.',
	].flatMap(line => (line.length > WIDTH ? wrapText(line, WIDTH) : [line]));
}

/** A setting's explanation as lines of at most 78 characters, paragraphs apart. */
export function formatSettingHelp(setting: SettingSpec): string[] {
	const checks = setting.checks.length === 0
		? setting.type === 'daemons'
			? 'No SMTP exchange shows it: audit lists the daemons sendmail sets up as it reads the config (sendmail -bt -d37.1), each with the addresses it listens on.'
			: setting.type === 'count'
			? 'No SMTP exchange shows it: audit asks sendmail whether it takes the value (the options it sets as it reads the config, sendmail -bt -d37.1).'
			: setting.type === 'access' || setting.type === 'featureArgument'
				? `sendmail answers it only to live connections (no rehearsal can show it): audit reads the cf (FEATURE(\`${setting.feature}')) and the access map's source.`
				: 'No SMTP exchange shows it: audit and verify judge it from the file.'
		: `Shown in sendmail's replies by the ${setting.checks.map(check => `"${check}"`).join(', ')} check${setting.checks.length === 1 ? '' : 's'} of the rehearsal, audit and verify.`;
	const recommended = [
		...(setting.type === 'flags' ? [`Audit asks for ${setting.recommended.join(', ')}.`] : []),
		`Recommended: ${recommendedText(setting)}. ${setting.recommendation.why}`,
		`May break: ${setting.recommendation.mayBreak}`,
	];
	return [...setting.explain, ...recommended, checks].flatMap((paragraph, index) => [...(index === 0 ? [] : ['']), ...wrapText(paragraph, WIDTH)]);
}

/** Edit distance, to suggest a flag for a typo. */
function distance(a: string, b: string): number {
	let previous = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(
				previous[j]! + 1,
				current[j - 1]! + 1,
				previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
			);
		}

		previous = current;
	}

	return previous[b.length]!;
}

/** The known flag nearest to a misspelt one, when it is near enough to be a typo. */
export function nearestFlag(name: string): PrivacyFlag | undefined {
	const wanted = name.trim().toLowerCase();
	let best: PrivacyFlag | undefined;
	let bestDistance = Number.POSITIVE_INFINITY;
	for (const flag of PRIVACY_FLAG_NAMES) {
		const d = distance(wanted, flag);
		if (d < bestDistance) {
			best = flag;
			bestDistance = d;
		}
	}

	// a third of the name may be wrong, at least two letters
	return bestDistance <= Math.max(2, Math.floor(wanted.length / 3)) ? best : undefined;
}

/** What a flag's help says, for --json: the same facts as the text, as fields. */
function flagDocument(flag: PrivacyFlag) {
	const info = privacyFlagInfos().find(each => each.name === flag)!;
	const {recommended, flagRecommendations} = SETTING.privacyOptions;
	const recommendation = (flagRecommendations as Partial<Record<PrivacyFlag, Recommendation>>)[flag];
	return {
		flag,
		summary: info.summary,
		explanation: info.explanation,
		caveat: info.caveat ?? null,
		affects: info.affects,
		sets: flag === 'goaway' ? GOAWAY_IMPLIES : [flag],
		effects: info.effects,
		recommended: (recommended as readonly PrivacyFlag[]).includes(flag),
		why: recommendation?.why ?? null,
		mayBreak: recommendation?.mayBreak ?? null,
	};
}

/** A setting's registry entry as `explain --json` gives it. */
function settingDocument(setting: SettingSpec) {
	return {
		setting: setting.key,
		type: setting.type,
		option: 'option' in setting ? setting.option : null,
		mcDefine: 'mcDefine' in setting ? setting.mcDefine : null,
		step: setting.step,
		explain: setting.explain,
		recommended: 'recommended' in setting ? setting.recommended : null,
		why: setting.recommendation.why,
		mayBreak: setting.recommendation.mayBreak,
		checks: setting.checks,
	};
}

export async function runExplain(flag: string | undefined, io: CommandIo, options: {json?: boolean} = {}): Promise<number> {
	const print = (text: () => string[], document: () => unknown) => {
		io.out(options.json ? `${safeJson(document(), 2)}\n` : `${text().join('\n')}\n`);
		return EXIT.done;
	};

	if (flag === undefined) {
		return print(formatFlagList, () => ({
			flags: privacyFlagInfos().map(info => ({flag: info.name, summary: info.summary})),
			settings: SETTINGS.map(setting => ({setting: setting.key, option: 'option' in setting ? setting.option : null})),
		}));
	}

	const name = flag.trim().toLowerCase();
	const setting = isPrivacyFlag(name) ? undefined : findSetting(name);
	if (setting !== undefined) {
		return print(() => formatSettingHelp(setting), () => settingDocument(setting));
	}

	if (!isPrivacyFlag(name)) {
		const suggestion = nearestFlag(name);
		const hint = suggestion ? `did you mean "${suggestion}"? ` : '';
		io.err(`sendmail-harden: unknown privacy flag "${flag}"; ${hint}run "sendmail-harden explain" to list the ${PRIVACY_FLAG_NAMES.length} flags\n`);
		return EXIT.badInput;
	}

	return print(() => formatFlagHelp(name), () => flagDocument(name));
}
