/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The outbox of mail (outbox.c), and its bell.
 */
#ifndef ADMINUTIL_STORE_OUTBOX_H
#define ADMINUTIL_STORE_OUTBOX_H

#include <stddef.h>

#include "store/store.h"

/*
 * The outbox's bell: the sender sleeps until a change that wrote mail
 * rings it (once it has committed), or for a while (a mail to try
 * again, one another host wrote).  store_outbox_bell_open(): the
 * master's, before it forks the children (0, or -1); the workers ring,
 * never blocking; store_outbox_bell() is the end the sender waits on
 * (-1 when none was opened).
 */
int		 store_outbox_bell_open(void);
int		 store_outbox_bell(void);

/*
 * Claims the mails due at now_ms (at most 20) for lease_ms, in a
 * transaction of its own, and calls fn for each.  A claimed mail is
 * not given to another sender until the lease runs out.
 */
enum store_rc	 store_outbox_claim(struct store *, long long now_ms,
		    long long lease_ms,
		    void (*fn)(void *, const struct mail_row *), void *arg);
/* A claimed mail went (error NULL), or is tried again at next_ms. */
enum store_rc	 store_outbox_done(struct store *, long long id,
		    long long now_ms, const char *error, long long next_ms);
/* When the first mail not yet sent is due (ms), -1 when none waits. */
enum store_rc	 store_outbox_next(struct store *, long long *next_ms);

#endif
