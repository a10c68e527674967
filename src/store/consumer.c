/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "core/keyfilter.h"
#include "core/strlist.h"
#include "core/validate.h"
#include "store/consumer.h"
#include "store/store_int.h"

#define LIKE_MAX	 (2 * STORE_KEY_MAX + 2)
/* A consumer's own limits, by enum rl_window (schema/011). */
#define LIMIT_COLS	 "c.limit_second, c.limit_minute, c.limit_hour, " \
			 "c.limit_day"

enum stmt {
	Q_CONSUMER_UPSERT,
	Q_CONSUMER_DELETE,
	Q_GROUP_INSERT,
	Q_GROUP_DELETE_ALL,
	Q_GROUPS_OF_USER,
	Q_CONSUMER_COUNT,
	Q_CONSUMER_PAGE,
	Q_CONSUMER_KEYS,
	Q_LIMITS_OF_ID,
	Q_LIMITS_SET,
	Q__MAX
};

const char *const store_consumer_sql[Q__MAX] = {
	[Q_CONSUMER_UPSERT] =
	    "INSERT INTO consumers (username) VALUES (?) "
	    "ON DUPLICATE KEY UPDATE id = id",
	[Q_CONSUMER_DELETE] =
	    "DELETE FROM consumers WHERE username = ?",
	[Q_GROUP_INSERT] =
	    "INSERT INTO consumer_groups (consumer_id, group_name, position) "
	    "VALUES (?, ?, ?)",
	[Q_GROUP_DELETE_ALL] =
	    "DELETE FROM consumer_groups WHERE consumer_id = ?",
	[Q_GROUPS_OF_USER] =
	    "SELECT c.id, g.group_name, " LIMIT_COLS " FROM consumers c "
	    "LEFT JOIN consumer_groups g ON g.consumer_id = c.id "
	    "WHERE c.username = ? ORDER BY g.position",
	[Q_CONSUMER_COUNT] =
	    "SELECT COUNT(*) FROM consumers WHERE username LIKE ?",
	[Q_CONSUMER_PAGE] =
	    "SELECT c.username, GROUP_CONCAT(g.group_name ORDER BY g.position "
	    "SEPARATOR ','), " LIMIT_COLS " FROM consumers c "
	    "LEFT JOIN consumer_groups g ON g.consumer_id = c.id "
	    "WHERE c.username LIKE ? GROUP BY c.id, c.username, "
	    LIMIT_COLS " "
	    "ORDER BY c.username LIMIT ? OFFSET ?",
	[Q_CONSUMER_KEYS] =
	    "SELECT `key` FROM credentials WHERE consumer_id = ? ORDER BY id",
	[Q_LIMITS_OF_ID] =
	    "SELECT " LIMIT_COLS " FROM consumers c WHERE c.id = ?",
	/* 0: none of its own (NULL), the rule's limit holds. */
	[Q_LIMITS_SET] =
	    "UPDATE consumers SET limit_second = NULLIF(?, 0), "
	    "limit_minute = NULLIF(?, 0), limit_hour = NULLIF(?, 0), "
	    "limit_day = NULLIF(?, 0) WHERE id = ?",
};
const size_t store_consumer_sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_CONSUMER, (q), (a), (n), (fn), (arg), (aff))

/* The limits of LIMIT_COLS from c[0] on into out (NULL: 0). */
static void
limits_of_cols(const struct db_col *c, uint64_t out[RL_NWINDOWS])
{
	long long	 v;
	size_t		 w;

	for (w = 0; w < RL_NWINDOWS; w++)
		out[w] = (v = db_col_int(&c[w])) > 0 ? (uint64_t)v : 0;
}

/* create */

struct create_ctx {
	const struct actor	*act;
	const char		*user, *group;
	size_t			 ulen;
	struct credential	*out;
};

static enum db_rc
create_body(struct store *s, void *arg, enum store_rc *out)
{
	struct create_ctx	*x = arg;
	struct credential	*cr = x->out;
	struct strlist		 before = { 0 }, after = { 0 };
	struct db_arg		 a[1];
	unsigned long long	 made = 0;
	enum db_rc		 rc;
	long long		 id;

	a[0] = DB_STR(x->user, x->ulen);
	if ((rc = run(s, Q_CONSUMER_UPSERT, a, 1, NULL, NULL,
	    NULL)) != DB_OK)
		return rc;
	/* The id the insert made: a new consumer (0: it was there). */
	made = db_insert_id(s->db);
	if ((rc = lock_consumer(s, x->user, x->ulen, &id)) != DB_OK)
		return rc;
	if (id < 0) {
		*out = ST_ERR;
		return DB_OK;
	}
	if ((rc = groups_of_id(s, id, &before)) != DB_OK ||
	    (rc = group_add(s, id, x->group, strlen(x->group))) != DB_OK ||
	    (rc = groups_sync(s, id)) != DB_OK ||
	    (rc = groups_of_id(s, id, &after)) != DB_OK ||
	    (rc = first_secret(s, id, cr, out)) != DB_OK || *out != ST_OK ||
	    (rc = hide_owned(s, id, cr)) != DB_OK)
		goto out;
	rc = audit(s, x->act, x->user, x->ulen, cr->key, strlen(cr->key),
	    change_of("created", json_object_new_boolean(made > 0),
	    "groups_before", strlist_json(&before),
	    "groups_after", strlist_json(&after),
	    "credential_issued", json_object_new_boolean(cr->issued),
	    (char *)NULL));
out:
	strlist_free(&before);
	strlist_free(&after);
	return rc;
}

enum store_rc
store_consumer_create(struct store *s, const struct actor *act,
    const char *user, size_t ulen, const char *group, struct credential *out)
{
	struct create_ctx	 x = { act, user, group, ulen, out };
	enum store_rc		 rc;

	/* This host's key filter knows the key before its holder does. */
	if ((rc = tx(s, create_body, &x)) == ST_OK)
		keyfilter_add(out->key, strlen(out->key));
	return rc;
}

/* groups */

struct groups_ctx {
	const struct actor	*act;
	const char		*user;
	size_t			 ulen;
	const struct strlist	*list;
	struct strlist		*out;
	int			 remove;
};

enum db_rc
groups_write(struct store *s, long long id, const struct strlist *list,
    int remove, struct strlist *before, struct strlist *after,
    json_object **w, enum store_rc *out)
{
	struct db_arg		 a[3];
	enum db_rc		 rc;
	size_t			 i;

	*w = NULL;
	a[0] = DB_INT(id);
	if ((rc = groups_of_id(s, id, before)) != DB_OK || (!remove &&
	    (rc = run(s, Q_GROUP_DELETE_ALL, a, 1, NULL, NULL,
	    NULL)) != DB_OK))
		return rc;
	for (i = 0; i < list->n; i++) {
		a[1] = DB_STR(list->v[i], list->len[i]);
		a[2] = DB_INT((long long)i);
		if (remove)
			rc = group_drop(s, id, list->v[i], list->len[i]);
		else
			rc = run(s, Q_GROUP_INSERT, a, 3, NULL, NULL, NULL);
		if (rc != DB_OK)
			return rc;
	}
	if ((rc = groups_sync(s, id)) != DB_OK ||
	    (rc = groups_of_id(s, id, after)) != DB_OK)
		return rc;
	/* An admin who stops being one: is another left? */
	if (admin_in(s, before) && !admin_in(s, after) &&
	    ((rc = admin_left(s, out)) != DB_OK || *out != ST_OK))
		return rc;
	return withdraw_taken(s, id, before, after, w);
}

/*
 * The audit row of an admin's change to consumer user (change taken),
 * with what it withdrew from the portal's developers (*w, taken too).
 */
static enum db_rc
audit_withdrawn(struct store *s, const struct actor *act, const char *user,
    size_t ulen, json_object *change, json_object **w)
{
	if (change != NULL && *w != NULL) {
		json_object_object_add(change, "withdrawn", *w);
		*w = NULL;
	}
	return audit(s, act, user, ulen, NULL, 0, change);
}

static enum db_rc
groups_body(struct store *s, void *arg, enum store_rc *out)
{
	struct groups_ctx	*x = arg;
	struct strlist		 before = { 0 };
	json_object		*w = NULL;
	enum db_rc		 rc;
	long long		 id;

	if ((rc = lock_existing(s, x->user, x->ulen, &id, out)) != DB_OK ||
	    id < 0)
		return rc;
	if ((rc = groups_write(s, id, x->list, x->remove, &before, x->out,
	    &w, out)) != DB_OK || *out != ST_OK)
		goto out;
	rc = audit_withdrawn(s, x->act, x->user, x->ulen,
	    change_of("groups_before", strlist_json(&before), "groups_after",
	    strlist_json(x->out), (char *)NULL), &w);
out:
	json_object_put(w);
	strlist_free(&before);
	return rc;
}

enum store_rc
store_groups_set(struct store *s, const struct actor *act, const char *user,
    size_t ulen, const struct strlist *list, struct strlist *out)
{
	struct groups_ctx	 x = { act, user, ulen, list, out, 0 };

	return tx(s, groups_body, &x);
}

enum store_rc
store_groups_remove(struct store *s, const struct actor *act,
    const char *user, size_t ulen, const struct strlist *list,
    struct strlist *out)
{
	struct groups_ctx	 x = { act, user, ulen, list, out, 1 };

	return tx(s, groups_body, &x);
}

struct read_ctx {
	struct strlist	*out;
	uint64_t	*limits;
	int		 found;
	int		 nomem;
};

static int
row_user_group(void *arg, const struct db_col *c, unsigned n)
{
	struct read_ctx	*x = arg;

	(void)n;
	x->found = 1;
	limits_of_cols(&c[2], x->limits);
	if (!c[1].null && strlist_add(x->out, c[1].s, c[1].len) == -1) {
		x->nomem = 1;
		return 1;
	}
	return 0;
}

enum store_rc
store_consumer_get(struct store *s, const char *user, size_t ulen,
    struct strlist *out, uint64_t limits[RL_NWINDOWS])
{
	struct read_ctx	 x = { out, limits, 0, 0 };
	struct db_arg	 a = DB_STR(user, ulen);
	enum db_rc	 rc;

	rc = run(s, Q_GROUPS_OF_USER, &a, 1, row_user_group, &x, NULL);
	if (rc != DB_OK || x.nomem)
		return x.nomem ? ST_ERR : map(rc);
	return x.found ? ST_OK : ST_NOT_FOUND;
}

struct delete_ctx {
	const struct actor	*act;
	const char		*user;
	size_t			 ulen;
};

enum db_rc
consumer_drop(struct store *s, long long id, const char *user, size_t ulen,
    struct strlist *groups, struct strlist *keys, json_object **w,
    enum store_rc *out)
{
	struct db_arg		 a;
	enum db_rc		 rc;

	*w = NULL;
	a = DB_INT(id);
	if ((rc = groups_of_id(s, id, groups)) != DB_OK ||
	    (rc = run(s, Q_CONSUMER_KEYS, &a, 1, row_group, keys,
	    NULL)) != DB_OK ||
	    (rc = withdraw_taken(s, id, groups, NULL, w)) != DB_OK)
		return rc;
	/* The foreign keys take groups and credentials. */
	a = DB_STR(user, ulen);
	if ((rc = run(s, Q_CONSUMER_DELETE, &a, 1, NULL, NULL,
	    NULL)) != DB_OK || !admin_in(s, groups))
		return rc;
	return admin_left(s, out);
}

static enum db_rc
delete_body(struct store *s, void *arg, enum store_rc *out)
{
	struct delete_ctx	*x = arg;
	struct strlist		 groups = { 0 }, keys = { 0 };
	json_object		*w = NULL;
	enum db_rc		 rc;
	long long		 id;

	if ((rc = lock_existing(s, x->user, x->ulen, &id, out)) != DB_OK ||
	    id < 0)
		return rc;
	if ((rc = consumer_drop(s, id, x->user, x->ulen, &groups, &keys, &w,
	    out)) != DB_OK || *out != ST_OK)
		goto out;
	rc = audit_withdrawn(s, x->act, x->user, x->ulen,
	    change_of("groups_before", strlist_json(&groups), "credentials",
	    strlist_json(&keys), (char *)NULL), &w);
out:
	json_object_put(w);
	strlist_free(&groups);
	strlist_free(&keys);
	return rc;
}

enum store_rc
store_consumer_delete(struct store *s, const struct actor *act,
    const char *user, size_t ulen)
{
	struct delete_ctx	 x = { act, user, ulen };

	return tx(s, delete_body, &x);
}

/* limits */

struct limits_ctx {
	const struct actor	*act;
	const char		*user;
	size_t			 ulen;
	const uint64_t		*limits;
	uint64_t		*out;
};

static int
row_limits(void *arg, const struct db_col *c, unsigned n)
{
	(void)n;
	limits_of_cols(c, arg);
	return 1;
}

enum db_rc
limits_write(struct store *s, long long id, const uint64_t want[RL_NWINDOWS],
    uint64_t before[RL_NWINDOWS], uint64_t after[RL_NWINDOWS])
{
	struct db_arg		 a[RL_NWINDOWS + 1];
	enum db_rc		 rc;
	size_t			 w;

	memset(before, 0, RL_NWINDOWS * sizeof(*before));
	a[0] = DB_INT(id);
	if ((rc = run(s, Q_LIMITS_OF_ID, a, 1, row_limits, before,
	    NULL)) != DB_OK)
		return rc;
	for (w = 0; w < RL_NWINDOWS; w++)
		a[w] = DB_INT((long long)want[w]);
	a[RL_NWINDOWS] = DB_INT(id);
	if ((rc = run(s, Q_LIMITS_SET, a, RL_NWINDOWS + 1, NULL, NULL,
	    NULL)) != DB_OK)
		return rc;
	return run(s, Q_LIMITS_OF_ID, a + RL_NWINDOWS, 1, row_limits, after,
	    NULL);
}

static enum db_rc
limits_body(struct store *s, void *arg, enum store_rc *out)
{
	struct limits_ctx	*x = arg;
	uint64_t		 before[RL_NWINDOWS];
	enum db_rc		 rc;
	long long		 id;

	if ((rc = lock_existing(s, x->user, x->ulen, &id, out)) != DB_OK ||
	    id < 0)
		return rc;
	if ((rc = limits_write(s, id, x->limits, before, x->out)) != DB_OK)
		return rc;
	/*
	 * The row names the consumer: the change feed tells every host to
	 * read its credentials again, with these limits (proc/feed.c).
	 */
	return audit(s, x->act, x->user, x->ulen, NULL, 0,
	    change_of("limits_before", validate_limits_json(before),
	    "limits_after", validate_limits_json(x->out), (char *)NULL));
}

enum store_rc
store_limits_set(struct store *s, const struct actor *act, const char *user,
    size_t ulen, const uint64_t limits[RL_NWINDOWS],
    uint64_t out[RL_NWINDOWS])
{
	struct limits_ctx	 x = { act, user, ulen, limits, out };

	memset(out, 0, RL_NWINDOWS * sizeof(*out));
	return tx(s, limits_body, &x);
}

/* list */

struct list_ctx {
	void	(*fn)(void *, const struct consumer_row *);
	void	*arg;
	int	 nomem;
};

static int
row_consumer(void *arg, const struct db_col *c, unsigned n)
{
	struct list_ctx		*x = arg;
	struct strlist		 groups = { 0 };
	struct consumer_row	 row;
	uint64_t		 limits[RL_NWINDOWS];
	const char		*p, *e, *end;

	(void)n;
	if (!c[1].null) {
		end = c[1].s + c[1].len;
		for (p = c[1].s; p < end; p = e + 1) {
			if ((e = memchr(p, ',', (size_t)(end - p))) == NULL)
				e = end;
			if (strlist_add(&groups, p, (size_t)(e - p)) == -1) {
				x->nomem = 1;
				strlist_free(&groups);
				return 1;
			}
		}
	}
	row.username = c[0].s;
	row.ulen = c[0].len;
	row.groups = &groups;
	limits_of_cols(&c[2], limits);
	row.limits = limits;
	x->fn(x->arg, &row);
	strlist_free(&groups);
	return 0;
}

enum store_rc
store_consumer_list(struct store *s, const char *prefix, size_t plen,
    long long offset, long long limit,
    void (*fn)(void *, const struct consumer_row *), void *arg,
    long long *total)
{
	char		 like[LIKE_MAX + 1];
	size_t		 i, o = 0;
	struct db_arg	 a[3];
	struct list_ctx	 x = { fn, arg, 0 };
	enum db_rc	 rc;

	if (plen > STORE_KEY_MAX)
		return ST_ERR;
	for (i = 0; i < plen; i++) {
		if (prefix[i] == '%' || prefix[i] == '_' || prefix[i] == '\\')
			like[o++] = '\\';
		like[o++] = prefix[i];
	}
	like[o++] = '%';
	a[0] = DB_STR(like, o);
	*total = 0;
	if ((rc = run(s, Q_CONSUMER_COUNT, a, 1, row_count, total,
	    NULL)) != DB_OK)
		return map(rc);
	a[1] = DB_INT(limit);
	a[2] = DB_INT(offset);
	rc = run(s, Q_CONSUMER_PAGE, a, 3, row_consumer, &x, NULL);
	return x.nomem ? ST_ERR : map(rc);
}
