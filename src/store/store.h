/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The store's nouns: its handle, what a change says of who makes it, the
 * rows its domains read and write, and their outcomes.  The verbs are
 * the domains' headers: consumer.h, credential.h, secrets.h, audit.h,
 * access.h, owned.h, inbox.h, outbox.h.  Every operation that writes
 * more than one row is one transaction, retried whole on a deadlock or a
 * lost connection.  Only src/store/ holds SQL: each domain's file its
 * own statements (and migrate.c, which runs schema files).
 *
 * Strings in and out are byte strings with explicit lengths; results are
 * owned by the caller and freed with the matching *_free().
 */
#ifndef ADMINUTIL_STORE_H
#define ADMINUTIL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/ratelimit.h"
#include "core/strlist.h"

struct config;
struct store;

enum store_rc {
	ST_OK = 0,
	ST_NOT_FOUND,	/* no such consumer (or credential) */
	ST_CONFLICT,	/* the key belongs to another consumer, or is revoked */
	ST_DOWN,	/* the database cannot be reached */
	ST_BUSY,	/* a row stayed locked by another change too long */
	ST_LAST_ADMIN,	/* it would leave no admin who can sign */
	ST_FORBIDDEN,	/* not the caller's to do */
	ST_LIMIT,	/* a cap on what one may hold is reached */
	ST_RATE,	/* a cap on how often one may do it is reached */
	ST_UNSURE,	/* the connection was lost during COMMIT: done or not */
	ST_ERR		/* anything else (already logged) */
};

/*
 * Who makes a change, for its audit row: kind "consumer" (the caller's
 * consumer and credential key), "local" (an operator command) or
 * "anonymous" (an admin plane without authentication, admin_auth =
 * none).  Every write takes one.
 */
struct actor {
	const char	*kind;
	const char	*consumer, *key;	/* NULL unless "consumer" */
	const char	*remote_addr;		/* NULL when unknown */
	const char	*action;		/* the route id */
	const char	*resmsgid;		/* of the answer */
};

/* How many names of admin_groups the last-admin guard reads. */
#define STORE_ADMIN_GROUPS 8

#define STORE_KEY_MAX	 255
/*
 * The longest secret: what credentials.secret (VARCHAR(255)) holds
 * sealed, base64 of nonce, secret and tag (seal.h: 12 + 161 + 16 bytes
 * are 252 characters).  Made ones are 32; a secret carried over
 * verbatim (consumer/{username}/state) may be longer.
 */
#define STORE_SECRET_MAX 161
#define STORE_ALG_MAX	 15

struct credential {
	char	 key[STORE_KEY_MAX + 1];
	char	 secret[STORE_SECRET_MAX + 1];	/* "" when none */
	char	 algorithm[STORE_ALG_MAX + 1];
	int	 issued;		/* made by this call, not read back */
	int	 owned;			/* a portal-made consumer's, read back:
					   its secret is "", never shown */
};

/*
 * What the gateway check needs of one active credential; after a
 * rotation, while its grace lasts, the previous secret or public key.
 */
struct auth_record {
	char		 algorithm[STORE_ALG_MAX + 1];
	char		 secret[STORE_SECRET_MAX + 1];	/* "" when none */
	char		*public_key;	/* PEM, or NULL */
	char		 prev_secret[STORE_SECRET_MAX + 1]; /* "" when none */
	char		*prev_public_key; /* PEM, or NULL */
	long long	 grace_until_ms; /* when the previous one stops */
	char		*username;
	struct strlist	 groups;	/* in granted order */
	uint64_t	 limits[RL_NWINDOWS]; /* the consumer's own, 0: none */
	long long	 trail;		/* the audit trail's last id, also
					   with ST_NOT_FOUND; 0 when empty */
};

/* One consumer of a listing. */
struct consumer_row {
	const char		*username;
	size_t			 ulen;
	const struct strlist	*groups;
	const uint64_t		*limits;	/* [RL_NWINDOWS], 0: none */
};

/* One credential of a listing; created_ms is epoch milliseconds. */
struct credential_row {
	const char	*key;
	const char	*algorithm;
	long long	 created_ms;
	int		 revoked;
	const char	*public_key;	/* PEM; NULL for an HMAC one */
};

struct store	*store_new(const struct config *);
void		 store_free(struct store *);

enum store_rc	 store_ping(struct store *);

/* The database node in use (db.h), for /health. */
struct db_node_info;
enum store_rc	 store_node(struct store *, struct db_node_info *);

/* One row of the audit trail; change is its JSON text. */
struct audit_row {
	long long	 id, at_ms;
	const char	*actor_kind, *actor, *actor_key, *remote_addr;
	const char	*action, *consumer, *key, *change, *resmsgid;
};

/* Self-service access (contract: "Self-service API access"). */

/* An access request; its strings live as long as the call that gives it. */
struct access_row {
	long long		 id;
	const char		*requester;	/* the portal user */
	const char		*email;		/* NULL: none */
	const struct strlist	*groups;
	const char		*notes;
	const char		*state;	/* pending approved rejected withdrawn
					   revoked (an approval taken back) */
	const char		*reason;	/* of a rejection or a revocation,
						   or NULL */
	const char		*note;		/* of an approval, or NULL */
	const char		*decided_by;	/* NULL while pending */
	const char		*revoked_by;	/* NULL unless revoked */
	long long		 created_ms, decided_ms;	/* 0: not yet */
	long long		 revoked_ms;			/* 0: not */
};

/* How much one portal user may generate. */
struct portal_caps {
	long long	 live;		/* credentials not revoked, at most */
	long long	 per_hour;	/* made in the last hour, at most */
	long long	 retry_s;	/* ST_RATE: when one more may be made */
};

/* One credential of an owner's consumers. */
struct owned_row {
	const char	*username, *key, *notes;	/* notes: NULL */
	long long	 created_ms;
	int		 revoked;
	const char	*public_key;	/* PEM; NULL for an HMAC one */
};

/* One notification of a portal user. */
struct notification_row {
	long long	 id, at_ms;
	const char	*text;
	int		 read;
};

/* One mail of the outbox, claimed for the sender. */
struct mail_row {
	long long	 id;
	const char	*rcpt, *subject, *body, *message_id;
	int		 attempts;
};

#endif
