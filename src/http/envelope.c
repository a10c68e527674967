/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stddef.h>
#include <time.h>

#include "core/clock.h"
#include "crypto/secret.h"
#include "http/envelope.h"

static const struct {
	const char	*code;
	int		 status;
} errs[ERR__MAX] = {
	[ERR_NONE] =		  { NULL, 200 },
	[ERR_BAD_REQUEST] =	  { "BAD_REQUEST", 400 },
	[ERR_TOO_LARGE] =	  { "BAD_REQUEST", 413 },
	[ERR_GROUP_FETCH] =	  { "GROUP_FETCH_ERROR", 404 },
	[ERR_GROUP_ASSIGN] =	  { "GROUP_ASSIGN_ERROR", 404 },
	[ERR_CRED_EXISTS] =	  { "CREATE_CREDENTIAL_ERROR", 409 },
	[ERR_CRED_NO_CONSUMER] =  { "CREATE_CREDENTIAL_ERROR", 404 },
	[ERR_CONSUMER_NOT_FOUND] = { "CONSUMER_NOT_FOUND", 404 },
	[ERR_UNAVAILABLE] =	  { "SERVICE_UNAVAILABLE", 503 },
	[ERR_INTERNAL] =	  { "INTERNAL_ERROR", 500 },
	[ERR_NOT_FOUND] =	  { "NOT_FOUND", 404 },
	[ERR_METHOD] =		  { "METHOD_NOT_ALLOWED", 405 },
	[ERR_UNAUTHORIZED] =	  { "UNAUTHORIZED", 401 },
	[ERR_FORBIDDEN] =	  { "FORBIDDEN", 403 },
	[ERR_MEDIA_TYPE] =	  { "BAD_REQUEST", 415 },
	[ERR_MISDIRECTED] =	  { "BAD_REQUEST", 421 },
	[ERR_LAST_ADMIN] =	  { "LAST_ADMIN", 409 },
	[ERR_DECIDED] =		  { "REQUEST_DECIDED", 409 },
	[ERR_LIMIT] =		  { "CREDENTIAL_LIMIT", 409 },
	[ERR_RATE] =		  { "TOO_MANY_REQUESTS", 429 },
	[ERR_NOT_MANAGED] =	  { "NOT_MANAGED", 409 },
};

const char *
err_code(enum err e)
{
	return (unsigned)e < ERR__MAX ? errs[e].code : "INTERNAL_ERROR";
}

int
err_status(enum err e)
{
	return (unsigned)e < ERR__MAX ? errs[e].status : 500;
}

json_object *
envelope_empty_result(const struct rfield *f)
{
	json_object	*o, *v = NULL;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	for (; f != NULL && f->name != NULL; f++) {
		switch (f->type) {
		case RF_STR:
			v = json_object_new_string("");
			break;
		case RF_ARRAY:
			v = json_object_new_array();
			break;
		case RF_NUM:
			v = json_object_new_int(0);
			break;
		case RF_BOOL:
			v = json_object_new_boolean(0);
			break;
		case RF_OBJECT:
			v = json_object_new_object();
			break;
		}
		json_object_object_add(o, f->name, v);
	}
	return o;
}

json_object *
envelope_new(const char *id, enum err e, const char *errmsg,
    const char *msgid, const char *resmsgid, json_object *result)
{
	json_object	*env, *params;
	char		 uuid[SECRET_UUID_LEN + 1];
	const char	*code = err_code(e);

	if ((env = json_object_new_object()) == NULL ||
	    (params = json_object_new_object()) == NULL) {
		json_object_put(env);
		json_object_put(result);
		return NULL;
	}
	if (resmsgid == NULL) {
		secret_uuid4(uuid);
		resmsgid = uuid;
	}
	json_object_object_add(env, "id", json_object_new_string(id));
	json_object_object_add(env, "ver", json_object_new_string("1.0"));
	json_object_object_add(env, "ets",
	    json_object_new_int64(clock_wall_ms()));
	json_object_object_add(params, "status",
	    json_object_new_string(e == ERR_NONE ? "successful" : "failed"));
	json_object_object_add(params, "err",
	    code != NULL ? json_object_new_string(code) : NULL);
	json_object_object_add(params, "errmsg",
	    e != ERR_NONE && errmsg != NULL ?
	    json_object_new_string(errmsg) : NULL);
	json_object_object_add(params, "msgid",
	    json_object_new_string(msgid != NULL ? msgid : ""));
	json_object_object_add(params, "resmsgid",
	    json_object_new_string(resmsgid));
	json_object_object_add(env, "params", params);
	json_object_object_add(env, "result",
	    result != NULL ? result : json_object_new_object());
	return env;
}
