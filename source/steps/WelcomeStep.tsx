import path from 'node:path';
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
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
	/** The sendmail.mc beside the config; it arrives after the first screen. */
	mcPath?: string;
	/** Pre-selected: edit the .cf only (--cf-only, or the admin's earlier choice). */
	cfOnly: boolean;
	/** The preset to start from (undefined: the answers as they are), and whether to edit the .cf only. */
	onNext(preset: string | undefined, cfOnly: boolean): void;
};

/** Which list the pointer is in: where to start from, or which file to edit. */
type Pointer = {list: 'start' | 'edit'; start: number; edit: number};

export function WelcomeStep({cfPath, demo, version, audit, answersFrom, presetNames, presetProblem, mcPath, cfOnly, onNext}: Props) {
	const theme = useTheme();
	const starts = answersFrom === undefined ? [undefined, ...presetNames] : [undefined];
	const cfName = path.basename(cfPath);
	const mcName = mcPath === undefined ? undefined : path.basename(mcPath);
	const edits = mcName === undefined ? [] : [
		{key: 'mc', label: `Edit ${mcName} and rebuild ${cfName} (recommended)`},
		{key: 'cf', label: `Edit ${cfName} only (the next rebuild undoes it)`},
	];
	// The rows the pointer moves through: the starts (when there is a choice), then the files to edit.
	const rowsOf = () => [
		...(starts.length > 1 ? starts.map((_, index) => ({list: 'start', index}) as const) : []),
		...edits.map((_, index) => ({list: 'edit', index}) as const),
	];
	// Pointer and choices by list, so presets or the .mc arriving later never move the pointer's row.
	const [pointer, setPointer, pointerNow] = useSyncedState<Pointer>({list: 'start', start: 0, edit: cfOnly ? 1 : 0});
	// The pointer is in the edit list when there is no choice of start.
	const activeList = (current: Pointer) => (current.list === 'start' && starts.length <= 1 ? 'edit' : current.list);
	const move = (by: number) => setPointer(current => {
		const rows = rowsOf();
		if (rows.length === 0) {
			return current;
		}

		const at = Math.max(rows.findIndex(row => row.list === activeList(current) && row.index === current[row.list]), 0);
		const row = rows[(at + by + rows.length) % rows.length]!;
		return {...current, list: row.list, [row.list]: row.index};
	});
	useStepKeys({
		onUp: () => move(-1),
		onDown: () => move(1),
		onEnter() {
			const current = pointerNow();
			onNext(starts[current.start], edits.length > 0 ? current.edit === 1 : cfOnly);
		},
		canGoBack: false,
	});

	const highlight = pointer.start;
	const pointerIn = edits.length > 0 ? activeList(pointer) : 'start';
	const score = audit.items.filter(item => item.hardened).length;
	// The preset list gets the rows the rest leaves of the screen; beyond that it scrolls.
	const height = useScreenHeight();
	const adviceRows = audit.items.filter(item => !item.hardened).length;
	const editRows = edits.length === 0 ? 0 : 2 + edits.length;
	const restRows = 12 + audit.items.length + editRows + (demo ? 2 : 0) + (presetProblem === undefined ? 0 : 2);
	// With presets and the .mc choice both on screen, the advice lines give way so the presets still show
	// (at 80x24 with Debian's config, every setting needs advice); each step explains its setting anyway.
	const advice = edits.length === 0 || starts.length <= 1 || height - restRows - adviceRows >= Math.min(starts.length, 3);
	const otherRows = restRows + (advice ? adviceRows : 0);
	const fits = starts.length <= height - otherRows;
	const visible = fits ? starts.length : Math.max(2, height - otherRows - 1);
	const first = Math.max(0, Math.min(highlight - Math.floor(visible / 2), starts.length - visible));
	const hidden = {above: first, below: starts.length - first - visible};
	return (
		<StepFrame step="welcome" hints={starts.length > 1 || edits.length > 0 ? [HINTS.move, {keys: 'enter', action: 'start'}, HINTS.quit] : [{keys: 'enter', action: 'start'}, HINTS.quit]}>
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
						{item.hardened || !advice ? null : <Text wrap="truncate-end" dimColor>{`   ${item.advice}`}</Text>}
					</Box>
				))}
			</Box>
			{starts.length > 1 ? (
				<Box marginTop={1} flexDirection="column">
					<OptionList
						label={`Start from${fits ? '' : ` (${starts.length - 1} presets)`}`}
						kind="radio"
						highlight={pointerIn === 'start' ? highlight - first : -1}
						selected={highlight - first}
						items={starts.slice(first, first + visible).map(name => ({key: name ?? '', label: name === undefined ? 'The current settings' : `Preset "${name}"`}))}
					/>
					{fits ? null : <Text dimColor>{`  ${hidden.above} more above, ${hidden.below} more below`}</Text>}
				</Box>
			) : edits.length > 0 ? null : (
				<Box marginTop={1}>
					<Text>Every step starts from {answersFrom ?? 'the current settings'}; press enter to keep them.</Text>
				</Box>
			)}
			{edits.length === 0 ? null : (
				<Box marginTop={1} flexDirection="column">
					{/* One line, so Welcome still fits 80x24 with every audit line of Debian's config. */}
					<Text wrap="wrap">{`Built from ${mcName}: a rebuild (sendmailconfig, make) drops direct .cf edits.`}</Text>
					<OptionList label="" kind="radio" highlight={pointerIn === 'edit' ? pointer.edit : -1} selected={pointer.edit} items={edits} />
				</Box>
			)}
			{presetProblem === undefined ? null : <Text wrap="wrap" color={theme.warn}>{`! ${presetProblem}`}</Text>}
		</StepFrame>
	);
}
