#!/bin/sh
# SPDX-License-Identifier: ISC
# Declarative state against adminutil behind nginx (tests/e2e/lib-ctl.sh):
# POST /v1/consumer/{username}/state and POST /v1/state/export as their
# contract says (a consumer made, set again with no change and no audit
# row, refused when another file or nobody manages it, a key of another
# consumer refused with nothing written, a dry run that writes nothing,
# a secret kept verbatim only for a caller of state_groups and its
# tokens passing the gateway, deleted when absent, exported with
# secrets only for state_groups and audited), then adminutil-ctl dump,
# diff and apply over them.  Every answer of the routes is checked
# against docs/openapi.yaml; no secret appears in any output.

. "$(dirname "$0")/lib-ctl.sh"

e2e_init nginx
ctl_need
ctl_start state
ANSWERS=$T/answers.jsonl
# Every secret the run sees, one a line: no output may hold one.
SECRETS=$T/secrets
: >"$SECRETS"


# api TOKEN PATH BODY: POSTs BODY (as the envelope's request) to the
# admin plane as TOKEN's holder;
# the body of the answer in $T/out, its status in $T/status; the answer
# kept for the OpenAPI check.
api() {
	curl -sS -o "$T/out" -D "$T/head" -w '%{http_code}' \
	    -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
	    --data-binary "{\"request\": $3}" "$E2E_URL$2" >"$T/status" \
	    2>"$T/curl.err" ||
	    e2e_fail "curl $2: $(cat "$T/curl.err")"
	jq -cn --arg u "$E2E_URL$2" --argjson s "$(cat "$T/status")" \
	    --rawfile h "$T/head" --rawfile b "$T/out" \
	    --arg c "$(sed -n 's/^[Cc]ontent-[Tt]ype: *//p' "$T/head" |
	    tr -d '\r')" \
	    '{plane: "admin", method: "POST", url: $u, status: $s,
	    ctype: $c, head: $h, body: $b}' >>"$ANSWERS"
}

# status WANT WHAT: the last answer's status is WANT.
status() {
	if [ "$(cat "$T/status")" = "$1" ]; then pass; else
		fail "$2: status $(cat "$T/status"), not $1"; fi
}

# json FILTER WANT WHAT: jq's reading of the last answer is WANT.
json() {
	_got=$(jq -c "$1" "$T/out" 2>&1)
	if [ "$_got" = "$2" ]; then pass; else
		fail "$3: jq '$1' gives $_got, not $2"; fi
}

# ctl RC ARG...: adminutil-ctl, its output in $T/out and $T/err (both
# kept in $T/ctl.all too), exits RC.
ctl() {
	_want=$1
	shift
	"$CTL" "$@" >"$T/out" 2>"$T/err" </dev/null
	_rc=$?
	cat "$T/out" "$T/err" >>"$T/ctl.all"
	if [ "$_rc" -eq "$_want" ]; then pass; else
		fail "adminutil-ctl $* exited $_rc, not $_want: $(head -c 600 \
		    "$T/err")"
	fi
}

# has TEXT WHAT: the last answer holds TEXT.
has() {
	if grep -qF -- "$1" "$T/out"; then pass; else
		fail "$2: the answer lacks \"$1\""; fi
}

# err_has TEXT: adminutil-ctl's last standard error holds TEXT.
err_has() {
	if grep -qF -- "$1" "$T/err"; then pass; else
		fail "standard error lacks \"$1\": $(head -c 600 "$T/err")"; fi
}

audit_count() {
	mariadb_sql "SELECT COUNT(*) FROM $E2E_DB.audit_log"
}

# snapshot USER: the consumer's row, groups and credentials as stored.
snapshot() {
	mariadb_sql "SELECT c.username, COALESCE(c.managed_by, '-'),
	    COALESCE(c.limit_hour, 0), c.group_list,
	    COALESCE(GROUP_CONCAT(r.\`key\`, ':', r.algorithm, ':',
	    COALESCE(r.secret, ''), ':', r.revoked_at IS NULL ORDER BY r.id),
	    '') FROM $E2E_DB.consumers c LEFT JOIN $E2E_DB.credentials r
	    ON r.consumer_id = c.id WHERE c.username = '$1' GROUP BY c.id"
}

b64url() {
	openssl base64 -A | tr '+/' '-_' | tr -d '='
}

# sign ALG KEY ARG...: a token of an hour (iss = KEY) signed as ALG by
# openssl dgst -sha256 ARG....
sign() {
	_h=$(printf '{"alg":"%s","typ":"JWT"}' "$1" | b64url)
	_p=$(printf '{"iss":"%s","exp":%s}' "$2" "$(($(date +%s) + 3600))" |
	    b64url)
	shift 2
	_s=$(printf '%s.%s' "$_h" "$_p" |
	    openssl dgst -sha256 "$@" -binary | b64url)
	echo "$_h.$_p.$_s"
}

# mint KEY SECRET: an HS256 token of an hour (iss = KEY).
mint() {
	sign HS256 "$1" -hmac "$2"
}

# gateway TOKEN: the gateway's status for an API of group appAccess,
# asked again for up to 3 s while it is not WANT (a change reaches the
# gateway's cache through the feed).
gateway() {
	_i=0
	while :; do
		_gs=$(curl -s -o /dev/null -w '%{http_code}' \
		    -H "Authorization: Bearer $1" \
		    "$E2E_GW_URL/user/v1/tnc/accept")
		[ "$_gs" = "$2" ] || [ $_i -ge 30 ] && break
		_i=$((_i + 1))
		sleep 0.1
	done
	echo "$_gs"
}

# An operator of state_groups, with a token of its own.
api "$ADMIN_TOKEN" /v1/consumer/create '{"username":"state-op"}'
status 200 "state-op made"
OP_KEY=$(jq -r .result.key "$T/out")
jq -r .result.secret "$T/out" >>"$SECRETS"
api "$ADMIN_TOKEN" /v1/consumer/state-op/grant \
    '{"groups":["adminutilAdmin","adminutilState"]}'
status 200 "state-op granted"
OP_TOKEN=$("$E2E_BIN" -c "$E2E_TMP/au.conf" --mint-token "$OP_KEY" \
    --ttl 3600 2>>"$E2E_TMP/au.log") || e2e_fail "cannot mint state-op's token"

echo "state: a consumer made whole, then set again with no change"
BODY='{"managed_by":"file-a","groups":["appAccess","contentUser"],
    "limits":{"hour":5000},"credentials":[{"key":"st-a-1"},
    {"key":"st-a-2","algorithm":"HS512"}]}'
A0=$(audit_count)
api "$ADMIN_TOKEN" /v1/consumer/st-a/state "$BODY"
status 200 "made"
json '.result.changed' true "made"
json '[.result.changes[].op]' \
    '["create","groups","limits","credential.add","credential.add"]' "made"
json '[.result.secrets[].key]' '["st-a-1","st-a-2"]' "made"
jq -r '.result.secrets[].secret' "$T/out" >>"$SECRETS"
SECRET_A1=$(jq -r '.result.secrets[0].secret' "$T/out")
[ "$(audit_count)" = $((A0 + 1)) ] && pass || fail "made: not one audit row"
mariadb_sql "SELECT action, \`change\` FROM $E2E_DB.audit_log ORDER BY id
    DESC LIMIT 1" >"$T/row"
if grep -q 'consumer.state' "$T/row" && ! grep -qF "$SECRET_A1" "$T/row"
then pass; else fail "made: the audit row: $(cat "$T/row")"; fi
TOKEN_A1=$(mint st-a-1 "$SECRET_A1")
[ "$(gateway "$TOKEN_A1" 200)" = 200 ] && pass ||
    fail "a made secret's token does not pass the gateway"
SNAP=$(snapshot st-a)
A1=$(audit_count)
api "$ADMIN_TOKEN" /v1/consumer/st-a/state "$BODY"
status 200 "again"
json '[.result.changed, .result.changes, .result.secrets]' '[false,[],[]]' \
    "again"
[ "$(audit_count)" = "$A1" ] && pass || fail "again: an audit row was added"
[ "$(snapshot st-a)" = "$SNAP" ] && pass || fail "again: the rows changed"

echo "state: a dry run says what would change and writes nothing"
api "$ADMIN_TOKEN" /v1/consumer/st-a/state '{"managed_by":"file-a",
    "dry_run":true,"groups":["appAccess"],"credentials":[{"key":"st-a-1"},
    {"key":"st-a-3"}]}'
status 200 "dry run"
json '[.result.dry_run, .result.changed, [.result.changes[].op],
    .result.secrets]' \
    '[true,true,["groups","limits","credential.add","credential.revoke"],[]]' \
    "dry run"
[ "$(audit_count)" = "$A1" ] && pass || fail "dry run: an audit row"
[ "$(snapshot st-a)" = "$SNAP" ] && pass || fail "dry run: the rows changed"
api "$ADMIN_TOKEN" /v1/consumer/st-new/state '{"managed_by":"file-a",
    "dry_run":true,"groups":[],"credentials":[{"key":"st-new-1"}]}'
json '[.result.changes[].op]' '["create","credential.add"]' "dry run, new"
[ -z "$(snapshot st-new)" ] && pass || fail "dry run made a consumer"

echo "state: another file's consumer, or nobody's, is refused untouched"
api "$ADMIN_TOKEN" /v1/consumer/st-a/state '{"managed_by":"file-b",
    "groups":[]}'
status 409 "file-b"
json '.params.err' '"NOT_MANAGED"' "file-b"
has 'MANAGED BY file-a,' "file-b"
[ "$(snapshot st-a)" = "$SNAP" ] && pass || fail "file-b changed st-a"
api "$ADMIN_TOKEN" /v1/consumer/create '{"username":"st-plain"}'
jq -r .result.secret "$T/out" >>"$SECRETS"
PLAIN=$(snapshot st-plain)
api "$ADMIN_TOKEN" /v1/consumer/st-plain/state '{"managed_by":"file-a",
    "groups":[]}'
status 409 "unmanaged"
has "unmanaged" "unmanaged"
[ "$(snapshot st-plain)" = "$PLAIN" ] && pass || fail "st-plain changed"
api "$ADMIN_TOKEN" /v1/consumer/st-plain/state '{"managed_by":"file-a",
    "state":"absent"}'
status 409 "unmanaged, absent"
[ "$(snapshot st-plain)" = "$PLAIN" ] && pass || fail "st-plain deleted"
PLAIN_KEY=$(mariadb_sql "SELECT r.\`key\` FROM $E2E_DB.credentials r JOIN
    $E2E_DB.consumers c ON c.id = r.consumer_id WHERE c.username =
    'st-plain'")
api "$ADMIN_TOKEN" /v1/consumer/st-plain/state "{\"managed_by\":\"file-a\",
    \"adopt\":true,\"groups\":[\"contentUser\"],
    \"credentials\":[{\"key\":\"$PLAIN_KEY\"}]}"
status 200 "adopted"
json '[.result.changes[].op]' '["adopt"]' "adopted"

echo "state: a key of another consumer: 409, nothing of the consumer written"
A2=$(audit_count)
api "$ADMIN_TOKEN" /v1/consumer/st-b/state '{"managed_by":"file-a",
    "groups":["appAccess"],"credentials":[{"key":"st-b-1"},
    {"key":"st-a-1"}]}'
status 409 "another's key"
has "st-a-1" "another's key"
[ -z "$(snapshot st-b)" ] && pass || fail "another's key: st-b was made"
[ "$(audit_count)" = "$A2" ] && pass || fail "another's key: audited"
api "$ADMIN_TOKEN" /v1/consumer/st-a/state '{"managed_by":"file-a",
    "groups":[],"credentials":[{"key":"st-a-1","algorithm":"HS384"}]}'
status 400 "algorithm changed"
has "HS256" "algorithm changed"
[ "$(snapshot st-a)" = "$SNAP" ] && pass || fail "algorithm: st-a changed"

echo "state: a secret kept verbatim, only for a caller of state_groups"
KONG_SECRET=kong-secret-$(openssl rand -hex 20)
echo "$KONG_SECRET" >>"$SECRETS"
BODY_C="{\"managed_by\":\"file-a\",\"groups\":[\"appAccess\"],
    \"credentials\":[{\"key\":\"st-c-1\",\"secret\":\"$KONG_SECRET\"}]}"
api "$ADMIN_TOKEN" /v1/consumer/st-c/state "$BODY_C"
status 403 "secret by an admin"
has "state_groups" "secret by an admin"
[ -z "$(snapshot st-c)" ] && pass || fail "secret by an admin: written"
api "$OP_TOKEN" /v1/consumer/st-c/state "$BODY_C"
status 200 "secret by state-op"
json '[[.result.changes[].op], .result.secrets]' \
    '[["create","groups","credential.add"],[]]' "secret by state-op"
[ "$(gateway "$(mint st-c-1 "$KONG_SECRET")" 200)" = 200 ] && pass ||
    fail "a kept secret's token does not pass the gateway"
api "$OP_TOKEN" /v1/consumer/st-c/state "$BODY_C"
json '.result.changed' false "the same secret again"
LONG=$(printf '%0162d' 0)
api "$OP_TOKEN" /v1/consumer/st-c/state "{\"managed_by\":\"file-a\",
    \"groups\":[],\"credentials\":[{\"key\":\"st-c-1\",\"secret\":\"$LONG\"}]}"
status 400 "a secret of 162 bytes"
has "1 TO 161 BYTES" "a secret of 162 bytes"
# secret_set SECRET WHAT: st-c-1's secret set to SECRET (kept in
# $SECRETS), the change named, and a token signed with it passing the
# gateway.
secret_set() {
	echo "$1" >>"$SECRETS"
	api "$OP_TOKEN" /v1/consumer/st-c/state "{\"managed_by\":\"file-a\",
	    \"groups\":[\"appAccess\"],\"credentials\":[{\"key\":\"st-c-1\",
	    \"secret\":\"$1\"}]}"
	json '[.result.changes[].op]' '["credential.secret"]' "$2"
	[ "$(gateway "$(mint st-c-1 "$1")" 200)" = 200 ] && pass ||
	    fail "$2: its token does not pass"
}
# The longest one, sealed, read back by the gateway and verified.
MAX_SECRET=$(openssl rand -hex 81 | cut -c 1-161)
secret_set "$MAX_SECRET" "a secret of 161 bytes"
NEW_SECRET=new-$(openssl rand -hex 16)
secret_set "$NEW_SECRET" "a secret replaced"
[ "$(gateway "$(mint st-c-1 "$KONG_SECRET")" 401)" = 401 ] && pass ||
    fail "the replaced secret's token still passes"

echo "state: bad bodies are refused, naming the member"
for _case in \
    '{"groups":[]}|MANAGED_BY' \
    '{"managed_by":"a b","groups":[]}|MANAGED_BY' \
    '{"managed_by":"file-a","groups":[],"colour":1}|UNKNOWN MEMBER colour' \
    '{"managed_by":"file-a"}|GROUPS ARE MANDATORY' \
    '{"managed_by":"file-a","state":"gone","groups":[]}|STATE MUST' \
    '{"managed_by":"file-a","dry_run":"yes","groups":[]}|DRY_RUN' \
    '{"managed_by":"file-a","groups":[],"credentials":{}}|CREDENTIALS MUST' \
    '{"managed_by":"file-a","groups":[],"credentials":[{"key":"x","secret":"s","algorithm":"RS256"}]}|CREDENTIALS[0]' \
    '{"managed_by":"file-a","groups":[],"credentials":[{"key":"x"},{"key":"x"}]}|LISTED TWICE' \
    '{"managed_by":"file-a","managed_by":"file-b","groups":[]}|NAMES EACH MEMBER ONCE' \
    '{"managed_by":"file-a","groups":[],"limits":{"hour":0}}|LIMIT'; do
	api "$ADMIN_TOKEN" /v1/consumer/st-bad/state "${_case%|*}"
	status 400 "${_case%|*}"
	has "${_case#*|}" "${_case%|*}"
done
[ -z "$(snapshot st-bad)" ] && pass || fail "a bad body made st-bad"

echo "state: export, secrets only for state_groups, audited"
api "$ADMIN_TOKEN" /v1/state/export '{"managed_by":"file-a"}'
status 200 "export"
json '[.result.consumers[].username]' '["st-a","st-c","st-plain"]' "export"
json '.result.next' null "export"
json '[.result.consumers[].credentials[] | has("secret")] | any' false \
    "export without secrets"
json '.result.consumers[0] | [.managed_by, .groups, .limits]' \
    '["file-a",["appAccess","contentUser"],{"hour":5000}]' "export st-a"
api "$ADMIN_TOKEN" /v1/state/export '{"limit":2}'
json '.result.consumers | length' 2 "a page"
NEXT=$(jq -r .result.next "$T/out")
api "$ADMIN_TOKEN" /v1/state/export "{\"after\":\"$NEXT\",\"limit\":1000}"
json "[.result.consumers[].username] | index(\"$NEXT\")" null "the next page"
api "$ADMIN_TOKEN" /v1/state/export '{"secrets":true}'
status 403 "secrets for an admin"
A3=$(audit_count)
api "$OP_TOKEN" /v1/state/export '{"managed_by":"file-a","secrets":true}'
status 200 "secrets for state-op"
_got=$(jq -r '.result.consumers[] | select(.username == "st-c") |
    .credentials[0].secret' "$T/out")
[ "$_got" = "$NEW_SECRET" ] && pass || fail "export: st-c's secret differs"
[ "$(audit_count)" = $((A3 + 1)) ] && pass || fail "export: not audited"
mariadb_sql "SELECT action, \`change\` FROM $E2E_DB.audit_log ORDER BY id
    DESC LIMIT 1" >"$T/row"
if grep -q 'state.export' "$T/row" && ! grep -qF "$NEW_SECRET" "$T/row"
then pass; else fail "export: the audit row: $(cat "$T/row")"; fi
: >"$T/out"
api "$ADMIN_TOKEN" /v1/state/export '{"limit":0}'
status 400 "limit 0"

echo "state: absent deletes"
api "$ADMIN_TOKEN" /v1/consumer/st-c/state \
    '{"managed_by":"file-a","state":"absent"}'
json '[.result.changes[].op]' '["delete"]' "absent"
[ -z "$(snapshot st-c)" ] && pass || fail "absent: st-c is still there"
[ "$(gateway "$(mint st-c-1 "$NEW_SECRET")" 401)" = 401 ] && pass ||
    fail "a deleted consumer's token still passes"
api "$ADMIN_TOKEN" /v1/consumer/st-c/state \
    '{"managed_by":"file-a","state":"absent"}'
json '[.result.changed, .result.changes]' '[false,[]]' "absent again"

echo "ctl: dump, diff and apply"
ADMINUTIL_URL=$E2E_URL
ADMINUTIL_TOKEN_FILE=$T/op.token
export ADMINUTIL_URL ADMINUTIL_TOKEN_FILE
(umask 077 && echo "$OP_TOKEN" >"$T/op.token") || e2e_fail "no token file"
: >"$T/ctl.all"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$T/rsa.pem" 2>/dev/null &&
    openssl pkey -in "$T/rsa.pem" -pubout -out "$T/rsa.pub" ||
    e2e_fail "cannot make an RSA key"
CTL_SECRET=ctl-secret-$(openssl rand -hex 20)
echo "$CTL_SECRET" >>"$SECRETS"
cat >"$T/file.yaml" <<EOF
# The partners of this file.
_format: adminutil/1
managed_by: ctl-file
consumers:
  - username: ctl-a
    groups: [appAccess, contentUser]
    limits: {hour: 7000}
    credentials:
      - key: ctl-a-1
        secret: "$CTL_SECRET"
  - username: ctl-b
    groups:
      - appAccess
    credentials:
      - key: ctl-b-1
        algorithm: RS256
        public_key: |
$(sed 's/^/          /' "$T/rsa.pub")
  - username: ctl-c
    groups: [appAccess]
    credentials:
      - {key: ctl-c-1}
EOF
A4=$(audit_count)
ctl 6 diff "$T/file.yaml"
has "ctl-a     create" "diff"
has "diff: 3 created, 0 changed, 0 unchanged, 0 deleted, 0 refused" "diff"
ctl 6 diff "$T/file.yaml" -o json
jq -e '.summary == {"created": 3, "changed": 0, "unchanged": 0,
    "deleted": 0, "refused": 0} and ([.changes[].op] | index("create"))
    != null' "$T/out" >/dev/null && pass || fail "diff -o json: $(cat "$T/out")"
ctl 2 apply "$T/file.yaml"
err_has "consumer ctl-c, credential ctl-c-1: new, and no secret"
err_has "--secret-file FILE for those made; nothing was changed"
[ "$(audit_count)" = "$A4" ] && [ -z "$(snapshot ctl-a)" ] && pass ||
    fail "diff, or an apply refused first, wrote something"
ctl 0 apply "$T/file.yaml" --secret-file "$T/made"
has "apply: 3 created, 0 changed, 0 unchanged, 0 deleted, 0 refused" "apply"
[ "$(stat -c %a "$T/made")" = 600 ] && pass || fail "the secret file is not 0600"
CTL_C_SECRET=$(awk -F '\t' '$1 == "ctl-c" && $2 == "ctl-c-1" {print $3}' \
    "$T/made")
echo "$CTL_C_SECRET" >>"$SECRETS"
[ -n "$CTL_C_SECRET" ] && pass || fail "no made secret in the secret file"
[ "$(audit_count)" = $((A4 + 3)) ] && pass || fail "apply: not 3 audit rows"
mint_rs() {
	sign RS256 "$1" -sign "$T/rsa.pem"
}
TOK_A=$(mint ctl-a-1 "$CTL_SECRET")
TOK_B=$(mint_rs ctl-b-1)
TOK_C=$(mint ctl-c-1 "$CTL_C_SECRET")
for _t in "$TOK_A" "$TOK_B" "$TOK_C"; do
	[ "$(gateway "$_t" 200)" = 200 ] && pass ||
	    fail "a token of an applied credential does not pass"
done
A5=$(audit_count)
ctl 0 apply "$T/file.yaml"
has "no change" "apply again"
has "apply: 0 created, 0 changed, 3 unchanged, 0 deleted, 0 refused" \
    "apply again"
[ "$(audit_count)" = "$A5" ] && pass || fail "apply again: an audit row"
ctl 0 diff "$T/file.yaml"
has "no change" "diff after apply"

echo "ctl: dump --secrets, a wipe, apply: the same consumers, old tokens pass"
ctl 2 dump --secrets
err_has "secrets never go to standard output"
ctl 0 dump --managed-by ctl-file
cp "$T/out" "$T/before.yaml"
has "public_key: |" "dump"
has "hour: 7000" "dump"
ctl 0 dump --managed-by ctl-file -o json
jq -e '.consumers | length == 3' "$T/out" >/dev/null && pass ||
    fail "dump -o json: not the 3 consumers"
ctl 5 dump --managed-by ctl-file --secrets --file "$T/before.yaml"
err_has "never written over a file"
ctl 0 dump --managed-by ctl-file --secrets --file "$T/dump.yaml"
[ "$(stat -c %a "$T/dump.yaml")" = 600 ] && pass ||
    fail "the dump with secrets is not 0600"
grep -qF "$CTL_C_SECRET" "$T/dump.yaml" && pass ||
    fail "the dump with secrets lacks a secret"
ADMINUTIL_TOKEN_FILE=$E2E_TMP/admin.token ctl 1 dump --secrets \
    --file "$T/dump-admin.yaml"
[ ! -e "$T/dump-admin.yaml" ] && pass ||
    fail "a refused dump left its file"
for _u in ctl-a ctl-b ctl-c; do
	ctl 0 consumer delete "$_u"
done
for _t in "$TOK_A" "$TOK_B" "$TOK_C"; do
	[ "$(gateway "$_t" 401)" = 401 ] && pass ||
	    fail "a token of a deleted consumer still passes"
done
ctl 0 apply "$T/dump.yaml"
has "apply: 3 created" "apply of the dump"
for _t in "$TOK_A" "$TOK_B" "$TOK_C"; do
	[ "$(gateway "$_t" 200)" = 200 ] && pass ||
	    fail "a token minted before the wipe does not pass after apply"
done
ctl 0 dump --managed-by ctl-file
if cmp -s "$T/out" "$T/before.yaml"; then pass; else
	fail "the state after apply is not the state dumped:
$(diff "$T/before.yaml" "$T/out" | head -20)"
fi
A6=$(audit_count)
ctl 0 apply "$T/dump.yaml"
has "3 unchanged" "the dump applied twice"
[ "$(audit_count)" = "$A6" ] && pass || fail "the dump twice: an audit row"

echo "ctl: another file's consumer, or nobody's, is refused and untouched"
ctl 0 consumer create ctl-plain
SNAP_ST=$(snapshot st-a)
SNAP_PL=$(snapshot ctl-plain)
cat >"$T/other.yaml" <<EOF
{"_format": "adminutil/1", "managed_by": "ctl-file",
 "consumers": [{"username": "st-a", "groups": []},
   {"username": "ctl-plain", "groups": []},
   {"username": "ctl-a", "groups": ["appAccess", "contentUser"],
    "limits": {"hour": 7000}, "credentials": [{"key": "ctl-a-1"}]}]}
EOF
ctl 1 apply "$T/other.yaml"
err_has "MANAGED BY file-a, NOT ctl-file"
err_has "NO FILE (unmanaged)"
has "apply: 0 created, 0 changed, 1 unchanged, 0 deleted, 2 refused" \
    "refused"
[ "$(snapshot st-a)" = "$SNAP_ST" ] && [ "$(snapshot ctl-plain)" = \
    "$SNAP_PL" ] && pass || fail "a refused consumer was changed"
ctl 6 diff "$T/other.yaml" --adopt
grep -qE '^st-a +adopt +from file-a$' "$T/out" &&
    grep -qE '^ctl-plain +adopt +from unmanaged$' "$T/out" && pass ||
    fail "diff --adopt: $(cat "$T/out")"
[ "$(snapshot st-a)" = "$SNAP_ST" ] && pass || fail "diff --adopt wrote"
# A credential listed without its secret keeps the one it has.
[ "$(gateway "$TOK_A" 200)" = 200 ] && pass ||
    fail "a credential listed without its secret lost it"

echo "ctl: a key of another consumer: refused, nothing of it written"
cat >"$T/taken.yaml" <<EOF
_format: adminutil/1
managed_by: ctl-file
consumers:
  - username: ctl-d
    groups: [appAccess]
    credentials:
      - key: ctl-b-1
        algorithm: RS256
        public_key: |
$(sed 's/^/          /' "$T/rsa.pub")
EOF
A7=$(audit_count)
ctl 1 apply "$T/taken.yaml"
err_has "CREDENTIAL ctl-b-1: THE KEY BELONGS TO ANOTHER CONSUMER"
[ -z "$(snapshot ctl-d)" ] && [ "$(audit_count)" = "$A7" ] && pass ||
    fail "ctl-d was made"
printf '{"_format": "adminutil/1", "managed_by": "ctl-file", "consumers":
    [{"username": "ctl-d", "groups": [], "credentials": [{"key": "d",
    "algorithm": "RS256",
    "jwk": {"kty": "RSA"}}]}]}' >"$T/jwk.json"
ctl 1 apply "$T/jwk.json"
err_has "CREDENTIALS[0]: JWK"
[ -z "$(snapshot ctl-d)" ] && pass || fail "ctl-d was made"

echo "ctl: absent, --prune"
cat >"$T/fewer.yaml" <<EOF
_format: adminutil/1
managed_by: ctl-file
consumers:
  - username: ctl-a
    groups: [appAccess, contentUser]
    limits: {hour: 7000}
    credentials: [{key: ctl-a-1}]
  - username: ctl-c
    state: absent
EOF
ctl 6 diff "$T/fewer.yaml"
has "ctl-c     delete" "diff absent"
ctl 6 diff "$T/fewer.yaml" --prune
has "ctl-b     delete" "diff --prune"
[ -n "$(snapshot ctl-b)" ] && [ -n "$(snapshot ctl-c)" ] && pass ||
    fail "diff deleted"
ctl 0 apply "$T/fewer.yaml"
[ -z "$(snapshot ctl-c)" ] && [ -n "$(snapshot ctl-b)" ] && pass ||
    fail "absent: ctl-c is there, or ctl-b is not"
ctl 0 apply "$T/fewer.yaml" --prune
has "apply: 0 created, 0 changed, 2 unchanged, 1 deleted, 0 refused" \
    "apply --prune"
[ -z "$(snapshot ctl-b)" ] && [ -n "$(snapshot st-a)" ] &&
    [ -n "$(snapshot ctl-plain)" ] && pass ||
    fail "--prune: ctl-b is there, or another's consumer is gone"

echo "ctl: bad files and bad input: a clear message, a non-zero exit"
printf '_format: adminutil/1\nmanaged_by: ctl-file\nconsumers:\n  - &u {username: x, groups: []}\n  - *u\n' >"$T/alias.yaml"
printf '_format: adminutil/1\nmanaged_by: ctl-file\nmanaged_by: b\nconsumers: []\n' >"$T/twice.yaml"
printf '_format: adminutil/1\nmanaged_by: ctl-file\nconsumers:\n  - username: 12\n    groups: []\n' >"$T/number.yaml"
for _v in diff apply; do
	ctl 2 "$_v" "$T/alias.yaml"
	err_has "line 4: anchors, aliases and tags are not accepted"
	ctl 2 "$_v" "$T/twice.yaml"
	err_has "line 3: the key \"managed_by\" is given twice"
	ctl 2 "$_v" "$T/number.yaml"
	err_has "line 4: consumers[0].username: a string is expected, not an integer"
	ctl 2 "$_v"
	err_has "FILE is missing"
	ctl 2 "$_v" "$T/none.yaml"
	err_has "$T/none.yaml: No such file"
	ctl 2 "$_v" "$T/file.yaml" extra
	err_has 'unexpected argument "extra"'
	ctl 2 "$_v" "$T/file.yaml" --managed-by x
	err_has "--managed-by does not apply here"
done
ctl 2 dump --output xml
err_has '"xml" is neither yaml nor json'
ctl 2 dump --managed-by "a b"
err_has "--managed-by"
ctl 2 dump extra
err_has 'unexpected argument "extra"'
ctl 2 diff "$T/file.yaml" --secret-file "$T/x"
err_has "--secret-file does not apply here"
ctl 0 --help
has "apply FILE" "help"
# The completion knows the commands of one word and their options.
complete_after() {
	bash -c '. "$1"; shift; COMP_WORDS=(adminutil-ctl "$@")
	    COMP_CWORD=$#; _adminutil_ctl; echo "${COMPREPLY[*]}"' \
	    sh "$top_srcdir/completion/adminutil-ctl" "$@"
}
for _c in "dump --|--managed-by --secrets --file" \
    "diff x --|--prune --adopt" \
    "apply x --|--prune --adopt --secret-file" "d|dump diff"; do
	# shellcheck disable=SC2086
	case " $(complete_after ${_c%|*}) " in
	*" ${_c#*|} "*) pass ;;
	*) fail "completion after \"${_c%|*}\": $(complete_after ${_c%|*})" ;;
	esac
done

echo "state: no secret in any answer but those that give one, nor in"
echo "       anything adminutil-ctl printed"
# The answers of the routes that give one are left out: made secrets
# (changes' secrets) and the export with secrets.
jq -c 'select((.body | test("\"secrets\":\\[\\{")) or
    (.url | endswith("/v1/consumer/create")) or
    ((.url | endswith("/v1/state/export")) and
    (.body | test("\"secret\":")))|not)' "$ANSWERS" >"$T/plain"
while IFS= read -r _s; do
	[ -n "$_s" ] || continue
	if grep -qF -- "$_s" "$T/plain" "$E2E_TMP/au.log" \
	    "$T/ctl.all"; then
		fail "a secret appears in an answer or the log"
	else
		pass
	fi
done <"$SECRETS"

echo "state: the answers against docs/openapi.yaml"
if top_srcdir=$top_srcdir top_builddir=$top_builddir \
    "$top_srcdir/tests/docs/openapi.sh" answers "$ANSWERS" >"$T/openapi" 2>&1
then pass; else fail "openapi: $(tail -20 "$T/openapi")"; fi

ctl_done state
