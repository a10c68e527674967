#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "seal.h"
#include "secret.h"
#include "store.h"

#define TX_TRIES	 3
#define LIKE_MAX	 (2 * STORE_KEY_MAX + 2)

enum stmt {
	Q_CONSUMER_UPSERT,
	Q_CONSUMER_LOCK,
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
	Q__MAX
};

static const char *const sql[Q__MAX] = {
	[Q_CONSUMER_UPSERT] =
	    "INSERT INTO consumers (username) VALUES (?) "
	    "ON DUPLICATE KEY UPDATE id = id",
	[Q_CONSUMER_LOCK] =
	    "SELECT id FROM consumers WHERE username = ? FOR UPDATE",
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
	    "UPDATE credentials r JOIN consumers c ON c.id = r.consumer_id "
	    "SET r.revoked_at = COALESCE(r.revoked_at, CURRENT_TIMESTAMP(3)) "
	    "WHERE c.username = ? AND r.`key` = ?",
	[Q_CONSUMER_COUNT] =
	    "SELECT COUNT(*) FROM consumers WHERE username LIKE ?",
	[Q_CONSUMER_PAGE] =
	    "SELECT c.username, GROUP_CONCAT(g.group_name ORDER BY g.position "
	    "SEPARATOR ',') FROM consumers c "
	    "LEFT JOIN consumer_groups g ON g.consumer_id = c.id "
	    "WHERE c.username LIKE ? GROUP BY c.id, c.username "
	    "ORDER BY c.username LIMIT ? OFFSET ?",
	[Q_PING] = "SELECT 1",
	[Q_AUTH] =
	    "SELECT c.username, r.algorithm, r.secret, r.public_key, "
	    "c.group_list, r.seal_key FROM credentials r "
	    "JOIN consumers c ON c.id = r.consumer_id "
	    "WHERE r.`key` = ? AND r.revoked_at IS NULL",
	[Q_SEAL_KEYS] =
	    "SELECT DISTINCT seal_key FROM credentials "
	    "WHERE seal_key IS NOT NULL",
	/* The next rows not sealed under the first key (?, "" for none). */
	[Q_SEAL_BATCH] =
	    "SELECT id, `key`, secret, seal_key FROM credentials "
	    "WHERE id > ? AND secret IS NOT NULL AND (seal_key IS NULL OR "
	    "(? <> '' AND seal_key <> ?)) ORDER BY id LIMIT 500 FOR UPDATE",
	[Q_SEAL_UPDATE] =
	    "UPDATE credentials SET secret = ?, seal_key = ? WHERE id = ?",
};

struct store {
	const struct config	*cfg;
	struct db		*db;
};

/* strlist */

int
strlist_add(struct strlist *l, const char *s, size_t len)
{
	char	**v, *copy;
	size_t	 *lv, cap;

	if (l->n == l->cap) {
		cap = l->cap == 0 ? 8 : l->cap * 2;
		if ((v = realloc(l->v, cap * sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		if ((lv = realloc(l->len, cap * sizeof(*lv))) == NULL)
			return -1;
		l->len = lv;
		l->cap = cap;
	}
	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	l->v[l->n] = copy;
	l->len[l->n++] = len;
	return 0;
}

int
strlist_has(const struct strlist *l, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (l->len[i] == len && memcmp(l->v[i], s, len) == 0)
			return 1;
	return 0;
}

void
strlist_free(struct strlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->len);
	memset(l, 0, sizeof(*l));
}

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
 * Runs body inside a transaction, again from the start on a deadlock, a
 * duplicate key raced in by another writer, or a connection lost
 * mid-way; not after a lock wait timeout (ST_BUSY).  body returns a db_rc and leaves its domain
 * outcome in *out; the transaction commits only when both are OK.
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
	if (rc != DB_OK)
		return map(rc == DB_RETRY || rc == DB_DUP ? DB_ERR : rc);
	return out;
}

static int
row_id(void *arg, const struct db_col *c, unsigned n)
{
	long long	*id = arg;

	*id = n >= 1 ? db_col_int(&c[0]) : -1;
	return 1;
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

static enum db_rc
create_body(struct store *s, void *arg, enum store_rc *out)
{
	struct create_ctx	*x = arg;
	struct credential	*cr = x->out;
	struct db_arg		 a[6];
	enum db_rc		 rc;
	long long		 id;
	char			 text[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char			 kid[SEAL_KID_LEN + 1];

	a[0] = DB_STR(x->user, x->ulen);
	if ((rc = db_exec(s->db, Q_CONSUMER_UPSERT, a, 1, NULL, NULL,
	    NULL)) != DB_OK)
		return rc;
	if ((rc = lock_consumer(s, x->user, x->ulen, &id)) != DB_OK)
		return rc;
	if (id < 0) {
		*out = ST_ERR;
		return DB_OK;
	}
	a[0] = DB_INT(id);
	a[1] = DB_CSTR(x->group);
	a[2] = DB_INT(id);
	if ((rc = db_exec(s->db, Q_GROUP_ADD_LAST, a, 3, NULL, NULL, NULL))
	    != DB_OK || (rc = groups_sync(s, id)) != DB_OK)
		return rc;
	memset(cr, 0, sizeof(*cr));
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

enum store_rc
store_consumer_create(struct store *s, const char *user, size_t ulen,
    const char *group, struct credential *out)
{
	struct create_ctx	 x = { user, group, ulen, out };

	return tx(s, create_body, &x);
}

/* groups */

struct groups_ctx {
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
	struct db_arg		 a[3];
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
	if (!x->remove && (rc = db_exec(s->db, Q_GROUP_DELETE_ALL, a, 1,
	    NULL, NULL, NULL)) != DB_OK)
		return rc;
	for (i = 0; i < x->list->n; i++) {
		a[1] = DB_STR(x->list->v[i], x->list->len[i]);
		a[2] = DB_INT((long long)i);
		rc = db_exec(s->db, x->remove ? Q_GROUP_DELETE_ONE :
		    Q_GROUP_INSERT, a, x->remove ? 2 : 3, NULL, NULL, NULL);
		if (rc != DB_OK)
			return rc;
	}
	if ((rc = groups_sync(s, id)) != DB_OK)
		return rc;
	return groups_of_id(s, id, x->out);
}

enum store_rc
store_groups_set(struct store *s, const char *user, size_t ulen,
    const struct strlist *list, struct strlist *out)
{
	struct groups_ctx	 x = { user, ulen, list, out, 0 };

	return tx(s, groups_body, &x);
}

enum store_rc
store_groups_remove(struct store *s, const char *user, size_t ulen,
    const struct strlist *list, struct strlist *out)
{
	struct groups_ctx	 x = { user, ulen, list, out, 1 };

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

enum store_rc
store_consumer_delete(struct store *s, const char *user, size_t ulen)
{
	struct db_arg		 a = DB_STR(user, ulen);
	unsigned long long	 n = 0;
	enum db_rc		 rc;

	/* One statement: the foreign keys take groups and credentials. */
	rc = db_exec(s->db, Q_CONSUMER_DELETE, &a, 1, NULL, NULL, &n);
	if (rc != DB_OK)
		return map(rc);
	return n > 0 ? ST_OK : ST_NOT_FOUND;
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
		}
		return DB_OK;
	}
	snprintf(cr->algorithm, sizeof(cr->algorithm), "%s", x->algorithm);
	if ((x->pem == NULL && secret_hex128(cr->secret) == -1) ||
	    secret_to_row(cr->key, cr->secret, text, sizeof(text), kid) == -1) {
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
	return db_exec(s->db, Q_CRED_INSERT, a, 6, NULL, NULL, NULL);
}

enum store_rc
store_credential_register(struct store *s, const char *user, size_t ulen,
    const char *key, size_t klen, const char *algorithm, const char *pem,
    struct credential *out)
{
	struct register_ctx	 x = { user, key, ulen, klen, algorithm, pem,
	    out };

	if (klen > STORE_KEY_MAX)
		return ST_ERR;
	return tx(s, register_body, &x);
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

enum store_rc
store_credential_revoke(struct store *s, const char *user, size_t ulen,
    const char *key, size_t klen)
{
	struct db_arg		 a[2];
	unsigned long long	 n = 0;
	enum db_rc		 rc;

	a[0] = DB_STR(user, ulen);
	a[1] = DB_STR(key, klen);
	rc = db_exec(s->db, Q_CRED_REVOKE, a, 2, NULL, NULL, &n);
	if (rc != DB_OK)
		return map(rc);
	return n > 0 ? ST_OK : ST_NOT_FOUND;
}

/* the gateway check */

void
store_auth_record_free(struct auth_record *r)
{
	free(r->public_key);
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
    struct auth_record *out)
{
	struct auth_ctx	 x = { out, NULL, 0, 0 };
	struct db_arg	 a = DB_STR(key, klen);
	enum db_rc	 rc;
	char		 k[STORE_KEY_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (klen > STORE_KEY_MAX)
		return ST_NOT_FOUND;
	memcpy(k, key, klen);
	k[klen] = '\0';
	x.key = k;
	rc = db_exec(s->db, Q_AUTH, &a, 1, row_auth, &x, NULL);
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
};

struct seal_ctx {
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
	    sizeof(r->secret)) == -1 || r->secret[0] == '\0') {
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
	struct db_arg	 a[3];
	char		 text[SEAL_TEXT_LEN(STORE_SECRET_MAX)];
	char		 kid[SEAL_KID_LEN + 1];
	const char	*first = x->all ? seal_first() : "";
	enum db_rc	 rc;
	size_t		 i;

	x->n = 0;
	a[0] = DB_INT(x->last);
	a[1] = DB_CSTR(first);
	a[2] = DB_CSTR(first);
	if ((rc = db_exec(s->db, Q_SEAL_BATCH, a, 3, row_seal, x, NULL)) !=
	    DB_OK)
		return rc;
	if (x->bad) {
		*out = ST_ERR;
		return DB_OK;
	}
	for (i = 0; i < x->n; i++) {
		if (secret_to_row(x->rows[i].key, x->rows[i].secret, text,
		    sizeof(text), kid) == -1) {
			*out = ST_ERR;
			return DB_OK;
		}
		a[0] = DB_CSTR(text);
		a[1] = DB_CSTR(kid);
		a[2] = DB_INT(x->rows[i].id);
		if ((rc = db_exec(s->db, Q_SEAL_UPDATE, a, 3, NULL, NULL,
		    NULL)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

enum store_rc
store_seal_rows(struct store *s, int all, long long *done)
{
	struct seal_ctx	*x;
	enum store_rc	 rc = ST_OK;

	*done = 0;
	if (!seal_active())
		return ST_OK;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return ST_ERR;
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
