import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Answers} from '../core/answers.js';
import {formatPrivacyFlags} from '../core/plan.js';
import {GOAWAY_IMPLIES, PRIVACY_FLAG_NAMES, type PrivacyFlag} from '../core/privacy-flags.js';
import {FlagHelp} from '../components/FlagHelp.js';
import {HINTS, StepFrame, useScreenHeight, useScreenWidth} from '../components/StepFrame.js';
import {useTheme} from '../components/theme.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import {initialFlags, privacyAnswer, toggleFlag} from './choices.js';

type Props = {
	current: PrivacyFlag[];
	answers: Answers;
	onNext(answers: Answers): void;
};

const LIST_WIDTH = 25;

export function PrivacyStep({current, answers, onNext}: Props) {
	const theme = useTheme();
	const width = useScreenWidth();
	const height = useScreenHeight();
	// Synced: the keys of one burst (Down then Space) each see the ones before.
	const [flags, setFlags, flagsNow] = useSyncedState(() => initialFlags(answers.privacyOptions, current));
	const [highlight, setHighlight, highlightNow] = useSyncedState(0);
	const count = PRIVACY_FLAG_NAMES.length;
	const focused = PRIVACY_FLAG_NAMES[highlight]!;
	const goaway = flags.includes('goaway');

	useStepKeys({
		onUp: () => setHighlight(index => (index + count - 1) % count),
		onDown: () => setHighlight(index => (index + 1) % count),
		onSpace: () => setFlags(list => toggleFlag(list, PRIVACY_FLAG_NAMES[highlightNow()]!)),
		onEnter: () => onNext({privacyOptions: privacyAnswer(flagsNow(), current, answers.privacyOptions)}),
	});

	const wide = width >= 70;
	// Header, title, margins, the value line (two rows) and the footer take 7 rows; one more stays free.
	const helpHeight = Math.max(height - 8 - (wide ? 0 : count), 3);

	return (
		<StepFrame step="privacy" title="PrivacyOptions: what sendmail tells strangers and lets local users do." hints={[HINTS.move, HINTS.toggle, HINTS.next, HINTS.back, HINTS.quit]}>
			<Box flexDirection={wide ? 'row' : 'column'}>
				<Box flexDirection="column" width={wide ? LIST_WIDTH : undefined} flexShrink={0} aria-role="listbox" aria-state={{multiselectable: true}}>
					{PRIVACY_FLAG_NAMES.map((flag, index) => {
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
				</Box>
				<Box paddingLeft={wide ? 1 : 0}>
					<FlagHelp flag={focused} width={wide ? width - LIST_WIDTH - 1 : width} height={helpHeight} impliedByGoaway={goaway && focused !== 'goaway' && GOAWAY_IMPLIES.includes(focused)} />
				</Box>
			</Box>
			<Text wrap="wrap">
				<Text dimColor>O PrivacyOptions=</Text>
				{formatPrivacyFlags(flags)}
				<Text dimColor>{goaway ? '  ([+] set by goaway)' : ''}</Text>
			</Text>
		</StepFrame>
	);
}
