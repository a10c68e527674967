/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/keyfilter.h"
#include "crypto/jwt.h"
#include "crypto/seal.h"
#include "crypto/secret.h"
#include "store/credential.h"
#include "store/store_int.h"

enum stmt {
	Q_CRED_FIRST_SECRET,
	Q_CRED_INSERT,
	Q_CRED_BY_KEY,
	Q_CRED_LIST,
	Q_CRED_REVOKE,
	Q_AUTH,
	Q_AUTH_TRAIL,
	Q_CRED_ROTATE,
	Q_CRED_ROW,
	Q__MAX
};

const char *const store_credential_sql[Q__MAX] = {
	[Q_CRED_FIRST_SECRET] =
	    "SELECT `key`, secret, algorithm, seal_key FROM credentials "
	    "WHERE consumer_id = ? AND revoked_at IS NULL "
	    "AND secret IS NOT NULL ORDER BY id LIMIT 1",
	[Q_CRED_INSERT] =
	    "INSERT INTO credentials (consumer_id, `key`, secret, seal_key, "
	    "algorithm, public_key) VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''), "
	    "?, NULLIF(?, ''))",
	[Q_CRED_BY_KEY] =
	    "SELECT consumer_id, secret, algorithm, revoked_at IS NOT NULL, "
	    "public_key, seal_key FROM credentials WHERE `key` = ? FOR UPDATE",
	[Q_CRED_LIST] =
	    "SELECT c.id, r.`key`, r.algorithm, "
	    "CAST(UNIX_TIMESTAMP(r.created_at) * 1000 AS UNSIGNED), "
	    "r.revoked_at IS NOT NULL, r.public_key FROM consumers c "
	    "LEFT JOIN credentials r ON r.consumer_id = c.id "
	    "WHERE c.username = ? ORDER BY r.id",
	[Q_CRED_REVOKE] =
	    "UPDATE credentials "
	    "SET revoked_at = COALESCE(revoked_at, CURRENT_TIMESTAMP(3)) "
	    "WHERE consumer_id = ? AND `key` = ?",
	/*
	 * An inner join of constant reads, with the columns as they are
	 * (the grace is judged in row_auth), and the trail's last id from
	 * audit_seq's one row, for a refusal to compare with the feed's.
	 * MariaDB's CPU a statement (text protocol, 20,000 keys of 300,000
	 * consumers): 115 to 135 us with audit_seq outer-joined (one row
	 * always) and the grace in IF()s, 88 us so; a key with no active
	 * credential then reads the id alone (Q_AUTH_TRAIL), rarely: the
	 * key filter keeps unknown keys from any statement (then the
	 * key again: store_auth_lookup).
	 */
	[Q_AUTH] =
	    "SELECT c.username, r.algorithm, r.secret, r.public_key, "
	    "c.group_list, r.seal_key, r.prev_secret, r.prev_seal_key, "
	    "r.prev_public_key, r.grace_until, c.limit_second, "
	    "c.limit_minute, c.limit_hour, c.limit_day, s.id "
	    "FROM audit_seq s JOIN credentials r JOIN consumers c "
	    "ON c.id = r.consumer_id "
	    "WHERE s.one = 1 AND r.`key` = ? AND r.revoked_at IS NULL",
	[Q_AUTH_TRAIL] =
	    "SELECT id FROM audit_seq WHERE one = 1",
	[Q_CRED_ROTATE] =
	    "UPDATE credentials SET "
	    "prev_secret = IF(? > 0, secret, NULL), "
	    "prev_seal_key = IF(? > 0, seal_key, NULL), "
	    "prev_public_key = IF(? > 0, public_key, NULL), "
	    "grace_until = ?, secret = NULLIF(?, ''), "
	    "seal_key = NULLIF(?, ''), public_key = NULLIF(?, '') "
	    "WHERE id = ?",
	[Q_CRED_ROW] =
	    "SELECT id, consumer_id, algorithm, revoked_at IS NOT NULL "
	    "FROM credentials WHERE `key` = ? FOR UPDATE",
};
const size_t store_credential_sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_CREDENTIAL, (q), (a), (n), (fn), (arg), (aff))

static int
row_cred(void *arg, const struct db_col *c, unsigned n)
{
	struct credential	*cr = arg;

	if (n < 4)
		return 1;
	snprintf(cr->key, sizeof(cr->key), "%s", c[0].s);
	(void)secret_from_row(cr->key, &c[1], &c[3], cr->secret,
	    sizeof(cr->secret));
	snprintf(cr->algorithm, sizeof(cr->algorithm), "%s", c[2].s);
	return 1;
}

enum db_rc
first_secret(struct store *s, long long id, struct credential *cr,
    enum store_rc *out)
{
	struct db_arg	 a[6];
	enum db_rc	 rc;
	char		 text[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char		 kid[SEAL_KID_LEN + 1];

	memset(cr, 0, sizeof(*cr));
	a[0] = DB_INT(id);
	if ((rc = run(s, Q_CRED_FIRST_SECRET, a, 1, row_cred, cr,
	    NULL)) != DB_OK)
		return rc;
	if (cr->key[0] != '\0') {
		/* The oldest: a secret that does not open is no answer. */
		if (cr->secret[0] == '\0')
			*out = ST_ERR;
		return DB_OK;
	}
	if (credential_mint(cr, text, sizeof(text), kid) == -1) {
		*out = ST_ERR;
		return DB_OK;
	}
	a[1] = DB_CSTR(cr->key);
	a[2] = DB_CSTR(text);
	a[3] = DB_CSTR(kid);
	a[4] = DB_CSTR(cr->algorithm);
	a[5] = DB_CSTR("");
	return run(s, Q_CRED_INSERT, a, 6, NULL, NULL, NULL);
}

/* credentials */

enum db_rc
credential_insert(struct store *s, long long id, const struct credential *cr,
    const char *pem, enum store_rc *out)
{
	struct db_arg	 a[6];
	char		 text[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char		 kid[SEAL_KID_LEN + 1];

	if (secret_to_row(cr->key, cr->secret, text, sizeof(text),
	    kid) == -1) {
		*out = ST_ERR;
		return DB_OK;
	}
	a[0] = DB_INT(id);
	a[1] = DB_CSTR(cr->key);
	a[2] = DB_CSTR(text);
	a[3] = DB_CSTR(kid);
	a[4] = DB_CSTR(cr->algorithm);
	a[5] = DB_CSTR(pem != NULL ? pem : "");
	return run(s, Q_CRED_INSERT, a, 6, NULL, NULL, NULL);
}

enum db_rc
credential_rewrite(struct store *s, long long cred_id, const char *key,
    long long grace_s, long long until_ms, const char *secret,
    const char *pem, enum store_rc *out)
{
	struct db_arg	 a[8];
	char		 text[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char		 kid[SEAL_KID_LEN + 1];

	if (secret_to_row(key, secret, text, sizeof(text), kid) == -1) {
		*out = ST_ERR;
		return DB_OK;
	}
	a[0] = a[1] = a[2] = DB_INT(grace_s);
	a[3] = DB_INT(until_ms);
	a[4] = DB_CSTR(text);
	a[5] = DB_CSTR(kid);
	a[6] = DB_CSTR(pem != NULL ? pem : "");
	a[7] = DB_INT(cred_id);
	return run(s, Q_CRED_ROTATE, a, 8, NULL, NULL, NULL);
}

enum db_rc
credential_drop(struct store *s, long long id, const char *key, size_t klen,
    unsigned long long *n)
{
	struct db_arg	 a[2];

	a[0] = DB_INT(id);
	a[1] = DB_STR(key, klen);
	return run(s, Q_CRED_REVOKE, a, 2, NULL, NULL, n);
}

struct register_ctx {
	const struct actor	*act;
	const char		*user, *key;
	size_t			 ulen, klen;
	const char		*algorithm, *pem;
	struct credential	*out;
};

struct key_row {
	long long	 consumer_id;
	int		 revoked;
	struct credential *cr;
	const char	*pem;		/* the one asked for, or NULL */
	int		 other_pem;	/* the stored one differs */
	int		 sealed_bad;	/* its secret does not open */
};

static int
row_key(void *arg, const struct db_col *c, unsigned n)
{
	struct key_row	*k = arg;

	(void)n;
	k->consumer_id = db_col_int(&c[0]);
	if (secret_from_row(k->cr->key, &c[1], &c[5], k->cr->secret,
	    sizeof(k->cr->secret)) == -1)
		k->sealed_bad = 1;
	snprintf(k->cr->algorithm, sizeof(k->cr->algorithm), "%s", c[2].s);
	k->revoked = db_col_int(&c[3]) == 1;
	k->other_pem = k->pem != NULL && (c[4].null || strcmp(c[4].s, k->pem)
	    != 0);
	return 1;
}

static enum db_rc
register_body(struct store *s, void *arg, enum store_rc *out)
{
	struct register_ctx	*x = arg;
	struct credential	*cr = x->out;
	struct key_row		 k = { -1, 0, cr, x->pem, 0, 0 };
	struct db_arg		 a[1];
	enum db_rc		 rc;
	long long		 id;

	if ((rc = lock_existing(s, x->user, x->ulen, &id, out)) != DB_OK ||
	    id < 0)
		return rc;
	memset(cr, 0, sizeof(*cr));
	memcpy(cr->key, x->key, x->klen);
	a[0] = DB_STR(x->key, x->klen);
	if ((rc = run(s, Q_CRED_BY_KEY, a, 1, row_key, &k, NULL))
	    != DB_OK)
		return rc;
	if (k.consumer_id >= 0) {
		if (k.sealed_bad) {
			*out = ST_ERR;
			return DB_OK;
		}
		if (k.consumer_id != id || k.revoked || k.other_pem ||
		    strcmp(cr->algorithm, x->algorithm) != 0) {
			explicit_bzero(cr->secret, sizeof(cr->secret));
			*out = ST_CONFLICT;
			return DB_OK;
		}
		if ((rc = hide_owned(s, id, cr)) != DB_OK)
			return rc;
	} else {
		snprintf(cr->algorithm, sizeof(cr->algorithm), "%s",
		    x->algorithm);
		if (x->pem == NULL && secret_hex128(cr->secret) == -1) {
			*out = ST_ERR;
			return DB_OK;
		}
		cr->issued = 1;
		if ((rc = credential_insert(s, id, cr, x->pem, out)) != DB_OK ||
		    *out != ST_OK)
			return rc;
	}
	return audit(s, x->act, x->user, x->ulen, x->key, x->klen,
	    change_of("algorithm", json_object_new_string(cr->algorithm),
	    "issued", json_object_new_boolean(cr->issued), (char *)NULL));
}

enum store_rc
store_credential_register(struct store *s, const struct actor *act,
    const char *user, size_t ulen, const char *key, size_t klen,
    const char *algorithm, const char *pem, struct credential *out)
{
	struct register_ctx	 x = { act, user, key, ulen, klen, algorithm,
	    pem, out };

	enum store_rc		 rc;

	if (klen > STORE_KEY_MAX)
		return ST_ERR;
	/* This host's key filter knows the key before its holder does. */
	if ((rc = tx(s, register_body, &x)) == ST_OK)
		keyfilter_add(key, klen);
	return rc;
}

struct rotate_ctx {
	const struct actor	*act;
	const char		*user, *key, *pem;
	size_t			 ulen, klen;
	long long		 grace_s, until;
	struct credential	*out;
};

/* The credential row of a key: its ids, algorithm, whether revoked. */
struct cred_row {
	long long	 id, consumer_id;
	char		 algorithm[STORE_ALG_MAX + 1];
	int		 revoked;
};

static int
row_cred_row(void *arg, const struct db_col *c, unsigned n)
{
	struct cred_row	*k = arg;

	(void)n;
	k->id = db_col_int(&c[0]);
	k->consumer_id = db_col_int(&c[1]);
	snprintf(k->algorithm, sizeof(k->algorithm), "%s", c[2].s);
	k->revoked = db_col_int(&c[3]) == 1;
	return 1;
}

static enum db_rc
rotate_body(struct store *s, void *arg, enum store_rc *out)
{
	struct rotate_ctx	*x = arg;
	struct credential	*cr = x->out;
	struct cred_row		 k = { -1, -1, "", 0 };
	struct db_arg		 a[1];
	enum db_rc		 rc;
	long long		 id;
	int			 hmac;

	if ((rc = lock_consumer(s, x->user, x->ulen, &id)) != DB_OK)
		return rc;
	a[0] = DB_STR(x->key, x->klen);
	if (id < 0 || (rc = run(s, Q_CRED_ROW, a, 1, row_cred_row,
	    &k, NULL)) != DB_OK || k.consumer_id != id || k.revoked) {
		if (rc == DB_OK)
			*out = ST_NOT_FOUND;
		return rc;
	}
	hmac = jwt_alg_is_hmac(jwt_alg_parse(k.algorithm,
	    strlen(k.algorithm)));
	if (hmac != (x->pem == NULL)) {
		*out = ST_CONFLICT;
		return DB_OK;
	}
	memset(cr, 0, sizeof(*cr));
	memcpy(cr->key, x->key, x->klen);
	snprintf(cr->algorithm, sizeof(cr->algorithm), "%s", k.algorithm);
	if (hmac && secret_hex128(cr->secret) == -1) {
		*out = ST_ERR;
		return DB_OK;
	}
	cr->issued = 1;
	x->until = clock_wall_ms() + x->grace_s * 1000;
	if ((rc = credential_rewrite(s, k.id, cr->key, x->grace_s, x->until,
	    cr->secret, x->pem, out)) != DB_OK || *out != ST_OK)
		return rc;
	return audit(s, x->act, x->user, x->ulen, x->key, x->klen,
	    change_of("algorithm", json_object_new_string(cr->algorithm),
	    "grace_seconds", json_object_new_int64(x->grace_s),
	    "grace_until", json_object_new_int64(x->until), (char *)NULL));
}

enum store_rc
store_credential_rotate(struct store *s, const struct actor *act,
    const char *user, size_t ulen, const char *key, size_t klen,
    long long grace_s, const char *pem, struct credential *out,
    long long *grace_until_ms)
{
	struct rotate_ctx	 x = { act, user, key, pem, ulen, klen, grace_s,
	    0, out };
	enum store_rc		 rc;

	if (klen > STORE_KEY_MAX)
		return ST_NOT_FOUND;
	rc = tx(s, rotate_body, &x);
	*grace_until_ms = x.until;
	return rc;
}

struct credlist_ctx {
	void	(*fn)(void *, const struct credential_row *);
	void	*arg;
	int	 found;
};

static int
row_credlist(void *arg, const struct db_col *c, unsigned n)
{
	struct credlist_ctx	*x = arg;
	struct credential_row	 row;

	(void)n;
	x->found = 1;
	if (c[1].null)		/* the consumer has no credential */
		return 0;
	row.key = c[1].s;
	row.algorithm = c[2].s;
	row.created_ms = db_col_int(&c[3]);
	row.revoked = db_col_int(&c[4]) == 1;
	row.public_key = c[5].null ? NULL : c[5].s;
	x->fn(x->arg, &row);
	return 0;
}

enum store_rc
store_credential_list(struct store *s, const char *user, size_t ulen,
    void (*fn)(void *, const struct credential_row *), void *arg)
{
	struct credlist_ctx	 x = { fn, arg, 0 };
	struct db_arg		 a = DB_STR(user, ulen);
	enum db_rc		 rc;

	rc = run(s, Q_CRED_LIST, &a, 1, row_credlist, &x, NULL);
	if (rc != DB_OK)
		return map(rc);
	return x.found ? ST_OK : ST_NOT_FOUND;
}

struct revoke_ctx {
	const struct actor	*act;
	const char		*user, *key;
	size_t			 ulen, klen;
};

static enum db_rc
revoke_body(struct store *s, void *arg, enum store_rc *out)
{
	struct revoke_ctx	*x = arg;
	unsigned long long	 n = 0;
	enum db_rc		 rc;
	long long		 id;

	if ((rc = lock_consumer(s, x->user, x->ulen, &id)) != DB_OK)
		return rc;
	if (id < 0 || (rc = credential_drop(s, id, x->key, x->klen,
	    &n)) != DB_OK || n == 0) {
		if (rc == DB_OK)
			*out = ST_NOT_FOUND;
		return rc;
	}
	if ((rc = admin_left(s, out)) != DB_OK || *out != ST_OK)
		return rc;
	return audit(s, x->act, x->user, x->ulen, x->key, x->klen,
	    change_of("revoked", json_object_new_boolean(1), (char *)NULL));
}

enum store_rc
store_credential_revoke(struct store *s, const struct actor *act,
    const char *user, size_t ulen, const char *key, size_t klen)
{
	struct revoke_ctx	 x = { act, user, key, ulen, klen };

	return tx(s, revoke_body, &x);
}

/* the gateway check */

void
store_auth_record_free(struct auth_record *r)
{
	free(r->public_key);
	free(r->prev_public_key);
	explicit_bzero(r->prev_secret, sizeof(r->prev_secret));
	free(r->username);
	strlist_free(&r->groups);
	explicit_bzero(r->secret, sizeof(r->secret));
	memset(r, 0, sizeof(*r));
}

struct auth_ctx {
	struct auth_record	*rec;
	const char		*key;		/* NUL-terminated */
	long long		 now_ms;
	int			 found, nomem;
};

static int
row_trail(void *arg, const struct db_col *c, unsigned n)
{
	struct auth_record	*r = arg;

	if (n >= 1)
		r->trail = db_col_int(&c[0]);
	return 1;
}

static int
row_auth(void *arg, const struct db_col *c, unsigned n)
{
	struct auth_ctx		*x = arg;
	struct auth_record	*r = x->rec;
	const char		*p, *end, *comma;
	long long		 v;
	size_t			 w;
	int			 grace;

	(void)n;
	r->trail = db_col_int(&c[14]);
	x->found = 1;
	snprintf(r->algorithm, sizeof(r->algorithm), "%s", c[1].s);
	if (secret_from_row(x->key, &c[2], &c[5], r->secret,
	    sizeof(r->secret)) == -1)
		goto nomem;			/* no usable credential */
	if ((r->username = strdup(c[0].s)) == NULL ||
	    (!c[3].null && (r->public_key = strdup(c[3].s)) == NULL))
		goto nomem;
	/* The previous secret or public key, in its grace only. */
	r->grace_until_ms = c[9].null ? 0 : db_col_int(&c[9]);
	grace = r->grace_until_ms > x->now_ms;
	if (grace && !c[6].null && secret_from_row(x->key, &c[6], &c[7],
	    r->prev_secret, sizeof(r->prev_secret)) == -1)
		goto nomem;
	if (grace && !c[8].null &&
	    (r->prev_public_key = strdup(c[8].s)) == NULL)
		goto nomem;
	/* The consumer's own limits, by enum rl_window (NULL: 0, none). */
	for (w = 0; w < RL_NWINDOWS; w++)
		r->limits[w] = (v = db_col_int(&c[10 + w])) > 0 ?
		    (uint64_t)v : 0;
	/* group_list: comma-joined, in granted order, "" for none. */
	for (p = c[4].s, end = p + c[4].len; p < end; p = comma + 1) {
		if ((comma = memchr(p, ',', end - p)) == NULL)
			comma = end;
		if (strlist_add(&r->groups, p, comma - p) == -1)
			goto nomem;
	}
	return 1;
nomem:
	x->nomem = 1;
	return 1;
}

enum store_rc
store_auth_lookup(struct store *s, const char *key, size_t klen,
    long long now_ms, struct auth_record *out)
{
	struct auth_ctx	 x = { out, NULL, now_ms, 0, 0 };
	struct db_arg	 a[1];
	enum db_rc	 rc;
	long long	 trail;
	char		 k[STORE_KEY_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (klen > STORE_KEY_MAX)
		return ST_NOT_FOUND;
	memcpy(k, key, klen);
	k[klen] = '\0';
	x.key = k;
	a[0] = DB_STR(key, klen);
	rc = run(s, Q_AUTH, a, 1, row_auth, &x, NULL);
	/*
	 * None: the trail's id, then the key once more, so that the id a
	 * refusal is stamped with is no newer than the read that refused.
	 */
	if (rc == DB_OK && !x.found &&
	    (rc = run(s, Q_AUTH_TRAIL, NULL, 0, row_trail, out, NULL)) ==
	    DB_OK)
		rc = run(s, Q_AUTH, a, 1, row_auth, &x, NULL);
	if (rc != DB_OK || x.nomem || !x.found) {
		trail = out->trail;
		store_auth_record_free(out);
		if (rc != DB_OK)
			return map(rc);
		if (x.nomem)
			return ST_ERR;
		out->trail = trail;
		return ST_NOT_FOUND;
	}
	return ST_OK;
}
