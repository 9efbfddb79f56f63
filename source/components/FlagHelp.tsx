import {Box} from 'ink';
import {Text} from './SafeText.js';
import {wrapFlagHelp, type FlagHelpLine, type PrivacyFlag} from '../core/privacy-flags.js';
import {useTheme} from './theme.js';
import {hardWrap} from './wrap.js';

type Line = {text: string; kind: FlagHelpLine['kind']};

/** What a flag does and what sendmail answers with it, as lines of at most `width` characters. */
export function flagHelpLines(flag: PrivacyFlag, width: number, impliedByGoaway: boolean): Line[] {
	const [title, ...rest] = wrapFlagHelp(flag, width, {blankLines: false});
	const lines: Line[] = [title!];
	if (impliedByGoaway) {
		lines.push({text: `goaway, which is on, already sets ${flag}.`, kind: 'note'});
	}

	lines.push(...rest);
	// A word longer than the column (a reply code run together) is cut, not left to overflow.
	return lines.flatMap(line => hardWrap(line.text, width).map(text => ({text, kind: line.kind})));
}

type Props = {flag: PrivacyFlag; width: number; height: number; impliedByGoaway: boolean};

export function FlagHelp({flag, width, height, impliedByGoaway}: Props) {
	const theme = useTheme();
	const lines = flagHelpLines(flag, width, impliedByGoaway).slice(0, height);
	return (
		<Box flexDirection="column" width={width}>
			{lines.map((line, index) => (
				<Text key={index} wrap="truncate-end" bold={line.kind === 'title'} color={line.kind === 'server' ? theme.good : line.kind === 'note' ? theme.warn : undefined}>
					{line.text}
				</Text>
			))}
		</Box>
	);
}
