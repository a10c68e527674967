/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * A per-worker cache: string key -> value, with an expiry time, a bound
 * on the number of entries (the least recently used goes first) and on
 * every hash chain (so keys an attacker picks cannot make lookups slow).
 * A NULL value is a negative entry: "known not to exist until expiry".
 * Not thread-safe: one per process.
 */
#ifndef ADMINUTIL_CACHE_H
#define ADMINUTIL_CACHE_H

#include <stddef.h>

struct cache;

/*
 * A cache of at most capacity entries; free_fn (may be NULL) releases a
 * value when its entry goes.  NULL on no memory.
 */
struct cache	*cache_new(size_t capacity, void (*free_fn)(void *));
void		 cache_free(struct cache *);

/*
 * Looks key up at time now (ms).  Returns 1 and sets *value (NULL for a
 * negative entry) on a live hit, 0 on a miss (an expired entry is
 * dropped).  The value stays valid until the next cache_put/cache_clear.
 */
int		 cache_get(struct cache *, const char *key, size_t len,
		    long long now, void **value);

/*
 * Stores value (NULL: negative) under key until expires (ms), replacing
 * what was there.  The cache owns value from now on, also on failure.
 * 0, or -1 on no memory.
 */
int		 cache_put(struct cache *, const char *key, size_t len,
		    void *value, long long expires);

/* Drops the entry of key: 1, or 0 when there was none. */
int		 cache_del(struct cache *, const char *key, size_t len);
/*
 * Drops every entry whose value (negative entries are kept) match()
 * says 1 of, given arg; how many.  A walk of every entry: for a change
 * that names no key, not for the hot path.
 */
size_t		 cache_drop_if(struct cache *, int (*match)(const void *,
		    void *), void *arg);

/* Drops every entry. */
void		 cache_clear(struct cache *);
size_t		 cache_count(const struct cache *);

#endif
