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
};

/** A vertical list with a pointer on the highlighted row; radio or checkbox. */
export function OptionList({items, highlight, selected = highlight, kind, label, labelWidth}: Props) {
	const theme = useTheme();
	return (
		<Box flexDirection="column" aria-role={kind === 'radio' ? 'radiogroup' : 'listbox'} aria-label={undefined}>
			{label === '' ? null : <Text bold>{label}</Text>}
			{items.map((item, index) => {
				const active = index === highlight;
				const mark = kind === 'checkbox' ? (item.checked ? '[x]' : '[ ]') : (index === selected ? '(•)' : '( )');
				const state = kind === 'checkbox' ? {checked: item.checked === true, selected: active} : {checked: index === selected, selected: active};
				return (
					<Box key={item.key} aria-role={kind === 'radio' ? 'radio' : 'checkbox'} aria-state={state}>
						<Box flexShrink={0} aria-hidden>
							<Text color={active ? theme.accent : undefined} bold={active}>{`${active ? '›' : ' '} ${mark} `}</Text>
						</Box>
						<Box flexShrink={0} width={item.editor && active ? undefined : labelWidth}>
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
					</Box>
				);
			})}
		</Box>
	);
}
