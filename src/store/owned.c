/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdio.h>
#include <string.h>

#include "core/keyfilter.h"
#include "core/validate.h"
#include "crypto/seal.h"
#include "crypto/secret.h"
#include "store/owned.h"
#include "store/store_int.h"

enum stmt {
	Q_OWNER_LOCK,
	Q_OWNED_INSERT,
	Q_CRED_INSERT_NOTES,
	Q_OWNED_CREDS,
	Q_OWNED_CRED_LOCK,
	Q_CRED_REVOKE_ID,
	Q_OWNER_COUNTS,
	Q__MAX
};

const char *const store_owned_sql[Q__MAX] = {
	[Q_OWNER_LOCK] =
	    "SELECT id, COALESCE(owner, '') FROM consumers WHERE username = ? "
	    "FOR UPDATE",
	[Q_OWNED_INSERT] =
	    "INSERT INTO consumers (username, owner) VALUES (?, ?)",
	[Q_CRED_INSERT_NOTES] =
	    "INSERT INTO credentials (consumer_id, `key`, secret, seal_key, "
	    "algorithm, notes) VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''), "
	    "'HS256', NULLIF(?, ''))",
	[Q_OWNED_CREDS] =
	    "SELECT c.username, r.`key`, r.notes, "
	    "CAST(UNIX_TIMESTAMP(r.created_at) * 1000 AS UNSIGNED), "
	    "r.revoked_at IS NOT NULL FROM credentials r "
	    "JOIN consumers c ON c.id = r.consumer_id WHERE c.owner = ? "
	    "ORDER BY r.id",
	[Q_OWNED_CRED_LOCK] =
	    "SELECT r.id, c.username FROM credentials r "
	    "JOIN consumers c ON c.id = r.consumer_id "
	    "WHERE r.`key` = ? AND c.owner = ? FOR UPDATE",
	[Q_CRED_REVOKE_ID] =
	    "UPDATE credentials SET revoked_at = COALESCE(revoked_at, "
	    "CURRENT_TIMESTAMP(3)) WHERE id = ?",
	/*
	 * The owner's live credentials, those made in the last hour, and
	 * in how many seconds the oldest of those is an hour old.
	 */
	[Q_OWNER_COUNTS] =
	    "SELECT COALESCE(SUM(r.revoked_at IS NULL), 0), "
	    "COALESCE(SUM(r.created_at > NOW(3) - INTERVAL 1 HOUR), 0), "
	    "COALESCE(TIMESTAMPDIFF(SECOND, NOW(3), MIN(IF(r.created_at > "
	    "NOW(3) - INTERVAL 1 HOUR, r.created_at, NULL)) + INTERVAL 1 HOUR) "
	    "+ 1, 0) FROM credentials r JOIN consumers c ON c.id = "
	    "r.consumer_id WHERE c.owner = ?",
};
const size_t store_owned_sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_OWNED, (q), (a), (n), (fn), (arg), (aff))

struct generate_ctx {
	const struct actor	*act;
	const char		*owner, *user, *notes;
	size_t			 ulen;
	struct portal_caps	*caps;
	int			(*allowed)(void *, const char *, size_t);
	void			*arg;
	struct credential	*out;
	struct strlist		*groups;
};

struct owner_row {
	long long	 id;
	char		 owner[STORE_KEY_MAX + 1];
};

static int
row_owner(void *arg, const struct db_col *c, unsigned n)
{
	struct owner_row	*o = arg;

	(void)n;
	o->id = db_col_int(&c[0]);
	snprintf(o->owner, sizeof(o->owner), "%s", c[1].s);
	return 1;
}

/* An owner's credentials: live ones, those of the last hour. */
struct owner_counts {
	long long	 live, hour, retry_s;
};

static int
row_counts(void *arg, const struct db_col *c, unsigned n)
{
	struct owner_counts	*k = arg;

	(void)n;
	k->live = db_col_int(&c[0]);
	k->hour = db_col_int(&c[1]);
	k->retry_s = db_col_int(&c[2]);
	return 1;
}

/*
 * The owner's generations one after the other (its row, made with its
 * first request, written: a lock on one server, a conflict between two
 * nodes of a cluster; without one it is entitled to nothing), each
 * within the caps: no more than caps->live live credentials, nor
 * caps->per_hour made in the last hour (revoked or not).
 */
static enum db_rc
generate_allowed(struct store *s, struct generate_ctx *x,
    enum store_rc *out)
{
	struct owner_counts	 k = { 0, 0, 0 };
	struct db_arg		 a = DB_CSTR(x->owner);
	enum db_rc		 rc;

	if ((rc = owner_turn(s, x->owner)) != DB_OK ||
	    (rc = run(s, Q_OWNER_COUNTS, &a, 1, row_counts, &k, NULL)) !=
	    DB_OK)
		return rc;
	if (k.live >= x->caps->live)
		*out = ST_LIMIT;
	else if (k.hour >= x->caps->per_hour) {
		x->caps->retry_s = k.retry_s > 0 ? k.retry_s : 1;
		*out = ST_RATE;
	}
	return DB_OK;
}

/*
 * One generation, in the order of its locks and refusals: the owner's
 * row (the caps), the name's (another's?), what the owner is entitled
 * to, the groups added, what the gateway can carry, the credential and
 * its audit row.  Each step may end it; one body keeps one exit.
 */
static enum db_rc
generate_body(struct store *s, void *arg, enum store_rc *out)
{
	struct generate_ctx	*x = arg;
	struct credential	*cr = x->out;
	struct owner_row	 o = { -1, "" };
	struct strlist		 want = { 0 }, before = { 0 };
	struct db_arg		 a[5];
	enum db_rc		 rc;
	char			 text[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char			 kid[SEAL_KID_LEN + 1];
	size_t			 i, joined;
	int			 made = 0, bad = 0;

	strlist_free(x->groups);
	if ((rc = generate_allowed(s, x, out)) != DB_OK || *out != ST_OK)
		return rc;
	/* Another's name first: what it may not have is none of ours. */
	a[0] = DB_STR(x->user, x->ulen);
	if ((rc = run(s, Q_OWNER_LOCK, a, 1, row_owner, &o, NULL)) !=
	    DB_OK)
		return rc;
	if (o.id >= 0 && strcmp(o.owner, x->owner) != 0) {
		*out = ST_CONFLICT;	/* another's, or an operator's */
		return DB_OK;
	}
	if ((rc = entitled(s, x->owner, x->allowed, x->arg, &want, &bad)) !=
	    DB_OK || bad || want.n == 0) {
		if (rc == DB_OK)
			*out = bad ? ST_ERR : ST_NOT_FOUND;
		goto out;
	}
	a[0] = DB_STR(x->user, x->ulen);
	if (o.id < 0) {
		/* A name raced in by another is a duplicate: tried again. */
		a[1] = DB_CSTR(x->owner);
		if ((rc = run(s, Q_OWNED_INSERT, a, 2, NULL, NULL,
		    NULL)) != DB_OK)
			goto out;
		o.id = (long long)db_insert_id(s->db);
		made = 1;
	}
	/*
	 * What it is entitled to is added; what an admin gave it stays, and
	 * what an admin took is not in want.
	 */
	if ((rc = groups_of_id(s, o.id, &before)) != DB_OK)
		goto out;
	for (i = 0; i < want.n && rc == DB_OK; i++)
		rc = group_add(s, o.id, want.v[i], want.len[i]);
	if (rc != DB_OK || (rc = groups_sync(s, o.id)) != DB_OK ||
	    (rc = groups_of_id(s, o.id, x->groups)) != DB_OK)
		goto out;
	/* What the gateway's answer cannot carry is not granted. */
	for (i = 0, joined = 0; i < x->groups->n; i++)
		joined += x->groups->len[i] + (i > 0);
	if (joined > VALIDATE_MAX_JOINED) {
		*out = ST_FORBIDDEN;
		goto out;
	}
	if (credential_mint(cr, text, sizeof(text), kid) == -1) {
		*out = ST_ERR;
		goto out;
	}
	a[0] = DB_INT(o.id);
	a[1] = DB_CSTR(cr->key);
	a[2] = DB_CSTR(text);
	a[3] = DB_CSTR(kid);
	a[4] = DB_CSTR(x->notes);
	if ((rc = run(s, Q_CRED_INSERT_NOTES, a, 5, NULL, NULL,
	    NULL)) != DB_OK)
		goto out;
	rc = audit(s, x->act, x->user, x->ulen, cr->key, strlen(cr->key),
	    change_of("created", json_object_new_boolean(made), "owner",
	    json_object_new_string(x->owner), "groups_before",
	    strlist_json(&before), "groups_after", strlist_json(x->groups),
	    (char *)NULL));
out:
	strlist_free(&want);
	strlist_free(&before);
	return rc;
}

enum store_rc
store_portal_generate(struct store *s, const struct actor *act,
    const char *owner, const char *user, size_t ulen, const char *notes,
    struct portal_caps *caps, int (*allowed)(void *, const char *, size_t),
    void *arg, struct credential *out, struct strlist *groups)
{
	struct generate_ctx	 x;
	enum store_rc		 rc;

	memset(&x, 0, sizeof(x));
	x.act = act;
	x.owner = owner;
	x.user = user;
	x.ulen = ulen;
	x.notes = notes;
	x.caps = caps;
	x.allowed = allowed;
	x.arg = arg;
	x.out = out;
	x.groups = groups;
	if (ulen > STORE_KEY_MAX)
		return ST_ERR;
	/* This host's key filter knows the key before its holder does. */
	if ((rc = tx(s, generate_body, &x)) == ST_OK)
		keyfilter_add(out->key, strlen(out->key));
	return rc;
}

struct owned_ctx {
	void	(*fn)(void *, const struct owned_row *);
	void	*arg;
};

static int
row_owned(void *arg, const struct db_col *c, unsigned n)
{
	struct owned_ctx	*x = arg;
	struct owned_row	 row;

	(void)n;
	row.username = c[0].s;
	row.key = c[1].s;
	row.notes = col_str(&c[2]);
	row.created_ms = db_col_int(&c[3]);
	row.revoked = db_col_int(&c[4]) == 1;
	x->fn(x->arg, &row);
	return 0;
}

enum store_rc
store_portal_credentials(struct store *s, const char *owner,
    void (*fn)(void *, const struct owned_row *), void *arg)
{
	struct owned_ctx	 x = { fn, arg };
	struct db_arg		 a = DB_CSTR(owner);

	return map(run(s, Q_OWNED_CREDS, &a, 1, row_owned, &x, NULL));
}

struct owned_key {
	long long	 id;
	char		*user;
};

static int
row_owned_key(void *arg, const struct db_col *c, unsigned n)
{
	struct owned_key	*k = arg;

	(void)n;
	k->id = db_col_int(&c[0]);
	snprintf(k->user, STORE_KEY_MAX + 1, "%s", c[1].s);
	return 1;
}

struct portal_revoke_ctx {
	const struct actor	*act;
	const char		*owner, *key;
	size_t			 klen;
	char			*user;
};

static enum db_rc
portal_revoke_body(struct store *s, void *arg, enum store_rc *out)
{
	struct portal_revoke_ctx *x = arg;
	struct owned_key	 k = { -1, x->user };
	struct db_arg		 a[2];
	enum db_rc		 rc;

	a[0] = DB_STR(x->key, x->klen);
	a[1] = DB_CSTR(x->owner);
	if ((rc = run(s, Q_OWNED_CRED_LOCK, a, 2, row_owned_key, &k,
	    NULL)) != DB_OK)
		return rc;
	if (k.id < 0) {
		*out = ST_NOT_FOUND;	/* none, or not the owner's */
		return DB_OK;
	}
	a[0] = DB_INT(k.id);
	if ((rc = run(s, Q_CRED_REVOKE_ID, a, 1, NULL, NULL, NULL)) !=
	    DB_OK)
		return rc;
	return audit(s, x->act, x->user, strlen(x->user), x->key, x->klen,
	    change_of("revoked", json_object_new_boolean(1), (char *)NULL));
}

enum store_rc
store_portal_revoke(struct store *s, const struct actor *act,
    const char *owner, const char *key, size_t klen,
    char user[STORE_KEY_MAX + 1])
{
	struct portal_revoke_ctx x = { act, owner, key, klen, user };

	user[0] = '\0';
	if (klen > STORE_KEY_MAX)
		return ST_NOT_FOUND;
	return tx(s, portal_revoke_body, &x);
}
