/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/validate.h"
#include "crypto/jwt.h"
#include "crypto/seal.h"
#include "crypto/secret.h"
#include "store/db.h"
#include "store/notice.h"
#include "store/store.h"

#define TX_TRIES	 3
#define LIKE_MAX	 (2 * STORE_KEY_MAX + 2)

enum stmt {
	Q_CONSUMER_UPSERT,
	Q_CONSUMER_LOCK,
	Q_CONSUMER_OWNER,
	Q_CONSUMER_DELETE,
	Q_GROUP_ADD_LAST,
	Q_GROUP_INSERT,
	Q_GROUP_DELETE_ALL,
	Q_GROUP_DELETE_ONE,
	Q_GROUPS_OF_ID,
	Q_GROUPS_SYNC,
	Q_GROUPS_OF_USER,
	Q_CRED_FIRST_SECRET,
	Q_CRED_INSERT,
	Q_CRED_BY_KEY,
	Q_CRED_LIST,
	Q_CRED_REVOKE,
	Q_CONSUMER_COUNT,
	Q_CONSUMER_PAGE,
	Q_PING,
	Q_AUTH,
	Q_SEAL_KEYS,
	Q_SEAL_BATCH,
	Q_SEAL_UPDATE,
	Q_CRED_ROTATE,
	Q_CRED_ROW,
	Q_CONSUMER_KEYS,
	Q_ADMIN_LEFT,
	Q_AUDIT_SEQ,
	Q_AUDIT_INSERT,
	Q_AUDIT_COUNT,
	Q_AUDIT_PAGE,
	Q_ACCESS_INSERT,
	Q_ACCESS_LOCK,
	Q_ACCESS_DECIDE,
	Q_ACCESS_LIST,
	Q_ACCESS_APPROVED,
	Q_NOTIFY_INSERT,
	Q_NOTIFY_LIST,
	Q_NOTIFY_UNREAD,
	Q_NOTIFY_READ,
	Q_OUTBOX_INSERT,
	Q_OUTBOX_DUE,
	Q_OUTBOX_CLAIM,
	Q_OUTBOX_SENT,
	Q_OUTBOX_RETRY,
	Q_OUTBOX_NEXT,
	Q_OWNER_LOCK,
	Q_OWNED_INSERT,
	Q_CRED_INSERT_NOTES,
	Q_OWNED_CREDS,
	Q_OWNED_CRED_LOCK,
	Q_CRED_REVOKE_ID,
	Q_ACCESS_REVOKE,
	Q_WITHDRAWN_OF,
	Q_WITHDRAW,
	Q_WITHDRAW_CLEAR,
	Q_OWNED_IDS,
	Q_PORTAL_OWNER_ADD,
	Q_PORTAL_OWNER_LOCK,
	Q_OWNER_COUNTS,
	Q__MAX
};

static const char *const sql[Q__MAX] = {
	[Q_CONSUMER_UPSERT] =
	    "INSERT INTO consumers (username) VALUES (?) "
	    "ON DUPLICATE KEY UPDATE id = id",
	[Q_CONSUMER_LOCK] =
	    "SELECT id FROM consumers WHERE username = ? FOR UPDATE",
	[Q_CONSUMER_OWNER] =
	    "SELECT COALESCE(owner, '') FROM consumers WHERE id = ?",
	[Q_CONSUMER_DELETE] =
	    "DELETE FROM consumers WHERE username = ?",
	[Q_GROUP_ADD_LAST] =
	    "INSERT IGNORE INTO consumer_groups (consumer_id, group_name, "
	    "position) SELECT ?, ?, COALESCE(MAX(position) + 1, 0) "
	    "FROM consumer_groups WHERE consumer_id = ?",
	[Q_GROUP_INSERT] =
	    "INSERT INTO consumer_groups (consumer_id, group_name, position) "
	    "VALUES (?, ?, ?)",
	[Q_GROUP_DELETE_ALL] =
	    "DELETE FROM consumer_groups WHERE consumer_id = ?",
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
	[Q_GROUPS_OF_USER] =
	    "SELECT c.id, g.group_name FROM consumers c "
	    "LEFT JOIN consumer_groups g ON g.consumer_id = c.id "
	    "WHERE c.username = ? ORDER BY g.position",
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
	    "r.revoked_at IS NOT NULL FROM consumers c "
	    "LEFT JOIN credentials r ON r.consumer_id = c.id "
	    "WHERE c.username = ? ORDER BY r.id",
	[Q_CRED_REVOKE] =
	    "UPDATE credentials "
	    "SET revoked_at = COALESCE(revoked_at, CURRENT_TIMESTAMP(3)) "
	    "WHERE consumer_id = ? AND `key` = ?",
	[Q_CONSUMER_COUNT] =
	    "SELECT COUNT(*) FROM consumers WHERE username LIKE ?",
	[Q_CONSUMER_PAGE] =
	    "SELECT c.username, GROUP_CONCAT(g.group_name ORDER BY g.position "
	    "SEPARATOR ',') FROM consumers c "
	    "LEFT JOIN consumer_groups g ON g.consumer_id = c.id "
	    "WHERE c.username LIKE ? GROUP BY c.id, c.username "
	    "ORDER BY c.username LIMIT ? OFFSET ?",
	[Q_PING] = "SELECT 1",
	/* The previous secret or key only while its grace lasts (?: now). */
	[Q_AUTH] =
	    "SELECT c.username, r.algorithm, r.secret, r.public_key, "
	    "c.group_list, r.seal_key, IF(r.grace_until > ?, r.prev_secret, "
	    "NULL), r.prev_seal_key, IF(r.grace_until > ?, "
	    "r.prev_public_key, NULL), COALESCE(r.grace_until, 0) "
	    "FROM credentials r JOIN consumers c ON c.id = r.consumer_id "
	    "WHERE r.`key` = ? AND r.revoked_at IS NULL",
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
	[Q_CONSUMER_KEYS] =
	    "SELECT `key` FROM credentials WHERE consumer_id = ? ORDER BY id",
	/*
	 * Is an admin left, one who can still sign?  A locking read: two
	 * changes that each take one of the last two admins away cannot
	 * both see the other's admin still there.
	 */
	[Q_ADMIN_LEFT] =
	    "SELECT 1 FROM consumer_groups g JOIN credentials r "
	    "ON r.consumer_id = g.consumer_id AND r.revoked_at IS NULL "
	    "WHERE g.group_name IN (?, ?, ?, ?, ?, ?, ?, ?) "
	    "LIMIT 1 LOCK IN SHARE MODE",
	/* The audit id: the last lock a change takes (schema/004). */
	[Q_AUDIT_SEQ] =
	    "UPDATE audit_seq SET id = LAST_INSERT_ID(id + 1) WHERE one = 1",
	[Q_AUDIT_INSERT] =
	    "INSERT INTO audit_log (id, at, actor_kind, actor, actor_key, "
	    "remote_addr, action, consumer, `key`, `change`, resmsgid) "
	    "VALUES (LAST_INSERT_ID(), ?, ?, NULLIF(?, ''), NULLIF(?, ''), "
	    "NULLIF(?, ''), ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?)",
#define AUDIT_WHERE \
	    "WHERE (? = '' OR consumer = ?) AND (? = '' OR actor = ?) " \
	    "AND id > ? "
	[Q_AUDIT_COUNT] = "SELECT COUNT(*) FROM audit_log " AUDIT_WHERE,
	[Q_AUDIT_PAGE] =
	    "SELECT id, at, actor_kind, actor, actor_key, remote_addr, "
	    "action, consumer, `key`, `change`, resmsgid FROM audit_log "
	    AUDIT_WHERE "ORDER BY id DESC LIMIT ? OFFSET ?",
#undef AUDIT_WHERE
#define ACCESS_COLS \
	    "SELECT id, requester, email, group_names, notes, state, reason, " \
	    "note, decided_by, created_at, COALESCE(decided_at, 0), " \
	    "revoked_by, COALESCE(revoked_at, 0) FROM access_requests "
	[Q_ACCESS_INSERT] =
	    "INSERT INTO access_requests (requester, email, group_names, "
	    "notes, created_at) VALUES (?, NULLIF(?, ''), ?, ?, ?)",
	[Q_ACCESS_LOCK] = ACCESS_COLS "WHERE id = ? FOR UPDATE",
	[Q_ACCESS_DECIDE] =
	    "UPDATE access_requests SET state = ?, reason = NULLIF(?, ''), "
	    "note = NULLIF(?, ''), decided_by = ?, decided_at = ? WHERE id = ?",
	[Q_ACCESS_LIST] = ACCESS_COLS
	    "WHERE (? = '' OR requester = ?) AND (? = '' OR state = ?) "
	    "ORDER BY id DESC LIMIT 1000",
	[Q_ACCESS_APPROVED] =
	    "SELECT group_names FROM access_requests WHERE requester = ? AND "
	    "state = 'approved' ORDER BY id",
#undef ACCESS_COLS
	[Q_NOTIFY_INSERT] =
	    "INSERT INTO notifications (recipient, message, at) VALUES (?, ?, ?)",
	[Q_NOTIFY_LIST] =
	    "SELECT id, message, at, read_at IS NOT NULL FROM notifications "
	    "WHERE recipient = ? ORDER BY id DESC LIMIT 100",
	[Q_NOTIFY_UNREAD] =
	    "SELECT COUNT(*) FROM notifications WHERE recipient = ? AND "
	    "read_at IS NULL",
	[Q_NOTIFY_READ] =
	    "UPDATE notifications SET read_at = COALESCE(read_at, ?) "
	    "WHERE recipient = ? AND id = ?",
	[Q_OUTBOX_INSERT] =
	    "INSERT INTO outbox (created_at, rcpt, subject, body, message_id, "
	    "next_at) VALUES (?, ?, ?, ?, ?, ?)",
	/* Other senders skip what one has locked (MariaDB 10.6, MySQL 8). */
	[Q_OUTBOX_DUE] =
	    "SELECT id, rcpt, subject, body, message_id, attempts FROM outbox "
	    "WHERE sent_at IS NULL AND next_at <= ? AND (claimed_until IS NULL "
	    "OR claimed_until < ?) ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED",
	[Q_OUTBOX_CLAIM] = "UPDATE outbox SET claimed_until = ? WHERE id = ?",
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
	[Q_ACCESS_REVOKE] =
	    "UPDATE access_requests SET state = 'revoked', reason = ?, "
	    "revoked_by = ?, revoked_at = ? WHERE id = ?",
	[Q_WITHDRAWN_OF] =
	    "SELECT group_name FROM access_withdrawn WHERE owner = ?",
	[Q_WITHDRAW] =
	    "INSERT INTO access_withdrawn (owner, group_name, at) "
	    "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE at = VALUES(at)",
	[Q_WITHDRAW_CLEAR] =
	    "DELETE FROM access_withdrawn WHERE owner = ? AND group_name = ?",
	[Q_OWNED_IDS] =
	    "SELECT id, username FROM consumers WHERE owner = ? ORDER BY id "
	    "FOR UPDATE",
	[Q_PORTAL_OWNER_ADD] =
	    "INSERT IGNORE INTO portal_owners (owner) VALUES (?)",
	[Q_PORTAL_OWNER_LOCK] =
	    "SELECT owner FROM portal_owners WHERE owner = ? FOR UPDATE",
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

struct store {
	const struct config	*cfg;
	struct db		*db;
};

/* store */

struct store *
store_new(const struct config *cfg)
{
	struct store	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cfg = cfg;
	if ((s->db = db_new(cfg, sql, Q__MAX, 0)) == NULL) {
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
	free(s);
}

static enum store_rc
map(enum db_rc rc)
{
	switch (rc) {
	case DB_OK:
		return ST_OK;
	case DB_DOWN:
		return ST_DOWN;
	case DB_BUSY:
		return ST_BUSY;
	default:
		return ST_ERR;
	}
}

enum store_rc
store_ping(struct store *s)
{
	return map(db_exec(s->db, Q_PING, NULL, 0, NULL, NULL, NULL));
}

/*
 * Runs body inside a transaction, again from the start (TX_TRIES in all)
 * on a deadlock, a duplicate key raced in by another writer, or a
 * connection lost mid-way; not after a lock wait timeout.  Busy (ST_BUSY)
 * after a lock wait timeout or a deadlock each time.  body returns a
 * db_rc and leaves its domain outcome in *out; the transaction commits
 * only when both are OK.
 */
typedef enum db_rc (*tx_fn)(struct store *, void *, enum store_rc *);

static enum store_rc
tx(struct store *s, tx_fn body, void *arg)
{
	enum store_rc	 out = ST_ERR;
	enum db_rc	 rc = DB_ERR;
	int		 i;

	for (i = 0; i < TX_TRIES; i++) {
		out = ST_OK;
		if ((rc = db_begin(s->db)) == DB_OK) {
			rc = body(s, arg, &out);
			if (rc == DB_OK && out == ST_OK)
				rc = db_commit(s->db);
			else
				db_rollback(s->db);
		}
		if (rc != DB_RETRY && rc != DB_DUP && rc != DB_DOWN)
			break;
		if (rc == DB_DOWN && i > 0)
			break;
	}
	/* Deadlocks each time: as busy as a lock waited for too long. */
	if (rc == DB_RETRY)
		rc = DB_BUSY;
	if (rc != DB_OK)
		return map(rc == DB_DUP ? DB_ERR : rc);
	return out;
}

static int
row_id(void *arg, const struct db_col *c, unsigned n)
{
	long long	*id = arg;

	*id = n >= 1 ? db_col_int(&c[0]) : -1;
	return 1;
}

static int
row_name(void *arg, const struct db_col *c, unsigned n)
{
	char	*name = arg;

	(void)n;
	snprintf(name, STORE_KEY_MAX + 1, "%s", c[0].s);
	return 1;
}

/* The portal user who made consumer id, "" for an operator's (or none). */
static enum db_rc
owner_of(struct store *s, long long id, char owner[STORE_KEY_MAX + 1])
{
	struct db_arg	 a = DB_INT(id);

	owner[0] = '\0';
	return db_exec(s->db, Q_CONSUMER_OWNER, &a, 1, row_name, owner, NULL);
}

/*
 * A secret read back (not issued by this call) of a consumer the portal
 * made is wiped: its developer was told it is shown once, and an admin
 * is not to read it later, whatever secret_readback says.
 */
static enum db_rc
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

/* Locks the consumer row; *id = -1 when there is none. */
static enum db_rc
lock_consumer(struct store *s, const char *user, size_t ulen, long long *id)
{
	struct db_arg	 a = DB_STR(user, ulen);

	*id = -1;
	return db_exec(s->db, Q_CONSUMER_LOCK, &a, 1, row_id, id, NULL);
}

static int
row_group(void *arg, const struct db_col *c, unsigned n)
{
	struct strlist	*l = arg;

	(void)n;
	return strlist_add(l, c[0].s, c[0].len) == -1;
}

static enum db_rc
groups_of_id(struct store *s, long long id, struct strlist *out)
{
	struct db_arg	 a = DB_INT(id);

	strlist_free(out);
	return db_exec(s->db, Q_GROUPS_OF_ID, &a, 1, row_group, out, NULL);
}

/* Rewrites the consumer's group_list from consumer_groups. */
static enum db_rc
groups_sync(struct store *s, long long id)
{
	struct db_arg	 a[2] = { DB_INT(id), DB_INT(id) };

	return db_exec(s->db, Q_GROUPS_SYNC, a, 2, NULL, NULL, NULL);
}

/* audit */

/*
 * Writes the audit row of a change; change (a JSON object, taken; NULL
 * on no memory) never holds a secret.  The last statement of the
 * change's transaction: it takes the audit id's lock, held to commit.
 */
static enum db_rc
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
	if ((rc = db_exec(s->db, Q_AUDIT_SEQ, NULL, 0, NULL, NULL, NULL)) !=
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
	rc = db_exec(s->db, Q_AUDIT_INSERT, a, 10, NULL, NULL, NULL);
out:
	json_object_put(change);
	return rc;
}

/* A new object of the change: name, JSON value pairs, NULL-ended. */
static json_object *
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
	const char	*p = s->cfg->admin_groups, *e;
	size_t		 n = 0, i;

	for (; n < STORE_ADMIN_GROUPS; p = e) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		e = p + strcspn(p, ", \t");
		a[n++] = DB_STR(p, (size_t)(e - p));
	}
	for (i = n; i < STORE_ADMIN_GROUPS && n > 0; i++)
		a[i] = a[0];
	return n;
}

/* 1 if one of list's groups is one of admin_groups. */
static int
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

/*
 * With admin_auth = jwt, a change must leave some admin (a consumer of
 * admin_groups) with an active credential: nobody locks the operators
 * out.  *out = ST_LAST_ADMIN when none is left.
 */
static enum db_rc
admin_left(struct store *s, enum store_rc *out)
{
	struct db_arg	 a[STORE_ADMIN_GROUPS];
	long long	 found = -1;
	enum db_rc	 rc;

	if (strcmp(s->cfg->admin_auth, "jwt") != 0 || admin_names(s, a) == 0)
		return DB_OK;
	rc = db_exec(s->db, Q_ADMIN_LEFT, a, STORE_ADMIN_GROUPS, row_id,
	    &found, NULL);
	if (rc == DB_OK && found < 0)
		*out = ST_LAST_ADMIN;
	return rc;
}

/* create */

/*
 * The secret of a row of credential key: opened when the row names the
 * key that sealed it (kid), as it is when kid is NULL (a row of before
 * sealing, until --migrate seals it).  0, or -1 (logged; no secret).
 */
static int
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

/*
 * What a row keeps of secret for credential key: its sealed text and
 * the key's id, or, without a ring, the secret itself and "".
 */
static int
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

struct create_ctx {
	const struct actor	*act;
	const char		*user, *group;
	size_t			 ulen;
	struct credential	*out;
};

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

/* The consumer's oldest secret credential, or a new one, into cr. */
static enum db_rc
first_secret(struct store *s, long long id, struct credential *cr,
    enum store_rc *out)
{
	struct db_arg	 a[6];
	enum db_rc	 rc;
	char		 text[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char		 kid[SEAL_KID_LEN + 1];

	memset(cr, 0, sizeof(*cr));
	a[0] = DB_INT(id);
	if ((rc = db_exec(s->db, Q_CRED_FIRST_SECRET, a, 1, row_cred, cr,
	    NULL)) != DB_OK)
		return rc;
	if (cr->key[0] != '\0') {
		/* The oldest: a secret that does not open is no answer. */
		if (cr->secret[0] == '\0')
			*out = ST_ERR;
		return DB_OK;
	}
	if (secret_hex128(cr->key) == -1 || secret_hex128(cr->secret) == -1 ||
	    secret_to_row(cr->key, cr->secret, text, sizeof(text), kid) == -1) {
		*out = ST_ERR;
		return DB_OK;
	}
	strcpy(cr->algorithm, "HS256");
	cr->issued = 1;
	a[1] = DB_CSTR(cr->key);
	a[2] = DB_CSTR(text);
	a[3] = DB_CSTR(kid);
	a[4] = DB_CSTR(cr->algorithm);
	a[5] = DB_CSTR("");
	return db_exec(s->db, Q_CRED_INSERT, a, 6, NULL, NULL, NULL);
}

static enum db_rc
create_body(struct store *s, void *arg, enum store_rc *out)
{
	struct create_ctx	*x = arg;
	struct credential	*cr = x->out;
	struct strlist		 before = { 0 }, after = { 0 };
	struct db_arg		 a[3];
	unsigned long long	 made = 0;
	enum db_rc		 rc;
	long long		 id;

	a[0] = DB_STR(x->user, x->ulen);
	if ((rc = db_exec(s->db, Q_CONSUMER_UPSERT, a, 1, NULL, NULL,
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
	a[0] = DB_INT(id);
	a[1] = DB_CSTR(x->group);
	a[2] = DB_INT(id);
	if ((rc = groups_of_id(s, id, &before)) != DB_OK ||
	    (rc = db_exec(s->db, Q_GROUP_ADD_LAST, a, 3, NULL, NULL, NULL))
	    != DB_OK || (rc = groups_sync(s, id)) != DB_OK ||
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

	return tx(s, create_body, &x);
}

/* groups */

/*
 * An admin took groups from consumer id: those of before not in after
 * (after NULL: all of before).  When the portal made it, its owner is
 * entitled to them no more, so that no later generation gives them
 * back, until an approver approves them again.  *w: {owner, groups}
 * for the audit row, NULL when the consumer is an operator's (or none
 * was taken).
 */
static enum db_rc
withdraw_taken(struct store *s, long long id, const struct strlist *before,
    const struct strlist *after, json_object **w)
{
	struct strlist	 taken = { 0 };
	struct db_arg	 a[3];
	enum db_rc	 rc;
	char		 owner[STORE_KEY_MAX + 1];
	size_t		 i;

	*w = NULL;
	if ((rc = owner_of(s, id, owner)) != DB_OK || owner[0] == '\0')
		return rc;
	for (i = 0; i < before->n; i++)
		if ((after == NULL || !strlist_has(after, before->v[i],
		    before->len[i])) && strlist_add(&taken, before->v[i],
		    before->len[i]) == -1) {
			strlist_free(&taken);
			return DB_ERR;
		}
	a[0] = DB_CSTR(owner);
	a[2] = DB_INT(clock_wall_ms());
	for (i = 0, rc = DB_OK; i < taken.n && rc == DB_OK; i++) {
		a[1] = DB_STR(taken.v[i], taken.len[i]);
		rc = db_exec(s->db, Q_WITHDRAW, a, 3, NULL, NULL, NULL);
	}
	if (rc == DB_OK && taken.n > 0 && (*w = change_of("owner",
	    json_object_new_string(owner), "groups", strlist_json(&taken),
	    (char *)NULL)) == NULL)
		rc = DB_ERR;
	strlist_free(&taken);
	return rc;
}

struct groups_ctx {
	const struct actor	*act;
	const char		*user;
	size_t			 ulen;
	const struct strlist	*list;
	struct strlist		*out;
	int			 remove;
};

static enum db_rc
groups_body(struct store *s, void *arg, enum store_rc *out)
{
	struct groups_ctx	*x = arg;
	struct strlist		 before = { 0 };
	struct db_arg		 a[3];
	json_object		*change, *w = NULL;
	enum db_rc		 rc;
	long long		 id;
	size_t			 i;

	if ((rc = lock_consumer(s, x->user, x->ulen, &id)) != DB_OK)
		return rc;
	if (id < 0) {
		*out = ST_NOT_FOUND;
		return DB_OK;
	}
	a[0] = DB_INT(id);
	if ((rc = groups_of_id(s, id, &before)) != DB_OK || (!x->remove &&
	    (rc = db_exec(s->db, Q_GROUP_DELETE_ALL, a, 1, NULL, NULL,
	    NULL)) != DB_OK))
		goto out;
	for (i = 0; i < x->list->n; i++) {
		a[1] = DB_STR(x->list->v[i], x->list->len[i]);
		a[2] = DB_INT((long long)i);
		rc = db_exec(s->db, x->remove ? Q_GROUP_DELETE_ONE :
		    Q_GROUP_INSERT, a, x->remove ? 2 : 3, NULL, NULL, NULL);
		if (rc != DB_OK)
			goto out;
	}
	if ((rc = groups_sync(s, id)) != DB_OK ||
	    (rc = groups_of_id(s, id, x->out)) != DB_OK)
		goto out;
	/* An admin who stops being one: is another left? */
	if (admin_in(s, &before) && !admin_in(s, x->out) &&
	    ((rc = admin_left(s, out)) != DB_OK || *out != ST_OK))
		goto out;
	if ((rc = withdraw_taken(s, id, &before, x->out, &w)) != DB_OK)
		goto out;
	change = change_of("groups_before", strlist_json(&before),
	    "groups_after", strlist_json(x->out), (char *)NULL);
	if (change != NULL && w != NULL) {
		json_object_object_add(change, "withdrawn", w);
		w = NULL;
	}
	rc = audit(s, x->act, x->user, x->ulen, NULL, 0, change);
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
	int		 found;
	int		 nomem;
};

static int
row_user_group(void *arg, const struct db_col *c, unsigned n)
{
	struct read_ctx	*x = arg;

	(void)n;
	x->found = 1;
	if (!c[1].null && strlist_add(x->out, c[1].s, c[1].len) == -1) {
		x->nomem = 1;
		return 1;
	}
	return 0;
}

enum store_rc
store_groups_get(struct store *s, const char *user, size_t ulen,
    struct strlist *out)
{
	struct read_ctx	 x = { out, 0, 0 };
	struct db_arg	 a = DB_STR(user, ulen);
	enum db_rc	 rc;

	rc = db_exec(s->db, Q_GROUPS_OF_USER, &a, 1, row_user_group, &x, NULL);
	if (rc != DB_OK || x.nomem)
		return x.nomem ? ST_ERR : map(rc);
	return x.found ? ST_OK : ST_NOT_FOUND;
}

struct delete_ctx {
	const struct actor	*act;
	const char		*user;
	size_t			 ulen;
};

static enum db_rc
delete_body(struct store *s, void *arg, enum store_rc *out)
{
	struct delete_ctx	*x = arg;
	struct strlist		 groups = { 0 }, keys = { 0 };
	struct db_arg		 a;
	json_object		*change, *w = NULL;
	enum db_rc		 rc;
	long long		 id;

	if ((rc = lock_consumer(s, x->user, x->ulen, &id)) != DB_OK)
		return rc;
	if (id < 0) {
		*out = ST_NOT_FOUND;
		return DB_OK;
	}
	a = DB_INT(id);
	if ((rc = groups_of_id(s, id, &groups)) != DB_OK ||
	    (rc = db_exec(s->db, Q_CONSUMER_KEYS, &a, 1, row_group, &keys,
	    NULL)) != DB_OK ||
	    (rc = withdraw_taken(s, id, &groups, NULL, &w)) != DB_OK)
		goto out;
	/* The foreign keys take groups and credentials. */
	a = DB_STR(x->user, x->ulen);
	if ((rc = db_exec(s->db, Q_CONSUMER_DELETE, &a, 1, NULL, NULL,
	    NULL)) != DB_OK || (admin_in(s, &groups) &&
	    ((rc = admin_left(s, out)) != DB_OK || *out != ST_OK)))
		goto out;
	change = change_of("groups_before", strlist_json(&groups),
	    "credentials", strlist_json(&keys), (char *)NULL);
	if (change != NULL && w != NULL) {
		json_object_object_add(change, "withdrawn", w);
		w = NULL;
	}
	rc = audit(s, x->act, x->user, x->ulen, NULL, 0, change);
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

/* list */

struct list_ctx {
	void	(*fn)(void *, const struct consumer_row *);
	void	*arg;
	int	 nomem;
};

static int
row_count(void *arg, const struct db_col *c, unsigned n)
{
	long long	*total = arg;

	(void)n;
	*total = db_col_int(&c[0]);
	return 1;
}

static int
row_consumer(void *arg, const struct db_col *c, unsigned n)
{
	struct list_ctx		*x = arg;
	struct strlist		 groups = { 0 };
	struct consumer_row	 row;
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
	if ((rc = db_exec(s->db, Q_CONSUMER_COUNT, a, 1, row_count, total,
	    NULL)) != DB_OK)
		return map(rc);
	a[1] = DB_INT(limit);
	a[2] = DB_INT(offset);
	rc = db_exec(s->db, Q_CONSUMER_PAGE, a, 3, row_consumer, &x, NULL);
	return x.nomem ? ST_ERR : map(rc);
}

/* credentials */

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
	struct db_arg		 a[6];
	enum db_rc		 rc;
	long long		 id;
	char			 text[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char			 kid[SEAL_KID_LEN + 1];

	if ((rc = lock_consumer(s, x->user, x->ulen, &id)) != DB_OK)
		return rc;
	if (id < 0) {
		*out = ST_NOT_FOUND;
		return DB_OK;
	}
	memset(cr, 0, sizeof(*cr));
	memcpy(cr->key, x->key, x->klen);
	a[0] = DB_STR(x->key, x->klen);
	if ((rc = db_exec(s->db, Q_CRED_BY_KEY, a, 1, row_key, &k, NULL))
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
		if ((x->pem == NULL && secret_hex128(cr->secret) == -1) ||
		    secret_to_row(cr->key, cr->secret, text, sizeof(text),
		    kid) == -1) {
			*out = ST_ERR;
			return DB_OK;
		}
		cr->issued = 1;
		a[0] = DB_INT(id);
		a[1] = DB_STR(x->key, x->klen);
		a[2] = DB_CSTR(text);
		a[3] = DB_CSTR(kid);
		a[4] = DB_CSTR(cr->algorithm);
		a[5] = DB_CSTR(x->pem != NULL ? x->pem : "");
		if ((rc = db_exec(s->db, Q_CRED_INSERT, a, 6, NULL, NULL,
		    NULL)) != DB_OK)
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

	if (klen > STORE_KEY_MAX)
		return ST_ERR;
	return tx(s, register_body, &x);
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
	struct db_arg		 a[8];
	enum db_rc		 rc;
	long long		 id;
	char			 text[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char			 kid[SEAL_KID_LEN + 1];
	int			 hmac;

	if ((rc = lock_consumer(s, x->user, x->ulen, &id)) != DB_OK)
		return rc;
	a[0] = DB_STR(x->key, x->klen);
	if (id < 0 || (rc = db_exec(s->db, Q_CRED_ROW, a, 1, row_cred_row,
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
	if ((hmac && secret_hex128(cr->secret) == -1) ||
	    secret_to_row(cr->key, cr->secret, text, sizeof(text), kid) == -1) {
		*out = ST_ERR;
		return DB_OK;
	}
	cr->issued = 1;
	x->until = clock_wall_ms() + x->grace_s * 1000;
	a[0] = a[1] = a[2] = DB_INT(x->grace_s);
	a[3] = DB_INT(x->until);
	a[4] = DB_CSTR(text);
	a[5] = DB_CSTR(kid);
	a[6] = DB_CSTR(x->pem != NULL ? x->pem : "");
	a[7] = DB_INT(k.id);
	if ((rc = db_exec(s->db, Q_CRED_ROTATE, a, 8, NULL, NULL, NULL)) !=
	    DB_OK)
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

	rc = db_exec(s->db, Q_CRED_LIST, &a, 1, row_credlist, &x, NULL);
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
	struct db_arg		 a[2];
	unsigned long long	 n = 0;
	enum db_rc		 rc;
	long long		 id;

	if ((rc = lock_consumer(s, x->user, x->ulen, &id)) != DB_OK)
		return rc;
	a[0] = DB_INT(id);
	a[1] = DB_STR(x->key, x->klen);
	if (id < 0 || (rc = db_exec(s->db, Q_CRED_REVOKE, a, 2, NULL, NULL,
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
	int			 found, nomem;
};

static int
row_auth(void *arg, const struct db_col *c, unsigned n)
{
	struct auth_ctx		*x = arg;
	struct auth_record	*r = x->rec;
	const char		*p, *end, *comma;

	(void)n;
	x->found = 1;
	snprintf(r->algorithm, sizeof(r->algorithm), "%s", c[1].s);
	if (secret_from_row(x->key, &c[2], &c[5], r->secret,
	    sizeof(r->secret)) == -1)
		goto nomem;			/* no usable credential */
	if ((r->username = strdup(c[0].s)) == NULL ||
	    (!c[3].null && (r->public_key = strdup(c[3].s)) == NULL))
		goto nomem;
	/* The previous secret or public key, in its grace (else NULL). */
	if (!c[6].null && secret_from_row(x->key, &c[6], &c[7],
	    r->prev_secret, sizeof(r->prev_secret)) == -1)
		goto nomem;
	if (!c[8].null && (r->prev_public_key = strdup(c[8].s)) == NULL)
		goto nomem;
	r->grace_until_ms = db_col_int(&c[9]);
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
	struct auth_ctx	 x = { out, NULL, 0, 0 };
	struct db_arg	 a[3];
	enum db_rc	 rc;
	char		 k[STORE_KEY_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (klen > STORE_KEY_MAX)
		return ST_NOT_FOUND;
	memcpy(k, key, klen);
	k[klen] = '\0';
	x.key = k;
	a[0] = DB_INT(now_ms);
	a[1] = DB_INT(now_ms);
	a[2] = DB_STR(key, klen);
	rc = db_exec(s->db, Q_AUTH, a, 3, row_auth, &x, NULL);
	if (rc != DB_OK || x.nomem || !x.found) {
		store_auth_record_free(out);
		if (rc != DB_OK)
			return map(rc);
		return x.nomem ? ST_ERR : ST_NOT_FOUND;
	}
	return ST_OK;
}

/* sealing at rest */

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
	return map(db_exec(s->db, Q_SEAL_KEYS, NULL, 0, row_kid, missing,
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
	if ((rc = db_exec(s->db, Q_SEAL_BATCH, a, 5, row_seal, x, NULL)) !=
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
		if ((rc = db_exec(s->db, Q_SEAL_UPDATE, a, 5, NULL, NULL,
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

/* the audit trail */

struct audit_ctx {
	void	(*fn)(void *, const struct audit_row *);
	void	*arg;
};

static const char *
col_str(const struct db_col *c)
{
	return c->null ? NULL : c->s;
}

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
	if ((rc = db_exec(s->db, Q_AUDIT_COUNT, a, 5, row_count, total,
	    NULL)) != DB_OK)
		return map(rc);
	a[5] = DB_INT(limit);
	a[6] = DB_INT(offset);
	return map(db_exec(s->db, Q_AUDIT_PAGE, a, 7, row_audit, &x, NULL));
}

/* self-service access */

/* The JSON text of a list of groups; NULL on no memory. */
static char *
groups_text(const struct strlist *l)
{
	json_object	*a;
	const char	*t;
	char		*s;

	if ((a = strlist_json(l)) == NULL)
		return NULL;
	t = json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	s = t != NULL ? strdup(t) : NULL;
	json_object_put(a);
	return s;
}

/* Appends the groups of a JSON array text to l, skipping those in it. */
static int
groups_parse(const char *text, struct strlist *l)
{
	json_object	*a, *g;
	size_t		 i, n;
	int		 rc = 0;

	if ((a = json_tokener_parse(text)) == NULL ||
	    !json_object_is_type(a, json_type_array)) {
		json_object_put(a);
		return -1;
	}
	n = json_object_array_length(a);
	for (i = 0; i < n && rc == 0; i++) {
		g = json_object_array_get_idx(a, i);
		if (!json_object_is_type(g, json_type_string))
			continue;
		if (!strlist_has(l, json_object_get_string(g),
		    (size_t)json_object_get_string_len(g)))
			rc = strlist_add(l, json_object_get_string(g),
			    (size_t)json_object_get_string_len(g));
	}
	json_object_put(a);
	return rc;
}

/* What a portal user is entitled to: approved and not withdrawn. */
struct entitle_ctx {
	int			(*allowed)(void *, const char *, size_t);
	void			*arg;
	struct strlist		 withdrawn;
	struct strlist		*out;
	int			 bad;
};

static int
row_withdrawn(void *arg, const struct db_col *c, unsigned n)
{
	struct entitle_ctx	*x = arg;

	(void)n;
	if (strlist_add(&x->withdrawn, c[0].s, c[0].len) == -1)
		x->bad = 1;
	return x->bad;
}

static int
row_approved(void *arg, const struct db_col *c, unsigned n)
{
	struct entitle_ctx	*x = arg;
	struct strlist		 all = { 0 };
	size_t			 i;

	(void)n;
	if (groups_parse(c[0].s, &all) == -1)
		x->bad = 1;
	for (i = 0; i < all.n && !x->bad; i++)
		if ((x->allowed == NULL || x->allowed(x->arg, all.v[i],
		    all.len[i])) && !strlist_has(&x->withdrawn, all.v[i],
		    all.len[i]) && !strlist_has(x->out, all.v[i],
		    all.len[i]) && strlist_add(x->out, all.v[i],
		    all.len[i]) == -1)
			x->bad = 1;
	strlist_free(&all);
	return x->bad;
}

/*
 * The groups owner's approved requests give (those allowed() keeps;
 * NULL: all), in the order they were approved, less those an admin
 * withdrew (withdraw_taken).  *bad on no memory or a row that does not
 * parse.
 */
static enum db_rc
entitled(struct store *s, const char *owner,
    int (*allowed)(void *, const char *, size_t), void *arg,
    struct strlist *out, int *bad)
{
	struct entitle_ctx	 x;
	struct db_arg		 a = DB_CSTR(owner);
	enum db_rc		 rc;

	memset(&x, 0, sizeof(x));
	x.allowed = allowed;
	x.arg = arg;
	x.out = out;
	strlist_free(out);
	if ((rc = db_exec(s->db, Q_WITHDRAWN_OF, &a, 1, row_withdrawn, &x,
	    NULL)) == DB_OK && !x.bad)
		rc = db_exec(s->db, Q_ACCESS_APPROVED, &a, 1, row_approved, &x,
		    NULL);
	strlist_free(&x.withdrawn);
	*bad = x.bad;
	return rc;
}

/* The consumers a portal user made, locked: ids and names. */
struct owned_ids {
	long long	*id;
	struct strlist	 names;
	size_t		 n;
	int		 bad;
};

static int
row_owned_id(void *arg, const struct db_col *c, unsigned n)
{
	struct owned_ids	*x = arg;
	long long		*id;

	(void)n;
	if ((id = reallocarray(x->id, x->n + 1, sizeof(*id))) == NULL ||
	    strlist_add(&x->names, c[1].s, c[1].len) == -1) {
		if (id != NULL)
			x->id = id;
		x->bad = 1;
		return 1;
	}
	x->id = id;
	x->id[x->n++] = db_col_int(&c[0]);
	return 0;
}

/*
 * Request r's approval was revoked: each consumer its requester made
 * loses the groups r gave that no other approval of the requester still
 * gives.  *w: {consumers, groups} for the audit row (NULL: none taken).
 */
static enum db_rc
take_back(struct store *s, const struct access_row *r, json_object **w)
{
	struct owned_ids	 o;
	struct strlist		 keep = { 0 }, gone = { 0 };
	struct db_arg		 a[2];
	enum db_rc		 rc;
	size_t			 i, j;
	int			 bad = 0;

	*w = NULL;
	memset(&o, 0, sizeof(o));
	if ((rc = entitled(s, r->requester, NULL, NULL, &keep, &bad)) !=
	    DB_OK || bad)
		goto out;
	for (i = 0; i < r->groups->n && !bad; i++)
		if (!strlist_has(&keep, r->groups->v[i], r->groups->len[i]) &&
		    strlist_add(&gone, r->groups->v[i], r->groups->len[i]) ==
		    -1)
			bad = 1;
	a[0] = DB_CSTR(r->requester);
	if (bad || gone.n == 0 || (rc = db_exec(s->db, Q_OWNED_IDS, a, 1,
	    row_owned_id, &o, NULL)) != DB_OK || o.bad || o.n == 0)
		goto out;
	for (i = 0; i < o.n && rc == DB_OK; i++) {
		a[0] = DB_INT(o.id[i]);
		for (j = 0; j < gone.n && rc == DB_OK; j++) {
			a[1] = DB_STR(gone.v[j], gone.len[j]);
			rc = db_exec(s->db, Q_GROUP_DELETE_ONE, a, 2, NULL, NULL,
			    NULL);
		}
		if (rc == DB_OK)
			rc = groups_sync(s, o.id[i]);
	}
	if (rc == DB_OK && (*w = change_of("consumers", strlist_json(&o.names),
	    "groups", strlist_json(&gone), (char *)NULL)) == NULL)
		bad = 1;
out:
	if (rc == DB_OK && (bad || o.bad))
		rc = DB_ERR;
	free(o.id);
	strlist_free(&o.names);
	strlist_free(&keep);
	strlist_free(&gone);
	return rc;
}


/* An access request read from a row, with the storage its row needs. */
struct access_buf {
	struct access_row	 row;
	struct strlist		 groups;
	char			*text[8];	/* requester ... revoked_by */
	int			 found, bad;
};

static void
access_buf_free(struct access_buf *b)
{
	size_t	 i;

	strlist_free(&b->groups);
	for (i = 0; i < sizeof(b->text) / sizeof(b->text[0]); i++)
		free(b->text[i]);
	memset(b, 0, sizeof(*b));
}

/* Copies column c (NULL stays NULL) into b->text[i]. */
static const char *
access_keep(struct access_buf *b, size_t i, const struct db_col *c)
{
	if (c->null)
		return NULL;
	if ((b->text[i] = strndup(c->s, c->len)) == NULL)
		b->bad = 1;
	return b->text[i];
}

/* Fills b from the columns of ACCESS_COLS. */
static int
access_read(struct access_buf *b, const struct db_col *c)
{
	access_buf_free(b);
	b->found = 1;
	b->row.id = db_col_int(&c[0]);
	b->row.requester = access_keep(b, 0, &c[1]);
	b->row.email = access_keep(b, 1, &c[2]);
	if (groups_parse(c[3].s, &b->groups) == -1)
		b->bad = 1;
	b->row.groups = &b->groups;
	b->row.notes = access_keep(b, 2, &c[4]);
	b->row.state = access_keep(b, 3, &c[5]);
	b->row.reason = access_keep(b, 4, &c[6]);
	b->row.note = access_keep(b, 5, &c[7]);
	b->row.decided_by = access_keep(b, 6, &c[8]);
	b->row.created_ms = db_col_int(&c[9]);
	b->row.decided_ms = db_col_int(&c[10]);
	b->row.revoked_by = access_keep(b, 7, &c[11]);
	b->row.revoked_ms = db_col_int(&c[12]);
	return b->bad ? -1 : 0;
}

static int
row_access_one(void *arg, const struct db_col *c, unsigned n)
{
	(void)n;
	(void)access_read(arg, c);
	return 1;
}

/*
 * Writes the notices of row (notice.h) into notifications and the
 * outbox, in the transaction under way.
 */
static enum db_rc
notices_write(struct store *s, const struct access_row *row)
{
	struct notices	 l;
	struct db_arg	 a[6];
	char		 mid[128], uuid[SECRET_UUID_LEN + 1];
	const char	*domain = strchr(s->cfg->mail_from, '@');
	long long	 now = clock_wall_ms();
	enum db_rc	 rc = DB_OK;
	size_t		 i;

	if (notice_of(s->cfg, row, &l) == -1)
		return DB_ERR;
	for (i = 0; i < l.n && rc == DB_OK; i++) {
		if (!l.v[i].mail) {
			a[0] = DB_CSTR(l.v[i].to);
			a[1] = DB_CSTR(l.v[i].text);
			a[2] = DB_INT(now);
			rc = db_exec(s->db, Q_NOTIFY_INSERT, a, 3, NULL, NULL,
			    NULL);
			continue;
		}
		secret_uuid4(uuid);
		snprintf(mid, sizeof(mid), "<%s@%s>", uuid, domain != NULL &&
		    domain[1] != '\0' ? domain + 1 : "adminutil");
		a[0] = DB_INT(now);
		a[1] = DB_CSTR(l.v[i].to);
		a[2] = DB_CSTR(l.v[i].subject);
		a[3] = DB_CSTR(l.v[i].text);
		a[4] = DB_CSTR(mid);
		a[5] = DB_INT(now);
		rc = db_exec(s->db, Q_OUTBOX_INSERT, a, 6, NULL, NULL, NULL);
	}
	notice_free(&l);
	return rc;
}

/* The audit change of a request: its id, groups and state. */
static json_object *
access_change(const struct access_row *r, const char *before)
{
	return change_of("request", json_object_new_int64(r->id), "groups",
	    strlist_json(r->groups), "state_before", before != NULL ?
	    json_object_new_string(before) : NULL, "state_after",
	    json_object_new_string(r->state), (char *)NULL);
}

struct access_ctx {
	const struct actor	*act;
	const char		*requester, *email, *notes;
	const struct strlist	*groups;
	long long		 id;
	const char		*state, *decider, *text;
	void			(*fn)(void *, const struct access_row *);
	void			*arg;
};

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

/* Rings the bell after a change of a request committed (its mail). */
static enum store_rc
ring(enum store_rc rc)
{
	ssize_t	 n;

	/* A full pipe has a ring in it already. */
	if (rc == ST_OK && bell[1] != -1)
		n = write(bell[1], "m", 1);
	(void)n;
	return rc;
}

static enum db_rc
access_create_body(struct store *s, void *arg, enum store_rc *out)
{
	struct access_ctx	*x = arg;
	struct access_row	 row;
	struct db_arg		 a[5];
	enum db_rc		 rc;
	char			*text;

	if ((text = groups_text(x->groups)) == NULL) {
		*out = ST_ERR;
		return DB_OK;
	}
	memset(&row, 0, sizeof(row));
	row.created_ms = clock_wall_ms();
	/* The row its generations will lock. */
	a[0] = DB_CSTR(x->requester);
	if ((rc = db_exec(s->db, Q_PORTAL_OWNER_ADD, a, 1, NULL, NULL,
	    NULL)) != DB_OK) {
		free(text);
		return rc;
	}
	a[1] = DB_CSTR(x->email != NULL ? x->email : "");
	a[2] = DB_CSTR(text);
	a[3] = DB_CSTR(x->notes);
	a[4] = DB_INT(row.created_ms);
	rc = db_exec(s->db, Q_ACCESS_INSERT, a, 5, NULL, NULL, NULL);
	free(text);
	if (rc != DB_OK)
		return rc;
	row.id = (long long)db_insert_id(s->db);
	row.requester = x->requester;
	row.email = x->email;
	row.groups = x->groups;
	row.notes = x->notes;
	row.state = "pending";
	if ((rc = notices_write(s, &row)) != DB_OK ||
	    (rc = audit(s, x->act, NULL, 0, NULL, 0, access_change(&row,
	    NULL))) != DB_OK)
		return rc;
	x->fn(x->arg, &row);
	return DB_OK;
}

enum store_rc
store_access_create(struct store *s, const struct actor *act,
    const char *requester, const char *email, const struct strlist *groups,
    const char *notes, void (*fn)(void *, const struct access_row *),
    void *arg)
{
	struct access_ctx	 x;

	memset(&x, 0, sizeof(x));
	x.act = act;
	x.requester = requester;
	x.email = email;
	x.groups = groups;
	x.notes = notes;
	x.fn = fn;
	x.arg = arg;
	return ring(tx(s, access_create_body, &x));
}

/* An approval gives its groups again, should an admin have taken them. */
static enum db_rc
unwithdraw(struct store *s, const struct access_row *r)
{
	struct db_arg	 a[2];
	enum db_rc	 rc = DB_OK;
	size_t		 i;

	a[0] = DB_CSTR(r->requester);
	for (i = 0; i < r->groups->n && rc == DB_OK; i++) {
		a[1] = DB_STR(r->groups->v[i], r->groups->len[i]);
		rc = db_exec(s->db, Q_WITHDRAW_CLEAR, a, 2, NULL, NULL, NULL);
	}
	return rc;
}

/* Request b->row, approved, is revoked by x->decider, with its reason. */
static enum db_rc
revoke_approval(struct store *s, struct access_ctx *x, struct access_buf *b,
    json_object **taken)
{
	struct db_arg	 a[4];
	enum db_rc	 rc;

	b->row.state = "revoked";
	b->row.reason = x->text;
	b->row.revoked_by = x->decider;
	b->row.revoked_ms = clock_wall_ms();
	a[0] = DB_CSTR(x->text);
	a[1] = DB_CSTR(x->decider);
	a[2] = DB_INT(b->row.revoked_ms);
	a[3] = DB_INT(x->id);
	if ((rc = db_exec(s->db, Q_ACCESS_REVOKE, a, 4, NULL, NULL, NULL)) !=
	    DB_OK)
		return rc;
	return take_back(s, &b->row, taken);
}

static enum db_rc
access_decide_body(struct store *s, void *arg, enum store_rc *out)
{
	struct access_ctx	*x = arg;
	struct access_buf	 b;
	struct db_arg		 a[6];
	json_object		*change, *taken = NULL;
	const char		*from;
	enum db_rc		 rc;
	int			 withdraw = strcmp(x->state, "withdrawn") == 0;
	int			 revoke = strcmp(x->state, "revoked") == 0;

	memset(&b, 0, sizeof(b));
	a[0] = DB_INT(x->id);
	if ((rc = db_exec(s->db, Q_ACCESS_LOCK, a, 1, row_access_one, &b,
	    NULL)) != DB_OK)
		goto out;
	if (b.bad) {
		*out = ST_ERR;
		goto out;
	}
	/* Another's request is as absent as one that is not there. */
	if (!b.found || (withdraw && strcmp(b.row.requester, x->decider) !=
	    0)) {
		*out = ST_NOT_FOUND;
		goto out;
	}
	from = revoke ? "approved" : "pending";
	if (strcmp(b.row.state, from) != 0) {
		*out = ST_CONFLICT;
		goto out;
	}
	if (!withdraw && strcmp(b.row.requester, x->decider) == 0) {
		*out = ST_FORBIDDEN;	/* nobody decides their own request */
		goto out;
	}
	if (revoke) {
		if ((rc = revoke_approval(s, x, &b, &taken)) != DB_OK)
			goto out;
	} else {
		b.row.state = x->state;
		b.row.decided_by = x->decider;
		b.row.decided_ms = clock_wall_ms();
		if (strcmp(x->state, "rejected") == 0)
			b.row.reason = x->text;
		else if (strcmp(x->state, "approved") == 0)
			b.row.note = x->text;
		a[0] = DB_CSTR(x->state);
		a[1] = DB_CSTR(b.row.reason != NULL ? b.row.reason : "");
		a[2] = DB_CSTR(b.row.note != NULL ? b.row.note : "");
		a[3] = DB_CSTR(x->decider);
		a[4] = DB_INT(b.row.decided_ms);
		a[5] = DB_INT(x->id);
		if ((rc = db_exec(s->db, Q_ACCESS_DECIDE, a, 6, NULL, NULL,
		    NULL)) != DB_OK || (strcmp(x->state, "approved") == 0 &&
		    (rc = unwithdraw(s, &b.row)) != DB_OK))
			goto out;
	}
	if ((rc = notices_write(s, &b.row)) != DB_OK)
		goto out;
	if ((change = access_change(&b.row, from)) != NULL && taken != NULL) {
		json_object_object_add(change, "taken", taken);
		taken = NULL;
	}
	if ((rc = audit(s, x->act, NULL, 0, NULL, 0, change)) != DB_OK)
		goto out;
	x->fn(x->arg, &b.row);
out:
	json_object_put(taken);
	access_buf_free(&b);
	return rc;
}

enum store_rc
store_access_decide(struct store *s, const struct actor *act, long long id,
    const char *state, const char *decider, const char *text,
    void (*fn)(void *, const struct access_row *), void *arg)
{
	struct access_ctx	 x;

	memset(&x, 0, sizeof(x));
	x.act = act;
	x.id = id;
	x.state = state;
	x.decider = decider;
	x.text = text;
	x.fn = fn;
	x.arg = arg;
	return ring(tx(s, access_decide_body, &x));
}

struct access_list_ctx {
	void			(*fn)(void *, const struct access_row *);
	void			*arg;
	struct access_buf	 b;
	int			 bad;
};

static int
row_access_each(void *arg, const struct db_col *c, unsigned n)
{
	struct access_list_ctx	*x = arg;

	(void)n;
	if (access_read(&x->b, c) == -1) {
		x->bad = 1;
		return 1;
	}
	x->fn(x->arg, &x->b.row);
	return 0;
}

enum store_rc
store_access_list(struct store *s, const char *requester, const char *state,
    void (*fn)(void *, const struct access_row *), void *arg)
{
	struct access_list_ctx	 x;
	struct db_arg		 a[4];
	enum db_rc		 rc;

	memset(&x, 0, sizeof(x));
	x.fn = fn;
	x.arg = arg;
	a[0] = a[1] = DB_CSTR(requester != NULL ? requester : "");
	a[2] = a[3] = DB_CSTR(state);
	rc = db_exec(s->db, Q_ACCESS_LIST, a, 4, row_access_each, &x, NULL);
	access_buf_free(&x.b);
	return x.bad ? ST_ERR : map(rc);
}

/* portal credentials */

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
 * first request, locked; without one it is entitled to nothing), each
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

	if ((rc = db_exec(s->db, Q_PORTAL_OWNER_LOCK, &a, 1, NULL, NULL,
	    NULL)) != DB_OK || (rc = db_exec(s->db, Q_OWNER_COUNTS, &a, 1,
	    row_counts, &k, NULL)) != DB_OK)
		return rc;
	if (k.live >= x->caps->live)
		*out = ST_LIMIT;
	else if (k.hour >= x->caps->per_hour) {
		x->caps->retry_s = k.retry_s > 0 ? k.retry_s : 1;
		*out = ST_RATE;
	}
	return DB_OK;
}

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
	if ((rc = db_exec(s->db, Q_OWNER_LOCK, a, 1, row_owner, &o, NULL)) !=
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
		if ((rc = db_exec(s->db, Q_OWNED_INSERT, a, 2, NULL, NULL,
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
	a[0] = a[2] = DB_INT(o.id);
	for (i = 0; i < want.n && rc == DB_OK; i++) {
		a[1] = DB_STR(want.v[i], want.len[i]);
		rc = db_exec(s->db, Q_GROUP_ADD_LAST, a, 3, NULL, NULL, NULL);
	}
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
	memset(cr, 0, sizeof(*cr));
	if (secret_hex128(cr->key) == -1 || secret_hex128(cr->secret) == -1 ||
	    secret_to_row(cr->key, cr->secret, text, sizeof(text), kid) == -1) {
		*out = ST_ERR;
		goto out;
	}
	strcpy(cr->algorithm, "HS256");
	cr->issued = 1;
	a[0] = DB_INT(o.id);
	a[1] = DB_CSTR(cr->key);
	a[2] = DB_CSTR(text);
	a[3] = DB_CSTR(kid);
	a[4] = DB_CSTR(x->notes);
	if ((rc = db_exec(s->db, Q_CRED_INSERT_NOTES, a, 5, NULL, NULL,
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
	return tx(s, generate_body, &x);
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

	return map(db_exec(s->db, Q_OWNED_CREDS, &a, 1, row_owned, &x, NULL));
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
	if ((rc = db_exec(s->db, Q_OWNED_CRED_LOCK, a, 2, row_owned_key, &k,
	    NULL)) != DB_OK)
		return rc;
	if (k.id < 0) {
		*out = ST_NOT_FOUND;	/* none, or not the owner's */
		return DB_OK;
	}
	a[0] = DB_INT(k.id);
	if ((rc = db_exec(s->db, Q_CRED_REVOKE_ID, a, 1, NULL, NULL, NULL)) !=
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

/* notifications */

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
	if ((rc = db_exec(s->db, Q_NOTIFY_UNREAD, &a, 1, row_count, unread,
	    NULL)) != DB_OK)
		return map(rc);
	return map(db_exec(s->db, Q_NOTIFY_LIST, &a, 1, row_notification, &x,
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
		if ((rc = db_exec(s->db, Q_NOTIFY_READ, a, 3, NULL, NULL,
		    NULL)) != DB_OK)
			return map(rc);
	}
	*unread = 0;
	return map(db_exec(s->db, Q_NOTIFY_UNREAD, &a[1], 1, row_count,
	    unread, NULL));
}

/* the outbox */

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
	struct db_arg		 a[2];
	enum db_rc		 rc;
	size_t			 i;

	claim_free(x);
	a[0] = a[1] = DB_INT(x->now);
	if ((rc = db_exec(s->db, Q_OUTBOX_DUE, a, 2, row_due, x, NULL)) !=
	    DB_OK)
		return rc;
	if (x->nomem) {
		*out = ST_ERR;
		return DB_OK;
	}
	a[0] = DB_INT(x->now + x->lease);
	for (i = 0; i < x->n; i++) {
		a[1] = DB_INT(x->rows[i].id);
		if ((rc = db_exec(s->db, Q_OUTBOX_CLAIM, a, 2, NULL, NULL,
		    NULL)) != DB_OK)
			return rc;
	}
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
		return map(db_exec(s->db, Q_OUTBOX_SENT, a, 2, NULL, NULL,
		    NULL));
	}
	a[0] = DB_INT(next);
	a[1] = DB_CSTR(error);
	a[2] = DB_INT(id);
	return map(db_exec(s->db, Q_OUTBOX_RETRY, a, 3, NULL, NULL, NULL));
}

enum store_rc
store_outbox_next(struct store *s, long long *next)
{
	*next = -1;
	return map(db_exec(s->db, Q_OUTBOX_NEXT, NULL, 0, row_count, next,
	    NULL));
}
