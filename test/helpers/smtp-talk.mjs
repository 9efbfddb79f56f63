// node smtp-talk.mjs HOST PORT < lines.json: sends each line of the JSON array in turn on one SMTP
// connection, each after the previous reply, and prints the replies (the greeting first) as a JSON
// array, multi-line replies joined with "\n". Run inside a test network's namespace
// (test/helpers/netns.ts), where the test process itself cannot reach.
import net from 'node:net';

const [host, port] = process.argv.slice(2);
let input = '';
for await (const chunk of process.stdin) {
	input += chunk;
}

const lines = JSON.parse(input);
const replies = [];
let buffer = '';
let current = [];
let next = 0;
const socket = net.connect({host, port: Number(port)});
socket.setTimeout(20_000, () => {
	process.stderr.write(`no SMTP reply within 20 s; replies so far: ${JSON.stringify(replies)}\n`);
	process.exit(1);
});
socket.once('error', error => {
	process.stderr.write(`${error.message}\n`);
	process.exit(1);
});
socket.on('data', chunk => {
	buffer += chunk.toString('latin1');
	let end;
	while ((end = buffer.indexOf('\r\n')) !== -1) {
		const line = buffer.slice(0, end);
		buffer = buffer.slice(end + 2);
		current.push(line);
		if (/^\d{3}-/.test(line)) {
			continue;
		}

		replies.push(current.join('\n'));
		current = [];
		if (next < lines.length) {
			socket.write(`${lines[next++]}\r\n`);
		} else {
			socket.end();
		}
	}
});
socket.on('close', () => {
	process.stdout.write(JSON.stringify(replies));
});
