/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/config.h"
#include "core/feed.h"
#include "core/keyfilter.h"
#include "core/log.h"
#include "core/metrics.h"
#include "gateway/credcache.h"
#include "store/credential.h"

#define MEMO_SIZE	 4096	/* tokens remembered per worker */
#define MEMO_TOKEN_MAX	 2048	/* longer tokens are verified every time */

struct credcache {
	const struct config	*cfg;
	struct store		*store;
	struct cache		*creds;
	struct cache		*memo;
	unsigned long long	 gens;	/* numbers every cred_make() */
	uint64_t		 seen;	/* the feed's last change applied */
	int			 blind;	/* the feed was, at the last sync */
	long long		 known;	/* credcache_known() */
	/*
	 * This check's store reads that showed a change the feed had not
	 * told: the stamps credcache_refused() raises, to trail.
	 */
	unsigned int		 unseen[4];
	size_t			 nunseen;
	uint64_t		 trail;
};

/*
 * A token that verified: the credentials it named, each the same only
 * while its cache entry lives (gen), and its claims for the times.
 */
struct memo {
	char		*key, *iss;	/* iss NULL when not named */
	size_t		 klen, isslen;
	unsigned long long gen, issgen;
	json_object	*claims;
	long long	 until;		/* a previous key's grace end, or 0 */
};

static void
memo_free(void *p)
{
	struct memo	*m = p;

	if (m == NULL)
		return;
	json_object_put(m->claims);
	free(m->key);
	free(m->iss);
	free(m);
}

static void
cred_free(void *p)
{
	struct cred	*c = p;
	size_t		 i;

	if (c == NULL)
		return;
	jwt_key_free(&c->key);
	if (c->has_prev)
		jwt_key_free(&c->prev);
	for (i = 0; i < c->ngroups; i++)
		free(c->groups[i]);
	free(c->groups);
	free(c->keyname);
	free(c->username);
	free(c->joined);
	free(c);
}

struct credcache *
credcache_new(const struct config *cfg, struct store *store)
{
	struct credcache	*cc;

	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		return NULL;
	cc->cfg = cfg;
	cc->store = store;
	/* A new cache holds nothing the changes so far could touch. */
	cc->seen = feed_head();
	if ((cc->creds = cache_new((size_t)cfg->cache_size, cred_free)) ==
	    NULL || (cc->memo = cache_new(MEMO_SIZE, memo_free)) == NULL) {
		credcache_free(cc);
		return NULL;
	}
	return cc;
}

void
credcache_free(struct credcache *cc)
{
	if (cc == NULL)
		return;
	cache_free(cc->memo);
	cache_free(cc->creds);
	free(cc);
}

/*
 * The verification key of alg from a secret or a public key (NULL, ""
 * when none).  0, 1 when there is none, -1 on failure.
 */
static int
key_make(struct jwt_key *k, enum jwt_alg alg, const char *secret,
    const char *pem)
{
	const char	*why;

	if (jwt_alg_is_hmac(alg)) {
		if (secret[0] == '\0')
			return 1;
		return jwt_key_hmac(k, alg, secret, strlen(secret));
	}
	if (pem == NULL)
		return 1;
	return jwt_key_pem(k, alg, pem, strlen(pem), &why);
}

/* Builds the cached form of a database record.  NULL on failure. */
static struct cred *
cred_make(struct credcache *cc, const char *keyname, size_t klen,
    const struct auth_record *rec)
{
	struct cred	*c;
	enum jwt_alg	 alg;
	size_t		 i, len = 0;
	int		 rc;

	alg = jwt_alg_parse(rec->algorithm, strlen(rec->algorithm));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->gen = ++cc->gens;
	if (key_make(&c->key, alg, rec->secret, rec->public_key) != 0)
		goto fail;
	/* A rotated-out secret or key, in its grace. */
	if ((rc = key_make(&c->prev, alg, rec->prev_secret,
	    rec->prev_public_key)) == -1)
		goto fail;
	c->has_prev = rc == 0;
	c->grace_until = rec->grace_until_ms;
	for (i = 0; i < rec->groups.n; i++)
		len += rec->groups.len[i] + 1;
	if ((c->keyname = strndup(keyname, klen)) == NULL ||
	    (c->username = strdup(rec->username)) == NULL ||
	    (c->joined = calloc(1, len + 1)) == NULL ||
	    (rec->groups.n > 0 && (c->groups = calloc(rec->groups.n,
	    sizeof(*c->groups))) == NULL))
		goto fail;
	memcpy(c->own_limit, rec->limits, sizeof(c->own_limit));
	for (i = 0, len = 0; i < rec->groups.n; i++) {
		if ((c->groups[i] = strdup(rec->groups.v[i])) == NULL)
			goto fail;
		c->ngroups++;
		if (i > 0)
			c->joined[len++] = ',';
		memcpy(c->joined + len, rec->groups.v[i], rec->groups.len[i]);
		len += rec->groups.len[i];
	}
	return c;
fail:
	log_error("credential of %s: cannot make its key", rec->username);
	cred_free(c);
	return NULL;
}

/*
 * 1 if another worker refused c's key or consumer after reading a later
 * state of the store than c's: c may pass what it refused, and is read
 * again.  Two acquire loads.
 */
static int
stamped(const struct cred *c)
{
	return feed_stamp(c->kslot) > c->trail ||
	    feed_stamp(c->uslot) > c->trail;
}

static void
note_unseen(struct credcache *cc, unsigned int slot, long long trail)
{
	if (cc->nunseen < sizeof(cc->unseen) / sizeof(cc->unseen[0]))
		cc->unseen[cc->nunseen++] = slot;
	if ((uint64_t)trail > cc->trail)
		cc->trail = (uint64_t)trail;
}

void
credcache_refused(struct credcache *cc)
{
	size_t	 i;

	for (i = 0; i < cc->nunseen; i++)
		feed_stamp_raise(cc->unseen[i], cc->trail);
	cc->nunseen = 0;
}

enum store_rc
credcache_find(struct credcache *cc, const char *key, size_t len,
    long long now, struct cred **out)
{
	struct auth_record	 rec;
	enum store_rc		 rc;
	struct cred		*c = NULL;
	void			*v;
	long long		 ttl = (long long)cc->cfg->cache_ttl * 1000;
	long long		 expires, trail;
	int			 unseen;

	if (cc->blind && ttl > FEED_BLIND_TTL_S * 1000)
		ttl = FEED_BLIND_TTL_S * 1000;

	*out = NULL;
	/*
	 * Blind, a credential read over FEED_BLIND_TTL_S ago is read again:
	 * a change since may not have been told.  (An unknown key's entry
	 * is kept: it refuses.)
	 */
	if (ttl > 0 && cache_get(cc->creds, key, len, now, &v) &&
	    (!cc->blind || v == NULL || now - ((struct cred *)v)->read_at <
	    FEED_BLIND_TTL_S * 1000) && (v == NULL || !stamped(v))) {
		metrics_cache(1);
		*out = v;
		return ST_OK;
	}
	metrics_cache(0);
	/*
	 * A key no credential of this host's filter has: unknown without
	 * asking, and not cached (keys an attacker makes up would push out
	 * those that are asked for).  Not while the feed is blind: keys
	 * made on other hosts meanwhile are not in it.
	 */
	if (keyfilter_on() && !cc->blind) {
		if (!keyfilter_maybe(key, len)) {
			metrics_filter(1);
			return ST_OK;
		}
		metrics_filter(0);
	}
	rc = store_auth_lookup(cc->store, key, len, now, &rec);
	if (rc != ST_OK && rc != ST_NOT_FOUND)
		return rc;
	/*
	 * The trail is read in the same statement: the credential is as
	 * it was at that id.  Past the feed's position, a refusal of this
	 * check is the first news of a change (credcache_refused).
	 */
	trail = rec.trail;
	unseen = feed_on() && trail > feed_position();
	if (unseen)
		note_unseen(cc, feed_stamp_slot(key, len), trail);
	if (rc == ST_OK) {
		c = cred_make(cc, key, len, &rec);
		store_auth_record_free(&rec);
		if (c == NULL)
			return ST_ERR;
		c->kslot = feed_stamp_slot(key, len);
		c->uslot = feed_stamp_slot(c->username, strlen(c->username));
		c->trail = trail > 0 ? (uint64_t)trail : 0;
		if (unseen)
			note_unseen(cc, c->uslot, trail);
	}
	/*
	 * Kept to the last whole second within cache_ttl (FEED_BLIND_TTL_S
	 * while the feed is blind): no pass nginx keeps outlives it.
	 */
	expires = ttl > 0 ? (now + ttl) / 1000 * 1000 : now + 1000;
	if (c != NULL) {
		c->fresh_until = expires;
		c->read_at = now;
	}
	if (ttl > 0) {
		if (cache_put(cc->creds, key, len, c, expires) == -1)
			return ST_ERR;
	} else {
		/* No caching: keep this one until the next lookup. */
		cache_clear(cc->creds);
		if (c != NULL && cache_put(cc->creds, key, len, c, now + 1000)
		    == -1)
			return ST_ERR;
	}
	*out = c;
	return ST_OK;
}

/* The credentials of consumer name (a NUL-terminated string). */
static int
of_consumer(const void *v, void *name)
{
	const struct cred	*c = v;

	return strcmp(c->username, name) == 0;
}

static void
forget_all(struct credcache *cc)
{
	cache_clear(cc->creds);
	cache_clear(cc->memo);
}

void
credcache_sync(struct credcache *cc, long long now)
{
	struct feed_change	 ch;
	int			 rc, blind;

	cc->nunseen = 0;		/* a new check */
	cc->trail = 0;
	if (!feed_on())
		return;
	/*
	 * The poll's time before the head: what that poll published is
	 * then in the head read after (feed_last_ok).
	 */
	cc->known = feed_last_ok();
	/*
	 * Blind, what is kept may be older than the feed tells: kept
	 * FEED_BLIND_TTL_S from its reading at most (credcache_find) until
	 * the feed sees again, as before there was a feed.
	 */
	blind = cc->known == 0 || now - cc->known > 2LL *
	    cc->cfg->feed_interval + 1000;
	if (blind)
		cc->known = -1;
	cc->blind = blind;
	if (feed_head() == cc->seen)
		return;
	while ((rc = feed_next(&cc->seen, &ch)) != 0) {
		if (rc == -1 || ch.kind == FEED_ALL) {
			forget_all(cc);
			metrics_evict(FEED_ALL);
			continue;
		}
		/*
		 * A memo of a token names its credentials' instances (gen): a
		 * credential read again is another, and the memo goes.
		 */
		if (ch.kind == FEED_KEY)
			(void)cache_del(cc->creds, ch.name, ch.len);
		else
			(void)cache_drop_if(cc->creds, of_consumer, ch.name);
		metrics_evict(ch.kind);
	}
}

long long
credcache_known(const struct credcache *cc)
{
	return cc->known;
}

void
credcache_bound(long long *until, long long t)
{
	if (t != 0 && (*until == 0 || t < *until))
		*until = t;
}

/* 1 if key still finds the cached instance gen. */
static int
still(struct credcache *cc, const char *key, size_t len,
    unsigned long long gen, long long now, struct cred **out)
{
	return credcache_find(cc, key, len, now, out) == ST_OK &&
	    *out != NULL && (*out)->gen == gen;
}

int
credcache_memo_get(struct credcache *cc, const char *tok, size_t len,
    long long now, struct cred **cred, json_object **claims,
    long long *until)
{
	struct memo	*m;
	struct cred	*c, *i;
	void		*v;

	if (cc->cfg->cache_ttl <= 0 || len > MEMO_TOKEN_MAX ||
	    !cache_get(cc->memo, tok, len, now, &v))
		return 0;
	m = v;
	*until = m->until;
	/*
	 * The iss credential first: *cred must be the last one found (and
	 * finding it may evict the other: its life is read before).
	 */
	if (m->iss != NULL) {
		if (!still(cc, m->iss, m->isslen, m->issgen, now, &i))
			return 0;
		credcache_bound(until, i->fresh_until);
	}
	if (!still(cc, m->key, m->klen, m->gen, now, &c))
		return 0;
	credcache_bound(until, c->fresh_until);
	*cred = c;
	*claims = json_object_get(m->claims);
	return 1;
}

void
credcache_memo_put(struct credcache *cc, const char *tok, size_t len,
    long long now, long long until, const struct cred *cred,
    const struct cred_id *iss, json_object *claims)
{
	struct memo	*m;
	long long	 expires = now + (long long)cc->cfg->cache_ttl * 1000;

	if (cc->cfg->cache_ttl <= 0 || len > MEMO_TOKEN_MAX ||
	    (m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->claims = json_object_get(claims);
	m->gen = cred->gen;
	m->klen = strlen(cred->keyname);
	if ((m->key = strdup(cred->keyname)) == NULL || (iss != NULL &&
	    (m->iss = strndup(iss->key, iss->len)) == NULL)) {
		memo_free(m);
		return;
	}
	if (iss != NULL) {
		m->issgen = iss->gen;
		m->isslen = iss->len;
	}
	m->until = until;
	if (until != 0 && until < expires)
		expires = until;
	(void)cache_put(cc->memo, tok, len, m, expires);
}
