import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {smtpConnect} from '../../source/system/smtp-client.js';
import {freePort} from '../helpers/sendmail.js';

const servers: net.Server[] = [];
after(() => {
	for (const server of servers) {
		server.close();
	}
});

/** A scripted server on 127.0.0.1: answers each received line with script(line). */
async function fakeServer(onConnect: (socket: net.Socket) => void): Promise<number> {
	const server = net.createServer(onConnect);
	servers.push(server);
	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	return (server.address() as net.AddressInfo).port;
}

test('reads the greeting and multi-line replies, then says QUIT', async () => {
	const received: string[] = [];
	const port = await fakeServer(socket => {
		socket.write('220-first\r\n220 mail.test.example ESMTP ready\r\n');
		let buffer = '';
		socket.on('data', chunk => {
			buffer += String(chunk);
			let end;
			while ((end = buffer.indexOf('\r\n')) !== -1) {
				const line = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				received.push(line);
				if (line.startsWith('EHLO')) {
					// Sent in two pieces, to show a reply is gathered across packets.
					socket.write('250-mail.test.example Hello\r\n250-SI');
					setImmediate(() => socket.write('ZE 500000\r\n250 HELP\r\n'));
				} else if (line === 'QUIT') {
					socket.end('221 2.0.0 closing\r\n');
				}
			}
		});
	});
	const session = await smtpConnect('127.0.0.1', port);
	assert.ok(session.ok);
	assert.deepEqual(session.value.greeting, {code: 220, lines: ['220-first', '220 mail.test.example ESMTP ready']});
	const ehlo = await session.value.send('EHLO localhost');
	assert.deepEqual(ehlo, {ok: true, value: {code: 250, lines: ['250-mail.test.example Hello', '250-SIZE 500000', '250 HELP']}});
	await session.value.close();
	assert.deepEqual(received, ['EHLO localhost', 'QUIT']);
});

test('a closed port is a clear error', async () => {
	// Nothing listens there: the port was free a moment ago.
	const port = await freePort();
	assert.deepEqual(await smtpConnect('127.0.0.1', port), {ok: false, error: `nothing listens on 127.0.0.1:${port}`});
});

test('a server that never greets is an error, not a hang', async () => {
	const port = await fakeServer(() => {});
	const session = await smtpConnect('127.0.0.1', port, {replyTimeoutMs: 300});
	assert.deepEqual(session, {ok: false, error: `the server at 127.0.0.1:${port} did not answer within 0.3 s`});
});

test('a server that stops answering a command is an error, not a hang', async () => {
	const port = await fakeServer(socket => {
		socket.write('220 ready\r\n');
	});
	const session = await smtpConnect('127.0.0.1', port, {replyTimeoutMs: 300});
	assert.ok(session.ok);
	assert.deepEqual(await session.value.send('HELP'), {ok: false, error: `the server at 127.0.0.1:${port} did not answer within 0.3 s`});
	await session.value.close();
});

test('a server that hangs up, or does not speak SMTP, is named', async () => {
	const hangsUp = await fakeServer(socket => {
		socket.write('220 ready\r\n');
		socket.on('data', () => socket.destroy());
	});
	const session = await smtpConnect('127.0.0.1', hangsUp);
	assert.ok(session.ok);
	assert.deepEqual(await session.value.send('HELP'), {ok: false, error: `the server at 127.0.0.1:${hangsUp} closed the connection`});

	const web = await fakeServer(socket => {
		socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
	});
	const notSmtp = await smtpConnect('127.0.0.1', web);
	assert.equal(notSmtp.ok, false);
	assert.match(notSmtp.ok ? '' : notSmtp.error, /does not speak SMTP \(it sent "HTTP\/1\.1 400 Bad Request"\)/);
});

// Hostile servers: whatever they send, the client keeps a bounded amount, ends with one line, and
// shows no raw control byte.
const noControl = (text: string) => !/[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/.test(text);

/** Writes chunks for as long as the client reads them (until the socket closes). */
function flood(socket: net.Socket, chunk: string) {
	const more = () => {
		while (!socket.destroyed && socket.write(chunk)) {
			// Until the kernel buffer is full.
		}
	};

	socket.on('drain', more);
	socket.on('error', () => {});
	more();
}

test('an endless reply line ends the conversation with one line, past 2048 bytes', async () => {
	const port = await fakeServer(socket => {
		flood(socket, 'A'.repeat(4096));
	});
	const session = await smtpConnect('127.0.0.1', port);
	assert.deepEqual(session, {ok: false, error: `the server at 127.0.0.1:${port} sent a reply line longer than 2048 bytes; it does not look like an SMTP server`});
});

test('an endless multi-line reply ends the conversation, past 64 KiB', async () => {
	const port = await fakeServer(socket => {
		flood(socket, '220-flood\r\n'.repeat(1000));
	});
	const session = await smtpConnect('127.0.0.1', port);
	assert.deepEqual(session, {ok: false, error: `the server at 127.0.0.1:${port} sent a reply longer than 65536 bytes; it does not look like an SMTP server`});
});

test('a conversation has a total bound, however short each reply', async () => {
	const port = await fakeServer(socket => {
		socket.write('220 ready\r\n');
		socket.on('data', () => socket.write(`250 ${'x'.repeat(1000)}\r\n`));
	});
	const session = await smtpConnect('127.0.0.1', port, {limits: {conversationBytes: 20_000}});
	assert.ok(session.ok);
	let last;
	for (let sent = 0; sent < 100; sent++) {
		last = await session.value.send('NOOP');
		if (!last.ok) {
			break;
		}
	}

	assert.deepEqual(last, {ok: false, error: `the server at 127.0.0.1:${port} sent more than 20000 bytes in one conversation; it does not look like an SMTP server`});
});

test('escape sequences in replies and in a non-SMTP line never come through raw', async () => {
	const port = await fakeServer(socket => {
		socket.write(Buffer.from('220-\u001B]0;owned\u0007 mail\r\n220 ready \u009B2J\r\n', 'latin1'));
		socket.on('data', () => socket.end('\u001B[2J\u001B[31mgotcha\r\n'));
	});
	const session = await smtpConnect('127.0.0.1', port);
	assert.ok(session.ok);
	assert.deepEqual(session.value.greeting.lines, [String.raw`220-\e]0;owned\x07 mail`, String.raw`220 ready \x9b2J`]);
	const reply = await session.value.send('HELP');
	assert.equal(reply.ok, false);
	assert.ok(!reply.ok);
	assert.equal(reply.error, `the server at 127.0.0.1:${port} does not speak SMTP (it sent "\\e[2J\\e[31mgotcha")`);
	assert.ok(noControl(reply.error));
});

test('lines before the greeting: a live server that sends them does not speak SMTP; sendmail -bs\'s are complaints, bounded', async () => {
	const {PassThrough} = await import('node:stream');
	const {smtpSession} = await import('../../source/system/smtp-client.js');
	const transport = (text: string) => {
		const input = new PassThrough();
		const output = new PassThrough();
		setImmediate(() => input.write(text));
		return {input, output, destroy: () => input.destroy()};
	};

	const preamble = 'Msmtp: Warning: first argument in [IPC] mailer must be TCP or FILE\r\n451 4.0.0 hash map "access": unsafe map file /etc/mail/access.db: Permission denied\r\n220 mail ESMTP\r\n';
	const strict = await smtpSession(transport(preamble), 'the server');
	assert.deepEqual(strict, {ok: false, error: 'the server does not speak SMTP (it sent "Msmtp: Warning: first argument in [IPC] mailer must be TCP o")'});
	const lenient = await smtpSession(transport(preamble), 'sendmail -bs', {complaintLines: 5});
	assert.ok(lenient.ok);
	assert.deepEqual(lenient.value.complaints, ['Msmtp: Warning: first argument in [IPC] mailer must be TCP or FILE', '451 4.0.0 hash map "access": unsafe map file /etc/mail/access.db: Permission denied']);
	assert.deepEqual(lenient.value.greeting, {code: 220, lines: ['220 mail ESMTP']});
	const flood = await smtpSession(transport('complaint\r\n'.repeat(10)), 'sendmail -bs', {complaintLines: 5});
	assert.deepEqual(flood, {ok: false, error: 'sendmail -bs printed more than 5 lines before its greeting; it does not look like an SMTP server'});
});
