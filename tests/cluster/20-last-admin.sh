# SPDX-License-Identifier: ISC
# The last-admin guard on two nodes at once.  Of the last two admins, P
# and Q, P takes Q away through host A (n1) while P takes itself away
# through host B (n2), at the same moment: by deleting both (odd
# trials), or by revoking Q's credential and its own admin group (even
# trials).  A locking read locks on its own node only: the guard holds
# on a cluster only if the two changes write one row in common.  Never
# may both commit.  CL_LAST_ADMIN_TRIALS trials (50).

# The two hosts write to two nodes: A to n1, B to n2.
cl_spread on
la_trials=${CL_LAST_ADMIN_TRIALS:-50}
la_both=0
la_one=0
la_none=0
la_codes=
# P: the admin the stage bootstrapped, its token its own credential's.
la_p="$(sed -n 's/^key=//p' "$CL_TMP/admin.creds") $(sed -n 's/^secret=//p' \
    "$CL_TMP/admin.creds")"
la_pn=cluster-admin
la_q=$(cl_bootstrap la-q0) || cl_fail "cannot bootstrap an admin"
la_qn=la-q0

# la_admin NAME: 1 if NAME is an admin with a live credential, as the
# cluster has it once every commit before is applied on n1.
la_admin() {
	cl_sql 1 "SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) > 0 FROM
	    $CL_DB.consumers c JOIN $CL_DB.consumer_groups g ON g.consumer_id
	    = c.id JOIN $CL_DB.credentials r ON r.consumer_id = c.id AND
	    r.revoked_at IS NULL WHERE g.group_name = 'adminutilAdmin' AND
	    c.username = '$1'"
}

t=$(cl_ms)
k=$(cl_conflicts)
i=0
while [ "$i" -lt "$la_trials" ]; do
	i=$((i + 1))
	tok=$(cl_token ${la_p% *} ${la_p#* })
	if [ $((i % 2)) -eq 1 ]; then
		cl_together "cl_post A /v1/consumer/$la_qn/delete $tok" \
		    "cl_post B /v1/consumer/$la_pn/delete $tok" \
		    '{"request":{}}'
	else
		cl_together \
		    "cl_post A /v1/consumer/$la_qn/credential/${la_q% *}/revoke $tok" \
		    "cl_post B /v1/consumer/$la_pn/revoke $tok" \
		    '{"request":{}}' \
		    '{"request":{"groups":["adminutilAdmin"]}}'
	fi
	la_codes="$la_codes $(cat "$CL_TMP/together.1")/$(cat "$CL_TMP/together.2")"
	p_ok=$(la_admin "$la_pn")
	q_ok=$(la_admin "$la_qn")
	if [ "$p_ok" = 0 ] && [ "$q_ok" = 0 ]; then
		la_both=$((la_both + 1))
		la_p=$(cl_bootstrap "la-p$i") ||
		    cl_fail "cannot bootstrap an admin"
		la_pn=la-p$i
	elif [ "$p_ok" = 0 ] || [ "$q_ok" = 0 ]; then
		la_one=$((la_one + 1))
		if [ "$p_ok" = 0 ]; then
			la_p=$la_q
			la_pn=$la_qn
		fi
	else
		la_none=$((la_none + 1))
		continue
	fi
	la_q=$(cl_bootstrap "la-q$i") || cl_fail "cannot bootstrap an admin"
	la_qn=la-q$i
done
k=$(( $(cl_conflicts) - k ))
cl_figure "last-admin race, trials" "$la_trials in $(( $(cl_ms) - t )) ms"
cl_figure "last-admin race: conflicts Galera saw (1213)" "$k"
cl_figure "last-admin race: one taken away / none / both" \
    "$la_one / $la_none / $la_both"
echo "last-admin race, the codes (Q on A / P on B):$la_codes" |
    fold -w 76 -s
cl_check "never both of the last two admins taken away" \
    "$([ "$la_both" -eq 0 ] && echo 1 || echo 0)" \
    "$la_both of $la_trials trials"
cl_check "the race had a winner in most trials" \
    "$([ "$la_one" -ge $((la_trials / 2)) ] && echo 1 || echo 0)" \
    "$la_one of $la_trials"
cl_check "the two changes did overlap (Galera saw conflicts)" \
    "$([ "$k" -ge 1 ] && echo 1 || echo 0)" "$k"
# The tests that follow act as the admin left.
cl_token ${la_p% *} ${la_p#* } >"$CL_TMP/admin.token"
