# SPDX-License-Identifier: ISC
# A portal user's caps on two nodes at once: with one live credential of
# portal_max_credentials = 2, it generates one through A and one through
# B at the same moment: never more than 2 live.  CL_CAPS_TRIALS (20).

# The two hosts write to two nodes: A to n1, B to n2.
cl_spread on
pc_trials=${CL_CAPS_TRIALS:-20}
a=$(cl_portal A developer2 /v1/portal/access/request \
    -d '{"request":{"groups":["contentAdmin"]}}')
id=$(printf '%s\n' "$a" | sed -n 's/.*"id":\([0-9]*\).*/\1/p' | head -n 1)
[ "$(cl_code "$a")" = 200 ] && [ -n "$id" ] ||
    cl_fail "developer2 cannot ask for access: $(cl_code "$a")"
a=$(cl_portal A approver "/v1/access/$id/approve" -d '{"request":{}}')
[ "$(cl_code "$a")" = 200 ] || cl_fail "approver cannot approve: $a"
a=$(cl_portal A developer2 /v1/portal/credential/generate \
    -d '{"request":{"username":"caps-0"}}')
[ "$(cl_code "$a")" = 200 ] || cl_fail "developer2 cannot generate: $a"

pc_live="SELECT COUNT(*) FROM $CL_DB.credentials r JOIN $CL_DB.consumers c
    ON c.id = r.consumer_id WHERE c.owner = 'developer2' AND
    r.revoked_at IS NULL"
pc_over=0
pc_two=0
pc_codes=
k=$(cl_conflicts)
i=0
while [ "$i" -lt "$pc_trials" ]; do
	i=$((i + 1))
	# Both generate a new name: the names do not conflict, the caps must.
	cl_together "cl_portal_post A developer2 /v1/portal/credential/generate" \
	    "cl_portal_post B developer2 /v1/portal/credential/generate" \
	    "{\"request\":{\"username\":\"caps-a$i\"}}" \
	    "{\"request\":{\"username\":\"caps-b$i\"}}"
	c1=$(cat "$CL_TMP/together.1")
	c2=$(cat "$CL_TMP/together.2")
	pc_codes="$pc_codes $c1/$c2"
	[ "$c1" = 200 ] && [ "$c2" = 200 ] && pc_two=$((pc_two + 1))
	live=$(cl_sql 1 "$pc_live")
	[ "$live" -le 2 ] || pc_over=$((pc_over + 1))
	# Back to one live credential, the oldest, for the next trial.
	cl_sql 1 "UPDATE $CL_DB.credentials r JOIN $CL_DB.consumers c ON
	    c.id = r.consumer_id SET r.revoked_at = NOW(3) WHERE
	    c.owner = 'developer2' AND r.revoked_at IS NULL AND
	    c.username <> 'caps-0'"
	wait_for "[ \"\$(cl_sql 2 \"$pc_live\")\" = 1 ]" 5
done
cl_figure "portal caps race: conflicts Galera saw (1213)" \
    "$(( $(cl_conflicts) - k ))"
echo "portal caps race, the codes (A / B):$pc_codes" | fold -w 76 -s
cl_check "never more live credentials than the cap, generated on two nodes" \
    "$([ "$pc_over" -eq 0 ] && [ "$pc_two" -eq 0 ] && echo 1 || echo 0)" \
    "$pc_over of $pc_trials over, $pc_two with both answered 200"
