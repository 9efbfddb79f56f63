import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import test from 'node:test';
import {builtByM4, chooseMcSource, layoutsMarkdown, makeVariable, mcOfRule, missingMcWarning} from '../../source/core/sendmail-layouts.js';

const freebsdMakefile = '.ifndef SENDMAIL_MC\nSENDMAIL_MC!=           hostname\nSENDMAIL_MC:=           ${SENDMAIL_MC}.mc\n\n${SENDMAIL_MC}:\n\t${CP} freebsd.mc ${SENDMAIL_MC}\n.endif\n';
const search = (existing: string[], extra: Partial<Parameters<typeof chooseMcSource>[0]> = {}) =>
	chooseMcSource({cfPath: '/etc/mail/sendmail.cf', hostname: 'box.example.org', existing: new Set(existing), ...extra});

test('the readme\'s sendmail.mc table is the layouts module, rendered', () => {
	assert.ok(readFileSync('readme.md', 'utf8').includes(layoutsMarkdown()));
});

test('makeVariable reads the last plain assignment, not a shell one', () => {
	assert.equal(makeVariable('SENDMAIL_MC=/etc/mail/a.mc\nSENDMAIL_MC?= /etc/mail/b.mc # why\n', 'SENDMAIL_MC'), '/etc/mail/b.mc');
	assert.equal(makeVariable('SENDMAIL_MC!=           hostname\n', 'SENDMAIL_MC'), undefined);
});

test('FreeBSD\'s Makefile: SENDMAIL_MC, else $(hostname).mc, else freebsd.mc which it copies', () => {
	const makefile = {path: '/etc/mail/Makefile', text: freebsdMakefile};
	assert.deepEqual(search(['/etc/mail/freebsd.mc', '/etc/mail/sendmail.mc'], {makefile}), {
		found: true,
		mcPath: '/etc/mail/freebsd.mc',
		layout: 'freebsd',
		note: 'there is no box.example.org.mc yet: /etc/mail/Makefile copies freebsd.mc to it and builds from it at the next make install, so freebsd.mc is the source edited',
	});
	assert.equal((search(['/etc/mail/freebsd.mc', '/etc/mail/box.example.org.mc'], {makefile}) as {mcPath: string}).mcPath, '/etc/mail/box.example.org.mc');
	assert.equal((search(['/etc/mail/x.mc'], {makefile, makeConf: 'SENDMAIL_MC=/etc/mail/x.mc\n'}) as {mcPath: string}).mcPath, '/etc/mail/x.mc');
	assert.deepEqual(search([], {makefile}), {found: false, layout: 'freebsd', warning: '/etc/mail/Makefile builds box.example.org.mc from freebsd.mc, and neither exists'});
});

test('RHEL, Debian and plain m4: <name>.mc beside <name>.cf, the layout from the Makefile', () => {
	assert.deepEqual(search(['/etc/mail/sendmail.mc'], {makefile: {path: '/etc/mail/Makefile', text: '%.cf: %.mc\n\tif test -f /usr/share/sendmail-cf/m4/cf.m4; then m4 $< > $@; fi\n'}}), {found: true, mcPath: '/etc/mail/sendmail.mc', layout: 'rhel'});
	assert.deepEqual(search(['/etc/mail/sendmail.mc']), {found: true, mcPath: '/etc/mail/sendmail.mc', layout: 'm4'});
});

test('Solaris and illumos: /etc/mail/cf/cf/sendmail.mc', () => {
	assert.equal((search(['/etc/mail/cf/cf/sendmail.mc']) as {layout: string}).layout, 'solaris');
});

test('no .mc: a warning only when the .cf says m4 built it', () => {
	const debian = readFileSync('source/demo/sendmail.cf', 'latin1');
	assert.ok(builtByM4(debian));
	assert.match(missingMcWarning('/etc/mail/sendmail.cf', debian, {found: false})!, /was built by m4 from an \.mc, but none was found/);
	assert.match(missingMcWarning('/srv/mail/sendmail.cf', debian, {found: false, makefile: true})!, /none was found/);
	// A built .cf copied to a folder where nothing builds it (a test copy, a staging folder).
	assert.equal(missingMcWarning('/srv/copy/sendmail.cf', debian, {found: false}), undefined);
	assert.equal(missingMcWarning('/etc/mail/sendmail.cf', 'O A=1\n', {found: false}), undefined);
});

test('a Makefile rule for the .cf names its .mc (Debian: /etc/mail/sendmail.cf : /etc/mail/sendmail.mc ...)', () => {
	const text = '/etc/mail/sendmail.cf : /etc/mail/sendmail.mc /usr/share/sendmail/cf/m4/cf.m4\n\t@m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf.new\n';
	assert.equal(mcOfRule(text, '/etc/mail/sendmail.cf'), '/etc/mail/sendmail.mc');
	assert.equal(mcOfRule('sendmail.cf: site.mc\n', '/srv/mail/sendmail.cf'), '/srv/mail/site.mc');
	assert.deepEqual(search(['/etc/mail/site.mc'], {makefile: {path: '/etc/mail/Makefile', text: 'sendmail.cf: site.mc\n\tm4 site.mc > sendmail.cf\n'}}), {found: true, mcPath: '/etc/mail/site.mc', layout: 'm4'});
	assert.deepEqual(search(['/etc/mail/sendmail.mc'], {makefile: {path: '/etc/mail/Makefile', text}}), {found: true, mcPath: '/etc/mail/sendmail.mc', layout: 'debian'});
});
