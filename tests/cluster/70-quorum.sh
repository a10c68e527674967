# SPDX-License-Identifier: ISC
# 2 of 3 nodes gone at once (n1 and n3 killed): n2, host B's, is left
# without a quorum (non-Primary).  Admin writes through either host
# answer 503 and nothing is written to the survivor (its
# wsrep_last_committed and its rows as before); the gateway passes no
# token it cannot check.  Then n2 is made the primary component again
# (pc.bootstrap), n1 and n3 rejoin, and both hosts serve again.

# As shipped: both hosts write to n1.
cl_spread off

kv=$(cl_consumer A quorum-good contentAdmin) || cl_fail "cannot make a consumer"
qg=$(cl_token ${kv% *} ${kv#* })
# A credential neither host has seen: no cache can pass it.
kv=$(cl_consumer A quorum-unseen contentAdmin) || cl_fail "cannot make a consumer"
qu=$(cl_token ${kv% *} ${kv#* })
cl_known 2 "${kv% *}" || cl_fail "n2 does not have the new credential"
# Made on A, it passes on B once B's feed has read its audit row (B's
# key filter learns the key from it): within feed_interval and a read.
wait_for "[ \"\$(cl_gw B $qg)\" = 200 ]" 5 ||
    cl_fail "the good token does not pass B"

qseq=$(cl_status 2 wsrep_last_committed)
qrows=$(cl_sql 2 "SELECT (SELECT COUNT(*) FROM $CL_DB.consumers) +
    (SELECT COUNT(*) FROM $CL_DB.audit_log)")
qt=$(cl_ms)
cl_node_kill 1 & qk1=$!
cl_node_kill 3 & qk3=$!
wait "$qk1" "$qk3"
cl_log "n1 and n3 killed (kill -9)"
wait_for "[ \"\$(cl_status 2 wsrep_cluster_status)\" = non-Primary ]" 20
cl_figure "2 of 3 killed: n2 non-Primary after" "$(( $(cl_ms) - qt )) ms"
cl_check "n2 left without a quorum" \
    "$([ "$(cl_status 2 wsrep_cluster_status)" = non-Primary ] && echo 1 ||
    echo 0)"

qodd=0
qcodes=
i=0
while [ "$i" -lt 5 ]; do
	i=$((i + 1))
	for h in A B; do
		c=$(cl_code "$(cl_admin "$h" /v1/consumer/create \
		    "{\"request\":{\"username\":\"quorum-$h-$i\"}}" \
		    --max-time 30)")
		qcodes="$qcodes $h:$c"
		[ "$c" = 503 ] || qodd=$((qodd + 1))
	done
done
echo "2 of 3 killed: admin writes:$qcodes"
# n2 answers 1047 (not ready) to every statement, n1 and n3 nothing:
# no node of the list is usable.
cl_check "2 of 3 killed: every admin write answers 503" \
    "$([ "$qodd" -eq 0 ] && echo 1 || echo 0)" "$qodd of 10 not 503"
qwrong=0
for h in A B; do
	for tk in "$qu" "$(cl_token deadbeefdeadbeefdeadbeefdeadbeef 00)"; do
		[ "$(cl_gw "$h" "$tk")" != 200 ] || qwrong=$((qwrong + 1))
	done
done
cl_check "2 of 3 killed: the gateway passes no token it cannot check" \
    "$([ "$qwrong" -eq 0 ] && echo 1 || echo 0)" "$qwrong passed"
# A node without a quorum answers reads too only when asked for dirty
# reads.
qseq2=$(cl_status 2 wsrep_last_committed)
qrows2=$(cl_sql 2 "SET SESSION wsrep_dirty_reads = 1; SELECT
    (SELECT COUNT(*) FROM $CL_DB.consumers) +
    (SELECT COUNT(*) FROM $CL_DB.audit_log)")
cl_check "2 of 3 killed: nothing written to the survivor" \
    "$([ "$qseq2" = "$qseq" ] && [ "$qrows2" = "$qrows" ] && echo 1 ||
    echo 0)" "last committed $qseq then $qseq2, rows $qrows then $qrows2"

# Back: n2 the primary component, then n1 and n3 join it.
qr=$(cl_ms)
cl_sql 2 "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'" ||
    cl_fail "pc.bootstrap on n2 failed"
wait_for "[ \"\$(cl_status 2 wsrep_cluster_status)\" = Primary ]" 20
for i in 1 3; do
	cl_node_restart "$i" 120 || cl_fail "n$i did not rejoin"
	cl_log "n$i Synced again, by $CL_JOINED"
done
wait_for "[ \"\$(cl_code \"\$(cl_admin A /v1/consumer/create \
    '{\"request\":{\"username\":\"quorum-back-A\"}}')\")\" = 200 ]" 30
qa=$(cl_code "$(cl_admin A /v1/consumer/create \
    '{"request":{"username":"quorum-back-A"}}')")
qb=$(cl_code "$(cl_admin B /v1/consumer/create \
    '{"request":{"username":"quorum-back-B"}}')")
cl_figure "2 of 3 killed: bootstrap and two rejoins to whole service" \
    "$(( $(cl_ms) - qr )) ms"
cl_check "2 of 3 killed: both hosts write again once the nodes are back" \
    "$([ "$qa" = 200 ] && [ "$qb" = 200 ] && echo 1 || echo 0)" "A $qa, B $qb"
