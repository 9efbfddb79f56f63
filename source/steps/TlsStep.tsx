// The "Encryption and login" step: one page per STARTTLS setting of the registry (step "tls"), a
// single choice each (ink-select-input), with what the highlighted value means shown under the
// list as the highlight moves. Where STARTTLS is not set up (no ServerCertFile) it says so and how,
// and offers nothing: there is no TLS to tune.
import {useState} from 'react';
import {Box} from 'ink';
import SelectInput from 'ink-select-input';
import {Text} from '../components/SafeText.js';
import {HINTS, StepFrame} from '../components/StepFrame.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import type {Answers} from '../core/answers.js';
import {STARTTLS_SET_UP_HINT} from '../core/plan.js';
import type {SettingSpec} from '../settings/registry.js';

/** One row of a page: the answer it gives (undefined: leave the setting as it is) and what it means. */
export type TlsItem = {label: string; value: string; answer: string | boolean | undefined; means: string};

/** The rows of one setting's page, the recommended one marked; "Leave as it is" last. */
export function tlsItems(setting: SettingSpec): TlsItem[] {
	const leave: TlsItem = {label: 'Leave as it is', value: 'leave', answer: undefined, means: 'The value in force stays.'};
	if (setting.type === 'choice') {
		return [
			...setting.values.map(value => ({
				label: `${value.label}${value.value === setting.recommended ? ' (recommended)' : ''}`,
				value: value.value,
				answer: value.value,
				means: value.means,
			})),
			...(setting.values.some(value => value.effect.kind === 'keep') ? [] : [leave]),
		];
	}

	if (setting.type === 'switch') {
		return [
			{label: `Yes (recommended): ${setting.checkbox.toLowerCase()}`, value: 'yes', answer: true, means: setting.explain[0] ?? ''},
			{label: 'No', value: 'no', answer: false, means: setting.summary.off},
			leave,
		];
	}

	return [];
}

type Props = {
	settings: readonly SettingSpec[];
	/** Whether the config sets up STARTTLS (ServerCertFile set). */
	starttls: boolean;
	onNext(answers: Answers): void;
};

export function TlsStep({settings, starttls, onNext}: Props) {
	const [page, setPage] = useState(0);
	const [chosen, setChosen] = useState<Record<string, unknown>>({});
	const setting = settings[page];
	const items = setting === undefined ? [] : tlsItems(setting);
	const [highlighted, setHighlighted] = useState<string | undefined>(undefined);
	useStepKeys(starttls ? {} : {onEnter: () => onNext({})});
	if (!starttls || setting === undefined) {
		return (
			<StepFrame step="tls" title="STARTTLS is not set up in this config (no ServerCertFile): there is no TLS to tune." hints={[HINTS.next, HINTS.back, HINTS.quit]}>
				<Text wrap="wrap">{`To offer encryption, ${STARTTLS_SET_UP_HINT}; then run this again.`}</Text>
			</StepFrame>
		);
	}

	const shown = items.find(item => item.value === highlighted) ?? items[0];
	const title = `(${page + 1}/${settings.length}) ${'option' in setting ? `${setting.option}: ` : ''}${'prompt' in setting ? setting.prompt : setting.explain[0] ?? ''}`;
	return (
		<StepFrame step="tls" title={title} hints={[HINTS.move, HINTS.next, HINTS.back, HINTS.quit]}>
			<SelectInput
				key={setting.key}
				items={items.map(item => ({key: item.value, label: item.label, value: item.value}))}
				onHighlight={item => setHighlighted(item.value)}
				onSelect={item => {
					const answer = items.find(each => each.value === item.value)?.answer;
					const next = answer === undefined ? chosen : {...chosen, [setting.key]: answer};
					setChosen(next);
					setHighlighted(undefined);
					if (page === settings.length - 1) {
						onNext(next as Answers);
					} else {
						setPage(page + 1);
					}
				}}
			/>
			<Box marginTop={1}>
				<Text wrap="wrap" dimColor>{shown?.means ?? ''}</Text>
			</Box>
		</StepFrame>
	);
}
