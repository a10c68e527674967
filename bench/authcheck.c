/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * bench/authcheck: the in-process cost of the gateway check, without
 * nginx or FastCGI: parse + verify + cache + ACL, in ns per check.
 *
 *	bench/authcheck CONF TOKEN [URI [METHOD]]
 *
 * Builds what a worker builds (config from CONF, store, auth with its
 * ACL file), makes one check to fill the cache from the database, then
 * times batches of checks of TOKEN on URI (default
 * /content/v1/flag/accept) and prints the median of the batches.  The
 * cache TTL is raised so that no timed check reaches the database.
 * A URI with a rate limit is counted, as in a worker (rate_limit_slots
 * of CONF); the change feed's region is mapped, as in a worker.  Every check must pass (200), or it exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/feed.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "crypto/seal.h"
#include "gateway/auth.h"
#include "store/store.h"

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
main(int argc, char *argv[])
{
	struct config		 cfg;
	struct store		*store;
	struct auth		*auth;
	struct auth_request	 q;
	struct auth_result	 res;
	static double		 ns[BATCHES];
	char			 err[512], *hdr;
	long long		 now, t0;
	size_t			 len;
	int			 b, i;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: authcheck CONF TOKEN [URI [METHOD]]\n");
		return 2;
	}
	log_set_level(LOG_LVL_WARN);
	if (config_load(&cfg, argv[1], err, sizeof(err)) == -1 ||
	    config_set(&cfg, "cache_ttl", "3600", err, sizeof(err)) == -1) {
		fprintf(stderr, "authcheck: %s\n", err);
		return 1;
	}
	/* The rate limits' table, as the master maps it: URI's counted. */
	if (ratelimit_init((size_t)cfg.rate_limit_slots) == -1) {
		fprintf(stderr, "authcheck: no rate-limit table\n");
		return 1;
	}
	/* The secrets are sealed: the ring, as the daemon reads it. */
	if (seal_load(cfg.seal_key_file, err, sizeof(err)) == -1) {
		fprintf(stderr, "authcheck: %s\n", err);
		return 1;
	}
	/*
	 * The change feed's region, as the master maps it, and a poll of
	 * the follower just done: each check pays what a worker's pays
	 * (the ring's head, the credential's stamps).
	 */
	if (feed_init() == -1) {
		fprintf(stderr, "authcheck: no feed region\n");
		return 1;
	}
	feed_poll_done(1, now_ns(CLOCK_REALTIME) / 1000000);
	if ((store = store_new(&cfg)) == NULL ||
	    (auth = auth_new(&cfg, store, err, sizeof(err))) == NULL) {
		fprintf(stderr, "authcheck: cannot make the checker: %s\n",
		    store == NULL ? "store" : err);
		return 1;
	}
	len = strlen(argv[2]) + sizeof("Bearer ");
	if ((hdr = malloc(len)) == NULL)
		return 1;
	snprintf(hdr, len, "Bearer %s", argv[2]);
	memset(&q, 0, sizeof(q));
	q.authorization = hdr;
	q.nauthorization = 1;
	q.uri = argc > 3 ? argv[3] : "/content/v1/flag/accept";
	q.method = argc > 4 ? argv[4] : "GET";

	now = now_ns(CLOCK_REALTIME) / 1000000;
	auth_check(auth, &q, now, &res);	/* fills the cache */
	if (res.verdict != AUTH_PASS) {
		fprintf(stderr, "authcheck: the token does not pass: %d %s\n",
		    (int)res.verdict, res.why != NULL ? res.why : "");
		return 1;
	}
	for (b = 0; b < BATCHES; b++) {
		t0 = now_ns(CLOCK_MONOTONIC);
		for (i = 0; i < PER; i++) {
			auth_check(auth, &q, now, &res);
			if (res.verdict != AUTH_PASS) {
				fprintf(stderr, "authcheck: check %d of batch "
				    "%d: %d %s\n", i, b, (int)res.verdict,
				    res.why);
				return 1;
			}
		}
		ns[b] = (double)(now_ns(CLOCK_MONOTONIC) - t0) / PER;
	}
	qsort(ns, BATCHES, sizeof(ns[0]), cmp);
	printf("authcheck: median %.0f ns per check (p10 %.0f, p90 %.0f; "
	    "%d batches of %d%s)\n", ns[BATCHES / 2], ns[BATCHES / 10],
	    ns[BATCHES * 9 / 10], BATCHES, PER, res.rate.counted ?
	    "; each counted against a rate limit" : "");
	auth_free(auth);
	store_free(store);
	free(hdr);
	return 0;
}
