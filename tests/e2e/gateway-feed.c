/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of what a change costs and how soon it is seen: a
 * grant on every worker within the feed's bound, the statements unknown
 * keys and misses cost, the key filter, the feed's bound measured, and
 * a refusal seen by every worker at once (see gateway.c).
 */
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "e2e.h"
#include "gateway.h"

#define NFLOOD		 200	/* tokens of one unknown key */
#define NDISTINCT	 50	/* tokens of as many unknown keys */

/* the change feed */

/*
 * A grant and a revoke of groups: every worker within the feed's bound,
 * under cache_ttl: the feed tells them.
 */
void
test_gw_grant_everywhere(void)
{
	struct resp	 r;
	char		 u[NAMESZ], *tok, *h;
	long long	 t0;

	if (gw_setup() == -1 || consumer("gwcache",
	    "{\"groups\":[\"contentAdmin\"]}", u, &tok) == -1)
		return;
	h = bearer(tok);
	expect_everywhere("before the grant", API, h, 200, "contentAdmin");
	expect_everywhere("before the grant", API_OTHER, h, 403, NULL);

	if (!CHECK(feed_bound_ms() < ttl_ms(), "the feed's bound %ld ms is "
	    "not under cache_ttl %ld ms: this test cannot tell them apart",
	    feed_bound_ms(), ttl_ms()))
		goto done;
	t0 = now_ms();
	if (grant(u, "{\"groups\":[\"userAdmin\",\"contentUser\"]}") == 0) {
		sleep_ms((long)(t0 + feed_bound_ms() - now_ms()));
		expect_everywhere("the feed's bound after the grant",
		    API_OTHER, h, 200, "userAdmin,contentUser");
		expect_everywhere("the feed's bound after the grant", API, h,
		    403, NULL);
	}

	t0 = now_ms();
	call(&r, RT_REVOKE, u, "{\"groups\":[\"userAdmin\"]}");
	if (expect_ok("revoke", &r, RT_REVOKE) != NULL) {
		sleep_ms((long)(t0 + feed_bound_ms() - now_ms()));
		expect_everywhere("the feed's bound after the revoke",
		    API_OTHER, h, 403, NULL);
	}
	resp_free(&r);
done:
	free(h);
	free(tok);
}

/* statements */

/* A counter of adminutil's /metrics, by its line's name; -1 if none. */
static long long
metric(const char *name)
{
	struct resp	 r;
	const char	*p;
	size_t		 len = strlen(name);
	long long	 n = -1;

	get(&r, url, "/metrics");
	for (p = r.body.p; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (strncmp(p, name, len) == 0 && p[len] == ' ') {
			n = strtoll(p + len + 1, NULL, 10);
			break;
		}
	}
	resp_free(&r);
	return n;
}

/* One of MariaDB's global status counters (all clients), by name. */
static long long
global_status(const char *name)
{
	return sql_num("SELECT VARIABLE_VALUE FROM information_schema."
	    "GLOBAL_STATUS WHERE VARIABLE_NAME = '%s'", name);
}

/* MariaDB's count of prepared statements executed, all clients. */
static long long
executes(void)
{
	return global_status("COM_STMT_EXECUTE");
}

/*
 * Sends n tokens (made by mk for 0..n-1) through the gateway, each
 * expected to give want; the statements the database executed
 * meanwhile, less the feed's own (up to FEED_EDGE of them may still be
 * counted); *ms the time it took.
 */
#define FEED_EDGE	 2
static long long
statements(const char *what, char *(*mk)(size_t, void *), void *arg,
    size_t n, long want, long long *ms)
{
	struct resp	 r;
	long long	 before, t0, polls;
	size_t		 i, ok = 0;
	char		*tok, *h;

	before = executes();
	polls = metric("adminutil_feed_statements_total");
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		tok = mk(i, arg);
		if ((h = bearer(tok)) != NULL) {
			gw_get(&r, gw_url, API, (const char *const *)&h, 1);
			ok += r.status == want;
			resp_free(&r);
		}
		free(h);
		free(tok);
	}
	*ms = now_ms() - t0;
	CHECK(ok == n, "%s: %zu of %zu answered %ld", what, ok, n, want);
	/*
	 * The feed's follower runs its own statements (a poll, the key
	 * filter's builds): not the check's.  One may fall between the two
	 * readings of each.
	 */
	polls = metric("adminutil_feed_statements_total") - polls;
	CHECK(polls >= 0, "/metrics: no adminutil_feed_statements_total");
	return executes() - before - polls;
}

struct flood {
	const char	*kid;		/* NULL: none */
	const char	*iss;		/* NULL: fresh for each */
	int		 bykid;		/* the fresh one is the kid */
	int		 garble;	/* not even a token */
	int		 random;	/* the fresh one 128 random bits, hex */
};

/* 16 random bytes in hex: a key as adminutil makes them, nobody's. */
static void
random_key(char *k, size_t sz)
{
	unsigned char	 b[16];
	size_t		 i;

	if (RAND_bytes(b, sizeof(b)) != 1)
		memset(b, 0x5a, sizeof(b));
	for (i = 0; i < sizeof(b) && 2 * i + 2 < sz; i++)
		snprintf(k + 2 * i, 3, "%02x", b[i]);
}

static char *
flood_token(size_t i, void *arg)
{
	struct flood	*f = arg;
	struct tok	 t = { .signer = CR_HS256 };
	char		 k[NAMESZ], *s;

	if (f->garble)
		return asprintf(&s, "x%zu.y.z", i) == -1 ? NULL : s;
	if (f->kid != NULL || f->iss != NULL)
		return mint(&t, &creds[CR_HS256], "HS256", f->kid, f->iss);
	if (f->random)
		random_key(k, sizeof(k));
	else
		fresh(k, sizeof(k), "nokey");
	return mint(&t, &creds[CR_HS256], "HS256", f->bykid ? k : NULL,
	    f->bykid ? creds[CR_HS256].key : k);
}

/*
 * The statements the outbox's sender may run in ms beside the check:
 * with no mail waiting, it reads the outbox (its due mails, then when
 * the next is due) every 30 s (src/proc/sender.c), when the instance has
 * one; and the feed's polls statements() did not take off.
 */
static long long
sender_reads(long long ms)
{
	char	 v[64];

	if ((conf_get("mail_dir", v, sizeof(v)) == 0 && v[0] != '\0') ||
	    (conf_get("smtp_url", v, sizeof(v)) == 0 && v[0] != '\0'))
		return 2 * (1 + ms / 30000) + FEED_EDGE;
	return FEED_EDGE;
}

/*
 * Unknown keys cost no statement: the key filter refuses them (one key
 * or many, as iss or as kid); a known one, one per worker and
 * cache_ttl.
 */
void
test_gw_flood(void)
{
	struct flood	 f;
	char		 k[NAMESZ];
	long long	 n, ms, most, workers = (long long)conf_workers();
	long		 ttl = ttl_ms();

	if (gw_setup() == -1)
		return;
	memset(&f, 0, sizeof(f));
	f.iss = fresh(k, sizeof(k), "nokey");
	n = statements("one unknown iss", flood_token, &f, NFLOOD, 401, &ms);
	CHECK(n <= sender_reads(ms), "%d tokens of one unknown iss in %lld "
	    "ms: %lld statements, want 0 (and the sender's %lld)", NFLOOD,
	    ms, n, sender_reads(ms));

	memset(&f, 0, sizeof(f));
	f.kid = fresh(k, sizeof(k), "nokey");
	f.iss = creds[CR_HS256].key;
	n = statements("one unknown kid", flood_token, &f, NFLOOD, 401, &ms);
	CHECK(n <= sender_reads(ms), "%d tokens of one unknown kid in %lld "
	    "ms: %lld statements, want 0 (and the sender's %lld)", NFLOOD,
	    ms, n, sender_reads(ms));

	memset(&f, 0, sizeof(f));
	n = statements("distinct unknown iss", flood_token, &f, NDISTINCT,
	    401, &ms);
	CHECK(n <= sender_reads(ms), "%d tokens of as many unknown iss: %lld "
	    "statements, want 0 (and the sender's %lld)", NDISTINCT, n,
	    sender_reads(ms));

	f.bykid = 1;
	n = statements("distinct unknown kid", flood_token, &f, NDISTINCT,
	    401, &ms);
	CHECK(n <= sender_reads(ms), "%d tokens of as many unknown kid: %lld "
	    "statements, want 0 (and the sender's %lld)", NDISTINCT, n,
	    sender_reads(ms));

	memset(&f, 0, sizeof(f));
	f.garble = 1;
	n = statements("garbage", flood_token, &f, NFLOOD, 401, &ms);
	CHECK(n <= sender_reads(ms), "%d tokens that do not parse: %lld "
	    "statements, want 0 (and the sender's %lld)", NFLOOD, n,
	    sender_reads(ms));

	memset(&f, 0, sizeof(f));
	f.iss = creds[CR_HS256].key;
	n = statements("a known credential", flood_token, &f, NFLOOD, 200,
	    &ms);
	most = workers * (1 + ms / ttl) + sender_reads(ms);
	CHECK(n <= most, "%d tokens of a known credential in %lld ms: %lld "
	    "statements, want at most %lld", NFLOOD, ms, n, most);
}

/*
 * A miss costs one statement and one round trip: NMISS consumers made,
 * whose keys the gateway's workers have never looked up, each token
 * sent once through nginx (none is kept: a token seen once is not).
 * MariaDB executes NMISS statements for them (the credential, its
 * consumer, groups and limits in one), the feed's and the sender's
 * aside; prepares, resets or closes none but the first use of a
 * connection (one per process at most).  MariaDB's other questions
 * meanwhile are printed (this test's readings of the counters, the
 * database probes): a figure, not a bound.
 */
#define NMISS	 50

static char *
miss_token(size_t i, void *arg)
{
	char	**toks = arg;

	return strdup(toks[i]);
}

void
test_gw_miss_cost(void)
{
	char		*toks[NMISS] = { NULL }, u[NAMESZ];
	long long	 n, ms, prep, quest, most;
	size_t		 i;

	if (gw_setup() == -1)
		return;
	for (i = 0; i < NMISS; i++)
		if (!CHECK(consumer("miss", "{\"groups\":[\"contentAdmin\"]}",
		    u, &toks[i]) == 0, "cannot make consumer %zu", i))
			goto done;
	prep = global_status("COM_STMT_PREPARE") +
	    global_status("COM_STMT_RESET") + global_status("COM_STMT_CLOSE");
	quest = global_status("QUESTIONS") - executes();
	n = statements("distinct known keys", miss_token, toks, NMISS, 200,
	    &ms);
	prep = global_status("COM_STMT_PREPARE") +
	    global_status("COM_STMT_RESET") +
	    global_status("COM_STMT_CLOSE") - prep;
	quest = global_status("QUESTIONS") - executes() - quest;
	most = NMISS + sender_reads(ms);
	printf("\n    %d misses: %lld statements executed, %lld prepared, "
	    "reset or closed; %lld other questions\n", NMISS, n, prep, quest);
	CHECK(n >= NMISS && n <= most, "%d misses in %lld ms: %lld "
	    "statements, want %d (and the sender's %lld)", NMISS, ms, n,
	    NMISS, most - NMISS);
	CHECK(prep <= (long long)conf_workers(), "%d misses: %lld statements "
	    "prepared, reset or closed, want at most one a process (%zu)",
	    NMISS, prep, conf_workers());
done:
	for (i = 0; i < NMISS; i++)
		free(toks[i]);
}

/*
 * The key filter: NFILTER tokens naming random keys through nginx, and
 * MariaDB's count of statements (less the feed's own) does not move:
 * 0 a token; every one of them a filter hit (/metrics).  And a
 * credential made on this host passes at once, with the feed reading
 * the trail only every 5 s: the worker that made it told the filter.
 */
#define NFILTER	 1000

void
test_gw_filter(void)
{
	struct flood	 f;
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	char		 u[NAMESZ], *tok = NULL, *h = NULL;
	long long	 n, ms, hits;
	long		 len = -1;

	if (gw_setup() == -1)
		return;
	memset(&f, 0, sizeof(f));
	f.random = 1;
	hits = metric("adminutil_key_filter_hits_total");
	n = statements("random keys", flood_token, &f, NFILTER, 401, &ms);
	hits = metric("adminutil_key_filter_hits_total") - hits;
	printf("\n    key filter: %d tokens of random keys in %lld ms: %lld "
	    "statements (%.3f a token), %lld filter hits\n", NFILTER, ms, n,
	    (double)n / NFILTER, hits);
	CHECK(n <= sender_reads(ms), "%d tokens of random keys: %lld "
	    "statements, want 0 (and the sender's %lld)", NFILTER, n,
	    sender_reads(ms));
	CHECK(hits >= NFILTER, "%lld filter hits for %d unknown keys", hits,
	    NFILTER);

	if (reconfigure("feed_interval = 5000\n", &len) == -1)
		return;
	/* The new follower's first read: the filter built again. */
	sleep_ms(1000);
	if (consumer_as("kfnew", "{\"groups\":[\"contentAdmin\"]}", u, &t,
	    &c, &tok) == 0 && (h = bearer(tok)) != NULL)
		CHECK(gw_row(API, h, 1, 200) == 1, "a credential made on this "
		    "host: its first token refused (the key filter did not "
		    "know it)");
	(void)reconfigure(NULL, &len);
	free(h);
	free(tok);
}

/* the feed's bound */

/*
 * The change feed's bound, measured: with cache_ttl 60 s, only the
 * feed can tell the workers of a change in time.  NCHANGE changes of
 * four kinds (a credential revoked, a group taken away, a consumer
 * deleted, a secret rotated without grace), each while its token keeps
 * coming through the web server, its pass cached in the workers and in
 * nginx: the time from the change asked for to the first refusal, and
 * none passes after it.  p50, p99 and max are printed; the max must be
 * 1 s at most.
 */
#define NCHANGE	 52

static int
cmp_ll(const void *a, const void *b)
{
	long long	 x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Change kind (0 to 3: credential revoked, group taken, consumer
 * deleted, secret rotated without grace) to consumer u and its key: 1
 * if the admin call answered 200.
 */
static int
feed_make(int kind, const char *u, const char *key, const char *what)
{
	struct resp	 r;
	long		 st;
	int		 ok;

	switch (kind) {
	case 0:
		api(&r, url, RT_CRED_REVOKE, u, key, NULL);
		ok = r.status == 200;
		break;
	case 1:
		call(&r, RT_REVOKE, u, "{\"groups\":[\"contentAdmin\"]}");
		ok = r.status == 200;
		break;
	case 2:
		call(&r, RT_DELETE, u, NULL);
		ok = r.status == 200;
		break;
	default:
		ok = rotate(&r, u, key, "{\"grace_seconds\":0}",
		    "rotate") != NULL;
		break;
	}
	st = r.status;
	resp_free(&r);
	return CHECK(ok, "%s: HTTP %ld", what, st);
}

/*
 * One change of kind (0 to 3) to a new consumer: the time from the
 * admin call's answer to the first refusal through the web server, ms;
 * *call_ms (may be NULL) gets the admin call's own.
 */
static long long
feed_change(int kind, long long *call_ms)
{
	static const char *const what[] = { "credential revoked",
	    "group taken", "consumer deleted", "secret rotated" };
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	struct resp	 g;
	char		 u[NAMESZ], *tok = NULL, *h = NULL;
	long long	 t0, n, took = -1;
	long		 want = kind == 1 ? 403 : 401, st = 0;

	if (consumer_as("feedb", "{\"groups\":[\"contentAdmin\"]}", u, &t,
	    &c, &tok) == -1 || (h = bearer(tok)) == NULL)
		goto done;
	/* Cached by the workers that answer, then by nginx (twice seen). */
	if (!CHECK(gw_row(API, h, 4, 200) == 4, "%s: no pass before",
	    what[kind]))
		goto done;
	t0 = now_ms();
	if (!feed_make(kind, u, c.key, what[kind]))
		goto done;
	/*
	 * Counted from the answer: the change committed before it, and the
	 * admin call's own time (long on a loaded machine) is not the
	 * feed's.
	 */
	if (call_ms != NULL)
		*call_ms = now_ms() - t0;
	t0 = now_ms();
	while ((n = now_ms()) < t0 + 5000) {
		gw_get(&g, gw_url, API, (const char *const *)&h, 1);
		st = g.status;
		resp_free(&g);
		if (st != 200) {
			took = n - t0;
			break;
		}
		sleep_ms(5);
	}
	if (CHECK(took >= 0 && st == want, "%s: answered %ld, want %ld, "
	    "%lld ms after", what[kind], st, want, now_ms() - t0))
		CHECK(gw_row(API, h, 8, want) == 8, "%s: a pass after the "
		    "first refusal", what[kind]);
done:
	free(h);
	free(tok);
	return took;
}

/*
 * The text of the instance's configuration into *old (a new string),
 * and the file rewritten with its line of key (which it must have) set
 * to value, then reloaded.  0, or -1 after a failed check.
 */
static int
conf_swap(const char *key, const char *value, char **old)
{
	FILE		*f;
	char		*line, *p;
	size_t		 klen = strlen(key);
	long		 len;
	int		 found = 0;

	*old = NULL;
	if (!CHECK((f = fopen(conf_path, "r")) != NULL, "%s: %s", conf_path,
	    strerror(errno)))
		return -1;
	if ((p = *old = calloc(1, 65536)) == NULL) {
		fclose(f);
		return -1;
	}
	(void)fread(p, 1, 65535, f);
	fclose(f);
	if (!CHECK((f = fopen(conf_path, "w")) != NULL, "%s: %s", conf_path,
	    strerror(errno)))
		return -1;
	if ((p = strdup(*old)) == NULL) {
		fclose(f);
		return -1;
	}
	for (line = strtok(p, "\n"); line != NULL; line = strtok(NULL, "\n"))
		if (strncmp(line, key, klen) == 0 && (line[klen] == ' ' ||
		    line[klen] == '=')) {
			fprintf(f, "%s = %s\n", key, value);
			found = 1;
		} else
			fprintf(f, "%s\n", line);
	free(p);
	fclose(f);
	if (!CHECK(found, "%s: no line of %s", conf_path, key))
		return -1;
	return reconfigure("", &len);
}

/* The configuration text old written back, reloaded, and freed. */
static void
conf_unswap(char *old)
{
	FILE	*f;
	long	 len;

	if (old == NULL)
		return;
	if (CHECK((f = fopen(conf_path, "w")) != NULL, "%s: %s", conf_path,
	    strerror(errno))) {
		fputs(old, f);
		fclose(f);
		(void)reconfigure("", &len);
	}
	free(old);
}

void
test_gw_feed_bound(void)
{
	long long	 ms[NCHANGE], p50, p99, call, call_max = 0;
	char		*old = NULL;
	size_t		 i, n = 0;

	if (gw_setup() == -1 || conf_swap("cache_ttl", "60", &old) == -1) {
		conf_unswap(old);
		return;
	}
	/* The new follower's first poll. */
	sleep_ms(1000);
	/*
	 * Each change at another moment of the feed's polls and of nginx's
	 * seconds: a step of 397 ms spreads 52 over the whole second.
	 */
	for (i = 0; i < NCHANGE; i++) {
		sleep_ms((long)(i * 397 % 1000));
		if ((ms[n] = feed_change((int)(i % 4), &call)) >= 0) {
			n++;
			if (call > call_max)
				call_max = call;
		}
	}
	conf_unswap(old);
	if (!CHECK(n == NCHANGE, "%zu of %d changes measured", n, NCHANGE))
		return;
	qsort(ms, n, sizeof(ms[0]), cmp_ll);
	p50 = ms[n / 2];
	p99 = ms[(n * 99 + 99) / 100 - 1];
	printf("\n    feed: %zu changes (cache_ttl 60 s, feed_interval %ld ms, "
	    "pass_keep %ld ms): from the admin's answer to the first refusal "
	    "p50 %lld ms, p99 %lld ms, max %lld ms (the admin calls took "
	    "%lld ms at most)\n", n, conf_num("feed_interval", 250),
	    conf_num("pass_keep", 1000), p50, p99, ms[n - 1], call_max);
	CHECK(ms[n - 1] <= 1000, "a change took %lld ms to be honoured, "
	    "want 1000 at most", ms[n - 1]);
}

/* refusals */

/*
 * Once refused, never passed again: a change made while one worker
 * keeps the token's pass and another does not, with the feed slowed to
 * 3 s so that only a refusal can tell the first worker in time, and
 * nginx keeping no pass.  The token is asked until the first refusal
 * (the worker that read the store), then NREFUSED times in a row and
 * NBURST at once (every worker): none may pass.  Each of the four
 * kinds of change NSEEN_ROUNDS times.
 */
#define NSEEN_ROUNDS	 3
#define NREFUSED	 40		/* a multiple of NBURST */

static size_t
refusal_round(int kind, int round)
{
	static const char *const what[] = { "credential revoked",
	    "group taken", "consumer deleted", "secret rotated" };
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	struct resp	 g;
	char		 u[NAMESZ], *tok = NULL, *h = NULL;
	long long	 t0;
	long		 want = kind == 1 ? 403 : 401, st = 0;
	size_t		 i, passed = 0;

	if (consumer_as("seen", "{\"groups\":[\"contentAdmin\"]}", u, &t,
	    &c, &tok) == -1 || (h = bearer(tok)) == NULL)
		goto done;
	/* Kept by the one worker that answers. */
	if (!CHECK(gw_row(API, h, 1, 200) == 1, "%s: no pass before",
	    what[kind]))
		goto done;
	if (!feed_make(kind, u, c.key, what[kind]))
		goto done;
	t0 = now_ms();
	do {
		gw_get(&g, gw_url, API, (const char *const *)&h, 1);
		st = g.status;
		resp_free(&g);
	} while (st == 200 && now_ms() < t0 + 10000);
	if (!CHECK(st == want, "%s: answered %ld, want %ld", what[kind], st,
	    want))
		goto done;
	for (i = 0; i < NREFUSED; i += NBURST)
		passed += NBURST - gw_row(API, h, NBURST, want);
	passed += NBURST - gw_many(API, h, NBURST, 1, want, NULL);
	CHECK(passed == 0, "%s (round %d): %zu of %d requests after the "
	    "first refusal not refused", what[kind], round, passed,
	    NREFUSED + NBURST);
done:
	free(h);
	free(tok);
	return passed;
}

void
test_gw_refusal_seen(void)
{
	char		*old = NULL;
	size_t		 failed = 0, rounds = 0;
	int		 i;

	/*
	 * The instance's configuration has a line of cache_ttl only: the
	 * other two follow it.
	 */
	if (gw_setup() == -1 || conf_swap("cache_ttl", "60\nfeed_interval = "
	    "3000\npass_keep = 0", &old) == -1) {
		conf_unswap(old);
		return;
	}
	/* The new follower's first poll. */
	sleep_ms(1000);
	for (i = 0; i < 4 * NSEEN_ROUNDS; i++, rounds++)
		failed += refusal_round(i % 4, i / 4) > 0;
	conf_unswap(old);
	printf("\n    refusal seen: %zu of %zu changes passed a request "
	    "after the first refusal\n", failed, rounds);
}

/*
 * A refusal makes the other workers read again only while the store
 * holds a change the feed has not told: once it has, a revoked token
 * replayed, or a valid one on a path its groups do not open, costs no
 * statement however often it comes.
 */
#define NREPLAY	 1000

static char *
same_token(size_t i, void *arg)
{
	(void)i;
	return strdup(arg);
}

void
test_gw_refusal_replayed(void)
{
	struct resp	 r;
	char		 u[NAMESZ], v[NAMESZ], *tok = NULL, *tv = NULL;
	long long	 n, ms, most;

	if (gw_setup() == -1 || consumer("replay", "{\"groups\":"
	    "[\"contentAdmin\"]}", u, &tok) == -1 || consumer("forbid",
	    "{\"groups\":[\"userAdmin\"]}", v, &tv) == -1)
		goto done;
	call(&r, RT_DELETE, u, NULL);
	if (!CHECK(r.status == 200, "delete: HTTP %ld", r.status)) {
		resp_free(&r);
		goto done;
	}
	resp_free(&r);
	/* Told by the feed; each worker's refusal cached from here. */
	sleep_ms(feed_bound_ms());
	(void)statements("a deleted consumer's token", same_token, tok,
	    NBURST, 401, &ms);
	n = statements("a deleted consumer's token", same_token, tok,
	    NREPLAY, 401, &ms);
	printf("\n    refusal replayed: %d times in %lld ms, %lld statements"
	    "\n", NREPLAY, ms, n);
	/* Each worker reads again once a cache_ttl, whatever comes. */
	most = (ms / ttl_ms() + 2) * (long long)conf_workers() + FEED_EDGE;
	CHECK(n <= most, "a revoked token %d times: %lld statements, want "
	    "%lld at most", NREPLAY, n, most);
	(void)statements("a forbidden path", same_token, tv, NBURST, 403,
	    &ms);
	n = statements("a forbidden path", same_token, tv, NREPLAY, 403, &ms);
	printf("    forbidden path: %d times in %lld ms, %lld statements\n",
	    NREPLAY, ms, n);
	most = (ms / ttl_ms() + 2) * (long long)conf_workers() + FEED_EDGE;
	CHECK(n <= most, "a forbidden path %d times: %lld statements, want "
	    "%lld at most", NREPLAY, n, most);
done:
	free(tok);
	free(tv);
}
