import {Text} from './SafeText.js';
import {wrapText} from '../core/wrap-text.js';
import {useTheme} from './theme.js';
import {hardWrap} from './wrap.js';

/** One screen row of text: wrapped beforehand, so a step knows exactly how many rows it takes. */
export type Row = {text: string; tone?: 'good' | 'bad' | 'warn' | 'dim' | 'bold'};

/** Prose as rows of at most `width` characters: wrapped at spaces, a longer word cut. */
export function textRows(text: string, width: number, tone?: Row['tone'], indent = ''): Row[] {
	return wrapText(text, width, indent)
		.flatMap(line => hardWrap(line, width))
		.map(line => ({text: line, tone}));
}

/** At most `max` rows; when some are left out, the last shown ends with "…". */
export function clipRows(rows: readonly Row[], max: number): Row[] {
	if (rows.length <= max) {
		return [...rows];
	}

	if (max <= 0) {
		return [];
	}

	const kept = rows.slice(0, max);
	const last = kept[max - 1]!;
	kept[max - 1] = {...last, text: `${last.text.replace(/.?$/u, '')}…`};
	return kept;
}

export function Rows({rows}: {rows: readonly Row[]}) {
	const theme = useTheme();
	const colour = (tone: Row['tone']) => (tone === 'good' ? theme.good : tone === 'bad' ? theme.bad : tone === 'warn' ? theme.warn : undefined);
	return (
		<>
			{rows.map((row, index) => (
				<Text key={index} color={colour(row.tone)} dimColor={row.tone === 'dim'} bold={row.tone === 'bold'}>
					{row.text}
				</Text>
			))}
		</>
	);
}
