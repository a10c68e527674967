/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The gateway's handlers (routes.c): the check nginx's auth_request
 * and lighttpd's AUTHORIZER ask, and RFC 7662 introspection; and the one
 * map of a refused verdict to HTTP, which the admin plane's caller
 * check shares.
 */
#ifndef ADMINUTIL_GATEWAY_H
#define ADMINUTIL_GATEWAY_H

#include "gateway/auth.h"
#include "http/reply.h"

void	gateway_auth(struct app *, const struct route *, struct request *,
	    struct response *);
void	token_introspect(struct app *, const struct route *, struct request *,
	    struct response *);

/*
 * The answer to a verdict other than AUTH_PASS, the one map of them to
 * HTTP: 401 with RFC 6750's WWW-Authenticate, 403, 503, 500 (action
 * names what failed).
 */
void	reply_refused(struct response *, const struct route *,
	    struct request *, const struct auth_result *, const char *action);

#endif
