/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/clock.h"
#include "core/feed.h"
#include "core/metrics.h"
#include "core/ratelimit.h"

static const int statuses[] = {
	200, 400, 401, 403, 404, 405, 409, 413, 429, 500, 503,
	0	/* 0: other */
};
#define NSTATUS	 (sizeof(statuses) / sizeof(statuses[0]))

/* Upper bounds of the latency buckets, in microseconds (+Inf last). */
static const long bounds_us[] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
	250000, 1000000
};
#define NBUCKET	 (sizeof(bounds_us) / sizeof(bounds_us[0]))

struct slot {
	pid_t		 pid;		/* 0: no worker now */
	uint64_t	 requests[METRICS_ROUTES][NSTATUS];
	uint64_t	 latency[NBUCKET + 1];	/* per bucket, not cumulative */
	uint64_t	 latency_sum_us;
	uint64_t	 cache_hits, cache_misses;
	uint64_t	 db_errors;
	uint64_t	 evictions[3];	/* by FEED_KEY, FEED_CONSUMER, FEED_ALL */
	uint64_t	 filter_hits, filter_passes;
	uint64_t	 db_failovers;
	uint32_t	 db_node;	/* the node in use + 1; 0: none */
	uint64_t	 ratelimit[RL_BY_IP + 1][RL_NWINDOWS][2];
};

/* The node indexes /metrics tells apart (db_hosts has at most 8). */
#define NNODES	 8

static struct slot	*slots;		/* the shared region */
static size_t		 nslots;
static struct slot	*mine;		/* this worker's, or NULL */

/* One writer per slot: a relaxed load and store, no locked add. */
#define BUMP(p, n)	 __atomic_store_n((p), __atomic_load_n((p),	\
			    __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)
#define READ(p)		 __atomic_load_n((p), __ATOMIC_RELAXED)

int
metrics_init(size_t n)
{
	void	*p;

	p = mmap(NULL, n * sizeof(*slots), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	slots = p;
	nslots = n;
	return 0;
}

int
metrics_claim(void)
{
	size_t	 i;

	for (i = 0; i < nslots; i++)
		if (slots[i].pid == 0) {
			slots[i].pid = -1;
			return (int)i;
		}
	return -1;
}

void
metrics_bind(int slot, pid_t pid)
{
	if (slot >= 0 && (size_t)slot < nslots)
		slots[slot].pid = pid;
}

void
metrics_release(pid_t pid)
{
	size_t	 i;

	for (i = 0; i < nslots; i++)
		if (slots[i].pid == pid)
			slots[i].pid = 0;
}

void
metrics_attach(int slot)
{
	mine = slot >= 0 && (size_t)slot < nslots ? &slots[slot] : NULL;
}

void
metrics_request(unsigned route, int status, long us)
{
	size_t	 s, b;

	if (mine == NULL)
		return;
	for (s = 0; s < NSTATUS - 1 && statuses[s] != status; s++)
		;
	if (route >= METRICS_ROUTES)
		route = METRICS_ROUTES - 1;
	BUMP(&mine->requests[route][s], 1);
	for (b = 0; b < NBUCKET && us > bounds_us[b]; b++)
		;
	BUMP(&mine->latency[b], 1);
	BUMP(&mine->latency_sum_us, (uint64_t)(us < 0 ? 0 : us));
}

void
metrics_cache(int hit)
{
	if (mine == NULL)
		return;
	if (hit)
		BUMP(&mine->cache_hits, 1);
	else
		BUMP(&mine->cache_misses, 1);
}

void
metrics_db_error(void)
{
	if (mine != NULL)
		BUMP(&mine->db_errors, 1);
}

void
metrics_evict(int kind)
{
	if (mine != NULL && kind >= FEED_KEY && kind <= FEED_ALL)
		BUMP(&mine->evictions[kind - FEED_KEY], 1);
}

void
metrics_filter(int refused)
{
	if (mine == NULL)
		return;
	if (refused)
		BUMP(&mine->filter_hits, 1);
	else
		BUMP(&mine->filter_passes, 1);
}

void
metrics_ratelimit(int by, int window, int limited)
{
	if (mine != NULL && by >= 0 && by <= RL_BY_IP && window >= 0 &&
	    window < RL_NWINDOWS)
		BUMP(&mine->ratelimit[by][window][limited != 0], 1);
}

/* The counted requests by class of limit, the classes seen only. */
static void
render_counted(FILE *f)
{
	uint64_t	 v;
	size_t		 i;
	int		 by, w, l;

	fputs("# HELP adminutil_ratelimit_total Requests counted against "
	    "rate limits, by what the limits count by, their window, and "
	    "whether the request passed or was refused (429).\n"
	    "# TYPE adminutil_ratelimit_total counter\n", f);
	for (by = 0; by <= RL_BY_IP; by++)
		for (w = 0; w < RL_NWINDOWS; w++)
			for (l = 0; l < 2; l++) {
				for (v = 0, i = 0; i < nslots; i++)
					v += READ(&slots[i].ratelimit[by][w]
					    [l]);
				if (v == 0)
					continue;
				fprintf(f, "adminutil_ratelimit_total"
				    "{by=\"%s\",window=\"%s\","
				    "result=\"%s\"} %llu\n",
				    rl_by_name((enum rl_by)by),
				    rl_window_name((enum rl_window)w),
				    l ? "limited" : "pass",
				    (unsigned long long)v);
			}
}

/* The feed's and the key filter's counters, and the feed's state. */
static void
render_feed(FILE *f)
{
	static const char *const causes[] = { "key", "consumer", "all" };
	struct feed_status	 st;
	uint64_t		 v;
	size_t			 i, c;

	fputs("# HELP adminutil_feed_evictions_total Changes of the feed a "
	    "worker applied to its cache, by what they named.\n"
	    "# TYPE adminutil_feed_evictions_total counter\n", f);
	for (c = 0; c < 3; c++) {
		for (v = 0, i = 0; i < nslots; i++)
			v += READ(&slots[i].evictions[c]);
		fprintf(f, "adminutil_feed_evictions_total{cause=\"%s\"} "
		    "%llu\n", causes[c], (unsigned long long)v);
	}
	for (v = 0, i = 0; i < nslots; i++)
		v += READ(&slots[i].filter_hits);
	fprintf(f, "# HELP adminutil_key_filter_hits_total Tokens refused by "
	    "the key filter, without the database.\n"
	    "# TYPE adminutil_key_filter_hits_total counter\n"
	    "adminutil_key_filter_hits_total %llu\n", (unsigned long long)v);
	for (v = 0, i = 0; i < nslots; i++)
		v += READ(&slots[i].filter_passes);
	fprintf(f, "# HELP adminutil_key_filter_passes_total Lookups the key "
	    "filter let through to the database.\n"
	    "# TYPE adminutil_key_filter_passes_total counter\n"
	    "adminutil_key_filter_passes_total %llu\n",
	    (unsigned long long)v);
	if (feed_status(&st) == -1)
		return;
	fprintf(f, "# HELP adminutil_feed_position The last audit id the "
	    "feed read.\n# TYPE adminutil_feed_position gauge\n"
	    "adminutil_feed_position %lld\n"
	    "# HELP adminutil_feed_lag_seconds Age of the feed's last good "
	    "poll (-1: none yet).\n# TYPE adminutil_feed_lag_seconds gauge\n"
	    "adminutil_feed_lag_seconds %.3f\n"
	    "# HELP adminutil_feed_polls_total Polls of the audit trail.\n"
	    "# TYPE adminutil_feed_polls_total counter\n"
	    "adminutil_feed_polls_total %llu\n"
	    "# HELP adminutil_feed_poll_failures_total Polls that failed.\n"
	    "# TYPE adminutil_feed_poll_failures_total counter\n"
	    "adminutil_feed_poll_failures_total %llu\n"
	    "# HELP adminutil_feed_statements_total Database statements the "
	    "feed ran (its polls, and the key filter's builds).\n"
	    "# TYPE adminutil_feed_statements_total counter\n"
	    "adminutil_feed_statements_total %llu\n", st.position,
	    st.last_ok_ms == 0 ? -1.0 : (clock_wall_ms() - st.last_ok_ms) /
	    1000.0, st.polls, st.failures, st.statements);
}

void
metrics_db_failover(void)
{
	if (mine != NULL)
		BUMP(&mine->db_failovers, 1);
}

void
metrics_db_node(int index)
{
	if (mine != NULL)
		__atomic_store_n(&mine->db_node, (uint32_t)(index < 0 ? 0 :
		    index + 1), __ATOMIC_RELAXED);
}

/* The failovers, and how many live workers are on each node. */
static void
render_nodes(FILE *f)
{
	uint64_t	 moves = 0;
	unsigned	 on[NNODES + 1] = { 0 }, k;
	size_t		 i;

	for (i = 0; i < nslots; i++) {
		moves += READ(&slots[i].db_failovers);
		if (READ(&slots[i].pid) == 0)
			continue;
		k = READ(&slots[i].db_node);
		on[k > NNODES ? NNODES : k]++;
	}
	fprintf(f, "# HELP adminutil_db_failovers_total Moves of a worker's "
	    "database connection to another node of db_hosts.\n"
	    "# TYPE adminutil_db_failovers_total counter\n"
	    "adminutil_db_failovers_total %llu\n"
	    "# HELP adminutil_db_node_workers Workers connected to each node "
	    "of the list, by its index (0: the first).\n"
	    "# TYPE adminutil_db_node_workers gauge\n",
	    (unsigned long long)moves);
	for (k = 1; k <= NNODES; k++)
		if (on[k] > 0)
			fprintf(f, "adminutil_db_node_workers{node=\"%u\"} "
			    "%u\n", k - 1, on[k]);
}

/* The rate-limit table's size, use and evictions. */
static void
render_ratelimit(FILE *f)
{
	struct rl_stats	 st;

	if (!ratelimit_on())
		return;
	ratelimit_stats(&st, clock_wall_ms());
	fprintf(f, "# HELP adminutil_ratelimit_slots Counters the rate-limit "
	    "table holds.\n# TYPE adminutil_ratelimit_slots gauge\n"
	    "adminutil_ratelimit_slots %llu\n"
	    "# HELP adminutil_ratelimit_slots_used Counters of a window not "
	    "yet ended.\n# TYPE adminutil_ratelimit_slots_used gauge\n"
	    "adminutil_ratelimit_slots_used %llu\n"
	    "# HELP adminutil_ratelimit_evicted_total Live counters given up "
	    "for a newcomer in a full bucket.\n"
	    "# TYPE adminutil_ratelimit_evicted_total counter\n"
	    "adminutil_ratelimit_evicted_total %llu\n",
	    (unsigned long long)st.slots, (unsigned long long)st.used,
	    (unsigned long long)st.evicted);
}

char *
metrics_render(const char *const *names, size_t nnames, size_t *len)
{
	FILE		*f;
	char		*buf = NULL;
	size_t		 i, r, s, b;
	uint64_t	 v, sum, count, cum, hits = 0, misses = 0, dberr = 0;
	unsigned	 alive = 0;

	*len = 0;
	if (slots == NULL || (f = open_memstream(&buf, len)) == NULL)
		return NULL;
	fputs("# HELP adminutil_requests_total Requests answered, by route "
	    "and HTTP status.\n# TYPE adminutil_requests_total counter\n", f);
	for (r = 0; r < nnames && r < METRICS_ROUTES; r++)
		for (s = 0; s < NSTATUS; s++) {
			for (v = 0, i = 0; i < nslots; i++)
				v += READ(&slots[i].requests[r][s]);
			if (v == 0)
				continue;
			if (statuses[s] != 0)
				fprintf(f, "adminutil_requests_total{route=\"%s\","
				    "status=\"%d\"} %llu\n", names[r],
				    statuses[s], (unsigned long long)v);
			else
				fprintf(f, "adminutil_requests_total{route=\"%s\","
				    "status=\"other\"} %llu\n", names[r],
				    (unsigned long long)v);
		}
	fputs("# HELP adminutil_request_duration_seconds Time from the "
	    "request read to the answer written.\n"
	    "# TYPE adminutil_request_duration_seconds histogram\n", f);
	for (sum = 0, i = 0; i < nslots; i++)
		sum += READ(&slots[i].latency_sum_us);
	for (cum = 0, b = 0; b <= NBUCKET; b++) {
		for (i = 0; i < nslots; i++)
			cum += READ(&slots[i].latency[b]);
		if (b < NBUCKET)
			fprintf(f, "adminutil_request_duration_seconds_bucket"
			    "{le=\"%g\"} %llu\n", bounds_us[b] / 1e6,
			    (unsigned long long)cum);
		else
			fprintf(f, "adminutil_request_duration_seconds_bucket"
			    "{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	}
	count = cum;
	fprintf(f, "adminutil_request_duration_seconds_sum %.6f\n"
	    "adminutil_request_duration_seconds_count %llu\n", sum / 1e6,
	    (unsigned long long)count);
	for (i = 0; i < nslots; i++) {
		hits += READ(&slots[i].cache_hits);
		misses += READ(&slots[i].cache_misses);
		dberr += READ(&slots[i].db_errors);
		alive += READ(&slots[i].pid) != 0;
	}
	fprintf(f, "# HELP adminutil_cache_hits_total Credential lookups "
	    "answered by a worker's cache.\n"
	    "# TYPE adminutil_cache_hits_total counter\n"
	    "adminutil_cache_hits_total %llu\n"
	    "# HELP adminutil_cache_misses_total Credential lookups that "
	    "asked the database.\n"
	    "# TYPE adminutil_cache_misses_total counter\n"
	    "adminutil_cache_misses_total %llu\n"
	    "# HELP adminutil_db_errors_total Database statements that "
	    "failed or found the server gone.\n"
	    "# TYPE adminutil_db_errors_total counter\n"
	    "adminutil_db_errors_total %llu\n"
	    "# HELP adminutil_workers Worker processes alive.\n"
	    "# TYPE adminutil_workers gauge\n"
	    "adminutil_workers %u\n", (unsigned long long)hits,
	    (unsigned long long)misses, (unsigned long long)dberr, alive);
	render_feed(f);
	render_nodes(f);
	render_ratelimit(f);
	render_counted(f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
