/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Self-service access requests (access.c): made, decided, listed; and
 * what an approval entitles its requester to.
 */
#ifndef ADMINUTIL_STORE_ACCESS_H
#define ADMINUTIL_STORE_ACCESS_H

#include <stddef.h>

#include "core/strlist.h"
#include "store/store.h"

/*
 * A new pending request of requester for groups (checked), its
 * notifications and mails (notice.h) and its audit row in one
 * transaction; fn is called with the row made.
 */
enum store_rc	 store_access_create(struct store *, const struct actor *,
		    const char *requester, const char *email,
		    const struct strlist *groups, const char *notes,
		    void (*fn)(void *, const struct access_row *), void *arg);

/*
 * Moves request id from pending to state ("approved", "rejected": by
 * decider, never the requester: ST_FORBIDDEN; "withdrawn": by its
 * requester only, else ST_NOT_FOUND), or from approved to "revoked" (by
 * decider, never the requester), with text the reason (rejected,
 * revoked) or note (approved), its notices and audit row in one
 * transaction.  An approval gives its groups again to a requester an
 * admin took them from; a revocation takes them from each consumer the
 * requester made, unless another approval of theirs gives them.
 * ST_NOT_FOUND: no such request; ST_CONFLICT: it is not pending (not
 * approved, for "revoked").
 */
enum store_rc	 store_access_decide(struct store *, const struct actor *,
		    long long id, const char *state, const char *decider,
		    const char *text,
		    void (*fn)(void *, const struct access_row *), void *arg);

/*
 * Requests, newest first (at most 1000): requester's when it is not
 * NULL, else all, of state unless it is "" ("decided": all but the
 * pending, when requester is NULL).
 */
enum store_rc	 store_access_list(struct store *, const char *requester,
		    const char *state,
		    void (*fn)(void *, const struct access_row *), void *arg);
/* How many requests are pending, but those of requester but. */
enum store_rc	 store_access_pending(struct store *, const char *but,
		    long long *n);

#endif
