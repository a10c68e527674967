/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Counters for GET /metrics, shared by all the processes of one master:
 * the master maps a region before it forks and gives every worker a
 * slot of its own, which only that worker writes.  A slot outlives its
 * worker, so totals never go back when workers are replaced.
 */
#ifndef ADMINUTIL_METRICS_H
#define ADMINUTIL_METRICS_H

#include <stddef.h>
#include <sys/types.h>

#define METRICS_ROUTES	 48	/* route indexes 0..47 */

/* Master: maps the region with nslots slots.  0, or -1. */
int	metrics_init(size_t nslots);
/*
 * Master: reserves a free slot before a fork (-1 when none), binds it
 * to the child's pid after (pid 0 frees it again), and frees the slot
 * of a worker that died.
 */
int	metrics_claim(void);
void	metrics_bind(int slot, pid_t pid);
void	metrics_release(pid_t pid);
/* Worker: from now on this process counts in slot. */
void	metrics_attach(int slot);

/* Worker: one request of route (index), answered with status in us. */
void	metrics_request(unsigned route, int status, long us);
void	metrics_cache(int hit);
void	metrics_db_error(void);
/* Worker: a change of the feed applied (kind: enum feed_kind). */
void	metrics_evict(int kind);
/* Worker: the key filter refused a key (1) or let it through (0). */
void	metrics_filter(int refused);
/*
 * Worker: a request counted against limits of class by and window
 * (enum rl_by, enum rl_window) passed (limited 0), or was refused by
 * one of them (1).
 */
void	metrics_ratelimit(int by, int window, int limited);
/*
 * Worker: its database connection moved to another node of db_hosts;
 * the index of the node in use now (-1: none).
 */
void	metrics_db_failover(void);
void	metrics_db_node(int index);

/*
 * The Prometheus text of all slots; names[i] labels route i.  A new
 * string the caller frees, its length in *len; NULL without a region
 * or memory.
 */
char	*metrics_render(const char *const *names, size_t nnames, size_t *len);

#endif
