/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The change feed's reads (feed.c): the audit trail from a position on,
 * and the keys of the active credentials, for the follower
 * (proc/feed.c).  Each audit id is taken from the one row of audit_seq
 * inside its change's transaction (store.c, audit()), so the ids are
 * dense and become visible in their order (schema/004_audit.sql): the
 * last id read is a position from which nothing is missed.
 */
#ifndef ADMINUTIL_STORE_FEED_H
#define ADMINUTIL_STORE_FEED_H

#include <stddef.h>

#include "store/store.h"

/* An audit row as the feed reads it. */
struct feed_row {
	long long	 id;
	const char	*consumer;	/* "" when the row names none */
	size_t		 clen;
	const char	*key;		/* "" when the row names none */
	size_t		 klen;
	const char	*change;	/* the change's JSON when the row names
					   neither, else NULL */
};

/* The last audit id there is (0 for none) into *id. */
enum store_rc	 store_feed_last(struct store *, long long *id);

/*
 * The audit rows after id after, in id order, at most limit: fn per
 * row, until it returns non-zero.
 */
enum store_rc	 store_feed_rows(struct store *, long long after,
		    long long limit, int (*fn)(void *, const struct feed_row *),
		    void *arg);

/*
 * The keys of the active (unrevoked) credentials whose row id is over
 * *after, in id order, at most limit: fn per key; *after moves to the
 * last row's id, *n gets how many.
 */
enum store_rc	 store_feed_keys(struct store *, long long *after,
		    long long limit, void (*fn)(void *, const char *, size_t),
		    void *arg, long long *n);

#endif
