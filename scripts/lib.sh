# SPDX-License-Identifier: ISC
# Shell functions shared by scripts/run, scripts/test, the end-to-end
# tests and the benchmarks.  Source it; it defines functions only.

# The Debian packages the project needs to build, test and run.
ADMINUTIL_PACKAGES="build-essential autoconf autoconf-archive automake libtool
pkg-config libfcgi-dev libjson-c-dev libmariadb-dev libssl-dev libunistring-dev
libsystemd-dev libseccomp-dev libcunit1-dev libcurl4-openssl-dev libyaml-dev
mariadb-server mariadb-client nginx lighttpd spawn-fcgi curl openssl chromium
chromium-driver python3-selenium python3-jwcrypto python3-authlib
python3-requests python3-jwt python3-cryptography python3-yaml nodejs node-jose"

# Subsets: what building needs, and what scripts/run adds to run it.
ADMINUTIL_BUILD_PACKAGES="build-essential autoconf autoconf-archive automake
libtool pkg-config libfcgi-dev libjson-c-dev libmariadb-dev libssl-dev
libunistring-dev libcurl4-openssl-dev libsystemd-dev libseccomp-dev
libyaml-dev"
ADMINUTIL_RUN_PACKAGES="mariadb-server mariadb-client nginx curl openssl"

# need_packages PKG...: installs those that are missing (apt-get update
# first, once).
need_packages() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "installing:$missing" >&2
	if [ "$(id -u)" -ne 0 ]; then
		SUDO=sudo
	else
		SUDO=
	fi
	$SUDO apt-get update -qq &&
	    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	    --no-install-recommends $missing >/dev/null
}

# wait_for TEST SECONDS: polls the shell test until true; 1 on timeout.
wait_for() {
	_n=$(( $2 * 10 ))
	while [ "$_n" -gt 0 ]; do
		eval "$1" && return 0
		sleep 0.1
		_n=$(( _n - 1 ))
	done
	return 1
}

# mariadb_user: the OS user a private MariaDB runs as: as root,
# Debian's mysql (made by the mariadb-server package, which provides
# mariadbd; it owns none of adminutil's files, and the server parses
# what its clients send, so it must not be root); else the caller.
mariadb_user() {
	if [ "$(id -u)" -eq 0 ]; then
		echo mysql
	else
		id -un
	fi
}

# mariadb_start DIR [SOCKET]: a private MariaDB with its data in
# DIR/data, its socket SOCKET (default DIR/mysql.sock), no TCP (with
# MARIADB_PORT set: that port of 127.0.0.1 too), run as
# mariadb_user.  DIR, and every path above it, must be open to that
# user.  Initialises DIR on first use.  Sets MARIADB_SOCK and
# MARIADB_PID.  Its temporary files go to DIR/tmp: a starting server
# deletes every #sql* file in its tmpdir, so servers sharing /tmp break
# each other's start-up.
mariadb_start() {
	_d=$1
	mkdir -p "$_d/tmp"
	_d=$(cd "$_d" && pwd)
	_user=$(mariadb_user)
	# DIR is the server's, also what an earlier run made as root.
	if [ "$(id -u)" -eq 0 ]; then
		id -u "$_user" >/dev/null 2>&1 || {
			echo "MariaDB: no user $_user (the mariadb-server package makes it)" >&2
			return 1
		}
		chown -R "$_user:" "$_d" || return 1
	fi
	# Its socket is in here: no other user may enter, but the group
	# MARIADB_CLIENT_GROUP when set (adminutil's, when root starts it).
	chmod 700 "$_d"
	if [ -n "${MARIADB_CLIENT_GROUP:-}" ]; then
		chgrp "$MARIADB_CLIENT_GROUP" "$_d" && chmod 710 "$_d" ||
		    return 1
	fi
	MARIADB_SOCK=${2:-$_d/mysql.sock}
	_net=--skip-networking
	[ -z "${MARIADB_PORT:-}" ] ||
	    _net="--port=$MARIADB_PORT --bind-address=127.0.0.1"
	if [ ! -d "$_d/data/mysql" ]; then
		mariadb-install-db --no-defaults --user="$_user" \
		    --datadir="$_d/data" --auth-root-authentication-method=socket \
		    --skip-test-db --tmpdir="$_d/tmp" >"$_d/install.log" 2>&1 || {
			cat "$_d/install.log" >&2
			return 1
		}
	fi
	mariadbd --no-defaults --user="$_user" --datadir="$_d/data" \
	    --socket="$MARIADB_SOCK" --tmpdir="$_d/tmp" \
	    $_net \
	    --pid-file="$_d/mariadb.pid" --log-error="$_d/mariadb.err" \
	    --innodb-buffer-pool-size=64M --innodb-log-file-size=32M \
	    --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
	    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
	    </dev/null >/dev/null 2>&1 &
	MARIADB_PID=$!
	# Stop waiting as soon as it answers, or dies.
	if ! wait_for "! pid_alive $MARIADB_PID || mariadb-admin --no-defaults \
	    -uroot -S '$MARIADB_SOCK' ping >/dev/null 2>&1" 60 ||
	    ! pid_alive "$MARIADB_PID"; then
		echo "MariaDB did not start; its log:" >&2
		tail -n 30 "$_d/mariadb.err" >&2
		return 1
	fi
	# root only for the OS user that runs it (unix_socket), also in a
	# data directory made before this rule.
	mariadb_sql "ALTER USER IF EXISTS 'root'@'localhost' IDENTIFIED VIA
	    unix_socket" >/dev/null 2>&1 || :
	mariadb_sql "SELECT host FROM mysql.user WHERE user = 'root' AND
	    host <> 'localhost'" 2>/dev/null | while read -r _h; do
		mariadb_sql "DROP USER IF EXISTS 'root'@'$_h'" || :
	done
}

# mariadb_stop: stops the server mariadb_start started.
mariadb_stop() {
	[ -n "${MARIADB_PID:-}" ] || return 0
	kill "$MARIADB_PID" 2>/dev/null
	wait_for "! kill -0 $MARIADB_PID 2>/dev/null" 30 ||
	    kill -9 "$MARIADB_PID" 2>/dev/null
	MARIADB_PID=
}

# mariadb_sql SQL: runs SQL as root over the private socket.
mariadb_sql() {
	mariadb --no-defaults -uroot -S "$MARIADB_SOCK" -N -B -e "$1"
}

# mariadb_provision DB USER PASSFILE: makes the database and a user
# whose password is in PASSFILE (generated when the file is missing).
mariadb_provision() {
	if [ ! -s "$3" ]; then
		(umask 077; openssl rand -hex 16 >"$3")
	fi
	_pw=$(cat "$3")
	mariadb_sql "CREATE DATABASE IF NOT EXISTS \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS '$2'@'localhost' IDENTIFIED BY '$_pw';
ALTER USER '$2'@'localhost' IDENTIFIED BY '$_pw';
GRANT ALL ON \`$1\`.* TO '$2'@'localhost';"
}

# stop_pidfile FILE [SECONDS]: TERM the process in FILE and wait for it.
stop_pidfile() {
	[ -s "$1" ] || return 0
	_p=$(cat "$1")
	kill "$_p" 2>/dev/null || return 0
	wait_for "! pid_alive $_p" "${2:-30}" || kill -9 "$_p" 2>/dev/null
	rm -f "$1"
}

# pid_alive PID: true while PID runs (a zombie counts as gone: it may
# wait for a parent that never reaps it).
pid_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	[ -r "/proc/$1/stat" ] || return 0
	! sed -e 's/^.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^Z'
}

# pidfile_pid FILE [NAME]: prints the pid in FILE and is true if that
# process is alive (and, given NAME, its command name is NAME: a pid
# reused by something else after a crash does not count).
pidfile_pid() {
	[ -s "$1" ] || return 1
	_p=$(tr -dc 0-9 <"$1")
	[ -n "$_p" ] && pid_alive "$_p" || return 1
	if [ -n "${2:-}" ] && [ -r "/proc/$_p/comm" ]; then
		[ "$(cat "/proc/$_p/comm")" = "$2" ] || return 1
	fi
	echo "$_p"
}

# mariadb_attach DIR [SOCKET]: if the server mariadb_start started on
# DIR still runs and answers, sets MARIADB_SOCK and MARIADB_PID as
# mariadb_start does; false otherwise.
mariadb_attach() {
	_d=$(cd "$1" 2>/dev/null && pwd) || return 1
	_s=${2:-$_d/mysql.sock}
	_p=$(pidfile_pid "$_d/mariadb.pid" mariadbd) || return 1
	mariadb-admin --no-defaults -uroot -S "$_s" ping \
	    >/dev/null 2>&1 || return 1
	MARIADB_SOCK=$_s
	MARIADB_PID=$_p
}

# show_log FILE [LINES]: the tail of FILE on stderr, under its name.
show_log() {
	[ -s "$1" ] || return 0
	echo "---- last ${2:-30} lines of $1 ----" >&2
	tail -n "${2:-30}" "$1" >&2
	echo "----" >&2
}

# stop_pid PID [SECONDS]: TERM PID and wait for it to go; KILL it after
# SECONDS (default 30).  Nothing when PID is empty or already gone.
stop_pid() {
	[ -n "${1:-}" ] || return 0
	kill "$1" 2>/dev/null || return 0
	wait_for "! pid_alive $1" "${2:-30}" || kill -9 "$1" 2>/dev/null
}

# free_port: prints a random TCP port (20000..59999) that no socket uses
# at the moment, as /proc/net/tcp and tcp6 tell; false after 100 tries.
# Another process may take it before the caller binds: retry on EADDRINUSE.
free_port() {
	_n=100
	while [ "$_n" -gt 0 ]; do
		_p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 ))
		if ! awk -v h="$(printf ':%04X' "$_p")" 'FNR > 1 &&
		    substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' \
		    /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
			echo "$_p"
			return 0
		fi
		_n=$(( _n - 1 ))
	done
	return 1
}

# proc_below PID...: each PID that runs and every process below it, a
# pid a line (from each process's parent in /proc/*/stat).
proc_below() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v roots="$*" '
	BEGIN {
		n = split(roots, r, " ")
		for (i = 1; i <= n; i++)
			tree[r[i]] = 1
	}
	# "pid (comm) state ppid ...": comm may hold blanks and ")".
	{
		pid = $1
		sub(/^.*\) /, "")
		split($0, f, " ")
		parent[pid] = f[2]
	}
	END {
		do {
			more = 0
			for (p in parent)
				if (!(p in tree) && (parent[p] in tree)) {
					tree[p] = 1
					more = 1
				}
		} while (more)
		for (p in tree)
			if (p in parent)
				print p
	}'
}

# no_root [+]PID...: lists each PID and every process below it with
# its real, effective and saved uids, and is false when one of them has
# uid 0 among those, or a PID does not run.  +PID: that process itself
# may be root, not what runs below it (nginx's master: it binds, opens
# its logs and starts the workers, which alone read requests).
no_root() {
	_rc=0
	_roots=
	_may=" "
	for _a in "$@"; do
		_p=${_a#+}
		[ "$_p" = "$_a" ] || _may="$_may$_p "
		pid_alive "$_p" ||
		    { echo "no_root: pid $_p does not run" >&2; _rc=1; }
		_roots="$_roots $_p"
	done
	for _p in $(proc_below $_roots | sort -n); do
		_u=$(awk '$1 == "Uid:" { print $2, $3, $4 }' \
		    "/proc/$_p/status" 2>/dev/null)
		[ -n "$_u" ] || continue
		# Its command line's head: "nginx: worker process", options.
		_c=$(tr '\0' ' ' <"/proc/$_p/cmdline" 2>/dev/null |
		    cut -c1-60 | sed -e 's/ *$//')
		printf '%8s  %-9s uid %-18s %s\n' "$_p" \
		    "$(id -nu "${_u%% *}" 2>/dev/null)" "$_u" "$_c"
		case " $_u ",$_may in
		*" 0 "*,*" $_p "*) ;;
		*" 0 "*,*)
			echo "no_root: pid $_p ($_c) runs as root" >&2
			_rc=1 ;;
		esac
	done
	return "$_rc"
}
