/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/strlist.h"
#include "crypto/seal.h"
#include "crypto/secret.h"
#include "store/db.h"
#include "store/store_int.h"

/*
 * A transaction is run again from BEGIN after a deadlock (1213, also a
 * Galera certification failure), a duplicate key raced in by another
 * writer, or a connection lost mid-way: at once the first time, then
 * after a pause of TX_PAUSE_MIN_MS doubling to TX_PAUSE_MAX_MS, while
 * TX_BUDGET_MS is not over.  8 s outlasts a cluster's failover, which
 * stops writes everywhere for 5-6 s until the lost node is evicted.  A
 * duplicate key is raced in once, not for seconds: TX_DUP_TRIES.  On
 * one server, a lost connection is tried once again, as there is no
 * other node to go to.
 */
#define TX_BUDGET_MS	 8000
#define TX_PAUSE_MIN_MS	 50
#define TX_PAUSE_MAX_MS	 1000
#define TX_DUP_TRIES	 3

enum stmt {
	Q_CONSUMER_LOCK,
	Q_CONSUMER_OWNER,
	Q_GROUP_ADD_LAST,
	Q_GROUP_DELETE_ONE,
	Q_GROUPS_SYNC,
	Q_GROUPS_OF_ID,
	Q_PING,
	Q_ADMIN_GUARD,
	Q_ADMIN_LEFT,
	Q_OWNER_TURN,
	Q_AUDIT_SEQ,
	Q_AUDIT_INSERT,
	Q__MAX
};

static const char *const sql[Q__MAX] = {
	[Q_CONSUMER_LOCK] =
	    "SELECT id FROM consumers WHERE username = ? FOR UPDATE",
	[Q_CONSUMER_OWNER] =
	    "SELECT COALESCE(owner, '') FROM consumers WHERE id = ?",
	[Q_GROUP_ADD_LAST] =
	    "INSERT IGNORE INTO consumer_groups (consumer_id, group_name, "
	    "position) SELECT ?, ?, COALESCE(MAX(position) + 1, 0) "
	    "FROM consumer_groups WHERE consumer_id = ?",
	[Q_GROUP_DELETE_ONE] =
	    "DELETE FROM consumer_groups WHERE consumer_id = ? AND "
	    "group_name = ?",
	[Q_GROUPS_SYNC] =
	    "UPDATE consumers SET group_list = COALESCE((SELECT "
	    "GROUP_CONCAT(group_name ORDER BY position SEPARATOR ',') "
	    "FROM consumer_groups WHERE consumer_id = ?), '') WHERE id = ?",
	[Q_GROUPS_OF_ID] =
	    "SELECT group_name FROM consumer_groups WHERE consumer_id = ? "
	    "ORDER BY position",
	[Q_PING] = "SELECT 1",
	/*
	 * The row every change that may take an admin away writes
	 * (schema/010): on a Galera cluster, where the locking read below
	 * locks on its own node only, two such changes on two nodes
	 * conflict, and the one certified second runs again.  Made here
	 * should the migration's row be gone.
	 */
	[Q_ADMIN_GUARD] =
	    "INSERT INTO guards (name, turn) VALUES ('admins', 1) "
	    "ON DUPLICATE KEY UPDATE turn = turn + 1",
	/*
	 * Is an admin left, one who can still sign?  A locking read: it
	 * reads the last committed rows, and on one server two changes
	 * that each take one of the last two admins away cannot both see
	 * the other's admin still there.
	 */
	[Q_ADMIN_LEFT] =
	    "SELECT 1 FROM consumer_groups g JOIN credentials r "
	    "ON r.consumer_id = g.consumer_id AND r.revoked_at IS NULL "
	    "WHERE g.group_name IN (?, ?, ?, ?, ?, ?, ?, ?) "
	    "LIMIT 1 LOCK IN SHARE MODE",
	/*
	 * The owner's row, written by each change of its generations' caps
	 * or of what it is entitled to, so that two on two nodes conflict
	 * (schema/010).  No row: it made no request, and is entitled to
	 * nothing.
	 */
	[Q_OWNER_TURN] =
	    "UPDATE portal_owners SET turn = turn + 1 WHERE owner = ?",
	/* The audit id: the last lock a change takes (schema/004). */
	[Q_AUDIT_SEQ] =
	    "UPDATE audit_seq SET id = LAST_INSERT_ID(id + 1) WHERE one = 1",
	[Q_AUDIT_INSERT] =
	    "INSERT INTO audit_log (id, at, actor_kind, actor, actor_key, "
	    "remote_addr, action, consumer, `key`, `change`, resmsgid) "
	    "VALUES (LAST_INSERT_ID(), ?, ?, NULLIF(?, ''), NULLIF(?, ''), "
	    "NULLIF(?, ''), ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?)",
};
static const size_t sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_STORE, (q), (a), (n), (fn), (arg), (aff))

/* Every domain's table, in the order of enum store_domain. */
static const struct {
	const char *const	*sql;
	const size_t		*n;
} domains[SD__MAX] = {
	[SD_STORE] = { sql, &sql_n },
	[SD_CONSUMER] = { store_consumer_sql, &store_consumer_sql_n },
	[SD_CREDENTIAL] = { store_credential_sql, &store_credential_sql_n },
	[SD_SECRETS] = { store_secrets_sql, &store_secrets_sql_n },
	[SD_AUDIT] = { store_audit_sql, &store_audit_sql_n },
	[SD_ACCESS] = { store_access_sql, &store_access_sql_n },
	[SD_OWNED] = { store_owned_sql, &store_owned_sql_n },
	[SD_INBOX] = { store_inbox_sql, &store_inbox_sql_n },
	[SD_OUTBOX] = { store_outbox_sql, &store_outbox_sql_n },
	[SD_FEED] = { store_feed_sql, &store_feed_sql_n },
	[SD_STATE] = { store_state_sql, &store_state_sql_n },
};

/* store */

struct store *
store_new(const struct config *cfg)
{
	struct store	*s;
	size_t		 i, j, n;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cfg = cfg;
	for (i = 0, n = 0; i < SD__MAX; i++)
		n += *domains[i].n;
	if ((s->sql = calloc(n, sizeof(*s->sql))) == NULL) {
		free(s);
		return NULL;
	}
	for (i = 0, n = 0; i < SD__MAX; i++) {
		s->base[i] = n;
		for (j = 0; j < *domains[i].n; j++)
			s->sql[n++] = domains[i].sql[j];
	}
	if ((s->db = db_new(cfg, s->sql, n, 0)) == NULL) {
		free(s->sql);
		free(s);
		return NULL;
	}
	return s;
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	db_free(s->db);
	free(s->sql);
	free(s);
}

enum db_rc
store_run(struct store *s, enum store_domain d, unsigned q,
    const struct db_arg *a, size_t n, db_row_fn fn, void *arg,
    unsigned long long *affected)
{
	return db_exec(s->db, s->base[d] + q, a, n, fn, arg, affected);
}

enum store_rc
map(enum db_rc rc)
{
	switch (rc) {
	case DB_OK:
		return ST_OK;
	case DB_DOWN:
		return ST_DOWN;
	case DB_BUSY:
		return ST_BUSY;
	case DB_UNSURE:
		return ST_UNSURE;
	default:
		return ST_ERR;
	}
}

enum store_rc
store_ping(struct store *s)
{
	return map(run(s, Q_PING, NULL, 0, NULL, NULL, NULL));
}

enum store_rc
store_node(struct store *s, struct db_node_info *out)
{
	return map(db_node(s->db, out));
}

/* 1 when a transaction that ended rc on try i (from 0) may run again. */
static int
tx_again(const struct store *s, enum db_rc rc, int i)
{
	switch (rc) {
	case DB_RETRY:
		return 1;
	case DB_DUP:
		return i + 1 < TX_DUP_TRIES;
	case DB_DOWN:
		return i == 0 || db_nodes(s->db) > 1;
	default:
		return 0;
	}
}

static void
tx_pause(long long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1)
		;
}

enum store_rc
tx(struct store *s, tx_fn body, void *arg)
{
	enum store_rc	 out = ST_ERR;
	enum db_rc	 rc = DB_ERR;
	long long	 end = clock_mono_ms() + TX_BUDGET_MS;
	long long	 pause = 0;
	int		 i;

	/*
	 * Each run is from BEGIN: a body writes only to the database and
	 * to its own context, which it fills again each run (the outbox's
	 * bell rings after tx() returns, once committed).
	 */
	for (i = 0;; i++) {
		out = ST_OK;
		if ((rc = db_begin(s->db)) == DB_OK) {
			rc = body(s, arg, &out);
			if (rc == DB_OK && out == ST_OK)
				rc = db_commit(s->db);
			else
				db_rollback(s->db);
		}
		if (!tx_again(s, rc, i) || clock_mono_ms() + pause > end)
			break;
		if (pause > 0)
			tx_pause(pause);
		pause = pause == 0 ? TX_PAUSE_MIN_MS : pause * 2 >
		    TX_PAUSE_MAX_MS ? TX_PAUSE_MAX_MS : pause * 2;
	}
	/* Deadlocks each time: as busy as a lock waited for too long. */
	if (rc == DB_RETRY)
		rc = DB_BUSY;
	if (rc != DB_OK)
		return map(rc == DB_DUP ? DB_ERR : rc);
	return out;
}

int
row_id(void *arg, const struct db_col *c, unsigned n)
{
	long long	*id = arg;

	*id = n >= 1 ? db_col_int(&c[0]) : -1;
	return 1;
}

int
row_name(void *arg, const struct db_col *c, unsigned n)
{
	char	*name = arg;

	(void)n;
	snprintf(name, STORE_KEY_MAX + 1, "%s", c[0].s);
	return 1;
}

enum db_rc
owner_of(struct store *s, long long id, char owner[STORE_KEY_MAX + 1])
{
	struct db_arg	 a = DB_INT(id);

	owner[0] = '\0';
	return run(s, Q_CONSUMER_OWNER, &a, 1, row_name, owner, NULL);
}

enum db_rc
hide_owned(struct store *s, long long id, struct credential *cr)
{
	char		 owner[STORE_KEY_MAX + 1];
	enum db_rc	 rc;

	if (cr->issued)
		return DB_OK;
	if ((rc = owner_of(s, id, owner)) != DB_OK)
		return rc;
	if (owner[0] != '\0') {
		explicit_bzero(cr->secret, sizeof(cr->secret));
		cr->owned = 1;
	}
	return DB_OK;
}

enum db_rc
lock_consumer(struct store *s, const char *user, size_t ulen, long long *id)
{
	struct db_arg	 a = DB_STR(user, ulen);

	*id = -1;
	return run(s, Q_CONSUMER_LOCK, &a, 1, row_id, id, NULL);
}

enum db_rc
lock_existing(struct store *s, const char *user, size_t ulen, long long *id,
    enum store_rc *out)
{
	enum db_rc	 rc;

	if ((rc = lock_consumer(s, user, ulen, id)) == DB_OK && *id < 0)
		*out = ST_NOT_FOUND;
	return rc;
}

int
row_group(void *arg, const struct db_col *c, unsigned n)
{
	struct strlist	*l = arg;

	(void)n;
	return strlist_add(l, c[0].s, c[0].len) == -1;
}

enum db_rc
groups_of_id(struct store *s, long long id, struct strlist *out)
{
	struct db_arg	 a = DB_INT(id);

	strlist_free(out);
	return run(s, Q_GROUPS_OF_ID, &a, 1, row_group, out, NULL);
}

enum db_rc
groups_sync(struct store *s, long long id)
{
	struct db_arg	 a[2] = { DB_INT(id), DB_INT(id) };

	return run(s, Q_GROUPS_SYNC, a, 2, NULL, NULL, NULL);
}

enum db_rc
group_add(struct store *s, long long id, const char *name, size_t len)
{
	struct db_arg	 a[3] = { DB_INT(id), DB_STR(name, len), DB_INT(id) };

	return run(s, Q_GROUP_ADD_LAST, a, 3, NULL, NULL, NULL);
}

enum db_rc
group_drop(struct store *s, long long id, const char *name, size_t len)
{
	struct db_arg	 a[2] = { DB_INT(id), DB_STR(name, len) };

	return run(s, Q_GROUP_DELETE_ONE, a, 2, NULL, NULL, NULL);
}

int
row_count(void *arg, const struct db_col *c, unsigned n)
{
	long long	*total = arg;

	(void)n;
	*total = db_col_int(&c[0]);
	return 1;
}

const char *
col_str(const struct db_col *c)
{
	return c->null ? NULL : c->s;
}

/* audit */

enum db_rc
audit(struct store *s, const struct actor *act, const char *consumer,
    size_t clen, const char *key, size_t klen, json_object *change)
{
	struct db_arg	 a[10];
	const char	*text;
	size_t		 len;
	enum db_rc	 rc = DB_ERR;

	if (change == NULL || (text = json_object_to_json_string_length(
	    change, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
	    &len)) == NULL)
		goto out;
	if ((rc = run(s, Q_AUDIT_SEQ, NULL, 0, NULL, NULL, NULL)) !=
	    DB_OK)
		goto out;
	a[0] = DB_INT(clock_wall_ms());
	a[1] = DB_CSTR(act->kind);
	a[2] = DB_CSTR(act->consumer != NULL ? act->consumer : "");
	a[3] = DB_CSTR(act->key != NULL ? act->key : "");
	a[4] = DB_CSTR(act->remote_addr != NULL ? act->remote_addr : "");
	a[5] = DB_CSTR(act->action);
	a[6] = DB_STR(consumer != NULL ? consumer : "", clen);
	a[7] = DB_STR(key != NULL ? key : "", klen);
	a[8] = DB_STR(text, len);
	a[9] = DB_CSTR(act->resmsgid);
	rc = run(s, Q_AUDIT_INSERT, a, 10, NULL, NULL, NULL);
out:
	json_object_put(change);
	return rc;
}

json_object *
change_of(const char *name, ...)
{
	json_object	*o, *v;
	va_list		 ap;
	int		 bad = 0;

	o = json_object_new_object();
	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *)) {
		v = va_arg(ap, json_object *);
		if (o == NULL || json_object_object_add(o, name, v) != 0) {
			json_object_put(v);
			bad = 1;
		}
	}
	va_end(ap);
	if (bad) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * The names of admin_groups (the first STORE_ADMIN_GROUPS) into a, the
 * rest of a filled with the first; how many.
 */
static size_t
admin_names(const struct store *s, struct db_arg a[STORE_ADMIN_GROUPS])
{
	const char	*list = s->cfg->admin_groups, *p;
	size_t		 n = 0, i, len;

	while (n < STORE_ADMIN_GROUPS && (p = words_next(&list, &len)) != NULL)
		a[n++] = DB_STR(p, len);
	for (i = n; i < STORE_ADMIN_GROUPS && n > 0; i++)
		a[i] = a[0];
	return n;
}

int
admin_in(const struct store *s, const struct strlist *list)
{
	struct db_arg	 a[STORE_ADMIN_GROUPS];
	size_t		 n, i;

	n = admin_names(s, a);
	for (i = 0; i < n; i++)
		if (strlist_has(list, a[i].s, a[i].len))
			return 1;
	return 0;
}

enum db_rc
admin_left(struct store *s, enum store_rc *out)
{
	struct db_arg	 a[STORE_ADMIN_GROUPS];
	long long	 found = -1;
	enum db_rc	 rc;

	if (strcmp(s->cfg->admin_auth, "jwt") != 0 || admin_names(s, a) == 0)
		return DB_OK;
	if ((rc = run(s, Q_ADMIN_GUARD, NULL, 0, NULL, NULL, NULL)) != DB_OK)
		return rc;
	rc = run(s, Q_ADMIN_LEFT, a, STORE_ADMIN_GROUPS, row_id,
	    &found, NULL);
	if (rc == DB_OK && found < 0)
		*out = ST_LAST_ADMIN;
	return rc;
}

enum db_rc
owner_turn(struct store *s, const char *owner)
{
	struct db_arg	 a = DB_CSTR(owner);

	return run(s, Q_OWNER_TURN, &a, 1, NULL, NULL, NULL);
}

/* secrets at rest */

int
secret_from_row(const char *key, const struct db_col *text,
    const struct db_col *kid, char *out, size_t outsz)
{
	out[0] = '\0';
	if (text->null)
		return 0;
	if (kid->null) {
		snprintf(out, outsz, "%s", text->s);
		return 0;
	}
	if (seal_open(kid->s, key, text->s, out, outsz) == -1) {
		log_error("the secret of a credential does not open under "
		    "key %s (seal_key_file)", kid->s);
		return -1;
	}
	return 0;
}

int
credential_mint(struct credential *cr, char *text, size_t sz,
    char kid[SEAL_KID_LEN + 1])
{
	memset(cr, 0, sizeof(*cr));
	if (secret_hex128(cr->key) == -1 || secret_hex128(cr->secret) == -1 ||
	    secret_to_row(cr->key, cr->secret, text, sz, kid) == -1) {
		explicit_bzero(cr, sizeof(*cr));
		return -1;
	}
	strcpy(cr->algorithm, "HS256");
	cr->issued = 1;
	return 0;
}

int
secret_to_row(const char *key, const char *secret, char *text, size_t sz,
    char kid[SEAL_KID_LEN + 1])
{
	kid[0] = '\0';
	if (secret[0] == '\0' || !seal_active()) {
		snprintf(text, sz, "%s", secret);
		return 0;
	}
	return seal_text(key, secret, strlen(secret), text, sz, kid);
}
