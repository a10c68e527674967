/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdio.h>
#include <string.h>

#include <mysql.h>
#include <mysqld_error.h>

#include "core/config.h"
#include "core/validate.h"
#include "store/dbnode.h"
#include "store/nodes.h"

/* wsrep_local_state 4: Synced, the only state a node is used in. */
#define DBNODE_SYNCED	 4

int
dbnode_state(MYSQL *my, struct dbnode_seen *seen)
{
	static const char	 on[] = "SELECT @@GLOBAL.wsrep_on";
	static const char	 st[] = "SHOW GLOBAL STATUS WHERE "
	    "Variable_name IN ('wsrep_local_state', "
	    "'wsrep_local_state_comment', 'wsrep_ready')";
	MYSQL_RES		*res;
	MYSQL_ROW		 row;
	int			 ready = 0;
	long long		 v;

	seen->wsrep = 0;
	seen->state = -1;
	snprintf(seen->comment, sizeof(seen->comment), "none");
	if (mysql_real_query(my, on, sizeof(on) - 1) != 0)
		/* A server built without wsrep does not know the name. */
		return mysql_errno(my) == ER_UNKNOWN_SYSTEM_VARIABLE;
	if ((res = mysql_store_result(my)) == NULL)
		return 0;
	row = mysql_fetch_row(res);
	seen->wsrep = row != NULL && row[0] != NULL && strcmp(row[0], "1") == 0;
	mysql_free_result(res);
	if (!seen->wsrep)
		return 1;
	if (mysql_real_query(my, st, sizeof(st) - 1) != 0 ||
	    (res = mysql_store_result(my)) == NULL)
		return 0;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (row[0] == NULL || row[1] == NULL)
			continue;
		if (strcmp(row[0], "wsrep_local_state") == 0 &&
		    validate_number(row[1], 10, 0, 99, &v) == 0)
			seen->state = (int)v;
		else if (strcmp(row[0], "wsrep_local_state_comment") == 0)
			snprintf(seen->comment, sizeof(seen->comment), "%s",
			    row[1]);
		else if (strcmp(row[0], "wsrep_ready") == 0)
			ready = strcmp(row[1], "ON") == 0;
	}
	mysql_free_result(res);
	return ready && seen->state == DBNODE_SYNCED;
}

/*
 * The session's settings, then the node's state: see dbnode.h.
 */
MYSQL *
dbnode_open(const struct config *c, const struct node *nd,
    unsigned timeout, int multi, int reads, struct dbnode_seen *seen,
    char *why, size_t whysz)
{
	MYSQL			*my;
	unsigned		 rw;
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
	/*
	 * The gateway's reads take what the node has (a cluster's reads
	 * would otherwise wait for it to catch up, up to seconds while a
	 * node is evicted); everyone else's read what was written
	 * anywhere before them, also on a node just returned to.
	 */
	static const char	 sync0[] = "SET SESSION wsrep_sync_wait = 0";
	static const char	 sync1[] = "SET SESSION wsrep_sync_wait = 1";
	char			 lockwait[64], mdlwait[64];

	if ((my = mysql_init(NULL)) == NULL) {
		snprintf(why, whysz, "no memory");
		return NULL;
	}
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	rw = (unsigned)c->db_rw_timeout;
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(my, MYSQL_OPT_RECONNECT, &off);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(my, MYSQL_INIT_COMMAND, isolation);
	mysql_options(my, MYSQL_INIT_COMMAND, concat);
	/* A change waits that long for a row another change holds. */
	snprintf(lockwait, sizeof(lockwait), "SET SESSION "
	    "innodb_lock_wait_timeout = %d", c->db_lock_wait_timeout);
	mysql_options(my, MYSQL_INIT_COMMAND, lockwait);
	/*
	 * And any statement that long for a table another session holds
	 * (LOCK TABLES, an ALTER TABLE waiting for its turn): the server's
	 * default is a year, and a worker waited db_rw_timeout twice.  Not
	 * the migrations (multi): their ALTER waits for its turn.
	 */
	if (!multi) {
		snprintf(mdlwait, sizeof(mdlwait), "SET SESSION "
		    "lock_wait_timeout = %d", c->db_lock_wait_timeout);
		mysql_options(my, MYSQL_INIT_COMMAND, mdlwait);
	}
	if (multi)
		flags |= CLIENT_MULTI_STATEMENTS;
	if (mysql_real_connect(my, nd->port == 0 ? NULL : nd->host,
	    c->db_user, c->db_password, c->db_name, nd->port,
	    nd->port == 0 ? nd->host : NULL, flags) == NULL) {
		snprintf(why, whysz, "cannot connect: %u %s",
		    mysql_errno(my), mysql_error(my));
		goto fail;
	}
	if (!dbnode_state(my, seen)) {
		if (mysql_errno(my) != 0)
			snprintf(why, whysz, "its state unread: %u %s",
			    mysql_errno(my), mysql_error(my));
		else
			snprintf(why, whysz, "not Synced (state %d, %s)",
			    seen->state, seen->comment);
		goto fail;
	}
	if (seen->wsrep && mysql_real_query(my, reads ? sync0 : sync1,
	    sizeof(sync0) - 1) != 0) {
		snprintf(why, whysz, "wsrep_sync_wait: %u %s",
		    mysql_errno(my), mysql_error(my));
		goto fail;
	}
	return my;
fail:
	mysql_close(my);
	return NULL;
}
