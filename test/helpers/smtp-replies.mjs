// The tests' one SMTP reply reader, plain JavaScript so that smtp-talk.mjs can import it when node
// runs that script directly inside a test network's namespace, and the TypeScript helpers through
// smtp-replies.d.mts.
import net from 'node:net';

/**
 * Gathers SMTP replies from text as it arrives: each call takes the next chunk and returns the
 * replies it completed, each as its lines. A multi-line reply ("250-..." lines, then "250 ...") is
 * one reply; a line or reply cut between chunks waits for the rest.
 */
export function replyReader() {
	let buffer = '';
	let current = [];
	return chunk => {
		buffer += chunk;
		const done = [];
		let end;
		while ((end = buffer.indexOf('\r\n')) !== -1) {
			const line = buffer.slice(0, end);
			buffer = buffer.slice(end + 2);
			current.push(line);
			if (!/^\d{3}-/.test(line)) {
				done.push(current);
				current = [];
			}
		}

		return done;
	};
}

/**
 * Sends each line after the previous reply, on one connection, and resolves when the connection
 * closes with each reply (its lines joined with "\n") and the milliseconds it took after what it
 * answers was sent; the greeting's count from the connect. After the last reply it ends the
 * connection. Rejects on a socket error, or when no reply comes within timeoutMs.
 */
export async function smtpConversation(host, port, lines, timeoutMs) {
	return new Promise((resolve, reject) => {
		const replies = [];
		const read = replyReader();
		let next = 0;
		let sentAt = performance.now();
		const socket = net.connect({host, port});
		socket.setTimeout(timeoutMs, () => {
			socket.destroy();
			reject(new Error(`no SMTP reply within ${timeoutMs / 1000} s; replies so far: ${JSON.stringify(replies.map(({reply}) => reply))}`));
		});
		socket.once('error', reject);
		socket.on('data', chunk => {
			for (const reply of read(chunk.toString('latin1'))) {
				replies.push({reply: reply.join('\n'), ms: performance.now() - sentAt});
				if (next < lines.length) {
					sentAt = performance.now();
					socket.write(`${lines[next++]}\r\n`);
				} else {
					socket.end();
				}
			}
		});
		socket.on('close', () => {
			resolve(replies);
		});
	});
}
