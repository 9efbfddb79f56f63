import {Box} from 'ink';
import {Text} from './SafeText.js';
import {useTheme} from './theme.js';

type Props = {
	/** The 220 line a client would see. */
	line: string;
	warnings: readonly string[];
	/** The reason the template cannot be used, if any (custom text). */
	problem?: string;
};

/** What a client sees on connecting, and what is still wrong with it. */
export function GreetingPreview({line, warnings, problem}: Props) {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			<Text dimColor>A client connecting now would see:</Text>
			<Text wrap="wrap" color={theme.good}>{problem === undefined ? line : '(no preview)'}</Text>
			{problem === undefined ? null : <Text wrap="wrap" color={theme.bad}>{`✗ ${problem}`}</Text>}
			{warnings.map(warning => (
				<Text key={warning} wrap="wrap" color={theme.warn}>{`! ${warning}`}</Text>
			))}
		</Box>
	);
}
