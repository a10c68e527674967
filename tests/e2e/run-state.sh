#!/bin/sh
# SPDX-License-Identifier: ISC
# Declarative state against adminutil behind nginx (tests/e2e/lib-e2e.sh):
# POST /v1/consumer/{username}/state and POST /v1/state/export as their
# contract says (a consumer made, set again with no change and no audit
# row, refused when another file or nobody manages it, a key of another
# consumer refused with nothing written, a dry run that writes nothing,
# a secret kept verbatim only for a caller of state_groups and its
# tokens passing the gateway, deleted when absent, exported with
# secrets only for state_groups and audited), then adminutil-ctl dump,
# diff and apply over them.  Every answer of the routes is checked
# against docs/openapi.yaml; no secret appears in any output.

. "$(dirname "$0")/lib-e2e.sh"

CTL=$top_builddir/adminutil-ctl

e2e_init nginx
command -v jq >/dev/null 2>&1 || e2e_fail "jq is not installed"
e2e_backend
e2e_nginx

T=$E2E_TMP/state
mkdir -p "$T/home" && chmod 700 "$T" || e2e_fail "cannot make $T"
ANSWERS=$T/answers.jsonl
ADMIN_TOKEN=$(cat "$E2E_TMP/admin.token")
# Every secret the run sees, one a line: no output may hold one.
SECRETS=$T/secrets
: >"$SECRETS"

checks=0
fails=0
pass() {
	checks=$((checks + 1))
}
fail() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL: $*"
	[ -s "$T/out" ] && sed 's|^|  out: |' "$T/out" | head -c 2000
	echo
}

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

# has TEXT WHAT: the last answer holds TEXT.
has() {
	if grep -qF -- "$1" "$T/out"; then pass; else
		fail "$2: the answer lacks \"$1\""; fi
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

# mint KEY SECRET: an HS256 token of an hour (iss = KEY).
mint() {
	_h=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
	_p=$(printf '{"iss":"%s","exp":%s}' "$1" "$(($(date +%s) + 3600))" |
	    b64url)
	_s=$(printf '%s.%s' "$_h" "$_p" |
	    openssl dgst -sha256 -hmac "$2" -binary | b64url)
	echo "$_h.$_p.$_s"
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
NEW_SECRET=new-$(openssl rand -hex 16)
echo "$NEW_SECRET" >>"$SECRETS"
api "$OP_TOKEN" /v1/consumer/st-c/state "{\"managed_by\":\"file-a\",
    \"groups\":[\"appAccess\"],\"credentials\":[{\"key\":\"st-c-1\",
    \"secret\":\"$NEW_SECRET\"}]}"
json '[.result.changes[].op]' '["credential.secret"]' "a secret replaced"
[ "$(gateway "$(mint st-c-1 "$NEW_SECRET")" 200)" = 200 ] && pass ||
    fail "the new secret's token does not pass"
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

if [ -x "$CTL" ] && [ -f "$top_srcdir/tests/e2e/state-ctl.sh" ]; then
	. "$top_srcdir/tests/e2e/state-ctl.sh"
fi

echo "state: no secret in any answer but those that give one"
# The answers of the routes that give one are left out: made secrets
# (changes' secrets) and the export with secrets.
jq -c 'select((.body | test("\"secrets\":\\[\\{")) or
    (.url | endswith("/v1/consumer/create")) or
    ((.url | endswith("/v1/state/export")) and
    (.body | test("\"secret\":")))|not)' "$ANSWERS" >"$T/plain"
while IFS= read -r _s; do
	[ -n "$_s" ] || continue
	if grep -qF -- "$_s" "$T/plain" "$E2E_TMP/au.log"; then
		fail "a secret appears in an answer or the log"
	else
		pass
	fi
done <"$SECRETS"

echo "state: the answers against docs/openapi.yaml"
if top_srcdir=$top_srcdir top_builddir=$top_builddir \
    "$top_srcdir/tests/docs/openapi.sh" answers "$ANSWERS" >"$T/openapi" 2>&1
then pass; else fail "openapi: $(tail -20 "$T/openapi")"; fi

echo "state: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
