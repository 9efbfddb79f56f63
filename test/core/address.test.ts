import assert from 'node:assert/strict';
import test from 'node:test';
import {addressText} from '../../source/core/address.js';

test('addressText: IPv6 in brackets, IPv4 and names as they are', () => {
	assert.equal(addressText({host: '::1', port: 25}), '[::1]:25');
	assert.equal(addressText({host: '127.0.0.1', port: 2525}), '127.0.0.1:2525');
	assert.equal(addressText({host: 'mail.example.org', port: 25}), 'mail.example.org:25');
});
