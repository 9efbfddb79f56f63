import path from 'node:path';
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Audit} from '../core/audit.js';
import {OptionList} from '../components/OptionList.js';
import {safeLine} from '../core/sanitize.js';
import {clipRows, Rows, textRows, type Row} from '../components/Rows.js';
import {hardWrap} from '../components/wrap.js';
import {HINTS, StepFrame, useFrameBody} from '../components/StepFrame.js';
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
	/** True once what a client sees was judged by sendmail's own replies, not read from the file. */
	auditFromSendmail?: boolean;
	/** Where the pre-filled answers come from ("preset \"web\"", a file), if not the config itself. */
	answersFrom: string | undefined;
	/** Saved presets to start from (only offered when no answers were given); they arrive after the first screen. */
	presetNames: readonly string[];
	/** Why the preset store could not be opened (one line naming the file); undefined when it could. */
	presetProblem?: string;
	/** The sendmail.mc beside the config; it arrives after the first screen. */
	mcPath?: string;
	/** Why editing through the .mc would lose changes (the .cf is not what the .mc builds); undefined when it agrees or is not known yet. */
	mcProblem?: string;
	/** Pre-selected: edit the .cf only (--cf-only, or the admin's earlier choice). */
	cfOnly: boolean;
	/** What this user cannot do here (write, restart) and why; undefined when nothing stands in the way. */
	access?: string;
	/** Why every sendmail start on this host sleeps 60 s (a host name not fully qualified), and the fix. */
	hostNote?: string;
	/** The preset to start from (undefined: the answers as they are), and whether to edit the .cf only. */
	onNext(preset: string | undefined, cfOnly: boolean): void;
};

/** Which list the pointer is in, and the row chosen in each list (moving the pointer chooses nothing). */
type Pointer = {list: 'start' | 'edit'; start: number; edit: number};
type Chosen = {start: number; edit: number};

export function WelcomeStep({cfPath, demo, version, audit, answersFrom, presetNames, presetProblem, mcPath, mcProblem, cfOnly, access, hostNote, auditFromSendmail = false, onNext}: Props) {
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
	const [chosen, setChosen, chosenNow] = useSyncedState<Chosen>({start: 0, edit: cfOnly ? 1 : 0});
	const [refused, setRefused] = useSyncedState(false);
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
	// Space (and Enter) choose the pointer's row in its own list; the other list keeps its choice.
	const choosePointer = (): Chosen => {
		const current = pointerNow();
		const list = edits.length > 0 ? activeList(current) : 'start';
		const next = {...chosenNow(), [list]: current[list]};
		setChosen(next);
		return next;
	};

	useStepKeys({
		onUp: () => move(-1),
		onDown: () => move(1),
		onSpace() {
			choosePointer();
			setRefused(false);
		},
		onEnter() {
			const choice = choosePointer();
			const editCfOnly = edits.length > 0 ? choice.edit === 1 : cfOnly;
			// The .cf is not what the .mc builds: rebuilding would lose those lines. Say it here,
			// where the choice is made, not at Review four steps later.
			if (edits.length > 0 && !editCfOnly && mcProblem !== undefined) {
				setRefused(true);
				return;
			}

			onNext(starts[choice.start], editCfOnly);
		},
		canGoBack: false,
	});

	const pointerIn = edits.length > 0 ? activeList(pointer) : 'start';
	const score = audit.items.filter(item => item.hardened).length;
	const choosing = starts.length > 1 || edits.length > 0;
	const hints = choosing ? [HINTS.move, {keys: 'space', action: 'choose'}, {keys: 'enter', action: 'start'}, HINTS.quit] : [{keys: 'enter', action: 'start'}, HINTS.quit];
	const body = useFrameBody(undefined, hints);
	const {width} = body;

	// Every row is counted so Welcome fits the terminal. First the facts (file, version, demo, what
	// this user cannot do) and the choices; then each setting's line (else one summary line); then
	// the advice under each setting, which each step gives again anyway.
	const factRows: Row[] = [
		...hardWrap(`File      ${safeLine(cfPath)}`, width).map(text => ({text})),
		{tone: version.kind === 'known' ? undefined : 'dim', text: `sendmail  ${version.kind === 'checking' ? 'checking the version...' : version.kind === 'known' ? safeLine(version.version) : version.reason}`},
		...(answersFrom === undefined ? [] : hardWrap(`Answers   pre-filled from ${safeLine(answersFrom)}`, width).map(text => ({text}))),
		...(demo ? textRows('Demo mode: this works on a copy of the bundled sample (the file above), removed on exit. Nothing on this system changes.', width, 'warn') : []),
		...(access === undefined ? [] : textRows(`! ${access}`, width, 'warn')),
		...(hostNote === undefined ? [] : textRows(`! ${safeLine(hostNote)}`, width, 'warn')),
	];
	const adviceRows = audit.items.filter(item => !item.hardened).length;
	const mcRows = edits.length === 0 ? [] : textRows(`Built from ${mcName}: a rebuild (sendmailconfig, make) drops direct .cf edits.`, width);
	const problemText = mcProblem === undefined ? undefined : refused ? `✗ ${mcProblem}` : `! ${mcProblem}`;
	const mcProblemRows = problemText === undefined ? [] : clipRows(textRows(safeLine(problemText), width, refused ? 'bad' : 'warn'), refused ? 4 : 2);
	const editRows = edits.length === 0 ? 0 : 1 + mcRows.length + edits.length + mcProblemRows.length;
	const presetProblemRows = presetProblem === undefined ? [] : clipRows(textRows(`! ${safeLine(presetProblem)}`, width, 'warn'), 2);
	const keepText = starts.length > 1 || edits.length > 0 ? [] : textRows(`Every step starts from ${answersFrom === undefined ? 'the current settings' : safeLine(answersFrom)}; press enter to keep them.`, width);
	const factShown = clipRows(factRows, Math.max(body.rows - 2 - editRows - presetProblemRows.length - (starts.length > 1 ? 4 : 0), 2));
	const fixed = factShown.length + 2 + editRows + presetProblemRows.length;
	const startRows = starts.length > 1 ? 1 + Math.min(1 + starts.length, Math.max(body.rows - fixed - 1, 3)) : 0;
	const itemized = body.rows - fixed - startRows >= audit.items.length;
	const advice = itemized && body.rows - fixed - startRows - audit.items.length >= adviceRows + (keepText.length > 0 ? 1 + keepText.length : 0);
	const keepRows = body.rows - fixed - startRows - (itemized ? audit.items.length : 0) - (advice ? adviceRows : 0) >= 1 + keepText.length ? keepText : [];
	const weak = audit.items.filter(item => !item.hardened).map(item => item.setting);

	return (
		<StepFrame step="welcome" hints={hints}>
			<Rows rows={factShown} />
			<Box marginTop={1} flexDirection="column">
				<Text bold wrap="truncate-end">{`Current settings: ${score} of ${audit.items.length} hardened${itemized || weak.length === 0 ? '' : `; not: ${weak.join(', ')}`} (${auditFromSendmail ? 'asked of sendmail' : 'read from the file'})`}</Text>
				{(itemized ? audit.items : []).map(item => (
					<Box key={item.setting} flexDirection="column">
						<Text wrap="truncate-end">
							<Text color={item.hardened ? theme.good : theme.bad}>{item.hardened ? ' ✓ ' : ' ✗ '}</Text>
							<Text bold>{item.setting}</Text>
							<Text dimColor>{`  ${safeLine(item.value)}`}</Text>
						</Text>
						{item.hardened || !advice ? null : <Text wrap="truncate-end" dimColor>{`   ${item.advice}`}</Text>}
					</Box>
				))}
			</Box>
			{starts.length > 1 ? (
				<Box marginTop={1} flexDirection="column">
					<OptionList
						label={`Start from (${starts.length - 1} preset${starts.length === 2 ? '' : 's'})`}
						kind="radio"
						highlight={pointerIn === 'start' ? pointer.start : -1}
						selected={chosen.start}
						rows={startRows - 1}
						items={starts.map(name => ({key: name ?? '', label: name === undefined ? 'The current settings' : `Preset "${safeLine(name)}"`}))}
					/>
				</Box>
			) : keepRows.length > 0 ? (
				<Box marginTop={1} flexDirection="column">
					<Rows rows={keepRows} />
				</Box>
			) : null}
			{edits.length === 0 ? null : (
				<Box marginTop={1} flexDirection="column">
					<Rows rows={mcRows} />
					<OptionList label="" kind="radio" highlight={pointerIn === 'edit' ? pointer.edit : -1} selected={chosen.edit} items={edits} />
					<Rows rows={mcProblemRows} />
				</Box>
			)}
			<Rows rows={presetProblemRows} />
		</StepFrame>
	);
}
