/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The audit trail (audit.c): its listing.  Every change writes its own
 * row, in its transaction.
 */
#ifndef ADMINUTIL_STORE_AUDIT_H
#define ADMINUTIL_STORE_AUDIT_H

#include <stddef.h>

#include "store/store.h"

/*
 * The audit rows, newest first, with an id over since_id, of consumer
 * and by actor (a consumer's name) unless these are "", from offset, at
 * most limit; fn is called per row; *total gets the number that match.
 */
enum store_rc	 store_audit_list(struct store *, const char *consumer,
		    size_t clen, const char *actor, size_t alen,
		    long long since_id, long long offset, long long limit,
		    void (*fn)(void *, const struct audit_row *), void *arg,
		    long long *total);

#endif
