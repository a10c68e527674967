/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Declarative state (state.c): a consumer set to the whole state a file
 * gives it, in one transaction, and every consumer's state read back
 * for a file.  The changes are computed by state_changes()
 * (statediff.c), which touches no database.
 */
#ifndef ADMINUTIL_STORE_STATE_H
#define ADMINUTIL_STORE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/ratelimit.h"
#include "core/strlist.h"
#include "store/store.h"

#define STATE_TAG_MAX	 64
#define STATE_THUMB_MAX	 43	/* an RFC 7638 thumbprint, base64url */

/* A credential as wanted. */
struct state_cred {
	const char	*key;
	size_t		 klen;
	const char	*algorithm;
	int		 hmac;
	const char	*secret;	/* given; NULL: keep, or make one */
	size_t		 slen;
	const char	*pem;		/* a public key's PEM, else NULL */
	const char	*thumb;		/* its thumbprint: what is compared */
};

/* A consumer's whole state as wanted. */
struct state_want {
	const char		*user;
	size_t			 ulen;
	const char		*managed_by;
	int			 absent, dry_run, adopt;
	struct strlist		 groups;	/* in order, no duplicate */
	uint64_t		 limits[RL_NWINDOWS];	/* 0: none */
	const struct state_cred	*creds;
	size_t			 ncreds;
};

/* An active credential as it is. */
struct state_have {
	long long	 id;
	char		 key[STORE_KEY_MAX + 1];
	char		 algorithm[STORE_ALG_MAX + 1];
	char		 secret[STORE_SECRET_MAX + 1];	/* "" for none */
	char		 thumb[STATE_THUMB_MAX + 1];	/* "" for none */
	int		 bad;		/* its secret or key does not read */
};

/* A consumer as it is. */
struct state_now {
	long long		 id;		/* -1: there is none */
	int			 tagged;	/* managed_by is not NULL */
	char			 managed_by[STATE_TAG_MAX + 1];
	struct strlist		 groups;
	uint64_t		 limits[RL_NWINDOWS];
	struct state_have	*creds;
	size_t			 ncreds;
	/* Of each wanted credential this consumer has no active one of:
	   STATE_KEY_FREE, or the key is another consumer's or revoked. */
	unsigned char		*taken;
};

#define STATE_KEY_FREE		 0
#define STATE_KEY_OTHERS	 1
#define STATE_KEY_REVOKED	 2

/* Why a state is refused; nothing is written. */
enum state_refusal {
	SR_NONE = 0,
	SR_NOT_MANAGED,		/* 409: another tag, or none, and no adopt */
	SR_KEY_TAKEN,		/* 409: a key of another consumer, or revoked */
	SR_ALGORITHM,		/* 400: an existing key's algorithm differs */
	SR_UNREADABLE		/* 500: a stored secret or key does not read */
};

struct state_result {
	int			 changed;
	json_object		*changes;	/* array; never a secret */
	json_object		*secrets;	/* [{key, secret}] made here */
	enum state_refusal	 refusal;
	char			 why[STORE_KEY_MAX + 128];
};

/*
 * What setting now to want changes, appended to changes (a JSON array)
 * in the order they are made: create or adopt (or delete: then alone),
 * groups, limits, each wanted credential added or changed in its
 * order, then each one revoked.  SR_NONE, or a refusal with why.
 */
enum state_refusal state_changes(const struct state_want *,
		    const struct state_now *, json_object *changes, char *why,
		    size_t whysz);

/* The active credential key of now, or NULL. */
const struct state_have *state_have_key(const struct state_now *,
		    const char *key, size_t klen);

/*
 * Sets the consumer to want in one transaction, the consumer row locked
 * first: res gets the changes (none: no write, no audit row), the
 * secrets made for new HMAC credentials given none, or a refusal
 * (ST_CONFLICT, nothing written).  One audit row, "changes", for all.
 * want->dry_run: the same answer, nothing written.
 */
enum store_rc	 store_consumer_state(struct store *, const struct actor *,
		    const struct state_want *, struct state_result *res);
void		 state_result_free(struct state_result *);

/* One consumer of an export; its strings live as long as the call. */
struct state_row {
	const char		*username;
	const char		*managed_by;	/* NULL: none */
	const struct strlist	*groups;
	const uint64_t		*limits;	/* [RL_NWINDOWS] */
	size_t			 ncreds;
	const char *const	*keys, *const *algorithms;
	const char *const	*secrets;	/* NULL without secrets; a
						   public-key one's "" */
	const char *const	*pems;		/* "" for an HMAC one */
};

/*
 * The consumers after after (byte order; "" from the first), of tag
 * managed_by unless it is NULL, at most limit, with their active
 * credentials, their secrets opened when secrets; fn per consumer.
 * *next gets the last one's name when there may be more ("" when none).
 * Secrets exported are audited (state.export), in the same transaction.
 */
enum store_rc	 store_state_export(struct store *, const struct actor *,
		    const char *after, size_t alen, const char *managed_by,
		    long long limit, int secrets,
		    void (*fn)(void *, const struct state_row *), void *arg,
		    char next[STORE_KEY_MAX + 1]);

#endif
