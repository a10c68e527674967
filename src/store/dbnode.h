/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * One node of the database: a connection to it with the session's
 * settings made, and whether it may be used (a server without wsrep, or
 * a Galera node Synced and ready).  db.c walks the list of nodes and
 * decides what a failure means (nodes.c); this file only asks one.
 */
#ifndef ADMINUTIL_DBNODE_H
#define ADMINUTIL_DBNODE_H

#include <stddef.h>

#include <mysql.h>

struct config;
struct node;

/* What a node said of itself. */
struct dbnode_seen {
	int	 wsrep;		/* it runs Galera */
	int	 state;		/* wsrep_local_state; -1: none */
	char	 comment[32];	/* wsrep_local_state_comment, or "none" */
};

/*
 * Asks my's server its state into *seen: 1 when it may be used, 0 when
 * not (not Synced or not ready, or the question failed:
 * mysql_errno(my) then says why).
 */
int	 dbnode_state(MYSQL *my, struct dbnode_seen *seen);

/*
 * A connection to nd for cfg, connect timeout in seconds, multi for
 * several statements a query (migrations), reads for the gateway's
 * session (wsrep_sync_wait = 0): the connection when the node answered
 * and may be used, with *seen; else NULL and why (a line for the log).
 */
MYSQL	*dbnode_open(const struct config *cfg, const struct node *nd,
	    unsigned timeout, int multi, int reads, struct dbnode_seen *seen,
	    char *why, size_t whysz);

#endif
