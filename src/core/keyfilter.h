/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The key filter: every active credential's key, known to every worker
 * of one master, so that a token naming a key nobody has is refused
 * without a database statement.  Memory the master maps before it
 * forks: two tables of fingerprints (open addressing, bounded probing),
 * the active one read by the workers while the follower of the change
 * feed (proc/feed.c) rebuilds the other, a version per table read
 * before and after each probe.  Keys are hashed with SipHash (OpenSSL's
 * EVP_MAC), keyed with random bytes drawn at the master's start:
 * attacker-chosen keys cannot be made to collide or probe long.
 *
 * Never a false "no" for an active key: a key is added before anyone
 * can use it (by the worker that committed it, by the feed for other
 * hosts' and the operator's), and until the first build, while a
 * table is rebuilt under a probe, or when a table is full, the answer
 * is "maybe".  A "yes" may be wrong (a revoked key, until the next
 * rebuild; a fingerprint's collision): it costs the lookup it would
 * have cost without the filter.
 */
#ifndef ADMINUTIL_KEYFILTER_H
#define ADMINUTIL_KEYFILTER_H

#include <stddef.h>

/* Master: maps the filter for max keys (0: no filter).  0, or -1. */
int	keyfilter_init(size_t max);

/*
 * Anyone: 0 if no active credential has key, 1 if one may have it (or
 * the filter cannot say: none, not built, full, rebuilt meanwhile).
 */
int	keyfilter_maybe(const char *key, size_t len);

/* Anyone: key is an active credential's from now on (best effort). */
void	keyfilter_add(const char *key, size_t len);

/*
 * Follower: a rebuild.  begin() clears the table not in use, add()
 * fills it (keys read from the database; keyfilter_add() still writes
 * both tables), end() makes it the one in use.  end() returns -1 when
 * the table is full (then every key is "maybe" until a rebuild fits).
 */
void	keyfilter_rebuild_begin(void);
void	keyfilter_rebuild_add(const char *key, size_t len);
int	keyfilter_rebuild_end(void);

/* 1 if the filter is mapped. */
int	keyfilter_on(void);

#endif
