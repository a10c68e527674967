/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The route table and its matcher.  A pattern is a path whose segments
 * are literals or "{}", which captures one segment, percent-decoded,
 * into the request's pathv[].
 */
#ifndef ADMINUTIL_ROUTER_H
#define ADMINUTIL_ROUTER_H

#include <stddef.h>

#include "http/envelope.h"
#include "http/request.h"

struct app;
struct route;

typedef void (*handler_fn)(struct app *, const struct route *,
    struct request *, struct response *);

enum route_body {
	BODY_NONE,	/* no body needed: an empty one is {} */
	BODY_REQUEST,	/* the body's "request" object is mandatory */
	BODY_RAW,	/* not JSON: the handler reads it */
	BODY_FORM	/* a form the handler reads (the only type taken) */
};

/* Who may call a route of the admin plane (admin_auth = jwt). */
enum route_access {
	ACCESS_OPEN,		/* anyone: the gateway's and health routes */
	ACCESS_READ,		/* admin_groups or admin_read_groups */
	ACCESS_WRITE,		/* admin_groups */
	ACCESS_INTROSPECT,	/* introspect_groups */
	ACCESS_PORTAL,		/* a portal user the web server signed in */
	ACCESS_APPROVE,		/* one of portal_approvers, or as WRITE */
	ACCESS_APPROVE_READ	/* one of portal_approvers, or as READ */
};

struct route {
	enum method		 method;
	const char		*pattern;
	handler_fn		 handler;
	const char		*id;		/* the envelope's "id" */
	const struct rfield	*result;	/* fields of an empty result */
	unsigned		 family;	/* ROUTES_* of config.h */
	enum route_body		 body;
	enum route_access	 access;
};

/*
 * Finds the route for r->method and r->path among the n routes of the
 * families allowed.  On a match fills r->pathv and returns the route.
 * Otherwise returns NULL and sets *e: ERR_NOT_FOUND (no pattern fits),
 * ERR_METHOD (a pattern fits, not the method) or ERR_BAD_REQUEST (a
 * captured segment is badly percent-encoded or holds "%00": see
 * percent_decode in request.h); *msg is then a static
 * message, and *same the route whose pattern fits (NULL for none).
 */
const struct route *router_match(const struct route *table, size_t n,
    unsigned families, struct request *r, enum err *e, const char **msg,
    const struct route **same);

#endif
