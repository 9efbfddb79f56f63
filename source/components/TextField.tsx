import {Text} from './SafeText.js';
import {safeLine} from '../core/sanitize.js';
import {useTheme} from './theme.js';

type Props = {
	value: string;
	placeholder?: string;
	/** Shown when the value is unusable, under the field by the step. */
	invalid?: boolean;
	/** Columns the field may take, its cursor included; a longer value shows its end, after "…". */
	width?: number;
};

/** What of the value shows in `width` columns (one kept for the cursor): the end, where typing happens. */
export function fieldText(value: string, width: number | undefined): string {
	const shown = safeLine(value);
	if (width === undefined || shown.length + 1 <= width) {
		return shown;
	}

	return `…${shown.slice(-Math.max(width - 2, 1))}`;
}

/**
 * A one-line text field with a block cursor at the end; the step feeds it keys (see useStepKeys).
 * It never wraps: a row that wrapped would take more rows than the step made room for.
 */
export function TextField({value, placeholder, invalid, width}: Props) {
	const theme = useTheme();
	const hint = value === '' && placeholder ? ` ${placeholder}` : '';
	const room = width === undefined ? undefined : Math.max(width - 1, 0);
	return (
		<Text wrap="truncate-end">
			<Text color={invalid ? theme.bad : theme.accent}>{value === '' && placeholder ? '' : fieldText(value, width)}</Text>
			<Text inverse> </Text>
			{hint === '' ? null : <Text dimColor>{room === undefined || hint.length <= room ? hint : `${hint.slice(0, Math.max(room - 1, 0))}…`}</Text>}
		</Text>
	);
}
