/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The database servers a process may use, in the order of db_hosts (or
 * db_read_hosts), and the decisions db.c takes over them: which node to
 * ask next, how long a node that failed is left alone, when a worker on
 * a later node asks the earlier ones again.  No MariaDB call here: the
 * clock is an argument, so a unit test walks the list.
 */
#ifndef ADMINUTIL_NODES_H
#define ADMINUTIL_NODES_H

#include <stddef.h>

#define NODES_MAX	 8	/* entries of a list */
#define NODES_HOST_MAX	 255

/*
 * A server that lets an attempt wait NODES_STALL_MS or more and then
 * fails it is stalled (stopped, swamped, or across a cut network), not
 * gone: it is not asked again for a hold of NODES_HOLD_MIN_MS, doubling
 * to NODES_HOLD_MAX_MS while it stays so.  A node of a list that fails
 * at once (refused, not Synced, 1047) is left alone NODES_PROBE_MS; the
 * one server of a single-node list is asked again at once.
 */
#define NODES_STALL_MS	 900
#define NODES_HOLD_MIN_MS 1000
#define NODES_HOLD_MAX_MS 4000
/*
 * A worker on a later node asks the earlier ones again every
 * NODES_PROBE_MS, outside a transaction; a probe that stalled doubles
 * that, to NODES_PROBE_MAX_MS, so that a hung first node costs a worker
 * one connect timeout per that long, not per statement.
 */
#define NODES_PROBE_MS	 2000
#define NODES_PROBE_MAX_MS 8000

struct node {
	char		 host[NODES_HOST_MAX + 1];
	unsigned	 port;		/* 0: the socket of the configuration */
	long long	 hold_until;	/* not asked before (ms, monotonic) */
	long long	 hold_ms;	/* the last stall's hold */
	int		 failed;	/* the last attempt failed (logged) */
};

struct nodes {
	struct node	 node[NODES_MAX];
	size_t		 n;
	size_t		 cur;		/* the node in use; n: none */
	size_t		 last;		/* the node used last; n: none yet */
	long long	 probe_at;	/* ask the earlier nodes at (ms) */
	long long	 probe_ms;	/* the wait after the last probe */
	unsigned long long moves;	/* failovers: moves to another node */
};

/*
 * Reads a list "host:port,host:port" (commas or blanks between;
 * "[v6]:port" too) into n, in its order: each entry a host of at most
 * NODES_HOST_MAX bytes and a port in 1..65535, NODES_MAX entries at
 * most.  0, or -1 with a message naming key in err.  An empty list is
 * an error (the caller decides what empty means).
 */
int	nodes_parse(struct nodes *, const char *list, const char *key,
	    char *err, size_t errsz);

/* "host:port" ("[v6]:port"), or the socket's path, of nd into buf. */
void	nodes_where(const struct node *nd, char *buf, size_t sz);

/* One node: host and port (port 0: host is a unix socket's path). */
void	nodes_one(struct nodes *, const char *host, unsigned port);

/* The first node at or after from that is not held at now; n if none. */
size_t	nodes_next(const struct nodes *, size_t from, long long now);

/*
 * The attempt on node i failed after waiting waited ms: holds it (see
 * above).  1 when the node was usable before (a change to log).
 */
int	nodes_failed(struct nodes *, size_t i, long long waited, long long now);

/*
 * Node i answered and is usable: it is the node in use from now on, its
 * hold is over.  1 when it is another node than the one used last (a
 * failover, counted in moves); the first connection is none.
 */
int	nodes_use(struct nodes *, size_t i, long long now);

/* The node in use is lost (its connection closed): none is in use. */
void	nodes_lost(struct nodes *);

/*
 * 1 when a worker on node cur should ask the nodes before it again now:
 * it is not on the first, and the probe interval is over.
 */
int	nodes_probe_due(const struct nodes *, long long now);

/* A probe found no earlier node usable; stalled: it waited for one. */
void	nodes_probe_failed(struct nodes *, int stalled, long long now);

#endif
