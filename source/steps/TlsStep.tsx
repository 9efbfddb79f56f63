// The "Encryption and login" step: one page per STARTTLS setting of the registry (step "tls"), a
// single choice each (drawn by ink-select-input), with what the highlighted value means shown under
// the list as the highlight moves. Where STARTTLS is not set up (no ServerCertFile) it says so and how,
// and offers nothing: there is no TLS to tune. Each page opens on the answer given so far (a
// preset's), else on the value in force when one of its rows describes it, else on "Leave as it
// is": Enter keeps what is there, as on every step.
import {useContext, useRef} from 'react';
import {Box} from 'ink';
import SelectInput from 'ink-select-input';
import {Text} from '../components/SafeText.js';
import {HINTS, StepFrame, useTitleShown} from '../components/StepFrame.js';
import {StepNavigationContext, useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import type {Answers} from '../core/answers.js';
import {STARTTLS_SET_UP_HINT} from '../core/plan.js';
import type {SettingSpec} from '../settings/registry.js';
import {wrapIndex} from './list-keys.js';

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
	const navigation = useContext(StepNavigationContext);
	// A short terminal leaves the title out: the page then says in a line of its own what it decides.
	const titleShown = useTitleShown();
	// Every page's answer so far (undefined: leave it), kept when going back and forth.
	const chosen = useRef<Record<string, unknown>>({});
	const itemsOf = (page: number) => (settings[page] === undefined ? [] : tlsItems(settings[page]));
	const rowFor = (page: number) => {
		const setting = settings[page];
		if (setting === undefined) {
			return 0;
		}

		const given = setting.key in chosen.current ? chosen.current[setting.key] : (answers as Record<string, unknown>)[setting.key];
		return initialRow(itemsOf(page), given, current[setting.key]);
	};

	const first = startAtEnd ? Math.max(settings.length - 1, 0) : 0;
	// Read by the key handler at once: keys of one burst (over SSH, typed ahead) act in order, a
	// page turned by an Enter already in force for the keys after it.
	const [page, setPage, pageNow] = useSyncedState(first);
	const [row, setRow, rowNow] = useSyncedState(() => rowFor(first));
	const turn = (to: number) => {
		setPage(to);
		setRow(rowFor(to));
	};

	const move = (by: number) => {
		const count = itemsOf(pageNow()).length;
		setRow(index => wrapIndex(index, by, count));
	};

	useStepKeys(starttls && settings.length > 0
		? {
			onUp: () => move(-1),
			onDown: () => move(1),
			onEnter() {
				const at = pageNow();
				const setting = settings[at]!;
				chosen.current = {...chosen.current, [setting.key]: itemsOf(at)[rowNow()]?.answer};
				if (at === settings.length - 1) {
					// "Leave as it is" is undefined: the wizard takes the key out of the answers (a preset's too).
					onNext(chosen.current as Answers);
				} else {
					turn(at + 1);
				}
			},
			onEscape() {
				const at = pageNow();
				if (at > 0) {
					turn(at - 1);
				} else {
					navigation.back();
				}
			},
		}
		: {onEnter: () => onNext({})});

	const setting = settings[page];
	if (!starttls || setting === undefined) {
		return (
			<StepFrame step="tls" title="STARTTLS is not set up in this config (no ServerCertFile): there is no TLS to tune." hints={[HINTS.next, HINTS.back, HINTS.quit]}>
				<Text wrap="wrap">{`${titleShown ? '' : 'STARTTLS is not set up in this config (no ServerCertFile). '}To offer encryption, ${STARTTLS_SET_UP_HINT}; then run this again.`}</Text>
			</StepFrame>
		);
	}

	const items = itemsOf(page);
	const what = setting.type === 'switch' && setting.edit.file === 'ssl-options' ? `${setting.edit.option}: ${setting.checkbox}?` : 'prompt' in setting && 'option' in setting ? `${setting.option}: ${setting.prompt}` : setting.explain[0] ?? '';
	const title = `(${page + 1}/${settings.length}) ${what}`;
	const name = setting.type === 'switch' && setting.edit.file === 'ssl-options' ? setting.edit.option : 'option' in setting ? setting.option : setting.key;
	return (
		<StepFrame step="tls" title={title} hints={[HINTS.move, HINTS.next, HINTS.back, HINTS.quit]}>
			{titleShown ? null : <Text bold wrap="truncate-end">{`(${page + 1}/${settings.length}) ${name}`}</Text>}
			{/* ink-select-input draws the list; the keys come through useStepKeys (bursts, Esc, q), so it
			    is not focused and is drawn afresh at the highlighted row. */}
			<SelectInput
				key={`${setting.key}:${row}`}
				isFocused={false}
				items={items.map(item => ({key: item.value, label: item.label, value: item.value}))}
				initialIndex={row}
				limit={items.length}
			/>
			<Box marginTop={1}>
				<Text wrap="wrap" dimColor>{items[row]?.means ?? ''}</Text>
			</Box>
		</StepFrame>
	);
}
