import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Answers} from '../core/answers.js';
import {formatPrivacyFlags} from '../core/plan.js';
import {effectiveFlags, GOAWAY_IMPLIES, PRIVACY_FLAG_NAMES, type PrivacyFlag} from '../core/privacy-flags.js';
import type {Result} from '../core/result.js';
import type {SmtpReply} from '../core/verify-checks.js';
import {useAsked} from '../hooks/use-asked.js';
import {FlagHelp, flagHelpLines, scrollHelp} from '../components/FlagHelp.js';
import {Rows, textRows} from '../components/Rows.js';
import {RECOMMENDED_FLAGS} from '../core/audit.js';
import {optionWindow} from '../components/OptionList.js';
import {wrapText} from '../core/wrap-text.js';
import {hardWrap} from '../components/wrap.js';
import {HINTS, StepFrame, useFrameBody, useScreenWidth} from '../components/StepFrame.js';
import {useTheme} from '../components/theme.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import {initialFlags, privacyAnswer, toggleFlag} from './choices.js';
import {upDownKeys} from './list-keys.js';

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

/** Keys that scroll a flag's help when it is longer than its panel; fits one 80-column footer row. */
const SCROLL_HINT = {keys: 'pgup/pgdn [ ]', action: 'scroll'};

export function PrivacyStep({current, answers, askSendmail, onNext}: Props) {
	const theme = useTheme();
	// The list and the help side by side use the whole terminal: wide screens get longer help rows.
	const width = useScreenWidth(true);
	// Synced: the keys of one burst (Down then Space) each see the ones before.
	const [flags, setFlags, flagsNow] = useSyncedState(() => initialFlags(answers.privacyOptions, current));
	const [highlight, setHighlight, highlightNow] = useSyncedState(0);
	// The first line of the highlighted flag's help on screen; back to the top when the highlight moves.
	const [scroll, setScroll, scrollNow] = useSyncedState(0);
	const count = PRIVACY_FLAG_NAMES.length;
	const focused = PRIVACY_FLAG_NAMES[highlight]!;
	const goaway = flags.includes('goaway');
	const effective = effectiveFlags(flags);
	// Asked in the background once per set of flags; the highlight moves freely meanwhile.
	const flagSet = [...flags].sort().join(',');
	const asked = useAsked(askSendmail === undefined ? undefined : flagSet, askSendmail === undefined ? undefined : async () => askSendmail(flags));
	const helpProps = (flag: PrivacyFlag) => ({
		impliedByGoaway: goaway && flag !== 'goaway' && GOAWAY_IMPLIES.includes(flag),
		live: asked === undefined ? undefined : {asked, flagOn: effective.has(flag)},
	});

	const title = 'PrivacyOptions: what sendmail tells strangers and lets local users do.';
	const baseHints = [HINTS.move, HINTS.toggle, HINTS.next, HINTS.back, HINTS.quit];
	const scrollHints = [HINTS.move, HINTS.toggle, SCROLL_HINT, HINTS.next, HINTS.back, HINTS.quit];
	const wide = width >= 70;
	const helpWidth = wide ? width - LIST_WIDTH - 1 : width;
	// The option line as it will be in sendmail.cf, wrapped after a comma (a flag is never cut), and
	// the flags audit counts as required that are still off.
	const valueLine = `O PrivacyOptions=${formatPrivacyFlags(flags).replaceAll(',', ', ')}${goaway ? ' ([+] set by goaway)' : ''}`;
	const missing = RECOMMENDED_FLAGS.filter(flag => !effective.has(flag));
	const valueRows = [
		...wrapText(valueLine, width)
			.map(line => line.replaceAll(', ', ','))
			.flatMap(line => hardWrap(line, width))
			.map(text => ({text, tone: undefined})),
		...(missing.length === 0 ? [] : textRows(`! audit also wants (*): ${missing.join(', ')}`, width, 'warn')),
	];
	const layout = (rowsInBody: number) => {
		const rows = Math.max(rowsInBody - valueRows.length, 4);
		// The list keeps the highlighted flag in view; beside it (or under it on a narrow screen) its help.
		const listRows = wide ? rows : Math.min(count, Math.max(Math.ceil(rows / 2), 4));
		return {listRows, helpHeight: Math.max(wide ? rows : rows - listRows, 1)};
	};

	// The footer names the scroll keys when the help is longer than its panel (with that hint's rows counted).
	const scrolledBody = useFrameBody(title, scrollHints, true);
	const plainBody = useFrameBody(title, baseHints, true);
	const helpLength = (flag: PrivacyFlag) => {
		const {impliedByGoaway, live} = helpProps(flag);
		return flagHelpLines(flag, helpWidth, impliedByGoaway, live).length;
	};

	const scrolls = helpLength(focused) > layout(scrolledBody.rows).helpHeight;
	const hints = scrolls ? scrollHints : baseHints;
	const {listRows, helpHeight} = layout(scrolls ? scrolledBody.rows : plainBody.rows);
	const view = optionWindow(count, highlight, listRows);

	const page = (by: number) => {
		const flag = PRIVACY_FLAG_NAMES[highlightNow()]!;
		setScroll(scrollHelp(helpLength(flag), helpHeight, scrollNow(), by));
	};

	useStepKeys({
		// Another flag's help shows from its top.
		...upDownKeys(setHighlight, count, () => setScroll(0)),
		onPageUp: () => page(-1),
		onPageDown: () => page(1),
		onSpace: () => setFlags(list => toggleFlag(list, PRIVACY_FLAG_NAMES[highlightNow()]!)),
		onEnter: () => onNext({privacyOptions: privacyAnswer(flagsNow(), current, answers.privacyOptions)}),
	});

	return (
		<StepFrame step="privacy" title={title} hints={hints} wide>
			<Box flexDirection={wide ? 'row' : 'column'}>
				<Box flexDirection="column" width={wide ? LIST_WIDTH : undefined} flexShrink={0} aria-role="listbox" aria-state={{multiselectable: true}}>
					{PRIVACY_FLAG_NAMES.slice(view.first, view.first + view.visible).map((flag, shownIndex) => {
						const index = view.first + shownIndex;
						const active = index === highlight;
						const checked = flags.includes(flag);
						const implied = !checked && goaway && GOAWAY_IMPLIES.includes(flag);
						const required = RECOMMENDED_FLAGS.includes(flag);
						return (
							<Box key={flag} aria-role="option" aria-state={{checked: checked || implied, selected: active}}>
								<Text color={active ? theme.accent : undefined} bold={active}>
									<Text aria-hidden>{`${active ? '›' : ' '} ${checked ? '[x]' : implied ? '[+]' : '[ ]'} `}</Text>
									{flag}
									{implied ? <Text aria-label=" (set by goaway)">{''}</Text> : null}
									{required ? <Text color={effective.has(flag) ? undefined : theme.warn} dimColor={effective.has(flag)} aria-label=" (audit wants it)">{' *'}</Text> : null}
								</Text>
							</Box>
						);
					})}
					{view.windowed ? <Text dimColor>{`  (${view.first + 1}-${view.first + view.visible} of ${count})`}</Text> : null}
				</Box>
				<Box paddingLeft={wide ? 1 : 0}>
					<FlagHelp flag={focused} width={helpWidth} height={helpHeight} scroll={scroll} {...helpProps(focused)} />
				</Box>
			</Box>
			<Rows rows={valueRows} />
		</StepFrame>
	);
}
