/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The change feed: its ring in shared memory (core/feed.c), and what a
 * worker's check does with it (gateway/credcache.c): a change by key,
 * by consumer or of everything evicts exactly that, a memo of a token
 * does not outlive its credential, a worker that fell behind the ring
 * forgets everything, and a blind feed shortens what is kept.  The
 * store is a few credentials in memory: this file defines
 * store_auth_lookup() and store_auth_record_free() (see test_check.c).
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/feed.h"
#include "core/keyfilter.h"
#include "crypto/jwt.h"
#include "gateway/auth.h"
#include "gateway/credcache.h"
#include "store/credential.h"
#include "store/store.h"
#include "unit.h"

#define NOW	 1700000000000LL		/* epoch ms */

/* The store in memory; a test changes it as an admin would. */
static struct fake_cred {
	const char	*key, *secret, *user;
	char		 groups[64];
	int		 active;
	uint64_t	 limits[RL_NWINDOWS];	/* its consumer's own */
} creds[] = {
	{ "k1", "secret-one", "alice", "contentAdmin", 1, { 0 } },
	{ "k4", "secret-four", "alice", "contentAdmin", 1, { 0 } },
	{ "k2", "secret-two", "bob", "contentAdmin", 1, { 0 } },
	{ "k9", "secret-nine", "dave", "contentAdmin", 0, { 0 } },
};
#define NCREDS	 (sizeof(creds) / sizeof(creds[0]))

static int	 lookups;
static long long trail;		/* the audit trail's last id */

enum store_rc
store_auth_lookup(struct store *s, const char *key, size_t len,
    long long now_ms, struct auth_record *out)
{
	const struct fake_cred	*c = NULL;
	size_t			 i;

	(void)s;
	(void)now_ms;
	lookups++;
	memset(out, 0, sizeof(*out));
	out->trail = trail;
	for (i = 0; i < NCREDS; i++)
		if (creds[i].active && strlen(creds[i].key) == len &&
		    memcmp(creds[i].key, key, len) == 0)
			c = &creds[i];
	if (c == NULL)
		return ST_NOT_FOUND;
	snprintf(out->algorithm, sizeof(out->algorithm), "HS256");
	snprintf(out->secret, sizeof(out->secret), "%s", c->secret);
	memcpy(out->limits, c->limits, sizeof(out->limits));
	if ((out->username = strdup(c->user)) == NULL ||
	    strlist_add(&out->groups, c->groups, strlen(c->groups)) == -1)
		return ST_ERR;
	return ST_OK;
}

void
store_auth_record_free(struct auth_record *r)
{
	free(r->username);
	free(r->public_key);
	free(r->prev_public_key);
	strlist_free(&r->groups);
	explicit_bzero(r, sizeof(*r));
}

static struct config	 cfg;
static struct auth	*a;
static char		*bearer[NCREDS];

static struct fake_cred *
cred(const char *key)
{
	size_t	 i;

	for (i = 0; i < NCREDS; i++)
		if (strcmp(creds[i].key, key) == 0)
			return &creds[i];
	return NULL;
}

/* The verdict on key's token (its own secret) for contentAdmin at now. */
static enum auth_verdict
check(const char *key, long long now, struct auth_result *v)
{
	struct auth_request	 q;
	size_t			 i = (size_t)(cred(key) - creds);

	memset(&q, 0, sizeof(q));
	q.authorization = bearer[i];
	q.nauthorization = 1;
	q.method = "GET";
	q.uri = "/content/v1/flag/accept";
	q.allow_groups = "contentAdmin";
	auth_check(a, &q, now, v);
	return v->verdict;
}

static int
setup(void)
{
	char	 err[256], *t;
	size_t	 i;

	config_defaults(&cfg);
	cfg.cache_ttl = 60;
	for (i = 0; i < NCREDS; i++) {
		snprintf(creds[i].groups, sizeof(creds[i].groups),
		    "contentAdmin");
		creds[i].active = strcmp(creds[i].key, "k9") != 0;
		t = jwt_sign_hs256(creds[i].key, creds[i].secret,
		    strlen(creds[i].secret), NOW / 1000);
		if (t == NULL || asprintf(&bearer[i], "Bearer %s", t) == -1)
			return -1;
		free(t);
	}
	lookups = 0;
	trail = 0;
	/* The feed saw the trail a moment ago: not blind. */
	feed_poll_done(1, NOW);
	if ((a = auth_new(&cfg, (struct store *)&cfg, err, sizeof(err))) ==
	    NULL)
		return -1;
	return 0;
}

static void
teardown(void)
{
	size_t	 i;

	auth_free(a);
	a = NULL;
	for (i = 0; i < NCREDS; i++) {
		free(bearer[i]);
		bearer[i] = NULL;
	}
}

/* The ring: in order, once each; a name too long is "everything". */
static void
test_ring(void)
{
	struct feed_change	 c;
	uint64_t		 seen = feed_head();
	char			 longname[FEED_NAME_MAX + 2];

	CU_ASSERT_EQUAL(feed_next(&seen, &c), 0);
	feed_publish(FEED_KEY, "k1", 2);
	feed_publish(FEED_CONSUMER, "alice", 5);
	CU_ASSERT_EQUAL_FATAL(feed_next(&seen, &c), 1);
	CU_ASSERT_EQUAL(c.kind, FEED_KEY);
	UNIT_STREQ(c.name, "k1", "the first change's name");
	CU_ASSERT_EQUAL_FATAL(feed_next(&seen, &c), 1);
	CU_ASSERT_EQUAL(c.kind, FEED_CONSUMER);
	UNIT_STREQ(c.name, "alice", "the second change's name");
	CU_ASSERT_EQUAL(c.len, 5);
	CU_ASSERT_EQUAL(feed_next(&seen, &c), 0);
	CU_ASSERT_EQUAL(seen, feed_head());
	memset(longname, 'x', sizeof(longname));
	feed_publish(FEED_KEY, longname, sizeof(longname));
	CU_ASSERT_EQUAL_FATAL(feed_next(&seen, &c), 1);
	CU_ASSERT_EQUAL(c.kind, FEED_ALL);
}

/* A reader the ring went round past is told so, and moved to the head. */
static void
test_ring_behind(void)
{
	struct feed_change	 c;
	uint64_t		 seen = feed_head();
	size_t			 i;

	for (i = 0; i < FEED_RING + 1; i++)
		feed_publish(FEED_KEY, "kx", 2);
	CU_ASSERT_EQUAL(feed_next(&seen, &c), -1);
	CU_ASSERT_EQUAL(seen, feed_head());
	CU_ASSERT_EQUAL(feed_next(&seen, &c), 0);
	/* Exactly a ring behind is not behind. */
	for (i = 0; i < FEED_RING; i++)
		feed_publish(FEED_KEY, "ky", 2);
	for (i = 0; i < FEED_RING; i++)
		if (feed_next(&seen, &c) != 1)
			break;
	CU_ASSERT_EQUAL(i, FEED_RING);
}

/*
 * By key: the credential is read again at once (cache_ttl 60 s), a
 * revoked one refused; the others stay cached.
 */
static void
test_evict_key(void)
{
	struct auth_result	 v;

	CU_ASSERT_EQUAL(check("k1", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check("k2", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 2);
	UNIT_CHECK(v.known_ms == NOW, "known_ms %lld, want the feed's poll "
	    "%lld", v.known_ms, NOW);
	cred("k1")->active = 0;		/* revoked, not told yet */
	CU_ASSERT_EQUAL(check("k1", NOW + 100, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 2);
	feed_publish(FEED_KEY, "k1", 2);
	CU_ASSERT_EQUAL(check("k1", NOW + 200, &v), AUTH_UNAUTHORIZED);
	CU_ASSERT_EQUAL(check("k2", NOW + 200, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 3);
}

/*
 * An unknown key is cached as such; a change naming it (a new
 * credential, a rotation) evicts that too.
 */
static void
test_evict_negative(void)
{
	struct auth_result	 v;

	CU_ASSERT_EQUAL(check("k9", NOW, &v), AUTH_UNAUTHORIZED);
	cred("k9")->active = 1;
	CU_ASSERT_EQUAL(check("k9", NOW + 100, &v), AUTH_UNAUTHORIZED);
	CU_ASSERT_EQUAL(lookups, 1);
	feed_publish(FEED_KEY, "k9", 2);
	CU_ASSERT_EQUAL(check("k9", NOW + 200, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 2);
}

/*
 * By consumer: every credential of alice is read again (her groups
 * changed), bob's is not; the memo of a token that verified does not
 * pass with the groups of before.
 */
static void
test_evict_consumer(void)
{
	struct auth_result	 v;

	CU_ASSERT_EQUAL(check("k1", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check("k1", NOW, &v), AUTH_PASS);	/* memo */
	CU_ASSERT_EQUAL(check("k4", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check("k2", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 3);
	snprintf(cred("k1")->groups, sizeof(creds[0].groups), "contentUser");
	snprintf(cred("k4")->groups, sizeof(creds[0].groups), "contentUser");
	CU_ASSERT_EQUAL(check("k1", NOW + 100, &v), AUTH_PASS);
	feed_publish(FEED_CONSUMER, "alice", 5);
	CU_ASSERT_EQUAL(check("k1", NOW + 200, &v), AUTH_FORBIDDEN);
	CU_ASSERT_EQUAL(check("k4", NOW + 200, &v), AUTH_FORBIDDEN);
	CU_ASSERT_EQUAL(check("k2", NOW + 200, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 5);
}

/* Everything, and a worker behind the ring: all read again. */
static void
test_evict_all(void)
{
	struct auth_result	 v;
	size_t			 i;

	CU_ASSERT_EQUAL(check("k1", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check("k2", NOW, &v), AUTH_PASS);
	feed_publish(FEED_ALL, NULL, 0);
	CU_ASSERT_EQUAL(check("k1", NOW + 100, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check("k2", NOW + 100, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 4);
	for (i = 0; i < FEED_RING + 1; i++)
		feed_publish(FEED_KEY, "nobody", 6);
	CU_ASSERT_EQUAL(check("k1", NOW + 200, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check("k2", NOW + 200, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 6);
}

/*
 * Blind (no good poll for 2 * feed_interval + 1 s): what was kept is
 * kept FEED_BLIND_TTL_S from its reading at most (cache_ttl is 60 s),
 * and the pass is marked so that nginx keeps none.
 */
static void
test_blind(void)
{
	struct auth_result	 v;
	long long		 t = NOW + 2 * 250 + 1001;

	CU_ASSERT_EQUAL(check("k1", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check("k2", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 2);
	CU_ASSERT_EQUAL(check("k1", t, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 2);
	UNIT_CHECK(v.known_ms == -1, "blind: known_ms %lld, want -1",
	    v.known_ms);
	/* Read 5 s ago: read again; its pass ends 5 s after at most. */
	t = NOW + FEED_BLIND_TTL_S * 1000;
	CU_ASSERT_EQUAL(check("k1", t, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 3);
	UNIT_CHECK(v.until_ms <= t + FEED_BLIND_TTL_S * 1000, "blind: a "
	    "pass until %lld, want %lld at most", v.until_ms,
	    t + FEED_BLIND_TTL_S * 1000);
	/* Seeing again: kept its cache_ttl (k2 read at NOW). */
	feed_poll_done(1, t + 10);
	CU_ASSERT_EQUAL(check("k2", t + 20, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 3);
}

/*
 * The key filter in the check: a key it does not hold is refused
 * without a lookup; one the feed adds passes; while the feed is blind
 * the filter is not asked.  (Built here, it stays built: the last test.)
 */
static void
test_filter(void)
{
	struct auth_result	 v;
	long long		 t = NOW + 2 * 250 + 1001;

	keyfilter_rebuild_begin();
	keyfilter_rebuild_add("k1", 2);
	keyfilter_rebuild_add("k2", 2);
	CU_ASSERT_EQUAL_FATAL(keyfilter_rebuild_end(), 0);
	CU_ASSERT_EQUAL(check("k1", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check("k9", NOW, &v), AUTH_UNAUTHORIZED);
	CU_ASSERT_EQUAL(lookups, 1);
	/* Made on another host: the feed adds its key, tells its name. */
	cred("k9")->active = 1;
	keyfilter_add("k9", 2);
	feed_publish(FEED_KEY, "k9", 2);
	CU_ASSERT_EQUAL(check("k9", NOW + 100, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 2);
	/* Blind: k4 is not in the filter, the store is asked. */
	CU_ASSERT_EQUAL(check("k4", t, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 3);
}

/*
 * A consumer's own limits come with its credential (0 where it has
 * none), and a change of them, told by consumer, is read again at once.
 */
static void
test_own_limits(void)
{
	struct credcache	*cc;
	struct cred		*c = NULL;
	static const uint64_t	 none[RL_NWINDOWS];

	CU_ASSERT_FATAL((cc = credcache_new(&cfg, (struct store *)&cfg)) !=
	    NULL);
	cred("k1")->limits[RL_HOUR] = cred("k4")->limits[RL_HOUR] = 50000;
	credcache_sync(cc, NOW);
	CU_ASSERT_EQUAL(credcache_find(cc, "k1", 2, NOW, &c), ST_OK);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(c->own_limit[RL_HOUR] == 50000 &&
	    c->own_limit[RL_SECOND] == 0 && c->own_limit[RL_MINUTE] == 0 &&
	    c->own_limit[RL_DAY] == 0);
	CU_ASSERT_EQUAL(credcache_find(cc, "k2", 2, NOW, &c), ST_OK);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(memcmp(c->own_limit, none, sizeof(none)) == 0);
	CU_ASSERT_EQUAL(lookups, 2);
	/* Set by an admin: kept as read until the feed tells. */
	cred("k1")->limits[RL_HOUR] = cred("k4")->limits[RL_HOUR] = 0;
	cred("k1")->limits[RL_MINUTE] = cred("k4")->limits[RL_MINUTE] = 1000;
	credcache_sync(cc, NOW + 100);
	CU_ASSERT_EQUAL(credcache_find(cc, "k1", 2, NOW + 100, &c), ST_OK);
	CU_ASSERT(c != NULL && c->own_limit[RL_HOUR] == 50000);
	feed_publish(FEED_CONSUMER, "alice", 5);
	credcache_sync(cc, NOW + 200);
	CU_ASSERT_EQUAL(credcache_find(cc, "k1", 2, NOW + 200, &c), ST_OK);
	CU_ASSERT(c != NULL && c->own_limit[RL_HOUR] == 0 &&
	    c->own_limit[RL_MINUTE] == 1000);
	CU_ASSERT_EQUAL(lookups, 3);
	memset(cred("k1")->limits, 0, sizeof(creds[0].limits));
	memset(cred("k4")->limits, 0, sizeof(creds[0].limits));
	credcache_free(cc);
}

/*
 * Two workers, the first with k1 and k2 cached: the second reads a
 * change the feed has not told (the trail is past its position) and
 * refuses; the first then refuses too, reading again.  Once the feed
 * has told, a refusal makes no other worker read again.
 */
static void
test_refusal_seen(void)
{
	struct auth_result	 v;
	struct auth		*w1 = a, *w2;
	char			 err[256];

	CU_ASSERT_FATAL((w2 = auth_new(&cfg, (struct store *)&cfg, err,
	    sizeof(err))) != NULL);
	feed_set_position(10);
	trail = 10;
	CU_ASSERT_EQUAL(check("k1", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(check("k2", NOW, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 2);

	/* Groups taken from alice, and k2 revoked: not told yet. */
	snprintf(cred("k1")->groups, sizeof(creds[0].groups), "other");
	cred("k2")->active = 0;
	trail = 12;
	a = w2;
	CU_ASSERT_EQUAL(check("k1", NOW + 10, &v), AUTH_FORBIDDEN);
	CU_ASSERT_EQUAL(check("k2", NOW + 10, &v), AUTH_UNAUTHORIZED);
	CU_ASSERT_EQUAL(lookups, 4);
	a = w1;
	CU_ASSERT_EQUAL(check("k1", NOW + 20, &v), AUTH_FORBIDDEN);
	CU_ASSERT_EQUAL(check("k2", NOW + 20, &v), AUTH_UNAUTHORIZED);
	CU_ASSERT_EQUAL(lookups, 6);
	/* Refused from their caches now: nobody reads again. */
	CU_ASSERT_EQUAL(check("k1", NOW + 30, &v), AUTH_FORBIDDEN);
	a = w2;
	CU_ASSERT_EQUAL(check("k1", NOW + 30, &v), AUTH_FORBIDDEN);
	CU_ASSERT_EQUAL(lookups, 6);

	/*
	 * Told: k4 (alice's too) cached by the first, refused by the
	 * second's own read, which bumps nothing.
	 */
	feed_set_position(12);
	a = w1;
	snprintf(cred("k1")->groups, sizeof(creds[0].groups),
	    "contentAdmin");
	CU_ASSERT_EQUAL(check("k4", NOW + 40, &v), AUTH_PASS);
	snprintf(cred("k4")->groups, sizeof(creds[0].groups), "other");
	a = w2;
	CU_ASSERT_EQUAL(check("k4", NOW + 50, &v), AUTH_FORBIDDEN);
	CU_ASSERT_EQUAL(lookups, 8);
	a = w1;
	CU_ASSERT_EQUAL(check("k4", NOW + 60, &v), AUTH_PASS);
	CU_ASSERT_EQUAL(lookups, 8);
	snprintf(cred("k4")->groups, sizeof(creds[0].groups),
	    "contentAdmin");
	cred("k2")->active = 1;
	auth_free(w2);
}

/*
 * feed_poll_next: with pass_keep 1 s, the next 102 ms point of a second
 * after the time given, never the time itself; with other keeps, the
 * point from which a read lets a pass made then be kept to the end of
 * its second (pass_until's rule: the read's time + pass_keep -
 * PASS_SLACK_MS reaches the second's end).
 */
static void
test_poll_next(void)
{
	static const long long	 keeps[] = { 1000, 2000, 500, 1500, 250, 999 };
	long long		 t, k, next, sec;
	size_t			 i;

	CU_ASSERT_EQUAL(feed_poll_next(1000, 5000000), 5000102);
	CU_ASSERT_EQUAL(feed_poll_next(1000, 5000101), 5000102);
	CU_ASSERT_EQUAL(feed_poll_next(1000, 5000102), 5001102);
	CU_ASSERT_EQUAL(feed_poll_next(1000, 5000999), 5001102);
	CU_ASSERT_EQUAL(feed_poll_next(500, 5000000), 5000602);
	CU_ASSERT_EQUAL(feed_poll_next(2000, 5000200), 5001102);
	for (i = 0; i < sizeof(keeps) / sizeof(keeps[0]); i++)
		for (t = 7000000; t < 7002000; t += 7) {
			k = keeps[i];
			next = feed_poll_next(k, t);
			CU_ASSERT(next > t && next <= t + 1000);
			/* A read then lets a pass of its second be kept whole. */
			sec = next / 1000 * 1000;
			CU_ASSERT(next + k - PASS_SLACK_MS >= sec + 1000);
			/*
			 * With a keep of a second or less, a read 3 ms before
			 * it would not (2 ms of margin); with more, any read
			 * of the second would.
			 */
			CU_ASSERT(k > 1000 ||
			    next - 3 + k - PASS_SLACK_MS < sec + 1000);
		}
}

#define CASE(f)	 static void f##_fresh(void) { \
	CU_ASSERT_FATAL(setup() == 0); f(); teardown(); }
CASE(test_evict_key)
CASE(test_evict_negative)
CASE(test_evict_consumer)
CASE(test_evict_all)
CASE(test_blind)
CASE(test_own_limits)
CASE(test_filter)
CASE(test_refusal_seen)

static const CU_TestInfo tests[] = {
	{ "the ring: in order, once, a long name is everything", test_ring },
	{ "the ring: a reader left behind is told", test_ring_behind },
	{ "a change by key: that credential read again",
	    test_evict_key_fresh },
	{ "a change by key: an unknown key's entry too",
	    test_evict_negative_fresh },
	{ "a change by consumer: its credentials, not the memo's",
	    test_evict_consumer_fresh },
	{ "everything, and a worker behind the ring", test_evict_all_fresh },
	{ "a blind feed: kept 5 s from its reading, not kept by nginx",
	    test_blind_fresh },
	{ "a consumer's own limits: read with its credential, again when "
	    "the feed names it", test_own_limits_fresh },
	{ "a refusal read before the feed told: every worker refuses",
	    test_refusal_seen_fresh },
	{ "the key filter: no lookup for a key it lacks, unless blind",
	    test_filter_fresh },
	{ "the polls' schedule: one a second where nginx may keep the rest",
	    test_poll_next },
	CU_TEST_INFO_NULL
};

/* The region, as a master maps it before its children start. */
static int
map_feed(void)
{
	return feed_init() == 0 && keyfilter_init(64) == 0 ? 0 : -1;
}

int
main(void)
{
	return unit_main("feed", tests, map_feed, NULL);
}
