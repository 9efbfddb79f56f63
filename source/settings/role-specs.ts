// The answer variables of the Ansible role (ansible/roles/sendmail_harden), generated from the
// settings registry: the options of sendmail_harden_answers in meta/argument_specs.yml and the
// example in defaults/main.yml. Each file keeps its own text around one marked block;
// scripts/role-specs.ts rewrites the blocks ("npm run role-specs") and a test checks that the
// committed files equal its output.
import {fail, ok, type Result} from '../core/result.js';
import {wrapText} from '../core/wrap-text.js';
import {SETTINGS, type SettingSpec} from './registry.js';

export const ROLE_SPECS_PATH = 'ansible/roles/sendmail_harden/meta/argument_specs.yml';
export const ROLE_DEFAULTS_PATH = 'ansible/roles/sendmail_harden/defaults/main.yml';

const BEGIN = '# BEGIN answers, generated from source/settings/registry.ts by "npm run role-specs"';
const END = '# END answers';

const ROLE_TYPE: Record<SettingSpec['type'], string[]> = {
	text: ['type: str'],
	count: ['type: int'],
	access: ['type: int'],
	featureArgument: ['type: int'],
	flags: ['type: list', 'elements: str'],
	switch: ['type: bool'],
	daemons: ['type: str', 'choices: [all, local]'],
	choice: ['type: str'],
	optionLetter: ['type: bool'],
	wordList: ['type: list', 'elements: str'],
};

/** A YAML plain scalar when it reads back as the same string, else a double-quoted one. */
function yamlText(text: string): string {
	return /^[\w(]/.test(text) && !/: |\s#|["'\\]/.test(text) ? text : JSON.stringify(text);
}

/** The options of sendmail_harden_answers, one per setting. */
export function argumentSpecLines(): string[] {
	return SETTINGS.flatMap(setting => [
		`${setting.key}:`,
		...ROLE_TYPE[setting.type].map(line => `  ${line}`),
		...(setting.type === 'choice' ? [`  choices: [${setting.values.map(value => yamlText(value.value)).join(', ')}]`] : []),
		...descriptionLines(setting.roleDescription),
	]);
}

// ansible-lint's production profile allows lines of 160 characters; the block sits indented by 10.
const DESCRIPTION_WIDTH = 100;

/** A description on one line, or folded over several (YAML ">-" joins them with spaces) when long. */
function descriptionLines(text: string): string[] {
	return text.length <= DESCRIPTION_WIDTH ? [`  description: ${yamlText(text)}`] : ['  description: >-', ...wrapText(text, DESCRIPTION_WIDTH).map(line => `    ${line}`)];
}

/** The example answers, as comment lines under "sendmail_harden_answers:". */
export function defaultsExampleLines(): string[] {
	return ['sendmail_harden_answers:', ...SETTINGS.map(setting => `  ${setting.key}: ${setting.example}`)];
}

/** `text` with the lines between its BEGIN and END markers replaced, each indented as the BEGIN line, after `prefix`. */
export function replaceBlock(text: string, lines: readonly string[], prefix = ''): Result<string> {
	const begin = text.indexOf(BEGIN);
	const end = text.indexOf(END, begin);
	if (begin === -1 || end === -1) {
		return fail(`no "${BEGIN}" ... "${END}" block`);
	}

	const lineStart = text.lastIndexOf('\n', begin) + 1;
	const indent = text.slice(lineStart, begin);
	const blockStart = text.indexOf('\n', begin) + 1;
	const endLineStart = text.lastIndexOf('\n', end) + 1;
	const body = lines.map(line => `${indent}${prefix}${line}`.trimEnd()).join('\n');
	return ok(`${text.slice(0, blockStart)}${body}\n${text.slice(endLineStart)}`);
}

/** Both role files as the registry makes them, from their current text. */
export function roleFiles(specs: string, defaults: string): Result<{specs: string; defaults: string}> {
	const newSpecs = replaceBlock(specs, argumentSpecLines());
	if (!newSpecs.ok) {
		return fail(`${ROLE_SPECS_PATH}: ${newSpecs.error}`);
	}

	const newDefaults = replaceBlock(defaults, defaultsExampleLines(), '#   ');
	if (!newDefaults.ok) {
		return fail(`${ROLE_DEFAULTS_PATH}: ${newDefaults.error}`);
	}

	return ok({specs: newSpecs.value, defaults: newDefaults.value});
}
