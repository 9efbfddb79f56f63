// "What clients will see": sendmail's own replies with the current config (now) and with the
// candidate (after), from the rehearsal (sendmail -C FILE -bs). Nothing here comes from the model:
// when sendmail could not be asked, it says so and why.
import {Box} from 'ink';
import {Text} from './SafeText.js';
import type {Answers} from '../core/answers.js';
import {safeLine} from '../core/sanitize.js';
import type {Check} from '../core/verify-checks.js';
import {wrapText} from '../core/wrap-text.js';
import {contradicts, type RehearsalReport} from '../flow/apply-flow.js';
import {hardWrap} from './wrap.js';
import {useTheme} from './theme.js';

export type RehearsalState = {kind: 'asking'} | {kind: 'done'; report: RehearsalReport} | {kind: 'failed'; error: string};

export type ClientViewState = {now: RehearsalState; after: RehearsalState};

type Tone = 'good' | 'bad' | 'warn' | 'plain' | 'dim';
type Line = {text: string; tone: Tone};

/** The checks the rehearsal of the candidate failed that the answers decide, or undefined. */
function contradicted(state: ClientViewState, answers: Answers): Check[] | undefined {
	if (state.after.kind !== 'done' || state.after.report.status !== 'ran') {
		return undefined;
	}

	const failed = state.after.report.checks.filter(check => contradicts(check, answers));
	return failed.length === 0 ? undefined : failed;
}

/**
 * Why Write is refused: sendmail, given the candidate files, answers against the answers (the
 * first such check and what sendmail said). Undefined: nothing contradicts them.
 */
export function writeRefusal(state: ClientViewState | undefined, answers: Answers): string | undefined {
	const failed = state === undefined ? undefined : contradicted(state, answers);
	if (failed === undefined) {
		return undefined;
	}

	const [first] = failed;
	const more = failed.length > 1 ? ` (and ${failed.length - 1} more: ${failed.slice(1).map(check => check.name).join(', ')})` : '';
	return `Write refused: with the new files sendmail fails ${first!.name}: expected ${first!.expected}; sendmail said "${safeLine(first!.reply)}"${more}`;
}

const wrapped = (text: string, width: number, tone: Tone, maxRows = 2): Line[] =>
	wrapText(text, width).flatMap(line => hardWrap(line, width)).slice(0, maxRows).map(line => ({text: line, tone}));

/** The view's rows, at most maxRows (at least one): the refusal first to stay, the checks as they fit. */
export function clientViewLines(state: ClientViewState, answers: Answers, width: number, maxRows: number): Line[] {
	const rows = Math.max(maxRows, 1);
	const {now, after} = state;
	const vantage = after.kind === 'done' && after.report.status === 'ran' ? after.report.vantage : undefined;
	const title = `What clients will see (sendmail's own replies${vantage === undefined ? '' : ` to a client at ${vantage.address}`}, after ← now):`;
	if (after.kind === 'asking') {
		return [{text: 'What clients will see: asking sendmail (sendmail -C NEW -bs)...', tone: 'dim'}];
	}

	if (after.kind === 'failed') {
		return wrapped(`✗ What clients will see: sendmail did not answer: ${safeLine(after.error)}`, width, 'bad', rows);
	}

	if (after.report.status === 'skipped') {
		return wrapped(`! What clients will see was not checked: ${safeLine(after.report.reason)}`, width, 'warn', rows);
	}

	const refusal = writeRefusal(state, answers);
	// sendmail's complaints before its greeting (it answered anyway), said once, with whether the current config draws them too.
	const complaints = after.report.complaints ?? [];
	const nowComplaints = now.kind === 'done' && now.report.status === 'ran' ? now.report.complaints ?? [] : [];
	const complaintText = complaints.length === 0 ? undefined : `! sendmail complains${complaints.every(line => nowComplaints.includes(line)) ? ', with the current config too' : ''} (then answers anyway): ${safeLine(complaints[0]!)}${complaints.length > 1 ? ` (and ${complaints.length - 1} more)` : ''}`;
	const refusalLines = [
		// Three rows at most: enough for a reason that names a file (a lost STARTTLS).
		...(refusal === undefined ? [] : wrapped(`✗ ${refusal}`, width, 'bad', Math.min(3, rows))),
		...(complaintText === undefined || rows < 4 ? [] : wrapped(complaintText, width, 'warn', 1)),
	];
	const nowReplies = new Map(now.kind === 'done' && now.report.status === 'ran' ? now.report.checks.map(check => [check.name, check.reply]) : []);
	const checkLines: Line[] = after.report.checks.map(check => {
		const mark = check.status === 'pass' ? '✓' : check.status === 'fail' ? '✗' : '·';
		const before = nowReplies.get(check.name);
		const change = before === undefined ? '' : before === check.reply ? '  (as now)' : `  ← ${safeLine(before)}`;
		return {text: `${mark} ${check.name}: ${safeLine(check.reply)}${change}`, tone: check.status === 'fail' ? (contradicts(check, answers) ? 'bad' : 'warn') : check.status === 'pass' ? 'good' : 'plain'};
	});
	const room = rows - refusalLines.length;
	if (room >= checkLines.length + 1) {
		return [{text: title, tone: 'dim'}, ...checkLines, ...refusalLines];
	}

	if (room <= 0) {
		return refusalLines;
	}

	// The findings no answer decides (relaying, the account harvest, ...) fold into one line first.
	const decided = checkLines.filter((_, index) => after.report.status === 'ran' && after.report.checks[index]!.status !== 'info');
	const findings = after.report.checks.filter(check => check.status === 'info').map(check => check.name);
	if (findings.length > 0 && room >= decided.length + 2) {
		return [{text: title, tone: 'dim'}, ...decided, {text: `· for information: ${findings.join(', ')} (verify --config FILE shows them)`, tone: 'plain'}, ...refusalLines];
	}

	// Short terminal: the failing checks first, then a count of the rest.
	const failing = checkLines.filter(line => line.tone === 'bad' || line.tone === 'warn');
	const passed = after.report.checks.filter(check => check.status === 'pass').length;
	const summary: Line = {text: `What clients will see: ${passed} of ${after.report.checks.length} checks pass in sendmail's replies`, tone: failing.length === 0 ? 'good' : 'dim'};
	return [summary, ...failing].slice(0, room).concat(refusalLines);
}

type Props = {
	state: ClientViewState;
	answers: Answers;
	width: number;
	maxRows: number;
};

export function ClientView({state, answers, width, maxRows}: Props) {
	const theme = useTheme();
	const color = (tone: Tone) => (tone === 'good' ? theme.good : tone === 'bad' ? theme.bad : tone === 'warn' ? theme.warn : undefined);
	return (
		<Box flexDirection="column">
			{clientViewLines(state, answers, width, maxRows).map((line, index) => (
				<Text key={index} wrap="truncate-end" color={color(line.tone)} dimColor={line.tone === 'dim'}>{line.text}</Text>
			))}
		</Box>
	);
}
