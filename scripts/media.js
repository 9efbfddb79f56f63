// Screenshots of the real wizard for the readme: runs dist/cli.js in tmux at 80x24 on a copy of
// the bundled sample config, walks through the steps, captures each screen with its colours
// (capture-pane -e) and writes it as an SVG of the terminal's cells to media/.
// Needs tmux. Run with `npm run media` (which builds dist/ first).
import {spawnSync} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const columns = 80;
const rows = 24;
const session = `sendmail-harden-media-${process.pid}`;

const palette = ['#1e1e1e', '#e06c75', '#98c379', '#e5c07b', '#61afef', '#c678dd', '#56b6c2', '#dcdfe4'];
const bright = ['#5c6370', '#ff7b86', '#b5e890', '#ffd68a', '#8cc8ff', '#e39bff', '#7fdbe6', '#ffffff'];
const foreground = '#dcdfe4';
const background = '#1e1e1e';

function tmux(...args) {
	const result = spawnSync('tmux', args, {encoding: 'utf8'});
	if (result.status !== 0) {
		throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
	}

	return result.stdout;
}

const sleep = ms => new Promise(resolve => {
	setTimeout(resolve, ms);
});

async function waitFor(text) {
	for (let waited = 0; waited < 30_000; waited += 50) {
		if (tmux('capture-pane', '-p', '-t', session).includes(text)) {
			await sleep(150);
			return;
		}

		await sleep(50);
	}

	throw new Error(`the screen never showed "${text}"`);
}

/** Parses capture-pane -e output into rows of cells {char, fg, bg, bold, dim, inverse}. */
function parseCapture(text) {
	const lines = text.split('\n').slice(0, rows);
	let style = {fg: undefined, bg: undefined, bold: false, dim: false, inverse: false};
	return lines.map(line => {
		const cells = [];
		for (let index = 0; index < line.length;) {
			const sgr = /^\u001B\[([\d;]*)m/.exec(line.slice(index));
			if (sgr) {
				const codes = sgr[1] === '' ? [0] : sgr[1].split(';').map(Number);
				for (let i = 0; i < codes.length; i++) {
					const code = codes[i];
					if (code === 0) {
						style = {fg: undefined, bg: undefined, bold: false, dim: false, inverse: false};
					} else if (code === 1) {
						style = {...style, bold: true};
					} else if (code === 2) {
						style = {...style, dim: true};
					} else if (code === 22) {
						style = {...style, bold: false, dim: false};
					} else if (code === 7) {
						style = {...style, inverse: true};
					} else if (code === 27) {
						style = {...style, inverse: false};
					} else if (code >= 30 && code <= 37) {
						style = {...style, fg: palette[code - 30]};
					} else if (code >= 90 && code <= 97) {
						style = {...style, fg: bright[code - 90]};
					} else if (code === 39) {
						style = {...style, fg: undefined};
					} else if (code >= 40 && code <= 47) {
						style = {...style, bg: palette[code - 40]};
					} else if (code === 49) {
						style = {...style, bg: undefined};
					} else if (code === 38 || code === 48) {
						// 256-colour and true-colour forms: skip their arguments
						i += codes[i + 1] === 5 ? 2 : 4;
					}
				}

				index += sgr[0].length;
				continue;
			}

			const char = String.fromCodePoint(line.codePointAt(index));
			cells.push({char, ...style});
			index += char.length;
		}

		return cells;
	});
}

const escapeXml = text => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function toSvg(grid, title) {
	const cellWidth = 8.4;
	const lineHeight = 18;
	const pad = 12;
	const width = Math.ceil((columns * cellWidth) + (pad * 2));
	const height = (rows * lineHeight) + (pad * 2);
	const parts = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
		`<title>${escapeXml(title)}</title>`,
		`<rect width="100%" height="100%" rx="6" fill="${background}"/>`,
		`<g font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="14px" xml:space="preserve">`,
	];
	for (const [row, cells] of grid.entries()) {
		const y = pad + (row * lineHeight);
		// Runs of cells with the same style become one <text>.
		let start = 0;
		while (start < cells.length) {
			const first = cells[start];
			let end = start + 1;
			const same = cell => cell.fg === first.fg && cell.bg === first.bg && cell.bold === first.bold && cell.dim === first.dim && cell.inverse === first.inverse;
			while (end < cells.length && same(cells[end])) {
				end++;
			}

			const text = cells.slice(start, end).map(cell => cell.char).join('');
			const fg = first.inverse ? (first.bg ?? background) : (first.fg ?? foreground);
			const bg = first.inverse ? (first.fg ?? foreground) : first.bg;
			const x = pad + (start * cellWidth);
			if (bg) {
				parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${((end - start) * cellWidth).toFixed(1)}" height="${lineHeight}" fill="${bg}"/>`);
			}

			if (text.trim() !== '') {
				parts.push(`<text x="${x.toFixed(1)}" y="${y + 14}" fill="${fg}"${first.bold ? ' font-weight="bold"' : ''}${first.dim ? ' opacity="0.6"' : ''} textLength="${((end - start) * cellWidth).toFixed(1)}" lengthAdjust="spacingAndGlyphs">${escapeXml(text)}</text>`);
			}

			start = end;
		}
	}

	parts.push('</g>', '</svg>', '');
	return parts.join('\n');
}

function shoot(name, title) {
	const capture = tmux('capture-pane', '-p', '-e', '-t', session);
	writeFileSync(path.join(root, 'media', `${name}.svg`), toSvg(parseCapture(capture), title));
	console.log(`media/${name}.svg`);
}

const folder = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-media-'));
try {
	mkdirSync(path.join(root, 'media'), {recursive: true});
	const cfPath = path.join(folder, 'sendmail.cf');
	const helpPath = path.join(folder, 'helpfile');
	copyFileSync(path.join(root, 'source/demo/helpfile'), helpPath);
	writeFileSync(cfPath, readFileSync(path.join(root, 'source/demo/sendmail.cf'), 'latin1').replace(/^O HelpFile=.*$/m, `O HelpFile=${helpPath}`), 'latin1');
	const wrapper = path.join(root, 'test/helpers/sendmail-in-uts.sh');
	const command = [
		`cd '${root}' &&`,
		`SENDMAIL_HARDEN_SENDMAIL='${wrapper}' XDG_CONFIG_HOME='${folder}/xdg' TERM=xterm-256color`,
		`'${process.execPath}' dist/cli.js --config '${cfPath}' --hostname mail.example.org; sleep 600`,
	].join(' ');
	tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', String(rows), command);
	const key = async (...keys) => {
		for (const each of keys) {
			tmux('send-keys', '-t', session, each);
			await sleep(120);
		}
	};

	await waitFor('Step 1 of 8');
	await waitFor('sendmail  8.');
	shoot('welcome', 'sendmail-harden: Welcome, with the audit of the current settings');
	await key('Enter');
	await waitFor('Step 2 of 8');
	await key('Down', 'Down', 'Down', 'Down', 'Space', 'Up', 'Up');
	// The 220 line as sendmail itself answers it (the screenshots are made as root, with sendmail).
	await waitFor('(sendmail itself answers)');
	shoot('greeting', 'sendmail-harden: Greeting, with the live 220 preview');
	await key('Enter');
	await waitFor('Step 3 of 8');
	await key('Up', 'Up', 'Up', 'Up');
	shoot('size', 'sendmail-harden: Size, with attachment guidance');
	await key('Enter');
	await waitFor('Step 4 of 8');
	await key('Down');
	shoot('recipients', 'sendmail-harden: Recipients, with the RFC 5321 guidance');
	await key('Enter');
	await waitFor('Step 5 of 8');
	for (let index = 0; index < 10; index++) {
		await key('Down');
	}

	await key('Space', 'Up', 'Up', 'Up', 'Up', 'Up');
	await waitFor('sendmail answers, with novrfy');
	shoot('privacy', 'sendmail-harden: Privacy, each flag with its SMTP exchange');
	await key('Enter');
	await waitFor('Write changes');
	await waitFor('sendmail\'s own replies');
	shoot('review', 'sendmail-harden: Review, the diff with line numbers');
	await key('Enter');
	await waitFor('Continue');
	shoot('apply', 'sendmail-harden: Apply, validated, backed up and written');
	await key('Enter');
	await waitFor('Step 8 of 8');
	shoot('done', 'sendmail-harden: Done');
} finally {
	spawnSync('tmux', ['kill-session', '-t', session]);
	rmSync(folder, {recursive: true, force: true});
}
