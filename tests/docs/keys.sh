#!/bin/sh
# SPDX-License-Identifier: ISC
# Every configuration key (src/core/config.c) is in the commented example
# (conf/adminutil.conf), in adminutil.conf(5) and in the table of
# docs/configuration.md:
# a key an operator cannot read about is a key nobody sets right.

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
keys=$(sed -n 's/^	[KW](\("[a-z_]*"\).*/\1/p; s/^	{ \("[a-z_]*"\).*/\1/p' \
    "$top_srcdir/src/core/config.c" | tr -d '"')
[ -n "$keys" ] || { echo "no keys found in src/core/config.c" >&2; exit 99; }
n=0 bad=0
for k in $keys; do
	n=$((n + 1))
	grep -qE "^#?$k *=" "$top_srcdir/conf/adminutil.conf.in" ||
	    { echo "conf/adminutil.conf lacks $k"; bad=1; }
	grep -qx "\.It Cm $k" "$top_srcdir/man/adminutil.conf.5.in" ||
	    { echo "man/adminutil.conf.5 lacks $k"; bad=1; }
	grep -q "^| \`$k\` |" "$top_srcdir/docs/configuration.md" ||
	    { echo "docs/configuration.md's table lacks $k"; bad=1; }
done
echo "$n keys checked"
exit $bad
