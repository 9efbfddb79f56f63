import path from 'node:path';
import {useContext, useEffect} from 'react';
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Plan} from '../core/plan.js';
import type {Result} from '../core/result.js';
import {wrapText} from '../core/wrap-text.js';
import {DiffView, diffRows, type DiffRow} from '../components/DiffView.js';
import {hardWrap} from '../components/wrap.js';
import {OptionList} from '../components/OptionList.js';
import {HINTS, StepFrame, useScreenHeight, useScreenWidth} from '../components/StepFrame.js';
import {useTheme} from '../components/theme.js';
import {StepNavigationContext, useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';

type Props = {
	/** Undefined while the changes are worked out (an .mc rebuild takes a moment). */
	plan: Result<Plan> | undefined;
	/** The 220 line a client will see after the change. */
	greeting: string;
	onWrite(): void;
};

/** Prose as screen rows: wrapped at spaces, and a word longer than the screen (a path) cut. */
function proseRows(key: string, kind: 'info' | 'note', text: string, width: number, indent = ''): DiffRow[] {
	return wrapText(text, width, indent)
		.flatMap(line => hardWrap(line, width))
		.map((line, index) => ({key: `${key}:${index}`, kind, text: line}));
}

/**
 * What Review scrolls through: with a sendmail.mc, how the .cf comes from it, the .mc's diff, the
 * m4 run that rebuilt the .cf, then the .cf's diff; every file's diff under its path; the notes last.
 */
export function reviewRows(plan: Plan, width: number): DiffRow[] {
	const rows: DiffRow[] = [];
	const {source} = plan;
	const mcFile = plan.files.find(file => file.role === 'mc');
	const others = plan.files.filter(file => file !== mcFile);
	if (source?.kind === 'mc' && mcFile !== undefined) {
		const cfName = path.basename(others.find(file => file.role === 'cf')?.path ?? 'sendmail.cf');
		rows.push(...proseRows('source', 'info', `${cfName} is rebuilt from ${path.basename(source.mcPath)} (same as: ${source.rebuildCommand})`, width));
		rows.push(...diffRows([mcFile], width));
		rows.push(...proseRows('build', 'note', `$ ${source.buildCommand}`, width, '  '));
		rows.push(...proseRows('output', 'note', source.rebuildOutput, width, '  '));
	} else if (mcFile !== undefined) {
		rows.push(...diffRows([mcFile], width));
	}

	rows.push(...diffRows(others, width));
	for (const [index, note] of plan.notes.entries()) {
		rows.push(...proseRows(`note-${index}`, 'note', `note: ${note}`, width));
	}

	return rows;
}

export function ReviewStep({plan, greeting, onWrite}: Props) {
	const theme = useTheme();
	const navigation = useContext(StepNavigationContext);
	const width = useScreenWidth();
	const height = useScreenHeight();
	const changes = plan?.ok === true && plan.value.files.length > 0;
	// No choice while the plan is worked out, so an early Enter cannot pick the wrong one.
	const choices = plan === undefined
		? []
		: changes
		? [{key: 'write', label: 'Write changes'}, {key: 'back', label: 'Back'}, {key: 'quit', label: 'Quit without writing'}]
		: [{key: 'quit', label: plan.ok ? 'Finish (nothing to write)' : 'Quit without writing'}, {key: 'back', label: 'Back'}];
	const choicesKey = choices.map(choice => choice.key).join();
	// Synced: the keys of one burst (Down then Enter) each see the ones before.
	const [highlight, setHighlight, highlightNow] = useSyncedState(0);
	const [scroll, setScroll] = useSyncedState(0);
	useEffect(() => {
		setHighlight(0);
	}, [choicesKey, setHighlight]);
	const rows = plan?.ok ? reviewRows(plan.value, width) : [];
	const warnings = plan?.ok ? plan.value.warnings : [];
	// Rows left for the diff: the frame (5), the greeting (3), warnings, the choices (4), the position line (1).
	const greetingRows = Math.ceil((greeting.length + 1) / width) + 1;
	const warningRows = warnings.reduce((sum, warning) => sum + Math.ceil((warning.length + 2) / width), 0);
	const diffHeight = Math.max(height - 5 - greetingRows - warningRows - choices.length - 2 - 1, 3);
	const maxScroll = Math.max(rows.length - diffHeight, 0);

	useStepKeys({
		onUp: () => setHighlight(index => (index + choices.length - 1) % Math.max(choices.length, 1)),
		onDown: () => setHighlight(index => (index + 1) % Math.max(choices.length, 1)),
		onPageUp: () => setScroll(value => Math.max(value - diffHeight, 0)),
		onPageDown: () => setScroll(value => Math.min(value + diffHeight, maxScroll)),
		onEnter() {
			const choice = choices[highlightNow()]?.key;
			if (choice === 'write') {
				onWrite();
			} else if (choice === 'back') {
				navigation.back();
			} else if (choice === 'quit') {
				navigation.quit();
			}
		},
	});

	const hints = [HINTS.move, ...(rows.length > diffHeight ? [HINTS.scroll] : []), {keys: 'enter', action: 'choose'}, HINTS.back, HINTS.quit];
	return (
		<StepFrame step="review" hints={hints}>
			{plan === undefined ? (
				<Text color={theme.accent}>Working out the changes...</Text>
			) : plan.ok ? (
				changes ? (
					<DiffView rows={rows} scroll={Math.min(scroll, maxScroll)} height={diffHeight} />
				) : (
					<Text>Nothing to change: the file already has these settings.</Text>
				)
			) : (
				<Text color={theme.bad} wrap="wrap">{`✗ ${plan.error}`}</Text>
			)}
			<Box flexDirection="column" marginTop={1}>
				<Text dimColor>Clients will be greeted with:</Text>
				<Text wrap="wrap" color={theme.good}>{greeting}</Text>
				{warnings.map(warning => <Text key={warning} wrap="wrap" color={theme.warn}>{`! ${warning}`}</Text>)}
			</Box>
			<Box marginTop={1}>
				<OptionList label="" kind="radio" items={choices} highlight={highlight} />
			</Box>
		</StepFrame>
	);
}
