#!/bin/sh
# SPDX-License-Identifier: ISC
# One version: configure.ac's AC_INIT, debian/changelog's newest entry
# (its upstream part: no epoch, no Debian revision) and CHANGELOG.md's
# newest release, the first heading "## [X.Y.Z]" ("Unreleased" is none)
# must be the same, or a tarball, a package and the notes of a release
# would each say another.  The check checks itself first: a planted
# disagreement in each of the three files must fail it.

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}

ac_version() {
	sed -n 's/^AC_INIT(\[adminutil\], \[\([^]]*\)\].*/\1/p' "$1" | head -1
}
deb_version() {
	sed -n '1s/^adminutil (\([^)]*\)) .*/\1/p' "$1" |
	    sed 's/^[0-9]*://; s/-[^-]*$//'
}
log_version() {
	sed -n 's/^## \[\([^]]*\)\].*/\1/p' "$1" | grep -vix unreleased |
	    head -1
}

# agree CONFIGURE_AC DEBIAN_CHANGELOG CHANGELOG_MD: 0 when the three
# give one version, else 1 and what each says.
agree() {
	a=$(ac_version "$1")
	d=$(deb_version "$2")
	l=$(log_version "$3")
	if [ -n "$a" ] && [ "$a" = "$d" ] && [ "$a" = "$l" ]; then
		return 0
	fi
	echo "configure.ac: ${a:-none}, debian/changelog: ${d:-none}," \
	    "CHANGELOG.md: ${l:-none}"
	return 1
}

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
ac=$top_srcdir/configure.ac
dc=$top_srcdir/debian/changelog
cl=$top_srcdir/CHANGELOG.md
for f in "$ac" "$dc" "$cl"; do
	[ -r "$f" ] || { echo "cannot read $f" >&2; exit 99; }
done

# The check on files of its own: three that agree must pass, with
# "Unreleased" above the release, a "## [Unreleased]" too, an epoch and
# a Debian revision; each planted disagreement must fail.
printf 'AC_INIT([adminutil], [1.2.3], [], [adminutil])\n' >"$tmp/ac"
printf 'adminutil (1.2.3) unstable; urgency=medium\n' >"$tmp/dc"
printf 'adminutil (7:1.2.3-2) unstable; urgency=medium\n' >"$tmp/dc.rev"
printf 'adminutil (1.2.4) unstable; urgency=medium\n' >"$tmp/dc.bad"
printf '# Changelog\n\n## Unreleased\n\n## [1.2.3] - 2026-12-07\n' \
    >"$tmp/cl"
printf '## [Unreleased]\n\n## [1.2.3] - 2026-12-07\n' >"$tmp/cl.br"
printf '## [1.2.4] - 2026-12-08\n\n## [1.2.3] - 2026-12-07\n' \
    >"$tmp/cl.bad"
sed 's/1.2.3/1.2.4/' "$tmp/ac" >"$tmp/ac.bad"
bad=0
for good in "ac dc cl" "ac dc.rev cl" "ac dc cl.br"; do
	# shellcheck disable=SC2086 # three names, split on purpose
	set -- $good
	agree "$tmp/$1" "$tmp/$2" "$tmp/$3" >/dev/null ||
	    { echo "the check failed files that agree ($good)"; bad=1; }
done
for planted in "ac.bad dc cl" "ac dc.bad cl" "ac dc cl.bad"; do
	# shellcheck disable=SC2086
	set -- $planted
	if agree "$tmp/$1" "$tmp/$2" "$tmp/$3" >/dev/null; then
		echo "the check missed a planted disagreement ($planted)"
		bad=1
	fi
done
[ "$bad" -eq 0 ] || exit 99

if agree "$ac" "$dc" "$cl"; then
	echo "one version: $(ac_version "$ac")"
	exit 0
fi
exit 1
