/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * bench/ratecount: the in-process cost of counting one request against
 * one limit (core/ratelimit.c): the counter's key (SipHash of rule,
 * window, by and identifier) and the take (lock, find, count), in ns,
 * over 1,000 identifiers in a table of 65,536 counters.
 *
 *	bench/ratecount
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ratelimit.h"

#define BATCHES	 301
#define PER	 1000

static long long
now_ns(clockid_t clk)
{
	struct timespec	 ts;

	clock_gettime(clk, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(void)
{
	static double	 ns[BATCHES];
	static char	 ids[PER][24];
	struct rl_take	 t;
	long long	 now, t0;
	int		 b, i;

	if (ratelimit_init(65536) == -1) {
		fprintf(stderr, "ratecount: no table\n");
		return 1;
	}
	for (i = 0; i < PER; i++)
		snprintf(ids[i], sizeof(ids[i]), "key-%08d", i);
	now = now_ns(CLOCK_REALTIME) / 1000000;
	memset(&t, 0, sizeof(t));
	t.window = RL_HOUR;
	t.limit = 1000000000000ULL;
	for (b = 0; b < BATCHES; b++) {
		t0 = now_ns(CLOCK_MONOTONIC);
		for (i = 0; i < PER; i++) {
			ratelimit_key(&t.key, 7, RL_HOUR, RL_BY_CREDENTIAL,
			    ids[i], strlen(ids[i]));
			if (ratelimit_take(&t, 1, now) != 1) {
				fprintf(stderr, "ratecount: refused\n");
				return 1;
			}
		}
		ns[b] = (double)(now_ns(CLOCK_MONOTONIC) - t0) / PER;
	}
	qsort(ns, BATCHES, sizeof(ns[0]), cmp);
	printf("ratecount: median %.0f ns per count (p10 %.0f, p90 %.0f; "
	    "%d batches of %d)\n", ns[BATCHES / 2], ns[BATCHES / 10],
	    ns[BATCHES * 9 / 10], BATCHES, PER);
	return 0;
}
