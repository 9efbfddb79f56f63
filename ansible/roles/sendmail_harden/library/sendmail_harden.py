#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Runs sendmail-harden on the managed host and turns its --json document into a task result."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: sendmail_harden
short_description: Harden sendmail.cf with sendmail-harden, roll it back, or verify the live server
description:
  - Runs the sendmail-harden tool already installed on the host with C(--json) and reports what its
    document says. C(changed) is the tool's own C(changed), true only when a byte changed on disk.
  - In check mode C(harden) runs C(--dry-run --json), and the unified diff is returned for C(--diff).
  - A non-zero exit fails the task with the tool's one-line reason.
options:
  action:
    description: What to do.
    choices: [harden, rollback, verify, restart, audit]
    default: harden
    type: str
  tool:
    description: The command that runs sendmail-harden, as an argument list (node and the script, or the one-file build).
    type: list
    elements: str
    required: true
  config:
    description: The sendmail.cf to harden, roll back or take the daemon address from.
    type: path
    default: /etc/mail/sendmail.cf
  answers:
    description:
      - The answers, with the keys of the answers file (null values are left out), or a preset export
        as a dict. Written to a private temporary file for the tool's C(--answers).
    type: dict
  cf_only:
    description: Edit sendmail.cf even when a sendmail.mc is beside it.
    type: bool
    default: false
  force:
    description: Roll back even files changed since the tool wrote them.
    type: bool
    default: false
  host:
    description: C(verify) only, the address of the live server; default from the config's DaemonPortOptions.
    type: str
  port:
    description: C(verify) only, its port; default from the config's DaemonPortOptions.
    type: int
  restart_command:
    description: C(restart) only, the command that restarts sendmail, as an argument list.
    type: list
    elements: str
  set:
    description:
      - C(rollback) only, the backup set to go back to (the state before that change; newer ones are
        undone too). A set already rolled back is not an error: the task is ok and changes nothing.
      - Default, the set in C(record), else the newest.
    type: str
  record:
    description:
      - A file on the host where C(harden) notes the backup set of the change it made and C(rollback)
        the set it went back to, so that running the rollback again does not go back one more change.
    type: path
  rollback_on_failure:
    description:
      - C(restart) only. When the restart fails, restore the newest backup set (the files this run
        wrote), restart again on them, and fail the task saying so.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Harden sendmail (a dry run with the diff in check mode)
  sendmail_harden:
    tool: [node, /usr/local/lib/sendmail-harden/package/dist/cli.js]
    answers:
      greeting: "$j mailserver; $b"
      privacyOptions: [goaway, restrictmailq, restrictqrun]

- name: Roll back the newest change
  sendmail_harden:
    action: rollback
    tool: [/usr/local/lib/sendmail-harden/sendmail-harden]
'''

RETURN = r'''
report:
  description: The tool's whole --json document (command, changed, settings, diff, backup, rehearsal, verify, ...).
  returned: when the tool printed one
  type: dict
msg:
  description: What happened, or the tool's one-line reason when it failed.
  returned: always
  type: str
'''

import json
import os
import re
import tempfile

# As the tool's sanitize.ts safeTerminalText: every control character but newline and tab made
# visible (a dnl line in the .mc can carry ESC or BEL), so a diff shown by Ansible cannot drive the terminal.
UNSAFE = re.compile(u'[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]')
NAMED = {u'\r': u'\\r', u'\u001b': u'\\e'}


def visible(match):
    character = match.group(0)
    code = ord(character)
    return NAMED.get(character) or (u'\\x%02x' % code if code <= 0xff else u'\\u{%x}' % code)


def safe_terminal_text(text):
    return UNSAFE.sub(visible, text)


def read_record(path, config):
    try:
        with open(path) as handle:
            record = json.load(handle)
    except (IOError, OSError, ValueError):
        return None
    value = record.get(config) if isinstance(record, dict) else None
    return value if isinstance(value, str) and value else None


def write_record(module, path, config, set_id):
    if not path or not set_id:
        return
    record = {}
    try:
        with open(path) as handle:
            record = json.load(handle)
    except (IOError, OSError, ValueError):
        pass
    if not isinstance(record, dict):
        record = {}
    record[config] = set_id
    folder = os.path.dirname(path) or '.'
    try:
        handle, temporary = tempfile.mkstemp(prefix='.last-change-', dir=folder)
        with os.fdopen(handle, 'w') as record_file:
            record_file.write(json.dumps(record, indent=2, sort_keys=True) + '\n')
        os.chmod(temporary, 0o644)
        os.rename(temporary, path)
    except (IOError, OSError) as error:
        module.warn('could not note the backup set %s in %s: %s' % (set_id, path, error))

from ansible.module_utils.basic import AnsibleModule


def one_line(text):
    """The last non-empty line of text, without the tool's name in front."""
    lines = [line.strip() for line in (text or '').splitlines() if line.strip()]
    if not lines:
        return ''
    line = lines[-1]
    prefix = 'sendmail-harden: '
    return line[len(prefix):] if line.startswith(prefix) else line


def write_answers(module):
    answers = dict((key, value) for key, value in (module.params['answers'] or {}).items() if value is not None)
    text = json.dumps(answers, indent=2) + '\n'
    handle, path = tempfile.mkstemp(prefix='answers-', suffix='.json', dir=module.tmpdir)
    with os.fdopen(handle, 'w') as answers_file:
        answers_file.write(text)
    return path


def run_tool(module, args):
    """Runs the tool; returns (document or None, rc, stdout, stderr)."""
    tool = module.params['tool']
    if len(tool) > 1:
        check_node(module, tool[0])
    if not tool or not os.path.exists(tool[-1]):
        module.fail_json(msg='sendmail-harden is not installed at %s; run the role once without --check (or with --tags sendmail_harden_install) first' % (tool[-1] if tool else '(no tool given)'))
    command = list(tool) + args
    rc, stdout, stderr = module.run_command(command)
    try:
        document = json.loads(stdout)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        reason = one_line(stderr) or 'exit status %d' % rc
        module.fail_json(msg='sendmail-harden gave no JSON document: %s' % reason, rc=rc, stdout=stdout, stderr=stderr, cmd=command)
    return document, rc, stdout, stderr


NAMED_PORTS = {'smtp': 25, 'submission': 587, 'smtps': 465}


def daemon_address(module, config):
    """Where the MTA listens, read from the config's DaemonPortOptions as the tool reads it
    (source/core/verify-checks.ts, readDaemonAddress); 127.0.0.1:25 when it does not say."""
    try:
        with open(config, 'rb') as handle:
            text = handle.read().decode('latin-1')
    except (IOError, OSError) as error:
        module.fail_json(msg='cannot read %s: %s' % (config, error))
    entries = []
    for line in re.split(r'\r?\n', text):
        if line.startswith('O DaemonPortOptions='):
            fields = {}
            for part in line[len('O DaemonPortOptions='):].split(','):
                if '=' in part:
                    key, value = part.split('=', 1)
                    fields[key.strip().lower()] = value.strip()
            entries.append(fields)

    def port_of(fields):
        port = fields.get('port', 'smtp').lower()
        return int(port) if port.isdigit() else NAMED_PORTS.get(port)

    mta = next((fields for fields in entries if re.search('mta', fields.get('name', ''), re.I)), None)
    if mta is None:
        mta = next((fields for fields in entries if (port_of(fields) or 25) not in (587, 465)
                    and not re.match('ms[ap]', fields.get('name', ''), re.I)), None)
    if mta is None and entries:
        mta = entries[0]
    if mta is None:
        return '127.0.0.1', 25
    host = '::1' if mta.get('family', 'inet').lower() == 'inet6' else '127.0.0.1'
    addr = mta.get('addr', mta.get('address'))
    if addr and addr not in ('0.0.0.0', '::') and addr.lower() != 'inaddr_any':
        host = addr
    return host, port_of(mta) or 25


def check_node(module, node):
    """The package needs Node.js 20 or newer; say so plainly rather than show a syntax error."""
    path = node if os.path.isabs(node) else module.get_bin_path(node)
    if not path or not os.path.exists(path):
        module.fail_json(msg='%s (Node.js 20 or newer) is not installed on this host: install it, or use the one-file build (sendmail_harden_executable)' % node)
    rc, stdout, stderr = module.run_command([path, '--version'])
    match = re.match(r'v(\d+)\.', stdout.strip())
    if rc != 0 or not match or int(match.group(1)) < 20:
        version = (stdout.strip().splitlines() or [''])[0] or one_line(stderr) or 'not runnable'
        module.fail_json(msg='sendmail-harden needs Node.js 20 or newer; %s is %s' % (path, version))


def failed_checks(checks):
    # As the tool prints a check: what was expected, then what the server said.
    return '; '.join(u'%s: expected %s \u2014 server said "%s"' % (check.get('name'), check.get('expected'), check.get('reply'))
                     for check in checks if check.get('status') == 'fail')


def reason(document, stderr, rc):
    """The tool's one-line reason for a non-zero exit."""
    if document.get('error'):
        return document['error']
    verify = document.get('verify') or {}
    failed = failed_checks(verify.get('checks') or [])
    if failed:
        return 'the live server does not answer as hardened: %s' % failed
    rehearsal = document.get('rehearsal') or {}
    failed = failed_checks(rehearsal.get('checks') or [])
    if failed:
        return 'sendmail, run on the new files, does not answer as the answers say (nothing was written): %s' % failed
    return one_line(stderr) or '%s (exit status %d)' % (document.get('meaning') or 'failed', rc)


def run_restart(module, command):
    """Runs the restart command; returns None, or why it failed in one line."""
    rc, stdout, stderr = module.run_command(command)
    if rc == 0:
        return None
    return one_line(stderr) or one_line(stdout) or 'exit status %d' % rc


def restart(module):
    """Restarts sendmail; if it fails on the new files, puts the old ones back and restarts on them."""
    command = module.params['restart_command']
    if not command:
        module.fail_json(msg='restart_command is empty')
    shown = ' '.join(command)
    if module.check_mode:
        module.exit_json(changed=True, msg='would run: %s' % shown)
    failure = run_restart(module, command)
    if failure is None:
        module.exit_json(changed=True, msg='ran: %s' % shown)
    message = 'restarting sendmail failed (%s): %s' % (shown, failure)
    if not module.params['rollback_on_failure']:
        module.fail_json(msg=message)
    # As sendmail-harden --yes --restart does: the old files back, and sendmail restarted on them.
    document, rc, stdout, stderr = run_tool(module, ['rollback', '--config', module.params['config'], '--json'])
    if rc != 0:
        module.fail_json(msg='%s; putting the old files back failed too: %s' % (message, reason(document, stderr, rc)), report=document)
    failure = run_restart(module, command)
    if failure is not None:
        module.fail_json(changed=True, msg='%s; the files were put back as they were before this run, but restarting on them failed too: %s' % (message, failure), report=document)
    module.fail_json(changed=True, msg='%s; the files were put back as they were before this run and sendmail restarted on them' % message, report=document)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            action=dict(type='str', default='harden', choices=['harden', 'rollback', 'verify', 'restart', 'audit']),
            tool=dict(type='list', elements='str', required=True),
            config=dict(type='path', default='/etc/mail/sendmail.cf'),
            answers=dict(type='dict'),
            cf_only=dict(type='bool', default=False),
            force=dict(type='bool', default=False),
            host=dict(type='str'),
            port=dict(type='int'),
            restart_command=dict(type='list', elements='str'),
            rollback_on_failure=dict(type='bool', default=False),
            set=dict(type='str'),
            record=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    action = params['action']
    set_id = None
    config = params['config']

    if action == 'restart':
        restart(module)

    if action == 'rollback':
        if module.check_mode:
            module.exit_json(changed=False, skipped=True, msg='rollback has no dry run: it does not run in check mode')
        set_id = params['set'] or (read_record(params['record'], config) if params['record'] else None)
        args = ['rollback', '--config', config, '--json'] + (['--force'] if params['force'] else [])
        args += ['--set', set_id] if set_id else []
    elif action == 'verify':
        # The live server: `verify --config FILE` alone would ask the installed sendmail instead.
        host, port = daemon_address(module, config)
        args = ['verify', '--host', params['host'] or host, '--port', str(params['port'] or port),
                '--answers', write_answers(module), '--json']
    elif action == 'audit':
        # Reads only: exit 1 says "not hardened", which is the audit's answer, not a failure.
        document, rc, stdout, stderr = run_tool(module, ['audit', '--config', config, '--json'])
        if rc not in (0, 1):
            module.fail_json(msg=reason(document, stderr, rc), report=document, rc=rc)
        # No rc here: Ansible fails any result whose rc is not 0.
        module.exit_json(changed=False, report=document, hardened=rc == 0, msg='hardened' if rc == 0 else 'not hardened')
    else:
        args = ['--config', config, '--answers', write_answers(module), '--json', '--no-restart']
        args += ['--dry-run'] if module.check_mode else ['--yes']
        if params['cf_only']:
            args.append('--cf-only')

    document, rc, stdout, stderr = run_tool(module, args)
    # The document holds all the tool said; its stderr lines repeat the error and the warnings.
    result = dict(changed=bool(document.get('changed')), report=document, rc=rc)
    diff = document.get('diff')
    if action == 'harden' and diff:
        result['diff'] = dict(prepared=safe_terminal_text(diff))
    for warning in document.get('warnings') or []:
        module.warn(warning)
    if rc != 0 and action == 'rollback' and set_id and re.search(r'\(set \S+\) was already rolled back', document.get('error') or ''):
        # Rolled back by an earlier run: going back again would undo one more change.
        # No rc here: Ansible fails any result whose rc is not 0.
        module.exit_json(changed=False, report=document, msg='already rolled back to before the change of set %s' % set_id)
    if rc != 0:
        module.fail_json(msg=reason(document, stderr, rc), **result)

    if action == 'verify':
        result['msg'] = 'the live server at %s answers as hardened' % (document.get('verify') or {}).get('address')
    elif action == 'rollback':
        write_record(module, params['record'], config, (document.get('backup') or {}).get('id'))
        result['msg'] = 'restored %s' % ', '.join(file.get('path') for file in document.get('files') or []) if result['changed'] else 'nothing to restore'
    else:
        if result['changed'] and not module.check_mode:
            write_record(module, params['record'], config, (document.get('backup') or {}).get('id'))
        result['msg'] = ('would change' if module.check_mode else 'changed') if result['changed'] else 'already hardened as the answers say'
    module.exit_json(**result)


if __name__ == '__main__':
    main()
