#!/bin/sh
# SPDX-License-Identifier: ISC
# The walls between the layers of src/ (docs/design.md): a file includes
# only headers of its own layer or of a layer below, and admin and
# portal never each other.  An include that climbs is a failure, unless
# it is one of the crossings listed below, each a debt named in
# docs/design.md; a listed crossing that no longer exists is a failure
# too, so that the list only shrinks.
#
# Layers, lowest first: core, crypto, store, http, gateway, then admin
# and portal side by side, then app (src/app.[ch]), proc, and the entry
# points (src/main.c, src/operator.[ch]).  Beside them all, ctl (the
# adminutil-ctl client) includes only core and itself, and nothing
# includes it.

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
src=$top_srcdir/src

# The crossings still to remove: "file -> header", one a line (none
# now; WALLS_DEBTS gives another list, for the check of the check).
debts=${WALLS_DEBTS-}

rank() {
	case $1 in
	core/*) echo 0 ;;
	crypto/*) echo 1 ;;
	store/*) echo 2 ;;
	http/*) echo 3 ;;
	gateway/*) echo 4 ;;
	admin/*|portal/*) echo 5 ;;
	app.c|app.h) echo 6 ;;
	proc/*) echo 7 ;;
	main.c|operator.c|operator.h) echo 8 ;;
	ctl/*) echo 9 ;;
	build.h) echo -1 ;;		# configure's, below everything
	*) echo "?" ;;
	esac
}

[ -d "$src/core" ] || { echo "walls: no $src/core" >&2; exit 99; }
found=$(mktemp) || exit 99
trap 'rm -f "$found"' EXIT
n=0 bad=0
for f in $(cd "$src" && find . -name '*.[ch]' | sed 's|^\./||' | sort); do
	from=$(rank "$f")
	[ "$from" != "?" ] || { echo "walls: $f is in no layer"; bad=1; continue; }
	for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
	    "$src/$f"); do
		n=$((n + 1))
		to=$(rank "$h")
		if [ "$to" = "?" ]; then
			echo "walls: $f includes $h, in no layer"
			bad=1
			continue
		fi
		climbs=0
		[ "$to" -le "$from" ] || climbs=1
		# Side by side, never each other.
		case $f:$h in
		admin/*:portal/*|portal/*:admin/*) climbs=1 ;;
		# The client links none of the service: core/ (and
		# configure's build.h) at most.
		ctl/*:core/*|ctl/*:ctl/*|ctl/*:build.h) ;;
		ctl/*:*) climbs=1 ;;
		esac
		[ $climbs -eq 1 ] || continue
		echo "$f -> $h" >>"$found"
		if ! printf '%s\n' "$debts" | grep -qxF "$f -> $h"; then
			echo "walls: $f includes $h, a layer above it"
			bad=1
		fi
	done
done
gone=$(printf '%s\n' "$debts" | sed '/^$/d' | grep -vxF -f "$found")
if [ -n "$gone" ]; then
	printf '%s\n' "$gone" | sed 's/.*/walls: "&" is gone: take it off the list in tests\/docs\/walls.sh and docs\/design.md/'
	bad=1
fi
echo "walls: $n includes checked, $(wc -l <"$found") crossings" \
    "($(printf '%s\n' "$debts" | sed '/^$/d' | wc -l) listed)"
[ -z "${WALLS_SELF:-}" ] || exit $bad

# The check can fail: in a copy of src/ where core/log.c includes the
# gateway's auth.h, and with a crossing listed that is not there.
copy=$(mktemp -d) || exit 99
trap 'rm -f "$found"; rm -rf "$copy"' EXIT
cp -R "$src" "$copy/src" && chmod -R u+w "$copy/src" || exit 99
echo '#include "gateway/auth.h"' >>"$copy/src/core/log.c"
if WALLS_SELF=1 top_srcdir=$copy sh "$0" >"$copy/out" 2>&1 ||
    ! grep -q 'core/log.c includes gateway/auth.h' "$copy/out"; then
	echo "walls: an include of a layer above passed:"; cat "$copy/out"
	bad=1
fi
cp "$src/core/log.c" "$copy/src/core/log.c" || exit 99
# The client reaching into the service.
echo '#include "store/store.h"' >>"$copy/src/ctl/conf.c"
if WALLS_SELF=1 top_srcdir=$copy sh "$0" >"$copy/out" 2>&1 ||
    ! grep -q 'ctl/conf.c includes store/store.h' "$copy/out"; then
	echo "walls: the client including the store passed:"; cat "$copy/out"
	bad=1
fi
cp "$src/ctl/conf.c" "$copy/src/ctl/conf.c" || exit 99
if WALLS_SELF=1 WALLS_DEBTS='http/health.c -> app.h' top_srcdir=$copy \
    sh "$0" >"$copy/out" 2>&1 ||
    ! grep -q 'http/health.c -> app.h" is gone' "$copy/out"; then
	echo "walls: a listed crossing that is gone passed:"; cat "$copy/out"
	bad=1
fi
exit $bad
