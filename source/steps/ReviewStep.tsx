import path from 'node:path';
import {useContext, useEffect} from 'react';
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Answers} from '../core/answers.js';
import type {Plan} from '../core/plan.js';
import type {Result} from '../core/result.js';
import {wrapText} from '../core/wrap-text.js';
import {ClientView, clientViewLines, writeRefusal, type ClientViewState} from '../components/ClientView.js';
import {DiffView, diffRows, type DiffRow} from '../components/DiffView.js';
import {hardWrap} from '../components/wrap.js';
import {OptionList} from '../components/OptionList.js';
import {safeLine} from '../core/sanitize.js';
import {clipRows, Rows, textRows} from '../components/Rows.js';
import {HINTS, StepFrame, useFrameBody, useScreenWidth} from '../components/StepFrame.js';
import {useTheme} from '../components/theme.js';
import {StepNavigationContext, useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import {upDownKeys} from './list-keys.js';

type Props = {
	/** Undefined while the changes are worked out (an .mc rebuild takes a moment). */
	plan: Result<Plan> | undefined;
	/** The 220 line a client will see after the change. */
	greeting: string;
	/** What sendmail answers now and with the new files; Write is refused when that contradicts the answers. */
	clients?: ClientViewState;
	answers?: Answers;
	onWrite(): void;
	/** Back, when it is not the step before (a refusal that is about Welcome's choice). */
	onBack?(): void;
};

/** Prose as screen rows: wrapped at spaces, and a word longer than the screen (a path) cut. */
function proseRows(key: string, kind: 'info' | 'note', text: string, width: number, indent = ''): DiffRow[] {
	return wrapText(text, width, indent)
		.flatMap(line => hardWrap(line, width))
		.map((line, index) => ({key: `${key}:${index}`, kind, text: line}));
}

/**
 * What Review scrolls through: with a sendmail.mc, how the .cf comes from it, the .mc's diff, the
 * m4 run that rebuilt the .cf, then the .cf's diff; every file's diff under its path. The notes come
 * first: they say what the diff cannot (a line commented out and why, a define added), and a long
 * diff would push them pages down.
 */
export function reviewRows(plan: Plan, width: number): DiffRow[] {
	const rows: DiffRow[] = [];
	for (const [index, note] of plan.notes.entries()) {
		rows.push(...proseRows(`note-${index}`, 'info', `note: ${note}`, width));
	}

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

	return rows;
}

export function ReviewStep({plan, greeting, clients, answers = {}, onWrite, onBack}: Props) {
	const theme = useTheme();
	const navigation = useContext(StepNavigationContext);
	const width = useScreenWidth();
	const changes = plan?.ok === true && plan.value.files.length > 0;
	const refused = changes ? writeRefusal(clients, answers) : undefined;
	// No choice while the plan is worked out, so an early Enter cannot pick the wrong one.
	const choices = plan === undefined
		? []
		: changes && refused !== undefined
		? [{key: 'back', label: 'Back'}, {key: 'quit', label: 'Quit without writing'}]
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
	const hints = [HINTS.move, HINTS.scroll, {keys: 'enter', action: 'choose'}, HINTS.back, HINTS.quit];
	const body = useFrameBody(undefined, hints);
	// The choices and the greeting first; the warnings get what is left beyond six diff rows; the diff takes the rest and scrolls.
	// At least two diff rows and its position line, the choices and two gaps; the greeting gets up to three rows of the rest.
	const heading = body.rows >= 14;
	// Once sendmail has answered, its own banner (in the client view) replaces the model's preview.
	const rehearsed = changes && clients?.after.kind === 'done' && clients.after.report.status === 'ran';
	// Scrolled into the diff, the admin is reading it: it takes every row but the choices' (the
	// greeting, warnings and client view come back at the top).
	const expanded = scroll > 0;
	// On a short screen the changed lines matter more than the greeting (the Greeting step showed it).
	const greetingShown = !expanded && !rehearsed && body.rows >= 12;
	const greetingRows = clipRows(textRows(safeLine(greeting), width, 'good'), Math.max(Math.min(body.rows < 16 ? 2 : 3, body.rows - choices.length - 5 - (heading ? 1 : 0)), 1));
	const warningRows = warnings.flatMap(warning => textRows(`! ${safeLine(warning)}`, width, 'warn'));
	const fixedRows = 1 + choices.length + (greetingShown ? 1 + (heading ? 1 : 0) + greetingRows.length : 0);
	const warningShown = expanded ? [] : clipRows(warningRows, Math.max(Math.min(warningRows.length, body.rows - fixedRows - (greetingShown ? 0 : 1) - 7), 0));
	// The client view takes what the diff can spare beyond three rows and its position line, and no
	// more than it draws in them: folded to fit, it may draw fewer rows than it was offered, and
	// those go back to the diff.
	const clientRoom = Math.max(body.rows - fixedRows - warningShown.length - (greetingShown ? 0 : 1) - 1 - 3, 1);
	const clientRows = changes && clients !== undefined && !expanded ? clientViewLines(clients, answers, width, clientRoom).length : 0;
	const boxShown = greetingShown || warningShown.length > 0 || clientRows > 0;
	const boxRows = warningShown.length + clientRows + (boxShown && !greetingShown ? 1 : 0);
	const problemRows = plan?.ok === false ? clipRows(textRows(`✗ ${safeLine(plan.error)}`, width, 'bad'), Math.max(body.rows - fixedRows - boxRows, 2)) : [];
	// The diff's own last row says where the window is.
	const diffHeight = Math.max(body.rows - fixedRows - boxRows - 1, 2);
	// The diff's height once scrolled into (nothing but the choices beside it), and at the top.
	const fullHeight = Math.max(body.rows - 1 - choices.length - 1, 2);
	const maxScroll = expanded || rows.length > diffHeight ? Math.max(rows.length - fullHeight, 1) : 0;

	useStepKeys({
		...upDownKeys(setHighlight, Math.max(choices.length, 1)),
		// The first page down goes on from what the top showed; then a page is the full height.
		onPageUp: () => setScroll(value => (value - fullHeight <= 0 ? 0 : value - fullHeight)),
		onPageDown: () => setScroll(value => Math.min(value === 0 ? diffHeight : value + fullHeight, maxScroll)),
		onEscape: onBack,
		onEnter() {
			const choice = choices[highlightNow()]?.key;
			if (choice === 'write') {
				onWrite();
			} else if (choice === 'back') {
				(onBack ?? navigation.back)();
			} else if (choice === 'quit') {
				navigation.quit();
			}
		},
	});

	return (
		<StepFrame step="review" hints={hints}>
			{plan === undefined ? (
				<Text color={theme.accent}>Working out the changes...</Text>
			) : plan.ok ? (
				changes ? (
					<DiffView rows={rows} scroll={Math.min(scroll, maxScroll)} height={expanded ? fullHeight : diffHeight} />
				) : (
					<Text>Nothing to change: the file already has these settings.</Text>
				)
			) : (
				<Rows rows={problemRows} />
			)}
			{boxShown ? (
				<Box flexDirection="column" marginTop={1}>
					{greetingShown && heading ? <Text dimColor>Clients will be greeted with:</Text> : null}
					<Rows rows={[...(greetingShown ? greetingRows : []), ...warningShown]} />
					{clientRows > 0 && clients !== undefined ? <ClientView state={clients} answers={answers} width={width} maxRows={clientRows} /> : null}
				</Box>
			) : null}
			<Box marginTop={1}>
				<OptionList label="" kind="radio" items={choices} highlight={highlight} />
			</Box>
		</StepFrame>
	);
}
