// A test reporter for scripts/run-tests.js: at the end of a run, each test file's time, the slowest
// first, so the files worth making faster are plain to see. A file's time runs from its first
// dequeue (the runner starting its process) to its last event, as the runner received them.
import path from 'node:path';

export default async function * durations(source) {
	const files = new Map();
	for await (const event of source) {
		const file = event.data?.file;
		// Every file is queued at the start; a file's first dequeue is its process starting.
		if (file !== undefined && (files.has(file) || event.type === 'test:dequeue')) {
			const now = performance.now();
			const seen = files.get(file) ?? {first: now, last: now, tests: 0};
			seen.last = now;
			if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0) {
				seen.tests += event.data.details.duration_ms;
			}

			files.set(file, seen);
		}
	}

	// Events of a fast file can arrive in one batch: then its top-level tests' own times are the better measure.
	const seconds = ({first, last, tests}) => Math.max(last - first, tests) / 1000;
	const sorted = [...files].map(([file, seen]) => [path.relative(process.cwd(), file), seconds(seen)]).sort((a, b) => b[1] - a[1]);
	yield `\nTime per test file, slowest first (${sorted.length} files):\n`;
	for (const [file, time] of sorted) {
		yield `${time.toFixed(1).padStart(7)} s  ${file}\n`;
	}
}
