# SPDX-License-Identifier: ISC
# The cluster stage's environment: a 3-node MariaDB Galera cluster (n1,
# n2, n3) and two adminutil hosts (A and B), each with its own master,
# nginx in front of it and its own mail_dir, all in one temporary
# directory, all stopped by pid when the script exits, however it
# exits.
#
# Every node and every host runs in a network namespace of its own, on
# one bridge (10.77.0.0/24, addresses that exist only inside these
# namespaces), so a node killed, frozen or cut off is a host of its own
# that goes away.  Where namespaces cannot be made (no ip, or the kernel
# refuses), or CL_MODE=loopback asks for it, it all runs on 127.0.0.1
# with distinct ports; CL_MODE says which ran.
#
# Sourced by scripts/cluster; defines functions and the tree's paths.
# top_srcdir and top_builddir as in tests/e2e/lib-e2e.sh.  Nothing is
# written outside $CL_TMP but the namespaces, which are named after it.

top_srcdir=$(cd "${top_srcdir:-$(dirname "$0")/../..}" && pwd) || exit 99
top_builddir=$(cd "${top_builddir:-.}" && pwd) || exit 99
. "$top_srcdir/scripts/lib.sh"

CL_BIN=$top_builddir/adminutil
CL_DB=adminutil_cluster
CL_TMP=
CL_MODE=${CL_MODE:-}
CL_NETNS=
CL_NODES="1 2 3"
CL_HOSTS="A B"
CL_FAILED=0
CL_GAPS=0
CL_FIGURES=
CL_SPREAD=off
# on: both hosts use n0, one server without Galera (cl_single).
CL_ON_SINGLE=off
# The galera library Debian's galera-4 installs.
CL_GALERA=${CL_GALERA:-/usr/lib/galera/libgalera_smm.so}

# cl_fail MESSAGE: a hard error (exit 99); the logs follow on exit.
cl_fail() {
	echo "cluster: $*" >&2
	exit 99
}

# cl_ms: the wall clock in milliseconds.
cl_ms() {
	date +%s%3N
}

# cl_log MESSAGE: a line of the stage's output, with the time since start.
cl_log() {
	printf 'cluster: [%6.1f s] %s\n' \
	    "$(awk -v a="$CL_T0" -v b="$(cl_ms)" 'BEGIN { print (b - a) / 1000 }')" \
	    "$*"
}

# cl_check NAME OK [DETAIL]: one assertion; OK 0 fails the stage (at the
# end: what follows still runs, so one run reports every failure).
cl_check() {
	if [ "$2" -eq 1 ]; then
		echo "ok   - $1${3:+ ($3)}"
	else
		echo "FAIL - $1${3:+ ($3)}"
		CL_FAILED=$((CL_FAILED + 1))
	fi
}

# cl_gap NAME OK WHY [DETAIL]: an assertion adminutil does not meet yet,
# for WHY (whether it fails in a run depends on the timing): a failure
# is reported, and counted in the summary, without failing the stage.
# Once WHY is mended, it becomes a cl_check.
cl_gap() {
	if [ "$2" -eq 1 ]; then
		echo "ok   - $1${4:+ ($4)} (a known gap, not hit this time)"
	else
		echo "gap  - $1${4:+ ($4)}: $3"
		CL_GAPS=$((CL_GAPS + 1))
	fi
}

# cl_figure NAME VALUE: a measured figure, printed in the summary.
cl_figure() {
	CL_FIGURES="$CL_FIGURES$(printf '%-56s %s' "$1" "$2")
"
	echo "figure: $1: $2"
}

# cl_ours PID: true while PID runs something started here (its command
# line names $CL_TMP: mariadbd's, the SST's helpers', adminutil's,
# nginx's all do).  A pid reused by anything else is never signalled.
cl_ours() {
	[ -n "$1" ] && [ -n "$CL_TMP" ] && [ -r "/proc/$1/cmdline" ] &&
	    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$CL_TMP/"
}

# cl_launched PID: waits until the process just started in the
# background has exec'd what it runs (until then its command line is
# this shell's, and cl_ours would call it not ours); false if it is
# gone.  While it execs, or drops its privileges, its command line may
# read empty for a moment: whether it still runs is pid_alive's to say.
cl_launched() {
	wait_for "cl_ours $1 || ! pid_alive $1" 10
	# Through ip netns exec it execs twice (ip, then the program): a
	# read between the two is empty, so an alive one is asked again.
	cl_ours "$1" || { pid_alive "$1" && wait_for "cl_ours $1" 2; }
}

# cl_signal SIG PID: SIG to PID if it is ours.
cl_signal() {
	cl_ours "$2" && kill -"$1" "$2" 2>/dev/null
}

# cl_stop PID [SECONDS]: TERM, wait, KILL after SECONDS (default 30).
cl_stop() {
	cl_ours "$1" || return 0
	kill -CONT "$1" 2>/dev/null
	kill -TERM "$1" 2>/dev/null
	wait_for "! cl_ours $1" "${2:-30}" || cl_signal KILL "$1"
	wait_for "! cl_ours $1" 5
}

# cl_cleanup STATUS: the EXIT trap.  Stops the web servers, the
# adminutil masters and the nodes by pid, then what the nodes started
# (the SST's rsync or socat) that outlived them, removes the namespaces
# and the directory (kept with CL_KEEP=1).
cl_cleanup() {
	_rc=$1
	trap - EXIT
	trap "" INT TERM
	[ -n "$CL_TMP" ] || exit "$_rc"
	for _h in $CL_HOSTS; do
		cl_stop "$(cat "$CL_TMP/$_h/nginx.pid" 2>/dev/null)" 10
		cl_stop "$(cat "$CL_TMP/$_h/launch.pid" 2>/dev/null)" 15
	done
	for _i in $CL_NODES 0; do
		cl_stop "$(cat "$CL_TMP/n$_i/launch.pid" 2>/dev/null)" 30
	done
	for _c in /proc/[0-9]*/cmdline; do
		_p=${_c#/proc/}
		_p=${_p%/cmdline}
		[ "$_p" != $$ ] && cl_ours "$_p" && cl_signal KILL "$_p"
	done
	if [ "$_rc" -ne 0 ]; then
		for _h in $CL_HOSTS; do
			show_log "$CL_TMP/$_h/adminutil.log" 30
			show_log "$CL_TMP/$_h/nginx/logs/error.log" 10
		done
		for _i in $CL_NODES; do
			show_log "$CL_TMP/n$_i/error.log" 15
		done
	fi
	for _ns in $CL_NETNS; do
		ip netns del "$_ns" 2>/dev/null
	done
	if [ "${CL_KEEP:-0}" = 1 ]; then
		echo "cluster: kept $CL_TMP" >&2
	else
		rm -rf "$CL_TMP"
	fi
	exit "$_rc"
}

# cl_init: checks the programs, makes the directory, sets the traps and
# the network: namespaces on a bridge, or the loopback.
cl_init() {
	CL_T0=$(cl_ms)
	trap 'cl_cleanup $?' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	[ -x "$CL_BIN" ] || cl_fail "$CL_BIN is not built"
	for _p in mariadbd mariadb-install-db mariadb nginx curl openssl \
	    rsync socat wrk; do
		command -v "$_p" >/dev/null 2>&1 ||
		    cl_fail "$_p is not installed (scripts/cluster installs it)"
	done
	[ -r "$CL_GALERA" ] || cl_fail "no $CL_GALERA (package galera-4)"
	[ "$(id -u)" -eq 0 ] || cl_fail "the cluster stage needs root" \
	    "(mariadbd as mysql, adminutil as nobody, namespaces)"
	for _v in $(env | sed -n 's/^\(ADMINUTIL_[A-Za-z0-9_]*\)=.*/\1/p'); do
		unset "$_v"
	done
	CL_TMP=$(mktemp -d /tmp/cluster.XXXXXX) || cl_fail "mktemp failed"
	# mysql (the nodes) and nobody (adminutil) work in here.
	chgrp "$(id -gn nobody)" "$CL_TMP" && chmod 775 "$CL_TMP" ||
	    cl_fail "cannot share $CL_TMP"
	CL_TAG=au${CL_TMP##*.}
	if [ "${CL_MODE:-}" != loopback ] && cl_netns; then
		CL_MODE=netns
	else
		[ "${CL_MODE:-}" = loopback ] ||
		    echo "cluster: no network namespaces here: on the loopback" >&2
		CL_MODE=loopback
		for _ns in $CL_NETNS; do
			ip netns del "$_ns" 2>/dev/null
		done
		CL_NETNS=
	fi
	cl_log "mode $CL_MODE, directory $CL_TMP"
}

# cl_ns NAME: the namespace of n1..n3, A, B (empty on the loopback).
cl_ns() {
	[ "$CL_MODE" = netns ] && echo "$CL_TAG-$1"
}

# cl_in NAME COMMAND...: COMMAND in NAME's namespace.
cl_in() {
	_n=$1
	shift
	if [ "$CL_MODE" = netns ]; then
		ip netns exec "$CL_TAG-$_n" "$@"
	else
		"$@"
	fi
}

# cl_nsx NAME: the words that run a command in NAME's namespace, for a
# command started in the background: "cl_nsx NAME" unquoted before it
# (ip netns exec execs it: \$! is the command's pid; a function in the
# background would be a subshell's).
cl_nsx() {
	[ "$CL_MODE" != netns ] || echo "ip netns exec $CL_TAG-$1"
}

# cl_addr NAME: n1..n3 and A, B's address.
cl_addr() {
	if [ "$CL_MODE" != netns ]; then
		echo 127.0.0.1
		return
	fi
	case $1 in
	n*) echo "10.77.0.1${1#n}" ;;
	A) echo 10.77.0.101 ;;
	B) echo 10.77.0.102 ;;
	esac
}

# cl_netns: a bridge in a namespace of its own, and one namespace a
# node and a host joined to it by a veth pair.  False if any step fails.
cl_netns() {
	command -v ip >/dev/null 2>&1 || return 1
	ip netns add "$CL_TAG-br" 2>/dev/null || return 1
	CL_NETNS="$CL_TAG-br"
	ip -n "$CL_TAG-br" link set lo up &&
	ip -n "$CL_TAG-br" link add br0 type bridge &&
	ip -n "$CL_TAG-br" link set br0 up || return 1
	CL_MODE=netns
	for _n in n1 n2 n3 ${CL_SINGLE_NS:+n0} A B; do
		ip netns add "$CL_TAG-$_n" || return 1
		CL_NETNS="$CL_NETNS $CL_TAG-$_n"
		ip -n "$CL_TAG-$_n" link set lo up &&
		ip -n "$CL_TAG-$_n" link add eth0 type veth peer name \
		    "v-$_n" netns "$CL_TAG-br" &&
		ip -n "$CL_TAG-br" link set "v-$_n" master br0 &&
		ip -n "$CL_TAG-br" link set "v-$_n" up &&
		ip -n "$CL_TAG-$_n" addr add "$(cl_addr "$_n")/24" dev eth0 &&
		ip -n "$CL_TAG-$_n" link set eth0 up || return 1
	done
	# The bridge forwards at once (no listening, learning states).
	ip -n "$CL_TAG-br" link set br0 type bridge forward_delay 0 \
	    2>/dev/null
	cl_in A ping -c1 -W2 "$(cl_addr n1)" >/dev/null 2>&1 ||
	    wait_for "cl_in A ping -c1 -W1 $(cl_addr n1) >/dev/null 2>&1" 5
}

# ---- the nodes -----------------------------------------------------------

# cl_node_conf I: node I's my.cnf, its ports taken now.
cl_node_conf() {
	_d=$CL_TMP/n$1
	mkdir -p "$_d/data" "$_d/tmp"
	for _k in port gcomm ist sst; do
		_p=$(free_port) || cl_fail "no free TCP port"
		echo "$_p" >"$_d/$_k"
	done
	_a=$(cl_addr "n$1")
	cat >"$_d/my.cnf" <<EOF
[mariadbd]
user = mysql
datadir = $_d/data
socket = $_d/sock
pid-file = $_d/mariadbd.pid
log-error = $_d/error.log
tmpdir = $_d/tmp
port = $(cat "$_d/port")
bind-address = $_a
skip-name-resolve
max_connections = 300
innodb_buffer_pool_size = 64M
innodb_log_file_size = 32M
innodb_flush_log_at_trx_commit = 2
character-set-server = utf8mb4
collation-server = utf8mb4_bin
binlog_format = ROW
innodb_autoinc_lock_mode = 2
wsrep_on = ON
wsrep_provider = $CL_GALERA
wsrep_cluster_name = $CL_TAG
wsrep_cluster_address = @GCOMM@
wsrep_node_name = n$1
wsrep_node_address = $_a:$(cat "$_d/gcomm")
wsrep_node_incoming_address = $_a:$(cat "$_d/port")
wsrep_provider_options = "gmcast.listen_addr=tcp://$_a:$(cat "$_d/gcomm");ist.recv_addr=$_a:$(cat "$_d/ist");gcache.size=64M"
wsrep_sst_method = rsync
wsrep_sst_receive_address = $_a:$(cat "$_d/sst")
wsrep_slave_threads = 2
EOF
}

# cl_node_pid I: node I's mariadbd, if it runs.
cl_node_pid() {
	_p=$(cat "$CL_TMP/n$1/launch.pid" 2>/dev/null)
	cl_ours "$_p" && echo "$_p"
}

# cl_sql I SQL: SQL as root over node I's socket (tab-separated, no
# column names).
cl_sql() {
	mariadb --no-defaults -uroot -S "$CL_TMP/n$1/sock" -N -B \
	    --connect-timeout=5 -e "$2"
}

# cl_status I NAME: a wsrep status variable of node I (empty when it
# does not answer).
cl_status() {
	cl_sql "$1" "SHOW STATUS LIKE '$2'" 2>/dev/null | cut -f2
}

# cl_node_launch I [OPTION...]: mariadbd for node I in its namespace.
cl_node_launch() {
	_i=$1
	shift
	$(cl_nsx "n$_i") mariadbd --defaults-file="$CL_TMP/n$_i/my.cnf" "$@" \
	    </dev/null >>"$CL_TMP/n$_i/stdout.log" 2>&1 &
	echo $! >"$CL_TMP/n$_i/launch.pid"
	cl_launched $!
}

# cl_node_synced I SECONDS: waits until node I is Synced; false if it
# dies or the time runs out.
cl_node_synced() {
	_p=$(cat "$CL_TMP/n$1/launch.pid")
	wait_for "! pid_alive $_p ||
	    [ \"\$(cl_status $1 wsrep_local_state_comment)\" = Synced ]" "$2"
	pid_alive "$_p" &&
	    [ "$(cl_status "$1" wsrep_local_state_comment)" = Synced ]
}

# cl_cluster: n1 bootstraps a new cluster from an empty data directory,
# n2 and n3 join it with empty ones (state by SST).
cl_cluster() {
	_g=
	for _i in $CL_NODES; do
		cl_node_conf "$_i"
		_g="$_g${_g:+,}$(cl_addr "n$_i"):$(cat "$CL_TMP/n$_i/gcomm")"
	done
	for _i in $CL_NODES; do
		sed -i "s|@GCOMM@|gcomm://$_g|" "$CL_TMP/n$_i/my.cnf"
		chown -R mysql: "$CL_TMP/n$_i"
		chmod 750 "$CL_TMP/n$_i"
	done
	_t=$(cl_ms)
	mariadb-install-db --no-defaults --user=mysql \
	    --datadir="$CL_TMP/n1/data" --skip-test-db \
	    --auth-root-authentication-method=socket \
	    >"$CL_TMP/n1/install.log" 2>&1 ||
	    { cat "$CL_TMP/n1/install.log" >&2; cl_fail "mariadb-install-db"; }
	cl_node_launch 1 --wsrep-new-cluster
	cl_node_synced 1 60 || cl_fail "n1 did not bootstrap"
	cl_log "n1 bootstrapped in $(( $(cl_ms) - _t )) ms"
	cl_provision
	for _i in 2 3; do
		_t=$(cl_ms)
		cl_node_launch "$_i"
		cl_node_synced "$_i" 120 || cl_fail "n$_i did not join"
		cl_log "n$_i joined by SST in $(( $(cl_ms) - _t )) ms"
	done
	[ "$(cl_status 1 wsrep_cluster_size)" = 3 ] ||
	    cl_fail "the cluster is not 3 nodes"
}

# cl_provision [I]: the database and adminutil's user on node I (n1;
# from anywhere: the hosts are elsewhere), replicated to the nodes that
# join.  One password for all (db.pass).
cl_provision() {
	[ -s "$CL_TMP/db.pass" ] ||
	    (umask 077; openssl rand -hex 16 >"$CL_TMP/db.pass") ||
	    cl_fail "openssl rand"
	_pw=$(cat "$CL_TMP/db.pass")
	cl_sql "${1:-1}" "CREATE DATABASE $CL_DB CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER 'adminutil'@'%' IDENTIFIED BY '$_pw';
GRANT ALL ON $CL_DB.* TO 'adminutil'@'%';" || cl_fail "cannot provision"
}

# cl_single: n0, one MariaDB server without Galera, set up as the nodes
# are but for wsrep (bench/cluster's figures beside the cluster's), its
# database and user made.  Its namespace is made by cl_init when
# CL_SINGLE_NS is set.
cl_single() {
	cl_node_conf 0
	sed -i '/^wsrep/d' "$CL_TMP/n0/my.cnf"
	chown -R mysql: "$CL_TMP/n0"
	chmod 750 "$CL_TMP/n0"
	mariadb-install-db --no-defaults --user=mysql \
	    --datadir="$CL_TMP/n0/data" --skip-test-db \
	    --auth-root-authentication-method=socket \
	    >"$CL_TMP/n0/install.log" 2>&1 ||
	    { cat "$CL_TMP/n0/install.log" >&2; cl_fail "mariadb-install-db"; }
	cl_node_launch 0
	wait_for "cl_sql 0 'SELECT 1' >/dev/null 2>&1" 60 ||
	    cl_fail "n0 did not start"
	cl_provision 0
}

# cl_node_kill I: SIGKILL to node I.  cl_node_freeze, cl_node_thaw:
# SIGSTOP, SIGCONT.  cl_node_stop: TERM and wait.
cl_node_kill() {
	cl_signal KILL "$(cl_node_pid "$1")" &&
	    wait_for "[ -z \"\$(cl_node_pid $1)\" ]" 10
}
cl_node_freeze() {
	cl_signal STOP "$(cl_node_pid "$1")"
}
cl_node_thaw() {
	cl_signal CONT "$(cl_node_pid "$1")"
}
cl_node_stop() {
	cl_stop "$(cl_node_pid "$1")" 60
}

# cl_node_restart I [SECONDS]: starts node I again and waits until it is
# Synced.  After a kill -9 its grastate.dat says seqno -1: its position
# is first recovered (--wsrep-recover) and given as
# --wsrep-start-position, so that it rejoins by IST, not a whole SST.
# CL_JOINED says which it was (IST or SST, from its log).
cl_node_restart() {
	_i=$1
	_d=$CL_TMP/n$_i
	[ -z "$(cl_node_pid "$_i")" ] || cl_fail "n$_i runs already"
	_pos=
	if [ "$(awk '/^seqno:/ { print $2 }' "$_d/data/grastate.dat" \
	    2>/dev/null)" = -1 ]; then
		rm -f "$_d/recover.log"
		cl_in "n$_i" mariadbd --defaults-file="$_d/my.cnf" \
		    --wsrep-recover --log-error="$_d/recover.log" \
		    </dev/null >/dev/null 2>&1
		_pos=$(sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' \
		    "$_d/recover.log" | tail -n 1)
	fi
	_lines=$(wc -l <"$_d/error.log")
	cl_node_launch "$_i" ${_pos:+--wsrep-start-position="$_pos"}
	cl_node_synced "$_i" "${2:-120}" || return 1
	if tail -n +"$_lines" "$_d/error.log" |
	    grep -q 'IST received\|Receiving IST'; then
		CL_JOINED=IST
	else
		CL_JOINED=SST
	fi
}

# ---- the hosts -----------------------------------------------------------

# cl_db_conf HOST: the database settings of HOST, the one place that
# says which nodes a host uses.  Both list the nodes in one order, n1
# n2 n3 (db_hosts), so both write to n1 while it is up; the gateway's
# reads go to the nearest node first (db_read_hosts): A's n1, B's n2.
# With CL_SPREAD=on (cl_spread), B lists n2 first for its writes too.
cl_db_conf() {
	_w="1 2 3"
	if [ "$CL_ON_SINGLE" = on ]; then
		echo "db_hosts = $(cl_node_list 0)"
		echo "db_read_hosts = $(cl_node_list 0)"
		return
	fi
	case $1 in
	A) _r="1 2 3" ;;
	B) _r="2 1 3"; [ "$CL_SPREAD" = on ] && _w="2 1 3" ;;
	esac
	echo "db_hosts = $(cl_node_list $_w)"
	echo "db_read_hosts = $(cl_node_list $_r)"
}

# cl_node_list I...: "address:port" of each node I, comma-separated.
cl_node_list() {
	_l=
	for _li in "$@"; do
		_l="$_l${_l:+,}$(cl_addr "n$_li"):$(cat "$CL_TMP/n$_li/port")"
	done
	echo "$_l"
}

# cl_host_conf HOST: HOST's adminutil configuration.
cl_host_conf() {
	_d=$CL_TMP/$1
	cat >"$_d/adminutil.conf" <<EOF
user = nobody
socket_owner = root:www-data
listen = unix:$_d/adminutil.sock
workers = 4
auth_listen = unix:$_d/auth.sock
auth_workers = 2
db_lock_wait_timeout = 2
db_connect_timeout = 2
db_rw_timeout = 10
peer_timeout = 3
pid_file = $_d/adminutil.pid
log_level = info
max_body = 64k
$(cl_db_conf "$1")
db_user = adminutil
db_password_file = $CL_TMP/db.pass
db_name = $CL_DB
schema_dir = $top_srcdir/schema
acl_file = $CL_TMP/sunbird.acl
cache_ttl = 60
seal_key_file = $CL_TMP/seal.key
admin_read_groups = adminutilReader
portal_approvers = approver
portal_max_credentials = 2
portal_generations_per_hour = 100000
notify_approvers = approvals@example.test
mail_dir = $_d/mail
sandbox = kill
EOF
}

# cl_ports HOST: HOST's nginx ports, taken now: admin, gateway, demo API,
# portal.
cl_ports() {
	_d=$CL_TMP/$1
	for _k in admin gw demo portal; do
		_p=$(free_port) || cl_fail "no free TCP port"
		echo "$_p" >"$_d/$_k.port"
	done
}

# cl_port HOST KIND: a port cl_ports took.
cl_port() {
	cat "$CL_TMP/$1/$2.port"
}

# cl_nginx_conf HOST: conf/nginx.conf pointed at HOST's sockets, ports
# and files.
cl_nginx_conf() {
	_d=$CL_TMP/$1
	{
		sed -e "s|server unix:@runstatedir@/adminutil/auth\.sock;|server unix:$_d/auth.sock;|" \
		    -e "s|server unix:@runstatedir@/adminutil/adminutil\.sock;|server unix:$_d/adminutil.sock;|" \
		    -e "s|listen 127\.0\.0\.1:4000;|listen 127.0.0.1:$(cl_port "$1" admin);|" \
		    -e "s|listen 127\.0\.0\.1:8080;|listen 127.0.0.1:$(cl_port "$1" gw);|" \
		    -e "s|listen 127\.0\.0\.1:8081;|listen 127.0.0.1:$(cl_port "$1" demo);|" \
		    -e "s|server 127\.0\.0\.1:8081;|server 127.0.0.1:$(cl_port "$1" demo);|" \
		    -e "s|listen 127\.0\.0\.1:4080;|listen 127.0.0.1:$(cl_port "$1" portal);|" \
		    -e "s|root @pkgdatadir@/portal;|root $CL_TMP/portal;|" \
		    -e "s|auth_basic_user_file @sysconfdir@/nginx/adminutil-portal.htpasswd;|auth_basic_user_file $CL_TMP/portal.htpasswd;|" \
		    "$top_srcdir/conf/nginx.conf.in"
	} >"$_d/nginx/nginx.conf"
	for _want in "user www-data;" "server unix:$_d/auth.sock;" \
	    "server unix:$_d/adminutil.sock;" \
	    "listen 127.0.0.1:$(cl_port "$1" gw);" \
	    "listen 127.0.0.1:$(cl_port "$1" portal);" \
	    "auth_basic_user_file $CL_TMP/portal.htpasswd;"; do
		grep -qF "$_want" "$_d/nginx/nginx.conf" ||
		    cl_fail "conf/nginx.conf changed: no \"$_want\""
	done
}

# cl_portal_users: the portal's people ("user password" lines in
# portal.passwords, their hashes in portal.htpasswd).
cl_portal_users() {
	(umask 077; : >"$CL_TMP/portal.passwords")
	: >"$CL_TMP/portal.htpasswd"
	for _u in developer approver developer2; do
		_p=$(openssl rand -hex 12) &&
		echo "$_u $_p" >>"$CL_TMP/portal.passwords" &&
		echo "$_u:$(openssl passwd -6 "$_p")" \
		    >>"$CL_TMP/portal.htpasswd" || cl_fail "portal users"
	done
	chgrp www-data "$CL_TMP/portal.htpasswd" &&
	    chmod 640 "$CL_TMP/portal.htpasswd" || cl_fail "portal users"
}

# cl_host_start HOST: HOST's adminutil master and nginx in its namespace;
# waits until its /health answers 200 through nginx.
cl_host_start() {
	_d=$CL_TMP/$1
	$(cl_nsx "$1") "$CL_BIN" -c "$_d/adminutil.conf" \
	    </dev/null >>"$_d/adminutil.log" 2>&1 &
	echo $! >"$_d/launch.pid"
	_p=$!
	cl_launched "$_p" || cl_fail "adminutil ($1) did not start"
	wait_for "{ [ -S '$_d/adminutil.sock' ] && [ -s '$_d/adminutil.pid' ]; } ||
	    ! pid_alive $_p" 20
	pid_alive "$_p" && [ -S "$_d/adminutil.sock" ] ||
	    cl_fail "adminutil ($1) did not start"
	if ! cl_ours "$(cat "$_d/nginx.pid" 2>/dev/null)"; then
		$(cl_nsx "$1") nginx -p "$_d/nginx/" -c "$_d/nginx/nginx.conf" \
		    -e "$_d/nginx/logs/error.log" -g "daemon off;" \
		    </dev/null >>"$_d/nginx.out" 2>&1 &
		echo $! >"$_d/nginx.pid"
		cl_launched $! || cl_fail "nginx ($1) did not start"
	fi
	wait_for "[ \"\$(cl_curl $1 admin /health -o /dev/null \
	    -w '%{http_code}')\" = 200 ]" 20 ||
	    cl_fail "host $1 does not answer /health"
}

# cl_host_stop HOST: its adminutil master (nginx stays).
cl_host_stop() {
	cl_stop "$(cat "$CL_TMP/$1/launch.pid" 2>/dev/null)" 15
}

# cl_health_node HOST: the node HOST's /health names (its "host",
# address:port as configured; empty when none).
cl_health_node() {
	cl_curl "$1" admin /health | sed -n \
	    's/.*"node": *{ *"host": *"\([^"]*\)".*/\1/p'
}

# cl_spread on|off: on, host B writes to n2 first (its db_hosts n2 n1
# n3) while A writes to n1: the races of two admin changes then meet on
# two nodes, where certification decides them, and not in one node's
# locks.  off: both write to n1, as shipped.  B's configuration is
# written again and its master reloaded (SIGHUP: new workers); waits
# until eight /health answers in a row name the node B now writes to.
cl_spread() {
	[ "$CL_SPREAD" != "$1" ] || return 0
	CL_SPREAD=$1
	cl_host_conf B
	cl_signal HUP "$(cat "$CL_TMP/B/launch.pid")" ||
	    cl_fail "cannot reload host B"
	_w=$(cl_node_list 1)
	[ "$1" = off ] || _w=$(cl_node_list 2)
	wait_for "cl_same_node B $_w 8" 20 ||
	    cl_fail "host B does not write to $_w after its reload"
	cl_log "host B writes to $_w (spread $1)"
}

# cl_same_node HOST NODE N: N /health answers of HOST in a row name NODE.
cl_same_node() {
	_k=0
	while [ "$_k" -lt "$3" ]; do
		[ "$(cl_health_node "$1")" = "$2" ] || return 1
		_k=$((_k + 1))
	done
}

# cl_hosts: both hosts, the schema applied once (through A), the admin
# the tests act as bootstrapped, its token in admin.token.
cl_hosts() {
	"$CL_BIN" --seal-keygen "$CL_TMP/seal.key" >/dev/null ||
	    cl_fail "adminutil --seal-keygen failed"
	# Its rates taken out: these tests flood one API for minutes, on
	# a cluster, and its 5000/h is not what they test.
	sed -E 's#(\t([0-9]+/[smhd]|by=[a-z]+))+##' \
	    "$top_srcdir/conf/acl/sunbird.acl" >"$CL_TMP/sunbird.acl" &&
	    awk -F '\t' '{ for (i = 3; i <= NF; i++)
		if ($i ~ /^([0-9]+\/[smhd]|by=)/) exit 1 }' \
	    "$CL_TMP/sunbird.acl" ||
	    cl_fail "cannot copy the ACL without its rates"
	chgrp "$(id -gn nobody)" "$CL_TMP/db.pass" "$CL_TMP/seal.key" &&
	    chmod 640 "$CL_TMP/db.pass" "$CL_TMP/seal.key" ||
	    cl_fail "cannot share the secrets' files"
	cl_portal_users
	cp -R "$top_srcdir/portal" "$CL_TMP/portal" &&
	    chmod -R a+rX "$CL_TMP/portal" || cl_fail "cannot copy the portal"
	for _h in $CL_HOSTS; do
		mkdir -p "$CL_TMP/$_h/nginx/logs" "$CL_TMP/$_h/nginx/tmp" \
		    "$CL_TMP/$_h/mail"
		chgrp -R "$(id -gn nobody)" "$CL_TMP/$_h" &&
		    chmod 775 "$CL_TMP/$_h" "$CL_TMP/$_h/mail" ||
		    cl_fail "cannot make $CL_TMP/$_h"
		cl_host_conf "$_h"
		cl_ports "$_h"
		cl_nginx_conf "$_h"
	done
	cl_admin_new
	for _h in $CL_HOSTS; do
		cl_host_start "$_h"
	done
	cl_log "hosts A and B answer (both write to n1; A reads n1, B n2)"
}

# cl_admin_new: the schema applied (through A) to the database A's
# configuration names, the admin the tests act as bootstrapped there,
# its token in admin.token.
cl_admin_new() {
	cl_in A "$CL_BIN" -c "$CL_TMP/A/adminutil.conf" --migrate \
	    >>"$CL_TMP/A/adminutil.log" 2>&1 ||
	    cl_fail "adminutil --migrate failed"
	(umask 077
	cl_in A "$CL_BIN" -c "$CL_TMP/A/adminutil.conf" \
	    --bootstrap-admin cluster-admin >"$CL_TMP/admin.creds" \
	    2>>"$CL_TMP/A/adminutil.log" &&
	_key=$(sed -n 's/^key=//p' "$CL_TMP/admin.creds") &&
	cl_in A "$CL_BIN" -c "$CL_TMP/A/adminutil.conf" --mint-token "$_key" \
	    --ttl 14400 >"$CL_TMP/admin.token" 2>>"$CL_TMP/A/adminutil.log") ||
	    cl_fail "cannot bootstrap the admin or mint its token"
}

# cl_to_single: both hosts moved to n0 (cl_single), its schema and
# admin made (a new admin.token), both masters reloaded; waits until
# eight /health answers in a row of each name n0.
cl_to_single() {
	CL_ON_SINGLE=on
	for _h in $CL_HOSTS; do
		cl_host_conf "$_h"
	done
	cl_admin_new
	for _h in $CL_HOSTS; do
		cl_signal HUP "$(cat "$CL_TMP/$_h/launch.pid")" ||
		    cl_fail "cannot reload host $_h"
	done
	for _h in $CL_HOSTS; do
		wait_for "cl_same_node $_h $(cl_node_list 0) 8" 20 ||
		    cl_fail "host $_h does not use n0 after its reload"
	done
	cl_log "hosts A and B on n0, one server"
}

# ---- what the tests use --------------------------------------------------

# cl_curl HOST KIND PATH [curl options]: curl in HOST's namespace to its
# nginx (KIND admin, gw or portal); the body on stdout.
cl_curl() {
	_h=$1
	_u=http://127.0.0.1:$(cl_port "$1" "$2")$3
	shift 3
	cl_in "$_h" curl -sS --max-time 10 "$@" "$_u"
}

# cl_admin HOST PATH BODY [curl options]: an admin call through HOST as
# the bootstrapped admin; the answer's body, its HTTP status on the
# last line.
cl_admin() {
	_h=$1
	_p=$2
	_b=$3
	shift 3
	cl_curl "$_h" admin "$_p" -X POST -w '\n%{http_code}' \
	    -H "Content-Type: application/json" \
	    -H "Authorization: Bearer $(cat "$CL_TMP/admin.token")" \
	    -d "$_b" "$@"
}

# cl_code ANSWER: the status line cl_admin put last.
cl_code() {
	printf '%s\n' "$1" | tail -n 1
}

# cl_field ANSWER NAME: a string member of the answer (hex keys,
# secrets, names: no escapes in them).
cl_field() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p" |
	    head -n 1
}

# cl_consumer HOST NAME GROUP: a consumer made through HOST in GROUP;
# "KEY SECRET" on stdout.
cl_consumer() {
	_a=$(cl_admin "$1" /v1/consumer/create \
	    "{\"request\":{\"username\":\"$2\"}}") &&
	[ "$(cl_code "$_a")" = 200 ] &&
	[ "$(cl_code "$(cl_admin "$1" "/v1/consumer/$2/grant" \
	    "{\"request\":{\"groups\":[\"$3\"]}}")")" = 200 ] || return 1
	echo "$(cl_field "$_a" key) $(cl_field "$_a" secret)"
}

# cl_b64url: base64url of stdin, no padding.
cl_b64url() {
	openssl base64 -A | tr '+/' '-_' | tr -d '='
}

# cl_token KEY SECRET: an HS256 token {iss: KEY, iat: now}.
cl_token() {
	_h=$(printf '{"alg":"HS256","typ":"JWT"}' | cl_b64url)
	_q=$(printf '{"iss":"%s","iat":%s}' "$1" "$(date +%s)" | cl_b64url)
	_s=$(printf '%s.%s' "$_h" "$_q" |
	    openssl dgst -sha256 -hmac "$2" -binary | cl_b64url)
	echo "$_h.$_q.$_s"
}

# cl_gw HOST TOKEN: the gateway's status for TOKEN on the demo API.
cl_gw() {
	cl_curl "$1" gw /content/v1/flag/accept -o /dev/null \
	    -w '%{http_code}' -H "Authorization: Bearer $2"
}

# cl_bootstrap NAME: an admin made by the operator's command through A
# (n1), known to n2 before it returns; "KEY SECRET" on stdout.
cl_bootstrap() {
	_o=$(cl_in A "$CL_BIN" -c "$CL_TMP/A/adminutil.conf" \
	    --bootstrap-admin "$1" 2>>"$CL_TMP/A/adminutil.log") || return 1
	_k=$(printf '%s\n' "$_o" | sed -n 's/^key=//p')
	_s=$(printf '%s\n' "$_o" | sed -n 's/^secret=//p')
	[ -n "$_k" ] && [ -n "$_s" ] || return 1
	cl_known 2 "$_k" || return 1
	echo "$_k $_s"
}

# cl_known I KEY: waits until node I has the credential KEY (a commit on
# another node is applied here a moment later).
cl_known() {
	wait_for "[ \"\$(cl_sql $1 \"SELECT COUNT(*) FROM $CL_DB.credentials
	    WHERE \\\`key\\\` = '$2'\")\" = 1 ]" 5
}

# cl_together CMD1 CMD2 BODY [BODY2]: runs the two shell commands, each
# a request whose body it reads from its stdin (cl_post), and sends them
# BODY (CMD2 BODY2, if given) at the same moment, once both have connected and sent their
# headers: the two requests reach adminutil within a millisecond or
# so.  Their output in $CL_TMP/together.1 and .2.
cl_together() {
	rm -f "$CL_TMP/body.1" "$CL_TMP/body.2"
	mkfifo "$CL_TMP/body.1" "$CL_TMP/body.2" || return 1
	# Held open for writing here: the commands' opens do not wait.
	exec 7<>"$CL_TMP/body.1" 8<>"$CL_TMP/body.2"
	(exec 7>&- 8>&-; eval "$1") <"$CL_TMP/body.1" \
	    >"$CL_TMP/together.1" 2>&1 &
	_p1=$!
	(exec 7>&- 8>&-; eval "$2") <"$CL_TMP/body.2" \
	    >"$CL_TMP/together.2" 2>&1 &
	_p2=$!
	sleep 0.15
	printf '%s' "$3" >&7
	printf '%s' "${4:-$3}" >&8
	exec 7>&- 8>&-
	wait "$_p1" "$_p2"
}

# cl_post HOST PATH TOKEN: an admin call through HOST, its body read from
# stdin (sent as it comes); its HTTP status on stdout.
cl_post() {
	cl_curl "$1" admin "$2" -X POST -T - -o /dev/null -w '%{http_code}' \
	    -H 'Expect:' -H 'Content-Type: application/json' \
	    -H "Authorization: Bearer $3"
}

# cl_conflicts: the conflicts Galera has seen on n1 and n2 so far (a
# transaction that failed certification, or that a replicated write
# aborted): a race's rise of it says its trials did overlap.
cl_conflicts() {
	_c=0
	for _i in 1 2; do
		for _v in wsrep_local_cert_failures wsrep_local_bf_aborts; do
			_c=$((_c + $(cl_status "$_i" "$_v")))
		done
	done
	echo "$_c"
}

# cl_whole_after T FILE [MS]: in a loop's lines "ms code name took",
# how long after T the answers were 200 again for good (the first 200
# after the last other answer, or, given MS, the last that took longer
# than MS): "N ms", "none refused" or "not again".
cl_whole_after() {
	awk -v t="$1" -v slow="${3:-0}" '
	    $1 > t && ($2 != 200 || (slow > 0 && $4 > slow)) {
		last = $1; back = ""; next }
	    $1 > t && $2 == 200 && last != "" && back == "" { back = $1 - t }
	    END { print (last == "" ? "none refused" :
	    (back == "" ? "not again" : back " ms")) }' "$2"
}

# cl_metric HOST NAME: the value of NAME on HOST's /metrics (a name
# with its labels, as printed: adminutil_db_node_workers{node="1"});
# 0 when it is not there.
cl_metric() {
	cl_curl "$1" admin /metrics | awk -v n="$2" '$1 == n { v = $2 }
	    END { print v + 0 }'
}

# cl_later_workers HOST: HOST's workers connected to a node that is not
# the first of their list.
cl_later_workers() {
	cl_curl "$1" admin /metrics | awk '
	    /^adminutil_db_node_workers\{/ && !/node="0"/ { n += $2 }
	    END { print n + 0 }'
}

# cl_poll_lua: $CL_TMP/poll.lua, wrk's script for cl_poll_start.  Once
# a poll answers 200 it writes FILE.ok, at the first other answer after
# that FILE.no (wall clock in ms, read with clock_gettime through
# LuaJIT's FFI); it waits 10 ms between an answer and the next request.
# At the end it prints "poll FIRST_OK FIRST_REFUSED OK_AFTER POLLS
# MAXGAP": 200s after the first refusal, and the longest time in ms
# between two answers.
cl_poll_lua() {
	[ -f "$CL_TMP/poll.lua" ] && return 0
	cat >"$CL_TMP/poll.lua" <<'LUA'
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long sec; long nsec; } cl_ts;
int clock_gettime(int, cl_ts *);
]]
local ts = ffi.new("cl_ts")
local function now()
	ffi.C.clock_gettime(0, ts)
	return tonumber(ts.sec) * 1000 + math.floor(tonumber(ts.nsec) / 1e6)
end
local threads = {}
function setup(thread)
	table.insert(threads, thread)
end
function init(args)
	file = args[1]
	ok, no, after, polls, last, gap = 0, 0, 0, 0, 0, 0
end
function delay()
	return 10
end
local function mark(suffix, t)
	local f = io.open(file .. suffix, "w")
	if f then
		f:write(t, "\n")
		f:close()
	end
end
function response(status)
	local t = now()
	polls = polls + 1
	if last > 0 and t - last > gap then
		gap = t - last
	end
	last = t
	if status == 200 then
		if ok == 0 then
			ok = t
			mark(".ok", t)
		elseif no > 0 then
			after = after + 1
		end
	elseif ok > 0 and no == 0 then
		no = t
		mark(".no", t)
	end
end
function done()
	for _, t in ipairs(threads) do
		io.write(string.format("poll %d %d %d %d %d\n", t:get("ok"),
		    t:get("no"), t:get("after"), t:get("polls"), t:get("gap")))
	end
end
LUA
}

# cl_poll_start HOST TOKEN NAME: polls HOST's gateway with TOKEN (the
# demo API, one URI: nginx's pass cache as shipped) in the background,
# by wrk and cl_poll_lua, files $CL_TMP/poll.NAME.*; its pid in
# CL_POLL_PID.
cl_poll_start() {
	cl_poll_lua
	rm -f "$CL_TMP/poll.$3".*
	$(cl_nsx "$1") wrk -t1 -c1 -d600s --timeout 5s -s "$CL_TMP/poll.lua" \
	    -H "Authorization: Bearer $2" \
	    "http://127.0.0.1:$(cl_port "$1" gw)/content/v1/flag/accept" \
	    -- "$CL_TMP/poll.$3" >"$CL_TMP/poll.$3.out" 2>&1 &
	CL_POLL_PID=$!
	cl_launched "$CL_POLL_PID"
}

# cl_poll_stop PID: stops a poller (in this shell: its parent waits).
cl_poll_stop() {
	cl_signal INT "$1"
	wait "$1"
}

# cl_poll_result NAME: a stopped poller's "poll ..." line (above)
# without the word, or "0 0 0 0 0".
cl_poll_result() {
	awk '$1 == "poll" { print $2, $3, $4, $5, $6; f = 1 }
	    END { if (!f) print "0 0 0 0 0" }' "$CL_TMP/poll.$1.out"
}

# cl_change HOST KIND NAME KEY: a change through HOST that must stop
# KEY's token (of NAME, granted contentAdmin) from passing: revoke (the
# credential), groups (contentAdmin taken away: 403), delete, rotate
# (a new secret, no grace).  Its HTTP status on stdout.
cl_change() {
	case $2 in
	revoke) _p=/v1/consumer/$3/credential/$4/revoke _b='{"request":{}}' ;;
	groups) _p=/v1/consumer/$3/revoke
		_b='{"request":{"groups":["contentAdmin"]}}' ;;
	delete) _p=/v1/consumer/$3/delete _b='{"request":{}}' ;;
	rotate) _p=/v1/consumer/$3/credential/$4/rotate
		_b='{"request":{"grace_seconds":0}}' ;;
	esac
	cl_code "$(cl_admin "$1" "$_p" "$_b")"
}

# cl_bound FROM TO N TAG: N changes (revoke, groups, delete, rotate in
# turn) of N consumers made through host FROM, each observed through
# host TO's gateway by a poller that saw the token pass first.  A line
# per change in $CL_TMP/bound.TAG: "kind ms ok_after polls maxgap",
# ms from the moment the change's request was sent to the first
# refusal (-1: none within 5 s), ok_after the 200s in the 300 ms of
# polls after it.  False if a consumer cannot be made or a change is
# not answered 200.
cl_bound() {
	: >"$CL_TMP/bound.$4"
	_bi=0
	while [ "$_bi" -lt "$3" ]; do
		_bi=$((_bi + 1))
		_bkv=$(cl_consumer "$1" "bound-$4-$_bi" contentAdmin) || return 1
		echo "$_bkv" >"$CL_TMP/bound.$4.$_bi"
	done
	_bi=0
	while [ "$_bi" -lt "$3" ]; do
		_bi=$((_bi + 1))
		_bkv=$(cat "$CL_TMP/bound.$4.$_bi")
		case $((_bi % 4)) in
		1) _bk=revoke ;;
		2) _bk=groups ;;
		3) _bk=delete ;;
		0) _bk=rotate ;;
		esac
		cl_poll_start "$2" "$(cl_token ${_bkv% *} ${_bkv#* })" "b$_bi"
		_bp=$CL_POLL_PID
		wait_for "[ -e '$CL_TMP/poll.b$_bi.ok' ]" 10 || {
			cl_poll_stop "$_bp"
			return 1
		}
		_bt=$(cl_ms)
		_bc=$(cl_change "$1" "$_bk" "bound-$4-$_bi" "${_bkv% *}")
		[ "$_bc" = 200 ] || {
			cl_poll_stop "$_bp"
			return 1
		}
		wait_for "[ -e '$CL_TMP/poll.b$_bi.no' ]" 5
		sleep 0.3
		cl_poll_stop "$_bp"
		read -r _bok _bno _bafter _bpolls _bgap <<EOF
$(cl_poll_result "b$_bi")
EOF
		echo "$_bk $([ "$_bno" -gt 0 ] && echo $((_bno - _bt)) ||
		    echo -1) $_bafter $_bpolls $_bgap" >>"$CL_TMP/bound.$4"
	done
}

# cl_bound_stats FILE: "p50 p99 max" of the ms column of cl_bound's
# lines (nearest rank); a change never seen (-1) counts as 999999.
cl_bound_stats() {
	awk '{ print ($2 < 0 ? 999999 : $2) }' "$1" | sort -n |
	    awk '{ v[NR] = $1 }
	    END { if (NR == 0) { print "0 0 0"; exit }
	    i50 = int(NR * 0.5 + 0.999); i99 = int(NR * 0.99 + 0.999)
	    print v[i50], v[i99], v[NR] }'
}

# cl_portal HOST USER PATH [curl options]: a portal call as USER through
# HOST's portal server; the answer's body, its status on the last line.
cl_portal() {
	_h=$1
	_u=$2
	_p=$3
	shift 3
	cl_curl "$_h" portal "$_p" -X POST -w '\n%{http_code}' \
	    -u "$_u:$(awk -v u="$_u" '$1 == u { print $2 }' \
	    "$CL_TMP/portal.passwords")" \
	    -H 'Content-Type: application/json' "$@"
}

# cl_portal_post HOST USER PATH: cl_post's portal twin, the body from
# stdin; its HTTP status on stdout.
cl_portal_post() {
	cl_curl "$1" portal "$3" -X POST -T - -o /dev/null -w '%{http_code}' \
	    -u "$2:$(awk -v u="$2" '$1 == u { print $2 }' \
	    "$CL_TMP/portal.passwords")" \
	    -H 'Expect:' -H 'Content-Type: application/json'
}

# cl_summary: the figures measured, then the verdict; exit 1 when a
# check failed.
cl_summary() {
	# A sanitizer's report in a host's log is a failure, even when every
	# request got its answer (a build of scripts/test --sanitize).
	for _h in $CL_HOSTS; do
		if grep -qsE 'Sanitizer|runtime error:' \
		    "$CL_TMP/$_h/adminutil.log"; then
			cl_check "no sanitizer report in host $_h's log" 0
		else
			cl_check "no sanitizer report in host $_h's log" 1
		fi
	done
	echo
	echo "cluster: figures ($CL_MODE mode)"
	printf '%s' "$CL_FIGURES"
	[ "$CL_GAPS" -eq 0 ] ||
	    echo "cluster: $CL_GAPS known gap(s) hit (gap lines above)"
	if [ "$CL_FAILED" -ne 0 ]; then
		echo "cluster: $CL_FAILED check(s) FAILED"
		exit 1
	fi
	echo "cluster: every check passed"
}
