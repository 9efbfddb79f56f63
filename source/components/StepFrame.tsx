import type {ReactNode} from 'react';
import {Box, useStdout} from 'ink';
import {Text} from './SafeText.js';
import {STEPS, STEP_NAMES, stepNumber, type StepId} from '../hooks/use-wizard.js';
import {useTheme} from './theme.js';

/** The width to lay out for: the terminal's, at most 100 columns, never less than 20. */
export function useScreenWidth(): number {
	const {stdout} = useStdout();
	const columns = stdout.columns > 0 ? stdout.columns : 80;
	return Math.max(20, Math.min(columns, 100));
}

/** The rows available, for steps that must fit a scrolling part in (24 when unknown). */
export function useScreenHeight(): number {
	const {stdout} = useStdout();
	return stdout.rows > 0 ? stdout.rows : 24;
}

export type KeyHint = {keys: string; action: string};

export const HINTS = {
	move: {keys: '↑↓', action: 'move'},
	toggle: {keys: 'space', action: 'toggle'},
	next: {keys: 'enter', action: 'next'},
	back: {keys: 'esc', action: 'back'},
	quit: {keys: 'q', action: 'quit'},
	quitTyping: {keys: 'ctrl+c', action: 'quit'},
	scroll: {keys: 'pgup/pgdn', action: 'scroll'},
} satisfies Record<string, KeyHint>;

type Props = {
	step: StepId;
	/** One line under the header that says what the step decides. */
	title?: string;
	hints: KeyHint[];
	children: ReactNode;
};

/** Every screen: "Step N of M  Name" on top, the keys at the bottom. */
export function StepFrame({step, title, hints, children}: Props) {
	const theme = useTheme();
	const width = useScreenWidth();
	const label = `Step ${stepNumber(step)} of ${STEPS.length}: ${STEP_NAMES[step]}`;
	return (
		<Box flexDirection="column" width={width}>
			<Box aria-label={label}>
				<Text bold color={theme.accent}>sendmail-harden</Text>
				<Text>  </Text>
				<Text bold>{`Step ${stepNumber(step)} of ${STEPS.length}`}</Text>
				<Text>{`  ${STEP_NAMES[step]}`}</Text>
			</Box>
			{title === undefined ? null : <Text wrap="wrap">{title}</Text>}
			<Box flexDirection="column" marginTop={1}>
				{children}
			</Box>
			<Box marginTop={1}>
				<Text dimColor wrap="wrap">{hints.map(hint => `${hint.keys} ${hint.action}`).join(' · ')}</Text>
			</Box>
		</Box>
	);
}
