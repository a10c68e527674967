/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The application a worker runs: the route table, dispatch, and the
 * reply helpers the handlers share.  Independent of FastCGI.
 */
#ifndef ADMINUTIL_APP_H
#define ADMINUTIL_APP_H

#include <json-c/json.h>

#include "http/envelope.h"
#include "http/request.h"
#include "http/router.h"
#include "store/store.h"

struct config;

struct auth;

struct app {
	const struct config	*cfg;
	struct store		*store;
	struct auth		*auth;
};

/*
 * 0, or -1 with a message in err (no memory, a bad ACL file).  cfg must
 * outlive the app.
 */
int	app_init(struct app *, const struct config *cfg, char *err,
	    size_t errsz);
void	app_free(struct app *);

/* Answers one request into res (always filled, never fails). */
void	app_handle(struct app *, struct request *, struct response *);

/* The envelope of e with errmsg and result (ownership taken). */
void	reply(struct response *, const struct route *, struct request *,
	    enum err, const char *errmsg, json_object *result);
/* A success envelope with result (ownership taken). */
void	reply_ok(struct response *, const struct route *, struct request *,
	    json_object *result);
/* A failure envelope: errmsg is formatted; result is the route's empty. */
void	reply_err(struct response *, const struct route *, struct request *,
	    enum err, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/*
 * The failure for a store error: ST_DOWN and ST_BUSY (with Retry-After)
 * are SERVICE_UNAVAILABLE, ST_LAST_ADMIN is LAST_ADMIN (409), the rest
 * INTERNAL_ERROR "UNABLE TO <action> DUE TO INTERNAL ERROR".
 */
void	reply_store_err(struct response *, const struct route *,
	    struct request *, enum store_rc, const char *action);

/*
 * The answer to a verdict other than AUTH_PASS, the one map of them to
 * HTTP: 401 with RFC 6750's WWW-Authenticate, 403, 503, 500 (action
 * names what failed).
 */
struct auth_result;
void	reply_refused(struct response *, const struct route *,
	    struct request *, const struct auth_result *, const char *action);

/*
 * The answer of a listing: {count, <name>: arr} (arr taken), or the
 * failure of rc (reply_store_err) when it is not ST_OK.
 */
void	reply_page(struct response *, const struct route *, struct request *,
	    enum store_rc rc, const char *action, const char *name,
	    json_object *arr, long long count);

/*
 * The integer member name of req (may be NULL) into *out, def when it
 * is absent or null.  -1 when it is not an integer from 0 to max.
 */
int	req_count(json_object *req, const char *name, long long def,
	    long long max, long long *out);

/*
 * The {username} of the path (r->pathv[0]), validated, into *user and
 * *ulen.  0, or -1 after replying BAD_REQUEST.  One reading for the
 * consumer and credential routes alike.
 */
int	path_user(struct response *, const struct route *, struct request *,
	    const char **user, size_t *ulen);

/* The actor of the change r asks for, for its audit row. */
void	app_actor(const struct route *, struct request *, struct actor *);

/*
 * A new object of string members, given as name, value pairs ended by a
 * NULL name.  NULL on no memory.
 */
json_object *json_strings(const char *name, ...);

/* The handlers (consumer_routes.c, credential_routes.c, health.c). */
void	consumer_create(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_grant(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_revoke(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_read(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_delete(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_list(struct app *, const struct route *, struct request *,
	    struct response *);
void	credential_register(struct app *, const struct route *,
	    struct request *, struct response *);
void	credential_list(struct app *, const struct route *, struct request *,
	    struct response *);
void	credential_revoke(struct app *, const struct route *,
	    struct request *, struct response *);
void	credential_rotate(struct app *, const struct route *,
	    struct request *, struct response *);
void	audit_list(struct app *, const struct route *, struct request *,
	    struct response *);
void	portal_groups(struct app *, const struct route *, struct request *,
	    struct response *);
void	portal_access_request(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_access_list(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_access_withdraw(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_credential_generate(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_credential_list(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_credential_revoke(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_notification_list(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_notification_read(struct app *, const struct route *,
	    struct request *, struct response *);
void	access_list(struct app *, const struct route *, struct request *,
	    struct response *);
void	access_approve(struct app *, const struct route *, struct request *,
	    struct response *);
void	access_reject(struct app *, const struct route *, struct request *,
	    struct response *);
void	access_revoke(struct app *, const struct route *, struct request *,
	    struct response *);
void	health_check(struct app *, const struct route *, struct request *,
	    struct response *);
void	gateway_auth(struct app *, const struct route *, struct request *,
	    struct response *);
void	token_introspect(struct app *, const struct route *,
	    struct request *, struct response *);
void	metrics_show(struct app *, const struct route *, struct request *,
	    struct response *);

#endif
