#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end, the whole suite: nginx, configured from conf/nginx.conf,
# in front of adminutil on MariaDB, all started here (tests/e2e/lib-e2e.sh).
# The last test stops the adminutil instance with SIGTERM.

. "$(dirname "$0")/lib-e2e.sh"

e2e_init nginx
e2e_backend
e2e_nginx
e2e_no_root
e2e_run full
