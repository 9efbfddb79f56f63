import {test} from 'node:test';
import assert from 'node:assert/strict';
import {replyReader} from './smtp-replies.mjs';

test('a multi-line reply is one reply, however the chunks cut it', () => {
	const read = replyReader();
	assert.deepEqual(read('220 mail.test.example ESMTP\r\n250-mail.test.example Hello\r\n250-SI'), [['220 mail.test.example ESMTP']]);
	assert.deepEqual(read('ZE 500000\r'), []);
	assert.deepEqual(read('\n250 HELP\r\n221 bye\r\n'), [['250-mail.test.example Hello', '250-SIZE 500000', '250 HELP'], ['221 bye']]);
});
