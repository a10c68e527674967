/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * GET /health: whether this worker reaches the database.
 */
#include "build.h"

#include "http/health.h"

void
health_check(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	json_object	*o, *checks, *db;
	int		 ok = store_ping(a->store) == ST_OK;

	o = json_object_new_object();
	checks = json_object_new_array();
	db = json_object_new_object();
	if (o == NULL || checks == NULL || db == NULL) {
		json_object_put(o);
		json_object_put(checks);
		json_object_put(db);
		reply_internal(res, rt, r, "CHECK HEALTH");
		return;
	}
	json_object_object_add(db, "name", json_object_new_string("database"));
	json_object_object_add(db, "healthy", json_object_new_boolean(ok));
	json_object_object_add(db, "err", ok ? NULL :
	    json_object_new_string("SERVICE_UNAVAILABLE"));
	json_object_object_add(db, "errmsg", ok ? NULL :
	    json_object_new_string("DATABASE IS UNREACHABLE"));
	json_object_array_add(checks, db);
	json_object_object_add(o, "name", json_object_new_string("am.adminutil"));
	json_object_object_add(o, "healthy", json_object_new_boolean(ok));
	json_object_object_add(o, "checks", checks);
	reply(res, rt, r, ok ? ERR_NONE : ERR_UNAVAILABLE,
	    "DATABASE IS UNREACHABLE", o);
}
