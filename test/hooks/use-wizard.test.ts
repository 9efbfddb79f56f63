import test from 'node:test';
import assert from 'node:assert/strict';
import {initialWizardState, STEPS, stepNumber, wizardReducer, type WizardState} from '../../source/hooks/use-wizard.js';

const at = (step: WizardState['step'], answers = {}): WizardState => ({...initialWizardState(answers), step});

test('the wizard has the steps of the design, in order: Welcome, the settings\' steps, Review, Apply, Done', () => {
	assert.deepEqual([...STEPS], ['welcome', 'greeting', 'size', 'recipients', 'privacy', 'floods', 'tls', 'review', 'apply', 'done']);
	assert.equal(stepNumber('welcome'), 1);
	assert.equal(stepNumber('done'), STEPS.length);
});

test('next merges the step\'s answers and moves on; undefined removes a key ("keep")', () => {
	const state = wizardReducer(at('size', {maxMessageSize: 10, greeting: 'x'}), {type: 'next', answers: {maxMessageSize: undefined, maxRecipientsPerMessage: 50}});
	assert.equal(state.step, 'recipients');
	assert.deepEqual(state.answers, {greeting: 'x', maxRecipientsPerMessage: 50});
	assert.ok(!('maxMessageSize' in state.answers));
});

test('back goes one step back and keeps every answer', () => {
	const answers = {greeting: '$j mailserver; $b', maxMessageSize: 500_000};
	const state = wizardReducer(at('recipients', answers), {type: 'back'});
	assert.equal(state.step, 'size');
	assert.deepEqual(state.answers, answers);
});

test('back on Welcome stays there', () => {
	const state = at('welcome');
	assert.equal(wizardReducer(state, {type: 'back'}), state);
});

test('once writing started there is no way back, and the answers are fixed', () => {
	let state = wizardReducer(at('apply', {maxMessageSize: 1}), {type: 'write-started'});
	assert.equal(wizardReducer(state, {type: 'back'}).step, 'apply');
	assert.equal(wizardReducer(state, {type: 'goto', step: 'review'}).step, 'apply');
	assert.deepEqual(wizardReducer(state, {type: 'replace-answers', answers: {}}).answers, {maxMessageSize: 1});
	state = wizardReducer(state, {type: 'next'});
	assert.equal(state.step, 'done');
	assert.equal(wizardReducer(state, {type: 'next'}).step, 'done');
});

test('goto returns to Review after a refused write', () => {
	assert.equal(wizardReducer(at('apply'), {type: 'goto', step: 'review'}).step, 'review');
});
