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
#include "store/dbnode.h"
#include "store/nodes.h"

#define DB_MAX_ARGS	 16
#define DB_MAX_COLS	 16
#define DB_COL_INIT	 256

/*
 * The stall hold (nodes.h) is per node: a stalled node is not asked
 * again for 1 to 4 s, and a worker meanwhile goes to the next node of
 * the list at once, rather than calling the whole database down while
 * another node answers; only when every node is held is every call
 * DB_DOWN at once.  A worker then loses one timeout per hold, not one
 * per call: the gateway goes on passing what it has cached.
 */

/* A probe of an earlier node waits this long at most (seconds). */
#define DB_PROBE_TIMEOUT 1

struct db {
	const struct config	*cfg;
	const char *const	*sql;
	size_t			 nsql;
	int			 multi;
	MYSQL			*my;
	MYSQL_STMT		**stmts;	/* prepared lazily, per connection */
	int			 in_tx;
	unsigned long long	 insert_id;
	struct nodes		 nodes;		/* the list, the one used */
	int			 reads;		/* a gateway's: reads only */
	int			 wsrep;		/* the node is Galera's */
	int			 wsrep_state;	/* its wsrep_local_state */
	char			 wsrep_comment[32];
	/* Result buffers, grown as needed and kept across statements. */
	char			*colbuf[DB_MAX_COLS];
	unsigned long		 colcap[DB_MAX_COLS];
};

/*
 * The nodes of cfg: db_read_hosts (else db_hosts) for a process that
 * serves no admin routes (the gateway's pool), db_hosts for the others,
 * else the one server of db_host, db_port or db_socket.
 */
static int
db_nodes_of(const struct config *cfg, struct nodes *ns, int *reads)
{
	const char	*list = cfg->db_hosts;
	char		 err[512];

	*reads = !(cfg->routes & ROUTES_ADMIN);
	if (*reads && cfg->db_read_hosts[0] != '\0')
		list = cfg->db_read_hosts;
	if (list[0] == '\0') {
		if (cfg->db_socket[0] != '\0')
			nodes_one(ns, cfg->db_socket, 0);
		else
			nodes_one(ns, cfg->db_host, (unsigned)cfg->db_port);
		return 0;
	}
	if (nodes_parse(ns, list, list == cfg->db_hosts ? "db_hosts" :
	    "db_read_hosts", err, sizeof(err)) == -1) {
		log_error("%s", err);
		return -1;
	}
	return 0;
}

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
	if (db_nodes_of(cfg, &db->nodes, &db->reads) == -1) {
		free(db->stmts);
		free(db);
		return NULL;
	}
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
	nodes_lost(&db->nodes);
	metrics_db_node(-1);
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
	    e == CR_COMMANDS_OUT_OF_SYNC ||
	    /* A Galera node that left the primary component: WSREP has
	     * not yet prepared node for application use. */
	    e == ER_UNKNOWN_COM_ERROR;
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

/* Node i let an attempt wait, then failed it: held, once a hold. */
static void
db_stalled(const struct db *db, size_t i, long long waited)
{
	log_warn("the database stalled (node %zu, %lld ms, then no answer): "
	    "not asked for %lld ms", i, waited, db->nodes.node[i].hold_ms);
}

/*
 * After a statement on node i begun at t0 that ended rc: a connection
 * that stalled and then failed holds the node (nodes.h).  One lost at
 * once (a server restarted, an idle connection closed) does not: the
 * next connect asks the list from its first node again.
 */
static void
db_after(struct db *db, size_t i, enum db_rc rc, long long t0)
{
	long long	 waited = clock_mono_ms() - t0;

	if (rc != DB_DOWN || waited < NODES_STALL_MS || i >= db->nodes.n)
		return;
	(void)nodes_failed(&db->nodes, i, waited, clock_mono_ms());
	db_stalled(db, i, waited);
}

/*
 * The wsrep state of the connection my: *wsrep 0 on a server without
 * Galera (no wsrep_on, or off), else 1 with wsrep_local_state in *state
 * and its comment.  1 when the node may be used: no Galera, or Synced
 * and ready.  0 when not, or on an error (1047 among them).
 */
/*
 * A connection to node i of the list, connect timeout in seconds: into
 * *out, when the node answered and may be used (dbnode_open).  Else the
 * node is held (nodes_failed), its failure logged when it is a change,
 * and DB_DOWN.
 */
static enum db_rc
node_open(struct db *db, size_t i, unsigned timeout, MYSQL **out)
{
	const struct node	*nd = &db->nodes.node[i];
	struct dbnode_seen	 seen;
	long long		 t0 = clock_mono_ms(), waited;
	char			 why[160], where[NODES_HOST_MAX + 16];

	if ((*out = dbnode_open(db->cfg, nd, timeout, db->multi, db->reads,
	    &seen, why, sizeof(why))) != NULL) {
		db->wsrep = seen.wsrep;
		db->wsrep_state = seen.state;
		snprintf(db->wsrep_comment, sizeof(db->wsrep_comment), "%s",
		    seen.comment);
		return DB_OK;
	}
	metrics_db_error();
	waited = clock_mono_ms() - t0;
	if (nodes_failed(&db->nodes, i, waited, clock_mono_ms())) {
		nodes_where(nd, where, sizeof(where));
		log_warn("database node %zu (%s) unusable, %s", i, where, why);
	}
	if (waited >= NODES_STALL_MS)
		db_stalled(db, i, waited);
	return DB_DOWN;
}

/* From now on node i, whose connection is my, is the one in use. */
static void
db_take(struct db *db, size_t i, MYSQL *my)
{
	size_t		 was = db->nodes.last;
	char		 where[NODES_HOST_MAX + 16];

	db->my = my;
	if (nodes_use(&db->nodes, i, clock_mono_ms())) {
		metrics_db_failover();
		nodes_where(&db->nodes.node[i], where, sizeof(where));
		log_warn("database: now on node %zu (%s), was on node %zu%s",
		    i, where, was, i == 0 ? ", the first" : "");
	}
	metrics_db_node((int)i);
}

static enum db_rc
db_connect(struct db *db)
{
	struct nodes	*ns = &db->nodes;
	MYSQL		*my;
	size_t		 i;

	if (db->my != NULL)
		return DB_OK;
	for (i = nodes_next(ns, 0, clock_mono_ms()); i < ns->n;
	    i = nodes_next(ns, i + 1, clock_mono_ms()))
		if (node_open(db, i, (unsigned)db->cfg->db_connect_timeout,
		    &my) == DB_OK) {
			db_take(db, i, my);
			return DB_OK;
		}
	return DB_DOWN;
}

/*
 * Outside a transaction, a worker on a later node asks the earlier ones
 * again once the probe interval is over (nodes_probe_due): the first
 * usable one (Synced again) becomes the node in use, and the
 * connection to the later one is closed.  Each is asked with a short
 * connect timeout: a node still hung costs the worker that once.
 */
static void
db_probe(struct db *db)
{
	struct nodes	*ns = &db->nodes;
	MYSQL		*my;
	size_t		 i, cur = ns->cur;
	unsigned	 timeout = (unsigned)db->cfg->db_connect_timeout;
	long long	 t0 = clock_mono_ms();

	if (db->my == NULL || db->in_tx || !nodes_probe_due(ns, t0))
		return;
	if (timeout > DB_PROBE_TIMEOUT)
		timeout = DB_PROBE_TIMEOUT;
	for (i = nodes_next(ns, 0, t0); i < cur;
	    i = nodes_next(ns, i + 1, clock_mono_ms()))
		if (node_open(db, i, timeout, &my) == DB_OK) {
			db_disconnect(db);
			db_take(db, i, my);
			return;
		}
	nodes_probe_failed(ns, clock_mono_ms() - t0 >= NODES_STALL_MS,
	    clock_mono_ms());
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
	size_t		 node;

	if (n >= db->nsql)
		return DB_ERR;
	db_probe(db);
	do {
		t0 = clock_mono_ms();
		if ((rc = db_connect(db)) == DB_OK) {
			node = db->nodes.cur;
			rc = db_exec_once(db, n, args, nargs, fn, arg,
			    affected);
			db_after(db, node, rc, t0);
		} else
			tries = 1;	/* no node: no second try */
	} while (rc == DB_DOWN && --tries > 0);
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

/*
 * START TRANSACTION, connected first.  A connection lost while idle
 * gets one fresh try: on the first usable node, which is another one
 * when this one stalled (db_after held it).
 */
static enum db_rc
begin_once(struct db *db)
{
	enum db_rc	 rc;
	long long	 t0;
	size_t		 node;
	int		 tries = 2;

	do {
		if ((rc = db_connect(db)) != DB_OK)
			return rc;
		t0 = clock_mono_ms();
		node = db->nodes.cur;
		rc = db_simple(db, "START TRANSACTION", "begin");
		db_after(db, node, rc, t0);
	} while (rc == DB_DOWN && --tries > 0);
	return rc;
}

enum db_rc
db_begin(struct db *db)
{
	enum db_rc	 rc;

	db_probe(db);
	if ((rc = begin_once(db)) == DB_OK)
		db->in_tx = 1;
	return rc;
}

/*
 * A connection lost during COMMIT leaves the change done or not, and
 * nothing here can tell which: DB_UNSURE, never DB_DOWN, so that the
 * caller neither runs it again (twice done) nor says it was not done.
 */
enum db_rc
db_commit(struct db *db)
{
	static const char	 commit[] = "COMMIT";
	unsigned		 e;
	enum db_rc		 rc;

	db->in_tx = 0;
	if (db->my == NULL)
		return DB_DOWN;
	if (mysql_real_query(db->my, commit, sizeof(commit) - 1) == 0)
		return DB_OK;
	e = mysql_errno(db->my);
	/* 1047 is an answer: a node out of the cluster did not commit. */
	if ((rc = db_fail(db, e, "commit", mysql_error(db->my))) == DB_DOWN &&
	    e != ER_UNKNOWN_COM_ERROR)
		return DB_UNSURE;
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

size_t
db_nodes(const struct db *db)
{
	return db->nodes.n;
}

enum db_rc
db_node(struct db *db, struct db_node_info *out)
{
	size_t			 i = db->nodes.cur;
	struct dbnode_seen	 seen;

	memset(out, 0, sizeof(*out));
	out->index = -1;
	out->state = -1;
	snprintf(out->comment, sizeof(out->comment), "none");
	if (db->my == NULL || i >= db->nodes.n)
		return DB_DOWN;
	if (db->wsrep && !db->in_tx && !dbnode_state(db->my, &seen)) {
		db->wsrep_state = seen.state;
		snprintf(db->wsrep_comment, sizeof(db->wsrep_comment), "%s",
		    seen.comment);
		(void)nodes_failed(&db->nodes, i, 0, clock_mono_ms());
		if (mysql_errno(db->my) != 0)
			log_warn("database node %zu: its state unread (%u %s): "
			    "leaving it", i, mysql_errno(db->my),
			    mysql_error(db->my));
		else
			log_warn("database node %zu is no longer Synced (state "
			    "%d, %s): leaving it", i, db->wsrep_state,
			    db->wsrep_comment);
		out->state = db->wsrep_state;
		db_disconnect(db);
		return DB_DOWN;
	}
	if (db->wsrep && !db->in_tx) {
		db->wsrep_state = seen.state;
		snprintf(db->wsrep_comment, sizeof(db->wsrep_comment), "%s",
		    seen.comment);
	}
	nodes_where(&db->nodes.node[i], out->where, sizeof(out->where));
	out->index = (int)i;
	out->wsrep = db->wsrep;
	out->state = db->wsrep_state;
	snprintf(out->comment, sizeof(out->comment), "%s", db->wsrep_comment);
	return DB_OK;
}
