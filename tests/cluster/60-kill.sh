# SPDX-License-Identifier: ISC
# n1, the node both hosts write to and A's gateway reads, killed with
# kill -9 under gateway load on both hosts and admin writes through
# both, then restarted:
#   - no wrong 200: a revoked credential's token and a token of a wrong
#     signature never pass, on either host;
#   - both gateways keep passing the good token: B reads n2, A's
#     workers leave n1 for the next node of db_read_hosts;
#   - admin writes through both hosts move to n2 and commit, or answer
#     503; what each wrote is all there or not at all (read afterwards);
#   - each host's service is whole again (every write 200 within 1 s,
#     every uncached check 200 within 1 s) within CL_KILL_WHOLE_MS
#     (10 s) of the kill, before n1 is started again: the cluster's
#     eviction of n1 (5-6 s) and a rerun's pause;
#   - a credential revoked through B while n1 is down (once the write
#     has committed on n2) is refused by A's and B's gateways within
#     1000 ms of the answer, and never passes again (polled to the end);
#   - n1 rejoins by IST (the cluster pauses writes a moment for it: the
#     longest write then is printed), and once it is Synced both hosts'
#     admin workers are back on it (/health) within CL_KILL_RETURN_MS
#     (15 s: a worker asks at its next statement, 2 s after its last
#     probe, 8 s after a probe that n1, starting, let wait).  A gateway
#     worker that answers from its cache runs no statement, and stays
#     on the node it has until it does: how many still were is printed.

# As shipped: both hosts write to n1.
cl_spread off
kl_whole_max=${CL_KILL_WHOLE_MS:-10000}
kl_return_max=${CL_KILL_RETURN_MS:-15000}
kv=$(cl_consumer B kill-good contentAdmin) || cl_fail "cannot make a consumer"
kl_good=$(cl_token ${kv% *} ${kv#* })
kl_forged=$(cl_token ${kv% *} "0${kv#* }")
kv=$(cl_consumer B kill-revoked contentAdmin) || cl_fail "cannot make a consumer"
kl_revoked=$(cl_token ${kv% *} ${kv#* })
a=$(cl_admin B "/v1/consumer/kill-revoked/credential/${kv% *}/revoke" \
    '{"request":{}}')
[ "$(cl_code "$a")" = 200 ] || cl_fail "cannot revoke a credential"
kv=$(cl_consumer B kill-late contentAdmin) || cl_fail "cannot make a consumer"
kl_late_key=${kv% *}
kl_late=$(cl_token ${kv% *} ${kv#* })
# The revoked one out of every cache (the change feed: 1 s at most).
sleep 3
for h in A B; do
	[ "$(cl_gw "$h" "$kl_good")" = 200 ] ||
	    cl_fail "the good token does not pass $h"
	[ "$(cl_gw "$h" "$kl_revoked")" = 401 ] ||
	    cl_fail "the revoked token is not refused on $h"
	[ "$(cl_health_node "$h")" = "$(cl_node_list 1)" ] ||
	    cl_fail "host $h does not write to n1"
done
kl_n1=$(cl_node_list 1)
kl_n2=$(cl_node_list 2)

cat >"$CL_TMP/count.lua" <<'LUA'
local threads = {}
function setup(thread)
	table.insert(threads, thread)
end
function init()
	ok, unauth, other = 0, 0, 0
end
function response(status)
	if status == 200 then ok = ok + 1
	elseif status == 401 then unauth = unauth + 1
	else other = other + 1 end
end
function done(summary)
	local o, u, x = 0, 0, 0
	for _, t in ipairs(threads) do
		o = o + t:get("ok")
		u = u + t:get("unauth")
		x = x + t:get("other")
	end
	local e = summary.errors
	io.write(string.format("counts %d %d %d %d\n", o, u, x,
	    e.connect + e.read + e.write + e.timeout))
end
LUA

# kl_loop HOST KIND OUT: until $CL_TMP/kill.stop, "ms code name took"
# lines (ms when answered, took in ms).  KIND bad: the revoked and the
# forged tokens on the gateway; gw: the good token, each time on
# another URI (nginx keeps no pass for it: the worker's cache answers,
# or the database once it expired, cache_ttl 2 s); write: an admin
# create a time.
kl_loop() {
	_i=0
	while [ ! -e "$CL_TMP/kill.stop" ]; do
		_i=$((_i + 1))
		_t0=$(cl_ms)
		case $2 in
		bad)
			echo "$(cl_ms) $(cl_gw "$1" "$kl_revoked") revoked"
			echo "$(cl_ms) $(cl_gw "$1" "$kl_forged") forged"
			;;
		gw)
			_c=$(cl_curl "$1" gw "/content/v1/flag/accept?kill=$_i" \
			    -o /dev/null -w '%{http_code}' \
			    -H "Authorization: Bearer $kl_good")
			echo "$(cl_ms) $_c gw-$_i $(( $(cl_ms) - _t0 ))"
			sleep 0.05
			;;
		write)
			_n=kill-$1-$_i
			_c=$(cl_curl "$1" admin /v1/consumer/create -X POST \
			    -o /dev/null -w '%{http_code}' --max-time 30 \
			    -H 'Content-Type: application/json' \
			    -H "Authorization: Bearer $(cat "$CL_TMP/admin.token")" \
			    -d "{\"request\":{\"username\":\"$_n\"}}")
			echo "$(cl_ms) $_c $_n $(( $(cl_ms) - _t0 ))"
			sleep 0.05
			;;
		esac
	done >"$3"
}

# kl_back: eight /health answers in a row of each host naming n1.
kl_back() {
	for _bh in A B; do
		cl_same_node "$_bh" "$kl_n1" 8 || return 1
	done
}

rm -f "$CL_TMP/kill.stop"
kl_pids=
kl_wrks=
for h in A B; do
	kl_fail0_h=$(cl_metric "$h" adminutil_db_failovers_total)
	eval "kl_fail0_$h=\$kl_fail0_h"
	# wrk runs until INT (its own pid: ip netns exec execs it).
	$(cl_nsx "$h") wrk -t1 -c4 -d600s --timeout 5s -s "$CL_TMP/count.lua" \
	    -H "Authorization: Bearer $kl_good" \
	    "http://127.0.0.1:$(cl_port "$h" gw)/content/v1/flag/accept" \
	    >"$CL_TMP/kill.wrk.$h" 2>&1 &
	kl_wrks="$kl_wrks $!"
	for k in bad gw write; do
		kl_loop "$h" "$k" "$CL_TMP/kill.$k.$h" &
		kl_pids="$kl_pids $!"
	done
done
sleep 3
kl_t=$(cl_ms)
cl_node_kill 1 || cl_fail "cannot kill n1"
cl_log "n1 killed (kill -9)"
# Writes stall on every node until the cluster evicts n1.
wait_for "[ \"\$(cl_status 2 wsrep_cluster_size)\" = 2 ]" 20
kl_evict=$(( $(cl_ms) - kl_t ))
for h in A B; do
	wait_for "awk -v t=$kl_t '\$1 > t && \$2 == 200 { f = 1 }
	    END { exit !f }' '$CL_TMP/kill.write.$h'" 20
done
# n1 down, writes going on: a credential revoked through B, polled on
# both gateways from before the revoke to the end.
kl_polls=
for h in A B; do
	cl_poll_start "$h" "$kl_late" "late$h"
	kl_polls="$kl_polls $CL_POLL_PID"
done
for h in A B; do
	wait_for "[ -e '$CL_TMP/poll.late$h.ok' ]" 10 ||
	    cl_fail "kill-late's token does not pass $h with n1 down"
done
kl_ls=$(cl_ms)
kl_lc=$(cl_code "$(cl_admin B \
    "/v1/consumer/kill-late/credential/$kl_late_key/revoke" '{"request":{}}' \
    --max-time 30)")
kl_la=$(cl_ms)
# Seconds of whole service before n1 comes back.
sleep 4
# Where each host's admin workers are now.
kl_on2=0
for h in A B; do
	cl_same_node "$h" "$kl_n2" 4 && kl_on2=$((kl_on2 + 1))
done
kl_r=$(cl_ms)
if cl_node_restart 1 120; then
	kl_s=$(cl_ms)
	kl_sync=$((kl_s - kl_r))
	cl_log "n1 Synced again, $kl_sync ms after its start, by $CL_JOINED"
	kl_joined=$CL_JOINED
	if wait_for kl_back $((kl_return_max / 1000 + 10)); then
		kl_ret=$(( $(cl_ms) - kl_s ))
		kl_later="A $(cl_later_workers A), B $(cl_later_workers B)"
	else
		kl_ret=-1
		kl_later="A $(cl_later_workers A), B $(cl_later_workers B)"
		for h in A B; do
			echo "host $h: $(cl_curl "$h" admin /metrics |
			    grep '^adminutil_db_node_workers' | tr '\n' ' ')" \
			    "/health: $(cl_health_node "$h")"
		done
	fi
	cl_log "both hosts back on n1 ($kl_ret ms after it was Synced)"
else
	kl_sync=-1
	kl_joined=none
	kl_ret=-1
	kl_later=-
fi
sleep 1
: >"$CL_TMP/kill.stop"
for p in $kl_wrks; do
	cl_signal INT "$p"
done
for p in $kl_pids $kl_wrks; do
	wait "$p"
done
for p in $kl_polls; do
	cl_poll_stop "$p"
done

cl_figure "kill -9 n1: n1 evicted (cluster of 2) after" "$kl_evict ms"
cl_figure "kill -9 n1: restarted after the kill, Synced after" \
    "$((kl_r - kl_t)) ms, $kl_sync ms ($kl_joined)"
for h in A B; do
	read -r ok unauth other errs <<EOF2
$(awk '$1 == "counts" { print $2, $3, $4, $5; f = 1 }
    END { if (!f) print "0 0 0 0" }' "$CL_TMP/kill.wrk.$h")
EOF2
	total=$((ok + unauth + other + errs))
	cl_figure "kill -9 n1: host $h's gateway (wrk), good token" \
	    "$ok of $total passed, $unauth 401, $other other, $errs errors"
	cl_check "host $h's gateway kept passing the good token" \
	    "$([ "$total" -gt 0 ] && [ $((ok * 1000)) -ge \
	    $((total * 999)) ] && echo 1 || echo 0)" "$ok of $total"
	gok=$(awk '$2 == 200' "$CL_TMP/kill.gw.$h" | wc -l)
	gall=$(wc -l <"$CL_TMP/kill.gw.$h")
	gslow=$(awk '{ print $4 }' "$CL_TMP/kill.gw.$h" | sort -n | tail -n 1)
	cl_figure "kill -9 n1: host $h's gateway, no pass cache" \
	    "$gok of $gall passed, the slowest $gslow ms"
	wrong=$(awk '$2 == 200' "$CL_TMP/kill.bad.$h" | wc -l)
	tried=$(wc -l <"$CL_TMP/kill.bad.$h")
	cl_check "host $h: no 200 for a revoked or a forged token" \
	    "$([ "$wrong" -eq 0 ] && [ "$tried" -gt 0 ] && echo 1 || echo 0)" \
	    "$wrong of $tried"
	codes=$(awk '{ print $2 }' "$CL_TMP/kill.write.$h" | sort | uniq -c |
	    awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }')
	cl_figure "kill -9 n1: admin writes through $h" "$codes"
	cl_figure "kill -9 n1: host $h's longest admin write" \
	    "$(awk '$4 > m { m = $4 } END { print m + 0 }' \
	    "$CL_TMP/kill.write.$h") ms"
	odd=$(awk '$2 != 200 && $2 != 503' "$CL_TMP/kill.write.$h" | wc -l)
	cl_check "host $h: every admin write 200 or 503" \
	    "$([ "$odd" -eq 0 ] && echo 1 || echo 0)" "$odd others"
	n=$(awk -v a="$kl_t" -v b="$kl_r" '$1 > a && $1 < b && $2 == 200' \
	    "$CL_TMP/kill.write.$h" | wc -l)
	cl_check "host $h: admin writes committed while n1 was down" \
	    "$([ "$n" -gt 0 ] && echo 1 || echo 0)" "$n"
	# Whole: writes and uncached checks 200 within 1 s, for good,
	# before n1 was started again.
	for k in write gw; do
		awk -v r="$kl_r" '$1 < r' "$CL_TMP/kill.$k.$h" \
		    >"$CL_TMP/kill.$k.$h.out"
	done
	w=$(cl_whole_after "$kl_t" "$CL_TMP/kill.write.$h.out" 1000)
	g=$(cl_whole_after "$kl_t" "$CL_TMP/kill.gw.$h.out" 1000)
	whole=$(printf '%s\n%s\n' "$w" "$g" | awk '
	    / ms$/ { if ($1 > m) m = $1; next }
	    /not again/ { bad = 1 }
	    END { print bad ? -1 : m + 0 }')
	cl_figure "kill -9 n1: host $h whole again after the kill" \
	    "$whole ms (writes: $w, uncached checks: $g)"
	cl_check "host $h whole again within $kl_whole_max ms of the kill" \
	    "$([ "$whole" -ge 0 ] && [ "$whole" -le "$kl_whole_max" ] &&
	    echo 1 || echo 0)" "$whole ms"
	cl_figure "kill -9 n1: n1's rejoin, host $h's longest write, check" \
	    "$(awk -v r="$kl_r" '$1 >= r && $4 > m { m = $4 }
	    END { print m + 0 }' "$CL_TMP/kill.write.$h") ms, $(awk \
	    -v r="$kl_r" '$1 >= r && $4 > m { m = $4 } END { print m + 0 }' \
	    "$CL_TMP/kill.gw.$h") ms"
	f0=$(eval "echo \$kl_fail0_$h")
	f=$(( $(cl_metric "$h" adminutil_db_failovers_total) - f0 ))
	cl_figure "kill -9 n1: host $h's failovers (away and back)" "$f"
done
cl_figure "kill -9 n1: a revoke through B with n1 down took" \
    "$((kl_la - kl_ls)) ms (HTTP $kl_lc)"
for h in A B; do
	read -r ok no after polls gap <<EOF2
$(cl_poll_result "late$h")
EOF2
	ms=$([ "$no" -gt 0 ] && echo $((no - kl_la)) || echo -1)
	cl_figure "kill -9 n1: that revoke refused by $h's gateway after" \
	    "$ms ms from its answer ($polls polls, at most $gap ms apart)"
	cl_check "n1 down: a revoke through B refused by $h within 1000 ms" \
	    "$([ "$kl_lc" = 200 ] && [ "$no" -gt 0 ] && [ "$ms" -le 1000 ] &&
	    echo 1 || echo 0)" "$ms ms"
	cl_check "n1 down: never a 200 on $h after that refusal" \
	    "$([ "$after" -eq 0 ] && echo 1 || echo 0)" "$after"
done
cl_check "n1 down: both hosts' admin workers on n2" \
    "$([ "$kl_on2" -eq 2 ] && echo 1 || echo 0)" "$kl_on2 of 2"
cl_figure "kill -9 n1: the admin workers back on n1 after" \
    "$kl_ret ms from n1 Synced"
cl_figure "kill -9 n1: workers on a later node then (/metrics)" "$kl_later"
cl_check "n1 Synced: both hosts' admin workers on it within $kl_return_max ms" \
    "$([ "$kl_ret" -ge 0 ] && [ "$kl_ret" -le "$kl_return_max" ] &&
    echo 1 || echo 0)" "$kl_ret ms"
# Whole or nothing: a consumer of the writes has its credential and its
# audit row; one answered 200 is there.
cl_node_synced 1 30
half=$(cl_sql 2 "SELECT COUNT(*) FROM $CL_DB.consumers c WHERE c.username
    LIKE 'kill-%-%' AND (NOT EXISTS (SELECT 1 FROM $CL_DB.credentials r
    WHERE r.consumer_id = c.id) OR NOT EXISTS (SELECT 1 FROM
    $CL_DB.audit_log l WHERE l.consumer = c.username))")
cl_check "no admin write half-written" \
    "$([ "$half" = 0 ] && echo 1 || echo 0)" "$half consumers without their rows"
lost=0
for n in $(awk '$2 == 200 { print $3 }' "$CL_TMP/kill.write.A" \
    "$CL_TMP/kill.write.B"); do
	[ "$(cl_sql 2 "SELECT COUNT(*) FROM $CL_DB.consumers
	    WHERE username = '$n'")" = 1 ] || lost=$((lost + 1))
done
cl_check "every write answered 200 is there" \
    "$([ "$lost" -eq 0 ] && echo 1 || echo 0)" "$lost missing"
cl_check "n1 rejoined by IST" \
    "$([ "$kl_joined" = IST ] && echo 1 || echo 0)" "$kl_joined"
n=$(cl_sql 1 "SELECT COUNT(*) FROM $CL_DB.consumers")
cl_check "n1 has what was written while it was down" \
    "$([ "$n" = "$(cl_sql 2 "SELECT COUNT(*) FROM $CL_DB.consumers")" ] &&
    echo 1 || echo 0)" "$n consumers"
