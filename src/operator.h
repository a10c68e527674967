/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The operator's commands: they work on the database directly, with the
 * configuration file, as "local" in the audit trail.  Each returns the
 * process exit status and says what went wrong on standard error; what
 * they print on standard output is meant for scripts.
 */
#ifndef ADMINUTIL_OPERATOR_H
#define ADMINUTIL_OPERATOR_H

struct config;

/*
 * Seals the secrets that are not sealed under the first key of
 * seal_key_file: the plaintext ones (--migrate), or every one (all,
 * --reseal).
 */
int	operator_seal(const struct config *, int all);

/*
 * Makes username an admin: creates or reuses the consumer, puts it in
 * the first of admin_groups, and prints "username=", "key=" and
 * "secret=" lines for its oldest secret credential (made if it has
 * none; the secret is empty when secret_readback = no hides it).
 */
int	operator_bootstrap(const struct config *, const char *username);

/* The longest --ttl: 366 days, whatever max_token_lifetime says. */
#define MINT_TTL_MAX	 (366LL * 86400)

/*
 * Prints a token for the HMAC credential key, signed with its secret,
 * with iat now and exp ttl seconds later: ttl from 1 to MINT_TTL_MAX,
 * and no more than max_token_lifetime when that is set; else 1.
 */
int	operator_mint(const struct config *, const char *key, long long ttl);

/*
 * -t --db: connects as the service does, checks that every migration
 * of schema_dir is applied and none newer, and that the ring opens the
 * secret of every credential (none is shown); prints "database ok: ..."
 * or says what is wrong.
 */
int	operator_check_db(const struct config *);

#endif
