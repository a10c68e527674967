/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <string.h>

#include "store/feed.h"
#include "store/store_int.h"

enum stmt {
	Q_FEED_LAST,
	Q_FEED_ROWS,
	Q_FEED_KEYS,
	Q__MAX
};

const char *const store_feed_sql[Q__MAX] = {
	[Q_FEED_LAST] = "SELECT COALESCE(MAX(id), 0) FROM audit_log",
	/*
	 * The change only where the row's columns name nothing, or where
	 * one change of a consumer may add several keys (a state set).
	 */
	[Q_FEED_ROWS] =
	    "SELECT id, COALESCE(consumer, ''), COALESCE(`key`, ''), "
	    "IF((consumer IS NULL AND `key` IS NULL) OR action = "
	    "'ekstep.api.am.adminutil.consumer.state', `change`, NULL) "
	    "FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
	[Q_FEED_KEYS] =
	    "SELECT id, `key` FROM credentials WHERE revoked_at IS NULL "
	    "AND id > ? ORDER BY id LIMIT ?",
};
const size_t store_feed_sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_FEED, (q), (a), (n), (fn), (arg), (aff))

enum store_rc
store_feed_last(struct store *s, long long *id)
{
	*id = -1;
	return map(run(s, Q_FEED_LAST, NULL, 0, row_id, id, NULL));
}

struct rows_ctx {
	int	(*fn)(void *, const struct feed_row *);
	void	*arg;
};

static int
row_feed(void *arg, const struct db_col *c, unsigned n)
{
	struct rows_ctx	*x = arg;
	struct feed_row	 row;

	(void)n;
	row.id = db_col_int(&c[0]);
	row.consumer = c[1].s;
	row.clen = c[1].len;
	row.key = c[2].s;
	row.klen = c[2].len;
	row.change = col_str(&c[3]);
	return x->fn(x->arg, &row);
}

enum store_rc
store_feed_rows(struct store *s, long long after, long long limit,
    int (*fn)(void *, const struct feed_row *), void *arg)
{
	struct rows_ctx	 x = { fn, arg };
	struct db_arg	 a[2] = { DB_INT(after), DB_INT(limit) };

	return map(run(s, Q_FEED_ROWS, a, 2, row_feed, &x, NULL));
}

struct keys_ctx {
	void		(*fn)(void *, const char *, size_t);
	void		*arg;
	long long	*last;
	long long	 n;
};

static int
row_key(void *arg, const struct db_col *c, unsigned n)
{
	struct keys_ctx	*x = arg;

	(void)n;
	*x->last = db_col_int(&c[0]);
	x->n++;
	x->fn(x->arg, c[1].s, c[1].len);
	return 0;
}

enum store_rc
store_feed_keys(struct store *s, long long *after, long long limit,
    void (*fn)(void *, const char *, size_t), void *arg, long long *n)
{
	struct keys_ctx	 x = { fn, arg, after, 0 };
	struct db_arg	 a[2] = { DB_INT(*after), DB_INT(limit) };
	enum store_rc	 rc;

	rc = map(run(s, Q_FEED_KEYS, a, 2, row_key, &x, NULL));
	*n = x.n;
	return rc;
}
