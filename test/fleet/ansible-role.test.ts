// The Ansible role, run by the real ansible-playbook against four local hosts, each with its own
// config folder: Debian's sendmail.cf with its help file (restarted through a stand-in init script
// into a live daemon that the role then verifies), Debian's sendmail.mc and .cf, a config already
// hardened with the same answers, an .mc whose .cf was edited by hand (the tool refuses it), and a
// live daemon whose "restart" does not restart it (the live check fails), and a host whose restart
// fails on the new files (they are put back).
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {articleAnswers, articleAnswersFile} from '../helpers/article.js';
import {cliPath, copyDemoConfig, runCli, runProgram, type CliRun} from '../helpers/cli.js';
import {copyDebianMcPair, haveDebianMc} from '../helpers/debian-mc.js';
import {startWithInitScript, type InitScriptDaemon} from '../helpers/init-script.js';
import {sendmailInstalled, sendmailWrapper, smtpTalk} from '../helpers/sendmail.js';

const ansiblePlaybook = '/usr/bin/ansible-playbook';
const haveAnsible = spawnSync(ansiblePlaybook, ['--version']).status === 0;
const skip = !haveAnsible ? {skip: 'ansible-playbook is not installed (apt-get install ansible-core)'}
	: !sendmailInstalled ? {skip: 'sendmail is not installed'}
		: !haveDebianMc ? {skip: 'no Debian /etc/mail/sendmail.mc'} : {};

const repo = path.resolve('.');
const planted = '\u001B]0;owned\u0007\u001B[2J';
// ansible starts slowly and runs a module per task and host: minutes on a loaded machine.
const RUN_TIMEOUT_MS = 600_000;


/**
 * ansible-playbook's environment for a run in `scratch`: its own home (made here), temp folders and
 * no config file but none.cfg, the role from this checkout, no colours.
 */
function ansibleEnv(scratch: string): NodeJS.ProcessEnv {
	const home = path.join(scratch, 'home');
	mkdirSync(home, {recursive: true});
	return {
		PATH: process.env.PATH,
		LANG: 'C.UTF-8',
		HOME: home,
		ANSIBLE_CONFIG: path.join(scratch, 'none.cfg'),
		ANSIBLE_LOCAL_TEMP: path.join(scratch, 'ansible-local'),
		ANSIBLE_REMOTE_TEMP: path.join(scratch, 'ansible-remote'),
		ANSIBLE_ROLES_PATH: path.join(repo, 'ansible/roles'),
		ANSIBLE_NOCOLOR: '1',
		// Each module runs as one python fed on its stdin, as with `pipelining = True` in ansible.cfg,
		// instead of five shell commands around a copied file (make the folder, copy, chmod, run,
		// remove): the same modules and results, a third less work per task and host.
		ANSIBLE_PIPELINING: '1',
		...profiling,
	};
}

/**
 * A callback plugin to time the tasks, when given (e.g. ANSIBLE_CALLBACK_PLUGINS=folder
 * ANSIBLE_CALLBACKS_ENABLED=its name): the runs here pass on no other variable of the caller's.
 */
const profiling = Object.fromEntries(['ANSIBLE_CALLBACK_PLUGINS', 'ANSIBLE_CALLBACKS_ENABLED', 'FLEET_PROF_FILE']
	.filter(name => process.env[name] !== undefined).map(name => [name, process.env[name]]));

/** The bundle hash a build runs, as its code cache's file name gives it (as test/single-file.test.ts asks). */
async function bundleHash(argv: string[]): Promise<string> {
	const run = await runProgram(argv[0]!, [...argv.slice(1), '--version'], {
		env: {...process.env, SENDMAIL_HARDEN_CODE_CACHE: 'report', XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-cache-'))},
	});
	return /code cache: .*\/([\da-f]{16})-[^/]*$/m.exec(run.stderr)?.[1] ?? `unknown: ${run.stderr}`;
}

/** The PLAY RECAP counts per host, e.g. {ok: 5, changed: 1, failed: 0, ...}. */
function recap(stdout: string): Record<string, Record<string, number>> {
	const hosts: Record<string, Record<string, number>> = {};
	const start = stdout.lastIndexOf('PLAY RECAP');
	assert.ok(start >= 0, `no PLAY RECAP in:\n${stdout}`);
	for (const line of stdout.slice(start).split('\n').slice(1)) {
		const match = /^(\S+)\s+:\s+(.*)$/.exec(line);
		if (match) {
			hosts[match[1]!] = Object.fromEntries([...match[2]!.matchAll(/(\w+)=(\d+)/g)].map(([, key, value]) => [key!, Number(value)]));
		}
	}

	return hosts;
}

/** Each host's outcome of one task ("ok", "changed", "fatal", "skipping"), from the default output. */
function taskOutcomes(stdout: string, task: string, kind: 'TASK' | 'RUNNING HANDLER' = 'TASK'): Record<string, string> {
	const start = stdout.indexOf(`${kind} [sendmail_harden : ${task}]`);
	assert.ok(start >= 0, `no task "${task}" in:\n${stdout}`);
	const outcomes: Record<string, string> = {};
	for (const line of stdout.slice(start).split('\n').slice(1)) {
		const match = /^(ok|changed|fatal|skipping): \[(\w+)\]/.exec(line);
		if (match) {
			outcomes[match[2]!] = match[1]!;
		} else if (line.startsWith('TASK ') || line.startsWith('RUNNING HANDLER ') || line.startsWith('PLAY RECAP')) {
			break;
		}
	}

	return outcomes;
}

/** The PLAY RECAP lines as printed, for the record. */
const recapLines = (stdout: string) => stdout.slice(stdout.lastIndexOf('PLAY RECAP')).trimEnd();

/** sha256 of every file under folder (names and bytes), to prove a run wrote nothing. */
function hashFolder(folder: string): string {
	const hash = createHash('sha256');
	for (const name of (readdirSync(folder, {recursive: true}) as string[]).sort()) {
		const file = path.join(folder, name);
		if (statSync(file).isFile()) {
			hash.update(`${name}\0`).update(readFileSync(file));
		}
	}

	return hash.digest('hex');
}

// The two groups share nothing (their own folders, hosts and daemons): they run side by side, each
// group's tests in order.
describe('the sendmail_harden role', {...skip, concurrency: 2}, () => {
	describe('the sendmail_harden role with ansible-playbook', {concurrency: 1}, () => {
		let scratch: string;
		let daemon: InitScriptDaemon | undefined;
		let staleDaemon: InitScriptDaemon | undefined;
		const hosts: Record<'plaincf' | 'withmc' | 'hardened' | 'handedited' | 'stale' | 'badrestart', {folder: string; cfPath: string; files: string[]; original: Buffer[]}> = {} as never;
		let env: NodeJS.ProcessEnv;
		let playbook: string;
		let inventory: string;

		async function ansible(args: string[]): Promise<CliRun> {
			return runProgram(ansiblePlaybook, ['-i', inventory, playbook, ...args], {cwd: scratch, env});
		}

		const read = (files: string[]) => files.map(file => readFileSync(file));

		before(async () => {
			scratch = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-fleet-'));
			const stateDir = path.join(scratch, 'state');
			mkdirSync(stateDir);

			// The package exactly as `npm pack` makes it from this clone (npm test has built dist/; its
			// prepare script would build it again under the CLI tests of the files running beside this one).
			// The set-ups below share nothing: each starts at once and the runs wait for them all.
			const setUps: Array<Promise<void>> = [];
			let packageFile = '';
			setUps.push(runProgram('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch, '--loglevel=error'], {cwd: repo, env: {...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false'}}).then(packed => {
				assert.equal(packed.status, 0, packed.stdout + packed.stderr);
				packageFile = path.join(scratch, packed.stdout.trim().split('\n').at(-1)!);
			}));

			// Debian's sendmail.cf and help file, run as a live daemon through a stand-in init script.
			const plain = copyDemoConfig();
			setUps.push(startWithInitScript(plain.cfPath, {helpFile: plain.helpPath}).then(started => {
				daemon = started;
			}));
			hosts.plaincf = {folder: plain.folder, cfPath: plain.cfPath, files: [plain.cfPath, plain.helpPath], original: []};

			// The .mc host takes its answers from a preset export, as an admin would carry them over.
			const presetEnv = {XDG_CONFIG_HOME: path.join(scratch, 'config')};
			const presetFile = path.join(scratch, 'mx.json');
			setUps.push((async () => {
				const saved = await runCli(['presets', 'save', 'mx', '--answers', articleAnswersFile], {env: presetEnv});
				assert.equal(saved.status, 0, saved.stderr);
				const exported = await runCli(['presets', 'export', 'mx', presetFile], {env: presetEnv});
				assert.equal(exported.status, 0, exported.stderr);
				assert.equal((JSON.parse(readFileSync(presetFile, 'utf8')) as {name?: string}).name, 'mx');
			})());

			const mc = copyDebianMcPair(scratch);
			// A dnl line the mail user planted, with a terminal title (OSC, ending in BEL) and a screen clear.
			writeFileSync(mc.mcPath, readFileSync(mc.mcPath, 'latin1').replace(/^MAILER\(/m, `dnl ${planted}\nMAILER(`), 'latin1');
			hosts.withmc = {folder: mc.folder, cfPath: mc.cfPath, files: [mc.mcPath, mc.cfPath, mc.helpPath], original: []};

			// Hardened beforehand with the same answers, by the tool itself.
			const done = copyDemoConfig();
			const preHardened = read([done.cfPath, done.helpPath]);
			setUps.push(runCli(['--config', done.cfPath, '--answers', articleAnswersFile, '--yes'], {env: {SENDMAIL_HARDEN_STATE_DIR: stateDir}}).then(hardened => {
				assert.equal(hardened.status, 0, hardened.stderr);
			}));
			hosts.hardened = {folder: done.folder, cfPath: done.cfPath, files: [done.cfPath, done.helpPath], original: preHardened};

			// An .mc whose .cf was edited by hand since it was built: the answers cannot apply there.
			const edited = copyDebianMcPair(scratch);
			writeFileSync(edited.cfPath, readFileSync(edited.cfPath, 'latin1').replace(/^O Timeout\.ident=.*$/m, 'O Timeout.ident=10s'), 'latin1');
			hosts.handedited = {folder: edited.folder, cfPath: edited.cfPath, files: [edited.mcPath, edited.cfPath, edited.helpPath], original: []};
			// A live daemon the handler does not restart (its command is `true`): it keeps the old answers.
			const stale = copyDemoConfig();
			setUps.push(startWithInitScript(stale.cfPath, {helpFile: stale.helpPath}).then(started => {
				staleDaemon = started;
			}));
			hosts.stale = {folder: stale.folder, cfPath: stale.cfPath, files: [stale.cfPath, stale.helpPath], original: []};
			const badRestart = copyDemoConfig();
			hosts.badrestart = {folder: badRestart.folder, cfPath: badRestart.cfPath, files: [badRestart.cfPath, badRestart.helpPath], original: []};
			// allSettled first: a failed set-up must not leave a daemon it started running past after().
			const settled = await Promise.allSettled(setUps);
			for (const result of settled) {
				if (result.status === 'rejected') {
					throw result.reason;
				}
			}
			for (const host of [hosts.plaincf, hosts.withmc, hosts.handedited, hosts.stale, hosts.badrestart]) {
				host.original = read(host.files);
			}

			const hostVars = (name: keyof typeof hosts, extra: Record<string, unknown>) => ({
				ansible_connection: 'local',
				ansible_python_interpreter: '/usr/bin/python3',
				sendmail_harden_config: hosts[name].cfPath,
				sendmail_harden_install_dir: path.join(scratch, `${name}-tool`),
				...extra,
			});
			inventory = path.join(scratch, 'inventory.json');
			writeFileSync(inventory, JSON.stringify({
				mailservers: {
					hosts: {
						plaincf: hostVars('plaincf', {sendmail_harden_restart_command: [daemon!.restart.command, ...daemon!.restart.args]}),
						withmc: hostVars('withmc', {sendmail_harden_restart: false, sendmail_harden_preset_file: presetFile}),
						hardened: hostVars('hardened', {sendmail_harden_restart: false}),
						handedited: hostVars('handedited', {sendmail_harden_restart: false}),
						stale: hostVars('stale', {sendmail_harden_restart_command: ['/bin/true']}),
						// A restart that fails while the config has goaway in it, and works once it is gone.
						badrestart: hostVars('badrestart', {sendmail_harden_restart_command: ['/bin/sh', '-c', 'if grep -q goaway "$0"; then echo "sendmail: cannot start on this config" >&2; exit 1; fi', hosts.badrestart.cfPath]}),
					},
					vars: {
						sendmail_harden_answers: articleAnswers,
						sendmail_harden_package: packageFile,
						sendmail_harden_node: process.execPath,
						sendmail_harden_environment: {SENDMAIL_HARDEN_STATE_DIR: stateDir, SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper},
					},
				},
			}, undefined, 2));
			playbook = path.join(scratch, 'site.yml');
			writeFileSync(playbook, '- name: Harden sendmail\n  hosts: mailservers\n  gather_facts: false\n  roles:\n    - sendmail_harden\n');

			env = {
				...ansibleEnv(scratch),
				ANSIBLE_RETRY_FILES_ENABLED: '0',
				ANSIBLE_HOST_KEY_CHECKING: '0',
				// All six hosts in one batch per task: with the default five, every task ran a second
				// batch for the sixth host alone.
				ANSIBLE_FORKS: String(Object.keys(hosts).length),
			};
		});

		after(async () => {
			await daemon?.stop();
			await staleDaemon?.stop();
			if (scratch !== undefined) {
				rmSync(scratch, {recursive: true, force: true});
			}
		});

		test('--check --diff on hosts without the tool shows each host\'s diff and writes nothing', {timeout: RUN_TIMEOUT_MS}, async () => {
			const before = Object.values(hosts).map(host => hashFolder(host.folder));
			const run = await ansible(['--check', '--diff']);
			assert.equal(run.status, 2, 'the hand-edited host fails');
			assert.deepEqual(taskOutcomes(run.stdout, 'Harden sendmail'), {plaincf: 'changed', withmc: 'changed', hardened: 'ok', handedited: 'fatal', stale: 'changed', badrestart: 'changed'});
			assert.equal(recap(run.stdout).hardened?.changed, 2, 'only "would create the tool\'s folder and copy the package"');
			assert.match(run.stdout, new RegExp(`^--- ${hosts.plaincf.cfPath}\\tcurrent$`, 'm'));
			assert.match(run.stdout, /^\+O MaxMessageSize=500000$/m);
			assert.match(run.stdout, /^-smtp\tThis is sendmail version \$v$/m);
			assert.match(run.stdout, new RegExp(`^\\+\\+\\+ ${path.join(hosts.withmc.folder, 'sendmail.mc')}\\thardened$`, 'm'));
			// The planted dnl line is in the .mc's diff, its control bytes made visible as --dry-run shows them.
			assert.match(run.stdout, /^ dnl \\e\]0;owned\\x07\\e\[2J$/m);
			assert.doesNotMatch(run.stdout, /[\u0007\u001B]/);
			assert.deepEqual(Object.values(hosts).map(host => hashFolder(host.folder)), before);
			// Nor is the tool left anywhere: it ran from a temporary copy, removed afterwards.
			assert.deepEqual(readdirSync(scratch).filter(name => name.endsWith('-tool') || name.startsWith('.sendmail-harden-check-')), []);
			assert.deepEqual(readdirSync(path.join(scratch, 'ansible-remote')).filter(name => name.startsWith('sendmail-harden-')), []);
		});

		test('the install tag puts the package on every host and touches no config', {timeout: RUN_TIMEOUT_MS}, async () => {
			const before = Object.values(hosts).map(host => hashFolder(host.folder));
			const run = await ansible(['--tags', 'sendmail_harden_install']);
			assert.equal(run.status, 0, run.stdout + run.stderr);
			for (const [name, counts] of Object.entries(recap(run.stdout))) {
				assert.ok(counts.changed! > 0, `${name} installed`);
			}

			assert.deepEqual(Object.values(hosts).map(host => hashFolder(host.folder)), before);
			assert.ok(statSync(path.join(scratch, 'plaincf-tool/package/dist/cli.js')).isFile());
		});

		test('first run: changed where needed, ok where hardened; the refused host and the failed live check fail with their reason', {timeout: RUN_TIMEOUT_MS}, async () => {
			const run = await ansible([]);
			console.log(recapLines(run.stdout));
			assert.equal(run.status, 2, run.stdout);
			const counts = recap(run.stdout);
			assert.equal(counts.plaincf?.changed, 2, 'hardened, then restarted by the handler');
			assert.equal(counts.plaincf?.failed, 0, run.stdout);
			assert.equal(counts.withmc?.changed, 1);
			assert.equal(counts.withmc?.failed, 0);
			assert.equal(counts.hardened?.changed, 0);
			assert.equal(counts.hardened?.failed, 0);
			assert.equal(counts.handedited?.failed, 1);
			assert.match(run.stdout, new RegExp(`fatal: \\[handedited\\]: FAILED! => .*"msg": "sendmail\\.cf and sendmail\\.mc disagree: ${hosts.handedited.cfPath} has (a line|lines) .* does not build: line \\d+ .*\\. A rebuild from the \\.mc \\(.*\\) would undo (it|them), so nothing was changed: .*--cf-only`));
			assert.deepEqual(read(hosts.handedited.files), hosts.handedited.original, 'the refused host is untouched');
			// Written, "restarted", then asked: the daemon still runs the old config, so the host fails.
			assert.equal(counts.stale?.changed, 2, 'hardened and restarted');
			assert.equal(counts.stale?.failed, 1);
			assert.match(run.stdout, /fatal: \[stale\]: FAILED! => .*"msg": "the live server does not answer as hardened: banner: expected no version number and no \\"Sendmail\\"; it shows 8\.17\.1\.9\/[^\n]* — server said \\"220 mail\.test\.example ESMTP Sendmail 8\.17/);
			assert.match(readFileSync(hosts.withmc.files[0]!, 'latin1'), /^define\(`confMAX_MESSAGE_SIZE', `500000'\)dnl$/m);
			// The handler restarted the daemon on the new files and the role asked it: it answers hardened.
			const checked = taskOutcomes(run.stdout, 'Check the live server\'s answers');
			assert.equal(checked.plaincf, 'ok');
			assert.equal(checked.stale, 'fatal');
			// The restart failed on the new files: they were put back byte for byte and sendmail restarted on them.
			assert.equal(counts.badrestart?.failed, 1);
			assert.match(run.stdout, /fatal: \[badrestart\]: FAILED! => .*"msg": "restarting sendmail failed \(\/bin\/sh -c .*\): sendmail: cannot start on this config; the files were put back as they were before this run and sendmail restarted on them"/);
			assert.deepEqual(read(hosts.badrestart.files), hosts.badrestart.original);
			const [banner] = await smtpTalk(daemon!.port, []);
			assert.match(banner ?? '', /^220 mail\.test\.example ESMTP mailserver; /);
		});

		test('second run: nothing changed; the live server is asked again and the stale one fails again', {timeout: RUN_TIMEOUT_MS}, async () => {
			const before = Object.values(hosts).map(host => hashFolder(host.folder));
			const run = await ansible(['--limit', 'plaincf,withmc,hardened,stale']);
			console.log(recapLines(run.stdout));
			assert.equal(run.status, 2, run.stdout);
			const counts = recap(run.stdout);
			for (const [name, count] of Object.entries(counts)) {
				assert.equal(count.changed, 0, `${name} unchanged`);
				assert.equal(count.failed, name === 'stale' ? 1 : 0, name);
			}

			// Nothing changed, yet the live server was asked: the stale daemon still shows its version.
			assert.deepEqual(taskOutcomes(run.stdout, 'Check the live server\'s answers'), {plaincf: 'ok', withmc: 'skipping', hardened: 'skipping', stale: 'fatal'});
			assert.match(run.stdout, /fatal: \[stale\]: FAILED! => .*"msg": "the live server does not answer as hardened: banner: .*Sendmail 8\.17/);

			assert.deepEqual(Object.values(hosts).map(host => hashFolder(host.folder)), before);
		});

		test('the audit tag collects every host\'s audit on the controller and reports once: the table matches each host\'s own audit --json', {timeout: RUN_TIMEOUT_MS}, async () => {
			const stateDir = path.join(scratch, 'state');
			const toolEnv = {SENDMAIL_HARDEN_STATE_DIR: stateDir, SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper};
			// Hardened with other answers than the fleet's: drifted from them in one setting.
			const drifted = copyDemoConfig();
			const otherAnswers = path.join(scratch, 'other-answers.json');
			writeFileSync(otherAnswers, JSON.stringify({...articleAnswers, maxMessageSize: 1_000_000}));
			const hardened = await runCli(['--config', drifted.cfPath, '--answers', otherAnswers, '--yes'], {env: toolEnv});
			assert.equal(hardened.status, 0, hardened.stderr);
			const configs = {plaincf: hosts.plaincf.cfPath, hardened: hosts.hardened.cfPath, handedited: hosts.handedited.cfPath, drifted: drifted.cfPath, broken: path.join(scratch, 'gone', 'sendmail.cf')};
			const reportDir = path.join(scratch, 'report');
			const auditInventory = path.join(scratch, 'audit-inventory.json');
			writeFileSync(auditInventory, JSON.stringify({mailservers: {
				hosts: Object.fromEntries(Object.entries(configs).map(([name, cfPath]) => [name, {
					ansible_connection: 'local',
					ansible_python_interpreter: '/usr/bin/python3',
					sendmail_harden_config: cfPath,
					// The package the install test put there.
					sendmail_harden_install_dir: path.join(scratch, 'plaincf-tool'),
				}])),
				vars: {
					sendmail_harden_answers: articleAnswers,
					sendmail_harden_package: path.join(scratch, 'unused.tgz'),
					sendmail_harden_node: process.execPath,
					sendmail_harden_controller_node: process.execPath,
					sendmail_harden_report_dir: reportDir,
					sendmail_harden_environment: toolEnv,
				},
			}}));
			const before = Object.values(hosts).map(host => hashFolder(host.folder));
			const run = await runProgram(ansiblePlaybook, ['-i', auditInventory, playbook, '--tags', 'sendmail_harden_audit'], {cwd: scratch, env});
			console.log(recapLines(run.stdout));
			assert.equal(run.status, 0, run.stdout + run.stderr);
			const counts = recap(run.stdout);
			assert.deepEqual(Object.keys(counts).sort(), Object.keys(configs).sort());
			for (const [name, count] of Object.entries(counts)) {
				assert.equal(count.changed, 0, name);
				assert.equal(count.rescued, name === 'broken' ? 1 : 0, name);
			}

			assert.deepEqual(Object.values(hosts).map(host => hashFolder(host.folder)), before, 'an audit writes nothing');
			// Run once, on the controller, and shown.
			assert.equal(taskOutcomes(run.stdout, 'Show the fleet report').plaincf, 'ok');
			assert.match(run.stdout, /"host\s+sendmail\s+SmtpGreetingMessage\s+HELP\s.*\sMaxMessageSize\s/);

			type Row = {host: string; config: string | null; sendmailVersion: string | null; hardened: boolean | null; verdicts: Record<string, boolean>; drift: string[] | null; lastChange: {id: string} | null; error: string | null};
			const report = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as {hosts: Row[]};
			assert.deepEqual(report.hosts.map(row => row.host), Object.keys(configs).sort());
			const row = (name: string) => report.hosts.find(candidate => candidate.host === name)!;
			const names = ['plaincf', 'hardened', 'handedited', 'drifted'] as const;
			const ownAudits = await Promise.all(names.map(async name => runCli(['audit', '--config', configs[name], '--json'], {env: toolEnv})));
			for (const [index, name] of names.entries()) {
				const own = ownAudits[index]!;
				const document = JSON.parse(own.stdout) as {hardened: boolean; sendmailVersion: string; settings: Array<{setting: string; hardened: boolean}>; lastChange: {id: string} | null};
				assert.equal(row(name).hardened, document.hardened, name);
				assert.deepEqual(row(name).verdicts, Object.fromEntries(document.settings.map(item => [item.setting, item.hardened])), name);
				assert.equal(row(name).sendmailVersion, document.sendmailVersion, name);
				assert.equal(row(name).lastChange?.id ?? null, document.lastChange?.id ?? null, name);
				assert.equal(row(name).error, null);
			}

			assert.match(row('plaincf').sendmailVersion ?? '', /^8\.17/);
			assert.ok(row('plaincf').lastChange !== null && row('drifted').lastChange !== null, 'the role\'s change and the tool\'s');
			assert.equal(row('handedited').lastChange, null, 'never changed');
			assert.deepEqual(row('hardened').drift, []);
			assert.deepEqual(row('drifted').drift, ['MaxMessageSize']);
			assert.ok(row('handedited').drift!.length >= 4, String(row('handedited').drift));
			assert.match(row('broken').error ?? '', /gone\/sendmail\.cf does not exist/);
			assert.match(readFileSync(path.join(reportDir, 'report.md'), 'utf8'), /^\| host \| sendmail \|/);
		});

		test('the rollback tag restores every file byte for byte', {timeout: RUN_TIMEOUT_MS}, async () => {
			const run = await ansible(['--limit', 'plaincf,withmc,hardened,stale', '--tags', 'sendmail_harden_rollback']);
			assert.equal(run.status, 0, run.stdout);
			for (const [name, counts] of Object.entries(recap(run.stdout))) {
				assert.ok(counts.changed! > 0, `${name} rolled back`);
			}

			for (const name of ['plaincf', 'withmc', 'hardened', 'stale'] as const) {
				assert.deepEqual(read(hosts[name].files), hosts[name].original, `${name} is back as it was`);
			}
		});

		test('the rollback tag run again changes nothing: it does not go back one more change', {timeout: RUN_TIMEOUT_MS}, async () => {
			const before = Object.values(hosts).map(host => hashFolder(host.folder));
			const run = await ansible(['--limit', 'plaincf,withmc,hardened,stale', '--tags', 'sendmail_harden_rollback']);
			assert.equal(run.status, 0, run.stdout);
			for (const [name, counts] of Object.entries(recap(run.stdout))) {
				assert.equal(counts.changed, 0, `${name} not rolled back again`);
			}

			assert.deepEqual(taskOutcomes(run.stdout, 'Roll back the role\'s last change'), {plaincf: 'ok', withmc: 'ok', hardened: 'ok', stale: 'ok'});
			assert.deepEqual(Object.values(hosts).map(host => hashFolder(host.folder)), before);
		});
	});

	describe('the sendmail_harden role with the one-file build', {concurrency: 1}, () => {
		test('--check runs with /tmp mounted noexec; after an `npm run sea` rebuild the second run is changed=0', {timeout: RUN_TIMEOUT_MS}, async () => {
			const scratch = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-fleet-sea-'));
			const noexec = path.join(scratch, 'tmp');
			mkdirSync(noexec);
			let mounted = false;
			try {
				// Built without blocking: the other runs of this file go on meanwhile.
				const build = async (output: string) => {
					const built = await runProgram(process.execPath, ['scripts/sea.js', '--output', output], {cwd: repo, env: process.env});
					assert.equal(built.status, 0, built.stderr);
					return output;
				};

				// The second build of this commit, begun now: it is needed only for the third run.
				const rebuilding = build(path.join(scratch, 'rebuilt'));
				rebuilding.catch(() => undefined);
				// The build `npm run sea` made when it runs this commit's bundle (another test file may have
				// made it), else a fresh one here: not in dist/, where the other group's `npm pack` reads.
				const dist = path.join(repo, 'dist/sendmail-harden-linux-x64');
				const current = existsSync(dist) && await bundleHash([dist]) === await bundleHash([process.execPath, cliPath]);
				const first = current ? dist : await build(path.join(scratch, 'first-build'));
				const {cfPath} = copyDemoConfig();
				const installDir = path.join(scratch, 'tool');
				const inventory = path.join(scratch, 'inventory.json');
				const writeInventory = (executable: string) => writeFileSync(inventory, JSON.stringify({all: {hosts: {onefile: {
					ansible_connection: 'local',
					ansible_python_interpreter: '/usr/bin/python3',
					sendmail_harden_config: cfPath,
					sendmail_harden_executable: executable,
					sendmail_harden_install_dir: installDir,
					sendmail_harden_answers: articleAnswers,
					sendmail_harden_restart: false,
					sendmail_harden_environment: {SENDMAIL_HARDEN_STATE_DIR: path.join(scratch, 'state'), SENDMAIL_HARDEN_SENDMAIL: sendmailWrapper},
				}}}}));
				const playbook = path.join(scratch, 'site.yml');
				writeFileSync(playbook, '- name: Harden sendmail\n  hosts: all\n  gather_facts: false\n  roles:\n    - sendmail_harden\n');
				const env = ansibleEnv(scratch);
				const ansible = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runProgram(ansiblePlaybook, ['-i', inventory, playbook, ...args], {cwd: scratch, env: {...env, ...extraEnv}});

				// A /tmp as CIS sets it up: nothing there may be run.
				const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'noexec,nosuid,nodev,size=256m', 'tmpfs', noexec], {encoding: 'utf8'});
				assert.equal(mount.status, 0, mount.stderr);
				mounted = true;
				writeInventory(first);
				const checked = await ansible(['--check', '--diff'], {TMPDIR: noexec});
				assert.equal(checked.status, 0, checked.stdout + checked.stderr);
				assert.equal(taskOutcomes(checked.stdout, 'Harden sendmail').onefile, 'changed');
				assert.match(checked.stdout, /^\+O MaxMessageSize=500000$/m);
				assert.deepEqual(readdirSync(scratch).filter(name => name.startsWith('.sendmail-harden-check-')), [], 'the staged copy is removed');

				const run = await ansible([]);
				assert.equal(run.status, 0, run.stdout + run.stderr);
				assert.deepEqual(readFileSync(path.join(installDir, 'sendmail-harden')), readFileSync(first));
				assert.equal(statSync(path.join(installDir, 'sendmail-harden')).mode & 0o777, 0o755);
				assert.match(run.stdout, /TASK \[sendmail_harden : Harden sendmail\][^\n]*\nchanged: \[onefile\]/);
				assert.match(readFileSync(cfPath, 'latin1'), /^O MaxMessageSize=500000$/m);

				// Rebuilt: the same bytes, so nothing is copied again.
				writeInventory(await rebuilding);
				const again = await ansible([]);
				console.log(recapLines(again.stdout));
				assert.equal(again.status, 0, again.stdout + again.stderr);
				assert.equal(recap(again.stdout).onefile?.changed, 0, again.stdout);
				assert.equal(taskOutcomes(again.stdout, 'Install the one-file build').onefile, 'ok');
			} finally {
				if (mounted) {
					spawnSync('umount', [noexec]);
				}

				rmSync(scratch, {recursive: true, force: true});
			}
		});

		test('--check without become on a host whose name is not qualified says first that sendmail will sleep', {timeout: RUN_TIMEOUT_MS}, async t => {
			if (!/^[^.\s]+$/.test(os.hostname()) || /^\s*[\d.:a-f]+\s+\S*\./im.test(readFileSync('/etc/hosts', 'utf8').split('\n').find(line => line.split(/\s+/).slice(1).includes(os.hostname())) ?? '')) {
				t.skip('this machine\'s host name is qualified');
				return;
			}

			// Run as nobody: a copy of the role and every file in a folder nobody owns (the clone may be in /root).
			const scratch = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-fleet-nobody-'));
			try {
				cpSync(path.join(repo, 'ansible/roles'), path.join(scratch, 'roles'), {recursive: true});
				writeFileSync(path.join(scratch, 'package.tgz'), 'not a package\n');
				writeFileSync(path.join(scratch, 'inventory.json'), JSON.stringify({all: {hosts: {plain: {
					ansible_connection: 'local',
					ansible_python_interpreter: '/usr/bin/python3',
					sendmail_harden_package: path.join(scratch, 'package.tgz'),
					sendmail_harden_install_dir: path.join(scratch, 'tool'),
					sendmail_harden_config: path.join(scratch, 'sendmail.cf'),
				}}}}));
				writeFileSync(path.join(scratch, 'site.yml'), '- name: Harden sendmail\n  hosts: all\n  gather_facts: false\n  roles:\n    - sendmail_harden\n');
				spawnSync('chown', ['-R', 'nobody', scratch]);
				const run = await runProgram('runuser', ['-u', 'nobody', '--', 'env', `HOME=${scratch}`, `PATH=${process.env.PATH}`, 'LANG=C.UTF-8', `ANSIBLE_LOCAL_TEMP=${scratch}/al`, `ANSIBLE_REMOTE_TEMP=${scratch}/ar`,
					`ANSIBLE_ROLES_PATH=${scratch}/roles`, `ANSIBLE_CONFIG=${scratch}/none.cfg`, 'ANSIBLE_NOCOLOR=1', ansiblePlaybook, '-i', 'inventory.json', 'site.yml', '--check'], {cwd: scratch});
				const said = run.stdout.indexOf('TASK [sendmail_harden : Say that sendmail sleeps on this host]');
				assert.ok(said >= 0, run.stdout + run.stderr);
				assert.ok(said < run.stdout.indexOf('TASK [sendmail_harden : Harden sendmail]') || !run.stdout.includes('TASK [sendmail_harden : Harden sendmail]'), 'said before the dry run');
				assert.match(run.stdout, new RegExp(`"msg": "The host name \\\\"${os.hostname()}\\\\" is not fully qualified and the tool does not run as root \\(no become\\), so each sendmail it starts to check the config sleeps 60 s: this host's run waits about 120 s\\.`));
			} finally {
				rmSync(scratch, {recursive: true, force: true});
			}
		});

		test('the build chosen per host: the .deb where apt is, the package where Node.js 20 is, else the one file (check mode)', {timeout: RUN_TIMEOUT_MS}, async () => {
			const scratch = mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-fleet-choice-'));
			try {
				const files = {deb: path.join(scratch, 'sendmail-harden_0.1.0_amd64.deb'), package: path.join(scratch, 'sendmail-harden-0.1.0.tgz'), executable: path.join(scratch, 'sendmail-harden-linux-x64')};
				for (const [kind, file] of Object.entries(files)) {
					writeFileSync(file, `${kind}\n`);
				}

				const host = (name: string, extra: Record<string, unknown>) => [name, {
					ansible_connection: 'local',
					ansible_python_interpreter: '/usr/bin/python3',
					sendmail_harden_install_dir: path.join(scratch, `${name}-tool`),
					sendmail_harden_executable: files.executable,
					sendmail_harden_package: files.package,
					sendmail_harden_node: process.execPath,
					...extra,
				}];
				const inventory = path.join(scratch, 'inventory.json');
				writeFileSync(inventory, JSON.stringify({all: {hosts: Object.fromEntries([
					// This host has apt and dpkg: with a .deb given, the .deb.
					host('withdeb', {sendmail_harden_deb: files.deb}),
					// Node.js 20 or newer: the package, not the 84 MB file.
					host('withnode', {}),
					host('oldnode', {sendmail_harden_node: path.join(scratch, 'node18')}),
					// No Node.js: the one file.
					host('nonode', {sendmail_harden_node: path.join(scratch, 'no-such-node')}),
				])}}));
				writeFileSync(path.join(scratch, 'node18'), '#!/bin/sh\necho v18.19.0\n', {mode: 0o755});
				const playbook = path.join(scratch, 'site.yml');
				writeFileSync(playbook, '- name: Install sendmail-harden\n  hosts: all\n  gather_facts: false\n  roles:\n    - sendmail_harden\n');
				const run = await runProgram(ansiblePlaybook, ['-i', inventory, playbook, '--check', '--tags', 'sendmail_harden_install'], {cwd: scratch, env: ansibleEnv(scratch)});
				assert.equal(run.status, 0, run.stdout + run.stderr);
				assert.deepEqual(taskOutcomes(run.stdout, 'Copy the Debian package'), {withdeb: 'changed', withnode: 'skipping', oldnode: 'skipping', nonode: 'skipping'});
				assert.deepEqual(taskOutcomes(run.stdout, 'Copy the package'), {withdeb: 'skipping', withnode: 'changed', oldnode: 'skipping', nonode: 'skipping'});
				assert.deepEqual(taskOutcomes(run.stdout, 'Install the one-file build'), {withdeb: 'skipping', withnode: 'skipping', oldnode: 'changed', nonode: 'changed'});
				// The .deb is not on the host yet in check mode: apt cannot read it, and says nothing.
				assert.equal(taskOutcomes(run.stdout, 'Install the Debian package with apt').withdeb, 'skipping');
				assert.deepEqual(readdirSync(scratch).filter(name => name.endsWith('-tool')), [], 'check mode wrote nothing');
			} finally {
				rmSync(scratch, {recursive: true, force: true});
			}
		});
	});
});
