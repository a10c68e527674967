/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/config.h"
#include "core/log.h"
#include "core/validate.h"
#include "gateway/acl.h"
#include "gateway/auth.h"
#include "gateway/credcache.h"
#include "gateway/policy.h"
#include "gateway/token.h"

/*
 * What the client is told for an unknown key, a revoked one, an alg that
 * is not the credential's, a bad signature, and kid and iss of two
 * consumers alike: whether a key exists is not its business.
 */
#define NOT_VERIFIED	 "token does not verify with a known credential"

struct auth {
	const struct config	*cfg;
	struct credcache	*cc;
	struct acl		*acl;
};

struct auth *
auth_new(const struct config *cfg, struct store *store, char *err,
    size_t errsz)
{
	struct auth	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->cc = credcache_new(cfg, store)) == NULL) {
		free(a);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	a->cfg = cfg;
	if (cfg->acl_file[0] != '\0' &&
	    (a->acl = acl_load(cfg->acl_file, err, errsz)) == NULL) {
		auth_free(a);
		return NULL;
	}
	return a;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	credcache_free(a->cc);
	acl_free(a->acl);
	free(a);
}

const struct acl *
auth_acl(const struct auth *a)
{
	return a != NULL ? a->acl : NULL;
}

/* Why a token is refused: *why for the client, reason for the log. */
static enum auth_verdict
refuse(const char **why, const char *reason)
{
	log_debug("token refused: %s", reason);
	*why = NOT_VERIFIED;
	return AUTH_UNAUTHORIZED;
}

static enum auth_verdict
store_failed(enum store_rc rc, const char **why)
{
	if (rc == ST_DOWN || rc == ST_BUSY) {
		*why = rc == ST_DOWN ? "database is unreachable" :
		    "database is busy: a table is locked";
		return AUTH_UNAVAILABLE;
	}
	*why = "internal error";
	return AUTH_ERROR;
}

/*
 * The credential named key[0..len), active; AUTH_PASS with *c, else
 * the verdict.  A name no credential can have (blank, spaces, too
 * long, a control character...) is unknown without asking.
 */
static enum auth_verdict
named(struct auth *a, const char *key, size_t len, long long now,
    struct cred **c, const char **why)
{
	enum store_rc	 rc;

	*c = NULL;
	if (validate_key_str(key, len) != NULL)
		return refuse(why, "no credential can have that name");
	if ((rc = credcache_find(a->cc, key, len, now, c)) != ST_OK)
		return store_failed(rc, why);
	if (*c == NULL)
		return refuse(why, "unknown credential");
	return AUTH_PASS;
}

/*
 * Parses and verifies a token: credentials, alg, signature, times.  On
 * AUTH_PASS sets *cred and *claims (a reference the caller puts).  The
 * contract's checks in their order, in one piece: the order is itself a
 * rule (a key that is unknown and a signature that fails read alike to
 * the client, both secrets of a rotation are tried every time).
 */
static enum auth_verdict
verify(struct auth *a, const char *tok, size_t len, long long now,
    struct cred **cred, json_object **claims, long long *until,
    const char **why)
{
	struct token	 t;
	struct cred	*c, *ic;
	struct cred_id	 iss = { NULL, 0, 0 };
	enum auth_verdict v;
	char		 owner[VALIDATE_MAX_LEN + 1];
	long long	 fresh = 0;
	int		 ok, old;

	*cred = NULL;
	*claims = NULL;
	*until = 0;
	credcache_sync(a->cc, now);
	/* The same bytes verified before, against credentials still cached. */
	if (credcache_memo_get(a->cc, tok, len, now, cred, claims, until)) {
		if (token_times(a->cfg, *claims, now, why) == 0)
			return AUTH_PASS;
		json_object_put(*claims);
		*claims = NULL;
		*cred = NULL;
		return AUTH_UNAUTHORIZED;
	}
	if (token_read(&t, tok, len, a->cfg->key_claim, why) == -1)
		return AUTH_UNAUTHORIZED;
	if ((v = named(a, t.key, t.keylen, now, &c, why)) != AUTH_PASS)
		goto done;
	if (t.iss != NULL) {
		/* kid and iss: two credentials of one consumer, or no pass. */
		if (snprintf(owner, sizeof(owner), "%s", c->username) >=
		    (int)sizeof(owner)) {
			v = refuse(why, "owner name too long");
			goto done;
		}
		if ((v = named(a, t.iss, t.isslen, now, &ic, why)) !=
		    AUTH_PASS)
			goto done;
		if (strcmp(ic->username, owner) != 0) {
			v = refuse(why, "kid and iss name two consumers");
			goto done;
		}
		iss.key = t.iss;
		iss.len = t.isslen;
		iss.gen = ic->gen;
		fresh = ic->fresh_until;
		/* Finding iss may have evicted c: find it again. */
		if ((v = named(a, t.key, t.keylen, now, &c, why)) != AUTH_PASS)
			goto done;
	}
	if (t.jwt.alg != c->key.alg) {
		v = refuse(why, "token alg is not the credential's");
		goto done;
	}
	/*
	 * After a rotation, the previous secret or key too, until its
	 * grace ends; both are tried, so the time taken does not say which
	 * one signed.
	 */
	ok = jwt_verify(&c->key, &t.jwt);
	old = c->has_prev && now < c->grace_until && jwt_verify(&c->prev,
	    &t.jwt);
	if (!ok && !old) {
		v = refuse(why, "signature does not verify");
		goto done;
	}
	if (token_times(a->cfg, t.jwt.claims, now, why) == -1) {
		v = AUTH_UNAUTHORIZED;
		goto done;
	}
	/*
	 * A token of the previous one passes until its grace ends, and no
	 * pass outlives the cached credentials that made it: a change they
	 * do not show yet (a rotation, a revoke) may be that old.
	 */
	*until = ok ? 0 : c->grace_until;
	credcache_bound(until, c->fresh_until);
	credcache_bound(until, fresh);
	credcache_memo_put(a->cc, tok, len, now, *until, c, t.iss != NULL ?
	    &iss : NULL, t.jwt.claims);
	*cred = c;
	*claims = json_object_get(t.jwt.claims);
done:
	token_free(&t);
	return v;
}

/*
 * A check that ends in a 401 or 403 after reading a credential the
 * feed has not told the change of: every worker of the host is told at
 * once (credcache_refused), before the client is.
 */
static void
answered(struct auth *a, enum auth_verdict v)
{
	if (v == AUTH_UNAUTHORIZED || v == AUTH_FORBIDDEN)
		credcache_refused(a->cc);
}

/* The token of the request, verified: AUTH_PASS with *c and res set. */
static enum auth_verdict
bearer_verified(struct auth *a, const char *authorization, int n,
    long long now, struct cred **c, struct auth_result *res)
{
	json_object	*claims;
	const char	*tok;
	size_t		 len;

	if (n > 1) {
		res->why = "more than one Authorization header";
		return AUTH_UNAUTHORIZED;
	}
	if ((tok = token_bearer(authorization, &len, &res->why)) == NULL)
		return AUTH_UNAUTHORIZED;
	if ((res->verdict = verify(a, tok, len, now, c, &claims,
	    &res->until_ms, &res->why)) != AUTH_PASS)
		return res->verdict;
	res->known_ms = credcache_known(a->cc);
	res->has_exp = token_exp(claims, &res->exp);
	json_object_put(claims);
	res->username = (*c)->username;
	res->groups = (*c)->joined;
	res->key = (*c)->keyname;
	return AUTH_PASS;
}

void
auth_caller(struct auth *a, const char *authorization, int nauthorization,
    const char *groups, long long now, struct auth_result *res)
{
	struct policy	 p;
	struct cred	*c;

	memset(res, 0, sizeof(*res));
	res->verdict = bearer_verified(a, authorization, nauthorization, now,
	    &c, res);
	if (res->verdict == AUTH_PASS) {
		memset(&p, 0, sizeof(p));
		p.need = NEED_TOKEN;
		p.allow = groups;
		if (!policy_permits(&p, c->groups, c->ngroups)) {
			res->verdict = AUTH_FORBIDDEN;
			res->why = "the caller's groups do not allow this route";
		}
	}
	answered(a, res->verdict);
}

/*
 * Counts a request that passed everything else against the limits its
 * path reaches (c: its credential, NULL when none was needed); over one,
 * AUTH_LIMITED.  A 401 or 403 never spends a consumer's quota.
 */
static void
count(const struct policy *p, const struct auth_request *q,
    const struct cred *c, long long now, struct auth_result *res)
{
	struct limit_who	 who;

	if (p->nlimited == 0)
		return;
	who.key = c != NULL ? c->keyname : NULL;
	who.username = c != NULL ? c->username : NULL;
	who.addr = q->remote_addr;
	who.own = c != NULL ? c->own_limit : NULL;
	if (!limit_count(p->limited, p->nlimited, &who, now, &res->rate)) {
		res->verdict = AUTH_LIMITED;
		res->why = "API rate limit exceeded";
	}
}

/* What a client that did not authenticate is told, whatever the reason. */
#define CLIENT_REFUSED	 "client authentication failed"

static void
client_check(struct auth *a, const char *key, size_t klen,
    const char *secret, size_t slen, const char *groups, long long now,
    struct auth_result *res)
{
	struct policy	 p;
	struct cred	*c = NULL;
	const char	*why;
	int		 ok, old;

	memset(res, 0, sizeof(*res));
	credcache_sync(a->cc, now);
	res->verdict = named(a, key, klen, now, &c, &why);
	if (res->verdict == AUTH_UNAVAILABLE || res->verdict == AUTH_ERROR) {
		res->why = why;
		return;
	}
	/*
	 * Both secrets of a rotation are tried every time, and a key
	 * that is unknown or not HMAC against a dummy: the time taken
	 * says neither which secret it was nor whether the key exists.
	 */
	ok = jwt_key_is_secret(c != NULL ? &c->key : NULL, JWT_HS256, secret,
	    slen);
	old = jwt_key_is_secret(c != NULL && c->has_prev ? &c->prev : NULL,
	    JWT_HS256, secret, slen) && now < c->grace_until;
	res->why = CLIENT_REFUSED;
	if (c == NULL) {
		res->verdict = AUTH_UNAUTHORIZED;
		return;
	}
	if (!jwt_alg_is_hmac(c->key.alg)) {
		res->verdict = refuse(&why, "a client secret for a public-key "
		    "credential");
		return;
	}
	if (!ok && !old) {
		res->verdict = refuse(&why, "client secret does not match");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.need = NEED_TOKEN;
	p.allow = groups;
	if (!policy_permits(&p, c->groups, c->ngroups)) {
		res->verdict = refuse(&why, "the client's groups do not allow "
		    "this route");
		return;
	}
	res->verdict = AUTH_PASS;
	res->why = NULL;
	res->username = c->username;
	res->groups = c->joined;
	res->key = c->keyname;
}

void
auth_client(struct auth *a, const char *key, size_t klen, const char *secret,
    size_t slen, const char *groups, long long now, struct auth_result *res)
{
	client_check(a, key, klen, secret, slen, groups, now, res);
	answered(a, res->verdict);
}

void
auth_check(struct auth *a, const struct auth_request *q, long long now,
    struct auth_result *res)
{
	struct policy	 p;
	struct cred	*c;

	memset(res, 0, sizeof(*res));
	policy_decide(&p, a->acl, a->cfg->acl_default, q->allow_groups,
	    q->method, q->uri);
	if (p.need == NEED_NOTHING) {
		count(&p, q, NULL, now, res);	/* no consumer */
		return;
	}
	if (p.need == NEED_BROKEN) {
		log_error("%s", p.why);
		res->verdict = AUTH_ERROR;
		res->why = p.why;
		return;
	}
	res->verdict = bearer_verified(a, q->authorization, q->nauthorization,
	    now, &c, res);
	if (res->verdict != AUTH_PASS) {
		answered(a, res->verdict);
		return;
	}
	if (p.need == NEED_DENIED) {
		res->verdict = AUTH_FORBIDDEN;
		res->why = p.why;
	} else if (!policy_permits(&p, c->groups, c->ngroups)) {
		res->verdict = AUTH_FORBIDDEN;
		res->why = "the consumer's groups do not allow this API";
	} else
		count(&p, q, c, now, res);
	answered(a, res->verdict);
}

char *
auth_introspect(struct auth *a, const char *tok, size_t len, long long now,
    int *down)
{
	json_object	*o, *v, *groups, *claims;
	struct cred	*c;
	const char	*why, *s;
	char		*out = NULL;
	size_t		 i;
	long long	 until;
	enum auth_verdict verdict;
	static const char *const times[] = { "exp", "iat", "nbf" };

	*down = 0;
	verdict = verify(a, tok, len, now, &c, &claims, &until, &why);
	answered(a, verdict);
	if (verdict == AUTH_UNAVAILABLE || verdict == AUTH_ERROR) {
		*down = verdict == AUTH_UNAVAILABLE;
		return NULL;
	}
	if ((o = json_object_new_object()) == NULL) {
		json_object_put(claims);
		return NULL;
	}
	json_object_object_add(o, "active",
	    json_object_new_boolean(verdict == AUTH_PASS));
	if (verdict == AUTH_PASS) {
		/* iss is the key, or one of the same consumer's: checked. */
		if (json_object_object_get_ex(claims, "iss", &v))
			json_object_object_add(o, "iss", json_object_get(v));
		json_object_object_add(o, "client_id",
		    json_object_new_string(c->keyname));
		json_object_object_add(o, "username",
		    json_object_new_string(c->username));
		groups = json_object_new_array();
		for (i = 0; i < c->ngroups; i++)
			json_object_array_add(groups,
			    json_object_new_string(c->groups[i]));
		json_object_object_add(o, "groups", groups);
		/* RFC 7662: NumericDates; a non-number (the seeds' string
		 * iat) is left out. */
		for (i = 0; i < 3; i++)
			if (json_object_object_get_ex(claims, times[i], &v) &&
			    (json_object_is_type(v, json_type_int) ||
			    json_object_is_type(v, json_type_double)))
				json_object_object_add(o, times[i],
				    json_object_get(v));
		json_object_object_add(o, "token_type",
		    json_object_new_string("Bearer"));
	}
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s != NULL)
		out = strdup(s);
	json_object_put(o);
	json_object_put(claims);
	return out;
}
