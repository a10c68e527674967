/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/validate.h"
#include "store/db.h"

#define DB_MAX_ARGS	 16
#define DB_MAX_COLS	 16
#define DB_COL_INIT	 256

/*
 * A server that lets an attempt wait DB_STALL_MS or more and then fails
 * it is stalled (stopped, swamped, or across a cut network), not gone:
 * it is not asked again for a hold of DB_HOLD_MIN_MS, doubling to
 * DB_HOLD_MAX_MS while it stays so, and every call meanwhile is DB_DOWN
 * at once.  A worker then loses one timeout per hold, not one per call:
 * the gateway goes on passing what it has cached.  A server that
 * refuses at once (stopped) is asked again at once.
 */
#define DB_STALL_MS	 900
#define DB_HOLD_MIN_MS	 1000
#define DB_HOLD_MAX_MS	 4000

struct db {
	const struct config	*cfg;
	const char *const	*sql;
	size_t			 nsql;
	int			 multi;
	MYSQL			*my;
	MYSQL_STMT		**stmts;	/* prepared lazily, per connection */
	int			 in_tx;
	unsigned long long	 insert_id;
	long long		 hold_until, hold_ms;	/* a stall's hold */
	/* Result buffers, grown as needed and kept across statements. */
	char			*colbuf[DB_MAX_COLS];
	unsigned long		 colcap[DB_MAX_COLS];
};

struct db *
db_new(const struct config *cfg, const char *const *sql, size_t nsql,
    int multi)
{
	struct db	*db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	if (nsql > 0 && (db->stmts = calloc(nsql, sizeof(*db->stmts))) ==
	    NULL) {
		free(db);
		return NULL;
	}
	db->cfg = cfg;
	db->sql = sql;
	db->nsql = nsql;
	db->multi = multi;
	return db;
}

static void
db_disconnect(struct db *db)
{
	size_t	 i;

	for (i = 0; i < db->nsql; i++)
		if (db->stmts[i] != NULL) {
			mysql_stmt_close(db->stmts[i]);
			db->stmts[i] = NULL;
		}
	if (db->my != NULL) {
		mysql_close(db->my);
		db->my = NULL;
	}
	db->in_tx = 0;
}

void
db_free(struct db *db)
{
	size_t	 i;

	if (db == NULL)
		return;
	db_disconnect(db);
	for (i = 0; i < DB_MAX_COLS; i++)
		free(db->colbuf[i]);
	free(db->stmts);
	free(db);
}

static int
lost(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == CR_SERVER_LOST_EXTENDED || e == ER_CONNECTION_KILLED ||
	    e == CR_COMMANDS_OUT_OF_SYNC;
}

/* Classifies a MySQL error number; disconnects on a lost connection. */
static enum db_rc
db_fail(struct db *db, unsigned e, const char *what, const char *msg)
{
	if (e == ER_DUP_ENTRY)
		return DB_DUP;
	if (e == ER_LOCK_DEADLOCK)
		return DB_RETRY;
	/* Waiting again would only double the wait: the caller says so. */
	if (e == ER_LOCK_WAIT_TIMEOUT)
		return DB_BUSY;
	metrics_db_error();
	if (lost(e)) {
		log_warn("database connection lost (%s): %u %s", what, e, msg);
		db_disconnect(db);
		return DB_DOWN;
	}
	log_error("database error (%s): %u %s", what, e, msg);
	return DB_ERR;
}

/*
 * After an attempt begun at t0 that ended rc: an answer ends a hold, a
 * stall starts or doubles one.  1 when it did.
 */
static int
db_after(struct db *db, enum db_rc rc, long long t0)
{
	long long	 waited = clock_mono_ms() - t0;

	if (rc != DB_DOWN) {
		db->hold_ms = 0;
		return 0;
	}
	if (waited < DB_STALL_MS)
		return 0;
	db->hold_ms = db->hold_ms == 0 ? DB_HOLD_MIN_MS :
	    db->hold_ms * 2 > DB_HOLD_MAX_MS ? DB_HOLD_MAX_MS : db->hold_ms * 2;
	db->hold_until = clock_mono_ms() + db->hold_ms;
	log_warn("the database stalled (%lld ms, then no answer): not asked "
	    "for %lld ms", waited, db->hold_ms);
	return 1;
}

static enum db_rc
db_connect(struct db *db)
{
	const struct config	*c = db->cfg;
	unsigned		 timeout;
	unsigned long		 flags = CLIENT_FOUND_ROWS;
	my_bool			 off = 0;
	/*
	 * READ COMMITTED: a create that waited for another's lock on the
	 * same username then sees the credential that one committed.
	 */
	static const char	 isolation[] = "SET SESSION TRANSACTION "
	    "ISOLATION LEVEL READ COMMITTED";
	static const char	 concat[] = "SET SESSION group_concat_max_len "
	    "= 1048576";
	char			 lockwait[64], mdlwait[64];

	if (db->my != NULL)
		return DB_OK;
	if (db->hold_until != 0 && clock_mono_ms() < db->hold_until)
		return DB_DOWN;
	if ((db->my = mysql_init(NULL)) == NULL)
		return DB_ERR;
	timeout = (unsigned)c->db_connect_timeout;
	mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	timeout = (unsigned)c->db_rw_timeout;
	mysql_options(db->my, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(db->my, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(db->my, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->my, MYSQL_INIT_COMMAND, isolation);
	mysql_options(db->my, MYSQL_INIT_COMMAND, concat);
	/* A change waits that long for a row another change holds. */
	snprintf(lockwait, sizeof(lockwait), "SET SESSION "
	    "innodb_lock_wait_timeout = %d", c->db_lock_wait_timeout);
	mysql_options(db->my, MYSQL_INIT_COMMAND, lockwait);
	/*
	 * And any statement that long for a table another session holds
	 * (LOCK TABLES, an ALTER TABLE waiting for its turn): the server's
	 * default is a year, and a worker waited db_rw_timeout twice.  Not
	 * the migrations (multi): their ALTER waits for its turn.
	 */
	if (!db->multi) {
		snprintf(mdlwait, sizeof(mdlwait), "SET SESSION "
		    "lock_wait_timeout = %d", c->db_lock_wait_timeout);
		mysql_options(db->my, MYSQL_INIT_COMMAND, mdlwait);
	}
	if (db->multi)
		flags |= CLIENT_MULTI_STATEMENTS;
	if (mysql_real_connect(db->my,
	    c->db_socket[0] != '\0' ? NULL : c->db_host, c->db_user,
	    c->db_password, c->db_name, (unsigned)c->db_port,
	    c->db_socket[0] != '\0' ? c->db_socket : NULL, flags) == NULL) {
		metrics_db_error();
		log_warn("cannot connect to the database: %u %s",
		    mysql_errno(db->my), mysql_error(db->my));
		mysql_close(db->my);
		db->my = NULL;
		return DB_DOWN;
	}
	return DB_OK;
}

static enum db_rc
db_prepare(struct db *db, unsigned n, MYSQL_STMT **out)
{
	MYSQL_STMT	*st = NULL;
	my_bool		 on = 1;

	if (db->stmts[n] != NULL) {
		*out = db->stmts[n];
		return DB_OK;
	}
	if ((st = mysql_stmt_init(db->my)) == NULL)
		return DB_ERR;
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (mysql_stmt_prepare(st, db->sql[n], strlen(db->sql[n])) != 0) {
		enum db_rc rc = db_fail(db, mysql_stmt_errno(st), "prepare",
		    mysql_stmt_error(st));
		mysql_stmt_close(st);
		return rc;
	}
	*out = db->stmts[n] = st;
	return DB_OK;
}

static int
grow(struct db *db, unsigned i, unsigned long need)
{
	char		*p;
	unsigned long	 cap;

	if (db->colcap[i] >= need)
		return 0;
	cap = need < DB_COL_INIT ? DB_COL_INIT : need;
	if ((p = realloc(db->colbuf[i], cap)) == NULL)
		return -1;
	db->colbuf[i] = p;
	db->colcap[i] = cap;
	return 0;
}

/*
 * One attempt; the connection is open.  Longer than most: it is the
 * statement's protocol in order (bind, execute, store, bind the result,
 * fetch each row, free), and every failure on the way leaves by the one
 * exit that closes the statement (a statement that failed mid-result
 * hangs its next execute): split, each part would carry that state.
 */
static enum db_rc
db_exec_once(struct db *db, unsigned n, const struct db_arg *args,
    size_t nargs, db_row_fn fn, void *arg, unsigned long long *affected)
{
	MYSQL_STMT	*st = NULL;
	MYSQL_BIND	 in[DB_MAX_ARGS], out[DB_MAX_COLS];
	unsigned long	 len[DB_MAX_COLS];
	my_bool		 isnull[DB_MAX_COLS], err[DB_MAX_COLS];
	struct db_col	 cols[DB_MAX_COLS];
	unsigned	 ncols, i;
	enum db_rc	 rc;
	int		 r, stop = 0;

	if (nargs > DB_MAX_ARGS) {
		log_error("database: statement %u has over %d parameters", n,
		    DB_MAX_ARGS);
		return DB_ERR;
	}
	if ((rc = db_prepare(db, n, &st)) != DB_OK)
		return rc;
	memset(in, 0, sizeof(in));
	for (i = 0; i < nargs; i++) {
		if (args[i].is_int) {
			in[i].buffer_type = MYSQL_TYPE_LONGLONG;
			in[i].buffer = (void *)(uintptr_t)&args[i].i;
		} else {
			in[i].buffer_type = MYSQL_TYPE_STRING;
			in[i].buffer = (void *)(uintptr_t)args[i].s;
			in[i].buffer_length = args[i].len;
		}
	}
	if (mysql_stmt_bind_param(st, in) != 0 || mysql_stmt_execute(st) != 0)
		goto fail;
	/* The statement's own field count: no metadata copy per call. */
	if ((ncols = mysql_stmt_field_count(st)) > 0) {
		if (ncols > DB_MAX_COLS) {
			mysql_stmt_free_result(st);
			log_error("database: statement %u has over %d columns",
			    n, DB_MAX_COLS);
			return DB_ERR;
		}
		if (mysql_stmt_store_result(st) != 0)
			goto fail;
		memset(out, 0, sizeof(out));
		for (i = 0; i < ncols; i++) {
			/* store_result() has set each field's max_length. */
			if (grow(db, i, st->fields[i].max_length + 1) == -1)
				goto nomem;
			out[i].buffer_type = MYSQL_TYPE_STRING;
			out[i].buffer = db->colbuf[i];
			out[i].buffer_length = db->colcap[i];
			out[i].length = &len[i];
			out[i].is_null = &isnull[i];
			out[i].error = &err[i];
		}
		if (mysql_stmt_bind_result(st, out) != 0)
			goto fail;
		while (!stop && (r = mysql_stmt_fetch(st)) != MYSQL_NO_DATA) {
			if (r == 1)
				goto fail;
			for (i = 0; i < ncols; i++) {
				if (isnull[i])
					len[i] = 0;
				else if (len[i] >= db->colcap[i]) {
					log_error("database: column %u of "
					    "statement %u truncated", i, n);
					goto nomem;
				}
				db->colbuf[i][len[i]] = '\0';
				cols[i].s = db->colbuf[i];
				cols[i].len = len[i];
				cols[i].null = isnull[i];
			}
			if (fn != NULL)
				stop = fn(arg, cols, ncols);
		}
		mysql_stmt_free_result(st);
	}
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	db->insert_id = mysql_stmt_insert_id(st);
	return DB_OK;
nomem:
	mysql_stmt_free_result(st);
	log_error("database: cannot read a result");
	return DB_ERR;
fail:
	rc = db_fail(db, mysql_stmt_errno(st), "execute",
	    mysql_stmt_error(st));
	/*
	 * A statement that failed is closed, and prepared again at its next
	 * use.  After an error in the middle of a result (a deadlock found
	 * while the rows are sent), libmariadb 3.3 leaves the statement so
	 * that its next execute waits for a reply the server never sends:
	 * the retried transaction hung for db_rw_timeout, holding its locks.
	 */
	if (db->my != NULL && db->stmts[n] == st) {
		mysql_stmt_close(st);
		db->stmts[n] = NULL;
	}
	return rc;
}

enum db_rc
db_exec(struct db *db, unsigned n, const struct db_arg *args, size_t nargs,
    db_row_fn fn, void *arg, unsigned long long *affected)
{
	enum db_rc	 rc;
	int		 tries = db->in_tx ? 1 : 2;
	long long	 t0;

	if (n >= db->nsql)
		return DB_ERR;
	do {
		t0 = clock_mono_ms();
		if ((rc = db_connect(db)) == DB_OK)
			rc = db_exec_once(db, n, args, nargs, fn, arg,
			    affected);
		else
			tries = 1;	/* no connection: no second try */
	} while (!db_after(db, rc, t0) && rc == DB_DOWN && --tries > 0);
	return rc;
}

unsigned long long
db_insert_id(struct db *db)
{
	return db->insert_id;
}

static enum db_rc
db_simple(struct db *db, const char *sql, const char *what)
{
	if (db->my == NULL)
		return DB_DOWN;
	if (mysql_real_query(db->my, sql, strlen(sql)) != 0)
		return db_fail(db, mysql_errno(db->my), what,
		    mysql_error(db->my));
	return DB_OK;
}

static enum db_rc
begin_once(struct db *db)
{
	enum db_rc	 rc;

	if ((rc = db_connect(db)) != DB_OK)
		return rc;
	if ((rc = db_simple(db, "START TRANSACTION", "begin")) == DB_DOWN) {
		/* A connection lost while idle: one fresh try. */
		if ((rc = db_connect(db)) != DB_OK)
			return rc;
		rc = db_simple(db, "START TRANSACTION", "begin");
	}
	return rc;
}

enum db_rc
db_begin(struct db *db)
{
	long long	 t0 = clock_mono_ms();
	enum db_rc	 rc = begin_once(db);

	(void)db_after(db, rc, t0);
	if (rc == DB_OK)
		db->in_tx = 1;
	return rc;
}

enum db_rc
db_commit(struct db *db)
{
	enum db_rc	 rc;

	rc = db_simple(db, "COMMIT", "commit");
	db->in_tx = 0;
	return rc;
}

void
db_rollback(struct db *db)
{
	if (db->my != NULL && db->in_tx)
		(void)db_simple(db, "ROLLBACK", "rollback");
	db->in_tx = 0;
}

enum db_rc
db_run(struct db *db, const char *sql, size_t len)
{
	MYSQL_RES	*res;
	enum db_rc	 rc;
	int		 status;

	if ((rc = db_connect(db)) != DB_OK)
		return rc;
	if (mysql_real_query(db->my, sql, len) != 0)
		return db_fail(db, mysql_errno(db->my), "run",
		    mysql_error(db->my));
	do {
		if ((res = mysql_store_result(db->my)) != NULL)
			mysql_free_result(res);
		if ((status = mysql_next_result(db->my)) > 0)
			return db_fail(db, mysql_errno(db->my), "run",
			    mysql_error(db->my));
	} while (status == 0);
	return DB_OK;
}

long long
db_col_int(const struct db_col *c)
{
	long long	 v;

	if (c->null || validate_number(c->s, 10, 0, LLONG_MAX, &v) == -1)
		return -1;
	return v;
}
