#!/bin/sh
# SPDX-License-Identifier: ISC
# The curl examples of README.md and docs/*.md (the convention is in
# tests/docs/curls.py and docs/tests.md) run, in order, against an
# instance started here as the end-to-end tests start theirs (MariaDB,
# adminutil, nginx from conf/nginx.conf), each answer compared with the
# one its doc shows: the status, the envelope's keys, params.status and
# params.err.  The check checks itself first: an example whose shown
# status is wrong must fail it.

. "$(dirname "$0")/../e2e/lib-e2e.sh"

e2e_init nginx
command -v python3 >/dev/null 2>&1 || e2e_fail "python3 is not installed"
e2e_backend
e2e_nginx
_w=$E2E_TMP/curls
mkdir -p "$_w/var" && cp "$E2E_TMP/admin.token" "$_w/var/admin.token" ||
    e2e_fail "cannot make the examples' directory"

# A planted example: health shown as 404.
printf '%s\n' '```' "\$ curl -sS -i http://localhost:4000/health" \
    'HTTP/1.1 404 Not Found' '' '{"params":{"status":"failed"}}' '```' \
    >"$_w/planted.md"
if python3 "$top_srcdir/tests/docs/curls.py" "$E2E_URL" "$_w" \
    "$_w/planted.md" >"$_w/planted.out" 2>&1; then
	cat "$_w/planted.out"
	e2e_fail "a planted wrong example passed: the check is broken"
fi
python3 "$top_srcdir/tests/docs/curls.py" "$E2E_URL" "$_w" \
    "$top_srcdir/README.md" "$top_srcdir"/docs/*.md
