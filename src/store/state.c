/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/keyfilter.h"
#include "crypto/jwk.h"
#include "crypto/jwt.h"
#include "crypto/secret.h"
#include "store/state.h"
#include "store/store_int.h"

#define LIMIT_COLS	 "limit_second, limit_minute, limit_hour, limit_day"

enum stmt {
	Q_STATE_LOCK,
	Q_STATE_CREDS,
	Q_STATE_KEY,
	Q_STATE_CREATE,
	Q_STATE_TAG,
	Q_EXPORT_PAGE,
	Q_EXPORT_CREDS,
	Q__MAX
};

const char *const store_state_sql[Q__MAX] = {
	[Q_STATE_LOCK] =
	    "SELECT id, managed_by, " LIMIT_COLS " FROM consumers "
	    "WHERE username = ? FOR UPDATE",
	[Q_STATE_CREDS] =
	    "SELECT id, `key`, algorithm, secret, seal_key, public_key "
	    "FROM credentials WHERE consumer_id = ? AND revoked_at IS NULL "
	    "ORDER BY id FOR UPDATE",
	[Q_STATE_KEY] =
	    "SELECT consumer_id, revoked_at IS NOT NULL FROM credentials "
	    "WHERE `key` = ? FOR UPDATE",
	[Q_STATE_CREATE] =
	    "INSERT INTO consumers (username, managed_by) VALUES (?, ?)",
	[Q_STATE_TAG] =
	    "UPDATE consumers SET managed_by = ? WHERE id = ?",
	/* utf8mb4_bin: by code point, which is UTF-8's byte order. */
	[Q_EXPORT_PAGE] =
	    "SELECT id, username, managed_by, " LIMIT_COLS " FROM consumers "
	    "WHERE username > ? AND (? = 0 OR managed_by = ?) "
	    "ORDER BY username LIMIT ?",
	[Q_EXPORT_CREDS] =
	    "SELECT `key`, algorithm, secret, seal_key, public_key "
	    "FROM credentials WHERE consumer_id = ? AND revoked_at IS NULL "
	    "ORDER BY id",
};
const size_t store_state_sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_STATE, (q), (a), (n), (fn), (arg), (aff))

/* the transaction */

struct lock_row {
	struct state_now	*now;
};

static void
limits_of(const struct db_col *c, uint64_t out[RL_NWINDOWS])
{
	long long	 v;
	size_t		 w;

	for (w = 0; w < RL_NWINDOWS; w++)
		out[w] = (v = db_col_int(&c[w])) > 0 ? (uint64_t)v : 0;
}

static int
row_lock(void *arg, const struct db_col *c, unsigned n)
{
	struct state_now	*now = arg;

	(void)n;
	now->id = db_col_int(&c[0]);
	now->tagged = !c[1].null;
	snprintf(now->managed_by, sizeof(now->managed_by), "%s",
	    c[1].null ? "" : c[1].s);
	limits_of(&c[2], now->limits);
	return 1;
}

/* The thumbprint of a stored PEM key (RFC 7638), "" when it does not read. */
static void
thumb_of(const char *pem, size_t len, const char *algorithm,
    char thumb[STATE_THUMB_MAX + 1])
{
	json_object	*jwk;
	char		*out = NULL, t[JWK_THUMB_LEN + 1];
	const char	*why;
	enum jwt_alg	 alg = jwt_alg_parse(algorithm, strlen(algorithm));

	thumb[0] = '\0';
	if ((jwk = jwk_of_pem(pem, len, alg, NULL)) == NULL)
		return;
	if (jwk_pem(jwk, alg, &out, t, &why) == 0)
		snprintf(thumb, STATE_THUMB_MAX + 1, "%s", t);
	free(out);
	json_object_put(jwk);
}

static int
row_have(void *arg, const struct db_col *c, unsigned n)
{
	struct state_now	*now = arg;
	struct state_have	*h, *v;

	(void)n;
	if ((v = reallocarray(now->creds, now->ncreds + 1,
	    sizeof(*now->creds))) == NULL)
		return 1;
	now->creds = v;
	h = &now->creds[now->ncreds++];
	memset(h, 0, sizeof(*h));
	h->id = db_col_int(&c[0]);
	snprintf(h->key, sizeof(h->key), "%s", c[1].s);
	snprintf(h->algorithm, sizeof(h->algorithm), "%s", c[2].s);
	if (!c[3].null && c[3].len > 0 && secret_from_row(h->key, &c[3],
	    &c[4], h->secret, sizeof(h->secret)) == -1)
		h->bad = 1;
	if (!c[5].null) {
		thumb_of(c[5].s, c[5].len, h->algorithm, h->thumb);
		h->bad |= h->thumb[0] == '\0';
	}
	return 0;
}

struct key_owner {
	long long	 consumer_id;
	int		 revoked;
};

static int
row_owner(void *arg, const struct db_col *c, unsigned n)
{
	struct key_owner	*k = arg;

	(void)n;
	k->consumer_id = db_col_int(&c[0]);
	k->revoked = db_col_int(&c[1]) == 1;
	return 1;
}

static void
now_free(struct state_now *now)
{
	size_t	 i;

	for (i = 0; i < now->ncreds; i++)
		explicit_bzero(now->creds[i].secret,
		    sizeof(now->creds[i].secret));
	free(now->creds);
	free(now->taken);
	strlist_free(&now->groups);
	memset(now, 0, sizeof(*now));
	now->id = -1;
}

/* What the consumer is now, locked: its row, groups, credentials. */
static enum db_rc
state_read(struct store *s, const struct state_want *want,
    struct state_now *now)
{
	struct key_owner	 k;
	struct db_arg		 a;
	enum db_rc		 rc;
	size_t			 i;

	a = DB_STR(want->user, want->ulen);
	if ((rc = run(s, Q_STATE_LOCK, &a, 1, row_lock, now, NULL)) !=
	    DB_OK)
		return rc;
	if (now->id >= 0) {
		a = DB_INT(now->id);
		if ((rc = groups_of_id(s, now->id, &now->groups)) != DB_OK ||
		    (rc = run(s, Q_STATE_CREDS, &a, 1, row_have, now,
		    NULL)) != DB_OK)
			return rc;
	}
	if (want->absent || want->ncreds == 0)
		return DB_OK;
	if ((now->taken = calloc(want->ncreds, 1)) == NULL)
		return DB_ERR;
	for (i = 0; i < want->ncreds; i++) {
		if (state_have_key(now, want->creds[i].key,
		    want->creds[i].klen) != NULL)
			continue;
		k.consumer_id = -1;
		k.revoked = 0;
		a = DB_STR(want->creds[i].key, want->creds[i].klen);
		if ((rc = run(s, Q_STATE_KEY, &a, 1, row_owner, &k, NULL)) !=
		    DB_OK)
			return rc;
		if (k.consumer_id >= 0)
			now->taken[i] = k.consumer_id == now->id && k.revoked ?
			    STATE_KEY_REVOKED : k.consumer_id == now->id ?
			    STATE_KEY_FREE : STATE_KEY_OTHERS;
	}
	return DB_OK;
}

struct state_ctx {
	const struct actor		*act;
	const struct state_want		*want;
	struct state_result		*res;
	int				 dry;	/* rolled back on purpose */
};

static const char *
change_op(json_object *ch)
{
	json_object	*v;

	return json_object_object_get_ex(ch, "op", &v) ?
	    json_object_get_string(v) : "";
}

static const char *
change_key(json_object *ch)
{
	json_object	*v;

	return json_object_object_get_ex(ch, "key", &v) ?
	    json_object_get_string(v) : "";
}

static const struct state_cred *
want_cred(const struct state_want *want, const char *key)
{
	size_t	 i, len = strlen(key);

	for (i = 0; i < want->ncreds; i++)
		if (want->creds[i].klen == len &&
		    memcmp(want->creds[i].key, key, len) == 0)
			return &want->creds[i];
	return NULL;
}

/* A new credential of want c for consumer id; a secret made is told. */
static enum db_rc
state_add(struct store *s, long long id, const struct state_cred *c,
    struct state_result *res, enum store_rc *out)
{
	struct credential	 cr;
	json_object		*o;
	enum db_rc		 rc;

	memset(&cr, 0, sizeof(cr));
	memcpy(cr.key, c->key, c->klen);
	snprintf(cr.algorithm, sizeof(cr.algorithm), "%s", c->algorithm);
	if (c->hmac && c->secret != NULL)
		memcpy(cr.secret, c->secret, c->slen);
	else if (c->hmac && secret_hex128(cr.secret) == -1) {
		*out = ST_ERR;
		return DB_OK;
	}
	if ((rc = credential_insert(s, id, &cr, c->pem, out)) == DB_OK &&
	    *out == ST_OK && c->hmac && c->secret == NULL) {
		if ((o = json_object_new_object()) == NULL) {
			*out = ST_ERR;
		} else {
			json_object_object_add(o, "key",
			    json_object_new_string(cr.key));
			json_object_object_add(o, "secret",
			    json_object_new_string(cr.secret));
			json_object_array_add(res->secrets, o);
		}
	}
	explicit_bzero(cr.secret, sizeof(cr.secret));
	return rc;
}

/* Each change of res->changes made, in its order. */
static enum db_rc
state_write(struct store *s, const struct state_want *want,
    struct state_now *now, struct state_result *res, enum store_rc *out)
{
	struct strlist		 before = { 0 }, after = { 0 }, keys = { 0 };
	uint64_t		 lb[RL_NWINDOWS], la[RL_NWINDOWS];
	const struct state_cred	*c;
	const struct state_have	*h;
	json_object		*ch, *w = NULL;
	struct db_arg		 a[2];
	unsigned long long	 n;
	enum db_rc		 rc = DB_OK;
	const char		*op;
	size_t			 i, len;
	int			 revoked = 0;

	len = json_object_array_length(res->changes);
	for (i = 0; i < len && rc == DB_OK && *out == ST_OK; i++) {
		ch = json_object_array_get_idx(res->changes, i);
		op = change_op(ch);
		json_object_put(w);
		w = NULL;
		if (strcmp(op, "create") == 0) {
			a[0] = DB_STR(want->user, want->ulen);
			a[1] = DB_CSTR(want->managed_by);
			if ((rc = run(s, Q_STATE_CREATE, a, 2, NULL, NULL,
			    NULL)) == DB_OK)
				now->id = (long long)db_insert_id(s->db);
		} else if (strcmp(op, "adopt") == 0) {
			a[0] = DB_CSTR(want->managed_by);
			a[1] = DB_INT(now->id);
			rc = run(s, Q_STATE_TAG, a, 2, NULL, NULL, NULL);
		} else if (strcmp(op, "delete") == 0) {
			rc = consumer_drop(s, now->id, want->user, want->ulen,
			    &before, &keys, &w, out);
		} else if (strcmp(op, "groups") == 0) {
			rc = groups_write(s, now->id, &want->groups, 0, &before,
			    &after, &w, out);
		} else if (strcmp(op, "limits") == 0) {
			rc = limits_write(s, now->id, want->limits, lb, la);
		} else if (strcmp(op, "credential.add") == 0) {
			if ((c = want_cred(want, change_key(ch))) != NULL)
				rc = state_add(s, now->id, c, res, out);
		} else if (strcmp(op, "credential.revoke") == 0) {
			revoked = 1;
			rc = credential_drop(s, now->id, change_key(ch),
			    strlen(change_key(ch)), &n);
		} else if ((c = want_cred(want, change_key(ch))) != NULL &&
		    (h = state_have_key(now, c->key, c->klen)) != NULL) {
			/* A new secret or key: the old one stops at once. */
			rc = credential_rewrite(s, h->id, h->key, 0, 0,
			    c->hmac ? c->secret : "", c->pem, out);
		}
		/* Withdrawn entitlements go with the change that took them. */
		if (w != NULL)
			json_object_object_add(ch, "withdrawn", w);
		w = NULL;
	}
	if (rc == DB_OK && *out == ST_OK && revoked)
		rc = admin_left(s, out);
	strlist_free(&before);
	strlist_free(&after);
	strlist_free(&keys);
	return rc;
}

static enum db_rc
state_body(struct store *s, void *arg, enum store_rc *out)
{
	struct state_ctx	*x = arg;
	const struct state_want	*want = x->want;
	struct state_result	*res = x->res;
	struct state_now	 now;
	enum db_rc		 rc;

	/* Again from the start on each run of the transaction. */
	state_result_free(res);
	x->dry = 0;
	memset(&now, 0, sizeof(now));
	now.id = -1;
	if ((res->changes = json_object_new_array()) == NULL ||
	    (res->secrets = json_object_new_array()) == NULL) {
		*out = ST_ERR;
		return DB_OK;
	}
	if ((rc = state_read(s, want, &now)) != DB_OK)
		goto out;
	res->refusal = state_changes(want, &now, res->changes, res->why,
	    sizeof(res->why));
	if (res->refusal != SR_NONE) {
		*out = ST_CONFLICT;
		goto out;
	}
	if ((res->changed = json_object_array_length(res->changes) > 0) == 0)
		goto out;		/* nothing written, nothing audited */
	if ((rc = state_write(s, want, &now, res, out)) != DB_OK ||
	    *out != ST_OK)
		goto out;
	if (want->dry_run) {
		/* The same changes, made and undone: nothing is kept. */
		json_object_put(res->secrets);
		res->secrets = json_object_new_array();
		x->dry = 1;
		*out = ST_CONFLICT;
		goto out;
	}
	rc = audit(s, x->act, want->user, want->ulen, NULL, 0,
	    change_of("managed_by", json_object_new_string(want->managed_by),
	    "changes", json_object_get(res->changes), (char *)NULL));
out:
	now_free(&now);
	return rc;
}

void
state_result_free(struct state_result *res)
{
	json_object_put(res->changes);
	json_object_put(res->secrets);
	memset(res, 0, sizeof(*res));
}

enum store_rc
store_consumer_state(struct store *s, const struct actor *act,
    const struct state_want *want, struct state_result *res)
{
	struct state_ctx	 x = { act, want, res, 0 };
	enum store_rc		 rc;
	size_t			 i, n;
	json_object		*ch;

	memset(res, 0, sizeof(*res));
	rc = tx(s, state_body, &x);
	if (rc == ST_CONFLICT && x.dry)
		rc = ST_OK;
	if (rc != ST_OK || want->dry_run || res->changes == NULL)
		return rc;
	/* This host's key filter knows the keys before their holder does. */
	n = json_object_array_length(res->changes);
	for (i = 0; i < n; i++) {
		ch = json_object_array_get_idx(res->changes, i);
		if (strcmp(change_op(ch), "credential.add") == 0)
			keyfilter_add(change_key(ch), strlen(change_key(ch)));
	}
	return rc;
}

/* export */

struct page_row {
	long long	 id;
	char		*username, *managed_by;
	uint64_t	 limits[RL_NWINDOWS];
};

struct page {
	struct page_row	*v;
	size_t		 n;
	int		 nomem;
};

static int
row_page(void *arg, const struct db_col *c, unsigned n)
{
	struct page	*p = arg;
	struct page_row	*r, *v;

	(void)n;
	if ((v = reallocarray(p->v, p->n + 1, sizeof(*p->v))) == NULL) {
		p->nomem = 1;
		return 1;
	}
	p->v = v;
	r = &p->v[p->n++];
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(&c[0]);
	r->username = strndup(c[1].s, c[1].len);
	r->managed_by = c[2].null ? NULL : strndup(c[2].s, c[2].len);
	limits_of(&c[3], r->limits);
	if (r->username == NULL || (!c[2].null && r->managed_by == NULL))
		p->nomem = 1;
	return p->nomem;
}

struct creds {
	size_t		 n;
	char		**keys, **algs, **secrets, **pems;
	int		 secret, bad;
};

static int
push(char ***v, size_t n, char *s)
{
	char	**w;

	if ((w = reallocarray(*v, n + 1, sizeof(**v))) == NULL) {
		free(s);
		return -1;
	}
	*v = w;
	w[n] = s;
	return s == NULL ? -1 : 0;
}

static int
row_creds(void *arg, const struct db_col *c, unsigned n)
{
	struct creds	*x = arg;
	char		 secret[STORE_SECRET_MAX + 1] = "";
	size_t		 i = x->n;

	(void)n;
	if (x->secret && !c[2].null && c[2].len > 0 &&
	    secret_from_row(c[0].s, &c[2], &c[3], secret,
	    sizeof(secret)) == -1) {
		x->bad = 1;
		return 1;
	}
	if (push(&x->keys, i, strndup(c[0].s, c[0].len)) == -1 ||
	    push(&x->algs, i, strndup(c[1].s, c[1].len)) == -1 ||
	    push(&x->secrets, i, strdup(secret)) == -1 ||
	    push(&x->pems, i, c[4].null ? strdup("") :
	    strndup(c[4].s, c[4].len)) == -1) {
		explicit_bzero(secret, sizeof(secret));
		x->bad = 1;
		return 1;
	}
	explicit_bzero(secret, sizeof(secret));
	x->n++;
	return 0;
}

static void
creds_free(struct creds *x)
{
	size_t	 i;

	for (i = 0; i < x->n; i++) {
		free(x->keys[i]);
		free(x->algs[i]);
		if (x->secrets[i] != NULL)
			explicit_bzero(x->secrets[i], strlen(x->secrets[i]));
		free(x->secrets[i]);
		free(x->pems[i]);
	}
	free(x->keys);
	free(x->algs);
	free(x->secrets);
	free(x->pems);
	memset(x, 0, sizeof(*x));
}

struct export_ctx {
	const struct actor	*act;
	const char		*managed_by;
	long long		 count;
};

static enum db_rc
export_audit(struct store *s, void *arg, enum store_rc *out)
{
	struct export_ctx	*x = arg;

	(void)out;
	return audit(s, x->act, NULL, 0, NULL, 0, change_of("exported",
	    json_object_new_int64(x->count), "secrets",
	    json_object_new_boolean(1), "managed_by", x->managed_by == NULL ?
	    NULL : json_object_new_string(x->managed_by), (char *)NULL));
}

enum store_rc
store_state_export(struct store *s, const struct actor *act,
    const char *after, size_t alen, const char *managed_by, long long limit,
    int secrets, void (*fn)(void *, const struct state_row *), void *arg,
    char next[STORE_KEY_MAX + 1])
{
	struct page		 p = { NULL, 0, 0 };
	struct creds		 c;
	struct strlist		 groups = { 0 };
	struct state_row	 row;
	struct export_ctx	 x = { act, managed_by, 0 };
	struct db_arg		 a[4];
	enum store_rc		 rc = ST_OK;
	enum db_rc		 drc;
	size_t			 i;

	next[0] = '\0';
	a[0] = DB_STR(after, alen);
	a[1] = DB_INT(managed_by != NULL);
	a[2] = DB_CSTR(managed_by != NULL ? managed_by : "");
	a[3] = DB_INT(limit);
	if ((drc = run(s, Q_EXPORT_PAGE, a, 4, row_page, &p, NULL)) != DB_OK ||
	    p.nomem) {
		rc = p.nomem ? ST_ERR : map(drc);
		goto out;
	}
	/* Secrets leave only once their export is in the audit trail. */
	x.count = (long long)p.n;
	if (secrets && p.n > 0 && (rc = tx(s, export_audit, &x)) != ST_OK)
		goto out;
	for (i = 0; i < p.n; i++) {
		memset(&c, 0, sizeof(c));
		c.secret = secrets;
		a[0] = DB_INT(p.v[i].id);
		if ((drc = groups_of_id(s, p.v[i].id, &groups)) != DB_OK ||
		    (drc = run(s, Q_EXPORT_CREDS, a, 1, row_creds, &c,
		    NULL)) != DB_OK || c.bad) {
			rc = c.bad ? ST_ERR : map(drc);
			creds_free(&c);
			goto out;
		}
		row.username = p.v[i].username;
		row.managed_by = p.v[i].managed_by;
		row.groups = &groups;
		row.limits = p.v[i].limits;
		row.ncreds = c.n;
		row.keys = (const char *const *)c.keys;
		row.algorithms = (const char *const *)c.algs;
		row.secrets = secrets ? (const char *const *)c.secrets : NULL;
		row.pems = (const char *const *)c.pems;
		fn(arg, &row);
		creds_free(&c);
	}
	if (p.n > 0 && (long long)p.n == limit)
		snprintf(next, STORE_KEY_MAX + 1, "%s", p.v[p.n - 1].username);
out:
	for (i = 0; i < p.n; i++) {
		free(p.v[i].username);
		free(p.v[i].managed_by);
	}
	free(p.v);
	strlist_free(&groups);
	return rc;
}
