/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "http/reply.h"

void
reply(struct response *res, const struct route *rt,
    struct request *r, enum err e, const char *errmsg, json_object *result)
{
	json_object	*env;
	const char	*s;
	size_t		 len;

	free(res->body);
	res->body = NULL;
	res->bodylen = 0;
	res->status = err_status(e);
	res->json = 1;
	env = envelope_new(rt->id, e, errmsg, r->msgid, request_resmsgid(r),
	    result);
	if (env == NULL || (s = json_object_to_json_string_length(env,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len)) ==
	    NULL || (res->body = strdup(s)) == NULL) {
		/* Out of memory: a bare status is all that can be said. */
		res->status = 500;
		res->json = 0;
	} else
		res->bodylen = len;
	json_object_put(env);
}

void
reply_ok(struct response *res, const struct route *rt, struct request *r,
    json_object *result)
{
	reply(res, rt, r, ERR_NONE, NULL, result);
}

void
reply_err(struct response *res, const struct route *rt, struct request *r,
    enum err e, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply(res, rt, r, e, msg, envelope_empty_result(rt->result));
}

void
reply_store_err(struct response *res, const struct route *rt,
    struct request *r, enum store_rc rc, const char *action)
{
	if (rc == ST_DOWN)
		reply_err(res, rt, r, ERR_UNAVAILABLE,
		    "DATABASE IS UNREACHABLE, NOTHING WAS CHANGED");
	else if (rc == ST_UNSURE)
		reply_err(res, rt, r, ERR_UNAVAILABLE, "UNABLE TO %s: THE "
		    "DATABASE CONNECTION WAS LOST DURING COMMIT, THE CHANGE MAY "
		    "OR MAY NOT HAVE BEEN MADE: READ IT BACK BEFORE TRYING "
		    "AGAIN", action);
	else if (rc == ST_LAST_ADMIN)
		reply_err(res, rt, r, ERR_LAST_ADMIN, "UNABLE TO %s: IT WOULD "
		    "LEAVE NO ADMIN WITH AN ACTIVE CREDENTIAL, NOTHING WAS "
		    "CHANGED", action);
	else if (rc == ST_BUSY) {
		response_header(res, "Retry-After", "1");
		reply_err(res, rt, r, ERR_UNAVAILABLE, "UNABLE TO %s: ANOTHER "
		    "CHANGE HOLDS THE RECORD, NOTHING WAS CHANGED, TRY AGAIN",
		    action);
	} else
		reply_internal(res, rt, r, action);
}

void
reply_internal(struct response *res, const struct route *rt,
    struct request *r, const char *action)
{
	reply_err(res, rt, r, ERR_INTERNAL, "UNABLE TO %s DUE TO INTERNAL "
	    "ERROR", action);
}

int
req_count(json_object *req, const char *name, long long def,
    long long max, long long *out)
{
	json_object	*v;
	int64_t		 n;

	*out = def;
	if (req == NULL || !json_object_object_get_ex(req, name, &v) ||
	    v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	errno = 0;
	n = json_object_get_int64(v);
	if (errno != 0 || n < 0 || n > max)
		return -1;
	*out = n;
	return 0;
}

void
reply_page(struct response *res, const struct route *rt, struct request *r,
    enum store_rc rc, const char *action, const char *name, json_object *arr,
    long long count)
{
	json_object	*o;

	if (rc != ST_OK) {
		json_object_put(arr);
		reply_store_err(res, rt, r, rc, action);
		return;
	}
	if ((o = json_object_new_object()) != NULL) {
		json_object_object_add(o, "count",
		    json_object_new_int64(count));
		json_object_object_add(o, name, arr);
	} else
		json_object_put(arr);
	reply_ok(res, rt, r, o);
}

int
path_user(struct response *res, const struct route *rt, struct request *r,
    const char **user, size_t *ulen)
{
	const char	*msg;

	if ((msg = validate_username_str(r->pathv[0], r->pathlen[0])) !=
	    NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return -1;
	}
	*user = r->pathv[0];
	*ulen = r->pathlen[0];
	return 0;
}

void
app_actor(const struct route *rt, struct request *r, struct actor *act)
{
	act->kind = r->portal_user != NULL ? "portal" : r->actor != NULL ?
	    "consumer" : "anonymous";
	act->consumer = r->actor;
	act->key = r->actor_key;
	act->remote_addr = r->remote_addr;
	act->action = rt->id;
	act->resmsgid = request_resmsgid(r);
}

json_object *
json_strings(const char *name, ...)
{
	json_object	*o;
	va_list		 ap;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *))
		json_object_object_add(o, name,
		    json_object_new_string(va_arg(ap, const char *)));
	va_end(ap);
	return o;
}
