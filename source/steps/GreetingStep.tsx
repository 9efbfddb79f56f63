import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {Answers} from '../core/answers.js';
import {previewGreeting, type GreetingContext} from '../core/greeting.js';
import type {Result} from '../core/result.js';
import {safeLine} from '../core/sanitize.js';
import {wrapText} from '../core/wrap-text.js';
import {hardWrap} from '../components/wrap.js';
import type {SmtpReply} from '../core/verify-checks.js';
import {useAsked} from '../hooks/use-asked.js';
import {clipRows, Rows, textRows} from '../components/Rows.js';
import {OptionList, type OptionItem} from '../components/OptionList.js';
import {HINTS, StepFrame, useFrameBody} from '../components/StepFrame.js';
import {TextField} from '../components/TextField.js';
import {useTheme} from '../components/theme.js';
import {useStepKeys} from '../hooks/use-step-keys.js';
import {useSyncedState} from '../hooks/use-synced-state.js';
import {SETTING, settingsOfStep, type SwitchKey} from '../settings/registry.js';
import {GREETING_OPTIONS, greetingAnswer, greetingSelection, greetingTemplate, type GreetingOptionId} from './choices.js';
import {wrapIndex} from './list-keys.js';

export type HelpState =
	/** The help file prints the version ($v) on these lines. */
	| {kind: 'leaks'; line: string}
	| {kind: 'clean'}
	/** No HelpFile, or it is missing: HELP answers with the version whatever is chosen. */
	| {kind: 'none'};

/** sendmail's own greeting with this SmtpGreetingMessage in the config. */
export type AskGreeting = (template: string) => Promise<Result<{status: 'ran'; greeting: SmtpReply} | {status: 'skipped'; reason: string}>>;

type Props = {
	current: string | undefined;
	answers: Answers;
	preview: GreetingContext;
	help: HelpState;
	/** The Received: header line that tells the version ($v/$Z), if any (docs/sendmail.md, "The Received header"). */
	receivedLeak?: string;
	/** Absent: sendmail is not asked, and the model's preview stands alone. */
	askSendmail?: AskGreeting;
	onNext(answers: Answers): void;
};

// Under the greeting choices, a checkbox for each switch of this step (settings/registry.ts).
const SWITCHES = settingsOfStep('greeting').filter((setting): setting is Extract<typeof setting, {type: 'switch'}> => setting.type === 'switch');
const FIRST_SWITCH_ROW = GREETING_OPTIONS.length;
const ROWS = FIRST_SWITCH_ROW + SWITCHES.length;
type SwitchValues = Record<SwitchKey, boolean>;

export function GreetingStep({current, answers, preview, help, receivedLeak, askSendmail, onNext}: Props) {
	const theme = useTheme();
	const initial = greetingSelection(answers.greeting, current);
	// Synced: the keys of one burst (Down then Enter, Down then typing) each see the ones before.
	const [highlight, setHighlight, highlightNow] = useSyncedState(GREETING_OPTIONS.findIndex(option => option.id === initial.id));
	const [chosen, setChosen, chosenNow] = useSyncedState(initial.id);
	const [customText, setCustomText, customTextNow] = useSyncedState(initial.customText);
	const [switches, setSwitches, switchesNow] = useSyncedState(() => Object.fromEntries(SWITCHES.map(setting => [setting.key, answers[setting.key] === true])) as SwitchValues);
	const hideHelp = switches.hideHelpVersion;

	// Moving only moves: the preview follows the highlight (what this row would send), but the
	// answer changes only when Space or Enter chooses a row, or typing edits the custom text. Moving
	// past a row to the checkboxes below must not pick it.
	const shownId = (row: number, chosenId: GreetingOptionId) => GREETING_OPTIONS[row]?.id ?? chosenId;
	const previewId = shownId(highlight, chosen);
	const template = greetingTemplate(previewId, current, customText);
	const answer = greetingAnswer(previewId, current, customText);
	const shown = previewGreeting(template, preview);
	// The preview is the model's; sendmail confirms or corrects it once it has answered for this text.
	const asked = useAsked(askSendmail === undefined || !answer.ok ? undefined : template, askSendmail === undefined ? undefined : async () => askSendmail(template), 400);
	const banner = asked?.kind === 'done' ? asked.value.greeting.lines[0] : undefined;
	const customRow = GREETING_OPTIONS.findIndex(option => option.id === 'custom');
	const editing = highlight === customRow;

	const move = (by: number) => {
		setHighlight(wrapIndex(highlightNow(), by, ROWS));
	};

	useStepKeys({
		onUp: () => move(-1),
		onDown: () => move(1),
		onSpace() {
			const row = highlightNow();
			const toggled = SWITCHES[row - FIRST_SWITCH_ROW];
			if (toggled !== undefined) {
				setSwitches(values => ({...values, [toggled.key]: !values[toggled.key]}));
			} else {
				setChosen(shownId(row, chosenNow()));
			}
		},
		onEnter() {
			// Enter on a greeting row chooses it; on a checkbox it keeps the choice made.
			const id = shownId(highlightNow(), chosenNow());
			const latest = greetingAnswer(id, current, customTextNow());
			if (!latest.ok) {
				return;
			}

			setChosen(id);
			// A box left clear keeps an answer of false, else leaves the setting as it is.
			const chosen = switchesNow();
			onNext({greeting: latest.value, ...Object.fromEntries(SWITCHES.map(setting => [setting.key, chosen[setting.key] ? true : answers[setting.key] === false ? false : undefined]))});
		},
		// Typing in the custom field is choosing it.
		text: () => (highlightNow() === customRow
			? {
				value: customTextNow(),
				onChange(value) {
					setCustomText(value);
					setChosen('custom');
				},
			}
			: undefined),
	});

	const hints = editing ? [HINTS.move, HINTS.typing, HINTS.next, HINTS.back, HINTS.quitTyping] : [HINTS.move, highlight < FIRST_SWITCH_ROW ? {keys: 'space', action: 'choose'} : HINTS.toggle, HINTS.next, HINTS.back, HINTS.quit];
	const title = 'The first line every client sees (SmtpGreetingMessage). Hide what an attacker can use.';
	const body = useFrameBody(title, hints);
	const {width} = body;
	// The mark before a label ("› (•) ") takes 6 columns; the field has the rest of the row.
	const items: OptionItem[] = GREETING_OPTIONS.map(option => ({
		key: option.id,
		label: option.label,
		recommended: option.id !== 'custom' && greetingTemplate(option.id, current, '') === SETTING.greeting.recommended,
		editor: option.id === 'custom' ? <TextField value={customText} placeholder="type the greeting, e.g. $j mail; $b" invalid={!answer.ok} width={width - 6} /> : undefined,
	}));

	const helpNote = help.kind === 'none'
		? 'There is no help file: HELP answers "502 5.3.0 Sendmail <version> -- HELP not implemented" whatever you choose.'
		: help.kind === 'clean'
			? 'The help file already leaves the version out.'
			: hideHelp
				? 'HELP will start with "214-2.0.0 Topics:" (the version line goes).'
				: `HELP still answers "214-2.0.0 ${safeLine(help.line)}".`;

	// Every row is counted, so the step fits the terminal: the choices and the 220 line first, then
	// as much of the HELP note, the heading and the warnings as the rows left allow.
	// Each checkbox says what it hides and whether it is recommended: on a narrow screen its label
	// wraps under itself rather than losing the end (the mark cut to "(recom…").
	const switchLines = SWITCHES.map(setting => {
		// The Received header may not show the version at all: then the box changes nothing.
		const idle = setting.edit.file === 'received' && receivedLeak === undefined ? ' (they do not show it)' : '';
		const mark = setting.recommended && idle === '' ? ' (recommended)' : '';
		return wrapText(`${setting.checkbox}${idle}${mark}`, Math.max(width - 6, 10)).flatMap(line => hardWrap(line, Math.max(width - 6, 10)));
	});
	// The checkbox rows and the gap before the 220 line are always there.
	const fixedRows = switchLines.reduce((sum, lines) => sum + lines.length, 0) + 1;
	const problem = answer.ok ? undefined : answer.error;
	const problemRows = problem === undefined ? [] : clipRows(textRows(`✗ ${problem}`, width, 'bad'), 2);
	// The 220 line gives up its third row before the greeting choices scroll (the choices are the step).
	const lineMax = Math.max(Math.min(body.rows < 12 ? 2 : 3, body.rows - fixedRows - (GREETING_OPTIONS.length + 1) - problemRows.length), 1);
	const lineRows = clipRows(problem === undefined ? textRows(safeLine(banner ?? shown.line), width, 'good') : [{text: '(no preview)', tone: 'dim'}], lineMax);
	const listRows = Math.min(GREETING_OPTIONS.length + 1, Math.max(body.rows - fixedRows - lineRows.length - problemRows.length, 3));
	let left = body.rows - listRows - fixedRows - lineRows.length - problemRows.length;
	const noteRows = clipRows(textRows(helpNote, width, 'dim', '      '), Math.max(Math.min(left, 3), 0));
	left -= noteRows.length;
	const source = banner !== undefined
		? 'sendmail itself answers'
		: asked?.kind === 'asking'
			? 'preview; asking sendmail'
			: asked?.kind === 'skipped' || asked?.kind === 'failed'
				? 'preview; sendmail was not asked'
				: 'preview';
	const headingRows = left > 0 ? [{text: `A client connecting now would see (${source}):`, tone: 'dim' as const}] : [];
	left -= headingRows.length;
	const warningRows = clipRows(shown.warnings.flatMap(warning => textRows(`! ${safeLine(warning)}`, width, 'warn')), Math.max(left, 0));

	return (
		<StepFrame step="greeting" title={title} hints={hints}>
			<OptionList label="Greeting" kind="radio" items={items} highlight={highlight} selected={GREETING_OPTIONS.findIndex(option => option.id === chosen)} rows={listRows} />
			{SWITCHES.map((setting, index) => {
				const row = FIRST_SWITCH_ROW + index;
				const checked = switches[setting.key];
				const selected = highlight === row;
				return (
					<Box key={setting.key} flexDirection="column" aria-role="checkbox" aria-state={{checked, selected}}>
						{switchLines[index]!.map((line, at) => {
							const marked = line.endsWith('(recommended)');
							const text = marked ? line.slice(0, -'(recommended)'.length) : line;
							return (
								<Text key={at} color={selected ? theme.accent : undefined} bold={selected} wrap="truncate-end">
									{`${at > 0 ? '      ' : `${selected ? '›' : ' '} [${checked ? 'x' : ' '}] `}${text}`}
									{marked ? <Text color={theme.good}>(recommended)</Text> : null}
								</Text>
							);
						})}
					</Box>
				);
			})}
			<Rows rows={noteRows} />
			<Box marginTop={1} flexDirection="column">
				<Rows rows={[...headingRows, ...lineRows, ...problemRows, ...warningRows]} />
			</Box>
		</StepFrame>
	);
}
