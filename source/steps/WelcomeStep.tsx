import {Box, Text} from 'ink';
import type {Audit} from '../core/audit.js';
import {OptionList} from '../components/OptionList.js';
import {HINTS, StepFrame, useScreenHeight} from '../components/StepFrame.js';
import {useTheme} from '../components/theme.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';

/** What is known of the installed sendmail: still asking, its version, or none found. */
export type VersionState = {kind: 'checking'} | {kind: 'known'; version: string} | {kind: 'unknown'; reason: string};

type Props = {
	cfPath: string;
	demo: boolean;
	version: VersionState;
	audit: Audit;
	/** Where the pre-filled answers come from ("preset \"web\"", a file), if not the config itself. */
	answersFrom: string | undefined;
	/** Saved presets to start from (only offered when no answers were given); they arrive after the first screen. */
	presetNames: readonly string[];
	/** Why the preset store could not be opened (one line naming the file); undefined when it could. */
	presetProblem?: string;
	onNext(preset: string | undefined): void;
};

export function WelcomeStep({cfPath, demo, version, audit, answersFrom, presetNames, presetProblem, onNext}: Props) {
	const theme = useTheme();
	const starts = answersFrom === undefined ? [undefined, ...presetNames] : [undefined];
	// "The current settings" comes first, so presets arriving later never move the highlighted row.
	const [highlight, setHighlight, highlightNow] = useSyncedState(0);
	useStepKeys({
		onUp: () => setHighlight(index => (index + starts.length - 1) % starts.length),
		onDown: () => setHighlight(index => (index + 1) % starts.length),
		onEnter: () => onNext(starts[highlightNow()]),
		canGoBack: false,
	});

	const score = audit.items.filter(item => item.hardened).length;
	// The preset list gets the rows the rest leaves of the screen; beyond that it scrolls.
	const height = useScreenHeight();
	const auditRows = audit.items.length + audit.items.filter(item => !item.hardened).length;
	const otherRows = 12 + auditRows + (demo ? 2 : 0) + (presetProblem === undefined ? 0 : 2);
	const fits = starts.length <= height - otherRows;
	const visible = fits ? starts.length : Math.max(2, height - otherRows - 1);
	const first = Math.max(0, Math.min(highlight - Math.floor(visible / 2), starts.length - visible));
	const hidden = {above: first, below: starts.length - first - visible};
	return (
		<StepFrame step="welcome" hints={starts.length > 1 ? [HINTS.move, {keys: 'enter', action: 'start'}, HINTS.quit] : [{keys: 'enter', action: 'start'}, HINTS.quit]}>
			<Text wrap="wrap"><Text bold>File      </Text>{cfPath}</Text>
			<Text wrap="wrap">
				<Text bold>sendmail  </Text>
				{version.kind === 'checking' ? <Text dimColor>checking the version...</Text> : version.kind === 'known' ? version.version : <Text dimColor>{version.reason}</Text>}
			</Text>
			{answersFrom === undefined ? null : <Text wrap="wrap"><Text bold>Answers   </Text>{`pre-filled from ${answersFrom}`}</Text>}
			{demo ? (
				<Text wrap="wrap" color={theme.warn}>
					Demo mode: there is no /etc/mail/sendmail.cf here, so this works on a copy of the bundled sample. Nothing on this system changes.
				</Text>
			) : null}
			<Box marginTop={1} flexDirection="column">
				<Text bold>{`Current settings: ${score} of ${audit.items.length} hardened`}</Text>
				{audit.items.map(item => (
					<Box key={item.setting} flexDirection="column">
						<Text wrap="truncate-end">
							<Text color={item.hardened ? theme.good : theme.bad}>{item.hardened ? ' ✓ ' : ' ✗ '}</Text>
							<Text bold>{item.setting}</Text>
							<Text dimColor>{`  ${item.value}`}</Text>
						</Text>
						{item.hardened ? null : <Text wrap="truncate-end" dimColor>{`   ${item.advice}`}</Text>}
					</Box>
				))}
			</Box>
			{starts.length > 1 ? (
				<Box marginTop={1} flexDirection="column">
					<OptionList
						label={`Start from${fits ? '' : ` (${starts.length - 1} presets)`}`}
						kind="radio"
						highlight={highlight - first}
						items={starts.slice(first, first + visible).map(name => ({key: name ?? '', label: name === undefined ? 'The current settings' : `Preset "${name}"`}))}
					/>
					{fits ? null : <Text dimColor>{`  ${hidden.above} more above, ${hidden.below} more below`}</Text>}
				</Box>
			) : (
				<Box marginTop={1}>
					<Text>Every step starts from {answersFrom ?? 'the current settings'}; press enter to keep them.</Text>
				</Box>
			)}
			{presetProblem === undefined ? null : <Text wrap="wrap" color={theme.warn}>{`! ${presetProblem}`}</Text>}
		</StepFrame>
	);
}
