// The wizard's step headings as the frame shows them, from the step list the settings registry
// derives: a test names the step it waits for, and adding a step changes no test.
import {STEP_NAMES, STEPS, stepNumber} from '../../source/hooks/use-wizard.js';

/** How many steps the wizard has. */
export const STEP_COUNT = STEPS.length;

function stepNamed(name: string) {
	const step = STEPS.find(id => STEP_NAMES[id] === name);
	if (step === undefined) {
		throw new Error(`no wizard step named "${name}"; the steps are ${STEPS.map(id => STEP_NAMES[id]).join(', ')}`);
	}

	return step;
}

/** "Step 4 of N" for the step named "Recipients" (N: the step count). */
export function stepOf(name: string): string {
	return `Step ${stepNumber(stepNamed(name))} of ${STEP_COUNT}`;
}

/** "of N  Recipients": the end of the frame's heading for the step named "Recipients". */
export function stepHeading(name: string): string {
	stepNamed(name);
	return `of ${STEP_COUNT}  ${name}`;
}

/** The name of the step before the one named `name` ("Review" -> the last settings step). */
export function stepBefore(name: string): string {
	return STEP_NAMES[STEPS[STEPS.indexOf(stepNamed(name)) - 1]!];
}

/** What enterUntil and escapeUntil need of a rendered wizard: its last frame and a way to type. */
export type Screen = {frame(): string; press(...keys: string[]): Promise<void>};

const ENTER = '\r';
const ESCAPE = '\u001B';

const pause = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

/** Which screen the frame shows: its "Step N of M" and, on a step of several pages, its "(k/n)" (in the title, or the header where the title does not fit). */
function screenMark(frame: string): string {
	return `${/Step \d+ of \d+/.exec(frame)?.[0] ?? ''} ${/\(\d+\/\d+\)/.exec(frame)?.[0] ?? ''}`;
}

/** Polls until the screen shows something else than `mark` says; fails after 30 s with what it shows. */
async function nextScreen(screen: Screen, mark: string): Promise<void> {
	const start = Date.now();
	while (screenMark(screen.frame()) === mark) {
		if (Date.now() - start > 30_000) {
			throw new Error(`the screen did not move on from ${mark}; it shows:\n${screen.frame()}`);
		}

		await pause(10);
	}
}

async function pressUntil(screen: Screen, key: string, name: string): Promise<string> {
	const heading = stepHeading(name);
	for (let presses = 0; presses < 50; presses++) {
		const shown = screen.frame();
		if (shown.includes(heading)) {
			// A step's key handler is attached in an effect after the screen is drawn.
			await pause(20);
			return screen.frame();
		}

		await screen.press(key);
		await nextScreen(screen, screenMark(shown));
	}

	throw new Error(`50 presses did not reach ${name}; the screen shows:\n${screen.frame()}`);
}

/**
 * Enter on each screen, keeping what it shows, until the step named `name` is on screen: Welcome to
 * Review is one call however many steps and pages the registry gives the wizard. Each Enter waits
 * for the screen it leads to, so a screen that does not move on fails with what it shows.
 */
export async function enterUntil(screen: Screen, name: string): Promise<string> {
	return pressUntil(screen, ENTER, name);
}

/** Esc on each screen until the step named `name` is on screen (the way back through every page). */
export async function escapeUntil(screen: Screen, name: string): Promise<string> {
	return pressUntil(screen, ESCAPE, name);
}
