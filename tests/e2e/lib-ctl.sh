# SPDX-License-Identifier: ISC
# What the runners of adminutil-ctl (run-ctl.sh, run-state.sh,
# run-kong.sh) share on top of tests/e2e/lib-e2e.sh, which this sources:
# the program and jq checked, adminutil behind nginx, a private
# directory that is also HOME, and the count of the checks.
#
# Sourced; defines functions and CTL.

. "$(dirname "$0")/lib-e2e.sh"

CTL=$top_builddir/adminutil-ctl

# ctl_need: a hard error (exit 99) unless adminutil-ctl is built and jq
# is installed.
ctl_need() {
	[ -x "$CTL" ] || e2e_fail "$CTL is not built"
	command -v jq >/dev/null 2>&1 || e2e_fail "jq is not installed"
}

# ctl_start NAME: MariaDB, adminutil and nginx started; T=$E2E_TMP/NAME
# made (0700) with T/home as HOME, so that no configuration of the user
# running the tests is read; ADMIN_TOKEN the admin's token; no check
# counted yet.
ctl_start() {
	e2e_backend
	e2e_nginx
	T=$E2E_TMP/$1
	mkdir -p "$T/home" && chmod 700 "$T" || e2e_fail "cannot make $T"
	HOME=$T/home
	XDG_CONFIG_HOME=
	export HOME XDG_CONFIG_HOME
	ADMIN_TOKEN=$(cat "$E2E_TMP/admin.token")
	checks=0
	fails=0
}

pass() {
	checks=$((checks + 1))
}

# fail MESSAGE: a check failed; says which, with the start of the last
# output ($T/out) and errors ($T/err).
fail() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL: $*"
	for _f in "$T/out" "$T/err"; do
		[ -s "$_f" ] && sed "s|^|  ${_f##*/}: |" "$_f" | head -c 2000
	done
	echo
}

# ctl_done NAME: the count; the run's status is 0 when every check
# passed.
ctl_done() {
	echo "$1: $checks checks, $fails failed"
	[ "$fails" -eq 0 ]
}
