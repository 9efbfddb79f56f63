// The manual page and the bash completion of the Debian package, made from the program's own
// `--help` texts (the main one and each command's), so the page and the completion cannot drift
// from what the program says of itself. Pure: scripts/deb.ts runs the program and writes the files.

/** One `--help` text as the program prints it. */
export type HelpText = {command?: string; text: string};

type Block = {heading?: string; lines: string[]};

/** The text's blocks: a heading line ("Usage", "Options") with its indented lines, or a paragraph. */
function blocks(text: string): Block[] {
	const lines = text.split('\n');
	const indents = lines.filter(line => line.trim() !== '').map(line => /^ */.exec(line)![0].length);
	const base = Math.min(...indents);
	const result: Block[] = [];
	let current: Block | undefined;
	for (const raw of lines) {
		if (raw.trim() === '') {
			current = undefined;
			continue;
		}

		const line = raw.slice(base);
		if (current === undefined) {
			current = /^[A-Z][a-z]+$/.test(line) ? {heading: line, lines: []} : {lines: [line]};
			result.push(current);
		} else {
			current.lines.push(line);
		}
	}

	return result;
}

/** roff text: backslashes escaped, a line never starting with a control character. */
function roff(text: string): string {
	const escaped = text.replaceAll('\\', '\\e').replaceAll('-', '\\-');
	return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

export type OptionHelp = {names: string; argument?: string; text: string};

/** The options of an Options block: "--config PATH   the text", continuation lines indented further. */
export function parseOptions(lines: readonly string[]): OptionHelp[] {
	const options: OptionHelp[] = [];
	for (const line of lines) {
		const match = /^ *((?:-\w, )?--?[\w-]+)(?: ([A-Z][A-Z_]*|\[[^\]]+\]))?(?: {2,}(.*))?$/.exec(line);
		if (match !== null && /^ {0,3}-/.test(line)) {
			options.push({names: match[1]!, argument: match[2], text: match[3]?.trim() ?? ''});
		} else if (options.length > 0) {
			const last = options.at(-1)!;
			last.text = `${last.text} ${line.trim()}`.trim();
		}
	}

	return options;
}

function blockRoff(block: Block): string[] {
	if (block.heading === 'Usage') {
		// "  $ sendmail-harden ..." lines, continuations aligned under them: keep that alignment.
		const indent = /^ */.exec(block.lines[0] ?? '')![0].length + 2;
		return ['.nf', ...block.lines.map(line => roff(line.replace(/^ *\$ /, '').slice(line.trimStart().startsWith('$ ') ? 0 : indent))), '.fi'];
	}

	if (block.heading === 'Options') {
		return parseOptions(block.lines).flatMap(option => [
			'.TP',
			option.argument === undefined ? `.B ${roff(option.names)}` : `.BI "${roff(option.names)} " "${roff(option.argument)}"`,
			roff(option.text),
		]);
	}

	return ['.PP', ...block.lines.map(line => roff(line.trim()))];
}

export type PageMeta = {version: string; date: string; description: string};

/** sendmail-harden(8): the main help, then one subsection per command. */
export function manPage(helps: readonly HelpText[], meta: PageMeta): string {
	const main = helps.find(help => help.command === undefined);
	if (main === undefined) {
		throw new Error('the main --help text is missing');
	}

	const mainBlocks = blocks(main.text);
	const exit = mainBlocks.find(block => block.heading === undefined && block.lines[0]?.startsWith('Exit codes:'));
	const page = [
		`.TH SENDMAIL\\-HARDEN 8 "${meta.date}" "sendmail\\-harden ${meta.version}" "System Administration"`,
		'.nh',
		'.SH NAME',
		`sendmail\\-harden \\- ${roff(meta.description.replace(/^A /, 'a '))}`,
		'.SH SYNOPSIS',
		...blockRoff(mainBlocks.find(block => block.heading === 'Usage')!),
		'.SH DESCRIPTION',
		'.PP',
		'Walks the administrator through each of sendmail\'s well\\-known security quick fixes (the version in the greeting, message limits, PrivacyOptions, ...), shows the exact lines that change and what clients will see as the installed sendmail answers for the new file, then writes the file safely, with a backup and a way back. The same answers run without the wizard (\\fB\\-\\-yes\\fR), from a preset or a JSON file.',
		'.SH OPTIONS',
		...mainBlocks.filter(block => block.heading === 'Options').flatMap(blockRoff),
		// The paragraphs after the options; the first, the one-line description, is NAME's.
		...mainBlocks.filter(block => block.heading === undefined && block !== exit && block.lines.join(' ') !== meta.description).flatMap(blockRoff),
		'.SH COMMANDS',
		...helps.filter(help => help.command !== undefined).flatMap(help => [`.SS ${roff(help.command!)}`, ...blocks(help.text).flatMap(blockRoff)]),
		'.SH EXIT STATUS',
		...(exit === undefined ? [] : blockRoff({lines: [exit.lines.join(' ').replace(/^Exit codes: /, '')]})),
		'.SH FILES',
		'.TP',
		'.I /etc/mail/sendmail.cf',
		'The config it hardens by default (and sendmail.mc beside it, when there is one).',
		'.TP',
		'.I /var/lib/sendmail\\-harden',
		'Backups, the change journal and locks, when run as root (SENDMAIL_HARDEN_STATE_DIR chooses another folder). Removing the package leaves them: they are the administrator\'s.',
		'.TP',
		'.I $XDG_CONFIG_HOME/sendmail\\-harden',
		'Saved presets.',
		'.SH SEE ALSO',
		'.BR sendmail (8),',
		'.BR makemap (8)',
		'',
	];
	return page.join('\n');
}

/** Each option of a help text, and whether it takes a value. */
function optionsOf(help: HelpText): OptionHelp[] {
	return blocks(help.text).filter(block => block.heading === 'Options').flatMap(block => parseOptions(block.lines));
}

const longNames = (options: readonly OptionHelp[]) => [...new Set(options.flatMap(option => option.names.split(', ')).filter(name => name.startsWith('--')))].sort();

/** A bash completion for the commands, their options, files after options that take a path, and explain's words. */
export function bashCompletion(helps: readonly HelpText[], explainWords: readonly string[]): string {
	const main = helps.find(help => help.command === undefined)!;
	const commands = helps.filter(help => help.command !== undefined);
	const all = [main, ...commands].flatMap(optionsOf);
	const takesFile = longNames(all.filter(option => /^(PATH|FILE)$/.test(option.argument ?? '')));
	const takesValue = longNames(all.filter(option => option.argument !== undefined && !takesFile.includes(option.names.split(', ').at(-1)!)));
	const cases = commands.map(help => `\t\t${help.command!}) words_here="${[...longNames(optionsOf(help)), ...(help.command === 'explain' ? explainWords : [])].join(' ')}" ;;`);
	return [
		'# bash completion for sendmail-harden, made from its --help texts by scripts/deb.ts',
		'_sendmail_harden()',
		'{',
		'\tlocal cur prev words cword',
		'\t_init_completion || return',
		'\tcase $prev in',
		`\t\t${takesFile.join('|')})`,
		'\t\t\t_filedir',
		'\t\t\treturn ;;',
		`\t\t${takesValue.join('|')})`,
		'\t\t\treturn ;;',
		'\tesac',
		'\tlocal command= word',
		'\tfor word in "${words[@]:1:cword-1}"; do',
		'\t\tcase $word in',
		`\t\t\t${commands.map(help => help.command!).join('|')}) command=$word; break ;;`,
		'\t\tesac',
		'\tdone',
		'\tlocal words_here',
		'\tcase $command in',
		...cases,
		`\t\t*) words_here="${[...commands.map(help => help.command!), ...longNames(optionsOf(main))].join(' ')}" ;;`,
		'\tesac',
		'\tCOMPREPLY=($(compgen -W "$words_here" -- "$cur"))',
		'}',
		'complete -F _sendmail_harden sendmail-harden',
		'',
	].join('\n');
}
