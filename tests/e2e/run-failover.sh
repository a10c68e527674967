#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end, db_hosts: two private MariaDB servers on loopback ports
# (plain servers, no replication: the second gets a copy of the first),
# adminutil with db_hosts naming both, the first first, behind nginx
# (tests/e2e/lib-e2e.sh).  The first is stopped (SIGSTOP, then SIGKILL):
# admin writes fail for a bounded time and then land on the second,
# gateway checks that read the database go on; it comes back: the
# workers return to it.  Then db_hosts begins with a port where nothing
# listens: everything works through the second.  Prints what it
# measured; fails on a bound missed.

. "$(dirname "$0")/lib-e2e.sh"

FO_DB1_PID=
FO_DB2_PID=
FO_FAILED=0
# A write may wait this long while the first node hangs: the statement's
# db_rw_timeout (3 s below), the connect to the next, a rerun.
FO_WRITE_BOUND=10
# Workers go back to the first within the probe interval (2 s, 8 s at
# most after probes that waited for the hung node) of it answering.
FO_RETURN_BOUND=15

fo_cleanup() {
	_frc=$1
	[ "$_frc" -ne 0 ] || [ "$FO_FAILED" -eq 0 ] || _frc=1
	[ -z "$FO_DB1_PID" ] || kill -CONT "$FO_DB1_PID" 2>/dev/null
	stop_pid "$E2E_WEB_PID" 10
	E2E_WEB_PID=
	stop_pid "$E2E_AU_PID" 10
	E2E_AU_PID=
	stop_pid "$FO_DB1_PID" 30
	stop_pid "$FO_DB2_PID" 30
	[ "$_frc" -eq 0 ] || [ -z "$E2E_TMP" ] || show_log "$E2E_TMP/db1/mariadb.err" 20
	MARIADB_PID=
	e2e_cleanup "$_frc"
}

fail() {
	echo "failover: FAIL: $*" >&2
	FO_FAILED=1
}

ok() {
	echo "failover: ok: $*"
}

# fo_db N: private MariaDB number N on a free loopback port (FO_PORTn).
fo_db() {
	for _t in 1 2 3; do
		MARIADB_PORT=$(free_port) || e2e_fail "no free TCP port"
		if mariadb_start "$E2E_TMP/db$1"; then
			eval "FO_DB$1_PID=\$MARIADB_PID FO_SOCK$1=\$MARIADB_SOCK"
			eval "FO_PORT$1=\$MARIADB_PORT"
			return 0
		fi
		grep -qs 'in use' "$E2E_TMP/db$1/mariadb.err" || break
	done
	e2e_fail "MariaDB $1 did not start"
}

# sock N: the socket of server N.
sock() {
	if [ "$1" = 1 ]; then echo "$FO_SOCK1"; else echo "$FO_SOCK2"; fi
}

# sql N SQL: as root on server N.
sql() {
	_s=$(sock "$1")
	mariadb --no-defaults -uroot -S "$_s" -N -B -e "$2" "$E2E_DB"
}

# fo_user N: the service's user, also over TCP from 127.0.0.1.
fo_user() {
	_s=$(sock "$1")
	_pw=$(cat "$E2E_TMP/db.pass")
	MARIADB_SOCK=$_s mariadb_provision "$E2E_DB" adminutil \
	    "$E2E_TMP/db.pass" &&
	MARIADB_SOCK=$_s mariadb_sql "CREATE USER IF NOT EXISTS
	    'adminutil'@'127.0.0.1' IDENTIFIED BY '$_pw';
	    GRANT ALL ON \`$E2E_DB\`.* TO 'adminutil'@'127.0.0.1'" ||
	    e2e_fail "cannot provision MariaDB $1"
}

# now_ms: milliseconds of the wall clock.
now_ms() {
	date +%s%3N
}

# create NAME [MAX_TIME]: POST consumer/create; prints the HTTP status.
create() {
	curl -s -o "$E2E_TMP/create.out" -w '%{http_code}' \
	    --max-time "${2:-30}" -X POST \
	    -H "Authorization: Bearer $(cat "$E2E_TMP/admin.token")" \
	    -H 'Content-Type: application/json' \
	    --data "{\"request\":{\"username\":\"$1\"}}" \
	    "$E2E_URL/v1/consumer/create"
}

# check TOKEN: a gateway call through nginx; prints status and seconds.
check() {
	curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 \
	    -H "Authorization: Bearer $1" "$E2E_GW_URL/content/v1/flag/accept"
}

# has N NAME: 1 if server N has consumer NAME, else 0.
has() {
	sql "$1" "SELECT COUNT(*) FROM consumers WHERE username = '$2'"
}

# health: the admin pool's /health body.
health() {
	curl -s --max-time 10 "$E2E_URL/health"
}

# on_node INDEX: true if /health says node INDEX is in use.
on_node() {
	health | grep -q "\"index\": *$1[,}]"
}

e2e_init nginx
trap 'fo_cleanup $?' EXIT
fo_db 1
fo_db 2
MARIADB_PORT=
(umask 077; openssl rand -hex 16 >"$E2E_TMP/db.pass")
fo_user 1
fo_user 2
"$E2E_BIN" --seal-keygen "$E2E_TMP/seal.key" >/dev/null ||
    e2e_fail "adminutil --seal-keygen failed"
cp "$top_srcdir/conf/acl/sunbird.acl" "$E2E_TMP/sunbird.acl" ||
    e2e_fail "cannot copy the ACL"
e2e_share "$E2E_TMP/db.pass" "$E2E_TMP/seal.key"

# fo_conf HOSTS: au.conf with db_hosts = HOSTS and short timeouts.
fo_conf() {
	e2e_conf au "$E2E_TMP/unused.sock" 4
	cat >>"$E2E_TMP/au.conf" <<EOF
db_hosts = $1
db_connect_timeout = 2
db_rw_timeout = 3
default_group = contentAdmin
EOF
}
fo_conf "127.0.0.1:$FO_PORT1,127.0.0.1:$FO_PORT2"
e2e_conf down "$E2E_TMP/no-such-db.sock" 2
"$E2E_BIN" -c "$E2E_TMP/au.conf" -t >>"$E2E_TMP/au.log" 2>&1 ||
    e2e_fail "adminutil -t refused the configuration"
"$E2E_BIN" -c "$E2E_TMP/au.conf" --migrate >>"$E2E_TMP/au.log" 2>&1 ||
    e2e_fail "adminutil --migrate failed"
e2e_admin
e2e_adminutil au E2E_AU_PID
e2e_adminutil down E2E_DOWN_PID
e2e_nginx

# Consumers whose tokens each reach the database once (a worker's cache
# has not seen them): the gateway's reads.
N=0
while [ "$N" -lt 30 ]; do
	N=$((N + 1))
	[ "$(create "fo-reader-$N")" = 200 ] ||
	    e2e_fail "cannot create fo-reader-$N: $(cat "$E2E_TMP/create.out")"
	_key=$(sed -n 's/.*"key": *"\([0-9a-f]*\)".*/\1/p' "$E2E_TMP/create.out")
	"$E2E_BIN" -c "$E2E_TMP/au.conf" --mint-token "$_key" --ttl 3600 \
	    >"$E2E_TMP/token.$N" 2>>"$E2E_TMP/au.log" ||
	    e2e_fail "cannot mint a token of fo-reader-$N"
done
# The second server: a copy of the first, as a cluster's node would be.
mariadb-dump --no-defaults -uroot -S "$FO_SOCK1" --single-transaction \
    "$E2E_DB" >"$E2E_TMP/copy.sql" &&
    mariadb --no-defaults -uroot -S "$FO_SOCK2" "$E2E_DB" \
    <"$E2E_TMP/copy.sql" || e2e_fail "cannot copy the database"
T=0	# the next token
next_token() {
	T=$((T + 1))
	cat "$E2E_TMP/token.$T"
}

# 1. Both up: the first is used, a write lands there.
health | grep -q "\"host\": *\"127.0.0.1:$FO_PORT1\"" &&
    on_node 0 && health | grep -q '"wsrep_local_state": *"none"' &&
    health | grep -q '"first": *true' &&
    ok "/health names the first node, 127.0.0.1:$FO_PORT1, state none" ||
    fail "/health does not name the first node: $(health)"
[ "$(create fo-one)" = 200 ] && [ "$(has 1 fo-one)" = 1 ] &&
    [ "$(has 2 fo-one)" = 0 ] && ok "a write lands on the first" ||
    fail "a write did not land on the first: $(cat "$E2E_TMP/create.out")"
r=$(check "$(next_token)")
[ "${r% *}" = 200 ] && ok "a gateway check passes (${r#* } s)" ||
    fail "a gateway check got ${r% *}"

# 2. The first hangs (SIGSTOP): writes go to the second within a bound.
kill -STOP "$FO_DB1_PID"
t0=$(now_ms)
_code=$(create fo-two 30)
t1=$(now_ms)
w=$((t1 - t0))
echo "failover: measured: the first write after SIGSTOP: HTTP $_code in $w ms"
if [ "$_code" != 200 ]; then
	# One 503 is allowed; the next must land.
	_code=$(create fo-two 30)
	t1=$(now_ms)
	w=$((t1 - t0))
	echo "failover: measured: then HTTP $_code, $w ms after SIGSTOP"
fi
[ "$_code" = 200 ] && [ "$w" -le $((FO_WRITE_BOUND * 1000)) ] &&
    [ "$(has 2 fo-two)" = 1 ] &&
    ok "with the first stopped, a write lands on the second in $w ms" ||
    fail "no write on the second within ${FO_WRITE_BOUND} s (HTTP $_code, $w ms)"
# Writes after it: on the second, at once.
t0=$(now_ms)
_code=$(create fo-three 30)
w=$(($(now_ms) - t0))
[ "$_code" = 200 ] && [ "$(has 2 fo-three)" = 1 ] && [ "$w" -le 1500 ] &&
    ok "the next write lands on the second in $w ms" ||
    fail "the next write: HTTP $_code in $w ms"
# Gateway checks that read the database: every one passes.
pass=0 slow=0 max=0 i=0
while [ "$i" -lt 10 ]; do
	i=$((i + 1))
	r=$(check "$(next_token)")
	[ "${r% *}" = 200 ] && pass=$((pass + 1))
	ms=$(echo "${r#* }" | awk '{ printf "%d", $1 * 1000 }')
	[ "$ms" -le "$max" ] || max=$ms
	[ "$ms" -le 1000 ] || slow=$((slow + 1))
done
echo "failover: measured: 10 gateway checks of new keys with the first" \
    "stopped: $pass passed, $slow over 1 s, the slowest $max ms"
[ "$pass" = 10 ] && [ "$max" -le 3000 ] &&
    ok "gateway reads go on with the first stopped" ||
    fail "gateway reads with the first stopped: $pass of 10, slowest $max ms"
health | grep -q "\"host\": *\"127.0.0.1:$FO_PORT2\"" &&
    health | grep -q '"first": *false' &&
    ok "/health names the second node" ||
    fail "/health does not name the second: $(health)"
curl -s "$E2E_URL/metrics" | grep -E '^adminutil_db_(failovers_total|node_workers)' |
    sed 's/^/failover: metrics: /'
_moves=$(curl -s "$E2E_URL/metrics" |
    sed -n 's/^adminutil_db_failovers_total //p')
[ "${_moves:-0}" -ge 1 ] && ok "/metrics counts $_moves failovers" ||
    fail "/metrics counts no failover"
[ "$(grep -c 'now on node 1' "$E2E_TMP/au.log")" -le 6 ] &&
    ok "a move is logged once per worker" ||
    fail "a move was logged more often than once per worker"

# 3. The first is killed, then started again: the workers return.
kill -KILL "$FO_DB1_PID"
wait_for "! pid_alive $FO_DB1_PID" 10
[ "$(create fo-four 30)" = 200 ] && [ "$(has 2 fo-four)" = 1 ] &&
    ok "with the first killed, writes land on the second" ||
    fail "with the first killed: $(cat "$E2E_TMP/create.out")"
MARIADB_PORT=$FO_PORT1
mariadb_start "$E2E_TMP/db1" || e2e_fail "MariaDB 1 did not start again"
FO_DB1_PID=$MARIADB_PID
MARIADB_PORT=
t0=$(now_ms)
# Requests, so that workers run statements (a worker asks the first
# again before a statement, not on its own), until none is left on the
# second.
back=
while [ $(($(now_ms) - t0)) -le $((FO_RETURN_BOUND * 1000)) ]; do
	health >/dev/null
	check "$(cat "$E2E_TMP/token.$((T % 30 + 1))")" >/dev/null
	T=$((T + 1))
	curl -s "$E2E_URL/metrics" >"$E2E_TMP/metrics.out"
	if ! grep -q '^adminutil_db_node_workers{node="1"}' \
	    "$E2E_TMP/metrics.out" && grep -q \
	    '^adminutil_db_node_workers{node="0"}' "$E2E_TMP/metrics.out"; then
		back=$(($(now_ms) - t0))
		break
	fi
	sleep 0.2
done
echo "failover: measured: every worker back on the first ${back:-never} ms" \
    "after it answered again"
[ -n "$back" ] && ok "the workers return to the first" ||
    fail "workers still on the second after ${FO_RETURN_BOUND} s:" \
    "$(curl -s "$E2E_URL/metrics" | grep db_node)"
[ "$(create fo-five)" = 200 ] && [ "$(has 1 fo-five)" = 1 ] &&
    [ "$(has 2 fo-five)" = 0 ] && ok "writes land on the first again" ||
    fail "a write after the return: $(cat "$E2E_TMP/create.out")"

# 4. db_hosts begins with a port where nothing listens (a reload).
dead=$(free_port) || e2e_fail "no free TCP port"
fo_conf "127.0.0.1:$dead,127.0.0.1:$FO_PORT2"
kill -HUP "$E2E_AU_PID"
wait_for "health | grep -q '\"host\": *\"127.0.0.1:$FO_PORT2\"'" 15 ||
    fail "after the reload, /health never names the second: $(health)"
t0=$(now_ms)
_code=$(create fo-six)
w=$(($(now_ms) - t0))
[ "$_code" = 200 ] && [ "$(has 2 fo-six)" = 1 ] &&
    ok "with nothing at the first port, a write lands on the second ($w ms)" ||
    fail "with nothing at the first port: HTTP $_code"
pass=0 i=0
while [ "$i" -lt 5 ]; do
	i=$((i + 1))
	r=$(check "$(cat "$E2E_TMP/token.$((25 + i))")")
	[ "${r% *}" = 200 ] && pass=$((pass + 1))
done
[ "$pass" = 5 ] && ok "gateway checks pass through the second" ||
    fail "gateway checks through the second: $pass of 5"
exit "$FO_FAILED"
