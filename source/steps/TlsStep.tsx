// The "Encryption and login" step: one page per STARTTLS setting of the registry (step "tls"), a
// single choice each (ink-select-input), with what the highlighted value means shown under the
// list as the highlight moves. Where STARTTLS is not set up (no ServerCertFile) it says so and how,
// and offers nothing: there is no TLS to tune. Each page opens on the answer given so far (a
// preset's), else on the value in force when one of its rows describes it, else on "Leave as it
// is": Enter keeps what is there, as on every step.
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
	/** The answer in force now of each setting, where the config has one its rows describe (tlsCurrent). */
	current?: Readonly<Record<string, string | boolean | undefined>>;
	/** The answers so far (a preset's): a page opens on its answer. */
	answers?: Answers;
	/** Open on the last page: the step was reached by going back from a later one. */
	startAtEnd?: boolean;
	onNext(answers: Answers): void;
};

/** The row a page opens on: the answer given, else the value in force, else "Leave as it is" (or the setting's own "keep"). */
export function initialRow(items: readonly TlsItem[], given: unknown, current: unknown): number {
	const at = (answer: unknown) => (answer === undefined || answer === null ? -1 : items.findIndex(item => item.answer === answer));
	const found = [at(given), at(current)].find(index => index !== -1);
	if (found !== undefined) {
		return found;
	}

	const leave = items.findIndex(item => item.answer === undefined || item.value === 'keep');
	return leave === -1 ? 0 : leave;
}

export function TlsStep({settings, starttls, current = {}, answers = {}, startAtEnd = false, onNext}: Props) {
	const [page, setPage] = useState(startAtEnd ? Math.max(settings.length - 1, 0) : 0);
	// Every page's answer so far (undefined: leave it), kept when going back and forth.
	const [chosen, setChosen] = useState<Record<string, unknown>>({});
	const setting = settings[page];
	const items = setting === undefined ? [] : tlsItems(setting);
	const given = setting === undefined ? undefined : setting.key in chosen ? chosen[setting.key] : (answers as Record<string, unknown>)[setting.key];
	const initial = initialRow(items, given, setting === undefined ? undefined : current[setting.key]);
	const [highlighted, setHighlighted] = useState<string | undefined>(undefined);
	// Enter and the arrows belong to the list; Esc goes back a page, on the first back a step.
	useStepKeys(starttls ? {
		onEscape: page > 0 ? () => {
			setHighlighted(undefined);
			setPage(page - 1);
		} : undefined,
	} : {onEnter: () => onNext({})});
	if (!starttls || setting === undefined) {
		return (
			<StepFrame step="tls" title="STARTTLS is not set up in this config (no ServerCertFile): there is no TLS to tune." hints={[HINTS.next, HINTS.back, HINTS.quit]}>
				<Text wrap="wrap">{`To offer encryption, ${STARTTLS_SET_UP_HINT}; then run this again.`}</Text>
			</StepFrame>
		);
	}

	const shown = items.find(item => item.value === highlighted) ?? items[initial];
	const what = setting.type === 'switch' && setting.edit.file === 'ssl-options' ? `${setting.edit.option}: ${setting.checkbox}?` : 'prompt' in setting ? `${setting.option}: ${setting.prompt}` : setting.explain[0] ?? '';
	const title = `(${page + 1}/${settings.length}) ${what}`;
	return (
		<StepFrame step="tls" title={title} hints={[HINTS.move, HINTS.next, HINTS.back, HINTS.quit]}>
			<SelectInput
				key={setting.key}
				items={items.map(item => ({key: item.value, label: item.label, value: item.value}))}
				initialIndex={initial}
				onHighlight={item => setHighlighted(item.value)}
				onSelect={item => {
					const answer = items.find(each => each.value === item.value)?.answer;
					const next = {...chosen, [setting.key]: answer};
					setChosen(next);
					setHighlighted(undefined);
					if (page === settings.length - 1) {
						// "Leave as it is" is undefined: the wizard takes the key out of the answers (a preset's too).
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
