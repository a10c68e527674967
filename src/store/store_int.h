/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * What the store's domains share, for src/store/ only: the handle and
 * how a domain's statements are numbered in it, transactions, the audit
 * row, the last-admin guard, the rows several domains read or write
 * (store.c), and what one domain does for another.
 */
#ifndef ADMINUTIL_STORE_INT_H
#define ADMINUTIL_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/ratelimit.h"
#include "core/strlist.h"
#include "crypto/seal.h"
#include "store/db.h"
#include "store/store.h"

/*
 * The domains.  Each file has its table of statements, numbered from 0
 * (store_<domain>_sql[], store_<domain>_sql_n of them); store_new joins
 * the tables in this order into the one db_new prepares from (lazily,
 * per connection), and base[] says where each begins in it.
 */
enum store_domain {
	SD_STORE,	/* store.c */
	SD_CONSUMER,
	SD_CREDENTIAL,
	SD_SECRETS,
	SD_AUDIT,
	SD_ACCESS,
	SD_OWNED,
	SD_INBOX,
	SD_OUTBOX,
	SD_FEED,
	SD_STATE,
	SD__MAX
};

extern const char *const store_consumer_sql[];
extern const size_t	 store_consumer_sql_n;
extern const char *const store_credential_sql[];
extern const size_t	 store_credential_sql_n;
extern const char *const store_secrets_sql[];
extern const size_t	 store_secrets_sql_n;
extern const char *const store_audit_sql[];
extern const size_t	 store_audit_sql_n;
extern const char *const store_access_sql[];
extern const size_t	 store_access_sql_n;
extern const char *const store_owned_sql[];
extern const size_t	 store_owned_sql_n;
extern const char *const store_inbox_sql[];
extern const size_t	 store_inbox_sql_n;
extern const char *const store_outbox_sql[];
extern const size_t	 store_outbox_sql_n;
extern const char *const store_feed_sql[];
extern const size_t	 store_feed_sql_n;
extern const char *const store_state_sql[];
extern const size_t	 store_state_sql_n;

struct store {
	const struct config	*cfg;
	struct db		*db;
	const char		**sql;		/* the tables, joined */
	unsigned		 base[SD__MAX];	/* where each begins */
};

/*
 * db_exec() of statement q of domain d's table.  Each domain's file
 * has run(s, q, ...) for its own.
 */
enum db_rc	 store_run(struct store *, enum store_domain d, unsigned q,
		    const struct db_arg *, size_t, db_row_fn, void *,
		    unsigned long long *);

enum store_rc	 map(enum db_rc);

/*
 * Runs body inside a transaction, again from the start (store.c says
 * how often: for up to 8 s) on a deadlock, a duplicate key raced in by
 * another writer, or a connection lost mid-way (then on the next node
 * of db_hosts); not after a lock wait timeout.  Busy (ST_BUSY) after a
 * lock wait timeout or a deadlock each time; ST_UNSURE, never run
 * again, when the connection was lost during COMMIT.  body returns a
 * db_rc and leaves its domain outcome in *out; the transaction commits
 * only when both are OK.  It may run several times: it has no effect
 * outside the database and its own context.
 */
typedef enum db_rc (*tx_fn)(struct store *, void *, enum store_rc *);

enum store_rc	 tx(struct store *, tx_fn body, void *arg);

/*
 * Row callbacks (db_row_fn): the first column as an id into a long long
 * (-1 when none), as a name into a char[STORE_KEY_MAX + 1], as a count
 * into a long long; each row's first column added to a strlist.
 */
int		 row_id(void *, const struct db_col *, unsigned);
int		 row_name(void *, const struct db_col *, unsigned);
int		 row_count(void *, const struct db_col *, unsigned);
int		 row_group(void *, const struct db_col *, unsigned);

/* A column's text, NULL when it is null. */
const char	*col_str(const struct db_col *);

/* The portal user who made consumer id, "" for an operator's (or none). */
enum db_rc	 owner_of(struct store *, long long id,
		    char owner[STORE_KEY_MAX + 1]);

/*
 * A secret read back (not issued by this call) of a consumer the portal
 * made is wiped: its developer was told it is shown once, and an admin
 * is not to read it later, whatever secret_readback says.
 */
enum db_rc	 hide_owned(struct store *, long long id, struct credential *);

/* Locks the consumer row; *id = -1 when there is none. */
enum db_rc	 lock_consumer(struct store *, const char *user, size_t ulen,
		    long long *id);
/* The same; when there is none, also *out = ST_NOT_FOUND. */
enum db_rc	 lock_existing(struct store *, const char *user, size_t ulen,
		    long long *id, enum store_rc *out);

/* The groups of consumer id, in granted order, into out (emptied). */
enum db_rc	 groups_of_id(struct store *, long long id, struct strlist *out);

/* Rewrites the consumer's group_list from consumer_groups. */
enum db_rc	 groups_sync(struct store *, long long id);

/* Adds group name to consumer id, after its last, unless it has it. */
enum db_rc	 group_add(struct store *, long long id, const char *name,
		    size_t len);
/* Takes group name from consumer id. */
enum db_rc	 group_drop(struct store *, long long id, const char *name,
		    size_t len);

/*
 * Writes the audit row of a change; change (a JSON object, taken; NULL
 * on no memory) never holds a secret.  The last statement of the
 * change's transaction: it takes the audit id's lock, held to commit.
 */
enum db_rc	 audit(struct store *, const struct actor *,
		    const char *consumer, size_t clen, const char *key,
		    size_t klen, json_object *change);

/* A new object of the change: name, JSON value pairs, NULL-ended. */
json_object	*change_of(const char *name, ...);

/* 1 if one of list's groups is one of admin_groups. */
int		 admin_in(const struct store *, const struct strlist *list);

/*
 * With admin_auth = jwt, a change must leave some admin (a consumer of
 * admin_groups) with an active credential: nobody locks the operators
 * out.  *out = ST_LAST_ADMIN when none is left.  Writes the guards' row
 * 'admins' first: the check holds on a Galera cluster too.
 */
enum db_rc	 admin_left(struct store *, enum store_rc *out);

/*
 * Writes the portal owner's row: any two changes that call it for one
 * owner are one after the other, on one server (its lock) and on a
 * Galera cluster (their conflict).  None when the owner has no row.
 */
enum db_rc	 owner_turn(struct store *, const char *owner);

/*
 * The secret of a row of credential key: opened when the row names the
 * key that sealed it (kid), as it is when kid is NULL (a row of before
 * sealing, until --migrate seals it).  0, or -1 (logged; no secret).
 */
int		 secret_from_row(const char *key, const struct db_col *text,
		    const struct db_col *kid, char *out, size_t outsz);

/*
 * What a row keeps of secret for credential key: its sealed text and
 * the key's id, or, without a ring, the secret itself and "".
 */
int		 secret_to_row(const char *key, const char *secret,
		    char *text, size_t sz, char kid[SEAL_KID_LEN + 1]);

/*
 * A new HS256 credential into cr: a random key and secret (128 bits
 * each, hex), issued, and what its row keeps of the secret (text, kid:
 * secret_to_row).  0, or -1 (cr wiped).
 */
int		 credential_mint(struct credential *cr, char *text, size_t sz,
		    char kid[SEAL_KID_LEN + 1]);

/*
 * consumer.c, what its verbs write, for state.c too, which makes
 * several of them one change.  groups_write(): the groups of consumer
 * id set to exactly list (remove: list taken away), before and after
 * into before and after, *w as withdraw_taken's; *out = ST_LAST_ADMIN
 * when no admin would be left.  consumer_drop(): deletes consumer id
 * (user), its groups and keys (all, revoked too) read first, the same
 * *w and *out.  limits_write(): its own limits set to want (0: none).
 */
enum db_rc	 groups_write(struct store *, long long id,
		    const struct strlist *list, int remove,
		    struct strlist *before, struct strlist *after,
		    json_object **w, enum store_rc *out);
enum db_rc	 consumer_drop(struct store *, long long id, const char *user,
		    size_t ulen, struct strlist *groups, struct strlist *keys,
		    json_object **w, enum store_rc *out);
enum db_rc	 limits_write(struct store *, long long id,
		    const uint64_t want[RL_NWINDOWS],
		    uint64_t before[RL_NWINDOWS], uint64_t after[RL_NWINDOWS]);

/*
 * credential.c, likewise.  credential_insert(): cr (key, algorithm,
 * secret: "" for a public-key one) as a new credential of consumer id,
 * its secret sealed, pem its public key (NULL: none).
 * credential_rewrite(): credential cred_id's secret and public key
 * replaced, the previous ones verifying for grace_s seconds (0: not at
 * all) until until_ms.  credential_drop(): consumer id's credential
 * key revoked; *n rows changed (0: it has none of that key).
 */
enum db_rc	 credential_insert(struct store *, long long id,
		    const struct credential *cr, const char *pem,
		    enum store_rc *out);
enum db_rc	 credential_rewrite(struct store *, long long cred_id,
		    const char *key, long long grace_s, long long until_ms,
		    const char *secret, const char *pem, enum store_rc *out);
enum db_rc	 credential_drop(struct store *, long long id, const char *key,
		    size_t klen, unsigned long long *n);

/* credential.c: the consumer's oldest secret credential, or a new one. */
enum db_rc	 first_secret(struct store *, long long id,
		    struct credential *, enum store_rc *out);

/*
 * access.c.  withdraw_taken(): an admin took groups from consumer id:
 * those of before not in after (after NULL: all of before).  When the
 * portal made it, its owner is entitled to them no more, so that no
 * later generation gives them back, until an approver approves them
 * again.  *w: {owner, groups} for the audit row, NULL when the consumer
 * is an operator's (or none was taken).
 */
enum db_rc	 withdraw_taken(struct store *, long long id,
		    const struct strlist *before, const struct strlist *after,
		    json_object **w);

/*
 * access.c.  entitled(): the groups owner's approved requests give
 * (those allowed() keeps; NULL: all), in the order they were approved,
 * less those an admin withdrew (withdraw_taken).  *bad on no memory or
 * a row that does not parse.
 */
enum db_rc	 entitled(struct store *, const char *owner,
		    int (*allowed)(void *, const char *, size_t), void *arg,
		    struct strlist *out, int *bad);

/* inbox.c: a notification of recipient to about request id, at now_ms. */
enum db_rc	 inbox_put(struct store *, const char *to, long long id,
		    const char *text, long long now_ms);
/* inbox.c: recipient's notifications about request id are read. */
enum db_rc	 inbox_read_request(struct store *, const char *to,
		    long long id);

/* outbox.c: a mail to rcpt, due at now_ms, with a Message-ID of its own. */
enum db_rc	 outbox_put(struct store *, const char *rcpt,
		    const char *subject, const char *body, long long now_ms);

/*
 * outbox.c: rings the outbox's bell after a change that wrote mail
 * committed (rc ST_OK); returns rc.
 */
enum store_rc	 ring(enum store_rc rc);

#endif
