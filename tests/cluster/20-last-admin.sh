# SPDX-License-Identifier: ISC
# The last-admin guard on two nodes at once: of the last two admins, P
# deletes Q through host A (n1) while P deletes itself through host B
# (n2), at the same moment.  A locking read locks on its own node only:
# the guard holds on a cluster only if the two changes write one row in
# common.  Never may both commit; CL_LAST_ADMIN_TRIALS trials (50).

la_trials=${CL_LAST_ADMIN_TRIALS:-50}
la_both=0
la_one=0
la_none=0
la_codes=
la_n=0
# P: the admin the stage bootstrapped, its token its own credential's.
la_p="$(sed -n 's/^key=//p' "$CL_TMP/admin.creds") $(sed -n 's/^secret=//p' \
    "$CL_TMP/admin.creds")"
la_pn=cluster-admin
la_q=$(cl_bootstrap la-q0) || cl_fail "cannot bootstrap an admin"
la_qn=la-q0
t=$(cl_ms)
k=$(cl_conflicts)
i=0
while [ "$i" -lt "$la_trials" ]; do
	i=$((i + 1))
	tok=$(cl_token ${la_p% *} ${la_p#* })
	cl_together "cl_post A /v1/consumer/$la_qn/delete $tok" \
	    "cl_post B /v1/consumer/$la_pn/delete $tok" '{"request":{}}'
	c1=$(cat "$CL_TMP/together.1")
	c2=$(cat "$CL_TMP/together.2")
	la_codes="$la_codes $c1/$c2"
	# The admins left, as the cluster has them.
	left=$(cl_sql 1 "SELECT COUNT(DISTINCT c.username) FROM
	    $CL_DB.consumers c JOIN $CL_DB.consumer_groups g ON g.consumer_id
	    = c.id JOIN $CL_DB.credentials r ON r.consumer_id = c.id AND
	    r.revoked_at IS NULL WHERE g.group_name = 'adminutilAdmin'")
	if [ "$c1" = 200 ] && [ "$c2" = 200 ]; then
		la_both=$((la_both + 1))
	elif [ "$c1" = 200 ] || [ "$c2" = 200 ]; then
		la_one=$((la_one + 1))
	else
		la_none=$((la_none + 1))
	fi
	[ "$left" -ge 1 ] || la_both=$((la_both + 0))
	# The next pair: who is left, and a new admin.
	la_n=$((la_n + 1))
	if [ "$c1" = 200 ] && [ "$c2" = 200 ] || [ "$left" -eq 0 ]; then
		la_p=$(cl_bootstrap "la-p$la_n") ||
		    cl_fail "cannot bootstrap an admin"
		la_pn=la-p$la_n
	elif [ "$c2" = 200 ]; then
		la_p=$la_q
		la_pn=$la_qn
	fi
	if [ "$c1" = 200 ] || [ "$c2" = 200 ] || [ "$left" -eq 0 ]; then
		la_q=$(cl_bootstrap "la-q$la_n") ||
		    cl_fail "cannot bootstrap an admin"
		la_qn=la-q$la_n
	fi
done
cl_figure "last-admin race, trials" "$la_trials in $(( $(cl_ms) - t )) ms"
k=$(( $(cl_conflicts) - k ))
cl_figure "last-admin race: conflicts Galera saw (1213)" "$k"
cl_figure "last-admin race: one delete / none / both" \
    "$la_one / $la_none / $la_both"
echo "last-admin race, the codes (Q on A / P on B):$la_codes" |
    fold -w 76 -s
cl_check "never both of the last two admins deleted" \
    "$([ "$la_both" -eq 0 ] && echo 1 || echo 0)" \
    "$la_both of $la_trials trials"
cl_check "the race had a winner in most trials" \
    "$([ "$la_one" -ge $((la_trials / 2)) ] && echo 1 || echo 0)" \
    "$la_one of $la_trials"
cl_check "the two deletes did overlap (Galera saw conflicts)" \
    "$([ "$k" -ge 1 ] && echo 1 || echo 0)" "$k"
# The tests that follow act as the admin left.
cl_token ${la_p% *} ${la_p#* } >"$CL_TMP/admin.token"
