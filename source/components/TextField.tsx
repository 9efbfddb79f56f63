import {Text} from './SafeText.js';
import {useTheme} from './theme.js';

type Props = {
	value: string;
	placeholder?: string;
	/** Shown when the value is unusable, under the field by the step. */
	invalid?: boolean;
};

/** A one-line text field with a block cursor at the end; the step feeds it keys (see useStepKeys). */
export function TextField({value, placeholder, invalid}: Props) {
	const theme = useTheme();
	return (
		<Text wrap="wrap">
			<Text color={invalid ? theme.bad : theme.accent}>{value === '' && placeholder ? '' : value}</Text>
			<Text inverse> </Text>
			{value === '' && placeholder ? <Text dimColor>{` ${placeholder}`}</Text> : null}
		</Text>
	);
}
