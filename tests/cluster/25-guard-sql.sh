# SPDX-License-Identifier: ISC
# Why the guards row: the last-admin check's statements, by hand, in two
# sessions, one on n1 and one on n2, each taking one of the last two
# admins of a group away and reading under LOCK IN SHARE MODE whether
# another is left, both reads before either commits.  Without a write
# in common both commit (the locks are each node's own); with the
# guards row 'admins' written first (schema/010, as admin_left() does),
# one of the two fails (1213) and one admin is left.
# CL_GUARD_TRIALS trials of each (10).

gs_trials=${CL_GUARD_TRIALS:-10}

# gs_trial GUARD: one trial; prints the admins of guardAdmin left.
gs_trial() {
	_a=gs-a-$(openssl rand -hex 4)
	_b=gs-b-$(openssl rand -hex 4)
	for _u in $_a $_b; do
		cl_sql 1 "INSERT INTO $CL_DB.consumers (username) VALUES ('$_u');
		    INSERT INTO $CL_DB.consumer_groups (consumer_id, group_name,
		    position) SELECT id, 'guardAdmin', 0 FROM $CL_DB.consumers
		    WHERE username = '$_u'; INSERT INTO $CL_DB.credentials
		    (consumer_id, \`key\`, secret, algorithm) SELECT id,
		    '$(openssl rand -hex 16)', 'x', 'HS256' FROM $CL_DB.consumers
		    WHERE username = '$_u'" || return 1
	done
	_g=
	[ "$1" = 1 ] &&
	    _g="UPDATE guards SET turn = turn + 1 WHERE name = 'admins';"
	for _n in 1 2; do
		[ "$_n" = 1 ] && _u=$_a || _u=$_b
		cl_sql "$_n" "USE $CL_DB; SET SESSION wsrep_sync_wait = 1;
		    SET SESSION innodb_lock_wait_timeout = 5; BEGIN; $_g
		    DELETE FROM consumers WHERE username = '$_u';
		    SELECT COUNT(*) FROM consumer_groups g JOIN credentials r ON
		    r.consumer_id = g.consumer_id AND r.revoked_at IS NULL WHERE
		    g.group_name = 'guardAdmin' LOCK IN SHARE MODE;
		    DO SLEEP(0.3); COMMIT" >/dev/null 2>&1 &
	done
	wait
	cl_sql 1 "SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM
	    $CL_DB.consumer_groups WHERE group_name = 'guardAdmin'"
	cl_sql 1 "DELETE FROM $CL_DB.consumers WHERE username IN ('$_a', '$_b')"
}

gs_none=0
gs_guarded=0
i=0
while [ "$i" -lt "$gs_trials" ]; do
	i=$((i + 1))
	[ "$(gs_trial 0)" = 0 ] && gs_none=$((gs_none + 1))
	[ "$(gs_trial 1)" = 0 ] && gs_guarded=$((gs_guarded + 1))
done
cl_figure "last-admin check by hand, no admin left: without the guards row" \
    "$gs_none of $gs_trials"
cl_figure "last-admin check by hand, no admin left: with the guards row" \
    "$gs_guarded of $gs_trials"
cl_check "without a write in common, the locking reads let both commit" \
    "$([ "$gs_none" -ge 1 ] && echo 1 || echo 0)" "$gs_none of $gs_trials"
cl_check "with the guards row written, never both" \
    "$([ "$gs_guarded" -eq 0 ] && echo 1 || echo 0)" \
    "$gs_guarded of $gs_trials"
