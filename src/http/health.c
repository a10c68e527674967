/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * GET /health: whether this worker reaches the database, which node of
 * db_hosts it uses: host:port as configured (never the credentials),
 * its Galera state (wsrep_local_state, "none" on a server without
 * Galera), and whether it is the first of the list; and where the
 * change feed of its host is.
 */
#include "build.h"

#include "core/clock.h"
#include "core/feed.h"
#include "store/db.h"
#include "http/health.h"

/* The node in use as JSON; NULL when none is (or on no memory). */
static json_object *
node_json(const struct db_node_info *nd)
{
	json_object	*o;

	if (nd->index < 0 || (o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "host", json_object_new_string(nd->where));
	json_object_object_add(o, "index", json_object_new_int(nd->index));
	json_object_object_add(o, "first",
	    json_object_new_boolean(nd->index == 0));
	json_object_object_add(o, "wsrep_local_state", nd->wsrep ?
	    json_object_new_int(nd->state) : json_object_new_string("none"));
	json_object_object_add(o, "wsrep_local_state_comment",
	    json_object_new_string(nd->comment));
	return o;
}

/*
 * The feed: the last audit id it read, and the age of its last good
 * poll (lag_ms; null before the first).  NULL without a feed.
 */
static json_object *
feed_json(void)
{
	struct feed_status	 st;
	json_object		*o;

	if (feed_status(&st) == -1 || (o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "position",
	    json_object_new_int64(st.position));
	json_object_object_add(o, "lag_ms", st.last_ok_ms == 0 ? NULL :
	    json_object_new_int64(clock_wall_ms() - st.last_ok_ms));
	json_object_object_add(o, "polls", json_object_new_int64(
	    (int64_t)st.polls));
	json_object_object_add(o, "failures", json_object_new_int64(
	    (int64_t)st.failures));
	return o;
}

void
health_check(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	json_object		*o, *checks, *db, *feed;
	struct db_node_info	 nd;
	int			 ok = store_ping(a->store) == ST_OK;

	/* A node found no longer Synced is left: unhealthy for now. */
	if (store_node(a->store, &nd) != ST_OK)
		ok = 0;
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
	json_object_object_add(db, "node", node_json(&nd));
	json_object_array_add(checks, db);
	json_object_object_add(o, "name", json_object_new_string("am.adminutil"));
	json_object_object_add(o, "healthy", json_object_new_boolean(ok));
	json_object_object_add(o, "checks", checks);
	if ((feed = feed_json()) != NULL)
		json_object_object_add(o, "feed", feed);
	reply(res, rt, r, ok ? ERR_NONE : ERR_UNAVAILABLE,
	    "DATABASE IS UNREACHABLE", o);
}
