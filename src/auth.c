#include "build.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "acl.h"
#include "auth.h"
#include "cache.h"
#include "config.h"
#include "jwt.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "validate.h"

/* A cached credential: everything a decision needs, keys made once. */
struct cred {
	unsigned long long gen;		/* unique per cred_make() */
	struct jwt_key	  key;
	char		 *keyname;	/* the credential's key */
	char		 *username;
	char		 *joined;	/* groups, comma-joined */
	char		**groups;
	size_t		  ngroups;
};

struct auth {
	const struct config	*cfg;
	struct store		*store;
	struct cache		*cache;
	struct acl		*acl;
	struct cache		*memo;	/* tokens that verified */
	/* Working copy of the URI being normalised. */
	char			 path[8192];
};

#define MEMO_SIZE	 4096	/* tokens remembered per worker */
#define MEMO_TOKEN_MAX	 2048	/* longer tokens are verified every time */

/*
 * A token that verified: the credential it verified against (the same
 * only while that cache entry lives: gen), its claims for the times.
 */
struct memo {
	struct cred	*cred;
	unsigned long long gen;
	char		*key;
	size_t		 klen;
	json_object	*claims;
};

static void
memo_free(void *p)
{
	struct memo	*m = p;

	if (m == NULL)
		return;
	json_object_put(m->claims);
	free(m->key);
	free(m);
}

/* Numbers every cred_make(): a memo names the credential it saw. */
static unsigned long long	 cred_gens;

static void
cred_free(void *p)
{
	struct cred	*c = p;
	size_t		 i;

	if (c == NULL)
		return;
	jwt_key_free(&c->key);
	for (i = 0; i < c->ngroups; i++)
		free(c->groups[i]);
	free(c->groups);
	free(c->keyname);
	free(c->username);
	free(c->joined);
	free(c);
}

struct auth *
auth_new(const struct config *cfg, struct store *store, char *err,
    size_t errsz)
{
	struct auth	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	a->cfg = cfg;
	a->store = store;
	if ((a->cache = cache_new((size_t)cfg->cache_size, cred_free)) ==
	    NULL) {
		snprintf(err, errsz, "out of memory");
		free(a);
		return NULL;
	}
	if ((a->memo = cache_new(MEMO_SIZE, memo_free)) == NULL) {
		snprintf(err, errsz, "out of memory");
		cache_free(a->cache);
		free(a);
		return NULL;
	}
	if (cfg->acl_file[0] != '\0' &&
	    (a->acl = acl_load(cfg->acl_file, err, errsz)) == NULL) {
		cache_free(a->memo);
		cache_free(a->cache);
		free(a);
		return NULL;
	}
	return a;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	cache_free(a->memo);
	cache_free(a->cache);
	acl_free(a->acl);
	free(a);
}

/* Builds the cached form of a database record.  NULL on failure. */
static struct cred *
cred_make(const char *keyname, const struct auth_record *rec)
{
	struct cred	*c;
	enum jwt_alg	 alg;
	const char	*why;
	size_t		 i, len = 0;

	alg = jwt_alg_parse(rec->algorithm, strlen(rec->algorithm));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->gen = ++cred_gens;
	if (jwt_alg_is_hmac(alg)) {
		if (jwt_key_hmac(&c->key, alg, rec->secret,
		    strlen(rec->secret)) == -1)
			goto fail;
	} else if (rec->public_key == NULL || jwt_key_pem(&c->key, alg,
	    rec->public_key, strlen(rec->public_key), &why) == -1)
		goto fail;
	for (i = 0; i < rec->groups.n; i++)
		len += rec->groups.len[i] + 1;
	if ((c->keyname = strdup(keyname)) == NULL ||
	    (c->username = strdup(rec->username)) == NULL ||
	    (c->joined = calloc(1, len + 1)) == NULL ||
	    (rec->groups.n > 0 && (c->groups = calloc(rec->groups.n,
	    sizeof(*c->groups))) == NULL))
		goto fail;
	for (i = 0; i < rec->groups.n; i++) {
		if ((c->groups[i] = strdup(rec->groups.v[i])) == NULL)
			goto fail;
		c->ngroups++;
		if (i > 0)
			strcat(c->joined, ",");
		strcat(c->joined, rec->groups.v[i]);
	}
	return c;
fail:
	log_error("credential of %s: cannot make its key", rec->username);
	cred_free(c);
	return NULL;
}

/*
 * The credential for key: from the cache, else from the database (and
 * then cached, also when absent).  Returns ST_OK with *out (NULL when
 * there is no such active credential), or ST_DOWN / ST_ERR.
 */
static enum store_rc
cred_find(struct auth *a, const char *key, size_t len, long long now,
    struct cred **out)
{
	struct auth_record	 rec;
	enum store_rc		 rc;
	struct cred		*c = NULL;
	void			*v;
	long long		 ttl = (long long)a->cfg->cache_ttl * 1000;

	*out = NULL;
	if (ttl > 0 && cache_get(a->cache, key, len, now, &v)) {
		metrics_cache(1);
		*out = v;
		return ST_OK;
	}
	metrics_cache(0);
	rc = store_auth_lookup(a->store, key, len, &rec);
	if (rc == ST_OK) {
		c = cred_make(key, &rec);
		store_auth_record_free(&rec);
		if (c == NULL)
			return ST_ERR;
	} else if (rc != ST_NOT_FOUND)
		return rc;
	if (ttl > 0) {
		if (cache_put(a->cache, key, len, c, now + ttl) == -1)
			return ST_ERR;
	} else {
		/* No caching: keep this one until the next lookup. */
		cache_clear(a->cache);
		if (c != NULL && cache_put(a->cache, key, len, c, now + 1000)
		    == -1)
			return ST_ERR;
	}
	*out = c;
	return ST_OK;
}

/*
 * The token of an Authorization header: "Bearer" (any case), blanks,
 * one token, nothing after it.  NULL with *why set otherwise.
 */
static const char *
bearer(const char *h, size_t *len, const char **why)
{
	const char	*t, *e;

	if (h == NULL || *h == '\0') {
		*why = "no bearer token";
		return NULL;
	}
	if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' &&
	    h[6] != '\t')) {
		*why = "authorization scheme is not Bearer";
		return NULL;
	}
	for (t = h + 6; *t == ' ' || *t == '\t'; t++)
		;
	for (e = t; *e != '\0' && *e != ' ' && *e != '\t' && *e != ','; e++)
		;
	if (e == t) {
		*why = "no bearer token";
		return NULL;
	}
	*len = (size_t)(e - t);
	while (*e == ' ' || *e == '\t')
		e++;
	if (*e != '\0') {
		*why = "more than one token";
		return NULL;
	}
	return t;
}

/* A NumericDate claim: absent (1, *present 0), number (1), else 0. */
static int
numeric_claim(json_object *claims, const char *name, double *v,
    int *present)
{
	json_object	*o;

	*present = 0;
	if (!json_object_object_get_ex(claims, name, &o))
		return 1;
	if (!json_object_is_type(o, json_type_int) &&
	    !json_object_is_type(o, json_type_double))
		return 0;
	*v = json_object_get_double(o);
	if (!isfinite(*v))
		return 0;
	*present = 1;
	return 1;
}

/* The time checks of the contract.  NULL, or why the token fails. */
static const char *
check_times(const struct config *cfg, json_object *claims, long long now_ms)
{
	double	 now = (double)now_ms / 1000.0, exp = 0, nbf = 0, iat = 0;
	int	 has_exp, has_nbf, has_iat;

	if (!numeric_claim(claims, "exp", &exp, &has_exp))
		return "exp is not a number";
	if (!numeric_claim(claims, "nbf", &nbf, &has_nbf))
		return "nbf is not a number";
	if (has_exp && now > exp + cfg->clock_skew)
		return "token has expired";
	if (has_nbf && now + cfg->clock_skew < nbf)
		return "token is not valid yet";
	if (cfg->require_exp && !has_exp)
		return "token has no exp";
	if (cfg->max_token_lifetime > 0) {
		if (!has_exp)
			return "token has no exp";
		if (exp - now > cfg->max_token_lifetime)
			return "token lives longer than allowed";
		if (!numeric_claim(claims, "iat", &iat, &has_iat))
			return "iat is not a number";
		if (has_iat && exp - iat > cfg->max_token_lifetime)
			return "token lives longer than allowed";
	}
	return NULL;
}

/*
 * How long a cache in front (nginx's fastcgi_cache) may keep a pass, in
 * whole seconds, nginx's unit: kept n seconds there means seen for up to
 * n + 1.  So cache_ttl - 1, and less so as never to outlive the token:
 * exp + clock_skew, the last moment this check would still pass it.
 * The pass of a revoked credential is then seen for under twice
 * cache_ttl, here and in front.
 */
static int
pass_keep(const struct config *cfg, json_object *claims, long long now_ms)
{
	double	 exp, left;
	int	 keep = cfg->cache_ttl - 1, has_exp;

	if (claims != NULL && numeric_claim(claims, "exp", &exp, &has_exp) &&
	    has_exp) {
		left = floor(exp + cfg->clock_skew - (double)now_ms / 1000.0);
		if (left - 1 < keep)
			keep = left < 1 ? 0 : (int)(left - 1);
	}
	return keep > 0 ? keep : 0;
}

/*
 * Parses and verifies a token: signature, credential, times.  On
 * success returns 200 and *cred; else 401 (or 503/500) with *why.
 */
static int
verify(struct auth *a, const char *tok, size_t len, long long now,
    struct jwt *t, struct cred **cred, const char **why)
{
	json_object	*v;
	const char	*key;
	size_t		 klen;
	enum store_rc	 rc;
	struct memo	*m;
	struct cred	*mc;
	void		*mv;

	*cred = NULL;
	memset(t, 0, sizeof(*t));
	/* The same bytes verified before, against a credential still cached. */
	if (a->cfg->cache_ttl > 0 && len <= MEMO_TOKEN_MAX &&
	    cache_get(a->memo, tok, len, now, &mv)) {
		m = mv;
		if (cred_find(a, m->key, m->klen, now, &mc) == ST_OK &&
		    mc != NULL && mc == m->cred && mc->gen == m->gen) {
			*cred = mc;
			/* The callers read the claims (introspection). */
			t->claims = json_object_get(m->claims);
			t->alg = mc->key.alg;
			if ((*why = check_times(a->cfg, m->claims, now)) != NULL)
				return 401;
			return 200;
		}
	}
	if (jwt_parse(t, tok, len, why) == -1)
		return 401;
	if (t->kid != NULL) {
		key = t->kid;
		klen = strlen(key);
	} else if (json_object_object_get_ex(t->claims, a->cfg->key_claim, &v)
	    && json_object_is_type(v, json_type_string)) {
		key = json_object_get_string(v);
		klen = (size_t)json_object_get_string_len(v);
	} else {
		*why = "token names no credential (no kid, no key claim)";
		return 401;
	}
	/*
	 * A name no credential can have (blank, spaces, too long...) is
	 * unknown without asking: the database would also ignore the
	 * trailing spaces of "key ".
	 */
	if (validate_key_str(key, klen) != NULL) {
		*why = "unknown credential";
		return 401;
	}
	if ((rc = cred_find(a, key, klen, now, cred)) != ST_OK) {
		*why = rc == ST_DOWN ? "database is unreachable" :
		    "internal error";
		return rc == ST_DOWN ? 503 : 500;
	}
	if (*cred == NULL) {
		*why = "unknown credential";
		return 401;
	}
	if (t->alg != (*cred)->key.alg) {
		*why = "token alg is not the credential's";
		return 401;
	}
	if (!jwt_verify(&(*cred)->key, t)) {
		*why = "signature does not verify";
		return 401;
	}
	if ((*why = check_times(a->cfg, t->claims, now)) != NULL)
		return 401;
	if (a->cfg->cache_ttl > 0 && len <= MEMO_TOKEN_MAX &&
	    (m = calloc(1, sizeof(*m))) != NULL) {
		m->cred = *cred;
		m->gen = (*cred)->gen;
		m->claims = json_object_get(t->claims);
		m->klen = klen;
		if ((m->key = malloc(klen)) == NULL) {
			memo_free(m);
			return 200;
		}
		memcpy(m->key, key, klen);
		(void)cache_put(a->memo, tok, len, m,
		    now + (long long)a->cfg->cache_ttl * 1000);
	}
	return 200;
}

/* Which groups the API allows; kind ACL_GROUPS fills *list. */
static enum acl_kind
allowed(struct auth *a, const struct auth_request *q,
    const struct acl_rule **rule, int *deny)
{
	long	 len;

	*rule = NULL;
	*deny = 0;
	if (q->allow_groups != NULL) {
		if (strcmp(q->allow_groups, "@public") == 0)
			return ACL_PUBLIC;
		if (strcmp(q->allow_groups, "@authenticated") == 0)
			return ACL_AUTHENTICATED;
		return ACL_GROUPS;
	}
	if (a->acl != NULL && q->uri != NULL &&
	    strlen(q->uri) < sizeof(a->path)) {
		strcpy(a->path, q->uri);
		if ((len = acl_normalize(a->path)) < 0) {
			*deny = 1;
			return ACL_GROUPS;
		}
		*rule = acl_lookup(a->acl, q->method != NULL ? q->method : "",
		    a->path, (size_t)len);
		if (*rule != NULL)
			return (*rule)->kind;
	}
	if (strcmp(a->cfg->acl_default, "authenticated") == 0)
		return ACL_AUTHENTICATED;
	*deny = 1;
	return ACL_GROUPS;
}

static int
member(const struct cred *c, const char *g, size_t len)
{
	size_t	 i;

	for (i = 0; i < c->ngroups; i++)
		if (strlen(c->groups[i]) == len &&
		    memcmp(c->groups[i], g, len) == 0)
			return 1;
	return 0;
}

/* 1 if the consumer is in one of the allowed groups. */
static int
permitted(const struct cred *c, const struct auth_request *q,
    const struct acl_rule *rule)
{
	const char	*s, *e;
	size_t		 i;

	if (rule != NULL) {
		for (i = 0; i < rule->ngroups; i++)
			if (member(c, rule->groups[i], strlen(rule->groups[i])))
				return 1;
		return 0;
	}
	for (s = q->allow_groups; *s != '\0'; s = e) {
		while (*s == ' ' || *s == ',')
			s++;
		for (e = s; *e != '\0' && *e != ' ' && *e != ','; e++)
			;
		if (e > s && member(c, s, (size_t)(e - s)))
			return 1;
	}
	return 0;
}

void
auth_check(struct auth *a, const struct auth_request *q, long long now,
    struct auth_result *res)
{
	const struct acl_rule	*rule;
	struct jwt		 t;
	struct cred		*c;
	const char		*tok;
	size_t			 len;
	enum acl_kind		 kind;
	int			 deny;

	memset(res, 0, sizeof(*res));
	kind = allowed(a, q, &rule, &deny);
	if (kind == ACL_PUBLIC) {
		res->status = 200;
		res->keep = pass_keep(a->cfg, NULL, now);
		return;
	}
	if (q->nauthorization > 1) {
		res->status = 401;
		res->why = "more than one Authorization header";
		return;
	}
	if ((tok = bearer(q->authorization, &len, &res->why)) == NULL) {
		res->status = 401;
		return;
	}
	res->status = verify(a, tok, len, now, &t, &c, &res->why);
	if (res->status == 200)
		res->keep = pass_keep(a->cfg, t.claims, now);
	jwt_free(&t);
	if (res->status != 200)
		return;
	res->username = c->username;
	res->groups = c->joined;
	res->key = c->keyname;
	if (deny) {
		res->status = 403;
		res->why = "no rule allows this API";
	} else if (kind == ACL_GROUPS && !permitted(c, q, rule)) {
		res->status = 403;
		res->why = "the consumer's groups do not allow this API";
	}
	if (res->status != 200)
		res->keep = 0;
}

char *
auth_introspect(struct auth *a, const char *tok, size_t len, long long now,
    int *down)
{
	json_object	*o, *v, *groups;
	struct jwt	 t;
	struct cred	*c;
	const char	*why, *s;
	char		*out = NULL;
	size_t		 i;
	int		 status;
	static const char *const times[] = { "exp", "iat", "nbf" };

	*down = 0;
	status = verify(a, tok, len, now, &t, &c, &why);
	if (status >= 500) {
		jwt_free(&t);
		*down = status == 503;
		return NULL;
	}
	if ((o = json_object_new_object()) == NULL) {
		jwt_free(&t);
		return NULL;
	}
	json_object_object_add(o, "active",
	    json_object_new_boolean(status == 200));
	if (status == 200) {
		if (json_object_object_get_ex(t.claims, "iss", &v))
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
			if (json_object_object_get_ex(t.claims, times[i], &v) &&
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
	jwt_free(&t);
	return out;
}
