#!/bin/sh
# SPDX-License-Identifier: ISC
# scripts/tsv2acl on small tables of its own: the rate of rate_per_hour
# (N/h) and by= of limit_by, no limit for an empty rate, a warning naming
# the API for 1 an hour, a table without the columns as before, and a
# refusal of a bad rate or limit_by; adminutil -t takes what it writes.

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-.}
tsv2acl=$top_srcdir/scripts/tsv2acl
bad=0

fail() {
	echo "tsv2acl.sh: $*"
	bad=1
}

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
tab=$(printf '\t')

{
	echo "name${tab}uri${tab}jwt${tab}groups${tab}rate_per_hour${tab}limit_by"
	echo "one${tab}/a/v1/one${tab}yes${tab}g1,g2${tab}5000${tab}credential"
	echo "two${tab}/a/v1/two${tab}no${tab}${tab}100000${tab}ip"
	echo "three${tab}/a/v1/three${tab}yes${tab}g3${tab}100${tab}consumer"
	echo "four${tab}/a/v1/four${tab}yes${tab}g4${tab}30000${tab}"
	echo "five${tab}/a/v1/five${tab}yes${tab}g5${tab}${tab}ip"
	echo "slip${tab}/a/v1/slip${tab}yes${tab}g6${tab}1${tab}credential"
} >"$tmp/apis.tsv"
if ! "$tsv2acl" "$tmp/apis.tsv" >"$tmp/apis.acl" 2>"$tmp/err"; then
	fail "refused a good table:"
	cat "$tmp/err"
fi
grep -v '^#' "$tmp/apis.acl" >"$tmp/rules"
cat >"$tmp/want" <<WANT
*	/a/v1/one	g1,g2	5000/h	by=credential	# one
*	/a/v1/two	@public	100000/h	by=ip	# two
*	/a/v1/three	g3	100/h	by=consumer	# three
*	/a/v1/four	g4	30000/h	# four
*	/a/v1/five	g5	# five
*	/a/v1/slip	g6	1/h	by=credential	# slip
WANT
diff "$tmp/want" "$tmp/rules" || fail "rules differ from the expected (above)"
# Only the 1/h API is warned of, by name and path.
if [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
    ! grep -q 'slip (/a/v1/slip) allows 1 request an hour' "$tmp/err"; then
	fail "expected one warning, of slip at 1/h; stderr:"
	cat "$tmp/err"
fi
printf 'acl_file = %s\nuser =\n' "$tmp/apis.acl" >"$tmp/a.conf"
"$top_builddir/adminutil" -c "$tmp/a.conf" -t >"$tmp/out" 2>&1 ||
    { fail "adminutil -t refuses what tsv2acl wrote:"; cat "$tmp/out"; }

# Without the columns: the rules of before, no limits, no warning.
cut -f 1-4 "$tmp/apis.tsv" >"$tmp/old.tsv"
"$tsv2acl" "$tmp/old.tsv" >"$tmp/old.acl" 2>"$tmp/err" ||
    fail "refused a table without rate columns"
[ -s "$tmp/err" ] && { fail "warned on a table without rates:"; cat "$tmp/err"; }
if grep -v '^#' "$tmp/old.acl" | grep -qE '/[smhd]([[:space:]]|$)|by='; then
	fail "limits in rules made without rate columns:"
	cat "$tmp/old.acl"
fi
[ "$(grep -vc '^#' "$tmp/old.acl")" -eq 6 ] || fail "not 6 rules without rates"

# A bad rate or limit_by stops it, naming the line.
for row in "0${tab}ip" "01${tab}ip" "-5${tab}ip" "5000/h${tab}ip" \
    "1000000000001${tab}ip" "5000${tab}everyone" "5000${tab}IP"; do
	{
		echo "name${tab}uri${tab}jwt${tab}groups${tab}rate_per_hour${tab}limit_by"
		echo "x${tab}/x${tab}yes${tab}g${tab}${row}"
	} >"$tmp/bad.tsv"
	if "$tsv2acl" "$tmp/bad.tsv" >/dev/null 2>"$tmp/err"; then
		fail "took the rate and limit_by '$row'"
	elif ! grep -q 'line 2: /x: bad' "$tmp/err"; then
		fail "'$row': the refusal names no line:"
		cat "$tmp/err"
	fi
done
exit $bad
