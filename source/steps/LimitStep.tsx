import {useRef} from 'react';
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Result} from '../core/result.js';
import {OptionList} from '../components/OptionList.js';
import {Rows, textRows, type Row} from '../components/Rows.js';
import {helpWindow, scrollHelp} from '../components/FlagHelp.js';
import {HINTS, StepFrame, useFrameBody, useTitleShown} from '../components/StepFrame.js';
import {TextField} from '../components/TextField.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import type {StepId} from '../hooks/use-wizard.js';
import {limitAnswer, limitSelection, type LimitOption} from './choices.js';
import {upDownKeys} from './list-keys.js';

type Props = {
	step: StepId;
	title: string;
	label: string;
	/** The label where the frame leaves the title out (a short terminal): it must name the setting then. */
	labelWithoutTitle?: string;
	options: LimitOption[];
	answer: number | null | undefined;
	/** The value in force now (0: no limit). */
	current: number;
	parse(text: string): Result<number>;
	toText(value: number): string;
	placeholder: string;
	/** A note beside each option. */
	detail(value: number | undefined): string | undefined;
	/** What the highlighted choice means (the value in force when "keep"): paragraphs, most important first. */
	guidance(value: number | undefined): Row[];
	onNext(value: number | undefined): void;
};

/** A limit: a few common values, custom (typed, validated as typed), no limit, or keep. */
export function LimitStep(props: Props) {
	const initial = limitSelection(props.options, props.answer, props.toText);
	// Synced: the keys of one burst (Down then Enter, Down then typing) each see the ones before.
	const [highlight, setHighlight, highlightNow] = useSyncedState(Math.max(initial.index, 0));
	// Moving only moves (what the highlighted row means shows below it); Space, Enter or typing in
	// the custom field choose.
	const [chosen, setChosen] = useSyncedState(Math.max(initial.index, 0));
	const [customText, setCustomText, customTextNow] = useSyncedState(initial.customText);
	// The first row of the explanation on screen, where it is longer than its room (PgDn/PgUp).
	const [scroll, setScroll] = useSyncedState(0);
	const explanation = useRef({total: 0, height: 1});
	const option = props.options[highlight]!;
	const answer = limitAnswer(option, customText, props.parse);
	const editing = option.value === 'custom';
	const count = props.options.length;

	useStepKeys({
		// Another row explains itself from its top.
		...upDownKeys(setHighlight, count, () => setScroll(0)),
		onPageUp: () => setScroll(first => scrollHelp(explanation.current.total, explanation.current.height, first, -1)),
		onPageDown: () => setScroll(first => scrollHelp(explanation.current.total, explanation.current.height, first, 1)),
		onSpace: () => setChosen(highlightNow()),
		onEnter() {
			const latest = limitAnswer(props.options[highlightNow()]!, customTextNow(), props.parse);
			if (latest.ok) {
				setChosen(highlightNow());
				props.onNext(latest.value);
			}
		},
		text: () => (props.options[highlightNow()]?.value === 'custom'
			? {
				value: customTextNow(),
				onChange(value) {
					setCustomText(value);
					setChosen(highlightNow());
				},
			}
			: undefined),
	});

	const hints = editing ? [HINTS.move, HINTS.typing, HINTS.next, HINTS.back, HINTS.quitTyping] : [HINTS.move, {keys: 'space', action: 'choose'}, HINTS.next, HINTS.back, HINTS.quit];
	const body = useFrameBody(props.title, hints);
	const {width} = body;
	const label = useTitleShown() ? props.label : props.labelWithoutTitle ?? props.label;
	const labelWidth = Math.max(...props.options.map(each => each.label.length)) + 1;
	const effective = answer.ok ? (answer.value ?? props.current) : undefined;
	const items = props.options.map(each => {
		const value = each.value === 'keep' ? props.current : each.value === 'custom' ? (each === option && answer.ok ? answer.value : undefined) : each.value;
		return {
			key: each.id,
			label: each.label,
			recommended: each.recommended,
			detail: value === undefined ? undefined : props.detail(value),
			// The mark takes 6 columns; a limit is short, so the detail keeps the rest of the row.
			editor: each.value === 'custom' ? <TextField value={customText} placeholder={props.placeholder} invalid={!answer.ok} width={Math.max(labelWidth, Math.floor((width - 6) / 2))} /> : undefined,
		};
	});

	// The choices first; what the highlighted one means gets the rows left, the first paragraph first.
	const listRows = Math.min(count + 1, Math.max(body.rows - 3, 4));
	const explained: Row[] = answer.ok
		? props.guidance(effective).flatMap(row => textRows(row.text, width, row.tone))
		: editing && customText.trim() === ''
			? textRows(`Type a value, e.g. ${props.placeholder}.`, width, 'dim')
			: textRows(`✗ ${answer.error}`, width, 'bad');
	// Longer than its room, the explanation scrolls, with a row saying how much more there is each way.
	const explainHeight = Math.max(body.rows - listRows - 1, 1);
	explanation.current = {total: explained.length, height: explainHeight};
	const view = helpWindow(explained.length, explainHeight, scroll);
	const more = (lines: number) => `${lines} more line${lines === 1 ? '' : 's'}`;
	const explainedRows: Row[] = [
		...(view.above > 0 ? [{text: `↑ ${more(view.above)} above (pgup or [)`, tone: 'dim' as const}] : []),
		...explained.slice(view.first, view.first + view.count),
		...(view.below > 0 ? [{text: `↓ ${more(view.below)} below (pgdn or ])`, tone: 'dim' as const}] : []),
	];

	return (
		<StepFrame step={props.step} title={props.title} hints={hints}>
			<OptionList label={label} kind="radio" items={items} highlight={highlight} selected={chosen} labelWidth={labelWidth} rows={listRows} />
			<Box marginTop={1} flexDirection="column">
				<Rows rows={explainedRows} />
			</Box>
		</StepFrame>
	);
}
