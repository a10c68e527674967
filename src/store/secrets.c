/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/seal.h"
#include "store/secrets.h"
#include "store/store_int.h"

enum stmt {
	Q_SEAL_KEYS,
	Q_SEAL_BATCH,
	Q_SEAL_UPDATE,
	Q_SEAL_ALL,
	Q__MAX
};

const char *const store_secrets_sql[Q__MAX] = {
	[Q_SEAL_KEYS] =
	    "SELECT seal_key FROM credentials WHERE seal_key IS NOT NULL "
	    "UNION SELECT prev_seal_key FROM credentials "
	    "WHERE prev_seal_key IS NOT NULL",
	/*
	 * The next rows with a secret (or a previous one) not sealed under
	 * the first key (?, "" for none).
	 */
	[Q_SEAL_BATCH] =
	    "SELECT id, `key`, secret, seal_key, prev_secret, prev_seal_key "
	    "FROM credentials WHERE id > ? AND ("
	    "(secret IS NOT NULL AND (seal_key IS NULL OR "
	    "(? <> '' AND seal_key <> ?))) OR "
	    "(prev_secret IS NOT NULL AND (prev_seal_key IS NULL OR "
	    "(? <> '' AND prev_seal_key <> ?)))) "
	    "ORDER BY id LIMIT 500 FOR UPDATE",
	[Q_SEAL_UPDATE] =
	    "UPDATE credentials SET secret = NULLIF(?, ''), "
	    "seal_key = NULLIF(?, ''), prev_secret = NULLIF(?, ''), "
	    "prev_seal_key = NULLIF(?, '') WHERE id = ?",
	/* Every row with a secret after id ?, for the operator's check. */
	[Q_SEAL_ALL] =
	    "SELECT id, `key`, secret, seal_key, prev_secret, prev_seal_key "
	    "FROM credentials WHERE id > ? AND "
	    "(secret IS NOT NULL OR prev_secret IS NOT NULL) "
	    "ORDER BY id LIMIT 500",
};
const size_t store_secrets_sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_SECRETS, (q), (a), (n), (fn), (arg), (aff))

static int
row_kid(void *arg, const struct db_col *c, unsigned n)
{
	char	*missing = arg;

	(void)n;
	if (!c[0].null && !seal_has(c[0].s))
		snprintf(missing, SEAL_KID_LEN + 1, "%s", c[0].s);
	return missing[0] != '\0';		/* the first missing is enough */
}

enum store_rc
store_seal_check(struct store *s, char missing[SEAL_KID_LEN + 1])
{
	missing[0] = '\0';
	return map(run(s, Q_SEAL_KEYS, NULL, 0, row_kid, missing,
	    NULL));
}

/* One row of a sealing batch, copied out of the result. */
struct seal_row {
	long long	 id;
	char		 key[STORE_KEY_MAX + 1];
	char		 secret[STORE_SECRET_MAX + 1];
	char		 prev[STORE_SECRET_MAX + 1];	/* "" for none */
};

struct seal_ctx {
	const struct actor *act;
	struct seal_row	 rows[500];
	size_t		 n;
	int		 bad;		/* a secret that does not open */
	long long	 last, done;
	int		 all;
};

static int
row_seal(void *arg, const struct db_col *c, unsigned n)
{
	struct seal_ctx	*x = arg;
	struct seal_row	*r;

	(void)n;
	if (x->n == sizeof(x->rows) / sizeof(x->rows[0]))
		return 1;
	r = &x->rows[x->n];
	r->id = db_col_int(&c[0]);
	snprintf(r->key, sizeof(r->key), "%s", c[1].s);
	if (secret_from_row(r->key, &c[2], &c[3], r->secret,
	    sizeof(r->secret)) == -1 || r->secret[0] == '\0' ||
	    secret_from_row(r->key, &c[4], &c[5], r->prev,
	    sizeof(r->prev)) == -1) {
		x->bad = 1;
		return 1;
	}
	x->n++;
	return 0;
}

static enum db_rc
seal_body(struct store *s, void *arg, enum store_rc *out)
{
	struct seal_ctx	*x = arg;
	struct seal_row	*row;
	struct db_arg	 a[5];
	char		 text[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char		 ptext[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char		 kid[SEAL_KID_LEN + 1], pkid[SEAL_KID_LEN + 1];
	const char	*first = x->all ? seal_first() : "";
	enum db_rc	 rc;
	size_t		 i;

	x->n = 0;
	a[0] = DB_INT(x->last);
	a[1] = a[2] = a[3] = a[4] = DB_CSTR(first);
	if ((rc = run(s, Q_SEAL_BATCH, a, 5, row_seal, x, NULL)) !=
	    DB_OK)
		return rc;
	if (x->bad) {
		*out = ST_ERR;
		return DB_OK;
	}
	for (i = 0; i < x->n; i++) {
		row = &x->rows[i];
		if (secret_to_row(row->key, row->secret, text, sizeof(text),
		    kid) == -1 || secret_to_row(row->key, row->prev, ptext,
		    sizeof(ptext), pkid) == -1) {
			*out = ST_ERR;
			return DB_OK;
		}
		a[0] = DB_CSTR(text);
		a[1] = DB_CSTR(kid);
		a[2] = DB_CSTR(ptext);
		a[3] = DB_CSTR(pkid);
		a[4] = DB_INT(row->id);
		if ((rc = run(s, Q_SEAL_UPDATE, a, 5, NULL, NULL,
		    NULL)) != DB_OK)
			return rc;
	}
	if (x->n == 0)
		return DB_OK;
	return audit(s, x->act, NULL, 0, NULL, 0, change_of("sealed",
	    json_object_new_int64((int64_t)x->n), "seal_key",
	    json_object_new_string(seal_first()), (char *)NULL));
}

enum store_rc
store_seal_rows(struct store *s, const struct actor *act, int all,
    long long *done)
{
	struct seal_ctx	*x;
	enum store_rc	 rc = ST_OK;

	*done = 0;
	if (!seal_active())
		return ST_OK;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return ST_ERR;
	x->act = act;
	x->all = all;
	do {
		if ((rc = tx(s, seal_body, x)) != ST_OK)
			break;
		*done += (long long)x->n;
		if (x->n > 0)
			x->last = x->rows[x->n - 1].id;
	} while (x->n == sizeof(x->rows) / sizeof(x->rows[0]));
	explicit_bzero(x, sizeof(*x));
	free(x);
	return rc;
}

/* One batch of store_seal_verify: the rows after last. */
struct verify_ctx {
	struct seal_verdict	*v;
	long long		 last;
	size_t			 n;
};

static int
row_verify(void *arg, const struct db_col *c, unsigned n)
{
	struct verify_ctx	*x = arg;
	struct seal_verdict	*v = x->v;
	char			 key[STORE_KEY_MAX + 1];
	char			 secret[STORE_SECRET_MAX + 1];
	int			 ok;

	(void)n;
	x->last = db_col_int(&c[0]);
	x->n++;
	v->rows++;
	snprintf(key, sizeof(key), "%s", c[1].s);
	/* Opened to know that it opens; wiped at once, never shown. */
	ok = secret_from_row(key, &c[2], &c[3], secret, sizeof(secret)) ==
	    0 && secret_from_row(key, &c[4], &c[5], secret,
	    sizeof(secret)) == 0;
	explicit_bzero(secret, sizeof(secret));
	if (!ok && v->bad++ == 0)
		snprintf(v->bad_key, sizeof(v->bad_key), "%s", key);
	if ((!c[2].null && c[3].null) || (!c[4].null && c[5].null))
		v->plain++;
	return 0;
}

enum store_rc
store_seal_verify(struct store *s, struct seal_verdict *v)
{
	struct verify_ctx	 x;
	struct db_arg		 a[1];
	enum store_rc		 rc;

	memset(v, 0, sizeof(*v));
	memset(&x, 0, sizeof(x));
	x.v = v;
	do {
		x.n = 0;
		a[0] = DB_INT(x.last);
		if ((rc = map(run(s, Q_SEAL_ALL, a, 1, row_verify, &x,
		    NULL))) != ST_OK)
			return rc;
	} while (x.n == 500);
	return ST_OK;
}
