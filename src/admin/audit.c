/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The audit trail's route: POST /v1/audit/list, newest first.
 */
#include "build.h"

#include <string.h>

#include "admin/admin.h"
#include "core/validate.h"
#include "store/audit.h"

#define AUDIT_LIMIT_DEFAULT	 100
#define AUDIT_LIMIT_MAX		 1000

static json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

static void
audit_entry(void *arg, const struct audit_row *row)
{
	json_object	*arr = arg, *o, *change;

	if ((o = json_object_new_object()) == NULL)
		return;
	/* The change as written: an object, or its text if it is not one. */
	if ((change = json_tokener_parse(row->change)) == NULL)
		change = json_object_new_string(row->change);
	json_object_object_add(o, "id", json_object_new_int64(row->id));
	json_object_object_add(o, "at", json_object_new_int64(row->at_ms));
	json_object_object_add(o, "actor_kind",
	    json_object_new_string(row->actor_kind));
	json_object_object_add(o, "actor", str_or_null(row->actor != NULL ?
	    row->actor : row->actor_kind));
	json_object_object_add(o, "actor_key", str_or_null(row->actor_key));
	json_object_object_add(o, "remote_addr",
	    str_or_null(row->remote_addr));
	json_object_object_add(o, "action", json_object_new_string(
	    row->action));
	json_object_object_add(o, "consumer", str_or_null(row->consumer));
	json_object_object_add(o, "key", str_or_null(row->key));
	json_object_object_add(o, "change", change);
	json_object_object_add(o, "resmsgid",
	    json_object_new_string(row->resmsgid));
	json_object_array_add(arr, o);
}

/*
 * The string member name of request, "" when absent; a consumer's name.
 * 0, or -1 after replying.
 */
static int
req_name(struct response *res, const struct route *rt, struct request *r,
    const char *name, const char **s, size_t *len)
{
	json_object	*v;
	const char	*msg;

	*s = "";
	*len = 0;
	if (r->req == NULL || !json_object_object_get_ex(r->req, name, &v) ||
	    v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string) ||
	    (msg = validate_username_str(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v))) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s MUST BE A USERNAME",
		    name);
		return -1;
	}
	*s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	return 0;
}

void
audit_list(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	json_object	*arr;
	const char	*consumer, *actor;
	size_t		 clen, alen;
	long long	 offset, limit, since, total;
	enum store_rc	 rc;

	if (req_count(r->req, "offset", 0, 1LL << 40, &offset) == -1 ||
	    req_count(r->req, "since_id", 0, INT64_MAX, &since) == -1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST,
		    "OFFSET AND SINCE_ID MUST BE NON-NEGATIVE INTEGERS");
		return;
	}
	if (req_count(r->req, "limit", AUDIT_LIMIT_DEFAULT, AUDIT_LIMIT_MAX,
	    &limit) == -1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST,
		    "LIMIT MUST BE AN INTEGER FROM 0 TO %d", AUDIT_LIMIT_MAX);
		return;
	}
	if (req_name(res, rt, r, "consumer", &consumer, &clen) == -1 ||
	    req_name(res, rt, r, "actor", &actor, &alen) == -1)
		return;
	if ((arr = json_object_new_array()) == NULL) {
		reply_internal(res, rt, r, "LIST THE AUDIT TRAIL");
		return;
	}
	rc = store_audit_list(a->store, consumer, clen, actor, alen, since,
	    offset, limit, audit_entry, arr, &total);
	reply_page(res, rt, r, rc, "LIST THE AUDIT TRAIL", "entries", arr, total);
}
