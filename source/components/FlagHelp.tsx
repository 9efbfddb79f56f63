import {Box} from 'ink';
import {Text} from './SafeText.js';
import {liveEffects} from '../core/flag-probe.js';
import {wrapText} from '../core/wrap-text.js';
import {wrapFlagHelp, type FlagHelpLine, type PrivacyFlag} from '../core/privacy-flags.js';
import {safeLine} from '../core/sanitize.js';
import type {SmtpReply} from '../core/verify-checks.js';
import type {Asked} from '../hooks/use-asked.js';
import {useTheme} from './theme.js';
import {hardWrap} from './wrap.js';

type Line = {text: string; kind: FlagHelpLine['kind'] | 'live' | 'live-heading'};

/** sendmail's own replies for the flags ticked now (the probe of source/core/flag-probe.ts). */
export type LiveReplies = {asked: Asked<{replies: SmtpReply[]}>; flagOn: boolean};

/** What sendmail said for this flag's effects, as lines; nothing for a flag with no SMTP effect. */
export function liveLines(flag: PrivacyFlag, live: LiveReplies): Line[] {
	const {asked} = live;
	switch (asked.kind) {
		case 'asking': {
			return [{kind: 'live-heading', text: 'Asking sendmail what it answers with these flags...'}];
		}

		case 'skipped': {
			return [{kind: 'live-heading', text: `sendmail was not asked: ${safeLine(asked.reason)}`}];
		}

		case 'failed': {
			return [{kind: 'note', text: `sendmail could not be asked: ${safeLine(asked.error)}`}];
		}

		case 'done': {
			const effects = liveEffects(flag, live.flagOn, asked.value.replies);
			if (effects.length === 0) {
				return [];
			}

			return [
				{kind: 'live-heading', text: `sendmail answers, ${live.flagOn ? 'with' : 'without'} ${flag} as ticked now:`},
				...effects.map(effect => ({kind: 'live' as const, text: `  ${effect.asked}: ${safeLine(effect.said)}`})),
				...(effects.every(effect => effect.agrees) ? [] : [{kind: 'note' as const, text: '  (this sendmail answers otherwise than the text below says)'}]),
			];
		}
	}
}

/** What a flag does and what sendmail answers with it, as lines of at most `width` characters. */
export function flagHelpLines(flag: PrivacyFlag, width: number, impliedByGoaway: boolean, live?: LiveReplies): Line[] {
	const all = wrapFlagHelp(flag, width, {blankLines: false});
	// A title that wraps stays together: all its rows come before what is put under it.
	const titleRows = Math.max(all.findIndex(line => line.kind !== 'title'), 1);
	const lines: Line[] = all.slice(0, titleRows);
	const rest = all.slice(titleRows);
	if (impliedByGoaway) {
		lines.push({text: `goaway, which is on, already sets ${flag}.`, kind: 'note'});
	}

	// What sendmail itself says comes before the explanation, so a short screen keeps it. A reply
	// wraps at spaces, its continuation indented under the reply.
	if (live !== undefined) {
		lines.push(...liveLines(flag, live).flatMap(line => {
			const [first = '', ...more] = wrapText(line.text, width - 4);
			return [{...line, text: line.text.startsWith('  ') ? `  ${first}` : first}, ...more.map(text => ({...line, text: `    ${text}`}))];
		}));
	}

	lines.push(...rest);
	// A word longer than the column (a reply code run together) is cut, not left to overflow.
	return lines.flatMap(line => hardWrap(line.text, width).map(text => ({text, kind: line.kind})));
}

/**
 * Which of `total` lines show in `height` rows when the first one asked for is `first`: a text
 * longer than the panel scrolls, and a row at the top or bottom says how much more there is that
 * way. `first` is clamped so the last page is full. With fewer than 3 rows there is no room for
 * markers: the window is the lines alone.
 */
export function helpWindow(total: number, height: number, first: number): {first: number; count: number; above: number; below: number} {
	if (total <= height) {
		return {first: 0, count: total, above: 0, below: 0};
	}

	if (height < 3) {
		const start = Math.min(Math.max(first, 0), total - height);
		return {first: start, count: height, above: 0, below: 0};
	}

	// The last page: a marker above and lines to the end.
	const last = total - (height - 1);
	const start = Math.min(Math.max(first, 0), last);
	if (start === 0) {
		return {first: 0, count: height - 1, above: 0, below: total - (height - 1)};
	}

	const count = start === last ? height - 1 : height - 2;
	return {first: start, count, above: start, below: total - start - count};
}

/** The first line after one page down (or up, by < 0) from `first`. */
export function scrollHelp(total: number, height: number, first: number, pages: number): number {
	const view = helpWindow(total, height, first);
	const step = Math.max(height < 3 ? height : height - 2, 1);
	const next = pages > 0 ? view.first + view.count : view.first - step;
	// One line above the top is not worth a marker row: go to the top.
	return helpWindow(total, height, pages < 0 && next <= 1 ? 0 : next).first;
}

type Props = {
	flag: PrivacyFlag;
	width: number;
	height: number;
	impliedByGoaway: boolean;
	live?: LiveReplies;
	/** The first help line asked for (PgDn/PgUp); clamped to the text. */
	scroll?: number;
};

export function FlagHelp({flag, width, height, impliedByGoaway, live, scroll = 0}: Props) {
	const theme = useTheme();
	const all = flagHelpLines(flag, width, impliedByGoaway, live);
	const view = helpWindow(all.length, height, scroll);
	const lines = all.slice(view.first, view.first + view.count);
	const plural = (count: number) => `${count} more line${count === 1 ? '' : 's'}`;
	return (
		<Box flexDirection="column" width={width}>
			{view.above > 0 ? <Text wrap="truncate-end" dimColor>{`↑ ${plural(view.above)} above (pgup or [)`}</Text> : null}
			{lines.map((line, index) => (
				<Text key={view.first + index} wrap="truncate-end" bold={line.kind === 'title'} dimColor={line.kind === 'live-heading'} color={line.kind === 'server' || line.kind === 'live' ? theme.good : line.kind === 'note' ? theme.warn : undefined}>
					{line.text}
				</Text>
			))}
			{view.below > 0 ? <Text wrap="truncate-end" dimColor>{`↓ ${plural(view.below)} below (pgdn or ])`}</Text> : null}
		</Box>
	);
}
