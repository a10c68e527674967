/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * libFuzzer driver for percent_decode (request.c), differential: the
 * input is decoded by it, into a buffer and in place, and by a copy of
 * the decoder the router and the introspection form used before it
 * (old_decode, below), which took "%00" and NUL bytes.  On an input
 * without either the two must give the same bytes or both refuse; on
 * one with either, percent_decode must refuse.  Its two ways must agree,
 * and no answer may hold a NUL.  A difference aborts, as a crash does.
 *
 * Built and run by scripts/fuzz decode; the seeds are in corpus/decode/.
 */
#include "build.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "http/request.h"

/* request_percent_decode's loop as it was, without its malloc. */
static long
old_decode(char *out, const char *src, size_t len)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (src[i] != '%') {
			out[o++] = src[i];
			continue;
		}
		if (len - i < 3 || (hi = hex_digit(src[i + 1])) < 0 ||
		    (lo = hex_digit(src[i + 2])) < 0)
			return -1;
		out[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	return (long)o;
}

/* 1 if s[0..len) holds a NUL byte or "%00". */
static int
has_nul(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] == '\0' || (s[i] == '%' && len - i >= 3 &&
		    s[i + 1] == '0' && s[i + 2] == '0'))
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*in, *out, *old;
	long	 n, m, p;

	if ((in = malloc(size + 1)) == NULL ||
	    (out = malloc(size + 1)) == NULL ||
	    (old = malloc(size + 1)) == NULL)
		abort();
	memcpy(in, data, size);
	n = percent_decode(out, in, size);
	m = old_decode(old, in, size);
	p = percent_decode(in, in, size);

	if (n < -1 || n > (long)size || p != n)
		abort();
	if (n >= 0 && (memcmp(in, out, (size_t)n) != 0 ||
	    memchr(out, '\0', (size_t)n) != NULL))
		abort();
	if (has_nul((const char *)data, size)) {
		if (n != -1)
			abort();
	} else if (m != n || (n >= 0 && memcmp(out, old, (size_t)n) != 0))
		abort();

	free(old);
	free(out);
	free(in);
	return 0;
}
