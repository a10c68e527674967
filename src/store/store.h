/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Consumers, credentials and group memberships: the domain operations
 * of the admin routes.  Every operation that writes more than one row is
 * one transaction, retried whole on a deadlock or a lost connection.
 * Only this file holds SQL (besides migrate.c, which runs schema files).
 *
 * Strings in and out are byte strings with explicit lengths; results are
 * owned by the caller and freed with the matching *_free().
 */
#ifndef ADMINUTIL_STORE_H
#define ADMINUTIL_STORE_H

#include <stddef.h>

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
#define STORE_SECRET_MAX 64
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
};

void	store_auth_record_free(struct auth_record *);

/* One consumer of a listing. */
struct consumer_row {
	const char		*username;
	size_t			 ulen;
	const struct strlist	*groups;
};

/* One credential of a listing; created_ms is epoch milliseconds. */
struct credential_row {
	const char	*key;
	const char	*algorithm;
	long long	 created_ms;
	int		 revoked;
};

struct store	*store_new(const struct config *);
void		 store_free(struct store *);

enum store_rc	 store_ping(struct store *);

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
/* The groups in granted order. */
enum store_rc	 store_groups_get(struct store *, const char *user,
		    size_t ulen, struct strlist *out);

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

/*
 * The active credential with key, its consumer and the consumer's
 * groups, at now_ms (epoch ms: a previous secret or key in its grace
 * comes too).  ST_NOT_FOUND when there is none (or it is revoked).
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

/* One row of the audit trail; change is its JSON text. */
struct audit_row {
	long long	 id, at_ms;
	const char	*actor_kind, *actor, *actor_key, *remote_addr;
	const char	*action, *consumer, *key, *change, *resmsgid;
};

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
 * NULL, else all, of state unless it is "".
 */
enum store_rc	 store_access_list(struct store *, const char *requester,
		    const char *state,
		    void (*fn)(void *, const struct access_row *), void *arg);

/* How much one portal user may generate. */
struct portal_caps {
	long long	 live;		/* credentials not revoked, at most */
	long long	 per_hour;	/* made in the last hour, at most */
	long long	 retry_s;	/* ST_RATE: when one more may be made */
};

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

/* One credential of an owner's consumers. */
struct owned_row {
	const char	*username, *key, *notes;	/* notes: NULL */
	long long	 created_ms;
	int		 revoked;
};

enum store_rc	 store_portal_credentials(struct store *, const char *owner,
		    void (*fn)(void *, const struct owned_row *), void *arg);
/* Revokes key when a consumer of owner holds it; its username in user. */
enum store_rc	 store_portal_revoke(struct store *, const struct actor *,
		    const char *owner, const char *key, size_t klen,
		    char user[STORE_KEY_MAX + 1]);

/* One notification of a portal user. */
struct notification_row {
	long long	 id, at_ms;
	const char	*text;
	int		 read;
};

/* The newest 100 of recipient's notifications, and how many are unread. */
enum store_rc	 store_notifications(struct store *, const char *recipient,
		    void (*fn)(void *, const struct notification_row *),
		    void *arg, long long *unread);
/* Marks recipient's notifications ids read; how many are left unread. */
enum store_rc	 store_notifications_read(struct store *,
		    const char *recipient, const long long *ids, size_t n,
		    long long *unread);

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

/* One mail of the outbox, claimed for the sender. */
struct mail_row {
	long long	 id;
	const char	*rcpt, *subject, *body, *message_id;
	int		 attempts;
};

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
