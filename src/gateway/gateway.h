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

/* How the caller of introspection authenticates (introspect_client). */
enum client_way {
	CLIENT_BEARER,		/* a bearer token, or nothing */
	CLIENT_BASIC,		/* client_secret_basic */
	CLIENT_POST,		/* client_secret_post */
	CLIENT_TWICE		/* more than one way: RFC 6749 2.3 refuses */
};

/*
 * The client authentication of a request to /v1/token/introspect (RFC
 * 7662 2.1) by a credential's key and secret, the two ways RFC 6749
 * 2.3.1 has: HTTP Basic, or the form's client_id and client_secret.
 * CLIENT_BEARER when r has neither (its bearer token, if any, is then
 * the caller), CLIENT_TWICE when it has more than one way (a bearer
 * token counts), else the way, with auth_client()'s verdict on the
 * consumer's groups in *v.  The secret is cleared once compared.
 */
enum client_way	 introspect_client(struct app *, struct request *,
		    const char *groups, struct auth_result *v);

#endif
