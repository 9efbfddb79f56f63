#!/bin/sh
# Runs /usr/sbin/sendmail with the given arguments in its own UTS namespace whose host name is
# qualified: with the test machines' unqualified host name, sendmail sleeps 60 s at start, even
# in -bt mode (docs/sendmail.md, "The host-name wait"). Standard input passes through.
exec unshare --uts sh -c 'hostname mail.test.example && exec /usr/sbin/sendmail "$@"' sendmail "$@"
