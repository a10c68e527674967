# SPDX-License-Identifier: ISC
# An admin write through host A is read through host B, and a
# credential made there passes B's gateway, which reads n2.

cl_spread off
t=$(cl_ms)
kv=$(cl_consumer A repl-one contentAdmin)
CL_KEY=${kv% *}
CL_SECRET=${kv#* }
cl_check "a consumer made through A" "$([ -n "$kv" ] && echo 1 || echo 0)"
a=$(cl_admin B /v1/consumer/repl-one/read '{"request":{}}')
cl_check "A's consumer read through B" \
    "$([ "$(cl_code "$a")" = 200 ] && echo 1 || echo 0)" "HTTP $(cl_code "$a")"
tok=$(cl_token "$CL_KEY" "$CL_SECRET")
wait_for "[ \"\$(cl_gw B $tok)\" = 200 ]" 5
cl_check "A's credential passes B's gateway" \
    "$([ "$(cl_gw B "$tok")" = 200 ] && echo 1 || echo 0)"
cl_figure "consumer made on A to a pass on B" "$(( $(cl_ms) - t )) ms"
