/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * A portal user's notifications: listed, and marked read.
 */
#include "build.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "portal/portal.h"
#include "portal/portal_int.h"
#include "store/inbox.h"

static void
notification_row(void *arg, const struct notification_row *row)
{
	json_object	*arr = arg, *o;

	if ((o = json_object_new_object()) == NULL)
		return;
	json_object_object_add(o, "id", json_object_new_int64(row->id));
	json_object_object_add(o, "text", json_object_new_string(row->text));
	json_object_object_add(o, "at", json_object_new_int64(row->at_ms));
	json_object_object_add(o, "read", json_object_new_boolean(row->read));
	json_object_array_add(arr, o);
}

void
portal_notification_list(struct app *a, const struct route *rt,
    struct request *r, struct response *res)
{
	json_object	*arr, *o;
	long long	 unread;
	enum store_rc	 rc;

	if ((arr = json_object_new_array()) == NULL) {
		reply_internal(res, rt, r, "LIST NOTIFICATIONS");
		return;
	}
	rc = store_notifications(a->store, r->actor, notification_row, arr,
	    &unread);
	if (rc != ST_OK || (o = json_object_new_object()) == NULL) {
		json_object_put(arr);
		reply_store_err(res, rt, r, rc != ST_OK ? rc : ST_ERR,
		    "LIST NOTIFICATIONS");
		return;
	}
	json_object_object_add(o, "unread", json_object_new_int64(unread));
	json_object_object_add(o, "notifications", arr);
	reply_ok(res, rt, r, o);
}

void
portal_notification_read(struct app *a, const struct route *rt,
    struct request *r, struct response *res)
{
	json_object	*v = NULL, *e, *o;
	long long	 ids[100], unread;
	size_t		 i, n;
	enum store_rc	 rc;

	json_object_object_get_ex(r->req, "ids", &v);
	if (!json_object_is_type(v, json_type_array) ||
	    (n = json_object_array_length(v)) > 100) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "IDS MUST BE AN ARRAY "
		    "OF AT MOST 100 NOTIFICATION IDS");
		return;
	}
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		errno = 0;
		if (!json_object_is_type(e, json_type_int) ||
		    (ids[i] = json_object_get_int64(e)) <= 0 || errno != 0) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "IDS MUST BE "
			    "POSITIVE INTEGERS");
			return;
		}
	}
	rc = store_notifications_read(a->store, r->actor, ids, n, &unread);
	if (rc != ST_OK) {
		reply_store_err(res, rt, r, rc, "MARK NOTIFICATIONS READ");
		return;
	}
	if ((o = json_object_new_object()) != NULL)
		json_object_object_add(o, "unread",
		    json_object_new_int64(unread));
	reply_ok(res, rt, r, o);
}
