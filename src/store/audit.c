/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <string.h>

#include "store/audit.h"
#include "store/store_int.h"

enum stmt {
	Q_AUDIT_COUNT,
	Q_AUDIT_PAGE,
	Q__MAX
};

const char *const store_audit_sql[Q__MAX] = {
#define AUDIT_WHERE \
	    "WHERE (? = '' OR consumer = ?) AND (? = '' OR actor = ?) " \
	    "AND id > ? "
	[Q_AUDIT_COUNT] = "SELECT COUNT(*) FROM audit_log " AUDIT_WHERE,
	[Q_AUDIT_PAGE] =
	    "SELECT id, at, actor_kind, actor, actor_key, remote_addr, "
	    "action, consumer, `key`, `change`, resmsgid FROM audit_log "
	    AUDIT_WHERE "ORDER BY id DESC LIMIT ? OFFSET ?",
#undef AUDIT_WHERE
};
const size_t store_audit_sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_AUDIT, (q), (a), (n), (fn), (arg), (aff))

struct audit_ctx {
	void	(*fn)(void *, const struct audit_row *);
	void	*arg;
};

static int
row_audit(void *arg, const struct db_col *c, unsigned n)
{
	struct audit_ctx	*x = arg;
	struct audit_row	 row;

	(void)n;
	row.id = db_col_int(&c[0]);
	row.at_ms = db_col_int(&c[1]);
	row.actor_kind = c[2].s;
	row.actor = col_str(&c[3]);
	row.actor_key = col_str(&c[4]);
	row.remote_addr = col_str(&c[5]);
	row.action = c[6].s;
	row.consumer = col_str(&c[7]);
	row.key = col_str(&c[8]);
	row.change = c[9].s;
	row.resmsgid = c[10].s;
	x->fn(x->arg, &row);
	return 0;
}

enum store_rc
store_audit_list(struct store *s, const char *consumer, size_t clen,
    const char *actor, size_t alen, long long since_id, long long offset,
    long long limit, void (*fn)(void *, const struct audit_row *),
    void *arg, long long *total)
{
	struct audit_ctx	 x = { fn, arg };
	struct db_arg		 a[7];
	enum db_rc		 rc;

	a[0] = DB_STR(consumer, clen);
	a[1] = DB_STR(consumer, clen);
	a[2] = DB_STR(actor, alen);
	a[3] = DB_STR(actor, alen);
	a[4] = DB_INT(since_id);
	*total = 0;
	if ((rc = run(s, Q_AUDIT_COUNT, a, 5, row_count, total,
	    NULL)) != DB_OK)
		return map(rc);
	a[5] = DB_INT(limit);
	a[6] = DB_INT(offset);
	return map(run(s, Q_AUDIT_PAGE, a, 7, row_audit, &x, NULL));
}
