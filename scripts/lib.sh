# Shell functions shared by scripts/run, scripts/test, the end-to-end
# tests and the benchmarks.  Source it; it defines functions only.

# The Debian packages the project needs to build, test and run.
ADMINUTIL_PACKAGES="build-essential autoconf autoconf-archive automake libtool
pkg-config libfcgi-dev libjson-c-dev libmariadb-dev libssl-dev libcunit1-dev
libcurl4-openssl-dev mariadb-server mariadb-client nginx lighttpd spawn-fcgi
curl"

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

# mariadb_start DIR: a private MariaDB with its data in DIR/data, its
# socket DIR/mysql.sock, no TCP.  Initialises DIR on first use.  Sets
# MARIADB_SOCK and MARIADB_PID.
mariadb_start() {
	_d=$1
	mkdir -p "$_d"
	_d=$(cd "$_d" && pwd)
	MARIADB_SOCK=$_d/mysql.sock
	_user=$(id -un)
	if [ ! -d "$_d/data/mysql" ]; then
		mariadb-install-db --no-defaults --user="$_user" \
		    --datadir="$_d/data" --auth-root-authentication-method=normal \
		    --skip-test-db >"$_d/install.log" 2>&1 || {
			cat "$_d/install.log" >&2
			return 1
		}
	fi
	mariadbd --no-defaults --user="$_user" --datadir="$_d/data" \
	    --socket="$MARIADB_SOCK" --skip-networking \
	    --pid-file="$_d/mariadb.pid" --log-error="$_d/mariadb.err" \
	    --innodb-buffer-pool-size=64M --innodb-log-file-size=32M \
	    --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
	    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
	    </dev/null >/dev/null 2>&1 &
	MARIADB_PID=$!
	if ! wait_for "mariadb-admin --no-defaults -uroot -S '$MARIADB_SOCK' \
	    ping >/dev/null 2>&1" 60; then
		echo "MariaDB did not start; its log:" >&2
		tail -n 30 "$_d/mariadb.err" >&2
		return 1
	fi
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
	wait_for "! kill -0 $_p 2>/dev/null" "${2:-30}" || kill -9 "$_p" 2>/dev/null
	rm -f "$1"
}
