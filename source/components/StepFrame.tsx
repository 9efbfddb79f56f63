import type {ReactNode} from 'react';
import {Box, useStdout} from 'ink';
import {Text} from './SafeText.js';
import {STEPS, STEP_NAMES, stepNumber, type StepId} from '../hooks/use-wizard.js';
import {wrapText} from '../core/wrap-text.js';
import {useTheme} from './theme.js';

/**
 * The width to lay out for: the terminal's, at most 100 columns (prose wider than that is hard to
 * read), never less than 20. `wide`: the whole terminal, for a step with columns side by side.
 */
export function useScreenWidth(wide = false): number {
	const {stdout} = useStdout();
	const columns = stdout.columns > 0 ? stdout.columns : 80;
	return Math.max(20, wide ? columns : Math.min(columns, 100));
}

/**
 * The rows a frame may take: one less than the terminal's (24 when unknown). Ink redraws a frame
 * as tall as the terminal by clearing the screen and the scrollback, at every key.
 */
export function useScreenHeight(): number {
	const {stdout} = useStdout();
	return Math.max((stdout.rows > 0 ? stdout.rows : 24) - 1, 8);
}

/** Below this many rows a step's title line goes, to leave the rows to the choices. */
const TITLE_MIN_HEIGHT = 19;

/** Whether the frame shows a step's title line (a short terminal leaves it out). */
export function useTitleShown(): boolean {
	return useScreenHeight() >= TITLE_MIN_HEIGHT;
}

/** The rows of the frame around a step's body: header, title, the gaps, the key hints. */
function chrome(title: string | undefined, hints: KeyHint[], width: number, height: number) {
	const titleRows = title === undefined || height < TITLE_MIN_HEIGHT ? [] : wrapText(title, width);
	const hintRows = wrapText(hints.map(hint => `${hint.keys} ${hint.action}`).join(' · '), width);
	return {titleRows, hintRows, rows: 1 + titleRows.length + 1 + 1 + hintRows.length};
}

/** The width, and the rows a step's body may fill, inside a StepFrame with this title and these hints. */
export function useFrameBody(title: string | undefined, hints: KeyHint[], wide = false): {width: number; rows: number} {
	const width = useScreenWidth(wide);
	const height = useScreenHeight();
	return {width, rows: Math.max(height - chrome(title, hints, width, height).rows, 3)};
}

export type KeyHint = {keys: string; action: string};

export const HINTS = {
	move: {keys: '↑↓', action: 'move'},
	toggle: {keys: 'space', action: 'toggle'},
	next: {keys: 'enter', action: 'next'},
	back: {keys: 'esc', action: 'back'},
	quit: {keys: 'q', action: 'quit'},
	quitTyping: {keys: 'ctrl+c', action: 'quit'},
	/** In a text field every printable key, q and space included, is text. */
	typing: {keys: 'type', action: 'text (q, space too)'},
	scroll: {keys: 'pgup/pgdn [ ]', action: 'scroll'},
} satisfies Record<string, KeyHint>;

type Props = {
	step: StepId;
	/** One line under the header that says what the step decides. */
	title?: string;
	hints: KeyHint[];
	children: ReactNode;
	/** Lay out for the whole terminal, not at most 100 columns (see useScreenWidth). */
	wide?: boolean;
};

/** Every screen: "Step N of M  Name" on top, the keys at the bottom. */
export function StepFrame({step, title, hints, children, wide = false}: Props) {
	const theme = useTheme();
	const width = useScreenWidth(wide);
	const height = useScreenHeight();
	const {titleRows, hintRows} = chrome(title, hints, width, height);
	const label = `Step ${stepNumber(step)} of ${STEPS.length}: ${STEP_NAMES[step]}`;
	return (
		<Box flexDirection="column" width={width}>
			<Box aria-label={label}>
				<Text bold color={theme.accent}>sendmail-harden</Text>
				<Text>  </Text>
				<Text bold>{`Step ${stepNumber(step)} of ${STEPS.length}`}</Text>
				<Text>{`  ${STEP_NAMES[step]}`}</Text>
			</Box>
			{titleRows.map((row, index) => <Text key={index}>{row}</Text>)}
			<Box flexDirection="column" marginTop={1}>
				{children}
			</Box>
			<Box marginTop={1} flexDirection="column">
				{hintRows.map((row, index) => <Text key={index} dimColor>{row}</Text>)}
			</Box>
		</Box>
	);
}
