// Backup records and locks of tests go to a private state folder, never /var/lib/sendmail-harden:
// scripts/run-tests.js makes one per run; a test file run on its own gets its own here.
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

process.env['SENDMAIL_HARDEN_STATE_DIR'] ??= mkdtempSync(path.join(os.tmpdir(), 'sendmail-harden-state-'));
