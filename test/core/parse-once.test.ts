// The wizard's first screen parses sendmail.cf once: the same text gives the same document.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {auditConfig} from '../../source/core/audit.js';
import {parseCf} from '../../source/core/sendmail-cf.js';
import {currentSettings} from '../../source/steps/choices.js';

const cf = readFileSync('source/demo/sendmail.cf', 'latin1');
const helpFile = {path: '/etc/mail/helpfile', text: readFileSync('source/demo/helpfile', 'latin1')};

test('parseCf gives the same document for the same text, and a new one for other text', () => {
	const first = parseCf(cf);
	assert.equal(parseCf(cf), first);
	assert.equal(parseCf(`${cf.slice(0, 10)}${cf.slice(10)}`), first, 'equal text from another string');
	const other = parseCf(cf.replace('O MaxMessageSize', 'O MaxMessageSize=1\n#O MaxMessageSize'));
	assert.notEqual(other, first);
	assert.notDeepEqual(other.options, first.options);
	assert.deepEqual(parseCf(cf), first, 'back to the first text: the same content');
});

test('readers of one document get what fresh parses give', () => {
	const settings = currentSettings(cf);
	const audit = auditConfig(cf, helpFile);
	parseCf('O MaxMessageSize=5\n');
	assert.deepEqual(currentSettings(cf), settings);
	assert.deepEqual(auditConfig(cf, helpFile), audit);
});
