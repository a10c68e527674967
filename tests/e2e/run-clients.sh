#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end with other projects' clients (tests/e2e/clients.py): JWK
# keys made by jwcrypto and node's jose (tests/e2e/jose.js) registered
# and their tokens through the gateway,
# RFC 7662 introspection by Authlib as client_secret_basic and
# client_secret_post.  nginx from conf/nginx.conf in front of adminutil
# on MariaDB, all started here (tests/e2e/lib-e2e.sh).  Without Debian's
# python3-jwcrypto, python3-authlib, python3-requests, nodejs or
# node-jose it fails, saying so (scripts/lib.sh installs them).

. "$(dirname "$0")/lib-e2e.sh"

e2e_init nginx
[ -x /usr/bin/python3 ] || e2e_fail "python3 is not installed"
for _m in jwcrypto authlib requests; do
	/usr/bin/python3 -c "import $_m" 2>/dev/null ||
	    e2e_fail "python3-$_m is not installed (scripts/lib.sh:" \
	    "need_packages \$ADMINUTIL_PACKAGES)"
done
command -v node >/dev/null 2>&1 && NODE_PATH=/usr/share/nodejs \
    node -e "require('jose')" 2>/dev/null ||
    e2e_fail "node or node-jose is not installed (scripts/lib.sh:" \
    "need_packages \$ADMINUTIL_PACKAGES)"
e2e_backend
e2e_nginx
E2E_URL=$E2E_URL E2E_GW_URL=$E2E_GW_URL \
    E2E_ADMIN_TOKEN=$E2E_TMP/admin.token \
    /usr/bin/python3 "$top_srcdir/tests/e2e/clients.py"
