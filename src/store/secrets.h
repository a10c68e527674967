/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Secrets at rest (secrets.c): the operator's check and --migrate.
 */
#ifndef ADMINUTIL_STORE_SECRETS_H
#define ADMINUTIL_STORE_SECRETS_H

#include <stddef.h>

#include "store/store.h"

/*
 * Secrets at rest (seal.h).  store_seal_check(): the id of a key that
 * sealed a row and that the ring does not hold, into missing ("" when
 * none).  store_seal_rows(): seals, under the ring's first key, every
 * row in plaintext (all: also every row sealed under another key), 500
 * rows a transaction (so a run cut short is taken up where it stopped);
 * how many into *done.  Nothing to do without a ring.
 */
enum store_rc	 store_seal_check(struct store *, char missing[9]);
enum store_rc	 store_seal_rows(struct store *, const struct actor *, int all,
		    long long *done);

/*
 * store_seal_verify(): opens every secret of every row with the ring,
 * 500 rows a statement, to know that it opens (nothing is kept): the
 * rows read, those with a secret in plaintext, those that do not open
 * and the key of the first of them.
 */
struct seal_verdict {
	long long	 rows, plain, bad;
	char		 bad_key[STORE_KEY_MAX + 1];
};
enum store_rc	 store_seal_verify(struct store *, struct seal_verdict *);

#endif
