import test from 'node:test';
import assert from 'node:assert/strict';
import {render} from 'ink-testing-library';
import {DiffView, diffRows} from '../../source/components/DiffView.js';
import {flagHelpLines} from '../../source/components/FlagHelp.js';
import {OptionList} from '../../source/components/OptionList.js';
import {themeFor} from '../../source/components/theme.js';
import {editText} from '../../source/hooks/use-step-keys.js';
import {KEY, readTarget, renderWizard, tempConfig} from '../app-helpers.js';
import {stepOf} from '../helpers/steps.js';

test('NO_COLOR (set and not empty) drops every colour', () => {
	assert.deepEqual(Object.values(themeFor({NO_COLOR: '1'})), [undefined, undefined, undefined, undefined, undefined, undefined]);
	assert.equal(themeFor({NO_COLOR: ''}).accent, 'cyan');
	assert.equal(themeFor({}).accent, 'cyan');
});

test('diff rows carry hunk headers and wrap long config lines to the width', () => {
	const before = 'a\nO PrivacyOptions=authwarnings\nc\n';
	const after = `a\nO PrivacyOptions=${'goaway,'.repeat(12)}noetrn\nc\n`;
	const rows = diffRows([{role: 'cf', path: '/etc/mail/sendmail.cf', before, after}], 40);
	assert.ok(rows.every(row => row.text.length <= 40));
	assert.deepEqual(rows.slice(0, 4).map(row => row.text), ['/etc/mail/sendmail.cf', '@@ -1,3 +1,3 @@', '  a', '- O PrivacyOptions=authwarnings']);
	assert.match(rows[4]!.text, /^\+ O PrivacyOptions=goaway,/);
	assert.match(rows[5]!.text, /^ {2}\S/);
	const frame = render(<DiffView rows={rows} scroll={0} height={3} />).lastFrame() ?? '';
	assert.match(frame, /lines 1-3 of \d+; pgup\/pgdn \[ \] scroll/);
});

test('flag help fits its column and shows the SMTP exchange (docs/sendmail.md, "SMTP replies per setting": noexpn answers 502 5.7.0)', () => {
	const lines = flagHelpLines('noexpn', 50, false);
	assert.ok(lines.every(line => line.text.length <= 50), JSON.stringify(lines));
	const server = lines.filter(line => line.kind === 'server').map(line => line.text.trim()).join(' ');
	assert.match(server, /S: 502 5\.7\.0 Sorry, we do not allow this operation/);
	assert.ok(flagHelpLines('novrfy', 50, true).some(line => line.kind === 'note' && line.text === 'goaway, which is on, already sets novrfy.'));
});

test('text fields: typing appends, backspace deletes, a pasted newline becomes a space', () => {
	const plain = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false};
	assert.equal(editText('ab', 'c', plain), 'abc');
	// A Ctrl key that came in one burst with arrows arrives as its raw byte: it is not text.
	assert.equal(editText('ab', '\u0015', plain), undefined);
	assert.equal(editText('ab', '', {...plain, backspace: true}), 'a');
	assert.equal(editText('ab', 'x\ny', plain), 'abx y');
	assert.equal(editText('ab', '', {...plain, upArrow: true}), undefined);
});

test('option lists name their role and state for screen readers', () => {
	const previous = process.env['INK_SCREEN_READER'];
	process.env['INK_SCREEN_READER'] = 'true';
	try {
		const frame = render(<OptionList label="Largest message" kind="radio" highlight={1} items={[{key: 'a', label: '10 MB'}, {key: 'b', label: '25 MB'}]} />).lastFrame() ?? '';
		assert.match(frame, /radio: \(checked, selected\)\s*25 MB/);
		assert.doesNotMatch(frame, /›/);
	} finally {
		if (previous === undefined) {
			delete process.env['INK_SCREEN_READER'];
		} else {
			process.env['INK_SCREEN_READER'] = previous;
		}
	}
});

test('the whole wizard reads in screen-reader mode: header and the radio state', async t => {
	const previous = process.env['INK_SCREEN_READER'];
	process.env['INK_SCREEN_READER'] = 'true';
	t.after(() => {
		if (previous === undefined) {
			delete process.env['INK_SCREEN_READER'];
		} else {
			process.env['INK_SCREEN_READER'] = previous;
		}
	});
	const {cfPath} = tempConfig(t);
	const app = renderWizard(await readTarget(cfPath));
	t.after(() => app.unmount());
	await app.waitFor(`${stepOf('Welcome')}: Welcome`);
	await app.press(KEY.enter);
	const greeting = await app.waitFor(`${stepOf('Greeting')}: Greeting`);
	assert.match(greeting, /\(checked, selected\)\s*Keep as it is/);
});
