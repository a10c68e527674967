/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The follower of the change feed: one child of the master, beside the
 * workers, that reads the audit trail every feed_interval ms from where
 * it was and tells the workers what changed (core/feed.h), so that a
 * revoke, a group change, a consumer's own limits, a delete or a
 * rotation is honoured by every
 * worker of this host within feed_interval and one poll, whatever
 * cache_ttl is.
 */
#ifndef ADMINUTIL_PROC_FEED_H
#define ADMINUTIL_PROC_FEED_H

#include <sys/types.h>

struct config;
struct feed_row;

/* Runs the follower until SIGTERM; never returns. */
void	feed_run(const struct config *, pid_t master)
	    __attribute__((noreturn));

/*
 * What one audit row tells the workers, published in the feed: its key
 * and its consumer; for a row that names neither, the consumers its
 * change took groups from (an access request revoked), nothing for a
 * change the gateway does not read (an access request's, a sealing),
 * and everything for one it cannot read.
 */
void	feed_tell(const struct feed_row *);

#endif
