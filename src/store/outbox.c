/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "crypto/secret.h"
#include "store/outbox.h"
#include "store/store_int.h"

enum stmt {
	Q_OUTBOX_INSERT,
	Q_OUTBOX_DUE,
	Q_OUTBOX_CLAIM,
	Q_OUTBOX_SENT,
	Q_OUTBOX_RETRY,
	Q_OUTBOX_NEXT,
	Q__MAX
};

const char *const store_outbox_sql[Q__MAX] = {
	[Q_OUTBOX_INSERT] =
	    "INSERT INTO outbox (created_at, rcpt, subject, body, message_id, "
	    "next_at) VALUES (?, ?, ?, ?, ?, ?)",
	/* Other senders skip what one has locked (MariaDB 10.6, MySQL 8). */
	[Q_OUTBOX_DUE] =
	    "SELECT id, rcpt, subject, body, message_id, attempts FROM outbox "
	    "WHERE sent_at IS NULL AND next_at <= ? AND (claimed_until IS NULL "
	    "OR claimed_until < ?) ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED",
	/*
	 * The claim is the write, and holds only while the mail is still
	 * free: on a Galera cluster the locking read above locks on its
	 * own node only, so two senders on two nodes may both read a mail
	 * due; both then write its row, and the one certified second gets
	 * a deadlock (1213) and reads again.  A mail no longer free is not
	 * this sender's (0 rows).
	 */
	[Q_OUTBOX_CLAIM] =
	    "UPDATE outbox SET claimed_until = ? WHERE id = ? AND "
	    "sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)",
	[Q_OUTBOX_SENT] =
	    "UPDATE outbox SET sent_at = ?, claimed_until = NULL, "
	    "attempts = attempts + 1, last_error = NULL WHERE id = ?",
	[Q_OUTBOX_RETRY] =
	    "UPDATE outbox SET attempts = attempts + 1, next_at = ?, "
	    "claimed_until = NULL, last_error = LEFT(?, 255) WHERE id = ?",
	/* When the first mail not sent is due, or -1: none waits. */
	[Q_OUTBOX_NEXT] =
	    "SELECT COALESCE(MIN(GREATEST(next_at, COALESCE(claimed_until, "
	    "0))), -1) FROM outbox WHERE sent_at IS NULL",
};
const size_t store_outbox_sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_OUTBOX, (q), (a), (n), (fn), (arg), (aff))

/* The outbox's bell: a pipe, its read end the sender's. */
static int	 bell[2] = { -1, -1 };

int
store_outbox_bell_open(void)
{
	return pipe2(bell, O_NONBLOCK | O_CLOEXEC);
}

int
store_outbox_bell(void)
{
	return bell[0];
}

enum store_rc
ring(enum store_rc rc)
{
	ssize_t	 n;

	/* A full pipe has a ring in it already. */
	if (rc == ST_OK && bell[1] != -1)
		n = write(bell[1], "m", 1);
	(void)n;
	return rc;
}

enum db_rc
outbox_put(struct store *s, const char *rcpt, const char *subject,
    const char *body, long long now)
{
	struct db_arg	 a[6];
	char		 mid[128], uuid[SECRET_UUID_LEN + 1];
	const char	*domain = strchr(s->cfg->mail_from, '@');

	secret_uuid4(uuid);
	snprintf(mid, sizeof(mid), "<%s@%s>", uuid, domain != NULL &&
	    domain[1] != '\0' ? domain + 1 : "adminutil");
	a[0] = DB_INT(now);
	a[1] = DB_CSTR(rcpt);
	a[2] = DB_CSTR(subject);
	a[3] = DB_CSTR(body);
	a[4] = DB_CSTR(mid);
	a[5] = DB_INT(now);
	return run(s, Q_OUTBOX_INSERT, a, 6, NULL, NULL, NULL);
}

struct claim_ctx {
	long long	 now, lease;
	size_t		 n;
	struct mail_row	 rows[20];
	char		*text[20][4];
	int		 nomem;
};

static void
claim_free(struct claim_ctx *x)
{
	size_t	 i, j;

	for (i = 0; i < x->n; i++)
		for (j = 0; j < 4; j++)
			free(x->text[i][j]);
	x->n = 0;
}

static int
row_due(void *arg, const struct db_col *c, unsigned n)
{
	struct claim_ctx	*x = arg;
	struct mail_row		*m;
	size_t			 j;

	(void)n;
	if (x->n == 20)
		return 1;
	m = &x->rows[x->n];
	m->id = db_col_int(&c[0]);
	for (j = 0; j < 4; j++)
		if ((x->text[x->n][j] = strndup(c[j + 1].s, c[j + 1].len)) ==
		    NULL)
			x->nomem = 1;
	m->rcpt = x->text[x->n][0];
	m->subject = x->text[x->n][1];
	m->body = x->text[x->n][2];
	m->message_id = x->text[x->n][3];
	m->attempts = (int)db_col_int(&c[5]);
	x->n++;
	return x->nomem;
}

static enum db_rc
claim_body(struct store *s, void *arg, enum store_rc *out)
{
	struct claim_ctx	*x = arg;
	struct db_arg		 a[3];
	unsigned long long	 claimed;
	enum db_rc		 rc;
	size_t			 i, j, kept;

	claim_free(x);
	a[0] = a[1] = DB_INT(x->now);
	if ((rc = run(s, Q_OUTBOX_DUE, a, 2, row_due, x, NULL)) !=
	    DB_OK)
		return rc;
	if (x->nomem) {
		*out = ST_ERR;
		return DB_OK;
	}
	a[0] = DB_INT(x->now + x->lease);
	a[2] = DB_INT(x->now);
	for (i = 0, kept = 0; i < x->n; i++) {
		a[1] = DB_INT(x->rows[i].id);
		if ((rc = run(s, Q_OUTBOX_CLAIM, a, 3, NULL, NULL,
		    &claimed)) != DB_OK)
			return rc;
		if (claimed == 0) {
			for (j = 0; j < 4; j++) {
				free(x->text[i][j]);
				x->text[i][j] = NULL;
			}
			continue;
		}
		if (kept != i) {
			x->rows[kept] = x->rows[i];
			memcpy(x->text[kept], x->text[i], sizeof(x->text[i]));
			memset(x->text[i], 0, sizeof(x->text[i]));
		}
		kept++;
	}
	x->n = kept;
	return DB_OK;
}

enum store_rc
store_outbox_claim(struct store *s, long long now, long long lease,
    void (*fn)(void *, const struct mail_row *), void *arg)
{
	struct claim_ctx	*x;
	enum store_rc		 rc;
	size_t			 i;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return ST_ERR;
	x->now = now;
	x->lease = lease;
	if ((rc = tx(s, claim_body, x)) == ST_OK)
		for (i = 0; i < x->n; i++)
			fn(arg, &x->rows[i]);
	claim_free(x);
	free(x);
	return rc;
}

enum store_rc
store_outbox_done(struct store *s, long long id, long long now,
    const char *error, long long next)
{
	struct db_arg	 a[3];

	if (error == NULL) {
		a[0] = DB_INT(now);
		a[1] = DB_INT(id);
		return map(run(s, Q_OUTBOX_SENT, a, 2, NULL, NULL,
		    NULL));
	}
	a[0] = DB_INT(next);
	a[1] = DB_CSTR(error);
	a[2] = DB_INT(id);
	return map(run(s, Q_OUTBOX_RETRY, a, 3, NULL, NULL, NULL));
}

enum store_rc
store_outbox_next(struct store *s, long long *next)
{
	*next = -1;
	return map(run(s, Q_OUTBOX_NEXT, NULL, 0, row_count, next,
	    NULL));
}
