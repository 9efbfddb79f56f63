import {test} from 'node:test';
import assert from 'node:assert/strict';
import {wrapIndex} from '../../source/steps/list-keys.js';

test('a move past either end of a list wraps to the other end', () => {
	assert.equal(wrapIndex(0, -1, 4), 3);
	assert.equal(wrapIndex(3, 1, 4), 0);
	assert.equal(wrapIndex(1, 1, 4), 2);
	assert.equal(wrapIndex(2, -1, 4), 1);
	assert.equal(wrapIndex(0, 1, 1), 0);
});
