#!/bin/sh
# SPDX-License-Identifier: ISC
# The manual pages speak of the installed system: none names a file of
# the sources (src/, tests/, scripts/), and the rules of
# adminutil.acl(5)'s EXAMPLES are an ACL file adminutil -t accepts.

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-.}
bad=0

if grep -nE '(^|[^a-z])(src|tests|scripts)/' "$top_srcdir"/man/*.in; then
	echo "manpages.sh: a manual page names a file of the sources (above)"
	bad=1
fi

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$top_srcdir/man/adminutil.acl.5.in" |
    sed -n '/^\.Bd -literal/,/^\.Ed/p' | sed -e '1d' -e '$d' >"$tmp/example.acl"
if [ "$(grep -c '^[^#]' "$tmp/example.acl")" -lt 3 ]; then
	echo "manpages.sh: adminutil.acl(5) shows no example rules"
	bad=1
fi
printf 'acl_file = %s\nuser =\n' "$tmp/example.acl" >"$tmp/a.conf"
if ! "$top_builddir/adminutil" -c "$tmp/a.conf" -t >"$tmp/out" 2>&1; then
	echo "manpages.sh: adminutil -t refuses adminutil.acl(5)'s example:"
	cat "$tmp/out"
	bad=1
fi
# The check checks itself: a rule with a bad method must be refused.
echo 'FETCH /x @public' >>"$tmp/example.acl"
if "$top_builddir/adminutil" -c "$tmp/a.conf" -t >/dev/null 2>&1; then
	echo "manpages.sh: adminutil -t took a bad rule: the check is broken"
	bad=1
fi
exit $bad
