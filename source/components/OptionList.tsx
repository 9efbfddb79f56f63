import type {ReactNode} from 'react';
import {Box} from 'ink';
import {Text} from './SafeText.js';
import {useTheme} from './theme.js';

export type OptionItem = {
	key: string;
	label: string;
	/** Shown after the label, dimmed (e.g. "attachments up to about 7.3 MB"). */
	detail?: string;
	/** Checkbox lists: whether the item is on. */
	checked?: boolean;
	/** Shown after the detail: e.g. "(set by goaway)". */
	note?: string;
	/** Replaces the label while highlighted (an inline text field). */
	editor?: ReactNode;
	/** The registry's recommended choice (settings/registry.ts): marked "(recommended)". */
	recommended?: boolean;
};

type Props = {
	items: readonly OptionItem[];
	/** The row with the pointer; -1 when the pointer is elsewhere. */
	highlight: number;
	/** Radio lists: the chosen row, when it differs from the pointer's. */
	selected?: number;
	kind: 'radio' | 'checkbox';
	label: string;
	/** Width of the label column, so details line up. */
	labelWidth?: number;
	/** The most rows the list may take, its label included; beyond that a window follows the highlight. */
	rows?: number;
};

/** Which items show in `rows` rows so the highlighted one is in view; one row then says where the window is. */
export function optionWindow(count: number, highlight: number, rows: number): {first: number; visible: number; windowed: boolean} {
	if (count <= rows) {
		return {first: 0, visible: count, windowed: false};
	}

	const visible = Math.max(rows - 1, 1);
	const first = Math.max(0, Math.min(highlight - Math.floor(visible / 2), count - visible));
	return {first, visible, windowed: true};
}

/** A vertical list with a pointer on the highlighted row; radio or checkbox. */
export function OptionList({items, highlight, selected = highlight, kind, label, labelWidth, rows}: Props) {
	const theme = useTheme();
	const labelRows = label === '' ? 0 : 1;
	const view = optionWindow(items.length, Math.max(highlight, 0), rows === undefined ? items.length : Math.max(rows - labelRows, 2));
	return (
		<Box flexDirection="column" aria-role={kind === 'radio' ? 'radiogroup' : 'listbox'} aria-label={undefined}>
			{label === '' ? null : <Text bold>{label}</Text>}
			{items.slice(view.first, view.first + view.visible).map((item, shownIndex) => {
				const index = view.first + shownIndex;
				const active = index === highlight;
				const mark = kind === 'checkbox' ? (item.checked ? '[x]' : '[ ]') : (index === selected ? '(•)' : '( )');
				const state = kind === 'checkbox' ? {checked: item.checked === true, selected: active} : {checked: index === selected, selected: active};
				return (
					<Box key={item.key} aria-role={kind === 'radio' ? 'radio' : 'checkbox'} aria-state={state}>
						<Box flexShrink={0} aria-hidden>
							<Text color={active ? theme.accent : undefined} bold={active}>{`${active ? '›' : ' '} ${mark} `}</Text>
						</Box>
						<Box flexShrink={item.editor && active ? 1 : 0} width={item.editor && active ? undefined : labelWidth}>
							{item.editor && active ? item.editor : <Text color={active ? theme.accent : undefined} bold={active}>{item.label}</Text>}
						</Box>
						{item.detail || item.note ? (
							<Box flexShrink={1}>
								<Text wrap="truncate-end">
									<Text dimColor>{item.detail ? `${item.editor && active ? '   ' : ' '}${item.detail}` : ''}</Text>
									<Text color={theme.warn}>{item.note ? ` ${item.note}` : ''}</Text>
								</Text>
							</Box>
						) : null}
						{/* The mark does not shrink: on a narrow screen the detail is cut, not "(r…". */}
						{item.recommended ? (
							<Box flexShrink={0}>
								<Text color={theme.good}> (recommended)</Text>
							</Box>
						) : null}
					</Box>
				);
			})}
			{view.windowed ? <Text dimColor>{`  (${view.first + 1}-${view.first + view.visible} of ${items.length})`}</Text> : null}
		</Box>
	);
}
