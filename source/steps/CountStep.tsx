// The step of a whole-number setting that has no screen of its own: everything it shows comes from
// the setting's registry entry (its option, prompt, label, choices, bounds and explanation).
import type {Answers} from '../core/answers.js';
import type {Row} from '../components/Rows.js';
import {limitName, type LimitSetting} from '../settings/registry.js';
import {LimitStep} from './LimitStep.js';
import {countOptions, parseCountOf, sizeText} from './choices.js';

type Props = {
	setting: LimitSetting;
	current: number;
	answers: Answers;
	/** Where the step shows several settings: this one's place among them. */
	page?: {number: number; of: number};
	/** Rows said after the setting's own guidance. */
	notes?: readonly Row[];
	onNext(answers: Answers): void;
};

export function CountStep({setting, current, answers, page, notes = [], onNext}: Props) {
	const answer = (answers as Record<string, unknown>)[setting.key];
	const name = limitName(setting);
	// "BadRcptThrottle:", and an access map tag keeps its own colon ("ClientRate:").
	const heading = name.endsWith(':') ? name : `${name}:`;
	return (
		<LimitStep
			step={setting.step}
			title={`${page === undefined ? '' : `(${page.number}/${page.of}) `}${heading} ${setting.prompt}`}
			label={setting.label}
			// Without the title (a short terminal) the page would not say which setting it is.
			labelWithoutTitle={`${page === undefined ? '' : `(${page.number}/${page.of}) `}${heading} ${setting.label}`}
			options={countOptions(setting, current)}
			answer={typeof answer === 'number' ? answer : undefined}
			current={current}
			parse={parseCountOf(setting)}
			toText={setting.unit === 'bytes' ? sizeText : String}
			placeholder={String(setting.choices[0] ?? 0)}
			detail={() => undefined}
			guidance={value => [
				{text: value === undefined || value === 0 ? setting.zero?.means ?? `No limit on ${setting.what}.` : setting.type === 'count' ? `${setting.option}=${value}.` : `${name} ${value}.`},
				...setting.explain.map((text): Row => ({text, tone: 'dim'})),
				...notes,
			]}
			onNext={value => onNext({[setting.key]: value} as Answers)}
		/>
	);
}
