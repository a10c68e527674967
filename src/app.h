/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The application a worker runs: the route table of every face (admin/,
 * portal/, gateway/, http/health.c), dispatch, and the admin plane's
 * checks of who may call.  Independent of FastCGI.
 */
#ifndef ADMINUTIL_APP_H
#define ADMINUTIL_APP_H

#include <json-c/json.h>

#include "http/reply.h"

struct config;


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
