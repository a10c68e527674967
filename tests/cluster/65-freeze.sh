# SPDX-License-Identifier: ISC
# n3, the node no host uses, frozen (SIGSTOP) for CL_FREEZE_SECS (2), less
# than the cluster takes to evict it: an admin write through A waits
# for it, about as long as it is frozen, and commits once it is thawed;
# the gateway reads on, on both hosts.

# As shipped: both hosts write to n1.
cl_spread off

fz_secs=${CL_FREEZE_SECS:-2}
kv=$(cl_consumer A freeze-good contentAdmin) || cl_fail "cannot make a consumer"
fz_tok=$(cl_token ${kv% *} ${kv#* })
cl_known 2 "${kv% *}"
# Made on A, it passes on B once B's feed has read its audit row (B's
# key filter learns the key from it).
wait_for "[ \"\$(cl_gw B $fz_tok)\" = 200 ]" 5
cl_node_freeze 3 || cl_fail "cannot freeze n3"
fz_t=$(cl_ms)
# Thawed in the background while the write waits.
(sleep "$fz_secs"; cl_node_thaw 3) &
fz_thaw=$!
fz_gw=0
for h in A B; do
	[ "$(cl_gw "$h" "$fz_tok")" = 200 ] && fz_gw=$((fz_gw + 1))
done
fz_gwms=$(( $(cl_ms) - fz_t ))
c=$(cl_code "$(cl_admin A /v1/consumer/create \
    '{"request":{"username":"freeze-write"}}' --max-time 30)")
fz_w=$(( $(cl_ms) - fz_t ))
wait "$fz_thaw"
cl_figure "n3 frozen ${fz_secs} s: an admin write through A took" "$fz_w ms"
cl_check "n3 frozen: the gateway passes on both hosts, at once" \
    "$([ "$fz_gw" -eq 2 ] && [ "$fz_gwms" -lt 1000 ] && echo 1 || echo 0)" \
    "$fz_gw of 2 in $fz_gwms ms"
cl_check "n3 frozen: the admin write waited for it, then committed" \
    "$([ "$c" = 200 ] && [ "$fz_w" -ge $((fz_secs * 1000 - 300)) ] &&
    echo 1 || echo 0)" "HTTP $c after $fz_w ms"
wait_for "[ \"\$(cl_status 3 wsrep_local_state_comment)\" = Synced ]" 20
cl_check "n3 thawed: Synced, the cluster 3 nodes" \
    "$([ "$(cl_status 3 wsrep_local_state_comment)" = Synced ] &&
    [ "$(cl_status 1 wsrep_cluster_size)" = 3 ] && echo 1 || echo 0)"
