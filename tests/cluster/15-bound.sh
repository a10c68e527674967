# SPDX-License-Identifier: ISC
# The revocation bound across hosts: CL_BOUND_CHANGES (52) changes made
# through host A (a credential revoked, contentAdmin taken away, the
# consumer deleted, the secret rotated without grace, in turn), each
# observed through host B's gateway, nginx's pass cache as shipped, by
# a poller that saw the token pass first and asks again 10 ms after
# each answer (cl_bound).  From the change's request to the first
# refusal: p50, p99, max; every change refused within 1000 ms, and no
# 200 in the 300 ms of polls after the refusal.

# As shipped: both hosts write to n1.
cl_spread off
bd_n=${CL_BOUND_CHANGES:-52}
bd_t=$(cl_ms)
cl_bound A B "$bd_n" stage ||
    cl_fail "the bound's consumers or changes failed (through A)"
read -r bd_p50 bd_p99 bd_max <<EOF2
$(cl_bound_stats "$CL_TMP/bound.stage")
EOF2
bd_seen=$(awk '$2 >= 0' "$CL_TMP/bound.stage" | wc -l)
bd_after=$(awk '{ s += $3 } END { print s + 0 }' "$CL_TMP/bound.stage")
bd_gap=$(awk '$5 > m { m = $5 } END { print m + 0 }' "$CL_TMP/bound.stage")
for k in revoke groups delete rotate; do
	cl_figure "revocation bound A->B: $k, max" \
	    "$(awk -v k="$k" '$1 == k && $2 > m { m = $2 }
	    END { print m + 0 }' "$CL_TMP/bound.stage") ms"
done
cl_figure "revocation bound A->B ($bd_n changes), p50 / p99 / max" \
    "$bd_p50 / $bd_p99 / $bd_max ms"
cl_figure "revocation bound A->B: the longest time between two polls" \
    "$bd_gap ms ($(( ($(cl_ms) - bd_t) / 1000 )) s in all)"
cl_check "every change through A refused by B's gateway" \
    "$([ "$bd_seen" -eq "$bd_n" ] && echo 1 || echo 0)" "$bd_seen of $bd_n"
cl_check "B's gateway refused each within 1000 ms" \
    "$([ "$bd_max" -le 1000 ] && echo 1 || echo 0)" "max $bd_max ms"
cl_check "no 200 after a refusal" \
    "$([ "$bd_after" -eq 0 ] && echo 1 || echo 0)" "$bd_after"
