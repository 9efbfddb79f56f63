// A step that shows several whole-number settings (e.g. "Floods and harvesting"): one page per
// setting, all from the settings registry. Enter on the last page moves the wizard on with every
// page's answer; Esc on a later page goes back a page, on the first back a step.
import {useContext, useRef, useState} from 'react';
import type {Answers} from '../core/answers.js';
import type {Row} from '../components/Rows.js';
import {StepNavigationContext, type StepNavigation} from '../hooks/use-step-keys.js';
import {accessDefault, cfLooksUp, greetPauseFallback, type AccessMapState} from '../core/access-map.js';
import {limitName, type CountSetting, type LimitSetting} from '../settings/registry.js';
import {CountStep} from './CountStep.js';

type Props = {
	settings: readonly LimitSetting[];
	/** The value in force now of each setting, by key. */
	current: Readonly<Record<string, unknown>>;
	answers: Answers;
	/** Said on the last page: settings this step leaves out here, and why. */
	notes?: readonly Row[];
	/** Open on the last page: the step was reached by going back from a later one. */
	startAtEnd?: boolean;
	onNext(answers: Answers): void;
};

export function CountPages({settings, current, answers, notes = [], startAtEnd = false, onNext}: Props) {
	const parent = useContext(StepNavigationContext);
	const [page, setPage] = useState(startAtEnd ? settings.length - 1 : 0);
	// The page the keys so far lead to, known at once: keys of one burst after an Enter that turns
	// the page wait for the next page, as they wait for the next step (use-step-keys.ts).
	const expected = useRef(page);
	expected.current = page;
	// Every page's answer so far, kept when going back and forth.
	const chosen = useRef<Record<string, number | undefined>>({});
	const turn = (to: number) => {
		expected.current = to;
		setPage(to);
	};

	const setting = settings[page];
	if (setting === undefined) {
		return null;
	}

	const navigation: StepNavigation = {
		...parent,
		back: () => (page === 0 ? parent.back() : turn(page - 1)),
		moved: () => parent.moved?.() === true || expected.current !== page,
	};
	const last = page === settings.length - 1;
	return (
		<StepNavigationContext.Provider value={navigation}>
			<CountStep
				key={setting.key}
				setting={setting}
				page={settings.length > 1 ? {number: page + 1, of: settings.length} : undefined}
				current={typeof current[setting.key] === 'number' ? current[setting.key] as number : 0}
				answers={{...answers, ...chosen.current} as Answers}
				notes={last ? notes : []}
				onNext={answer => {
					chosen.current = {...chosen.current, ...(answer as Record<string, number | undefined>)};
					if (last) {
						onNext(chosen.current as Answers);
					} else {
						turn(page + 1);
					}
				}}
			/>
		</StepNavigationContext.Provider>
	);
}

/**
 * The settings of a step this sendmail has: one that needs a compile-time define (registry
 * `requires`) is left out where the installed sendmail does not list it, with a note saying why.
 */
export function compiledIn(settings: readonly CountSetting[], ffr: {defines: ReadonlySet<string>} | {reason: string}): {offered: CountSetting[]; notes: Row[]} {
	const offered: CountSetting[] = [];
	const missing = new Map<string, string[]>();
	for (const setting of settings) {
		if (setting.requires === undefined || ('defines' in ffr && ffr.defines.has(setting.requires))) {
			offered.push(setting);
		} else {
			missing.set(setting.requires, [...(missing.get(setting.requires) ?? []), setting.option]);
		}
	}

	const notes = [...missing].map(([define, options]): Row => ({
		text: `Not offered: ${options.join(' and ')} (they exist only in a sendmail built with ${define}; ${'defines' in ffr ? `the installed sendmail was not: "sendmail -d0.13 -bt" does not list it` : ffr.reason}).`,
		tone: 'dim',
	}));
	return {offered, notes};
}

/** What the access map settings need of the host, for accessMapOffer. */
export type AccessMapHost = {
	/** The sendmail.mc the .cf is built from; undefined where there is none (or none was found yet). */
	mcPath: string | undefined;
	cfText: string;
	access: AccessMapState;
};

/**
 * The access map's settings this host can take (greet_pause's pause, ClientRate:, ClientConn:),
 * with the value in force of each, and a note for those left out and why: they are offered where
 * the host builds its .cf from a .mc and, for the access map's entries, the cf has an access map
 * whose source could be read. A FEATURE the cf lacks is added to the .mc by the plan when the
 * setting is answered (system/make-plan.ts); a note says so.
 */
export function accessMapOffer(settings: readonly LimitSetting[], host: AccessMapHost): {offered: LimitSetting[]; current: Record<string, number>; notes: Row[]} {
	const offered: LimitSetting[] = [];
	const current: Record<string, number> = {};
	const missing: string[] = [];
	const added: string[] = [];
	const wanted = settings.filter(setting => setting.type !== 'count');
	if (wanted.length === 0) {
		return {offered, current, notes: []};
	}

	if (host.mcPath === undefined) {
		return {
			offered,
			current,
			notes: [{text: `Not offered: ${wanted.map(limitName).join(', ')} (they are set where the host builds sendmail.cf from a sendmail.mc with an access map, and none was found beside this config).`, tone: 'dim'}],
		};
	}

	for (const setting of wanted) {
		if (setting.type === 'featureArgument') {
			offered.push(setting);
			current[setting.key] = greetPauseFallback(host.cfText);
			if (!/^Sgreet_pause\b/m.test(host.cfText)) {
				added.push(`FEATURE(\`${setting.feature}')`);
			}

			continue;
		}

		if (setting.type !== 'access') {
			continue;
		}

		const {access} = host;
		if (access === undefined) {
			missing.push(`${limitName(setting)} (the config has no access map: FEATURE(\`access_db') in the .mc)`);
		} else if ('problem' in access) {
			missing.push(`${limitName(setting)} (${access.problem})`);
		} else {
			offered.push(setting);
			// Without the FEATURE sendmail reads no entry: no limit is in force.
			const value = cfLooksUp(host.cfText, setting.entry) ? accessDefault(access.text, setting.entry) : 0;
			current[setting.key] = value === undefined || Number.isNaN(value) ? 0 : value;
			if (!cfLooksUp(host.cfText, setting.entry)) {
				added.push(`FEATURE(\`${setting.feature}')`);
			}
		}
	}

	const notes: Row[] = [
		...(added.length === 0 ? [] : [{text: `${added.join(' and ')} ${added.length === 1 ? 'is' : 'are'} not in this config: setting ${added.length === 1 ? 'its limit adds it' : 'their limits adds them'} to the .mc, and sendmail.cf is rebuilt from it.`, tone: 'dim' as const}]),
		...(missing.length === 0 ? [] : [{text: `Not offered: ${missing.join('; ')}.`, tone: 'dim' as const}]),
	];
	return {offered, current, notes};
}
