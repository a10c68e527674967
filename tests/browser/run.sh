#!/bin/sh
# SPDX-License-Identifier: ISC
# The portal in headless Chromium (tests/browser/portal.py) against
# nginx, adminutil and MariaDB started here as for the end-to-end tests
# (tests/e2e/lib-e2e.sh).  Screenshots in tests/browser/shots/ of the
# build directory, or in PORTAL_SHOTS (docs/ to renew the project's).

. "$(dirname "$0")/../e2e/lib-e2e.sh"

for _p in /usr/bin/chromium /usr/bin/chromedriver; do
	[ -x "$_p" ] || e2e_fail "$_p is not installed (scripts/lib.sh:" \
	    "need_packages \$ADMINUTIL_TEST_PACKAGES)"
done
/usr/bin/python3 -c 'import selenium, jwt' 2>/dev/null ||
    e2e_fail "python3-selenium and python3-jwt are needed"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    e2e_fail "node and npm are needed (the accessibility check's axe-core)"

# axe-core from npm (tests/browser/npm: its version pinned by the lock),
# installed once into the build tree, under a lock: make check runs the
# tests side by side.
npmdir=$top_builddir/tests/browser/axe
lock=$top_srcdir/tests/browser/npm/package-lock.json
mkdir -p "$npmdir" || e2e_fail "no $npmdir"
(
	flock 9 || exit 1
	if [ -f "$npmdir/node_modules/.installed" ] &&
	    cmp -s "$lock" "$npmdir/node_modules/.installed"; then
		exit 0
	fi
	cp "$top_srcdir/tests/browser/npm/package.json" "$lock" "$npmdir/" &&
	    chmod u+w "$npmdir/package.json" "$npmdir/package-lock.json" &&
	    (cd "$npmdir" && npm ci --no-audit --no-fund --prefer-offline \
	    --loglevel=error) >&2 &&
	    cp "$lock" "$npmdir/node_modules/.installed"
) 9>"$npmdir/.lock" || e2e_fail "cannot install axe-core from npm"

e2e_init nginx
# The gateway's port, taken before adminutil's configuration is written:
# its gateway_url is what the page's usage examples call, and run.
E2E_GW_PORT=$(free_port) || e2e_fail "no free port"
E2E_GATEWAY_URL=http://127.0.0.1:$E2E_GW_PORT
e2e_backend
e2e_nginx
shots=${PORTAL_SHOTS:-$top_builddir/tests/browser/shots}
mkdir -p "$shots" || e2e_fail "no shots directory"
PORTAL_URL=$E2E_PORTAL_URL PORTAL_PASSWORDS=$E2E_TMP/portal.passwords \
    GATEWAY_URL=$E2E_GW_URL SHOTS=$shots HOME=$E2E_TMP \
    AXE=$npmdir/node_modules/axe-core/axe.min.js \
    /usr/bin/python3 "$top_srcdir/tests/browser/portal.py"
