# SPDX-License-Identifier: ISC
# A flood of tokens naming random keys: CL_FLOOD_TOKENS (1000) tokens
# through each host's gateway, each of another key no credential has:
# every one refused (401) and none costs a database statement (the key
# filter knows every active key).  The statements are counted on the
# nodes (SHOW GLOBAL STATUS: Questions and Com_stmt_execute, summed
# over n1 n2 n3), less the feed followers' own (/metrics,
# adminutil_feed_statements_total of both hosts) and the one status
# read per node that closes the window; an idle window as long, right
# after, is counted the same way, and the flood may cost no more than
# it: 2 statements of slack, for a follower's poll that falls between
# the nodes' counters and its own at either end of a window.

fl_n=${CL_FLOOD_TOKENS:-1000}

# fl_tokens N FILE: N tokens {iss: a random 32-hex key, iat: now} with
# a random signature (43 characters, 32 bytes: the last one's spare
# bits 0).  Each payload is 60 bytes, a whole number of base64 blocks,
# so that all of them go through one openssl base64 and are cut apart
# after (80 characters each, no padding).
fl_tokens() {
	_fh=$(printf '{"alg":"HS256","typ":"JWT"}' | cl_b64url)
	openssl rand -hex $((16 * $1)) | fold -w 32 | head -n "$1" |
	    awk -v iat="$(date +%s)" \
	    '{ printf "{\"iss\":\"%s\", \"iat\":%d}", $1, iat }' |
	    openssl base64 -A | tr '+/' '-_' | fold -w 80 \
	    >"$CL_TMP/flood.payloads"
	openssl rand -base64 $((33 * $1)) | tr -d '\n' | tr '+/' '-_' |
	    fold -w 42 | head -n "$1" | sed 's/$/A/' >"$CL_TMP/flood.sigs"
	paste -d . "$CL_TMP/flood.payloads" "$CL_TMP/flood.sigs" |
	    sed "s/^/$_fh./" >"$2"
}

# fl_counters: "questions com_stmt_execute feed_statements
# key_filter_hits" now.
fl_counters() {
	_q=0
	_e=0
	for _i in $CL_NODES; do
		_r=$(cl_sql "$_i" "SHOW GLOBAL STATUS WHERE Variable_name IN
		    ('Questions', 'Com_stmt_execute')")
		_q=$((_q + $(printf '%s\n' "$_r" | awk '$1 == "Questions" { print $2 }')))
		_e=$((_e + $(printf '%s\n' "$_r" |
		    awk '$1 == "Com_stmt_execute" { print $2 }')))
	done
	_f=0
	_k=0
	for _h in $CL_HOSTS; do
		_f=$((_f + $(cl_metric "$_h" adminutil_feed_statements_total)))
		_k=$((_k + $(cl_metric "$_h" adminutil_key_filter_hits_total)))
	done
	echo "$_q $_e $_f $_k"
}

# fl_window BEFORE AFTER: "questions stmt_execute" of a window, less
# the followers' statements and the closing status reads (one a node).
fl_window() {
	echo "$1 $2" | awk -v n="$(echo $CL_NODES | wc -w)" \
	    '{ f = $7 - $3; print $5 - $1 - f - n, $6 - $2 - f, $8 - $4 }'
}

# fl_send HOST FILE OUT: each token of FILE once through HOST's
# gateway, one curl and its kept connection; the statuses in OUT.
fl_send() {
	awk -v u="http://127.0.0.1:$(cl_port "$1" gw)/content/v1/flag/accept" \
	    '{ if (NR > 1) print "next"
	    printf "url = \"%s\"\nheader = \"Authorization: Bearer %s\"\n" \
	    "output = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n", u, $1
	    }' "$2" >"$CL_TMP/flood.$1.curl"
	cl_in "$1" curl -sS --max-time 120 -K "$CL_TMP/flood.$1.curl" >"$3"
}

cl_spread off
for h in $CL_HOSTS; do
	fl_tokens "$fl_n" "$CL_TMP/flood.$h.tok"
done
# The flood first, timed; then an idle window as long.
f0=$(fl_counters)
ft=$(cl_ms)
for h in $CL_HOSTS; do
	fl_send "$h" "$CL_TMP/flood.$h.tok" "$CL_TMP/flood.$h.codes"
done
fms=$(( $(cl_ms) - ft ))
f1=$(fl_counters)
sleep "$(awk -v m="$fms" 'BEGIN { printf "%.3f", m / 1000 }')"
f2=$(fl_counters)
read -r fq fe fk <<EOF2
$(fl_window "$f0" "$f1")
EOF2
read -r iq ie ik <<EOF2
$(fl_window "$f1" "$f2")
EOF2
fsent=0
for h in $CL_HOSTS; do
	c=$(grep -c '^401$' "$CL_TMP/flood.$h.codes")
	fsent=$((fsent + $(wc -l <"$CL_TMP/flood.$h.codes")))
	cl_check "host $h refused every random key (401)" \
	    "$([ "$c" -eq "$fl_n" ] && echo 1 || echo 0)" "$c of $fl_n"
done
cl_figure "random-key flood: tokens, time" "$fsent in $fms ms"
cl_figure "random-key flood: statements on the nodes, flood / idle" \
    "Questions $fq / $iq, Com_stmt_execute $fe / $ie (followers' less)"
cl_figure "random-key flood: the followers' statements in the flood" \
    "$(echo "$f0 $f1" | awk '{ print $7 - $3 }')"
cl_figure "random-key flood: refused by the key filter" "$fk"
fx=$(( (fq - iq) > (fe - ie) ? fq - iq : fe - ie ))
cl_figure "random-key flood: statements per token, beyond idle" \
    "$(awk -v q="$fx" -v n="$fsent" 'BEGIN { if (q < 0) q = 0
    printf "%.4f", n ? q / n : -1 }')"
cl_check "random-key flood: every token refused by the key filter" \
    "$([ "$fk" -ge "$fsent" ] && echo 1 || echo 0)" "$fk of $fsent"
cl_check "random-key flood: 0 database statements per token" \
    "$([ "$fsent" -ge $((2 * fl_n)) ] && [ "$fx" -le 2 ] && echo 1 ||
    echo 0)" "$fx beyond the idle window's, over $fsent tokens"
