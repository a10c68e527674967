/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The MariaDB connection of one process: connect lazily, reconnect on
 * loss, prepared statements made once per connection from a table of
 * SQL the caller (the store's domains, joined by store.c) owns, and
 * transactions.  Only this file and dbnode.c (one node's connection)
 * include mysql.h.
 */
#ifndef ADMINUTIL_DB_H
#define ADMINUTIL_DB_H

#include <stddef.h>

struct config;
struct db;

enum db_rc {
	DB_OK = 0,
	DB_DUP,		/* a unique key refused the row */
	DB_RETRY,	/* deadlock: run the tx again */
	DB_BUSY,	/* a lock waited for longer than db_lock_wait_timeout */
	DB_DOWN,	/* the server cannot be reached (connection lost) */
	DB_UNSURE,	/* the connection was lost during COMMIT: done or not */
	DB_ERR		/* anything else; logged */
};

/* One bound parameter: a string of len bytes or an integer. */
struct db_arg {
	const char	*s;
	size_t		 len;
	long long	 i;
	int		 is_int;
};

#define DB_STR(str, l)	 ((struct db_arg){ (str), (l), 0, 0 })
#define DB_CSTR(str)	 ((struct db_arg){ (str), strlen(str), 0, 0 })
#define DB_INT(v)	 ((struct db_arg){ NULL, 0, (v), 1 })

/* One column of a result row: valid only during the row callback. */
struct db_col {
	const char	*s;	/* NUL-terminated; "" when null */
	size_t		 len;
	int		 null;
};

/* Called once per row; return non-zero to stop (then db_exec: DB_OK). */
typedef int (*db_row_fn)(void *arg, const struct db_col *cols,
    unsigned ncols);

/*
 * A handle for cfg (which must outlive it) and the nsql statements of
 * sql[] (a static table).  multi allows db_run() of several statements
 * at once, for migrations.  Does not connect.  NULL on no memory.
 */
struct db	*db_new(const struct config *cfg, const char *const *sql,
		    size_t nsql, int multi);
void		 db_free(struct db *);

/*
 * Runs statement number stmt with the args bound in order; each result
 * row goes to fn (may be NULL).  *affected (may be NULL) gets the rows
 * changed.  Outside a transaction a lost connection is re-opened and the
 * statement retried once.
 */
enum db_rc	 db_exec(struct db *, unsigned stmt, const struct db_arg *args,
		    size_t nargs, db_row_fn fn, void *arg,
		    unsigned long long *affected);

/* The id made by the last insert of this connection. */
unsigned long long db_insert_id(struct db *);

/*
 * A transaction.  db_begin connects, and a worker on a later node of
 * db_hosts may go back to an earlier one first (never in the middle of
 * a transaction).  db_commit is DB_UNSURE when the connection was lost
 * while the server committed, or not.
 */
enum db_rc	 db_begin(struct db *);
enum db_rc	 db_commit(struct db *);
void		 db_rollback(struct db *);

/* How many nodes the list has: 1 for the one server of db_host. */
size_t		 db_nodes(const struct db *);

/* The node in use, as /health tells it. */
struct db_node_info {
	char		 where[272];	/* host:port as configured, or socket */
	int		 index;		/* in the list; -1: none in use */
	int		 wsrep;		/* 0: a server without Galera */
	int		 state;		/* its wsrep_local_state */
	char		 comment[32];	/* wsrep_local_state_comment */
};

/*
 * Fills out with the node in use, asking a Galera node its state again
 * (a node no longer Synced is left: the next statement walks the list).
 * DB_OK, or DB_DOWN with out->index -1 when none is in use.
 */
enum db_rc	 db_node(struct db *, struct db_node_info *out);

/* Runs trusted SQL text (several statements if multi), for migrations. */
enum db_rc	 db_run(struct db *, const char *sql, size_t len);

/* Integer value of a column; -1 if not a non-negative integer. */
long long	 db_col_int(const struct db_col *);

#endif
