// What the AUTH pages start from and what they answer: pure, so the no-UI path and the tests see
// the same rules as the screen.
import type {Answers} from '../core/answers.js';
import {mechanismsOfferedInTheClear} from '../core/auth-options.js';
import {SETTING} from '../settings/registry.js';

/** The AUTH settings as the file has them (settings/current.ts). */
export type CurrentAuth = {authRequireTls: boolean; authMechanisms: string[] | undefined};

/** The mechanisms in force: the file's list, or sendmail's own where it sets none. */
export const mechanismsInForce = (current: CurrentAuth): string[] => current.authMechanisms ?? [...SETTING.authMechanisms.unset];

/** The pages' starting values: the answers given before, else the file's. */
export function initialAuth(answers: Answers, current: CurrentAuth): {requireTls: boolean; mechanisms: string[]} {
	return {
		requireTls: answers.authRequireTls ?? current.authRequireTls,
		mechanisms: [...(answers.authMechanisms ?? mechanismsInForce(current))],
	};
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every(item => b.includes(item));

/** The mechanisms in the order the list shows them (the registry's), whatever order they were toggled in. */
export function toggleMechanism(mechanisms: readonly string[], name: string): string[] {
	const next = mechanisms.includes(name) ? mechanisms.filter(other => other !== name) : [...mechanisms, name];
	return SETTING.authMechanisms.names.filter(each => next.includes(each));
}

/**
 * The answers of the step: a setting left as the file has it, with no answer before, stays
 * unanswered ("keep"); otherwise the choice.
 */
export function authAnswers(chosen: {requireTls: boolean; mechanisms: readonly string[]}, current: CurrentAuth, previous: Answers): Answers {
	const keepTls = (previous.authRequireTls === undefined || previous.authRequireTls === null) && chosen.requireTls === current.authRequireTls;
	const keepMechanisms = (previous.authMechanisms === undefined || previous.authMechanisms === null) && sameSet(chosen.mechanisms, mechanismsInForce(current));
	return {
		authRequireTls: keepTls ? undefined : chosen.requireTls,
		authMechanisms: keepMechanisms ? undefined : [...chosen.mechanisms],
	};
}

/** What the pages warn about: AUTH still offered in the clear under p, or no mechanism at all. */
export function authWarnings(requireTls: boolean, mechanisms: readonly string[]): string[] {
	if (mechanisms.length === 0) {
		return ['Choose at least one mechanism: Enter waits for one.'];
	}

	const inClear = requireTls ? mechanismsOfferedInTheClear(mechanisms) : [];
	return [
		...(inClear.length === 0 ? [] : [`AUTH is still offered before STARTTLS: ${inClear.join(', ')} ${inClear.length === 1 ? 'is' : 'are'} not hidden by p. Keep only PLAIN and LOGIN to offer no AUTH in the clear.`]),
		...(requireTls ? [] : ['Without "AUTH only after STARTTLS", PLAIN and LOGIN may be offered before STARTTLS.']),
	];
}
