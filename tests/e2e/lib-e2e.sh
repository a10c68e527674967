# SPDX-License-Identifier: ISC
# The environment of the end-to-end tests, shared by run-nginx.sh and
# run-lighttpd.sh: a private MariaDB, two adminutil instances (one with
# the database, one whose database socket does not exist) and a web
# server in front of both, all in one temporary directory, all stopped
# by pid when the script exits, however it exits.
#
# Sourced; defines functions and the tree's paths.  The source tree is
# found from the script's own path, the build tree is the directory the
# script runs in (make check runs it there), unless top_srcdir or
# top_builddir say otherwise.  Nothing is written outside $E2E_TMP.

top_srcdir=$(cd "${top_srcdir:-$(dirname "$0")/../..}" && pwd) || exit 99
top_builddir=$(cd "${top_builddir:-.}" && pwd) || exit 99
. "$top_srcdir/scripts/lib.sh"

E2E_BIN=$top_builddir/adminutil
E2E_PROG=$top_builddir/tests/e2e/e2e
E2E_DB=adminutil_e2e
E2E_TMP=
E2E_WEB=
E2E_WEB_PID=
E2E_WEB_LOGS=
E2E_AU_PID=
E2E_DOWN_PID=
E2E_URL=
E2E_DOWN_URL=
# The longest portal user name, 255 bytes (tests/e2e/portal-mail.c's too).
E2E_LONG_USER=longuser$(printf '%0247d' 0 | tr 0 x)

# e2e_fail MESSAGE: a hard error (exit 99); the logs follow on exit.
e2e_fail() {
	echo "e2e: $*" >&2
	exit 99
}

# e2e_cleanup STATUS: the EXIT trap.  Stops everything by pid, shows the
# logs when the run failed, removes the directory (kept with E2E_KEEP=1).
e2e_cleanup() {
	_rc=$1
	trap - EXIT
	trap "" INT TERM
	stop_pid "$E2E_WEB_PID" 10
	stop_pid "$E2E_AU_PID" 10
	stop_pid "$E2E_DOWN_PID" 10
	# A sanitizer's report in a daemon's log is a failure, even when
	# every request got its answer (a leak, a worker that died).
	if [ "$_rc" -eq 0 ] && [ -n "$E2E_TMP" ] &&
	    grep -qsE 'Sanitizer|runtime error:' "$E2E_TMP/au.log" \
	    "$E2E_TMP/down.log"; then
		echo "e2e: a sanitizer reported in adminutil's log" >&2
		_rc=1
	fi
	if [ "$_rc" -ne 0 ] && [ -n "$E2E_TMP" ]; then
		for _f in "$E2E_TMP/au.log" "$E2E_TMP/down.log" \
		    $E2E_WEB_LOGS "$E2E_TMP/db/mariadb.err"; do
			show_log "$_f" 40
		done
	fi
	mariadb_stop
	if [ -n "$E2E_TMP" ]; then
		if [ "${E2E_KEEP:-0}" = 1 ]; then
			echo "e2e: kept $E2E_TMP" >&2
		else
			rm -rf "$E2E_TMP"
		fi
	fi
	exit "$_rc"
}

# e2e_init WEB: checks that the programs are there, makes the directory
# and sets the traps.
e2e_init() {
	E2E_WEB=$1
	trap 'e2e_cleanup $?' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	[ -x "$E2E_BIN" ] || e2e_fail "$E2E_BIN is not built"
	[ -x "$E2E_PROG" ] || e2e_fail "$E2E_PROG is not built" \
	    "(configure found no CUnit or no libcurl)"
	for _p in "$E2E_WEB" mariadbd mariadb-install-db mariadb curl \
	    openssl; do
		command -v "$_p" >/dev/null 2>&1 ||
		    e2e_fail "$_p is not installed (scripts/lib.sh:" \
		    "need_packages \$ADMINUTIL_PACKAGES)"
	done
	# The environment must not reconfigure the instances under test.
	for _v in $(env | sed -n 's/^\(ADMINUTIL_[A-Za-z0-9_]*\)=.*/\1/p'); do
		unset "$_v"
	done
	E2E_TMP=$(mktemp -d /tmp/e2e.XXXXXX) || e2e_fail "mktemp failed"
	chmod 755 "$E2E_TMP"
	# Started by root, nothing that reads requests is root (e2e_no_root):
	# adminutil (which refuses root) serves as nobody, whose group may
	# write here (the logs, mail_dir, the pid file), read the secrets'
	# files and reach the database's socket; MariaDB runs as mysql
	# (mariadb_user), the web server as www-data (E2E_WEB_USER), which
	# may reach adminutil's sockets (socket_owner).
	E2E_USER=
	E2E_WEB_USER=
	MARIADB_CLIENT_GROUP=
	if [ "$(id -u)" -eq 0 ]; then
		E2E_USER=nobody
		E2E_WEB_USER=www-data
		MARIADB_CLIENT_GROUP=$(id -gn nobody) &&
		chgrp "$MARIADB_CLIENT_GROUP" "$E2E_TMP" &&
		chmod 775 "$E2E_TMP" || e2e_fail "cannot share $E2E_TMP"
	fi
}

# e2e_share FILE...: the service's group may read them (see e2e_init).
e2e_share() {
	[ -z "$E2E_USER" ] ||
	    { chgrp "$MARIADB_CLIENT_GROUP" "$@" && chmod 640 "$@"; } ||
	    e2e_fail "cannot share $*"
}

# e2e_conf NAME DB_SOCKET WORKERS: an adminutil configuration, and the
# groups' descriptions it names where its workers read them.  cache_ttl
# is 2 s, changes seen soon without the feed; E2E_CACHE_TTL says
# otherwise (bench/run: the shipped 60 s).
e2e_conf() {
	cp "$top_srcdir/conf/acl/sunbird-groups.tsv" "$E2E_TMP/" &&
	    chmod 644 "$E2E_TMP/sunbird-groups.tsv" ||
	    e2e_fail "cannot copy the groups' descriptions"
	cat >"$E2E_TMP/$1.conf" <<EOF
${E2E_USER:+user = $E2E_USER
}${E2E_WEB_USER:+socket_owner = root:$E2E_WEB_USER
}listen = unix:$E2E_TMP/$1.sock
workers = $3
auth_listen = unix:$E2E_TMP/$1-auth.sock
auth_workers = 2
db_lock_wait_timeout = 2
peer_timeout = 3
pid_file = $E2E_TMP/$1.pid
log_level = info
max_body = 64k
db_socket = $2
db_user = adminutil
db_password_file = $E2E_TMP/db.pass
db_name = $E2E_DB
schema_dir = $top_srcdir/schema
acl_file = $E2E_TMP/sunbird.acl
cache_ttl = ${E2E_CACHE_TTL:-2}
seal_key_file = $E2E_TMP/seal.key
admin_read_groups = adminutilReader
state_groups = adminutilState
portal_approvers = approver
notify_approvers = approvals@example.test
mail_dir = $E2E_TMP/mail
portal_url = https://portal.example.test/
gateway_url = ${E2E_GATEWAY_URL:-https://api.example.test/}
product_name = ${E2E_PRODUCT_NAME:-Sunbird APIs & <partners>}
product_logo_url = /logo.svg
group_descriptions = $E2E_TMP/sunbird-groups.tsv
sandbox = ${E2E_SANDBOX:-kill}
EOF
}

# e2e_adminutil NAME VAR: starts adminutil -c NAME.conf in the
# background, logging to NAME.log, its pid in VAR at once (for the
# trap), and waits for its socket and pid file.
e2e_adminutil() {
	"$E2E_BIN" -c "$E2E_TMP/$1.conf" >>"$E2E_TMP/$1.log" 2>&1 &
	eval "$2=\$!"
	_pid=$!
	wait_for "{ [ -S '$E2E_TMP/$1.sock' ] && [ -s '$E2E_TMP/$1.pid' ]; } ||
	    ! pid_alive $_pid" 15
	pid_alive "$_pid" && [ -S "$E2E_TMP/$1.sock" ] ||
	    e2e_fail "adminutil ($1) did not start"
	[ "$(cat "$E2E_TMP/$1.pid")" = "$_pid" ] ||
	    e2e_fail "adminutil ($1): pid_file does not hold its pid"
}

# e2e_admin: the admin the tests act as, bootstrapped, its key and
# secret in admin.creds, a token of four hours in admin.token (0600).
e2e_admin() {
	(umask 077
	"$E2E_BIN" -c "$E2E_TMP/au.conf" --bootstrap-admin e2e-admin \
	    >"$E2E_TMP/admin.creds" 2>>"$E2E_TMP/au.log" &&
	_key=$(sed -n 's/^key=//p' "$E2E_TMP/admin.creds") &&
	"$E2E_BIN" -c "$E2E_TMP/au.conf" --mint-token "$_key" --ttl 14400 \
	    >"$E2E_TMP/admin.token" 2>>"$E2E_TMP/au.log") ||
	    e2e_fail "cannot bootstrap the admin or mint its token"
}

# e2e_backend: MariaDB with the schema, then the two instances: "au"
# (E2E_AU_WORKERS workers, default 4, the database) and "down" (2
# workers, no database).
e2e_backend() {
	mariadb_start "$E2E_TMP/db" || e2e_fail "MariaDB did not start"
	mariadb_provision "$E2E_DB" adminutil "$E2E_TMP/db.pass" ||
	    e2e_fail "cannot provision the database"
	"$E2E_BIN" --seal-keygen "$E2E_TMP/seal.key" >/dev/null ||
	    e2e_fail "adminutil --seal-keygen failed"
	# Its reload reads them again, as the user it serves as.  Without
	# the Sunbird APIs' rates: the gateway's tests call one API with one
	# credential far more than 5000 times an hour, and rely on nginx's
	# pass cache, which keeps no pass of a limited API.  The limits'
	# tests have rules of their own (tests/e2e/limits.acl, limits.c).
	{ sed -E 's#(\t([0-9]+/[smhd]|by=[a-z]+))+##' \
	    "$top_srcdir/conf/acl/sunbird.acl" &&
	    cat "$top_srcdir/tests/e2e/limits.acl"; } >"$E2E_TMP/sunbird.acl" ||
	    e2e_fail "cannot copy the ACL"
	e2e_share "$E2E_TMP/db.pass" "$E2E_TMP/seal.key"
	e2e_conf au "$MARIADB_SOCK" "${E2E_AU_WORKERS:-4}"
	e2e_conf down "$E2E_TMP/no-such-db.sock" 2
	"$E2E_BIN" -c "$E2E_TMP/au.conf" --migrate >>"$E2E_TMP/au.log" 2>&1 ||
	    e2e_fail "adminutil --migrate failed"
	e2e_admin
	e2e_adminutil au E2E_AU_PID
	e2e_adminutil down E2E_DOWN_PID
}

# e2e_code URL: the HTTP status URL answers, 000 when none.
e2e_code() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1"
}

# e2e_answers URL CODE PID: true once URL answers HTTP CODE (10 s at
# most), false at once if PID dies.
e2e_answers() {
	wait_for "[ \"\$(e2e_code '$1')\" = $2 ] || ! pid_alive $3" 10 &&
	    pid_alive "$3"
}

# e2e_web CONF_FN COMMAND...: starts the web server.  CONF_FN PORT
# DOWN_PORT writes its configuration for two free ports: PORT in front
# of "au", DOWN_PORT in front of "down".  COMMAND runs in the
# foreground of its own, in the background of ours.  Waits until both
# ports answer /health; new ports when the first were taken meanwhile.
# Sets E2E_URL and E2E_DOWN_URL.
e2e_web() {
	_conf=$1
	shift
	# A port another runner took between free_port and the bind: all
	# but a gateway port the runner chose itself are chosen again.
	_gw_given=${E2E_GW_PORT:+1}
	for _try in 1 2 3; do
		_port=$(free_port) && _dport=$(free_port) ||
		    e2e_fail "no free TCP port"
		[ "$_port" != "$_dport" ] || continue
		[ -n "$_gw_given" ] || E2E_GW_PORT=
		"$_conf" "$_port" "$_dport" ||
		    e2e_fail "cannot write the $E2E_WEB configuration"
		"$@" >>"$E2E_TMP/$E2E_WEB.out" 2>&1 &
		E2E_WEB_PID=$!
		if e2e_answers "http://127.0.0.1:$_port/health" 200 \
		    "$E2E_WEB_PID" && e2e_answers \
		    "http://127.0.0.1:$_dport/health" 503 "$E2E_WEB_PID"; then
			E2E_URL=http://127.0.0.1:$_port
			E2E_DOWN_URL=http://127.0.0.1:$_dport
			return 0
		fi
		# What each port answered, and the web server's last words,
		# first: the cleanup's logs may be cut where it is read.
		_why="/health: $(e2e_code "http://127.0.0.1:$_port/health") (want 200),"
		_why="$_why $(e2e_code "http://127.0.0.1:$_dport/health") (want 503);"
		if pid_alive "$E2E_WEB_PID"; then
			_why="$_why $E2E_WEB runs"
		else
			_why="$_why $E2E_WEB exited"
		fi
		echo "e2e: try $_try: $_why" >&2
		# shellcheck disable=SC2086
		tail -n 3 "$E2E_TMP/$E2E_WEB.out" $E2E_WEB_LOGS 2>/dev/null >&2
		stop_pid "$E2E_WEB_PID" 10
		E2E_WEB_PID=
		# shellcheck disable=SC2086
		grep -qs 'in use' "$E2E_TMP/$E2E_WEB.out" $E2E_WEB_LOGS ||
			break
	done
	e2e_fail "$E2E_WEB did not start or does not reach adminutil ($_why)"
}

# e2e_run SUITE: runs the C program against what is running; returns
# its status.
e2e_run() {
	E2E_URL=$E2E_URL E2E_DOWN_URL=$E2E_DOWN_URL \
	E2E_MASTER_PID=$(cat "$E2E_TMP/au.pid") E2E_DB_PID=$MARIADB_PID \
	E2E_DB_SOCK=$MARIADB_SOCK E2E_DB_NAME=$E2E_DB \
	E2E_CONF=$E2E_TMP/au.conf E2E_GW_URL=${E2E_GW_URL:-} \
	E2E_ADMIN_TOKEN=$E2E_TMP/admin.token \
	E2E_PORTAL_URL=${E2E_PORTAL_URL:-} \
	E2E_PORTAL_PASSWORDS=$E2E_TMP/portal.passwords \
	E2E_ADMIN_CREDS=$E2E_TMP/admin.creds \
	E2E_PROBE=$top_builddir/tests/e2e/probe.so \
	E2E_WEB=$E2E_WEB E2E_BIN=$E2E_BIN E2E_SUITE=$1 "$E2E_PROG"
}

# e2e_mails MIN: the mails the run left in mail_dir, at least MIN, read
# by another parser than ours (tests/e2e/mails.py): lines, encoded words
# and the Subject as RFC 5322 and 2047 have them; each links to its
# page of portal_url; none holds a secret or token of E2E_ANSWERS.
e2e_mails() {
	[ -x /usr/bin/python3 ] || e2e_fail "python3 is not installed"
	/usr/bin/python3 "$top_srcdir/tests/e2e/mails.py" "$E2E_TMP/mail" "$1" \
	    https://portal.example.test/ ${E2E_ANSWERS:+"$E2E_ANSWERS"}
}

# e2e_nginx_edit SOCKET PORT: conf/nginx.conf's text on stdin pointed at
# SOCKET (and its gateway pool at SOCKET's -auth.sock) and PORT; the
# gateway and its demo API at E2E_GW_PORT and E2E_DEMO_PORT, the portal
# at E2E_PORTAL_PORT with the pages of portal/ and its users' file.
e2e_nginx_edit() {
	sed -e "s|server unix:@runstatedir@/adminutil/auth\.sock;|server unix:${1%.sock}-auth.sock;|" \
	    -e "s|server unix:@runstatedir@/adminutil/adminutil\.sock;|server unix:$1;|" \
	    -e "s|listen 127\.0\.0\.1:4000;|listen 127.0.0.1:$2;|" \
	    -e "s|listen 127\.0\.0\.1:8080;|listen 127.0.0.1:$E2E_GW_PORT;|" \
	    -e "s|listen 127\.0\.0\.1:8081;|listen 127.0.0.1:$E2E_DEMO_PORT;|" \
	    -e "s|server 127\.0\.0\.1:8081;|server 127.0.0.1:$E2E_DEMO_PORT;|" \
	    -e "s|listen 127\.0\.0\.1:4080;|listen 127.0.0.1:$E2E_PORTAL_PORT;|" \
	    -e "s|root @pkgdatadir@/portal;|root $E2E_TMP/portal;|" \
	    -e "s|auth_basic_user_file @sysconfdir@/nginx/adminutil-portal.htpasswd;|auth_basic_user_file $E2E_TMP/portal.htpasswd;|"
}

# e2e_portal_users: the portal's people, "user password" lines in
# portal.passwords (0600) and their hashes in portal.htpasswd.
e2e_portal_users() {
	: >"$E2E_TMP/portal.passwords" && chmod 600 "$E2E_TMP/portal.passwords" &&
	: >"$E2E_TMP/portal.htpasswd" || return 1
	for _u in developer approver developer2 developer3 developer4 \
	    developer5 developer6 "$E2E_LONG_USER"; do
		_p=$(openssl rand -hex 12) &&
		echo "$_u $_p" >>"$E2E_TMP/portal.passwords" &&
		echo "$_u:$(openssl passwd -6 "$_p")" \
		    >>"$E2E_TMP/portal.htpasswd" || return 1
	done
	# The workers read it, no one else.
	chmod 640 "$E2E_TMP/portal.htpasswd" &&
	    { [ -z "$E2E_WEB_USER" ] ||
	    chgrp "$E2E_WEB_USER" "$E2E_TMP/portal.htpasswd"; }
}

# e2e_nginx_conf PORT DOWN_PORT: conf/nginx.conf with our socket and PORT,
# its gateway (E2E_GW_URL) on E2E_GW_PORT when a runner took it before,
# its adminutil to know it (tests/browser/run.sh), else on a free port,
# plus a copy of its admin upstream and server for the instance without
# a database on DOWN_PORT, inserted before the closing brace of http.
# As root, the workers run as E2E_WEB_USER.
e2e_nginx_conf() {
	_src=$top_srcdir/conf/nginx.conf.in
	_out=$E2E_TMP/nginx/nginx.conf
	[ "$(tail -n 1 "$_src")" = "}" ] || return 1
	E2E_GW_PORT=${E2E_GW_PORT:-$(free_port)} && E2E_DEMO_PORT=$(free_port) &&
	    E2E_PORTAL_PORT=$(free_port) || return 1
	E2E_GW_URL=http://127.0.0.1:$E2E_GW_PORT
	E2E_PORTAL_URL=http://127.0.0.1:$E2E_PORTAL_PORT
	e2e_portal_users || return 1
	# The workers' user: E2E_WEB_USER as root; not root, there is none.
	if [ -n "$E2E_WEB_USER" ]; then
		_user="s|^user www-data;\$|user $E2E_WEB_USER $E2E_WEB_USER;|"
	else
		_user='/^user www-data;$/d'
	fi
	grep -qx 'user www-data;' "$_src" || {
		echo "e2e: conf/nginx.conf changed: no \"user www-data;\"" >&2
		return 1
	}
	{
		sed -e '$d' -e "$_user" "$_src" |
		    e2e_nginx_edit "$E2E_TMP/au.sock" "$1"
		echo
		echo "    # e2e: the admin server for the instance without a database"
		sed -n '/^ *upstream adminutil {/,/^ *# The gateway/p' "$_src" |
		    sed -e '$d' \
		    -e 's|\(upstream adminutil\) {|\1_down {|' \
		    -e 's|\(fastcgi_pass adminutil\);|\1_down;|' |
		    e2e_nginx_edit "$E2E_TMP/down.sock" "$2"
		echo "}"
	} >"$_out" || return 1
	# The shipped file must still have what the edits above expect.
	for _want in "server unix:$E2E_TMP/au.sock;" \
	    "server unix:$E2E_TMP/au-auth.sock;" \
	    "server unix:$E2E_TMP/down.sock;" "listen 127.0.0.1:$1;" \
	    "listen 127.0.0.1:$2;" "fastcgi_pass adminutil_down;" \
	    "listen 127.0.0.1:$E2E_GW_PORT;" "listen 127.0.0.1:$E2E_DEMO_PORT;" \
	    "server 127.0.0.1:$E2E_DEMO_PORT;" \
	    "listen 127.0.0.1:$E2E_PORTAL_PORT;" \
	    "auth_basic_user_file $E2E_TMP/portal.htpasswd;"; do
		grep -qF "$_want" "$_out" || {
			echo "e2e: conf/nginx.conf changed: no \"$_want\"" >&2
			return 1
		}
	done
}

# e2e_nginx: nginx from conf/nginx.conf in front of both instances;
# the portal's pages copied where its workers may read them, whatever
# the modes above the source tree.
e2e_nginx() {
	mkdir -p "$E2E_TMP/nginx/logs" "$E2E_TMP/nginx/tmp" &&
	    cp -R "$top_srcdir/portal" "$E2E_TMP/portal" &&
	    chmod -R a+rX "$E2E_TMP/portal" ||
	    e2e_fail "cannot make the nginx prefix"
	E2E_WEB_LOGS="$E2E_TMP/nginx/logs/error.log $E2E_TMP/nginx.out"
	e2e_web e2e_nginx_conf nginx -p "$E2E_TMP/nginx/" \
	    -c "$E2E_TMP/nginx/nginx.conf" -e "$E2E_TMP/nginx/logs/error.log" \
	    -g "daemon off;"
}

# e2e_nginx_pieces: the pieces for the nginx of the system
# (conf/nginx-site.conf.in, conf/nginx-snippet-gateway.conf) in an nginx
# of their own, as Debian's nginx.conf would include them: nginx -t
# passes, and a call without a token through a server that includes the
# snippet is refused by adminutil with its envelope (401).
e2e_nginx_pieces() {
	_d=$E2E_TMP/nginx-pieces
	mkdir -p "$_d/logs" "$_d/tmp" && [ -z "$E2E_WEB_USER" ] ||
	    chown "$E2E_WEB_USER" "$_d/tmp" ||
	    e2e_fail "cannot make the prefix of the pieces' nginx"
	_gw=$(free_port) && _adm=$(free_port) && _ptl=$(free_port) ||
	    e2e_fail "no free TCP port"
	E2E_PORTAL_PORT=$_ptl e2e_nginx_edit "$E2E_TMP/au.sock" "$_adm" \
	    <"$top_srcdir/conf/nginx-site.conf.in" |
	    sed -e "s|@localstatedir@/cache/adminutil-nginx-auth|$_d/tmp/auth-cache|" \
	    >"$_d/site.conf" &&
	    cp "$top_srcdir/conf/nginx-snippet-gateway.conf" \
	    "$_d/snippet.conf" || e2e_fail "cannot copy the nginx pieces"
	if grep -n '@[a-z]*dir@' "$_d/site.conf"; then
		e2e_fail "conf/nginx-site.conf.in changed: a path left unedited"
	fi
	{
		[ -z "$E2E_WEB_USER" ] ||
		    echo "user $E2E_WEB_USER $E2E_WEB_USER;"
		cat <<PIECES
pid logs/nginx.pid;
events { worker_connections 64; }
http {
    client_body_temp_path tmp/body;
    fastcgi_temp_path tmp/fastcgi;
    proxy_temp_path tmp/proxy;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    include $_d/site.conf;
    server {
        listen 127.0.0.1:$_gw;
        server_name localhost;
        include $_d/snippet.conf;
        location / { empty_gif; }
    }
}
PIECES
	} >"$_d/nginx.conf"
	nginx -t -p "$_d/" -c "$_d/nginx.conf" -e "$_d/logs/error.log" \
	    >"$_d/test.out" 2>&1 || {
		cat "$_d/test.out" >&2
		e2e_fail "nginx -t refuses the pieces for the nginx of the system"
	}
	nginx -p "$_d/" -c "$_d/nginx.conf" -e "$_d/logs/error.log" \
	    -g "daemon off;" >"$_d/nginx.out" 2>&1 &
	_pid=$!
	e2e_answers "http://127.0.0.1:$_gw/user/v1/tnc/accept" 401 "$_pid" ||
	    { cat "$_d/nginx.out" "$_d/logs/error.log" >&2
	    stop_pid "$_pid" 10
	    e2e_fail "the snippet's server does not refuse a call without a token (401)"; }
	_body=$(curl -sS "http://127.0.0.1:$_gw/user/v1/tnc/accept")
	stop_pid "$_pid" 10
	case $_body in
	*'"err":"UNAUTHORIZED"'*) ;;
	*) e2e_fail "the snippet's 401 is not adminutil's envelope: $_body" ;;
	esac
	echo "e2e: the nginx pieces (site and gateway snippet): nginx -t, 401 with the envelope"
}

# e2e_no_root: lists MariaDB, both adminutil instances and the web
# server with every process below them and their uids, and fails the
# run (exit 1) when one that reads what a client sends is root: all but
# nginx's master (no_root in scripts/lib.sh).
e2e_no_root() {
	_web=$E2E_WEB_PID
	[ "$E2E_WEB" != nginx ] || _web=+$E2E_WEB_PID
	echo "e2e: the processes started, with their uids:"
	no_root "$MARIADB_PID" "$E2E_AU_PID" "$E2E_DOWN_PID" "$_web" || {
		echo "e2e: FAIL: a process that reads requests runs as root" >&2
		exit 1
	}
}
