/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The gateway's credential cache, per worker: credentials (with their
 * pre-keyed or parsed verification keys) and their consumers' groups,
 * and unknown keys (negative entries), kept cache_ttl seconds and asked
 * of the store on a miss; beside it, a memo of tokens that verified.
 */
#ifndef ADMINUTIL_CREDCACHE_H
#define ADMINUTIL_CREDCACHE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/ratelimit.h"
#include "crypto/jwt.h"
#include "store/store.h"

struct config;

/* A cached credential: everything a decision needs, keys made once. */
struct cred {
	unsigned long long gen;		/* unique per cached instance */
	struct jwt_key	  key;
	struct jwt_key	  prev;		/* rotated out, until grace_until */
	int		  has_prev;
	long long	  grace_until;	/* epoch ms */
	long long	  fresh_until;	/* epoch ms: believed until then; a
					   change may be unseen till then */
	long long	  read_at;	/* epoch ms: read from the store */
	char		 *keyname;	/* the credential's key */
	char		 *username;
	char		 *joined;	/* groups, comma-joined */
	char		**groups;
	size_t		  ngroups;
	uint64_t	  own_limit[RL_NWINDOWS]; /* the consumer's own
					   limits, 0: the rule's */
	unsigned int	  kslot, uslot;	/* the feed's stamps of keyname
					   and username */
	uint64_t	  trail;	/* the audit trail's last id, read
					   with it */
};

struct credcache;

/* A cache for cfg (which must outlive it).  NULL on no memory. */
struct credcache *credcache_new(const struct config *cfg, struct store *);
void		 credcache_free(struct credcache *);

/*
 * Applies what the change feed (core/feed.h) told since the last call:
 * forgets the credentials a change named (by key, negative entries too,
 * or by consumer), or everything.  Called before each check; one atomic
 * load when nothing changed.  Without a feed (no master) it does
 * nothing, and cache_ttl alone bounds what is kept.
 */
void		 credcache_sync(struct credcache *, long long now_ms);
/*
 * Since the last sync, every change made before this moment (epoch ms)
 * is known: the start of the feed's last good poll; 0 without a feed,
 * -1 while it is blind.
 */
long long	 credcache_known(const struct credcache *);

/*
 * The active credential named key: from the cache, else from the store
 * (and then cached, also when absent).  ST_OK with *out (NULL when
 * there is none), or ST_DOWN / ST_ERR.  *out lives until the next call.
 */
enum store_rc	 credcache_find(struct credcache *, const char *key,
		    size_t len, long long now_ms, struct cred **out);

/*
 * The memo: 1 when the token bytes tok verified before against
 * credentials that are still the cached ones (key, and iss when the
 * token named two); then *cred is the one that verified it, *claims its
 * claims (a new reference) and *until_ms the last moment the pass holds:
 * the grace's end of the previous key that verified it, or the end of
 * the credentials' cached lives (fresh_until), whichever is first.  0 otherwise,
 * also when the store is needed and down (the full check then says so).
 */
int		 credcache_memo_get(struct credcache *, const char *tok,
		    size_t len, long long now_ms, struct cred **cred,
		    json_object **claims, long long *until_ms);
/*
 * The check answers 401 or 403.  When a credential it read from the
 * store (not from the cache) showed a change the feed has not told yet,
 * the feed's stamps of its key and username are raised to the trail's
 * last id it read, first: every worker of the host that read the
 * credential at an older id reads it again on its next use, and none
 * passes what this one refused.  A refusal that read nothing, or after the
 * feed told, raises nothing (a token replayed or a forbidden path asked
 * again costs the others nothing).
 */
void		 credcache_refused(struct credcache *);

/* *until = t when t is set (not 0) and sooner than *until or *until is 0. */
void		 credcache_bound(long long *until, long long t);

/*
 * A cached credential by name and instance: what outlives the next
 * credcache_find(), which may evict the credential itself.
 */
struct cred_id {
	const char		*key;
	size_t			 len;
	unsigned long long	 gen;
};

/*
 * Remembers that tok verified against cred, with iss (NULL for none)
 * naming a credential of the same consumer, for cache_ttl, or until
 * until_ms when that is sooner (0: none).  Best effort.
 */
void		 credcache_memo_put(struct credcache *, const char *tok,
		    size_t len, long long now_ms, long long until_ms,
		    const struct cred *cred, const struct cred_id *iss,
		    json_object *claims);

#endif
