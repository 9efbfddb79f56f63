// A DNS server for one test: answers MX, A and AAAA questions from the zone given as JSON in argv[2]
// ({"MX": {"name": ["exchange", ...]}, "A": {"name": "address"}}), NXDOMAIN for names it does not
// hold, an empty answer for a type a name it holds lacks. Listens on UDP 127.0.0.1:53 of the
// network namespace it is started in (never the host's), prints "ready" once bound, and counts the
// questions it answers on stderr, one line each ("MX test.example").
import dgram from 'node:dgram';

const zone = JSON.parse(process.argv[2] ?? '{}');
const TYPES = {1: 'A', 15: 'MX', 28: 'AAAA'};

function readName(message, at) {
	const labels = [];
	while (message[at] !== 0) {
		const length = message[at];
		labels.push(message.subarray(at + 1, at + 1 + length).toString('latin1'));
		at += length + 1;
	}

	return {name: labels.join('.').toLowerCase(), end: at + 1};
}

function encodeName(name) {
	return Buffer.concat([...name.split('.').filter(Boolean).map(label => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')])), Buffer.from([0])]);
}

function record(type, rdata) {
	const head = Buffer.alloc(12);
	head.writeUInt16BE(0xC00C, 0); // the question's name
	head.writeUInt16BE(type, 2);
	head.writeUInt16BE(1, 4); // IN
	head.writeUInt32BE(60, 6);
	head.writeUInt16BE(rdata.length, 10);
	return Buffer.concat([head, rdata]);
}

const server = dgram.createSocket('udp4');
server.on('message', (message, peer) => {
	const {name, end} = readName(message, 12);
	const type = message.readUInt16BE(end);
	const question = message.subarray(12, end + 4);
	process.stderr.write(`${TYPES[type] ?? type} ${name}\n`);
	const known = Object.values(zone).some(names => Object.hasOwn(names, name));
	const answers = [];
	if (type === 15) {
		for (const [index, exchange] of (zone.MX?.[name] ?? []).entries()) {
			const preference = Buffer.alloc(2);
			preference.writeUInt16BE(10 * (index + 1));
			answers.push(record(15, Buffer.concat([preference, encodeName(exchange)])));
		}
	} else if (type === 1 && zone.A?.[name] !== undefined) {
		answers.push(record(1, Buffer.from(zone.A[name].split('.').map(Number))));
	}

	const header = Buffer.alloc(12);
	message.copy(header, 0, 0, 2);
	header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2);
	header.writeUInt16BE(1, 4);
	header.writeUInt16BE(answers.length, 6);
	server.send(Buffer.concat([header, question, ...answers]), peer.port, peer.address);
});
// Port 53 in a namespace of its own; a test on the host's loopback gives a free port as argv[3] (0: any).
server.bind(Number(process.argv[3] ?? 53), '127.0.0.1', () => {
	process.stdout.write(`ready ${server.address().port}\n`);
});
