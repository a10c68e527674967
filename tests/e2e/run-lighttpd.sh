#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end, the smoke suite: lighttpd, configured from
# conf/lighttpd.conf, in front of adminutil on MariaDB, all started here
# (tests/e2e/lib-e2e.sh).  Its gateway (adminutil as FastCGI authorizer)
# serves files that say which API they are.

. "$(dirname "$0")/lib-e2e.sh"

# lighttpd_var NAME VALUE: the sed command that sets var.NAME to VALUE.
lighttpd_var() {
	printf 's|^var\\.%s = .*|var.%s = "%s"|\n' "$1" "$1" "$2"
}

# lighttpd_conf PORT DOWN_PORT: conf/lighttpd.conf with our socket, port
# and directories, its gateway on a free port (E2E_GW_URL), plus its
# fastcgi.server block again, for the instance without a database, on a
# second socket at DOWN_PORT.
lighttpd_conf() {
	_src=$top_srcdir/conf/lighttpd.conf.in
	_dir=$E2E_TMP/lighttpd
	_out=$_dir/lighttpd.conf
	E2E_GW_PORT=$(free_port) || return 1
	E2E_GW_URL=http://127.0.0.1:$E2E_GW_PORT
	{
		lighttpd_var adminutil_socket "$E2E_TMP/au.sock"
		lighttpd_var adminutil_auth_socket "$E2E_TMP/au-auth.sock"
		lighttpd_var log_dir "$_dir/logs"
		lighttpd_var www_dir "$_dir/www"
		lighttpd_var upload_dir "$_dir/tmp"
		lighttpd_var gateway_dir "$_dir/gateway"
		echo "s|^server\.port = 4000\$|server.port = $1|"
		echo "s|\"127\\.0\\.0\\.1:8080\"|\"127.0.0.1:$E2E_GW_PORT\"|"
	} >"$_dir/edit.sed" || return 1
	{
		sed -f "$_dir/edit.sed" "$_src"
		echo
		echo "# e2e: the same again for the instance without a database"
		echo "var.down_socket = \"$E2E_TMP/down.sock\""
		echo "\$SERVER[\"socket\"] == \"127.0.0.1:$2\" {"
		sed -n '/^fastcgi\.server = (/,/^)/p' "$_src" |
		    sed -e 's|var\.adminutil_socket|var.down_socket|'
		echo "}"
	} >"$_out" || return 1
	for _want in "\"$E2E_TMP/au.sock\"" "\"$E2E_TMP/au-auth.sock\"" \
	    "\"$_dir/logs\"" "\"$_dir/www\"" \
	    "\"$_dir/tmp\"" "\"$_dir/gateway\"" "server.port = $1" \
	    "127.0.0.1:$2" "=> var.down_socket" \
	    "\$SERVER[\"socket\"] == \"127.0.0.1:$E2E_GW_PORT\" {" \
	    "\"mode\" => \"authorizer\""; do
		grep -qF "$_want" "$_out" || {
			echo "e2e: conf/lighttpd.conf changed: no $_want" >&2
			return 1
		}
	done
}

# gateway_files: the gateway's content, one file per API the tests call
# through it; each says which API it is.
gateway_files() {
	for _api in /content/v1/flag/accept /user/v1/block \
	    /data/v1/page/assemble $(sed -n 's|^\*	\(/rl/[a-z]*\)	.*|\1/x|p' \
	    "$top_srcdir/tests/e2e/limits.acl"); do
		mkdir -p "$E2E_TMP/lighttpd/gateway${_api%/*}" &&
		    printf '{"api":"%s"}\n' "$_api" \
		    >"$E2E_TMP/lighttpd/gateway$_api" || return 1
	done
}

e2e_init lighttpd
e2e_backend
# As root it serves as E2E_WEB_USER (conf/lighttpd.conf's
# server.username), which reads the gateway's files and writes the
# bodies it spools and its logs (it opens them after it dropped root).
mkdir -p "$E2E_TMP/lighttpd/logs" "$E2E_TMP/lighttpd/www" \
    "$E2E_TMP/lighttpd/tmp" && gateway_files &&
    chmod -R a+rX "$E2E_TMP/lighttpd" &&
    { [ -z "$E2E_WEB_USER" ] || chown "$E2E_WEB_USER" \
    "$E2E_TMP/lighttpd/tmp" "$E2E_TMP/lighttpd/logs"; } ||
    e2e_fail "cannot make the lighttpd directories"
E2E_WEB_LOGS="$E2E_TMP/lighttpd/logs/adminutil-error.log $E2E_TMP/lighttpd.out"
e2e_web lighttpd_conf lighttpd -D -f "$E2E_TMP/lighttpd/lighttpd.conf"
e2e_no_root
e2e_run smoke
