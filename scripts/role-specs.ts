// Rewrites the Ansible role's answer variables (argument_specs.yml, defaults/main.yml) from the
// settings registry: `npm run role-specs`. With --check, changes nothing and exits 1 when a file
// differs from what the registry makes.
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {ROLE_DEFAULTS_PATH, ROLE_SPECS_PATH, roleFiles} from '../source/settings/role-specs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const check = process.argv.includes('--check');

const files = roleFiles(read(ROLE_SPECS_PATH), read(ROLE_DEFAULTS_PATH));
if (!files.ok) {
	process.stderr.write(`role-specs: ${files.error}\n`);
	process.exit(2);
}

let stale = false;
for (const [file, text] of [[ROLE_SPECS_PATH, files.value.specs], [ROLE_DEFAULTS_PATH, files.value.defaults]] as const) {
	if (read(file) === text) {
		continue;
	}

	stale = true;
	if (check) {
		process.stderr.write(`role-specs: ${file} differs from the settings registry; run "npm run role-specs"\n`);
	} else {
		writeFileSync(path.join(root, file), text);
		process.stdout.write(`role-specs: wrote ${file}\n`);
	}
}

process.exit(check && stale ? 1 : 0);
