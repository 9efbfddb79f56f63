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
	const [title, ...rest] = wrapFlagHelp(flag, width, {blankLines: false});
	const lines: Line[] = [title!];
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

type Props = {flag: PrivacyFlag; width: number; height: number; impliedByGoaway: boolean; live?: LiveReplies};

export function FlagHelp({flag, width, height, impliedByGoaway, live}: Props) {
	const theme = useTheme();
	const lines = flagHelpLines(flag, width, impliedByGoaway, live).slice(0, height);
	return (
		<Box flexDirection="column" width={width}>
			{lines.map((line, index) => (
				<Text key={index} wrap="truncate-end" bold={line.kind === 'title'} dimColor={line.kind === 'live-heading'} color={line.kind === 'server' || line.kind === 'live' ? theme.good : line.kind === 'note' ? theme.warn : undefined}>
					{line.text}
				</Text>
			))}
		</Box>
	);
}
