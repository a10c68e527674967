/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The response envelope of the contract and the one table that maps the
 * service's error values to their "err" code and HTTP status.
 */
#ifndef ADMINUTIL_ENVELOPE_H
#define ADMINUTIL_ENVELOPE_H

#include <json-c/json.h>

enum err {
	ERR_NONE = 0,
	ERR_BAD_REQUEST,	/* 400 BAD_REQUEST */
	ERR_TOO_LARGE,		/* 413 BAD_REQUEST: body over max_body */
	ERR_GROUP_FETCH,	/* 404 GROUP_FETCH_ERROR */
	ERR_GROUP_ASSIGN,	/* 404 GROUP_ASSIGN_ERROR */
	ERR_CRED_EXISTS,	/* 409 CREATE_CREDENTIAL_ERROR */
	ERR_CRED_NO_CONSUMER,	/* 404 CREATE_CREDENTIAL_ERROR */
	ERR_CONSUMER_NOT_FOUND,	/* 404 CONSUMER_NOT_FOUND */
	ERR_UNAVAILABLE,	/* 503 SERVICE_UNAVAILABLE: database down */
	ERR_INTERNAL,		/* 500 INTERNAL_ERROR */
	ERR_NOT_FOUND,		/* 404 NOT_FOUND: no such route */
	ERR_METHOD,		/* 405 METHOD_NOT_ALLOWED */
	ERR_UNAUTHORIZED,	/* 401 UNAUTHORIZED */
	ERR_FORBIDDEN,		/* 403 FORBIDDEN */
	ERR_MEDIA_TYPE,		/* 415 BAD_REQUEST: not the route's type */
	ERR_MISDIRECTED,	/* 421 BAD_REQUEST: Host not an admin host */
	ERR_LAST_ADMIN,		/* 409 LAST_ADMIN: it would lock admins out */
	ERR_DECIDED,		/* 409 REQUEST_DECIDED: not decided twice */
	ERR_LIMIT,		/* 409 CREDENTIAL_LIMIT: holds the most */
	ERR_RATE,		/* 429 TOO_MANY_REQUESTS: too often */
	ERR_NOT_MANAGED,	/* 409 NOT_MANAGED: another file's consumer */
	ERR__MAX
};

/* The contract's "err" text of e; NULL for ERR_NONE. */
const char	*err_code(enum err e);
/* The HTTP status of e; 200 for ERR_NONE. */
int		 err_status(enum err e);

/*
 * Field kinds of an empty result, for failure envelopes: the contract
 * wants a failed route's result with its fields present and empty.
 */
enum rfield_type { RF_STR, RF_ARRAY, RF_NUM, RF_BOOL, RF_OBJECT };

struct rfield {
	const char		*name;
	enum rfield_type	 type;
};

/* A new empty result object with the given fields (NULL-name ends). */
json_object	*envelope_empty_result(const struct rfield *fields);

/*
 * Builds the whole envelope.  Takes ownership of result (NULL becomes
 * {}).  errmsg is copied; msgid NULL becomes ""; resmsgid NULL becomes a
 * fresh UUID.  Never fails short of
 * running out of memory, when it returns NULL.
 */
json_object	*envelope_new(const char *id, enum err e, const char *errmsg,
		    const char *msgid, const char *resmsgid,
		    json_object *result);

#endif
