/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The gateway check: token -> credential -> consumer -> ACL decision,
 * for nginx's auth_request (GET /v1/auth), lighttpd's FastCGI
 * AUTHORIZER role, and RFC 7662 introspection.  Three jobs, three
 * modules: reading the token (token.c), the credential cache with its
 * memo of verified tokens (credcache.c), the ACL policy (policy.c);
 * this one puts them in the contract's order.
 */
#ifndef ADMINUTIL_AUTH_H
#define ADMINUTIL_AUTH_H

#include <stddef.h>

#include "gateway/limit.h"

struct acl;
struct config;
struct store;
struct auth;

enum auth_verdict {
	AUTH_PASS,		/* allowed */
	AUTH_UNAUTHORIZED,	/* no valid token */
	AUTH_FORBIDDEN,		/* a valid token, not for this API */
	AUTH_LIMITED,		/* allowed, but over a rate limit */
	AUTH_UNAVAILABLE,	/* the database is needed and down */
	AUTH_ERROR		/* no memory, a malformed location */
};

/*
 * The verdict on one request; strings live until the next check.  why
 * is what the client may be told: it never says whether a key exists
 * (the real reason is logged at debug).
 */
struct auth_result {
	enum auth_verdict verdict;
	const char	*why;		/* static, when not AUTH_PASS */
	const char	*username;	/* NULL when no token was needed */
	const char	*groups;	/* comma-joined */
	const char	*key;		/* the credential's key */
	int		 has_exp;	/* the token's exp, when a number */
	double		 exp;
	long long	 until_ms;	/* the pass lasts no longer: a
					   rotated-out key's grace end, or the
					   end of its credential's cached life
					   (0: none) */
	long long	 known_ms;	/* the worker knew every change made
					   before then (the change feed's last
					   poll); 0: no feed, -1: blind */
	struct limit_answer rate;	/* the limits it was counted against
					   (rate.counted), on AUTH_PASS and
					   AUTH_LIMITED */
};

/* What the check needs of one request. */
struct auth_request {
	const char	*authorization;	/* the header, or NULL */
	int		 nauthorization; /* how many such headers came */
	const char	*method;	/* of the API asked for */
	const char	*uri;		/* of the API asked for, raw */
	const char	*allow_groups;	/* per-location override, or NULL */
	const char	*remote_addr;	/* the client's, or NULL */
};

/*
 * A checker for cfg (which must outlive it), asking store on misses.
 * Loads cfg->acl_file if set.  NULL with a message in err on failure.
 */
struct auth	*auth_new(const struct config *cfg, struct store *store,
		    char *err, size_t errsz);
void		 auth_free(struct auth *);
/* The ACL the checker loaded (NULL: none). */
const struct acl *auth_acl(const struct auth *);

/* Decides one request at now (epoch ms). */
void		 auth_check(struct auth *, const struct auth_request *,
		    long long now_ms, struct auth_result *);

/*
 * The caller of an admin-plane route: its bearer token (authorization,
 * nauthorization as in struct auth_request) verified as the gateway
 * verifies one, with the same cache, and its consumer in one of groups
 * (blank- or comma-separated).  AUTH_PASS with the consumer in res, or
 * AUTH_UNAUTHORIZED, AUTH_FORBIDDEN, AUTH_UNAVAILABLE, AUTH_ERROR.
 */
void		 auth_caller(struct auth *, const char *authorization,
		    int nauthorization, const char *groups, long long now_ms,
		    struct auth_result *);

/*
 * The caller of introspection by a credential's key and secret (RFC
 * 6749 2.3.1, as RFC 7662 2.1 clients send them): an active HMAC
 * credential named key whose secret, or previous secret in its grace,
 * is secret (compared in constant time, the same work for an unknown
 * key), of a consumer in one of groups.  AUTH_PASS with the consumer in
 * res; else AUTH_UNAUTHORIZED with one reason for every refusal (an
 * unknown key, a wrong secret, a public-key credential, a consumer
 * outside groups: the real one logged at debug), AUTH_UNAVAILABLE or
 * AUTH_ERROR.
 */
void		 auth_client(struct auth *, const char *key, size_t klen,
		    const char *secret, size_t slen, const char *groups,
		    long long now_ms, struct auth_result *);

/*
 * RFC 7662: the introspection answer for token (len bytes) as a JSON
 * text the caller frees, {"active":false} for any invalid token.  NULL
 * when the database is needed and down, or on no memory (*down says
 * which).
 */
char		*auth_introspect(struct auth *, const char *token, size_t len,
		    long long now_ms, int *down);

#endif
