import {Box, Text} from 'ink';
import {wrapText} from '../core/wrap-text.js';
import {GOAWAY_IMPLIES, PRIVACY_FLAGS, type PrivacyFlag} from '../core/privacy-flags.js';
import {useTheme} from './theme.js';
import {hardWrap} from './wrap.js';

type Line = {text: string; kind: 'title' | 'text' | 'client' | 'server' | 'note'};

/** Wraps "  S: long reply" so the continuation lines up under the reply. */
function labelled(label: string, text: string, width: number, kind: Line['kind']): Line[] {
	const wrapped = wrapText(text, Math.max(width - label.length, 10));
	return wrapped.map((piece, index) => ({text: (index === 0 ? label : ' '.repeat(label.length)) + piece, kind}));
}

/** What a flag does and the SMTP exchange it changes, as lines of at most `width` characters. */
export function flagHelpLines(flag: PrivacyFlag, width: number, impliedByGoaway: boolean): Line[] {
	const info = PRIVACY_FLAGS[flag];
	const lines: Line[] = [...labelled(`${info.name}: `, info.summary, width, 'title')];
	if (impliedByGoaway) {
		lines.push({text: `goaway, which is on, already sets ${flag}.`, kind: 'note'});
	}

	lines.push(...wrapText(info.explanation, width).map(text => ({text, kind: 'text' as const})));
	if (flag === 'goaway') {
		lines.push(...labelled('Sets: ', GOAWAY_IMPLIES.join(', '), width, 'text'));
	}

	if (info.exchange) {
		const {command, before, after} = info.exchange;
		lines.push(
			{text: `Without ${info.name}:`, kind: 'text'},
			...labelled('  C: ', command, width, 'client'),
			...labelled('  S: ', before, width, 'server'),
			{text: `With ${info.name}:`, kind: 'text'},
			...labelled('  C: ', command, width, 'client'),
			...labelled('  S: ', after, width, 'server'),
		);
	} else if (info.affects === 'command line') {
		lines.push(...wrapText('No SMTP exchange changes: this concerns local users of the sendmail command.', width).map(text => ({text, kind: 'note' as const})));
	}

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
