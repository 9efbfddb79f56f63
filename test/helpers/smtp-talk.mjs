// Run inside a test network's namespace (test/helpers/netns.ts), where the test process itself
// cannot reach.
// node smtp-talk.mjs HOST PORT < lines.json: sends each line of the JSON array after the previous
// reply, on one connection, and prints each reply (multi-line replies joined with "\n") with the
// milliseconds it took after what it answers was sent: [{reply, ms}, ...]. The greeting's ms count
// from the connect.
// node smtp-talk.mjs HOST PORT burst N: opens N connections at once and prints the milliseconds
// after the start at which each got its 220 greeting, sorted; each then sends QUIT.
// node smtp-talk.mjs HOST PORT first N: opens N connections at once and prints the first reply
// line each got (a 220 greeting, or a refusal such as ratecontrol's 421), sorted; each then sends QUIT.
// node smtp-talk.mjs HOST PORT early < lines.json: sends every line at once as it connects, not
// waiting for the greeting, and prints each reply line until the server closes: [line, ...].
import net from 'node:net';
import {smtpConversation} from './smtp-replies.mjs';

const [host, port, mode, count] = process.argv.slice(2);

function fail(message) {
	process.stderr.write(`${message}\n`);
	process.exit(1);
}

if (mode === 'burst') {
	const start = performance.now();
	const greeted = await Promise.all(Array.from({length: Number(count)}, async () => new Promise(resolve => {
		const socket = net.connect({host, port: Number(port)});
		let buffer = '';
		let at;
		socket.setTimeout(60_000, () => fail('no greeting within 60 s'));
		socket.once('error', error => fail(error.message));
		socket.on('data', chunk => {
			buffer += chunk.toString('latin1');
			if (at === undefined && /^220 .*\r\n/m.test(buffer)) {
				at = performance.now() - start;
				socket.end('QUIT\r\n');
			}
		});
		socket.on('close', () => resolve(at ?? -1));
	})));
	process.stdout.write(JSON.stringify(greeted.sort((a, b) => a - b)));
} else if (mode === 'first') {
	const first = await Promise.all(Array.from({length: Number(count)}, async () => new Promise(resolve => {
		const socket = net.connect({host, port: Number(port)});
		let buffer = '';
		let line;
		socket.setTimeout(60_000, () => fail('no reply within 60 s'));
		// A refused connection may be reset after its one reply: what it said is what counts.
		socket.once('error', error => (line === undefined ? fail(error.message) : undefined));
		socket.on('data', chunk => {
			buffer += chunk.toString('latin1');
			const end = buffer.indexOf('\r\n');
			if (line === undefined && end !== -1) {
				line = buffer.slice(0, end);
				socket.end('QUIT\r\n');
			}
		});
		socket.on('close', () => resolve(line ?? '(closed with no reply)'));
	})));
	process.stdout.write(JSON.stringify(first.sort()));
} else if (mode === 'early') {
	let input = '';
	for await (const chunk of process.stdin) {
		input += chunk;
	}

	const socket = net.connect({host, port: Number(port)});
	let buffer = '';
	socket.setTimeout(60_000, () => fail(`the server did not close within 60 s; it said: ${JSON.stringify(buffer)}`));
	// The server may reset a connection whose lines it did not read: what it said before counts.
	socket.once('error', error => (buffer === '' ? fail(error.message) : undefined));
	socket.once('connect', () => socket.write(JSON.parse(input).map(line => `${line}\r\n`).join('')));
	socket.on('data', chunk => {
		buffer += chunk.toString('latin1');
	});
	socket.on('close', () => {
		process.stdout.write(JSON.stringify(buffer.split('\r\n').filter(line => line !== '')));
	});
} else {
	let input = '';
	for await (const chunk of process.stdin) {
		input += chunk;
	}

	const replies = await smtpConversation(host, Number(port), JSON.parse(input), 30_000).catch(error => fail(error.message));
	process.stdout.write(JSON.stringify(replies));
}
