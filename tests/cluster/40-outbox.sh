# SPDX-License-Identifier: ISC
# Two senders, A's and B's, claim from one outbox on two nodes at once:
# each mail is sent once.  CL_OUTBOX_MAILS mails (60) are queued due in
# 3 s; a portal request through each host then rings its sender, which
# sends that request's mail and sleeps until the queued ones are due:
# both wake at the same moment and claim.

# The two hosts write to two nodes: A to n1, B to n2.
cl_spread on
ob_n=${CL_OUTBOX_MAILS:-60}
ob_due=$(( $(cl_ms) + 3000 ))
ob_before=$(cl_sql 1 "SELECT COALESCE(MAX(id), 0) FROM $CL_DB.outbox")
i=0
ob_sql=
while [ "$i" -lt "$ob_n" ]; do
	i=$((i + 1))
	ob_sql="$ob_sql${ob_sql:+,}($(cl_ms), 'ops$i@example.test',
	    'cluster outbox $i', 'mail $i', '<cluster-$i@example.test>', $ob_due)"
done
cl_sql 1 "INSERT INTO $CL_DB.outbox (created_at, rcpt, subject, body,
    message_id, next_at) VALUES $ob_sql" || cl_fail "cannot queue mails"
k=$(cl_conflicts)
# A portal request through each host: each rings its own sender.
for h in A B; do
	pw=$(awk '$1 == "developer" { print $2 }' "$CL_TMP/portal.passwords")
	code=$(cl_curl "$h" portal /v1/portal/access/request -X POST \
	    -o /dev/null -w '%{http_code}' -u "developer:$pw" \
	    -H 'Content-Type: application/json' \
	    -d '{"request":{"groups":["contentAdmin"]}}')
	cl_check "a portal request through $h" \
	    "$([ "$code" = 200 ] && echo 1 || echo 0)" "HTTP $code"
done
wait_for "[ \"\$(cl_sql 1 'SELECT COUNT(*) FROM $CL_DB.outbox WHERE
    sent_at IS NULL')\" = 0 ]" 30
ob_unsent=$(cl_sql 1 "SELECT COUNT(*) FROM $CL_DB.outbox WHERE sent_at IS NULL")
ob_twice=0
ob_a=0
ob_b=0
ob_all=0
# Galera hands out AUTO_INCREMENT ids with gaps (a step of 3 here).
for i in $(cl_sql 1 "SELECT id FROM $CL_DB.outbox WHERE id > $ob_before"); do
	ob_all=$((ob_all + 1))
	na=$(grep -c "mail $i sent " "$CL_TMP/A/adminutil.log")
	nb=$(grep -c "mail $i sent " "$CL_TMP/B/adminutil.log")
	ob_a=$((ob_a + na))
	ob_b=$((ob_b + nb))
	if [ $((na + nb)) -ne 1 ]; then
		ob_twice=$((ob_twice + 1))
		echo "mail $i: sent $na times by A, $nb times by B"
	fi
done
cl_figure "outbox race: mails sent by A / by B" "$ob_a / $ob_b"
cl_figure "outbox race: conflicts Galera saw (1213)" \
    "$(( $(cl_conflicts) - k ))"
cl_check "every mail of the outbox sent" \
    "$([ "$ob_unsent" = 0 ] && echo 1 || echo 0)" "$ob_unsent not sent"
cl_check "each mail sent once by the two senders" \
    "$([ "$ob_twice" -eq 0 ] && echo 1 || echo 0)" \
    "$ob_twice of $ob_all not once"
cl_check "both senders sent some (they raced)" \
    "$([ "$ob_a" -gt 1 ] && [ "$ob_b" -gt 1 ] && echo 1 || echo 0)"
