# SPDX-License-Identifier: ISC
# The change feed across hosts: a change made through A is honoured by
# host B's gateway, its workers and its nginx pass cache, within 1 s,
# though cache_ttl is 60 s: B's follower reads the change from n2's
# audit trail.  FD_N changes, a credential revoked and a group taken in
# turn, each while B's gateway keeps being asked for the token (cached
# by B's workers and its nginx); the time from the admin call on A to
# B's first refusal, and none passes after it.

FD_N=20
fd_ms=
fd_after=0
i=0
while [ "$i" -lt "$FD_N" ]; do
	i=$((i + 1))
	kv=$(cl_consumer A "feed-$i" contentAdmin) ||
	    cl_fail "cannot make a consumer"
	tok=$(cl_token ${kv% *} ${kv#* })
	wait_for "[ \"\$(cl_gw B $tok)\" = 200 ]" 5 ||
	    cl_fail "feed-$i, made on A, does not pass B"
	cl_gw B "$tok" >/dev/null
	t0=$(cl_ms)
	if [ $((i % 2)) -eq 1 ]; then
		a=$(cl_admin A "/v1/consumer/feed-$i/credential/${kv% *}/revoke" \
		    '{"request":{}}')
	else
		a=$(cl_admin A "/v1/consumer/feed-$i/revoke" \
		    '{"request":{"groups":["contentAdmin"]}}')
	fi
	[ "$(cl_code "$a")" = 200 ] ||
	    cl_fail "change $i through A: HTTP $(cl_code "$a")"
	while [ "$(cl_gw B "$tok")" = 200 ] &&
	    [ $(($(cl_ms) - t0)) -lt 5000 ]; do
		:
	done
	fd_ms="$fd_ms $(($(cl_ms) - t0))"
	for j in 1 2 3; do
		[ "$(cl_gw B "$tok")" != 200 ] || fd_after=$((fd_after + 1))
	done
done
fd_sorted=$(printf '%s\n' $fd_ms | sort -n)
fd_p50=$(printf '%s\n' "$fd_sorted" | sed -n "$((FD_N / 2 + 1))p")
fd_max=$(printf '%s\n' "$fd_sorted" | tail -n 1)
cl_figure "a change on A honoured by B's gateway (cache_ttl 60 s), p50" \
    "$fd_p50 ms"
cl_figure "a change on A honoured by B's gateway (cache_ttl 60 s), max" \
    "$fd_max ms"
cl_check "$FD_N changes on A honoured by B within 1 s" \
    "$([ "$fd_max" -le 1000 ] && echo 1 || echo 0)" "max $fd_max ms"
cl_check "no pass on B after its first refusal" \
    "$([ "$fd_after" -eq 0 ] && echo 1 || echo 0)" "$fd_after passed"
