# SPDX-License-Identifier: ISC
# Two creates of one username at once, one through A (n1), one through
# B (n2): one consumer, whatever the interleaving (its unique key makes
# the two inserts conflict); both answers a credential of that consumer
# or a refusal, never a credential of a consumer that is not there.
# Then two registrations of one key on two consumers at once: one of
# them has it.  CL_CREATE_TRIALS trials (30).

# The two hosts write to two nodes: A to n1, B to n2.
cl_spread on
cr_trials=${CL_CREATE_TRIALS:-30}
cr_bad=0
cr_codes=
tok=$(cat "$CL_TMP/admin.token")
t=$(cl_ms)
k=$(cl_conflicts)
i=0
while [ "$i" -lt "$cr_trials" ]; do
	i=$((i + 1))
	cl_together "cl_post A /v1/consumer/create $tok" \
	    "cl_post B /v1/consumer/create $tok" \
	    "{\"request\":{\"username\":\"race-$i\"}}"
	cr_codes="$cr_codes $(cat "$CL_TMP/together.1")/$(cat "$CL_TMP/together.2")"
	n=$(cl_sql 1 "SELECT COUNT(*) FROM $CL_DB.consumers
	    WHERE username = 'race-$i'")
	[ "$n" = 1 ] || cr_bad=$((cr_bad + 1))
done
cl_figure "create race, trials" "$cr_trials in $(( $(cl_ms) - t )) ms"
cl_figure "create race: conflicts Galera saw (1213)" \
    "$(( $(cl_conflicts) - k ))"
echo "create race, the codes (A / B):$cr_codes" | fold -w 76 -s
cl_check "one consumer per username, created on two nodes at once" \
    "$([ "$cr_bad" -eq 0 ] && echo 1 || echo 0)" \
    "$cr_bad of $cr_trials trials wrong"
cr_dups=$(cl_sql 2 "SELECT COUNT(*) FROM (SELECT username FROM
    $CL_DB.consumers GROUP BY username HAVING COUNT(*) > 1) d")
cl_check "no username twice on n2" "$([ "$cr_dups" = 0 ] && echo 1 || echo 0)"

# One key registered on two consumers at once.
kr_bad=0
i=0
while [ "$i" -lt "$cr_trials" ]; do
	i=$((i + 1))
	key=$(openssl rand -hex 16)
	cl_together "cl_post A /v1/consumer/race-$i/credential/register $tok" \
	    "cl_post B /v1/consumer/race-$((i % cr_trials + 1))/credential/register $tok" \
	    "{\"request\":{\"key\":\"$key\"}}"
	c1=$(cat "$CL_TMP/together.1")
	c2=$(cat "$CL_TMP/together.2")
	n=$(cl_sql 1 "SELECT COUNT(*) FROM $CL_DB.credentials
	    WHERE \`key\` = '$key'")
	if [ "$n" != 1 ] || { [ "$c1" = 200 ] && [ "$c2" = 200 ]; }; then
		kr_bad=$((kr_bad + 1))
		echo "key race $i: $c1/$c2, $n rows"
	fi
done
cl_check "one key on one consumer, registered on two nodes at once" \
    "$([ "$kr_bad" -eq 0 ] && echo 1 || echo 0)" \
    "$kr_bad of $cr_trials trials wrong"
