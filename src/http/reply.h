/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * What every handler shares: the application's state it is given, and
 * the answers it makes (the envelope, its failures, a listing), with the
 * readings of a request the admin and portal handlers have in common.
 */
#ifndef ADMINUTIL_HTTP_REPLY_H
#define ADMINUTIL_HTTP_REPLY_H

#include <json-c/json.h>

#include "http/envelope.h"
#include "http/request.h"
#include "http/router.h"
#include "store/store.h"

struct config;
struct auth;

/* What a handler is given: the worker's configuration, store, checker. */
struct app {
	const struct config	*cfg;
	struct store		*store;
	struct auth		*auth;
	json_object		*descriptions;	/* group -> text, or NULL */
};

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
 * The failure for a store error: ST_DOWN, ST_UNSURE (a change that may
 * or may not have been made) and ST_BUSY (with Retry-After) are
 * SERVICE_UNAVAILABLE, ST_LAST_ADMIN is LAST_ADMIN (409), the rest
 * INTERNAL_ERROR "UNABLE TO <action> DUE TO INTERNAL ERROR".
 */
void	reply_store_err(struct response *, const struct route *,
	    struct request *, enum store_rc, const char *action);
/*
 * INTERNAL_ERROR "UNABLE TO <action> DUE TO INTERNAL ERROR": what failed
 * was not the store (no memory, an answer that cannot be made).
 */
void	reply_internal(struct response *, const struct route *,
	    struct request *, const char *action);

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

#endif
