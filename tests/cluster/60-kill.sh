# SPDX-License-Identifier: ISC
# n1, host A's node, killed with kill -9 under gateway load on both
# hosts and admin writes through both, then restarted:
#   - no wrong 200: a revoked credential's token and a token of a wrong
#     signature never pass, on either host;
#   - B's gateway (its node lives) keeps passing; what A passes comes
#     from its caches, the rest it refuses (fails closed);
#   - every admin write commits whole or answers 503, and what it wrote
#     is all there or not at all (the database read afterwards);
#   - n1 rejoins by IST; the times to whole service are printed.

kl_secs=${CL_KILL_LOAD_SECS:-30}
kv=$(cl_consumer B kill-good contentAdmin) || cl_fail "cannot make a consumer"
kl_good=$(cl_token ${kv% *} ${kv#* })
kl_forged=$(cl_token ${kv% *} "0${kv#* }")
kv=$(cl_consumer B kill-revoked contentAdmin) || cl_fail "cannot make a consumer"
kl_revoked=$(cl_token ${kv% *} ${kv#* })
a=$(cl_admin B "/v1/consumer/kill-revoked/credential/${kv% *}/revoke" \
    '{"request":{}}')
[ "$(cl_code "$a")" = 200 ] || cl_fail "cannot revoke a credential"
# The revoked one out of every cache (the change feed: 1 s at most).
sleep 3
for h in A B; do
	[ "$(cl_gw "$h" "$kl_good")" = 200 ] ||
	    cl_fail "the good token does not pass $h"
	[ "$(cl_gw "$h" "$kl_revoked")" = 401 ] ||
	    cl_fail "the revoked token is not refused on $h"
done

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

# kl_wrk HOST TOKEN OUT: gateway load in HOST's namespace.
kl_wrk() {
	cl_in "$1" wrk -t1 -c4 -d"${kl_secs}s" --timeout 5s -s "$CL_TMP/count.lua" \
	    -H "Authorization: Bearer $2" \
	    "http://127.0.0.1:$(cl_port "$1" gw)/content/v1/flag/accept" \
	    >"$3" 2>&1
}

# kl_loop HOST KIND OUT: until $CL_TMP/kill.stop, "ms code [name]" lines:
# KIND bad: the revoked and the forged tokens on the gateway; write: an
# admin create a time, and how long it took (ms).
kl_loop() {
	_i=0
	while [ ! -e "$CL_TMP/kill.stop" ]; do
		_i=$((_i + 1))
		if [ "$2" = bad ]; then
			echo "$(cl_ms) $(cl_gw "$1" "$kl_revoked") revoked"
			echo "$(cl_ms) $(cl_gw "$1" "$kl_forged") forged"
		else
			_n=kill-$1-$_i
			_t0=$(cl_ms)
			_c=$(cl_curl "$1" admin /v1/consumer/create -X POST \
			    -o /dev/null -w '%{http_code}' --max-time 30 \
			    -H 'Content-Type: application/json' \
			    -H "Authorization: Bearer $(cat "$CL_TMP/admin.token")" \
			    -d "{\"request\":{\"username\":\"$_n\"}}")
			echo "$(cl_ms) $_c $_n $(( $(cl_ms) - _t0 ))"
			sleep 0.05
		fi
	done >"$3"
}

rm -f "$CL_TMP/kill.stop"
kl_pids=
for h in A B; do
	kl_wrk "$h" "$kl_good" "$CL_TMP/kill.wrk.$h" &
	kl_pids="$kl_pids $!"
	kl_loop "$h" bad "$CL_TMP/kill.bad.$h" &
	kl_pids="$kl_pids $!"
	kl_loop "$h" write "$CL_TMP/kill.write.$h" &
	kl_pids="$kl_pids $!"
done
sleep 3
kl_t=$(cl_ms)
cl_node_kill 1 || cl_fail "cannot kill n1"
cl_log "n1 killed (kill -9)"
# Writes stall on every node until the cluster evicts n1.
wait_for "[ \"\$(cl_status 2 wsrep_cluster_size)\" = 2 ]" 20
kl_evict=$(( $(cl_ms) - kl_t ))
wait_for "awk -v t=$kl_t '\$1 > t && \$2 == 200 { f = 1 } END { exit !f }' \
    '$CL_TMP/kill.write.B'" 20
sleep 2
kl_r=$(cl_ms)
if cl_node_restart 1 120; then
	kl_back=$(( $(cl_ms) - kl_r ))
	cl_log "n1 Synced again, $kl_back ms after its start, by $CL_JOINED"
	kl_joined=$CL_JOINED
else
	kl_back=-1
	kl_joined=none
fi
wait_for "awk -v t=$kl_r '\$1 > t && \$2 == 200 { f = 1 } END { exit !f }' \
    '$CL_TMP/kill.write.A'" 30
sleep 1
: >"$CL_TMP/kill.stop"
for p in $kl_pids; do
	wait "$p"
done

cl_figure "kill -9 n1: n1 evicted (cluster of 2) after" "$kl_evict ms"
cl_figure "kill -9 n1: B's admin writes whole again after" \
    "$(cl_whole_after "$kl_t" "$CL_TMP/kill.write.B")"
cl_figure "kill -9 n1: B's longest admin write" \
    "$(awk '$4 > m { m = $4 } END { print m + 0 }' "$CL_TMP/kill.write.B") ms"
cl_figure "kill -9 n1: restarted after the kill, Synced after" \
    "$((kl_r - kl_t)) ms, $kl_back ms ($kl_joined)"
cl_figure "kill -9 n1: A's admin writes whole again after the kill" \
    "$(cl_whole_after "$kl_t" "$CL_TMP/kill.write.A")"
for h in A B; do
	read -r ok unauth other errs <<EOF2
$(awk '$1 == "counts" { print $2, $3, $4, $5; f = 1 }
    END { if (!f) print "0 0 0 0" }' "$CL_TMP/kill.wrk.$h")
EOF2
	total=$((ok + unauth + other + errs))
	cl_figure "kill -9 n1: host $h's gateway, good token" \
	    "$ok of $total passed, $unauth 401, $other other, $errs errors"
	wrong=$(awk '$2 == 200' "$CL_TMP/kill.bad.$h" | wc -l)
	tried=$(wc -l <"$CL_TMP/kill.bad.$h")
	cl_check "host $h: no 200 for a revoked or a forged token" \
	    "$([ "$wrong" -eq 0 ] && [ "$tried" -gt 0 ] && echo 1 || echo 0)" \
	    "$wrong of $tried"
	if [ "$h" = B ]; then
		cl_check "host B's gateway kept passing the good token" \
		    "$([ "$total" -gt 0 ] && [ $((ok * 1000)) -ge \
		    $((total * 990)) ] && echo 1 || echo 0)" "$ok of $total"
	else
		cl_check "host A passed the good token only or refused it" \
		    "$([ "$unauth" -eq 0 ] && [ "$ok" -gt 0 ] && echo 1 ||
		    echo 0)" "$unauth 401"
	fi
	codes=$(awk '{ print $2 }' "$CL_TMP/kill.write.$h" | sort | uniq -c |
	    awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }')
	cl_figure "kill -9 n1: admin writes through $h" "$codes"
	odd=$(awk '$2 != 200 && $2 != 503' "$CL_TMP/kill.write.$h" | wc -l)
	if [ "$h" = A ]; then
		# A's node, joining again, answers 1047 until Synced.
		cl_gap "host $h: every admin write 200 or 503" \
		    "$([ "$odd" -eq 0 ] && echo 1 || echo 0)" \
		    "a node not Synced answers 1047, which the store takes for an error (500), not for a node not to use (503)" \
		    "$odd others"
	else
		cl_check "host $h: every admin write 200 or 503" \
		    "$([ "$odd" -eq 0 ] && echo 1 || echo 0)" "$odd others"
	fi
done
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
