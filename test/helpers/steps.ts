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
