/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "core/cache.h"

#define CHAIN_MAX	 8	/* entries one bucket may hold */

struct centry {
	struct centry	*next;		/* in its bucket */
	struct centry	*lru_prev;	/* towards most recently used */
	struct centry	*lru_next;
	uint64_t	 hash;
	long long	 expires;
	void		*value;
	size_t		 len;
	char		 key[];
};

struct cache {
	struct centry	**buckets;
	size_t		  mask;
	size_t		  count, capacity;
	struct centry	 *lru_head, *lru_tail;	/* head: most recent */
	uint64_t	  seed;
	void		(*free_fn)(void *);
};

/* One word of a key into the hash: a multiply, then its high bits down. */
#define MIX(h, w)	 ((h) = ((h) ^ (w)) * 0xbf58476d1ce4e5b9ULL, \
			    (h) ^= (h) >> 31)

/*
 * A seeded 64-bit hash: the key eight bytes a step, then a murmur
 * finaliser.  The memo's keys are whole tokens (442 bytes in
 * bench/run): FNV-1a, a multiply a byte, took 3,000 instructions of
 * them, half of a check on a hit; this takes an eighth.  The seed is
 * random per process; CHAIN_MAX bounds the damage should an attacker
 * still find collisions.
 */
static uint64_t
hash(const struct cache *c, const char *s, size_t len)
{
	uint64_t	 h = c->seed ^ (len * 0x9e3779b97f4a7c15ULL), w;

	for (; len >= sizeof(w); s += sizeof(w), len -= sizeof(w)) {
		memcpy(&w, s, sizeof(w));
		MIX(h, w);
	}
	w = 0;
	memcpy(&w, s, len);
	MIX(h, w);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

struct cache *
cache_new(size_t capacity, void (*free_fn)(void *))
{
	struct cache	*c;
	size_t		 n = 16;

	if (capacity == 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	while (n < capacity && n < ((size_t)1 << 30))
		n <<= 1;
	if ((c->buckets = calloc(n, sizeof(*c->buckets))) == NULL) {
		free(c);
		return NULL;
	}
	if (RAND_bytes((unsigned char *)&c->seed, sizeof(c->seed)) != 1)
		c->seed = (uint64_t)(uintptr_t)c;
	c->mask = n - 1;
	c->capacity = capacity;
	c->free_fn = free_fn;
	return c;
}

static void
lru_unlink(struct cache *c, struct centry *e)
{
	if (e->lru_prev != NULL)
		e->lru_prev->lru_next = e->lru_next;
	else
		c->lru_head = e->lru_next;
	if (e->lru_next != NULL)
		e->lru_next->lru_prev = e->lru_prev;
	else
		c->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void
lru_push(struct cache *c, struct centry *e)
{
	e->lru_prev = NULL;
	e->lru_next = c->lru_head;
	if (c->lru_head != NULL)
		c->lru_head->lru_prev = e;
	c->lru_head = e;
	if (c->lru_tail == NULL)
		c->lru_tail = e;
}

/* Unlinks e from its bucket (found through pp) and the LRU; frees it. */
static void
drop(struct cache *c, struct centry **pp)
{
	struct centry	*e = *pp;

	*pp = e->next;
	lru_unlink(c, e);
	if (c->free_fn != NULL && e->value != NULL)
		c->free_fn(e->value);
	free(e);
	c->count--;
}

static struct centry **
slot_of(struct cache *c, struct centry *e)
{
	struct centry	**pp = &c->buckets[e->hash & c->mask];

	while (*pp != e)
		pp = &(*pp)->next;
	return pp;
}

int
cache_get(struct cache *c, const char *key, size_t len, long long now,
    void **value)
{
	struct centry	**pp, *e;
	uint64_t	  h = hash(c, key, len);

	for (pp = &c->buckets[h & c->mask]; (e = *pp) != NULL;
	    pp = &e->next) {
		if (e->hash != h || e->len != len ||
		    memcmp(e->key, key, len) != 0)
			continue;
		if (now >= e->expires) {
			drop(c, pp);
			return 0;
		}
		if (c->lru_head != e) {
			lru_unlink(c, e);
			lru_push(c, e);
		}
		*value = e->value;
		return 1;
	}
	return 0;
}

int
cache_put(struct cache *c, const char *key, size_t len, void *value,
    long long expires)
{
	struct centry	**pp, *e, **oldest_pp = NULL;
	uint64_t	  h = hash(c, key, len);
	size_t		  chain = 0;

	for (pp = &c->buckets[h & c->mask]; (e = *pp) != NULL; ) {
		if (e->hash == h && e->len == len &&
		    memcmp(e->key, key, len) == 0) {
			drop(c, pp);
			continue;
		}
		chain++;
		oldest_pp = pp;		/* chains grow at the head */
		pp = &e->next;
	}
	if (chain >= CHAIN_MAX)
		drop(c, oldest_pp);
	if (c->count >= c->capacity && c->lru_tail != NULL)
		drop(c, slot_of(c, c->lru_tail));
	if ((e = malloc(sizeof(*e) + len)) == NULL) {
		if (c->free_fn != NULL && value != NULL)
			c->free_fn(value);
		return -1;
	}
	memcpy(e->key, key, len);
	e->len = len;
	e->hash = h;
	e->expires = expires;
	e->value = value;
	e->next = c->buckets[h & c->mask];
	c->buckets[h & c->mask] = e;
	lru_push(c, e);
	c->count++;
	return 0;
}

int
cache_del(struct cache *c, const char *key, size_t len)
{
	struct centry	**pp, *e;
	uint64_t	 h = hash(c, key, len);

	for (pp = &c->buckets[h & c->mask]; (e = *pp) != NULL;
	    pp = &e->next)
		if (e->hash == h && e->len == len &&
		    memcmp(e->key, key, len) == 0) {
			drop(c, pp);
			return 1;
		}
	return 0;
}

size_t
cache_drop_if(struct cache *c, int (*match)(const void *, void *),
    void *arg)
{
	struct centry	*e, *next;
	size_t		 n = 0;

	/* The entries, not the buckets: a cache holds fewer than it may. */
	for (e = c->lru_head; e != NULL; e = next) {
		next = e->lru_next;
		if (e->value != NULL && match(e->value, arg)) {
			drop(c, slot_of(c, e));
			n++;
		}
	}
	return n;
}

void
cache_clear(struct cache *c)
{
	size_t	 i;

	for (i = 0; i <= c->mask; i++)
		while (c->buckets[i] != NULL)
			drop(c, &c->buckets[i]);
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	cache_clear(c);
	free(c->buckets);
	free(c);
}

size_t
cache_count(const struct cache *c)
{
	return c->count;
}
