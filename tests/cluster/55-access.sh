# SPDX-License-Identifier: ISC
# An approval revoked through A while its requester generates a
# credential through B, at the same moment: the generation reads what
# the requester is entitled to, the revocation takes the groups back
# from the requester's consumers; on two nodes the two must still be
# one after the other (the owner's row), so no consumer of the
# requester keeps a group no approval gives.  CL_ACCESS_TRIALS (10).

# The two hosts write to two nodes: A to n1, B to n2.
cl_spread on
ac_trials=${CL_ACCESS_TRIALS:-10}
ac_bad=0
ac_codes=
ac_held="SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM
    $CL_DB.consumer_groups g JOIN $CL_DB.consumers c ON c.id = g.consumer_id
    WHERE c.owner = 'developer' AND g.group_name = 'contentAdmin'"
k=$(cl_conflicts)
i=0
while [ "$i" -lt "$ac_trials" ]; do
	i=$((i + 1))
	a=$(cl_portal A developer /v1/portal/access/request \
	    -d '{"request":{"groups":["contentAdmin"]}}')
	id=$(printf '%s\n' "$a" | sed -n 's/.*"id":\([0-9]*\).*/\1/p' |
	    head -n 1)
	[ "$(cl_code "$a")" = 200 ] && [ -n "$id" ] ||
	    cl_fail "developer cannot ask for access: $(cl_code "$a")"
	a=$(cl_portal A approver "/v1/access/$id/approve" -d '{"request":{}}')
	[ "$(cl_code "$a")" = 200 ] || cl_fail "approver cannot approve: $a"
	wait_for "[ \"\$(cl_sql 2 \"SELECT state FROM $CL_DB.access_requests
	    WHERE id = $id\")\" = approved ]" 5
	cl_together "cl_portal_post A approver /v1/access/$id/revoke" \
	    "cl_portal_post B developer /v1/portal/credential/generate" \
	    '{"request":{"reason":"taken back"}}' \
	    "{\"request\":{\"username\":\"access-b$i\"}}"
	ac_codes="$ac_codes $(cat "$CL_TMP/together.1")/$(cat "$CL_TMP/together.2")"
	held=$(cl_sql 1 "$ac_held")
	if [ "$held" != 0 ]; then
		ac_bad=$((ac_bad + 1))
		echo "access race $i: $held consumers keep contentAdmin"
		cl_sql 1 "DELETE g FROM $CL_DB.consumer_groups g JOIN
		    $CL_DB.consumers c ON c.id = g.consumer_id WHERE
		    c.owner = 'developer' AND g.group_name = 'contentAdmin'"
	fi
	# Under the caps (portal_max_credentials) for the next trial.
	cl_sql 1 "UPDATE $CL_DB.credentials r JOIN $CL_DB.consumers c ON
	    c.id = r.consumer_id SET r.revoked_at = NOW(3) WHERE
	    c.owner = 'developer' AND r.revoked_at IS NULL"
done
cl_figure "approval revoked while generating: conflicts Galera saw (1213)" \
    "$(( $(cl_conflicts) - k ))"
echo "access race, the codes (revoke on A / generate on B):$ac_codes" |
    fold -w 76 -s
cl_check "no group kept that no approval gives, revoked and generated at once" \
    "$([ "$ac_bad" -eq 0 ] && echo 1 || echo 0)" \
    "$ac_bad of $ac_trials trials"
