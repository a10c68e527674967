#!/bin/sh
# SPDX-License-Identifier: ISC
# conf/nginx-site.conf.in and conf/nginx-snippet-gateway.conf, the pieces
# for the nginx of the system, say what conf/nginx.conf.in says: every
# line of theirs (comments, blank lines and indentation aside) is a line
# of it, but the cache's path, which is the system's.  The check checks
# itself first: a planted line must fail it.

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}

# The directive lines of a file, unindented, one a line.
lines() {
	sed -e 's/^[ 	]*//' -e '/^#/d' -e '/^$/d' "$1"
}

# check PIECE...: prints each line no one of nginx.conf.in; fails if one.
check() {
	lines "$top_srcdir/conf/nginx.conf.in" >"$tmp/whole"
	bad=0
	for f in "$@"; do
		lines "$f" | grep -v '^fastcgi_cache_path ' >"$tmp/piece"
		while IFS= read -r l; do
			grep -qxF -- "$l" "$tmp/whole" && continue
			echo "${f#"$top_srcdir"/}: not in conf/nginx.conf.in: $l"
			bad=1
		done <"$tmp/piece"
	done
	return $bad
}

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
{ cat "$top_srcdir/conf/nginx-snippet-gateway.conf"; echo "gzip on;"; } \
    >"$tmp/planted"
if check "$tmp/planted" >/dev/null; then
	echo "nginx-pieces.sh: a planted line passed: the check is broken"
	exit 1
fi
check "$top_srcdir/conf/nginx-site.conf.in" \
    "$top_srcdir/conf/nginx-snippet-gateway.conf"
