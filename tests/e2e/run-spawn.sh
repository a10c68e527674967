#!/bin/sh
# SPDX-License-Identifier: ISC
# The spawn-fcgi recipe of docs/install.md with its modes: the
# configuration 0640 root:GROUP in a directory 0750 root:GROUP, where
# GROUP is the service user's.  spawn-fcgi, as root, makes the socket
# (0660, group www-data) and starts adminutil as root; adminutil opens
# the gateway's socket (socket_owner) and drops to its user: both
# sockets are the web server's group's, the processes the user's, and
# a reload (SIGHUP) reads the configuration again as that user.
# Then the recipe that drops the user's group (spawn-fcgi -u USER -g
# www-data): adminutil cannot read its configuration, spawn-fcgi only
# says "child exited with: 1" and stderr is /dev/null, so the reason
# must reach syslog: a /dev/log of the test's, in a mount namespace of
# its own, receives it.  Needs root (users, a mount namespace), nobody,
# www-data, spawn-fcgi, unshare and python3; without one it says so and
# is skipped (77).  No database: adminutil starts without one.

top_srcdir=$(cd "${top_srcdir:-$(dirname "$0")/../..}" && pwd) || exit 99
top_builddir=$(cd "${top_builddir:-.}" && pwd) || exit 99
. "$top_srcdir/scripts/lib.sh"
BIN=$top_builddir/adminutil

skip() {
	echo "run-spawn.sh: skipped: $*"
	exit 77
}
fail() {
	echo "run-spawn.sh: FAIL: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root"
for p in spawn-fcgi unshare python3; do
	command -v "$p" >/dev/null 2>&1 || skip "$p is not installed"
done
id nobody >/dev/null 2>&1 && getent group www-data >/dev/null ||
    skip "no user nobody or group www-data"
SVC=nobody
GROUP=$(id -gn nobody)

T=$(mktemp -d /tmp/spawn.XXXXXX) || exit 99
[ -n "$T" ] && [ -d "$T" ] || exit 99
PID=
LPID=
cleanup() {
	stop_pid "$PID" 10
	stop_pid "$LPID" 5
	rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T"
# The binary where the service's user may run it: a build directory can
# be behind a directory only root enters (mktemp -d makes them 0700), and
# spawn-fcgi -u would then fail the exec (13), not adminutil its reading.
install -m 0755 "$BIN" "$T/adminutil" || exit 99
BIN=$T/adminutil
install -d -m 0750 -o root -g "$GROUP" "$T/etc" ||
    fail "cannot make the configuration's directory"
{
	echo "user = $SVC"
	echo "socket_owner = $SVC:www-data"
	echo "auth_listen = unix:$T/auth.sock"
	echo "workers = 1"
	echo "auth_workers = 1"
	echo "db_socket = $T/no-such-db.sock"
	echo "db_connect_timeout = 1"
	echo "acl_default = authenticated"
	echo "log_target = stderr"
} >"$T/etc/adminutil.conf" &&
    chown "root:$GROUP" "$T/etc/adminutil.conf" &&
    chmod 0640 "$T/etc/adminutil.conf" || fail "cannot write the configuration"

# The recipe.
spawn-fcgi -s "$T/adminutil.sock" -M 0660 -U "$SVC" -G www-data \
    -P "$T/spawn.pid" -- "$BIN" -c "$T/etc/adminutil.conf" \
    >"$T/spawn.out" 2>&1 || { cat "$T/spawn.out"; fail "spawn-fcgi failed"; }
PID=$(cat "$T/spawn.pid")
wait_for "[ -S '$T/auth.sock' ]" 10 ||
    fail "adminutil did not open the gateway's socket"
for s in adminutil.sock auth.sock; do
	m=$(stat -c '%a %G' "$T/$s")
	[ "$m" = "660 www-data" ] || fail "$s is $m, want 660 www-data"
done
u=$(ps -o user=,group= -p "$PID" | awk '{ print $1 " " $2 }')
[ "$u" = "$SVC $GROUP" ] || fail "the master runs as $u, want $SVC $GROUP"
# A reload reads the file again, as the user: it must still run after.
kill -HUP "$PID"
sleep 1
pid_alive "$PID" || fail "adminutil died on SIGHUP"
stop_pid "$PID" 10
PID=
echo "run-spawn.sh: the recipe: both sockets 0660 www-data, adminutil $u, reloaded"

# The recipe that drops the group, its reason caught by our /dev/log.
mkdir "$T/dev" || exit 99
for d in null zero urandom random; do
	: >"$T/dev/$d" || exit 99
done
python3 - "$T/dev/log" "$T/syslog" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)	# as /dev/log: anyone may write
s.settimeout(15)
with open(sys.argv[2], "ab", buffering=0) as f:
    try:
        while True:
            f.write(s.recv(4096) + b"\n")
    except socket.timeout:
        pass
PY
LPID=$!
wait_for "[ -S '$T/dev/log' ]" 5 || fail "the syslog listener did not start"
# In a mount namespace of its own (private: nothing is seen outside),
# /dev is ours: the same devices, and our /dev/log.
unshare -m --propagation private sh -c '
	for d in null zero urandom random; do
		mount --bind "/dev/$d" "$1/dev/$d" || exit 1
	done
	mount --rbind "$1/dev" /dev || exit 1
	exec spawn-fcgi -s "$1/b.sock" -M 0660 -u "$2" -g www-data -- \
	    "$3" -c "$1/etc/adminutil.conf"' sh "$T" "$SVC" "$BIN" \
    >"$T/broken.out" 2>&1
# spawn-fcgi says "child exited with: 1" when the child is that quick,
# "spawned successfully" otherwise: the log must say why either way.
wait_for "grep -aq 'adminutil.conf: Permission denied' '$T/syslog'" 5 || {
	cat "$T/broken.out" "$T/syslog" 2>/dev/null
	fail "the reason (Permission denied) did not reach syslog"
}
echo "run-spawn.sh: without the group: refused; syslog: $(grep -a 'Permission denied' "$T/syslog" | head -n 1)"
