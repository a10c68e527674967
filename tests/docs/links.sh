#!/bin/sh
# SPDX-License-Identifier: ISC
# Every relative link of README.md, CHANGELOG.md and docs/*.md, `](path)`,
# `](path#anchor)` or `](#anchor)`, leads somewhere: the file exists and
# the anchor is a heading of it (as GitHub spells a heading's anchor:
# lower case, punctuation dropped, spaces as hyphens).  Code blocks are
# not read.  The check checks itself first: a planted broken link and a
# planted broken anchor must fail it.

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}

# The anchors of a Markdown file, one a line.
anchors() {
	awk '/^```/ { fence = !fence; next }
	    !fence && /^#+ / {
		sub(/^#+ +/, ""); s = tolower($0)
		gsub(/[^a-z0-9 _-]/, "", s); gsub(/ /, "-", s); print s
	    }' "$1"
}

# The link targets of a Markdown file, one a line.
targets() {
	awk '/^```/ { fence = !fence; next }
	    !fence {
		l = $0
		while (match(l, /\]\([^) ]+\)/)) {
			print substr(l, RSTART + 2, RLENGTH - 3)
			l = substr(l, RSTART + RLENGTH)
		}
	    }' "$1"
}

# check FILE...: prints each broken link, fails if there is one.
check() {
	bad=0
	for f in "$@"; do
		dir=$(dirname "$f")
		for t in $(targets "$f"); do
			case $t in
			http:*|https:*|mailto:*) continue ;;
			esac
			path=${t%%#*}
			anchor=
			case $t in *'#'*) anchor=${t#*#} ;; esac
			if [ -z "$path" ]; then dest=$f; else dest=$dir/$path; fi
			if [ ! -e "$dest" ]; then
				echo "$f: $t: no such file"; bad=1; continue
			fi
			[ -n "$anchor" ] || continue
			anchors "$dest" | grep -qx -- "$anchor" ||
			    { echo "$f: $t: no such heading"; bad=1; }
		done
	done
	return $bad
}

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
printf '# A title\n\n[ok](b.md#b-c) [self](#a-title)\n' > "$tmp/a.md"
printf '# B: `c`\n\n[gone](gone.md)\n```\n[in code](nowhere.md)\n```\n' > "$tmp/b.md"
printf '# C\n\n[wrong anchor](a.md#b-c)\n' > "$tmp/c.md"
check "$tmp/a.md" > "$tmp/out" || { echo "a good link fails the check"; cat "$tmp/out"; exit 99; }
check "$tmp/b.md" > /dev/null && { echo "a link to no file passes the check"; exit 99; }
check "$tmp/c.md" > /dev/null && { echo "a link to no heading passes the check"; exit 99; }

n=0
for f in "$top_srcdir"/README.md "$top_srcdir"/CHANGELOG.md \
    "$top_srcdir"/docs/*.md; do
	n=$((n + $(targets "$f" | grep -cv '^https*:')))
done
check "$top_srcdir"/README.md "$top_srcdir"/CHANGELOG.md \
    "$top_srcdir"/docs/*.md
rc=$?
echo "$n links checked"
exit $rc
