/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * One request as the handlers see it, and the response they fill.  Only
 * proc/fcgi.c and proc/worker.c know libfcgi: a handler never sees an
 * FCGX_Request, so every handler runs in a unit test without FastCGI.
 *
 * Ownership: every pointer in struct request is owned by it and freed by
 * request_free(), the one destructor, called on every path.
 */
#ifndef ADMINUTIL_REQUEST_H
#define ADMINUTIL_REQUEST_H

#include <stddef.h>

#include <json-c/json.h>

#include "http/envelope.h"

#define REQUEST_MAX_PATH_PARAMS	 4
/* Room for every header: 256 groups of 255 bytes fit in X-Consumer-Groups. */
#define RESPONSE_MAX_HEADERS	 (128 * 1024)

enum role {
	ROLE_RESPONDER,
	ROLE_AUTHORIZER
};

enum method {
	METHOD_OTHER,
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST
};

struct request {
	enum role	 role;
	enum method	 method;
	char		*path;		/* REQUEST_URI without the query */
	char		*body;		/* NUL-terminated, bodylen bytes */
	size_t		 bodylen;
	int		 too_large;	/* the body was over max_body */
	char		*authorization;	/* HTTP_AUTHORIZATION or NULL */
	int		 nauthorization; /* how many of those came */
	char		*method_name;	/* REQUEST_METHOD as sent */
	char		*uri;		/* REQUEST_URI with its query */
	char		*original_uri;	/* HTTP_X_ORIGINAL_URI or NULL */
	char		*original_method; /* HTTP_X_ORIGINAL_METHOD or NULL */
	char		*allow_groups;	/* ADMINUTIL_ALLOW_GROUPS or NULL */
	char		*content_type;	/* CONTENT_TYPE or NULL */
	char		*host;		/* HTTP_HOST or NULL */
	char		*remote_addr;	/* REMOTE_ADDR or NULL */
	char		*origin;	/* HTTP_ORIGIN or NULL */
	char		*fetch_site;	/* HTTP_SEC_FETCH_SITE or NULL */
	/*
	 * The person the web server signed in, on the portal's location
	 * only (FastCGI parameters, never a client's header).
	 */
	char		*portal_user;	/* ADMINUTIL_PORTAL_USER or NULL */
	char		*portal_email;	/* ADMINUTIL_PORTAL_EMAIL or NULL */

	/* Set for an admin route's authenticated caller (NULL: none). */
	char		*actor;		/* its consumer */
	char		*actor_key;	/* its credential's key */
	char		 resmsgid[36 + 1]; /* request_resmsgid() */

	/* Set by request_parse_json(). */
	json_object	*json;		/* the whole body, an object */
	const char	*msgid;		/* params.msgid, "" when absent */
	json_object	*req;		/* the body's "request", or NULL */

	unsigned	 route;		/* index of the route, for metrics */
	const char	*route_id;	/* an admin route's id: an access line */

	/* Set by the router: percent-decoded {name} segments. */
	char		*pathv[REQUEST_MAX_PATH_PARAMS];
	size_t		 pathlen[REQUEST_MAX_PATH_PARAMS];
	size_t		 pathc;
};

struct response {
	int	 status;
	char	*headers;	/* "Name: value\r\n"..., NUL-ended; owned */
	size_t	 headerslen, headerscap;
	char	*body;		/* owned; NULL for none */
	size_t	 bodylen;
	int	 json;		/* body is JSON */
};

void	request_init(struct request *);
void	request_free(struct request *);
void	response_init(struct response *);
void	response_free(struct response *);

/*
 * Adds "name: value\r\n".  -1 (and nothing added) when value holds a CR
 * or LF, the headers would pass RESPONSE_MAX_HEADERS bytes with their
 * NUL, or on no memory.
 */
int	response_header(struct response *, const char *name,
	    const char *value);

/*
 * Parses r->body as the contract's request shape: empty = {}, else a JSON
 * object (strict, valid UTF-8, depth-bounded, nothing after it).  Sets
 * r->json, r->msgid and r->req.  On error returns the message for a
 * BAD_REQUEST (static string) and leaves r->msgid usable.
 */
const char *request_parse_json(struct request *r);

/*
 * The one percent-decoder of every reading of a request: the router's
 * {name} segments, the introspection form's value and each of the
 * ACL's readings of a path (gateway/path.c), so that no two of them
 * read the same bytes differently.  Decodes src[0..len) into dst, which
 * has room for len bytes and may be src itself (the output is never
 * longer than the input); nothing is NUL-terminated.  Each "%XX"
 * (hexadecimal, either case) is the byte XX, decoded once ("%2525" is
 * "%25"); every other byte is itself ("+" too: a form's "+" is its
 * reader's business).
 * Bytes are not judged: "%C0%AF" is 0xC0 0xAF, not "/" (names and keys
 * are checked as UTF-8, overlong forms refused, by validate.c; the ACL
 * matches bytes).
 *
 * Returns the new length, or -1 on a "%" without two hexadecimal digits
 * within len, on "%00" and on a NUL byte: a NUL is never part of a
 * username, key, path or token, and one would be read as the end by
 * whatever takes the result as a C string, so it is refused here for
 * every caller alike.  After -1, dst holds nothing of use.
 */
long	percent_decode(char *dst, const char *src, size_t len);

/*
 * percent_decode() of src[0..len) into a new NUL-terminated string (its
 * length in *outlen).  Returns NULL when percent_decode refuses it
 * (errno EINVAL) or on memory exhaustion (errno ENOMEM); *outlen is
 * then 0.
 */
char	*request_percent_decode(const char *src, size_t len, size_t *outlen);

/*
 * request_percent_decode() of a value of application/x-www-form-urlencoded
 * text: each "+" is a space first ("%2B" stays a "+").  The same
 * returns; a refused value's copy is cleared before it is freed (it
 * may be a secret).
 */
char	*request_form_decode(const char *src, size_t len, size_t *outlen);

/* The UUID of the answer (envelope and audit), made when first asked. */
const char *request_resmsgid(struct request *r);

/* Maps the REQUEST_METHOD text to the enum. */
enum method request_method(const char *);

#endif
