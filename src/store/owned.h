/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The credentials a portal user generates for itself (owned.c).
 */
#ifndef ADMINUTIL_STORE_OWNED_H
#define ADMINUTIL_STORE_OWNED_H

#include <stddef.h>

#include "core/strlist.h"
#include "store/store.h"

/*
 * A new credential for owner's consumer user, with the groups owner is
 * entitled to: those of its approved requests that allowed() keeps
 * (NULL: all), less those an admin took from one of its consumers
 * (revoke, grant, delete) since they were approved.  The consumer is
 * created if there is none, owned by owner; the groups are added to
 * those it has, so that what an admin changed stays changed.
 * ST_CONFLICT: user is another's (or an operator's); ST_NOT_FOUND: owner
 * is entitled to no group; ST_FORBIDDEN: the groups are more than the
 * gateway's answer carries (VALIDATE_MAX_JOINED); ST_LIMIT: owner holds
 * caps->live credentials already; ST_RATE: owner made caps->per_hour
 * in the last hour (caps->retry_s says when one more may be made).  Two
 * generations of one owner are counted one after the other.  out gets
 * key and secret, groups the consumer's groups.
 */
enum store_rc	 store_portal_generate(struct store *, const struct actor *,
		    const char *owner, const char *user, size_t ulen,
		    const char *notes, struct portal_caps *caps,
		    int (*allowed)(void *, const char *, size_t), void *arg,
		    struct credential *out, struct strlist *groups);

enum store_rc	 store_portal_credentials(struct store *, const char *owner,
		    void (*fn)(void *, const struct owned_row *), void *arg);
/* Revokes key when a consumer of owner holds it; its username in user. */
enum store_rc	 store_portal_revoke(struct store *, const struct actor *,
		    const char *owner, const char *key, size_t klen,
		    char user[STORE_KEY_MAX + 1]);

#endif
