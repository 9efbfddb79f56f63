import {useReducer} from 'react';
import type {Answers} from '../core/answers.js';
import {SETTING_STEP_ORDER, SETTING_STEPS, type SettingStep} from '../settings/registry.js';

export type StepId = 'welcome' | SettingStep | 'review' | 'apply' | 'done';

/**
 * The wizard's steps, in order (docs/design.md, "The wizard"): Welcome, the steps the settings
 * registry assigns its settings to, then Review, Apply and Done. Step counts are derived from it.
 */
export const STEPS: readonly StepId[] = ['welcome', ...SETTING_STEP_ORDER, 'review', 'apply', 'done'];

export const STEP_NAMES: Record<StepId, string> = {
	welcome: 'Welcome',
	...SETTING_STEPS,
	review: 'Review',
	apply: 'Apply',
	done: 'Done',
};

export type WizardState = {
	step: StepId;
	/** What the admin has chosen so far; absent keys leave the setting as it is. */
	answers: Answers;
	/** Set once Apply has started writing: from then on there is no way back, and quitting is not "nothing written". */
	writeStarted: boolean;
};

export type WizardAction =
	| {type: 'next'; answers?: Answers}
	| {type: 'back'}
	| {type: 'goto'; step: StepId}
	| {type: 'write-started'}
	| {type: 'replace-answers'; answers: Answers};

export function initialWizardState(answers: Answers = {}): WizardState {
	return {step: 'welcome', answers, writeStarted: false};
}

export function stepNumber(step: StepId): number {
	return STEPS.indexOf(step) + 1;
}

function offset(step: StepId, by: number): StepId {
	const index = Math.min(Math.max(STEPS.indexOf(step) + by, 0), STEPS.length - 1);
	return STEPS[index]!;
}

/** Keys whose value is undefined are removed: "leave as it is" has one spelling. */
function merge(answers: Answers, changes: Answers): Answers {
	const merged: Record<string, unknown> = {...answers};
	for (const [key, value] of Object.entries(changes)) {
		if (value === undefined) {
			delete merged[key];
		} else {
			merged[key] = value;
		}
	}

	return merged as Answers;
}

/**
 * Moves between steps, keeping every answer given so far. Back is refused once
 * writing started (the files are changed; the way back is rollback, not Esc).
 */
export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
	switch (action.type) {
		case 'next': {
			const answers = action.answers === undefined ? state.answers : merge(state.answers, action.answers);
			return {...state, answers, step: offset(state.step, 1)};
		}

		case 'back': {
			if (state.writeStarted || state.step === 'welcome') {
				return state;
			}

			return {...state, step: offset(state.step, -1)};
		}

		case 'goto': {
			return state.writeStarted && STEPS.indexOf(action.step) < STEPS.indexOf('apply') ? state : {...state, step: action.step};
		}

		case 'write-started': {
			return {...state, writeStarted: true};
		}

		case 'replace-answers': {
			return state.writeStarted ? state : {...state, answers: action.answers};
		}
	}
}

export function useWizard(answers: Answers = {}) {
	return useReducer(wizardReducer, answers, initialWizardState);
}
