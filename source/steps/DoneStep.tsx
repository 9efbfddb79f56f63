import {useRef, useState} from 'react';
import {Box, Text} from 'ink';
import type {Answers} from '../core/answers.js';
import {checkPresetName} from '../core/answers-file.js';
import type {Result} from '../core/result.js';
import {OptionList} from '../components/OptionList.js';
import {HINTS, StepFrame} from '../components/StepFrame.js';
import {TextField} from '../components/TextField.js';
import {useTheme} from '../components/theme.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import type {ApplySummary} from './ApplyStep.js';

/** The part of the preset store the wizard uses (source/presets.ts). */
export type PresetSaver = {
	exists(name: string): boolean;
	save(name: string, answers: Answers, force: boolean): Result<unknown>;
};

type Props = {
	cfPath: string;
	summary: ApplySummary;
	answers: Answers;
	presets: PresetSaver | undefined;
	onFinish(): void;
};

type Mode = {kind: 'menu'} | {kind: 'naming'} | {kind: 'confirm'; name: string} | {kind: 'saved'; name: string};

export function DoneStep({cfPath, summary, answers, presets, onFinish}: Props) {
	const theme = useTheme();
	const [mode, setMode] = useState<Mode>({kind: 'menu'});
	const [name, setName] = useState('');
	const [error, setError] = useState<string>();
	// Kept in a ref as well: keys that arrive in one burst (arrow then enter) must see the move.
	const [highlight, setHighlightState] = useState(0);
	const highlightNow = useRef(0);
	const setHighlight = (next: number | ((index: number) => number)) => {
		highlightNow.current = typeof next === 'number' ? next : next(highlightNow.current);
		setHighlightState(highlightNow.current);
	};
	const canSave = presets !== undefined && mode.kind === 'menu';
	const choices = canSave ? [{key: 'finish', label: 'Finish'}, {key: 'save', label: 'Save these answers as a preset'}] : [{key: 'finish', label: 'Finish'}];
	const nameCheck = checkPresetName(name);

	const save = (force: boolean) => {
		const saved = presets!.save(name, answers, force);
		if (saved.ok) {
			setMode({kind: 'saved', name});
			setError(undefined);
		} else {
			setError(saved.error);
			setMode({kind: 'naming'});
		}
	};

	useStepKeys({
		canGoBack: false,
		onEscape: mode.kind === 'naming' || mode.kind === 'confirm'
			? () => {
				setMode({kind: 'menu'});
				setError(undefined);
			}
			: undefined,
		onUp: () => setHighlight(index => (index + choices.length - 1) % choices.length),
		onDown: () => setHighlight(index => (index + 1) % choices.length),
		onEnter() {
			if (mode.kind === 'naming') {
				if (!nameCheck.ok) {
					setError(nameCheck.error);
				} else if (presets!.exists(name)) {
					setMode({kind: 'confirm', name});
				} else {
					save(false);
				}

				return;
			}

			if (mode.kind === 'confirm') {
				return;
			}

			if (choices[highlightNow.current]?.key === 'save') {
				setMode({kind: 'naming'});
				setHighlight(0);
				return;
			}

			onFinish();
		},
		text: mode.kind === 'naming'
			? {value: name, onChange(value) {
				setName(value);
				setError(undefined);
			}}
			: mode.kind === 'confirm'
				? {value: '', onChange(value) {
					if (/^y/i.test(value)) {
						save(true);
					} else if (/^n/i.test(value)) {
						setMode({kind: 'naming'});
					}
				}}
				: undefined,
	});

	const {applied} = summary;
	return (
		<StepFrame step="done" hints={mode.kind === 'naming' ? [{keys: 'enter', action: 'save'}, {keys: 'esc', action: 'cancel'}, HINTS.quitTyping] : mode.kind === 'confirm' ? [{keys: 'y/n', action: 'answer'}, {keys: 'esc', action: 'cancel'}, HINTS.quitTyping] : choices.length > 1 ? [HINTS.move, {keys: 'enter', action: 'choose'}, HINTS.quit] : [{keys: 'enter', action: 'finish'}, HINTS.quit]}>
			{applied === undefined ? (
				<Text>Nothing was written.</Text>
			) : (
				<Box flexDirection="column">
					<Text color={summary.rolledBack ? theme.warn : theme.good} wrap="wrap">
						{summary.rolledBack ? `${cfPath} was changed, then restored from the backup.` : `${cfPath} was changed.`}
					</Text>
					{applied.backup.files.map(file => <Text key={file.backup} wrap="wrap" dimColor>{`Backup: ${file.backup}`}</Text>)}
					{summary.rolledBack ? null : <Text wrap="wrap">{`Undo with: sendmail-harden rollback --config ${cfPath}`}</Text>}
				</Box>
			)}
			{summary.events.map((event, index) => (
				// eslint-disable-next-line react/no-array-index-key
				<Text key={index} wrap="wrap">{event}</Text>
			))}
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
