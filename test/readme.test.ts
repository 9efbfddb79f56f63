// What the readme and the role's README tell an admin to do must work as written (issue 21, point 6):
// the answers example leaves `audit` passing, and every package path points where `npm pack` puts it.
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {copyDemoConfig, runCli} from './helpers/cli.js';
import {skipUnlessSendmail} from './helpers/sendmail.js';

const readme = readFileSync('readme.md', 'utf8');
const roleReadme = readFileSync('ansible/roles/sendmail_harden/README.md', 'utf8');

test('the readme\'s answers, applied with --yes, leave audit passing', skipUnlessSendmail(), async () => {
	const block = /## Answers\n[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
	assert.ok(block, 'the answers example');
	const {folder, cfPath} = copyDemoConfig();
	const answers = path.join(folder, 'answers.json');
	writeFileSync(answers, block);
	const env = {SENDMAIL_HARDEN_STATE_DIR: path.join(folder, 'state')};
	const applied = await runCli(['--config', cfPath, '--yes', '--no-restart', '--answers', answers], {env});
	assert.equal(applied.status, 0, applied.stderr);
	const audit = await runCli(['audit', '--config', cfPath], {env});
	assert.equal(audit.status, 0, audit.stdout);
	assert.match(audit.stdout, /\nHardened\.\n$/);
});

test('the Ansible examples\' answers hide the version everywhere audit looks, as the answers file does', () => {
	for (const [name, text] of [['readme.md', readme], ['the role README', roleReadme], ['ansible/examples/site.yml', readFileSync('ansible/examples/site.yml', 'utf8')]] as const) {
		const blocks = text.match(/sendmail_harden_answers:[^\n]*\n(?: {10}\w+: [^\n]+\n)+/g) ?? [];
		assert.ok(blocks.length > 0, name);
		for (const block of blocks) {
			assert.match(block, /hideHelpVersion: true/, name);
			assert.match(block, /hideReceivedVersion: true/, name);
		}
	}
});

test('the readme and the role README give the one package path, where npm pack writes it', () => {
	const {name, version} = JSON.parse(readFileSync('package.json', 'utf8')) as {name: string; version: string};
	// npm pack writes NAME-VERSION.tgz in the folder it runs in: the top of the clone.
	const packed = path.resolve(`${name}-${version}.tgz`);
	// The examples are playbooks in ansible/examples, as that folder's site.yml.
	const playbookDir = path.resolve('ansible/examples');
	const paths = [...readme.matchAll(/sendmail_harden_package: "([^"]+)"/g), ...roleReadme.matchAll(/sendmail_harden_package: "([^"]+)"/g)].map(match => match[1]!);
	assert.ok(paths.length >= 2, `${paths.length} paths`);
	for (const each of paths) {
		assert.equal(path.resolve(each.replace('{{ playbook_dir }}', playbookDir)), packed, each);
	}
});
