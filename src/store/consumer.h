/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Consumers and their groups (consumer.c), the admin plane's verbs; the
 * nouns are store.h's.
 */
#ifndef ADMINUTIL_STORE_CONSUMER_H
#define ADMINUTIL_STORE_CONSUMER_H

#include <stddef.h>
#include <stdint.h>

#include "core/ratelimit.h"
#include "core/strlist.h"
#include "store/store.h"

/*
 * Creates the consumer if it does not exist, adds the default group if
 * it lacks it, and returns its oldest active secret credential, making
 * one if it has none.  All in one transaction.
 */
enum store_rc	 store_consumer_create(struct store *, const struct actor *,
		    const char *user, size_t ulen, const char *default_group,
		    struct credential *out);

/* Sets the groups to exactly list (in order, already de-duplicated). */
enum store_rc	 store_groups_set(struct store *, const struct actor *,
		    const char *user, size_t ulen, const struct strlist *list,
		    struct strlist *out);
/* Removes the groups of list; out gets what remains. */
enum store_rc	 store_groups_remove(struct store *, const struct actor *,
		    const char *user, size_t ulen, const struct strlist *list,
		    struct strlist *out);
/* The groups in granted order, and the consumer's own limits (0: none). */
enum store_rc	 store_consumer_get(struct store *, const char *user,
		    size_t ulen, struct strlist *out,
		    uint64_t limits[RL_NWINDOWS]);

/*
 * Sets the consumer's own limits to exactly limits (0: none for that
 * window; all 0 clears them), audited; out gets them as stored.
 */
enum store_rc	 store_limits_set(struct store *, const struct actor *,
		    const char *user, size_t ulen,
		    const uint64_t limits[RL_NWINDOWS],
		    uint64_t out[RL_NWINDOWS]);

enum store_rc	 store_consumer_delete(struct store *, const struct actor *,
		    const char *user, size_t ulen);

/*
 * Consumers whose name starts with prefix, by name, from offset, at most
 * limit; fn is called per consumer; *total gets the number that match.
 */
enum store_rc	 store_consumer_list(struct store *, const char *prefix,
		    size_t plen, long long offset, long long limit,
		    void (*fn)(void *, const struct consumer_row *), void *arg,
		    long long *total);

#endif
