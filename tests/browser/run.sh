#!/bin/sh
# SPDX-License-Identifier: ISC
# The portal in headless Chromium (tests/browser/portal.py) against
# nginx, adminutil and MariaDB started here as for the end-to-end tests
# (tests/e2e/lib-e2e.sh).  Screenshots in tests/browser/shots/ of the
# build directory.

. "$(dirname "$0")/../e2e/lib-e2e.sh"

for _p in /usr/bin/chromium /usr/bin/chromedriver; do
	[ -x "$_p" ] || e2e_fail "$_p is not installed (scripts/lib.sh:" \
	    "need_packages \$ADMINUTIL_TEST_PACKAGES)"
done
/usr/bin/python3 -c 'import selenium' 2>/dev/null ||
    e2e_fail "python3-selenium is not installed"

e2e_init nginx
e2e_backend
e2e_nginx
mkdir -p "$top_builddir/tests/browser/shots" || e2e_fail "no shots directory"
PORTAL_URL=$E2E_PORTAL_URL PORTAL_PASSWORDS=$E2E_TMP/portal.passwords \
    SHOTS=$top_builddir/tests/browser/shots HOME=$E2E_TMP \
    /usr/bin/python3 "$top_srcdir/tests/browser/portal.py"
