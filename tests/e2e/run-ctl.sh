#!/bin/sh
# SPDX-License-Identifier: ISC
# adminutil-ctl against adminutil behind nginx (tests/e2e/lib-ctl.sh):
# every command once as it should go and with bad input, each exit code
# (0 done, 1 refused, 2 usage, 3 unreachable or 5xx, 4 not found), the
# token's sources and their precedence, a token never in the program's
# argv, and a secret never printed unless asked for.

. "$(dirname "$0")/lib-ctl.sh"

e2e_init nginx
ctl_need
ctl_start ctl
ADMINUTIL_URL=$E2E_URL
ADMINUTIL_TOKEN_FILE=$E2E_TMP/admin.token
export ADMINUTIL_URL ADMINUTIL_TOKEN_FILE

# ctl RC ARG...: runs adminutil-ctl, its output in $T/out and $T/err,
# and checks its exit status.
ctl() {
	_want=$1
	shift
	"$CTL" "$@" >"$T/out" 2>"$T/err" </dev/null
	_rc=$?
	if [ "$_rc" -eq "$_want" ]; then
		pass
	else
		fail "adminutil-ctl $* exited $_rc, not $_want"
	fi
}

# has FILE TEXT / lacks FILE TEXT: $T/FILE holds TEXT, or does not.
has() {
	if grep -qF -- "$2" "$T/$1"; then pass; else
		fail "$1 lacks \"$2\""; fi
}
lacks() {
	if grep -qF -- "$2" "$T/$1"; then
		fail "$1 holds \"$2\""; else pass; fi
}

# json FILTER WANT: jq's reading of $T/out is WANT.
json() {
	_got=$(jq -c "$1" "$T/out" 2>&1)
	if [ "$_got" = "$2" ]; then pass; else
		fail "jq '$1' gives $_got, not $2"; fi
}

echo "ctl: usage errors change nothing and name what is wrong"
ctl 2
has err "usage:"
ctl 2 consumer
has err "consumer: a verb is missing"
ctl 2 frob list
has err 'unknown command "frob"'
ctl 2 consumer frob
has err 'unknown verb "frob"'
for _c in "consumer create" "consumer grant" "consumer read" \
    "consumer revoke" "consumer delete" "consumer limits" \
    "credential register" "credential list" "credential rotate" \
    "credential revoke" "access approve" "access reject" "access revoke"; do
	# shellcheck disable=SC2086
	ctl 2 $_c
	has err "is missing"
done
ctl 2 consumer grant ctl-a
has err "GROUP... is missing"
ctl 2 credential register ctl-a
has err "KEY is missing"
ctl 2 consumer read ctl-a extra
has err 'unexpected argument "extra"'
ctl 2 consumer read ""
has err "an empty argument"
ctl 2 consumer read ctl-a --bogus
has err "unknown option --bogus"
ctl 2 consumer read ctl-a --limit 3
has err "--limit does not apply here"
ctl 2 consumer list --limit x
has err '--limit: "x" is not an integer'
ctl 2 consumer list --offset
has err "--offset needs a value"
ctl 2 consumer list --output xml
has err 'output: "xml" is neither table nor json'
ctl 2 consumer read ctl-a --token "$ADMIN_TOKEN"
has err "there is no --token"
lacks err "$ADMIN_TOKEN"
ctl 2 consumer limits ctl-a
has err "--clear"
ctl 2 consumer limits ctl-a --hour 0
has err '--hour: "0" is not an integer from 1'
ctl 2 consumer limits ctl-a --hour 5 --clear
ctl 2 credential rotate ctl-a k --grace 604801
has err "--grace"
ctl 2 credential register ctl-a k --public-key-file "$T/none.pem"
has err "--public-key-file $T/none.pem"
ctl 2 access reject 1
has err "--reason is mandatory"
ctl 2 consumer create ctl-a --show-secret --secret-file "$T/x"
has err "choose one"
ctl 2 --url ftp://x consumer list
has err "not an http:// or https:// URL"
ctl 2 --timeout 0 consumer list
has err "timeout"
(unset ADMINUTIL_URL; _f0=$fails; ctl 2 consumer list
has err "no admin URL"; [ "$fails" -eq "$_f0" ]) || fails=$((fails + 1))
ctl 0 --version
has out "adminutil-ctl "
ctl 0 --help
has out "consumer create USERNAME"

echo "ctl: its variables are no key of the daemon's"
# The daemon reads ADMINUTIL_<KEY> for its keys: ADMINUTIL_URL and
# ADMINUTIL_TOKEN(_FILE) of an operator's shell must not be one.
if grep -nE '\<K\("(url|token|token_file|ctl_[a-z_]*)"' \
    "$top_srcdir/src/core/config.c"; then
	fail "the daemon has a key named as a variable of adminutil-ctl"
else
	pass
fi
grep -qE '\<K\("max_body"' "$top_srcdir/src/core/config.c" && pass ||
    fail "src/core/config.c's key table is not where this check reads"

echo "ctl: bash completion offers every command of --help"
# complete NOUN...: what the completion offers after the words given.
complete_after() {
	bash -c '. "$1"; shift; COMP_WORDS=(adminutil-ctl "$@" "")
	    COMP_CWORD=$(($# + 1)); _adminutil_ctl; echo "${COMPREPLY[*]}"' \
	    sh "$top_srcdir/completion/adminutil-ctl" "$@"
}
[ "$(complete_after)" = "consumer credential audit access token dump diff apply import" ] &&
    pass || fail "the completion's nouns: $(complete_after)"
"$CTL" --help | sed -n 's/^  \([a-z][a-z]*\) \([a-z][a-z]*\).*/\1 \2/p' >"$T/cmds"
[ "$(wc -l <"$T/cmds")" -eq 19 ] && pass ||
    fail "--help lists $(wc -l <"$T/cmds") commands, not 19"
while read -r _n _v; do
	case " $(complete_after "$_n") " in
	*" $_v "*) pass ;;
	*) fail "the completion lacks $_n $_v" ;;
	esac
done <"$T/cmds"

echo "ctl: consumers"
# The secret of a new consumer, to a new file of mode 0600 only.
ctl 0 consumer create ctl-a --secret-file "$T/a.secret"
SECRET=$(cat "$T/a.secret")
case $SECRET in
[0-9a-f]*) pass ;;
*) fail "the secret file holds \"$SECRET\"" ;;
esac
[ "${#SECRET}" -eq 32 ] && pass || fail "a secret of ${#SECRET} characters"
[ "$(stat -c %a "$T/a.secret")" = 600 ] && pass ||
    fail "the secret file's mode is $(stat -c %a "$T/a.secret")"
has out "username: ctl-a"
has out "key:"
lacks out "$SECRET"
lacks err "$SECRET"
KEY=$(sed -n 's/^key: *//p' "$T/out")
[ -n "$KEY" ] && pass || fail "no key in the table"
# The same consumer again: the server reads the secret back
# (secret_readback = yes); without the flag it is not printed.
ctl 0 consumer create ctl-a
lacks out "$SECRET"
lacks err "$SECRET"
has err "not shown"
ctl 0 consumer create ctl-a -o json
lacks out "$SECRET"
json '.username + " " + .key + " " + (has("secret")|tostring)' \
    "\"ctl-a $KEY false\""
ctl 0 consumer create ctl-a --show-secret
has out "secret:   $SECRET"
# A secret file is never written over.
ctl 2 consumer create ctl-a --secret-file "$T/a.secret"
has err "never overwritten"
[ "$(cat "$T/a.secret")" = "$SECRET" ] && pass ||
    fail "the secret file was changed"
# A refusal by the server: its err and errmsg, exit 1.
ctl 1 consumer create "has space"
has err "BAD_REQUEST: USERNAME MUST NOT HAVE SPACE (HTTP 400"

ctl 0 consumer grant ctl-a g1 g2 g1
has out "groups:   g1,g2"
ctl 0 consumer grant ctl-a g1 g2 g3 -o json
json . '{"username":"ctl-a","groups":["g1","g2","g3"]}'
ctl 0 consumer revoke ctl-a g3
has out "groups:   g1,g2"
ctl 0 --output=json consumer read ctl-a
json . '{"username":"ctl-a","groups":["g1","g2"],"limits":{}}'
ctl 0 consumer read ctl-a
has out "username: ctl-a"
has out "limits:   -"
ctl 4 consumer grant ctl-nobody g1
has err "GROUP_ASSIGN_ERROR"
ctl 4 consumer read ctl-nobody
has err "GROUP_FETCH_ERROR: ERROR WHEN FETCHING GROUPS OF CONSUMER, USERNAME: ctl-nobody"
ctl 1 consumer grant ctl-a "bad,group"
has err "BAD_REQUEST"

ctl 0 consumer limits ctl-a --hour 500 --minute 10
has out "limits:"
has out "  minute: 10"
has out "  hour:   500"
ctl 0 consumer limits ctl-a --day 9 -o json
json . '{"username":"ctl-a","limits":{"day":9}}'
ctl 0 consumer limits ctl-a --clear -o json
json .limits '{}'
ctl 4 consumer limits ctl-nobody --hour 1
has err "CONSUMER_NOT_FOUND"

ctl 0 consumer create ctl-b
ctl 0 consumer list --prefix ctl-
has out "count: 2"
has out "USERNAME  GROUPS"
has out "ctl-a     g1,g2"
ctl 0 consumer list --prefix ctl- --limit 1 -o json
json '[.count, (.consumers | length), .consumers[0].username]' \
    '[2,1,"ctl-a"]'
ctl 0 consumer list --prefix ctl- --offset 1 -o json
json '[.consumers[].username]' '["ctl-b"]'

echo "ctl: credentials"
ctl 0 credential register ctl-a ctl-k1
has out "key: ctl-k1"
lacks out "secret"
lacks out "token"
ctl 0 credential register ctl-a ctl-k1 --show-secret -o json
K1_SECRET=$(jq -r .secret "$T/out")
K1_TOKEN=$(jq -r .token "$T/out")
[ ${#K1_SECRET} -eq 32 ] && [ -n "$K1_TOKEN" ] && pass ||
    fail "register --show-secret gave no secret and token"
ctl 0 credential register ctl-a ctl-k1 -o json
json '[has("secret"), has("token"), .key]' '[false,false,"ctl-k1"]'
lacks out "$K1_SECRET"
lacks out "$K1_TOKEN"
ctl 1 credential register ctl-b ctl-k1
has err "CREATE_CREDENTIAL_ERROR"
ctl 4 credential register ctl-nobody ctl-k9
has err "CONSUMER DOES NOT EXISTS"
ctl 1 credential register ctl-a ctl-k2 --algorithm RS256 \
    --public-key-file "$T/a.secret"
has err "BAD_REQUEST"
# A public key's credential: read from the file, no secret.
openssl genpkey -algorithm ed25519 -out "$T/ed.key" 2>/dev/null &&
    openssl pkey -in "$T/ed.key" -pubout -out "$T/ed.pub" ||
    e2e_fail "openssl cannot make an Ed25519 key"
ctl 0 credential register ctl-a ctl-ed --algorithm EdDSA \
    --public-key-file "$T/ed.pub" --secret-file "$T/ed.secret"
has err "the answer holds no secret"
[ ! -e "$T/ed.secret" ] && pass || fail "an empty secret file was left"

ctl 0 credential list ctl-a
has out "username: ctl-a"
has out "KEY"
has out "ALGORITHM"
has out "ctl-k1"
has out "ctl-ed"
lacks out "$K1_SECRET"
ctl 0 credential list ctl-a -o json
json '[.credentials[].key] | sort' "$(printf '%s\n' "$KEY" ctl-ed ctl-k1 |
    sort | jq -R . | jq -sc .)"
ctl 4 credential list ctl-nobody

ctl 0 credential rotate ctl-a ctl-k1 --grace 60 --secret-file "$T/k1.new"
K1_NEW=$(cat "$T/k1.new")
[ ${#K1_NEW} -eq 32 ] && [ "$K1_NEW" != "$K1_SECRET" ] && pass ||
    fail "rotate wrote \"$K1_NEW\""
has out "grace_until:"
lacks out "$K1_NEW"
lacks err "$K1_NEW"
ctl 0 credential rotate ctl-a ctl-k1 -o json
json '[.key, has("secret"), has("token"), (.grace_until|type)]' \
    '["ctl-k1",false,false,"number"]'
ctl 4 credential rotate ctl-a ctl-nokey

echo "ctl: token introspect"
ctl 0 token introspect "$E2E_TMP/admin.token"
has out "active:     true"
has out "username:   e2e-admin"
printf '%s\n' "$ADMIN_TOKEN" | "$CTL" -o json token introspect \
    >"$T/out" 2>"$T/err" && pass || fail "introspect from standard input"
json '[.active, .username]' '[true,"e2e-admin"]'
printf 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln\n' >"$T/junk.token"
ctl 0 -o json token introspect "$T/junk.token"
json . '{"active":false}'
ctl 2 token introspect /dev/null
has err "no token in /dev/null"
ctl 2 token introspect "$T/none.token"
has err "FILE $T/none.token"

echo "ctl: credential revoke, audit"
ctl 0 credential revoke ctl-a ctl-ed
has out "key:      ctl-ed"
ctl 4 credential revoke ctl-a ctl-nokey
has err "(HTTP 404"
ctl 0 audit list --consumer ctl-a --limit 3
has out "count: "
has out "ID"
has out "ACTION"
has out "ekstep.api.am.adminutil.credential.revoke"
lacks out "$SECRET"
lacks out "$K1_SECRET"
lacks out "$K1_NEW"
ctl 0 audit list --consumer ctl-a --limit 3 -o json
json '.entries | length' 3
ctl 0 audit list --consumer ctl-a -o json
json '.count == (.entries | length)' true
json '[.entries[].action] | map(select(. == "ekstep.api.am.adminutil.consumer.grant")) | length' '2'
TOP=$(jq '.entries[0].id' "$T/out")
ctl 0 audit list --since-id "$((TOP - 1))" -o json
json '[.entries[].id]' "[$TOP]"
ctl 2 audit list --since-id -1

echo "ctl: access requests"
DEVPASS=$(sed -n 's/^developer //p' "$E2E_TMP/portal.passwords")
request() {
	curl -sS -u "developer:$DEVPASS" -H 'Content-Type: application/json' \
	    -d "{\"request\":{\"groups\":[\"$1\"],\"notes\":\"ctl\",\"email\":\"developer@example.test\"}}" \
	    "$E2E_PORTAL_URL/v1/portal/access/request" | jq -r .result.request.id
}
R1=$(request contentCreate)
R2=$(request contentAdmin)
case $R1$R2 in
*[!0-9]*|"") e2e_fail "the portal made no requests ($R1, $R2)" ;;
esac
ctl 0 access list --state pending
has out "REQUESTER"
has out "developer"
ctl 0 access list --state pending -o json
json "[.requests[].id | select(. == $R1 or . == $R2)] | length" 2
ctl 1 access list --state nonsense
has err "BAD_REQUEST"
ctl 0 access approve "$R1" --note "fine by me" -o json
json '[.request.id, .request.state, .request.note]' \
    "[$R1,\"approved\",\"fine by me\"]"
ctl 1 access approve "$R1"
has err "REQUEST_DECIDED"
ctl 0 access reject "$R2" --reason "not this one"
has out "state:"
has out "rejected"
ctl 4 access approve 999999999
ctl 0 access revoke "$R1" --reason "taken back" -o json
json .request.state '"revoked"'

echo "ctl: where the URL and the token come from"
# A token no server made: 401, exit 1, the token not echoed.
ADMINUTIL_TOKEN=not.a.token ctl 1 consumer read ctl-a
has err "UNAUTHORIZED"
lacks err "not.a.token"
# ADMINUTIL_TOKEN wins over ADMINUTIL_TOKEN_FILE, --token-file over both.
ADMINUTIL_TOKEN=$ADMIN_TOKEN ADMINUTIL_TOKEN_FILE=$T/none ctl 0 \
    consumer read ctl-a
ADMINUTIL_TOKEN=not.a.token ctl 0 consumer read ctl-a \
    --token-file "$E2E_TMP/admin.token"
# A token file others may read is refused before anything is sent.
cp "$E2E_TMP/admin.token" "$T/open.token" && chmod 644 "$T/open.token"
ctl 2 consumer read ctl-a --token-file "$T/open.token"
has err "chmod 600 $T/open.token"
# The configuration file: its url and token, mode 0600 or refused.
mkdir -p "$HOME/.config/adminutil"
CONF=$HOME/.config/adminutil/ctl.conf
printf '# adminutil-ctl\nurl = %s\ntoken = %s\noutput = json\n' \
    "$E2E_URL" "$ADMIN_TOKEN" >"$CONF"
chmod 644 "$CONF"
(unset ADMINUTIL_URL ADMINUTIL_TOKEN_FILE
_f0=$fails
ctl 2 consumer read ctl-a
has err "chmod 600 $CONF"
chmod 600 "$CONF"
ctl 0 consumer read ctl-a
json .username '"ctl-a"'
# Flags over the environment over the file.
ADMINUTIL_URL=$E2E_DOWN_URL ctl 3 consumer read ctl-a
ADMINUTIL_URL=$E2E_DOWN_URL ctl 0 --url "$E2E_URL" consumer read ctl-a
ctl 0 consumer read ctl-a -o table
has out "username: ctl-a"
ctl 0 --config "$CONF" consumer read ctl-a
printf 'url = %s\ncolour = red\n' "$E2E_URL" >"$T/bad.conf"
ctl 2 --config "$T/bad.conf" consumer read ctl-a
has err "$T/bad.conf:2: unknown key \"colour\""
ctl 2 --config "$T/none.conf" consumer read ctl-a
has err "$T/none.conf"
[ "$fails" -eq "$_f0" ]) || fails=$((fails + 1))
rm -f "$CONF"

echo "ctl: a server that cannot answer"
ctl 3 --url "$E2E_DOWN_URL" consumer read ctl-a
has err "SERVICE_UNAVAILABLE"
ctl 3 --url "http://127.0.0.1:$(free_port)" consumer list
has err "cannot reach"
# Not adminutil: the portal's server refuses without its password.
ctl 1 --url "$E2E_PORTAL_URL" consumer list
has err "HTTP 401, not an answer of adminutil"

echo "ctl: the token is never in the program's arguments"
# A server that takes the connection and never answers: the program
# waits, and its command line is read meanwhile.
HOLD=$(free_port) || e2e_fail "no free TCP port"
python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
held = []
while True:
    held.append(s.accept()[0])
' "$HOLD" &
HOLD_PID=$!
trap '_s=$?; stop_pid "$HOLD_PID" 5; e2e_cleanup $_s' EXIT
wait_for "curl -s -o /dev/null --max-time 1 http://127.0.0.1:$HOLD/; [ \$? -eq 28 ]" 10 ||
    e2e_fail "the holding server did not start"
for _how in file env; do
	if [ "$_how" = file ]; then
		"$CTL" --url "http://127.0.0.1:$HOLD" --timeout 5 \
		    --token-file "$E2E_TMP/admin.token" consumer read ctl-a \
		    >/dev/null 2>&1 &
	else
		ADMINUTIL_TOKEN=$ADMIN_TOKEN "$CTL" --timeout 5 \
		    --url "http://127.0.0.1:$HOLD" consumer read ctl-a \
		    >/dev/null 2>&1 &
	fi
	_pid=$!
	sleep 1
	tr '\0' ' ' <"/proc/$_pid/cmdline" >"$T/cmdline"
	has cmdline "consumer read ctl-a"
	lacks cmdline "$ADMIN_TOKEN"
	wait "$_pid"
	[ $? -eq 3 ] && pass || fail "a server that never answers: not exit 3"
done
stop_pid "$HOLD_PID" 5

echo "ctl: consumer delete"
ctl 0 consumer delete ctl-b
has out "username: ctl-b"
ctl 4 consumer delete ctl-b
has err "CONSUMER_NOT_FOUND"
ctl 0 consumer delete ctl-a
ctl 4 consumer read ctl-a

ctl_done ctl
