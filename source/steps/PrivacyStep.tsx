import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Answers} from '../core/answers.js';
import {formatPrivacyFlags} from '../core/plan.js';
import {effectiveFlags, GOAWAY_IMPLIES, PRIVACY_FLAG_NAMES, type PrivacyFlag} from '../core/privacy-flags.js';
import type {Result} from '../core/result.js';
import type {SmtpReply} from '../core/verify-checks.js';
import {useAsked} from '../hooks/use-asked.js';
import {FlagHelp} from '../components/FlagHelp.js';
import {optionWindow} from '../components/OptionList.js';
import {wrapText} from '../core/wrap-text.js';
import {hardWrap} from '../components/wrap.js';
import {HINTS, StepFrame, useFrameBody, useScreenWidth} from '../components/StepFrame.js';
import {useTheme} from '../components/theme.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import {initialFlags, privacyAnswer, toggleFlag} from './choices.js';

/** sendmail's replies to the flag probe (source/core/flag-probe.ts) with these flags in the config. */
export type AskFlagReplies = (flags: PrivacyFlag[]) => Promise<Result<{status: 'ran'; replies: SmtpReply[]} | {status: 'skipped'; reason: string}>>;

type Props = {
	current: PrivacyFlag[];
	answers: Answers;
	/** Absent: sendmail is not asked (the help shows the explanation alone). */
	askSendmail?: AskFlagReplies;
	onNext(answers: Answers): void;
};

const LIST_WIDTH = 25;

export function PrivacyStep({current, answers, askSendmail, onNext}: Props) {
	const theme = useTheme();
	const width = useScreenWidth();
	// Synced: the keys of one burst (Down then Space) each see the ones before.
	const [flags, setFlags, flagsNow] = useSyncedState(() => initialFlags(answers.privacyOptions, current));
	const [highlight, setHighlight, highlightNow] = useSyncedState(0);
	const count = PRIVACY_FLAG_NAMES.length;
	const focused = PRIVACY_FLAG_NAMES[highlight]!;
	const goaway = flags.includes('goaway');
	// Asked in the background once per set of flags; the highlight moves freely meanwhile.
	const flagSet = [...flags].sort().join(',');
	const asked = useAsked(askSendmail === undefined ? undefined : flagSet, askSendmail === undefined ? undefined : async () => askSendmail(flags));
	const live = asked === undefined ? undefined : {asked, flagOn: effectiveFlags(flags).has(focused)};

	useStepKeys({
		onUp: () => setHighlight(index => (index + count - 1) % count),
		onDown: () => setHighlight(index => (index + 1) % count),
		onSpace: () => setFlags(list => toggleFlag(list, PRIVACY_FLAG_NAMES[highlightNow()]!)),
		onEnter: () => onNext({privacyOptions: privacyAnswer(flagsNow(), current, answers.privacyOptions)}),
	});

	const hints = [HINTS.move, HINTS.toggle, HINTS.next, HINTS.back, HINTS.quit];
	const title = 'PrivacyOptions: what sendmail tells strangers and lets local users do.';
	const body = useFrameBody(title, hints);
	const wide = width >= 70;
	// The option line as it will be in sendmail.cf, wrapped after a comma (a flag is never cut).
	const valueLine = `O PrivacyOptions=${formatPrivacyFlags(flags).replaceAll(',', ', ')}${goaway ? ' ([+] set by goaway)' : ''}`;
	const valueRows = wrapText(valueLine, width)
		.map(line => line.replaceAll(', ', ','))
		.flatMap(line => hardWrap(line, width))
		.map(text => ({text}));
	const rows = Math.max(body.rows - valueRows.length, 4);
	// The list keeps the highlighted flag in view; beside it (or under it on a narrow screen) its help.
	const listRows = wide ? rows : Math.min(count, Math.max(Math.ceil(rows / 2), 4));
	const view = optionWindow(count, highlight, listRows);
	const helpHeight = Math.max(wide ? rows : rows - listRows, 1);

	return (
		<StepFrame step="privacy" title={title} hints={hints}>
			<Box flexDirection={wide ? 'row' : 'column'}>
				<Box flexDirection="column" width={wide ? LIST_WIDTH : undefined} flexShrink={0} aria-role="listbox" aria-state={{multiselectable: true}}>
					{PRIVACY_FLAG_NAMES.slice(view.first, view.first + view.visible).map((flag, shownIndex) => {
						const index = view.first + shownIndex;
						const active = index === highlight;
						const checked = flags.includes(flag);
						const implied = !checked && goaway && GOAWAY_IMPLIES.includes(flag);
						return (
							<Box key={flag} aria-role="option" aria-state={{checked: checked || implied, selected: active}}>
								<Text color={active ? theme.accent : undefined} bold={active}>
									<Text aria-hidden>{`${active ? '›' : ' '} ${checked ? '[x]' : implied ? '[+]' : '[ ]'} `}</Text>
									{flag}
									{implied ? <Text aria-label=" (set by goaway)">{''}</Text> : null}
								</Text>
							</Box>
						);
					})}
					{view.windowed ? <Text dimColor>{`  (${view.first + 1}-${view.first + view.visible} of ${count})`}</Text> : null}
				</Box>
				<Box paddingLeft={wide ? 1 : 0}>
					<FlagHelp flag={focused} width={wide ? width - LIST_WIDTH - 1 : width} height={helpHeight} impliedByGoaway={goaway && focused !== 'goaway' && GOAWAY_IMPLIES.includes(focused)} live={live} />
				</Box>
			</Box>
			{valueRows.map((row, index) => <Text key={index}>{row.text}</Text>)}
		</StepFrame>
	);
}
