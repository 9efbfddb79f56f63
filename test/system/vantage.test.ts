// Where a client stands as the server sees it: loopback and the host's own addresses are this host.
import test from 'node:test';
import assert from 'node:assert/strict';
import {isLoopback, vantageOf} from '../../source/system/vantage.js';
import {clientMacros} from '../../source/system/rehearsal.js';

test('loopback and the host\'s own addresses are this host; any other is outside', () => {
	const own = ['127.0.0.1', '198.51.100.1', '::1', 'fe80::1'];
	assert.deepEqual(vantageOf('127.0.0.1', own), {kind: 'this host', address: '127.0.0.1'});
	assert.deepEqual(vantageOf('127.0.1.1', []), {kind: 'this host', address: '127.0.1.1'});
	assert.deepEqual(vantageOf('::ffff:127.0.0.1', []), {kind: 'this host', address: '127.0.0.1'});
	assert.deepEqual(vantageOf('198.51.100.1', own), {kind: 'this host', address: '198.51.100.1'});
	assert.deepEqual(vantageOf('::ffff:198.51.100.1', own), {kind: 'this host', address: '198.51.100.1'});
	assert.deepEqual(vantageOf('fe80::1%eth0', own), {kind: 'this host', address: 'fe80::1'});
	assert.deepEqual(vantageOf('198.51.100.7', own), {kind: 'outside', address: '198.51.100.7'});
	assert.deepEqual(vantageOf('2001:db8::7', own), {kind: 'outside', address: '2001:db8::7'});
	assert.equal(isLoopback('::1'), true);
	assert.equal(isLoopback('128.0.0.1'), false);
});

test('the rehearsal tells sendmail its client as the access map spells it (IPv6 with its tag)', () => {
	assert.deepEqual(clientMacros('198.51.100.7', 'outside.example.net'), ['-M{client_addr}198.51.100.7', '-M{client_name}outside.example.net']);
	assert.deepEqual(clientMacros('2001:db8::7', 'outside.example.net'), ['-M{client_addr}IPv6:2001:db8::7', '-M{client_name}outside.example.net']);
});
