// The repo stands alone: every Markdown file that code, scripts or tests cite must be in the repo,
// and every section they cite in docs/ must be a heading there (comments point at sections as
// `docs/sendmail.md, "The greeting"`; renaming a heading must not leave them pointing at nothing).
// And the readme's layout names every folder, so a reader finds docs/ and everything else.
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scanned = ['source', 'scripts', 'test'];

/** A file name ending in .md, with any folders before it. */
const citation = /[\w./-]*[\w-]\.md\b/g;
/** The quoted section names that follow a citation: `, "A"`, ` ("A")`, `, "A" and "B"`. */
const firstSection = /^(?:'s)?(?:\s*,\s*|\s*\(\s*|\s+)"([^"\n]+)"/;
const nextSection = /^(?:\s*,\s*|\s+and\s+)"([^"\n]+)"/;

/** The headings of a Markdown text, outside code fences. */
export function headings(markdown: string): Set<string> {
	const found = new Set<string>();
	let fenced = false;
	for (const line of markdown.split('\n')) {
		if (line.startsWith('```')) {
			fenced = !fenced;
		} else if (!fenced) {
			const heading = /^#{1,6}\s+(.+?)\s*$/.exec(line);
			if (heading) {
				found.add(heading[1]!);
			}
		}
	}
	return found;
}

/**
 * What is wrong with the .md citations in `text` (the contents of `file`, a path from the repo
 * root): a cited file that exists neither from the repo root nor beside `file`, or a quoted section
 * after a docs/ citation that is not a heading of that file. `read` gives a repo file's text, or
 * undefined when there is no such file.
 */
export function citationProblems(file: string, text: string, read: (repoPath: string) => string | undefined): string[] {
	// A comment that goes on over several lines is read as one line, so a section name split by a
	// line break is still found.
	const joined = text.replace(/\r?\n[ \t]*(?:\/\/+|\*(?!\/)|#)?[ \t]*/g, ' ');
	const problems: string[] = [];
	for (const match of joined.matchAll(citation)) {
		const cited = match[0].replace(/^\.\//, '');
		const end = match.index + match[0].length;
		// A name joined onto a folder (`path.join(media, 'bench.md')`) builds a path, it cites nothing.
		if (new RegExp(String.raw`path\.join\([^()]*['"]${cited.replace(/[.]/g, '\\.')}['"]\)$`).test(joined.slice(Math.max(0, match.index - 200), end + 2))) {
			continue;
		}
		const candidates = [cited, path.posix.join(path.posix.dirname(file), cited)];
		const found = candidates.find(candidate => read(candidate) !== undefined);
		if (found === undefined) {
			problems.push(`${file}: cites ${cited}, which is not in the repo`);
			continue;
		}
		if (!found.startsWith('docs/')) {
			continue;
		}
		const known = headings(read(found)!);
		let rest = joined.slice(end);
		for (let section = firstSection.exec(rest); section; section = nextSection.exec(rest)) {
			if (!known.has(section[1]!)) {
				problems.push(`${file}: cites ${found}, "${section[1]}", which is not a heading there`);
			}
			rest = rest.slice(section[0].length);
		}
	}
	return problems;
}

const readRepoFile = (repoPath: string): string | undefined => {
	const full = path.join(root, repoPath);
	const inRepo = !path.relative(root, full).startsWith('..');
	return inRepo && statSync(full, {throwIfNoEntry: false})?.isFile() ? readFileSync(full, 'utf8') : undefined;
};

test('every .md file cited under source/, scripts/ and test/ is in the repo, with the sections cited', () => {
	const problems: string[] = [];
	let files = 0;
	for (const folder of scanned) {
		for (const name of readdirSync(path.join(root, folder), {recursive: true}).map(String).sort()) {
			const file = path.posix.join(folder, name.split(path.sep).join('/'));
			if (!/\.(?:[cm]?[jt]sx?|sh|py|json)$/.test(file)) {
				continue;
			}
			files++;
			problems.push(...citationProblems(file, readFileSync(path.join(root, file), 'utf8'), readRepoFile));
		}
	}
	assert.ok(files > 100, `only ${files} files scanned`);
	assert.deepEqual(problems, []);
});

// The cases below spell their file names through md(), so that this file cites nothing itself.
const md = (name: string) => name + '.md';

test('the check finds a citation of a file outside the repo and a section that is not there', () => {
	const docs: Record<string, string> = {[md('docs/design')]: '# Design\n\n## Answers\n\n```\n## Not a heading\n```\n'};
	const read = (repoPath: string) => docs[repoPath];
	assert.deepEqual(citationProblems('source/a.ts', `// The answers (${md('design')}, "Answers").\n`, read), [`source/a.ts: cites ${md('design')}, which is not in the repo`]);
	assert.deepEqual(citationProblems('source/a.ts', `// See ${md('../shared/sendmail-facts')}.\n`, read), [`source/a.ts: cites ${md('../shared/sendmail-facts')}, which is not in the repo`]);
	assert.deepEqual(citationProblems('source/a.ts', `// ${md('docs/design')}, "Answers" and "Not a heading".\n`, read), [`source/a.ts: cites ${md('docs/design')}, "Not a heading", which is not a heading there`]);
	assert.deepEqual(citationProblems('test/b.ts', `// Split (${md('docs/design')}, "An\n// swers"): read as "An swers".\n`, read), [`test/b.ts: cites ${md('docs/design')}, "An swers", which is not a heading there`]);
	assert.deepEqual(citationProblems('test/b.ts', `/**\n * Split (${md('docs/design')}, "Ans\n * wers").\n */\n`, read), [`test/b.ts: cites ${md('docs/design')}, "Ans wers", which is not a heading there`]);
	assert.deepEqual(citationProblems('source/a.ts', `/** As in ${md('docs/design')}, "Answers": the format. */\n`, read), []);
	assert.deepEqual(citationProblems('source/a.ts', `// The readme (${md('readme')}) and the notes beside this file (${md('notes')}).\n`, path => ({[md('readme')]: '', [md('source/notes')]: ''})[path]), []);
	assert.deepEqual(citationProblems('scripts/c.js', "writeFileSync(path.join(media, 'bench" + ".md'), text);\n", read), []);
});

/** Every folder under the repo's own top-level folders (not node_modules, dist or other build output). */
function repoFolders(): string[] {
	const tops = ['.ci', 'ansible', 'docs', 'media', 'scripts', 'source', 'test'];
	const found: string[] = [];
	const walk = (folder: string) => {
		found.push(folder);
		for (const entry of readdirSync(path.join(root, folder), {withFileTypes: true})) {
			if (entry.isDirectory()) {
				walk(path.posix.join(folder, entry.name));
			}
		}
	};
	for (const top of tops) {
		walk(top);
	}
	return found;
}

test('the readme\'s layout has a line for every folder of the repo', () => {
	const readme = readFileSync(path.join(root, 'readme.md'), 'utf8');
	const layout = /\nThe repo, folder by folder:\n\n```\n([\s\S]*?)\n```/.exec(readme)?.[1];
	assert.ok(layout !== undefined, 'readme.md has no "The repo, folder by folder" block');
	const listed = new Set(layout.split('\n').map(line => /^(\S+)\/\s/.exec(line)?.[1]).filter(folder => folder !== undefined));
	assert.deepEqual(repoFolders().filter(folder => !listed.has(folder)), []);
});
