#!/bin/sh
# SPDX-License-Identifier: ISC
# Every group the shipped ACL (conf/acl/sunbird.acl) names is described
# in conf/acl/sunbird-groups.tsv, and nothing else is: the portal shows
# a partner's developer these words, not the group's name alone.
# adminutil accepts the file, and refuses one with a malformed line,
# naming the line.

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-.}
acl=$top_srcdir/conf/acl/sunbird.acl
tsv=$top_srcdir/conf/acl/sunbird-groups.tsv
bin=$top_builddir/adminutil
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# The groups of the rules: the third field, a comma list; @public and
# the like are no group.
grep -v '^#' "$acl" | cut -f3 | tr ',' '\n' | grep -v '^@' |
    grep -v '^$' | sort -u >"$tmp/acl" || exit 99
grep -v '^#' "$tsv" | grep -v '^$' | cut -f1 | sort >"$tmp/tsv" || exit 99
[ -s "$tmp/acl" ] || { echo "no groups in $acl" >&2; exit 99; }
bad=0
n=$(wc -l <"$tmp/acl")
missing=$(comm -23 "$tmp/acl" "$tmp/tsv")
extra=$(comm -13 "$tmp/acl" "$tmp/tsv")
twice=$(uniq -d "$tmp/tsv")
[ -z "$missing" ] || { echo "no description of:" $missing; bad=1; }
[ -z "$extra" ] || { echo "described but in no rule:" $extra; bad=1; }
[ -z "$twice" ] || { echo "described twice:" $twice; bad=1; }
if grep -v '^#' "$tsv" | grep -v '^$' | awk -F'\t' 'NF != 2 ||
    length($2) > 512 || $2 == "" { exit 1 }'; then :; else
	echo "$tsv: a line that is not group<TAB>description"
	bad=1
fi

[ -x "$bin" ] || { echo "$bin is not built" >&2; exit 99; }
printf 'group_descriptions = %s\nacl_file = %s\n' "$tsv" "$acl" \
    >"$tmp/ok.conf"
"$bin" -t -c "$tmp/ok.conf" >"$tmp/ok.out" 2>&1 ||
    { echo "adminutil refuses $tsv:"; cat "$tmp/ok.out"; bad=1; }
# A line without its tab, the fourth: the start stops, naming it.
printf '# a comment\n\ncontentCreate\tCreate content\ncontentAdmin review\n' \
    >"$tmp/bad.tsv"
printf 'group_descriptions = %s\n' "$tmp/bad.tsv" >"$tmp/bad.conf"
if "$bin" -t -c "$tmp/bad.conf" >"$tmp/bad.out" 2>&1; then
	echo "adminutil accepts a line without a tab"
	bad=1
elif ! grep -q "bad.tsv: line 4: expected group<TAB>description" \
    "$tmp/bad.out"; then
	echo "the refusal does not name line 4:"
	cat "$tmp/bad.out"
	bad=1
fi
echo "$n groups checked"
exit $bad
