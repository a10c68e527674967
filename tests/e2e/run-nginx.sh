#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end, the whole suite: nginx, configured from conf/nginx.conf,
# in front of adminutil on MariaDB, all started here (tests/e2e/lib-e2e.sh).
# The last test stops the adminutil instance with SIGTERM; then the
# mails it wrote are read by Python's email package, and every answer
# the suite got is checked against docs/openapi.yaml
# (tests/docs/openapi.sh).

. "$(dirname "$0")/lib-e2e.sh"

e2e_init nginx
E2E_ANSWERS=$E2E_TMP/answers.jsonl
export E2E_ANSWERS
e2e_backend
e2e_nginx
e2e_nginx_pieces
e2e_no_root
e2e_run full || exit
e2e_mails 4 || exit
top_srcdir=$top_srcdir top_builddir=$top_builddir \
    "$top_srcdir/tests/docs/openapi.sh" answers "$E2E_ANSWERS"
