#!/bin/sh
# SPDX-License-Identifier: ISC
# docs/openapi.yaml holds to the code (tests/docs/openapi.mjs says how):
#
#   openapi.sh                 every route of src/app.c is described and
#                              nothing else is; valid OpenAPI 3.1
#   openapi.sh answers FILE    the same, and every answer in FILE (what
#                              tests/e2e/e2e.c wrote to E2E_ANSWERS)
#                              validates against its route's schema
#
# The checkers come from npm (tests/docs/npm: versions pinned by its
# package-lock.json), installed once per build tree into
# tests/docs/openapi-checkers there; later runs need no network.  The
# check checks itself first: a description with a route taken out, and
# one whose envelope is planted wrong, must fail it.

top_srcdir=$(cd "${top_srcdir:-$(dirname "$0")/../..}" && pwd) || exit 99
top_builddir=$(cd "${top_builddir:-.}" && pwd) || exit 99

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
	echo "openapi.sh: node and npm are needed (scripts/lib.sh's" \
	    "packages: nodejs)" >&2
	exit 99
}

npmdir=$top_builddir/tests/docs/openapi-checkers
mods=$npmdir/node_modules
lock=$top_srcdir/tests/docs/npm/package-lock.json

# npm ci once, under a lock: make check runs the tests side by side.
install_checkers() {
	mkdir -p "$npmdir" || return 1
	(
		flock 9 || exit 1
		if [ -f "$mods/.installed" ] &&
		    cmp -s "$lock" "$mods/.installed"; then
			exit 0
		fi
		cp "$top_srcdir/tests/docs/npm/package.json" "$lock" \
		    "$npmdir/" && chmod u+w "$npmdir/package.json" \
		    "$npmdir/package-lock.json" &&
		    (cd "$npmdir" && npm ci --no-audit --no-fund \
		    --prefer-offline --loglevel=error) >&2 &&
		    cp "$lock" "$mods/.installed"
	) 9>"$npmdir/.lock"
}
install_checkers || {
	echo "openapi.sh: cannot install the checkers from npm" >&2
	exit 99
}

check() {
	node "$top_srcdir/tests/docs/openapi.mjs" "$mods" "$top_srcdir" "$@"
}

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# It must see a route gone and a wrong envelope.
spec=$top_srcdir/docs/openapi.yaml
sed '/^  \/v1\/consumer\/{username}\/limits:$/,/^  \/v1\/consumer\/{username}\/credential\/register:$/{/credential\/register/!d}' \
    "$spec" >"$tmp/gone.yaml"
if OPENAPI_SPEC=$tmp/gone.yaml check >"$tmp/out" 2>&1 ||
    ! grep -q 'POST /v1/consumer/{}/limits (src/app.c) is not described' \
    "$tmp/out"; then
	echo "openapi.sh: a description without a route passed:" >&2
	cat "$tmp/out" >&2
	exit 99
fi
if [ "${1:-}" = answers ]; then
	# ets a string: every envelope in the answers breaks it.
	sed '/^    Envelope:$/,/^    Succeeded:$/s/ets: {\$ref: .*}$/ets: {type: string}/' \
	    "$spec" >"$tmp/wrong.yaml"
	if cmp -s "$spec" "$tmp/wrong.yaml" ||
	    OPENAPI_SPEC=$tmp/wrong.yaml check "$2" >"$tmp/out" 2>&1 ||
	    ! grep -q '/ets must be string' "$tmp/out"; then
		echo "openapi.sh: a wrong envelope passed the answers:" >&2
		tail -20 "$tmp/out" >&2
		exit 99
	fi
	[ -s "$2" ] || { echo "openapi.sh: no answers in $2" >&2; exit 1; }
	check "$2"
else
	check
fi
