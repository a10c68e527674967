#!/bin/sh
# SPDX-License-Identifier: ISC
# adminutil-ctl import against a Kong 0.14 Admin API served by
# tests/e2e/kong.py (2,500 consumers made with a fixed seed, its old-DAO
# lists in a new order at every request) and against adminutil behind
# nginx (tests/e2e/lib-ctl.sh): a dry run writes nothing and reports
# the fixture's counts; --apply imports them, one audit row a consumer,
# and a token PyJWT mints for every imported credential passes the
# gateway; the same import again, from the pages saved by curl in a
# directory and from decK 1.1 and 3.0 files, changes nothing and writes
# no audit row; bad input to each command is refused, named, with a
# non-zero exit; no fixture secret is in any output.

. "$(dirname "$0")/lib-ctl.sh"

KONG=$top_srcdir/tests/e2e/kong.py
# Debian's python3 has PyJWT (python3-jwt) and python3-cryptography.
PY=/usr/bin/python3
KONG_PID=
CAP_PID=

e2e_init nginx
# The fixtures are stopped with the rest, however the script exits.
trap '_krc=$?; stop_pid "$KONG_PID" 5; stop_pid "$CAP_PID" 5
e2e_cleanup $_krc' EXIT
ctl_need
for _m in jwt cryptography yaml; do
	"$PY" -c "import $_m" 2>/dev/null ||
	    e2e_fail "python3 module $_m is not installed (scripts/lib.sh:" \
	    "need_packages \$ADMINUTIL_PACKAGES)"
done
ctl_start kong
mkdir -p "$T/pages" || e2e_fail "cannot make $T/pages"

# ctl RC NAME ARG...: adminutil-ctl ARG..., its output kept as
# $T/NAME.out and .err (every one is searched for secrets at the end),
# also in $T/out and $T/err; its exit status must be RC.
ctl() {
	_want=$1
	_name=$2
	shift 2
	"$CTL" "$@" >"$T/$_name.out" 2>"$T/$_name.err" </dev/null
	_rc=$?
	cp "$T/$_name.out" "$T/out"
	cp "$T/$_name.err" "$T/err"
	if [ "$_rc" -eq "$_want" ]; then pass; else
		fail "adminutil-ctl $* exited $_rc, not $_want"; fi
}

has() {
	if grep -qF -- "$2" "$T/$1"; then pass; else
		fail "$1 lacks \"$2\""; fi
}

# json FILTER WANT: jq's reading of $T/out is WANT.
json() {
	_got=$(jq -c "$1" "$T/out" 2>&1)
	if [ "$_got" = "$2" ]; then pass; else
		fail "jq '$1' gives $_got, not $2"; fi
}

# counts: the report in $T/out holds the counts the fixture expects.
counts() {
	if "$PY" "$KONG" report "$T/truth.json" "$T/out"; then pass; else
		fail "the report's counts are not the fixture's"; fi
}

audit_count() {
	mariadb_sql "SELECT COUNT(*) FROM $E2E_DB.audit_log"
}
consumer_count() {
	mariadb_sql "SELECT COUNT(*) FROM $E2E_DB.consumers"
}

# same NAME A B: A = B.
same() {
	if [ "$2" = "$3" ]; then pass; else fail "$1: $2, not $3"; fi
}

# The importer's operator: writing secrets needs state_groups.
curl -sS -o "$T/op.json" -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'Content-Type: application/json' \
    --data-binary '{"request":{"username":"kong-op"}}' \
    "$E2E_URL/v1/consumer/create" || e2e_fail "cannot make kong-op"
OP_KEY=$(jq -r .result.key "$T/op.json")
rm -f "$T/op.json"
curl -sS -o /dev/null -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'Content-Type: application/json' --data-binary \
    '{"request":{"groups":["adminutilAdmin","adminutilState"]}}' \
    "$E2E_URL/v1/consumer/kong-op/grant" || e2e_fail "cannot grant kong-op"
(umask 077 && "$E2E_BIN" -c "$E2E_TMP/au.conf" --mint-token "$OP_KEY" \
    --ttl 7200 >"$T/op.token" 2>>"$E2E_TMP/au.log") ||
    e2e_fail "cannot mint kong-op's token"
ADMINUTIL_URL=$E2E_URL
ADMINUTIL_TOKEN_FILE=$T/op.token
export ADMINUTIL_URL ADMINUTIL_TOKEN_FILE

"$PY" "$KONG" gen "$T/data.json" "$T/truth.json" ||
    e2e_fail "kong.py gen failed"
KONG_PORT=$(free_port) || e2e_fail "no free TCP port"
"$PY" "$KONG" serve "$KONG_PORT" "$T/data.json" >"$T/kong.log" 2>&1 &
KONG_PID=$!
KURL=http://127.0.0.1:$KONG_PORT
e2e_answers "$KURL/consumers?size=1" 200 "$KONG_PID" ||
    e2e_fail "kong.py did not start: $(cat "$T/kong.log")"
IMPORTED=$(jq .counts.imported "$T/truth.json")
USER150=$(jq -r .groups150.username "$T/truth.json")
BADKEY=$(jq -r .bad_key_consumer "$T/truth.json")
LONGSECRET=$(jq -r .long_secret_consumer "$T/truth.json")

echo "kong: the fixture's old-DAO lists cannot be paged by next"
if "$PY" "$KONG" unordered "$KURL" >"$T/unordered.out"; then pass; else
	fail "following next gave every row once: $(cat "$T/unordered.out")"
fi

echo "kong: usage errors change nothing and name what is wrong"
A0=$(audit_count)
ctl 2 u1 import
has err "import: a verb is missing"
ctl 2 u2 import kong
has err "URL|DIR is missing"
ctl 2 u3 import deck
has err "FILE is missing"
ctl 2 u4 import frob x
has err 'unknown verb "frob"'
ctl 2 u5 import kong "ftp://$KONG_PORT"
has err "neither a directory nor an http(s) URL"
ctl 2 u6 import kong "$KURL" --tag "a b"
has err '--tag: "a b"'
ctl 2 u7 import kong "$KURL" --apply=yes
has err "--apply takes no value"
ctl 2 u8 import deck x.json --limit 3
has err "--limit does not apply here"
ctl 2 u9 import kong "$KURL" a b
has err 'unexpected argument "a"'
ctl 3 u10 import deck "$T/none.json"
has err "none.json: No such file"
ctl 3 u11 import kong "http://127.0.0.1:1"
has err "Kong /consumers"
has err "nothing was sent"
printf '{"_format_version":"0.1","consumers":[]}' >"$T/v01.json"
ctl 3 u12 import deck "$T/v01.json"
has err "_format_version 0.1"
printf 'consumers: []\n' >"$T/yaml.yml"
ctl 3 u13 import deck "$T/yaml.yml"
has err "_format_version missing"
printf '_format_version: "3.0"\nconsumers:\n - &a {username: x}\n - *a\n' \
    >"$T/alias.yaml"
ctl 3 u14 import deck "$T/alias.yaml"
has err "alias.yaml: line 3"
same "audit rows after the refused commands" "$(audit_count)" "$A0"

echo "kong: a dry run writes nothing and reports the fixture's counts"
C0=$(consumer_count)
_t0=$(date +%s)
ctl 1 dry import kong "$KURL" --output json
echo "  dry run of $IMPORTED consumers: $(($(date +%s) - _t0)) s"
counts
json .dry_run true
json .consumers.created "$IMPORTED"
same "audit rows after the dry run" "$(audit_count)" "$A0"
same "consumers after the dry run" "$(consumer_count)" "$C0"
json "[.refused[].consumer] | map(select(. == \"$BADKEY\" or . == \"$LONGSECRET\")) | sort" \
    "$(printf '["%s","%s"]' "$BADKEY" "$LONGSECRET")"
ctl 1 drytable import kong "$KURL"
has out "dry run, nothing written"
has out "$BADKEY: BAD_REQUEST"
has out "duplicates_collapsed 14"
has out "month 10000"

echo "kong: --apply imports every consumer, one audit row each"
_t0=$(date +%s)
ctl 1 apply import kong "$KURL" --apply --output json
echo "  import of $IMPORTED consumers: $(($(date +%s) - _t0)) s"
counts
json .dry_run false
json .consumers.created "$IMPORTED"
same "audit rows of the import" "$(($(audit_count) - A0))" "$IMPORTED"
same "consumers after the import" "$(($(consumer_count) - C0))" "$IMPORTED"
ctl 0 g150 consumer read "$USER150" --output json
json ".groups | length" 150
json ".groups | index(\"team-148\") != null" true
ctl 4 badkey consumer read "$BADKEY"

echo "kong: a token of every imported credential passes the gateway"
if "$PY" "$KONG" tokens "$T/truth.json" "$E2E_GW_URL" >"$T/tokens.out" \
    2>&1; then pass; else fail "tokens: $(cat "$T/tokens.out")"; fi
sed 's/^/  /' "$T/tokens.out" | tail -3

echo "kong: importing again changes nothing, writes no audit row"
A1=$(audit_count)
ctl 1 again import kong "$KURL" --apply --output json
counts
json .consumers.unchanged "$IMPORTED"
json .changes "{}"
same "audit rows of the second import" "$(audit_count)" "$A1"

echo "kong: the same from its pages saved by curl"
_n=1
_next="$KURL/consumers?size=1000"
while [ -n "$_next" ] && [ "$_next" != null ]; do
	curl -sS -o "$T/pages/consumers-$_n.json" "$_next" ||
	    e2e_fail "curl $_next"
	_next=$(jq -r '.next // empty' "$T/pages/consumers-$_n.json")
	_n=$((_n + 1))
done
for _ep in jwts acls plugins; do
	_total=$(curl -sS "$KURL/$_ep?size=1" | jq .total)
	curl -sS -o "$T/pages/$_ep.json" "$KURL/$_ep?size=$((_total + 10))" ||
	    e2e_fail "curl /$_ep"
done
ctl 1 dir import kong "$T/pages" --apply --output json
counts
json .consumers.unchanged "$IMPORTED"
same "audit rows of the import from a directory" "$(audit_count)" "$A1"
# acls.json saved as Kong's default page of 100: refused, named.
cp -r "$T/pages" "$T/cut"
curl -sS -o "$T/cut/acls.json" "$KURL/acls"
ctl 3 cut import kong "$T/cut" --apply
has err "acls.json: the page holds fewer or more rows than its \"total\""
has err "nothing was sent"
rm -f "$T/cut"/consumers-*.json
ctl 3 nocons import kong "$T/cut"
has err "consumers.json: no such file"
same "audit rows after refused directories" "$(audit_count)" "$A1"

echo "kong: a list never read whole fails the import, naming it"
CAP_PORT=$(free_port) || e2e_fail "no free TCP port"
"$PY" "$KONG" serve "$CAP_PORT" "$T/data.json" 1000 >"$T/cap.log" 2>&1 &
CAP_PID=$!
e2e_answers "http://127.0.0.1:$CAP_PORT/consumers?size=1" 200 "$CAP_PID" ||
    e2e_fail "kong.py (capped) did not start: $(cat "$T/cap.log")"
ctl 3 capped import kong "http://127.0.0.1:$CAP_PORT" --apply
has err "Kong /jwts: read twice as one page, still"
has err "(1000 rows, total $(jq '.jwts | length' "$T/data.json"))"
has err "nothing was sent"
same "audit rows after a list never whole" "$(audit_count)" "$A1"
stop_pid "$CAP_PID" 5
CAP_PID=

echo "kong: the same from decK 1.1 and 3.0 files, YAML and JSON"
for _f in 1.1.yaml 3.0.yaml 3.0.json; do
	"$PY" "$KONG" deck "${_f%.*}" "$T/data.json" "$T/deck-$_f" ||
	    e2e_fail "kong.py deck $_f failed"
	ctl 1 "deck$_f" import deck "$T/deck-$_f" --apply --output json
	counts
	json .consumers.unchanged "$IMPORTED"
	json .source '"deck"'
done
same "audit rows of the decK imports" "$(audit_count)" "$A1"

echo "kong: another tag is refused, --adopt takes the consumer over"
printf '{"_format_version":"3.0","consumers":[{"username":"%s",%s}]}' \
    "$USER150" '"acls":[{"group":"contentAdmin"}]' >"$T/one.json"
ctl 1 other import deck "$T/one.json" --tag other --apply
has out "NOT_MANAGED"
same "audit rows after a refused tag" "$(audit_count)" "$A1"
ctl 0 adopt import deck "$T/one.json" --tag other --adopt --apply \
    --output json
json '.changes.adopt' 1
json '.consumers.changed' 1
same "audit rows of the adoption" "$(audit_count)" "$((A1 + 1))"

echo "kong: no secret of the fixture in any output"
if "$PY" "$KONG" nosecret "$T/truth.json" "$T"/*.out "$T"/*.err \
    "$E2E_TMP/au.log" >"$T/nosecret.log"; then pass; else
	fail "$(cat "$T/nosecret.log")"; fi

ctl_done kong
