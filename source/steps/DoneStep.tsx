import {useRef} from 'react';
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Answers} from '../core/answers.js';
import {checkPresetName} from '../core/answers-file.js';
import type {Result} from '../core/result.js';
import {OptionList} from '../components/OptionList.js';
import {clipRows, Rows, textRows, type Row} from '../components/Rows.js';
import {HINTS, StepFrame, useFrameBody, type KeyHint} from '../components/StepFrame.js';
import type {Audit} from '../core/audit.js';
import {hardenedRows} from '../core/hardened-table.js';
import {TextField} from '../components/TextField.js';
import {useTheme} from '../components/theme.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import type {ApplySummary} from './ApplyStep.js';
import {wrapIndex} from './list-keys.js';

/** The part of the preset store the wizard uses (source/presets.ts). */
export type PresetSaver = {
	exists(name: string): boolean;
	/** Saves under the store's lock, so it may wait a moment for another run. */
	save(name: string, answers: Answers, force: boolean): Promise<Result<unknown>>;
};

type Props = {
	cfPath: string;
	/** A demo copy: removed on exit, so there is nothing to roll back later. */
	demo?: boolean;
	/** The sendmail.mc that was edited and the .cf rebuilt from; undefined when the .cf was edited directly. */
	mcPath?: string;
	summary: ApplySummary;
	/**
	 * Audit of the files as the run leaves them (core/hardened-table.ts): what is hardened and what
	 * is still open, with the certificate's findings where its `starttls` was read.
	 */
	audit: Audit;
	answers: Answers;
	presets: PresetSaver | undefined;
	onFinish(): void;
};

type Mode = {kind: 'menu'} | {kind: 'naming'} | {kind: 'confirm'; name: string} | {kind: 'saved'; name: string};

export function DoneStep({cfPath, demo, mcPath, summary, audit, answers, presets, onFinish}: Props) {
	const theme = useTheme();
	const changed = mcPath === undefined ? `${cfPath} was` : `${mcPath} and ${cfPath} (rebuilt from it) were`;
	// Synced: the keys of one burst (Down then Enter, a name then Enter) each see the ones before.
	const [mode, setMode, modeNow] = useSyncedState<Mode>({kind: 'menu'});
	const [name, setName, nameNow] = useSyncedState('');
	const [error, setError] = useSyncedState<string | undefined>(undefined);
	const [highlight, setHighlight, highlightNow] = useSyncedState(0);
	// The first row of audit's table on screen, where the table is taller than the room for it.
	const [scroll, setScroll] = useSyncedState(0);
	const page = useRef({rows: 1, max: 0});
	const choicesIn = (kind: Mode['kind']) => (presets !== undefined && kind === 'menu' ? [{key: 'finish', label: 'Finish'}, {key: 'save', label: 'Save these answers as a preset'}] : [{key: 'finish', label: 'Finish'}]);
	const choices = choicesIn(mode.kind);
	const nameCheck = checkPresetName(name);

	const save = async (force: boolean) => {
		const saved = await presets!.save(nameNow(), answers, force);
		if (saved.ok) {
			setMode({kind: 'saved', name: nameNow()});
			setError(undefined);
		} else {
			setError(saved.error);
			setMode({kind: 'naming'});
		}
	};

	const moveBy = (by: number) => {
		const count = choicesIn(modeNow().kind).length;
		setHighlight(index => wrapIndex(index, by, count));
	};

	useStepKeys({
		canGoBack: false,
		// Esc cancels naming; at the menu it does nothing (the files are written, there is no back).
		onEscape() {
			if (modeNow().kind === 'naming' || modeNow().kind === 'confirm') {
				setMode({kind: 'menu'});
				setError(undefined);
			}
		},
		onUp: () => moveBy(-1),
		onDown: () => moveBy(1),
		onPageUp: () => setScroll(value => Math.max(Math.min(value, page.current.max) - page.current.rows, 0)),
		onPageDown: () => setScroll(value => Math.min(value + page.current.rows, page.current.max)),
		onEnter() {
			const now = modeNow();
			if (now.kind === 'naming') {
				const typed = nameNow();
				const check = checkPresetName(typed);
				if (!check.ok) {
					setError(check.error);
				} else if (presets!.exists(typed)) {
					setMode({kind: 'confirm', name: typed});
				} else {
					void save(false);
				}

				return;
			}

			if (now.kind === 'confirm') {
				return;
			}

			if (choicesIn(now.kind)[highlightNow()]?.key === 'save') {
				setMode({kind: 'naming'});
				setHighlight(0);
				return;
			}

			onFinish();
		},
		text() {
			const now = modeNow();
			if (now.kind === 'naming') {
				return {value: nameNow(), onChange(value) {
					setName(value);
					setError(undefined);
				}};
			}

			return now.kind === 'confirm'
				? {value: '', onChange(value) {
					if (/^y/i.test(value)) {
						void save(true);
					} else if (/^n/i.test(value)) {
						setMode({kind: 'naming'});
					}
				}}
				: undefined;
		},
	});

	const {applied} = summary;
	const table = hardenedRows(audit, useFrameBody(undefined, []).width, {notSetUp: true});
	// What the run did, as rows of the screen's width, so the room left for the table is exact.
	const headOf = (width: number): Row[] => [
		...(applied === undefined
			? textRows('Nothing was written.', width)
			: [
				...textRows(summary.rolledBack ? `${changed} changed, then restored from the backup.` : `${changed} changed.`, width, summary.rolledBack ? 'warn' : 'good'),
				...applied.backup.files.flatMap(file => textRows(file.backup === null ? `Created: ${file.path}` : `Backup: ${file.backup}`, width, 'dim')),
				...(summary.rolledBack ? [] : textRows(demo ? 'This demo copy and its backup are removed when you leave.' : `Undo with: sendmail-harden rollback --config ${cfPath}`, width)),
			]),
		...summary.events.flatMap(event => textRows(event, width)),
	];
	const below = 1 + (mode.kind === 'menu' ? choices.length : 3) + (mode.kind === 'saved' ? 2 : 0);
	const layout = (hints: KeyHint[], body: {width: number; rows: number}) => {
		// The same rows --yes and verify print; what the lines above and the menu leave of the screen.
		const head = headOf(body.width);
		const room = body.rows - head.length - below;
		// On a short screen the verdict line stays, without the blank row before it.
		return {hints, head, body, room, space: Math.max(room > 1 ? room - 1 : room, 1)};
	};

	const plainHints = mode.kind === 'naming' ? [{keys: 'enter', action: 'save'}, {keys: 'esc', action: 'cancel'}, HINTS.quitTyping] : mode.kind === 'confirm' ? [{keys: 'y/n', action: 'answer'}, {keys: 'esc', action: 'cancel'}, HINTS.quitTyping] : choices.length > 1 ? [HINTS.move, {keys: 'enter', action: 'choose'}, HINTS.quit] : [{keys: 'enter', action: 'finish'}, HINTS.quit];
	// A table taller than its room pages (its last row says where the window is) rather than being cut.
	const pagedHints = [...plainHints.slice(0, -1), HINTS.scroll, plainHints.at(-1)!];
	const plain = layout(plainHints, useFrameBody(undefined, plainHints));
	const paged = layout(pagedHints, useFrameBody(undefined, pagedHints));
	// Paging the table alone needs a row of it and the position line beside the lines above; where
	// those lines leave less (long paths on a short screen), they page with the table, so nothing
	// said on Done (the certificate's findings included) is out of reach and no frame outgrows the terminal.
	const pages = table.length > plain.space;
	const pagesAll = pages && paged.room < 3;
	const {hints, head, room, space} = pages ? paged : plain;
	const lines: Row[] = pagesAll ? [...head, {text: ''}, ...table] : table;
	const windowRows = pagesAll ? Math.max(paged.body.rows - below - 1, 1) : pages ? space - 1 : space;
	page.current = {rows: windowRows, max: pages ? Math.max(lines.length - windowRows, 0) : 0};
	const top = Math.min(scroll, page.current.max);
	const tableRows: Row[] = pages
		? [...lines.slice(top, top + windowRows), {text: `(lines ${top + 1}-${Math.min(top + windowRows, lines.length)} of ${lines.length}; pgup/pgdn [ ] scroll)`, tone: 'dim'}]
		: clipRows(table, space);
	return (
		<StepFrame step="done" hints={hints}>
			{pagesAll ? null : <Rows rows={head} />}
			<Box marginTop={!pagesAll && room > 1 ? 1 : 0} flexDirection="column">
				<Rows rows={tableRows} />
			</Box>
			<Box marginTop={1} flexDirection="column">
				{mode.kind === 'naming' ? (
					<>
						<Text>Name for the preset (letters, digits, ".", "_", "-"):</Text>
						<TextField value={name} placeholder="web-2025" invalid={name !== '' && !nameCheck.ok} />
						{error === undefined ? null : <Text color={theme.bad} wrap="wrap">{`✗ ${error}`}</Text>}
					</>
				) : mode.kind === 'confirm' ? (
					<Text color={theme.warn} wrap="wrap">{`A preset named "${mode.name}" exists. Replace it? (y/n)`}</Text>
				) : (
					<>
						{mode.kind === 'saved' ? <Box marginBottom={1}><Text color={theme.good} wrap="wrap">{`✓ Saved as preset "${mode.name}"; reuse it with --preset ${mode.name}`}</Text></Box> : null}
						<OptionList label="" kind="radio" items={choices} highlight={highlight} />
					</>
				)}
			</Box>
		</StepFrame>
	);
}
