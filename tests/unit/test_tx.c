/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of tx(), the store's transaction, over a database in
 * memory: this program defines db.h's functions, so neither db.c nor
 * MariaDB is linked (design.md, "Testing a layer without the ones
 * below").  Each case scripts what BEGIN, the body and COMMIT answer,
 * try by try, and checks how often the body ran and what tx() said: a
 * deadlock is run again from BEGIN, a connection lost is run again on
 * the next node (once with one server), a COMMIT whose end is unknown
 * is never run again.
 */
#include "build.h"

#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"
#include "unit.h"

#define TRIES_MAX	 64

/* The script: what each try's BEGIN, body and COMMIT answer. */
static struct {
	enum db_rc	 begin[TRIES_MAX], body[TRIES_MAX], commit[TRIES_MAX];
	size_t		 nodes;		/* db_nodes() */
	int		 begins, bodies, commits, rollbacks;
	int		 in_tx;
} fake;

static int	 fake_db;	/* the handle db_new gives */

static void
script(size_t nodes)
{
	memset(&fake, 0, sizeof(fake));
	fake.nodes = nodes;
}

struct db *
db_new(const struct config *cfg, const char *const *sql, size_t nsql,
    int multi)
{
	(void)cfg;
	(void)sql;
	(void)nsql;
	(void)multi;
	return (struct db *)(void *)&fake_db;
}

void
db_free(struct db *db)
{
	(void)db;
}

enum db_rc
db_exec(struct db *db, unsigned stmt, const struct db_arg *args,
    size_t nargs, db_row_fn fn, void *arg, unsigned long long *affected)
{
	(void)db;
	(void)stmt;
	(void)args;
	(void)nargs;
	(void)fn;
	(void)arg;
	(void)affected;
	return DB_ERR;
}

unsigned long long
db_insert_id(struct db *db)
{
	(void)db;
	return 0;
}

enum db_rc
db_begin(struct db *db)
{
	enum db_rc	 rc;

	(void)db;
	CU_ASSERT_FATAL(fake.begins < TRIES_MAX);
	CU_ASSERT(!fake.in_tx);
	if ((rc = fake.begin[fake.begins++]) == DB_OK)
		fake.in_tx = 1;
	return rc;
}

enum db_rc
db_commit(struct db *db)
{
	(void)db;
	CU_ASSERT(fake.in_tx);
	fake.in_tx = 0;
	return fake.commit[fake.commits++];
}

void
db_rollback(struct db *db)
{
	(void)db;
	fake.in_tx = 0;
	fake.rollbacks++;
}

enum db_rc
db_run(struct db *db, const char *sql, size_t len)
{
	(void)db;
	(void)sql;
	(void)len;
	return DB_ERR;
}

long long
db_col_int(const struct db_col *c)
{
	(void)c;
	return -1;
}

size_t
db_nodes(const struct db *db)
{
	(void)db;
	return fake.nodes;
}

enum db_rc
db_node(struct db *db, struct db_node_info *out)
{
	(void)db;
	memset(out, 0, sizeof(*out));
	out->index = -1;
	return DB_DOWN;
}

static enum db_rc
body(struct store *s, void *arg, enum store_rc *out)
{
	(void)s;
	(void)arg;
	(void)out;
	CU_ASSERT(fake.in_tx);
	return fake.body[fake.bodies++];
}

static struct store	*st;
static struct config	 cfg;

static int
setup(void)
{
	config_defaults(&cfg);
	return (st = store_new(&cfg)) == NULL ? -1 : 0;
}

static int
teardown(void)
{
	store_free(st);
	return 0;
}

/* A deadlock at a statement and one at COMMIT: run again, then done. */
static void
test_deadlock(void)
{
	script(1);
	fake.body[0] = DB_RETRY;
	fake.commit[0] = DB_RETRY;	/* the second try's COMMIT */
	CU_ASSERT_EQUAL(tx(st, body, NULL), ST_OK);
	CU_ASSERT_EQUAL(fake.bodies, 3);
	CU_ASSERT_EQUAL(fake.commits, 2);
	CU_ASSERT_EQUAL(fake.rollbacks, 1);
}

/* More deadlocks than three tries used to outlast. */
static void
test_deadlocks_outlasted(void)
{
	int	 i;

	script(3);
	for (i = 0; i < 6; i++)
		fake.body[i] = DB_RETRY;
	CU_ASSERT_EQUAL(tx(st, body, NULL), ST_OK);
	CU_ASSERT_EQUAL(fake.bodies, 7);
	CU_ASSERT_EQUAL(fake.commits, 1);
}

/* A COMMIT whose end is unknown: never run again, never ST_OK. */
static void
test_commit_unsure(void)
{
	script(3);
	fake.commit[0] = DB_UNSURE;
	CU_ASSERT_EQUAL(tx(st, body, NULL), ST_UNSURE);
	CU_ASSERT_EQUAL(fake.bodies, 1);
	CU_ASSERT_EQUAL(fake.begins, 1);
}

/* One server: a lost connection is tried once again, then down. */
static void
test_down_one_server(void)
{
	script(1);
	fake.body[0] = DB_DOWN;
	fake.begin[1] = DB_DOWN;
	CU_ASSERT_EQUAL(tx(st, body, NULL), ST_DOWN);
	CU_ASSERT_EQUAL(fake.begins, 2);
	CU_ASSERT_EQUAL(fake.bodies, 1);
	/* Once again is enough when the server is back. */
	script(1);
	fake.body[0] = DB_DOWN;
	CU_ASSERT_EQUAL(tx(st, body, NULL), ST_OK);
	CU_ASSERT_EQUAL(fake.bodies, 2);
}

/*
 * Several nodes: a connection lost mid-way, then no node for a while
 * (a cluster evicting one), then one: the whole body again, done.
 */
static void
test_down_failover(void)
{
	int	 i;

	script(3);
	fake.body[0] = DB_DOWN;
	for (i = 1; i < 5; i++)
		fake.begin[i] = DB_DOWN;
	CU_ASSERT_EQUAL(tx(st, body, NULL), ST_OK);
	CU_ASSERT_EQUAL(fake.begins, 6);
	CU_ASSERT_EQUAL(fake.bodies, 2);
	CU_ASSERT_EQUAL(fake.commits, 1);
}

/* A duplicate key raced in: three tries, then an error. */
static void
test_dup(void)
{
	int	 i;

	script(3);
	for (i = 0; i < TRIES_MAX; i++)
		fake.body[i] = DB_DUP;
	CU_ASSERT_EQUAL(tx(st, body, NULL), ST_ERR);
	CU_ASSERT_EQUAL(fake.bodies, 3);
}

/* A lock wait timeout, an error: not run again. */
static void
test_not_again(void)
{
	script(3);
	fake.body[0] = DB_BUSY;
	CU_ASSERT_EQUAL(tx(st, body, NULL), ST_BUSY);
	CU_ASSERT_EQUAL(fake.bodies, 1);
	script(3);
	fake.body[0] = DB_ERR;
	CU_ASSERT_EQUAL(tx(st, body, NULL), ST_ERR);
	CU_ASSERT_EQUAL(fake.bodies, 1);
}

static const CU_TestInfo tests[] = {
	{ "a deadlock is run again from BEGIN", test_deadlock },
	{ "six deadlocks in a row are outlasted", test_deadlocks_outlasted },
	{ "a COMMIT of unknown end is never run again", test_commit_unsure },
	{ "one server: a lost connection once again", test_down_one_server },
	{ "several nodes: run again until one answers", test_down_failover },
	{ "a duplicate key: three tries", test_dup },
	{ "a lock wait timeout or an error: not again", test_not_again },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("tx", tests, setup, teardown);
}
