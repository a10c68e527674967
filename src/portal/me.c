/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Who is signed in, and what the page may show them: one question at
 * load, so that the page makes no request its user may not make.
 */
#include "build.h"

#include <string.h>

#include "core/config.h"
#include "core/strlist.h"
#include "portal/portal.h"
#include "store/access.h"
#include "store/inbox.h"

/* A setting as the answer has it: null when unset. */
static json_object *
setting(const char *v)
{
	return v[0] != '\0' ? json_object_new_string(v) : NULL;
}

void
portal_me(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	json_object	*o = NULL, *roles = NULL, *product;
	long long	 pending = 0, unread = 0;
	enum store_rc	 rc;
	int		 approver;

	approver = words_have(a->cfg->portal_approvers, r->actor,
	    strlen(r->actor));
	/* An approver's own requests are another's to decide. */
	if ((approver && (rc = store_access_pending(a->store, r->actor,
	    &pending)) != ST_OK) || (rc = store_notifications_unread(a->store,
	    r->actor, &unread)) != ST_OK) {
		reply_store_err(res, rt, r, rc, "SAY WHO YOU ARE");
		return;
	}
	if ((o = json_object_new_object()) == NULL ||
	    (roles = json_object_new_array()) == NULL ||
	    (product = json_object_new_object()) == NULL) {
		json_object_put(o);
		json_object_put(roles);
		reply_internal(res, rt, r, "SAY WHO YOU ARE");
		return;
	}
	json_object_array_add(roles, json_object_new_string("developer"));
	if (approver)
		json_object_array_add(roles, json_object_new_string("approver"));
	json_object_object_add(product, "name",
	    json_object_new_string(a->cfg->product_name));
	json_object_object_add(product, "logo_url",
	    setting(a->cfg->product_logo_url));
	json_object_object_add(o, "user", json_object_new_string(r->actor));
	json_object_object_add(o, "roles", roles);
	json_object_object_add(o, "product", product);
	json_object_object_add(o, "portal_url", setting(a->cfg->portal_url));
	json_object_object_add(o, "gateway_url",
	    setting(a->cfg->gateway_url));
	json_object_object_add(o, "pending", json_object_new_int64(pending));
	json_object_object_add(o, "unread", json_object_new_int64(unread));
	reply_ok(res, rt, r, o);
}
