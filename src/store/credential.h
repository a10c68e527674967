/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Credentials (credential.c): the admin plane's verbs, and the gateway's
 * one read, store_auth_lookup().
 */
#ifndef ADMINUTIL_STORE_CREDENTIAL_H
#define ADMINUTIL_STORE_CREDENTIAL_H

#include <stddef.h>

#include "store/store.h"

/*
 * Adds a credential with the caller's key to an existing consumer: an
 * HMAC one (algorithm HS256/384/512) gets a new secret, an asymmetric
 * one keeps the public key pem (already checked).  Returns the one it
 * already has with that key, algorithm (and public key).  ST_CONFLICT:
 * another consumer holds the key, it was revoked, or its algorithm or
 * public key differs.
 */
enum store_rc	 store_credential_register(struct store *,
		    const struct actor *, const char *user, size_t ulen,
		    const char *key, size_t klen,
		    const char *algorithm, const char *pem,
		    struct credential *out);

void	store_auth_record_free(struct auth_record *);

/*
 * The active credential with key, its consumer and the consumer's
 * groups and own limits, in one statement, with the audit trail's last
 * id (out->trail); at now_ms (epoch ms: a previous secret or key in its
 * grace comes too).  ST_NOT_FOUND when there is none (or it is
 * revoked): two statements more, the trail's id then the key again,
 * out->trail set.
 */
enum store_rc	 store_auth_lookup(struct store *, const char *key,
		    size_t klen, long long now_ms, struct auth_record *out);

/*
 * Rotates the consumer's active credential key: a new secret for an
 * HMAC one (pem NULL), the public key pem (already checked) for another;
 * the previous one keeps verifying for grace_s seconds (0: none).  out
 * gets the credential with its new secret, *grace_until_ms the end of
 * the grace.  ST_NOT_FOUND: no such consumer, or no active credential
 * of its with that key; ST_CONFLICT: pem given for an HMAC credential or
 * missing for another.
 */
enum store_rc	 store_credential_rotate(struct store *,
		    const struct actor *, const char *user, size_t ulen,
		    const char *key, size_t klen, long long grace_s,
		    const char *pem, struct credential *out,
		    long long *grace_until_ms);

enum store_rc	 store_credential_list(struct store *, const char *user,
		    size_t ulen, void (*fn)(void *, const struct credential_row *),
		    void *arg);

/* Marks the consumer's credential revoked (again is fine). */
enum store_rc	 store_credential_revoke(struct store *, const struct actor *,
		    const char *user, size_t ulen, const char *key, size_t klen);

#endif
