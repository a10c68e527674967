/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of cache.c: hits and misses, negative entries, expiry,
 * replacement, the least recently used going first, the bound on the
 * number of entries, and that every value is freed exactly once.
 */
#include "build.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "unit.h"

#define LIT(s)	 (s), sizeof(s) - 1
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define FAR	 (1LL << 60)	/* an expiry never reached */

/* How many values the cache has freed. */
static size_t	 nfreed;

static void
count_free(void *v)
{
	nfreed++;
	free(v);
}

static char *
xstrdup(const char *s)
{
	char	*p;

	p = strdup(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return p;
}

static struct cache *
new_cache(size_t capacity)
{
	struct cache	*c;

	nfreed = 0;
	c = cache_new(capacity, count_free);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	return c;
}

/* Looks key (a string) up at now; the value, or "(miss)". */
static const char *
get(struct cache *c, const char *key, long long now)
{
	void	*v = (void *)"(unset)";

	if (cache_get(c, key, strlen(key), now, &v) != 1)
		return "(miss)";
	return v == NULL ? "(negative)" : v;
}

/* Puts key -> a copy of value (NULL: negative) until expires. */
static void
put(struct cache *c, const char *key, const char *value, long long expires)
{
	CU_ASSERT_EQUAL(cache_put(c, key, strlen(key),
	    value == NULL ? NULL : xstrdup(value), expires), 0);
}

static void
test_new(void)
{
	struct cache	*c;

	CU_ASSERT_PTR_NULL(cache_new(0, count_free));
	c = cache_new(1, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(cache_count(c), 0);
	cache_free(c);
	cache_free(NULL);
}

static void
test_put_get(void)
{
	struct cache	*c;
	void		*v;

	c = new_cache(16);
	put(c, "a", "A", FAR);
	put(c, "b", "B", FAR);
	CU_ASSERT_EQUAL(cache_count(c), 2);
	UNIT_STREQ(get(c, "a", 0), "A", "a");
	UNIT_STREQ(get(c, "b", 0), "B", "b");
	UNIT_STREQ(get(c, "c", 0), "(miss)", "c");
	UNIT_STREQ(get(c, "", 0), "(miss)", "empty key");
	/* A hit leaves the value where it was. */
	UNIT_STREQ(get(c, "a", 1), "A", "a again");

	/* Keys are len bytes: a prefix, a longer key and NULs differ. */
	CU_ASSERT_EQUAL(cache_put(c, LIT("k\0x"), xstrdup("K0X"), FAR), 0);
	CU_ASSERT_EQUAL(cache_put(c, LIT("k\0y"), xstrdup("K0Y"), FAR), 0);
	CU_ASSERT_EQUAL(cache_put(c, LIT(""), xstrdup("EMPTY"), FAR), 0);
	v = NULL;
	CU_ASSERT(cache_get(c, LIT("k\0x"), 0, &v) == 1 && v != NULL &&
	    strcmp(v, "K0X") == 0);
	CU_ASSERT(cache_get(c, LIT("k\0y"), 0, &v) == 1 && v != NULL &&
	    strcmp(v, "K0Y") == 0);
	CU_ASSERT_EQUAL(cache_get(c, LIT("k"), 0, &v), 0);
	CU_ASSERT_EQUAL(cache_get(c, LIT("k\0"), 0, &v), 0);
	CU_ASSERT_EQUAL(cache_get(c, LIT("k\0xz"), 0, &v), 0);
	CU_ASSERT(cache_get(c, "ab", 1, 0, &v) == 1 && v != NULL &&
	    strcmp(v, "A") == 0);
	UNIT_STREQ(get(c, "", 0), "EMPTY", "empty key");
	CU_ASSERT_EQUAL(cache_count(c), 5);
	CU_ASSERT_EQUAL(nfreed, 0);
	cache_free(c);
	CU_ASSERT_EQUAL(nfreed, 5);
}

/* A NULL value: a hit that says "known not to exist". */
static void
test_negative(void)
{
	struct cache	*c;
	void		*v;

	c = new_cache(4);
	CU_ASSERT_EQUAL(cache_put(c, LIT("nope"), NULL, 100), 0);
	CU_ASSERT_EQUAL(cache_count(c), 1);
	v = (void *)"sentinel";
	CU_ASSERT_EQUAL(cache_get(c, LIT("nope"), 0, &v), 1);
	CU_ASSERT_PTR_NULL(v);
	/* It expires as any other; free_fn never sees NULL. */
	CU_ASSERT_EQUAL(cache_get(c, LIT("nope"), 100, &v), 0);
	CU_ASSERT_EQUAL(cache_count(c), 0);
	CU_ASSERT_EQUAL(nfreed, 0);

	/* Negative replaced by a value and back. */
	put(c, "k", NULL, FAR);
	put(c, "k", "V", FAR);
	CU_ASSERT_EQUAL(nfreed, 0);
	UNIT_STREQ(get(c, "k", 0), "V", "k");
	put(c, "k", NULL, FAR);
	CU_ASSERT_EQUAL(nfreed, 1);
	UNIT_STREQ(get(c, "k", 0), "(negative)", "k");
	CU_ASSERT_EQUAL(cache_count(c), 1);
	cache_free(c);
	CU_ASSERT_EQUAL(nfreed, 1);
}

/* Live while now < expires; at expires a miss that drops the entry. */
static void
test_expiry(void)
{
	static const struct {
		long long	 now;
		const char	*want;
	} t[] = {
		{ -1000, "E" },
		{ 0, "E" },
		{ 998, "E" },
		{ 999, "E" },
		{ 1000, "(miss)" },
		/* Dropped: not back at an earlier time. */
		{ 999, "(miss)" },
		{ 0, "(miss)" },
	};
	struct cache	*c;
	size_t		 i;
	char		 what[64];

	c = new_cache(8);
	put(c, "e", "E", 1000);
	put(c, "other", "O", 1000);
	CU_ASSERT_EQUAL(cache_count(c), 2);
	for (i = 0; i < NELEM(t); i++) {
		snprintf(what, sizeof(what), "at %lld", t[i].now);
		UNIT_STREQ(get(c, "e", t[i].now), t[i].want, what);
	}
	CU_ASSERT_EQUAL(cache_count(c), 1);
	CU_ASSERT_EQUAL(nfreed, 1);

	/* Put again after expiry: live again. */
	put(c, "e", "E2", 2000);
	UNIT_STREQ(get(c, "e", 1999), "E2", "renewed");
	CU_ASSERT_EQUAL(cache_count(c), 2);

	/* Already expired when put: never a hit. */
	put(c, "past", "P", 5);
	UNIT_STREQ(get(c, "past", 5), "(miss)", "expired at put");
	CU_ASSERT_EQUAL(cache_count(c), 2);
	CU_ASSERT_EQUAL(nfreed, 2);

	/* Other entries do not expire with it. */
	UNIT_STREQ(get(c, "other", 999), "O", "other");
	cache_free(c);
	CU_ASSERT_EQUAL(nfreed, 4);
}

/* A put over a key frees the old value at once. */
static void
test_replace(void)
{
	struct cache	*c;
	char		 v[16];
	size_t		 i;

	c = new_cache(4);
	for (i = 0; i < 100; i++) {
		snprintf(v, sizeof(v), "v%zu", i);
		put(c, "k", v, FAR - (long long)i);
		CU_ASSERT_EQUAL(cache_count(c), 1);
		CU_ASSERT_EQUAL(nfreed, i);
		UNIT_STREQ(get(c, "k", 0), v, "k");
	}
	/* The replacement's expiry counts, not the old one's. */
	put(c, "k", "short", 10);
	UNIT_STREQ(get(c, "k", 10), "(miss)", "replaced expiry");
	CU_ASSERT_EQUAL(cache_count(c), 0);
	CU_ASSERT_EQUAL(nfreed, 101);
	cache_free(c);
	CU_ASSERT_EQUAL(nfreed, 101);
}

/* At capacity a put evicts the least recently used (get or put). */
static void
test_lru(void)
{
	struct cache	*c;
	char		 k[16];
	size_t		 i;

	c = new_cache(4);
	for (i = 0; i < 4; i++) {
		snprintf(k, sizeof(k), "k%zu", i);
		put(c, k, k, FAR);
	}
	CU_ASSERT_EQUAL(cache_count(c), 4);
	CU_ASSERT_EQUAL(nfreed, 0);

	/* k0 is touched: k1 is now the least recently used. */
	UNIT_STREQ(get(c, "k0", 0), "k0", "touch k0");
	put(c, "k4", "k4", FAR);
	CU_ASSERT_EQUAL(cache_count(c), 4);
	CU_ASSERT_EQUAL(nfreed, 1);
	UNIT_STREQ(get(c, "k1", 0), "(miss)", "k1 evicted");
	/* Order of use now: k0 (oldest), k2, k3, k4. */
	UNIT_STREQ(get(c, "k0", 0), "k0", "k0 survived");
	UNIT_STREQ(get(c, "k2", 0), "k2", "k2");
	UNIT_STREQ(get(c, "k3", 0), "k3", "k3");
	UNIT_STREQ(get(c, "k4", 0), "k4", "k4");

	/* Replacing a key makes it recent too. */
	put(c, "k0", "k0'", FAR);		/* order: k2 k3 k4 k0 */
	CU_ASSERT_EQUAL(nfreed, 2);
	put(c, "k5", "k5", FAR);		/* evicts k2 */
	CU_ASSERT_EQUAL(nfreed, 3);
	UNIT_STREQ(get(c, "k2", 0), "(miss)", "k2 evicted");
	UNIT_STREQ(get(c, "k0", 0), "k0'", "k0 replaced, survived");
	UNIT_STREQ(get(c, "k3", 0), "k3", "k3 survived");
	CU_ASSERT_EQUAL(cache_count(c), 4);

	/* A miss touches nothing. */
	UNIT_STREQ(get(c, "nothere", 0), "(miss)", "miss");
	put(c, "k6", "k6", FAR);		/* order was k4 k5 k0 k3 */
	UNIT_STREQ(get(c, "k4", 0), "(miss)", "k4 evicted");
	CU_ASSERT_EQUAL(cache_count(c), 4);
	cache_free(c);
	CU_ASSERT_EQUAL(nfreed, 8);

	/* Capacity 1: each new key evicts the last one. */
	c = new_cache(1);
	put(c, "a", "A", FAR);
	put(c, "b", "B", FAR);
	UNIT_STREQ(get(c, "a", 0), "(miss)", "a evicted");
	UNIT_STREQ(get(c, "b", 0), "B", "b");
	put(c, "b", NULL, FAR);
	CU_ASSERT_EQUAL(cache_count(c), 1);
	cache_free(c);
	CU_ASSERT_EQUAL(nfreed, 2);
}

/*
 * Many keys through small caches: the count stays within capacity, every
 * entry gone was freed once (frees + live == puts), and every hit holds
 * its own key's value.  The hash seed is random, so chain overflows may
 * or may not happen; the accounting must hold either way.
 */
static void
test_bounds(void)
{
	static const size_t	 caps[] = { 1, 2, 7, 16, 17, 64, 1000 };
	struct cache		*c;
	char			 k[32];
	void			*v;
	size_t			 i, j, n, puts, hits;

	for (i = 0; i < NELEM(caps); i++) {
		c = new_cache(caps[i]);
		n = caps[i] * 20 + 100;
		puts = 0;
		for (j = 0; j < n; j++) {
			snprintf(k, sizeof(k), "key-%zu", j);
			put(c, k, k, FAR);
			puts++;
			if (cache_count(c) > caps[i]) {
				UNIT_CHECK(0, "capacity %zu: count %zu",
				    caps[i], cache_count(c));
				break;
			}
			/* Now and then, a key again (a replacement). */
			if (j % 5 == 0 && j > 0) {
				snprintf(k, sizeof(k), "key-%zu", j / 2);
				put(c, k, k, FAR);
				puts++;
			}
		}
		UNIT_CHECK(nfreed + cache_count(c) == puts,
		    "capacity %zu: %zu freed + %zu live != %zu puts",
		    caps[i], nfreed, cache_count(c), puts);
		/* At capacity after this many distinct keys... */
		UNIT_CHECK(cache_count(c) <= caps[i] &&
		    cache_count(c) + 8 > caps[i],
		    "capacity %zu: count %zu", caps[i], cache_count(c));
		/* ...and every live entry is found, with its value. */
		for (hits = 0, j = 0; j < n; j++) {
			snprintf(k, sizeof(k), "key-%zu", j);
			v = NULL;
			if (cache_get(c, k, strlen(k), 0, &v) != 1)
				continue;
			hits++;
			UNIT_CHECK(v != NULL && strcmp(v, k) == 0,
			    "capacity %zu: %s holds %s", caps[i], k,
			    v == NULL ? "NULL" : (char *)v);
		}
		UNIT_CHECK(hits == cache_count(c), "capacity %zu: %zu hits, "
		    "%zu live", caps[i], hits, cache_count(c));
		cache_free(c);
		UNIT_CHECK(nfreed == puts, "capacity %zu: %zu freed of %zu",
		    caps[i], nfreed, puts);
	}
}

static void
test_clear(void)
{
	struct cache	*c;
	char		 k[16];
	size_t		 i;

	c = new_cache(32);
	for (i = 0; i < 20; i++) {
		snprintf(k, sizeof(k), "k%zu", i);
		put(c, k, i % 3 == 0 ? NULL : k, FAR);
	}
	CU_ASSERT_EQUAL(cache_count(c), 20);
	cache_clear(c);
	CU_ASSERT_EQUAL(cache_count(c), 0);
	CU_ASSERT_EQUAL(nfreed, 13);	/* the 7 negatives hold none */
	UNIT_STREQ(get(c, "k1", 0), "(miss)", "k1 after clear");
	UNIT_STREQ(get(c, "k0", 0), "(miss)", "k0 after clear");

	/* Usable after, and clear on empty is harmless. */
	put(c, "again", "A", FAR);
	UNIT_STREQ(get(c, "again", 0), "A", "after clear");
	cache_clear(c);
	cache_clear(c);
	CU_ASSERT_EQUAL(cache_count(c), 0);
	CU_ASSERT_EQUAL(nfreed, 14);
	cache_free(c);
	CU_ASSERT_EQUAL(nfreed, 14);
}

/* Without a free_fn the values stay the caller's. */
static void
test_no_free_fn(void)
{
	static char	 a[] = "A", b[] = "B";
	struct cache	*c;
	void		*v;

	c = cache_new(1, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(cache_put(c, LIT("a"), a, FAR), 0);
	CU_ASSERT_EQUAL(cache_put(c, LIT("a"), b, FAR), 0);
	CU_ASSERT_EQUAL(cache_put(c, LIT("b"), a, FAR), 0);
	CU_ASSERT(cache_get(c, LIT("b"), 0, &v) == 1 && v == a);
	CU_ASSERT_EQUAL(cache_get(c, LIT("a"), 0, &v), 0);
	cache_clear(c);
	cache_free(c);
	CU_ASSERT_STRING_EQUAL(a, "A");
	CU_ASSERT_STRING_EQUAL(b, "B");
}

static const CU_TestInfo tests[] = {
	{ "cache_new bounds, cache_free(NULL)", test_new },
	{ "cache_put, cache_get, keys by length", test_put_get },
	{ "negative entries", test_negative },
	{ "expiry at exactly expires drops the entry", test_expiry },
	{ "replacing a key frees the old value", test_replace },
	{ "capacity evicts the least recently used", test_lru },
	{ "bounds and free accounting over many keys", test_bounds },
	{ "cache_clear frees all", test_clear },
	{ "no free_fn", test_no_free_fn },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("cache", tests, NULL, NULL);
}
