/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <string.h>

#include "core/clock.h"
#include "store/inbox.h"
#include "store/store_int.h"

enum stmt {
	Q_NOTIFY_INSERT,
	Q_NOTIFY_LIST,
	Q_NOTIFY_UNREAD,
	Q_NOTIFY_READ,
	Q_NOTIFY_READ_REQUEST,
	Q__MAX
};

const char *const store_inbox_sql[Q__MAX] = {
	[Q_NOTIFY_INSERT] =
	    "INSERT INTO notifications (recipient, request_id, message, at) "
	    "VALUES (?, ?, ?, ?)",
	[Q_NOTIFY_LIST] =
	    "SELECT id, message, at, read_at IS NOT NULL FROM notifications "
	    "WHERE recipient = ? ORDER BY id DESC LIMIT 100",
	[Q_NOTIFY_UNREAD] =
	    "SELECT COUNT(*) FROM notifications WHERE recipient = ? AND "
	    "read_at IS NULL",
	[Q_NOTIFY_READ] =
	    "UPDATE notifications SET read_at = COALESCE(read_at, ?) "
	    "WHERE recipient = ? AND id = ?",
	[Q_NOTIFY_READ_REQUEST] =
	    "UPDATE notifications SET read_at = ? WHERE recipient = ? AND "
	    "request_id = ? AND read_at IS NULL",
};
const size_t store_inbox_sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_INBOX, (q), (a), (n), (fn), (arg), (aff))

enum db_rc
inbox_put(struct store *s, const char *to, long long id, const char *text,
    long long now)
{
	struct db_arg	 a[4];

	a[0] = DB_CSTR(to);
	a[1] = DB_INT(id);
	a[2] = DB_CSTR(text);
	a[3] = DB_INT(now);
	return run(s, Q_NOTIFY_INSERT, a, 4, NULL, NULL, NULL);
}

enum db_rc
inbox_read_request(struct store *s, const char *to, long long id)
{
	struct db_arg	 a[3];

	a[0] = DB_INT(clock_wall_ms());
	a[1] = DB_CSTR(to);
	a[2] = DB_INT(id);
	return run(s, Q_NOTIFY_READ_REQUEST, a, 3, NULL, NULL, NULL);
}

enum store_rc
store_notifications_unread(struct store *s, const char *recipient,
    long long *unread)
{
	struct db_arg	 a = DB_CSTR(recipient);

	*unread = 0;
	return map(run(s, Q_NOTIFY_UNREAD, &a, 1, row_count, unread, NULL));
}

struct notify_ctx {
	void	(*fn)(void *, const struct notification_row *);
	void	*arg;
};

static int
row_notification(void *arg, const struct db_col *c, unsigned n)
{
	struct notify_ctx	*x = arg;
	struct notification_row	 row;

	(void)n;
	row.id = db_col_int(&c[0]);
	row.text = c[1].s;
	row.at_ms = db_col_int(&c[2]);
	row.read = db_col_int(&c[3]) == 1;
	x->fn(x->arg, &row);
	return 0;
}

enum store_rc
store_notifications(struct store *s, const char *recipient,
    void (*fn)(void *, const struct notification_row *), void *arg,
    long long *unread)
{
	struct notify_ctx	 x = { fn, arg };
	struct db_arg		 a = DB_CSTR(recipient);
	enum db_rc		 rc;

	*unread = 0;
	if ((rc = run(s, Q_NOTIFY_UNREAD, &a, 1, row_count, unread,
	    NULL)) != DB_OK)
		return map(rc);
	return map(run(s, Q_NOTIFY_LIST, &a, 1, row_notification, &x,
	    NULL));
}

enum store_rc
store_notifications_read(struct store *s, const char *recipient,
    const long long *ids, size_t n, long long *unread)
{
	struct db_arg	 a[3];
	enum db_rc	 rc;
	size_t		 i;

	a[0] = DB_INT(clock_wall_ms());
	a[1] = DB_CSTR(recipient);
	for (i = 0; i < n; i++) {
		a[2] = DB_INT(ids[i]);
		if ((rc = run(s, Q_NOTIFY_READ, a, 3, NULL, NULL,
		    NULL)) != DB_OK)
			return map(rc);
	}
	*unread = 0;
	return map(run(s, Q_NOTIFY_UNREAD, &a[1], 1, row_count,
	    unread, NULL));
}
