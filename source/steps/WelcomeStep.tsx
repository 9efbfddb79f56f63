import path from 'node:path';
import {Fragment, useContext} from 'react';
import {Box} from 'ink';
import stringWidth from 'string-width';
import {Text} from '../components/SafeText.js';
import type {Audit} from '../core/audit.js';
import {OptionList} from '../components/OptionList.js';
import {safeLine} from '../core/sanitize.js';
import {clipRows, Rows, textRows, type Row} from '../components/Rows.js';
import {hardWrap} from '../components/wrap.js';
import {HINTS, StepFrame, useFrameBody} from '../components/StepFrame.js';
import {useTheme} from '../components/theme.js';
import {StepNavigationContext, useStepKeys} from '../hooks/use-step-keys.js';
import type {McDisagreement} from '../system/make-plan.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import {wrapIndex} from './list-keys.js';

/**
 * Why the .cf cannot be edited through its .mc: the lines of the .cf the .mc does not build (a hand
 * edit), or why the .mc could not be built here at all.
 */
export type McProblem = McDisagreement | {message: string};

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
	/** Why editing through the .mc would lose changes (the .cf is not what the .mc builds) or cannot work; undefined when it agrees or is not known yet. */
	mcProblem?: McProblem;
	/** Pre-selected: edit the .cf only (--cf-only, or the admin's earlier choice). */
	cfOnly: boolean;
	/** What this user cannot do here (write, restart) and why; undefined when nothing stands in the way. */
	access?: string;
	/** Why every sendmail start on this host sleeps 60 s (a host name not fully qualified), and the fix. */
	hostNote?: string;
	/** The preset to start from (undefined: the answers as they are), and whether to edit the .cf only. */
	onNext(preset: string | undefined, cfOnly: boolean): void;
};

/** How to go on with an .mc there: through it, the .cf alone, or quit to fix the .mc first. */
type EditKey = 'mc' | 'cf' | 'quit';
/**
 * Which list the pointer is in, and the row chosen in each list (moving the pointer chooses nothing).
 * The edit rows are kept by key: the .mc check answers after the first screen and may take the .mc
 * row away, and a row's meaning must not change under the pointer when it does.
 */
type Pointer = {list: 'start' | 'edit'; start: number; edit: EditKey};
type Chosen = {start: number; edit: EditKey};

export function WelcomeStep({cfPath, demo, version, audit, answersFrom, presetNames, presetProblem, mcPath, mcProblem, cfOnly, access, hostNote, auditFromSendmail = false, onNext}: Props) {
	const theme = useTheme();
	const starts = answersFrom === undefined ? [undefined, ...presetNames] : [undefined];
	const cfName = path.basename(cfPath);
	const mcName = mcPath === undefined ? undefined : path.basename(mcPath);
	const handEdits = mcProblem !== undefined && 'cfLines' in mcProblem ? mcProblem : undefined;
	// With the .cf not what the .mc builds (or the .mc not buildable here), going through the .mc
	// cannot work: the .cf alone is the way on, or quitting to put the .mc right first.
	const blocked = mcName !== undefined && mcProblem !== undefined;
	const edits: Array<{key: EditKey; label: string}> = mcName === undefined ? [] : blocked ? [
		{key: 'cf', label: `Edit ${cfName} only, as --cf-only (recommended)`},
		{key: 'quit', label: handEdits === undefined ? `Quit, and fix the build from ${mcName} first` : `Quit, and carry the hand edit into ${mcName} first`},
	] : [
		{key: 'mc', label: `Edit ${mcName} and rebuild ${cfName} (recommended)`},
		{key: 'cf', label: `Edit ${cfName} only (the next rebuild undoes it)`},
	];
	// The row of an edit key; a key no longer offered (the .mc, once blocked) stands for the .cf alone.
	const editIndex = (key: EditKey) => {
		const at = edits.findIndex(edit => edit.key === key);
		return at === -1 ? Math.max(edits.findIndex(edit => edit.key === 'cf'), 0) : at;
	};
	const navigation = useContext(StepNavigationContext);
	// The rows the pointer moves through: the starts (when there is a choice), then the files to edit.
	const rowsOf = () => [
		...(starts.length > 1 ? starts.map((_, index) => ({list: 'start', index}) as const) : []),
		...edits.map((_, index) => ({list: 'edit', index}) as const),
	];
	// Pointer and choices by list, so presets or the .mc arriving later never move the pointer's row.
	const [pointer, setPointer, pointerNow] = useSyncedState<Pointer>({list: 'start', start: 0, edit: cfOnly ? 'cf' : 'mc'});
	const [chosen, setChosen, chosenNow] = useSyncedState<Chosen>({start: 0, edit: cfOnly ? 'cf' : 'mc'});
	// The pointer is in the edit list when there is no choice of start.
	const activeList = (current: Pointer) => (current.list === 'start' && starts.length <= 1 ? 'edit' : current.list);
	const move = (by: number) => setPointer(current => {
		const rows = rowsOf();
		if (rows.length === 0) {
			return current;
		}

		const indexOf = (list: 'start' | 'edit') => (list === 'start' ? current.start : editIndex(current.edit));
		const at = Math.max(rows.findIndex(row => row.list === activeList(current) && row.index === indexOf(row.list)), 0);
		const row = rows[wrapIndex(at, by, rows.length)]!;
		return row.list === 'start' ? {...current, list: 'start', start: row.index} : {...current, list: 'edit', edit: edits[row.index]!.key};
	});
	// Space (and Enter) choose the pointer's row in its own list; the other list keeps its choice.
	const choosePointer = (): Chosen => {
		const current = pointerNow();
		const list = edits.length > 0 ? activeList(current) : 'start';
		const next = list === 'start' ? {...chosenNow(), start: current.start} : {...chosenNow(), edit: edits[editIndex(current.edit)]!.key};
		setChosen(next);
		return next;
	};

	useStepKeys({
		onUp: () => move(-1),
		onDown: () => move(1),
		onSpace() {
			choosePointer();
		},
		onEnter() {
			const choice = choosePointer();
			const edit = edits.length > 0 ? edits[editIndex(choice.edit)]!.key : cfOnly ? 'cf' : 'mc';
			if (edit === 'quit') {
				navigation.quit();
				return;
			}

			onNext(starts[choice.start], edit === 'cf');
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
	const mcRows = edits.length === 0 ? [] : blocked ? [] : textRows(`Built from ${mcName}: a rebuild (sendmailconfig, make) drops direct .cf edits.`, width);
	// Above the choices: what differs, by the .cf's own lines, and what a rebuild would do to them.
	const blockedRows = !blocked ? [] : handEdits === undefined ? clipRows(textRows(`! ${safeLine(mcProblem.message)}`, width, 'warn'), 4) : handEditRows(handEdits, cfName, mcName!, width);
	// Under the choices: what choosing the .cf alone means.
	const mcProblemRows = !blocked ? [] : textRows(handEdits === undefined
		? `Editing ${cfName} only needs no build; a later rebuild from ${mcName} undoes this tool's changes.`
		: `Editing ${cfName} only keeps the hand edit; a later rebuild from ${mcName} undoes it and this tool's changes alike.`, width, 'dim');
	const editRows = edits.length === 0 ? 0 : 1 + mcRows.length + blockedRows.length + edits.length + mcProblemRows.length;
	const presetProblemRows = presetProblem === undefined ? [] : clipRows(textRows(`! ${safeLine(presetProblem)}`, width, 'warn'), 2);
	const keepText = starts.length > 1 || edits.length > 0 ? [] : textRows(`Every step starts from ${answersFrom === undefined ? 'the current settings' : safeLine(answersFrom)}; press enter to keep them.`, width);
	const factShown = clipRows(factRows, Math.max(body.rows - 2 - editRows - presetProblemRows.length - (starts.length > 1 ? 4 : 0), 2));
	const fixed = factShown.length + 2 + editRows + presetProblemRows.length;
	const startRows = starts.length > 1 ? 1 + Math.min(1 + starts.length, Math.max(body.rows - fixed - 1, 3)) : 0;
	// A line per setting where it fits beside the sentence that says what Enter does; else two
	// settings a line (the sentence matters more than the values); else one summary line.
	const room = body.rows - fixed - startRows;
	const keepNeed = keepText.length > 0 ? 1 + keepText.length : 0;
	const paired = Math.ceil(audit.items.length / 2);
	const itemized = room >= audit.items.length + keepNeed || (room >= audit.items.length && room < paired + keepNeed);
	const pairs = !itemized && room >= paired + keepNeed;
	const itemRows = itemized ? audit.items.length : pairs ? paired : 0;
	const advice = itemized && room - audit.items.length >= adviceRows + keepNeed;
	const keepRows = room - itemRows - (advice ? adviceRows : 0) >= 1 + keepText.length ? keepText : [];
	const weak = audit.items.filter(item => !item.hardened).map(item => item.setting);

	return (
		<StepFrame step="welcome" hints={hints}>
			<Rows rows={factShown} />
			<Box marginTop={1} flexDirection="column">
				<Text bold wrap="truncate-end">{`Current settings: ${score} of ${audit.items.length} hardened${itemized || pairs || weak.length === 0 ? '' : `; not: ${weak.join(', ')}`} (${auditFromSendmail ? 'asked of sendmail' : 'read from the file'})`}</Text>
				{(pairs ? Array.from({length: paired}, (_, row) => audit.items.slice(row * 2, row * 2 + 2)) : []).map(two => (
					<Text key={two[0]!.setting} wrap="truncate-end">
						{two.map((item, index) => {
							const cell = fitCell(item.setting, safeLine(item.value), Math.floor(width / 2) - 3, index === two.length - 1);
							return (
								<Fragment key={item.setting}>
									<Text color={item.hardened ? theme.good : theme.bad}>{item.hardened ? ' ✓ ' : ' ✗ '}</Text>
									<Text bold>{cell.name}</Text>
									<Text dimColor>{cell.value}</Text>
								</Fragment>
							);
						})}
					</Text>
				))}
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
					<Rows rows={blockedRows} />
					<OptionList label="" kind="radio" highlight={pointerIn === 'edit' ? editIndex(pointer.edit) : -1} selected={editIndex(chosen.edit)} items={edits} />
					<Rows rows={mcProblemRows} />
				</Box>
			)}
			<Rows rows={presetProblemRows} />
		</StepFrame>
	);
}

/** The .cf's lines the .mc does not build, each by the option it sets (as the .cf names it), and what a rebuild does to them. */
function handEditRows(difference: McDisagreement, cfName: string, mcName: string, width: number): Row[] {
	const {cfLines, builtOnly, rebuildCommand} = difference;
	const count = cfLines.length;
	const shown = cfLines.slice(0, 3);
	const lineRows = shown.flatMap(line => {
		const built = line.option === undefined ? '' : line.built === undefined ? ` (${mcName} does not set ${line.option})` : ` (${mcName} builds: ${line.built})`;
		return clipRows(textRows(safeLine(`line ${line.line}: ${line.text}${built}`), width, 'warn', '  '), 2);
	});
	const more = count - shown.length;
	const missing = `${builtOnly} line${builtOnly === 1 ? '' : 's'} that ${mcName} builds`;
	const heading = count === 0
		? `! ${cfName} lacks ${missing} (a hand edit):`
		: `! ${cfName} has ${count === 1 ? 'a line' : `${count} lines`} that ${mcName} does not build (a hand edit):`;
	return [
		...textRows(heading, width, 'warn'),
		...lineRows,
		...(more > 0 ? [{text: `  and ${more} more`, tone: 'warn' as const}] : []),
		...(count > 0 && builtOnly > 0 ? textRows(`and it lacks ${missing}`, width, 'warn', '  ') : []),
		...textRows(`A rebuild from ${mcName} (${safeLine(rebuildCommand)}) would undo ${count + builtOnly === 1 ? 'it' : 'them'}.`, width),
	];
}

/**
 * One cell of the two-column table, after its 3-column mark: the name, then the value, cut with
 * "…" to `width` columns and, unless it is the row's last cell, padded to them. One text a row
 * instead of a box a cell: the first screen lays out 16 fewer boxes.
 */
function fitCell(name: string, value: string, width: number, last: boolean): {name: string; value: string} {
	const full = `${name}  ${value}`;
	let shown = full;
	let used = stringWidth(full);
	if (used > width) {
		shown = '';
		used = 0;
		for (const character of full) {
			const columns = stringWidth(character);
			if (used + columns > width - 1) {
				break;
			}

			shown += character;
			used += columns;
		}

		shown += '…';
		used += 1;
	}

	const cell = last ? shown : shown + ' '.repeat(Math.max(width - used, 0));
	return cell.startsWith(name) ? {name, value: cell.slice(name.length)} : {name: cell, value: ''};
}
