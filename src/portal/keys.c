/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * A developer's credentials: generated from what it is entitled to
 * (shown once), listed (never a secret), revoked.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/validate.h"
#include "portal/portal.h"
#include "portal/portal_int.h"
#include "store/owned.h"

void
portal_credential_generate(struct app *a, const struct route *rt,
    struct request *r, struct response *res)
{
	struct strlist		 groups = { 0 };
	struct credential	 cr;
	struct actor		 act;
	struct portal_caps	 caps;
	json_object		*v = NULL, *o;
	const char		*msg, *notes;
	char			 retry[24];
	enum store_rc		 rc;

	json_object_object_get_ex(r->req, "username", &v);
	if ((msg = validate_new_username(v)) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return;
	}
	if (portal_text(res, rt, r, "notes", 0, &notes) == -1)
		return;
	app_actor(rt, r, &act);
	caps.live = a->cfg->portal_max_credentials;
	caps.per_hour = a->cfg->portal_generations_per_hour;
	caps.retry_s = 0;
	memset(&cr, 0, sizeof(cr));
	rc = store_portal_generate(a->store, &act, r->actor,
	    json_object_get_string(v), (size_t)json_object_get_string_len(v),
	    notes, &caps, portal_offered, a, &cr, &groups);
	if (rc == ST_LIMIT)
		reply_err(res, rt, r, ERR_LIMIT, "YOU HOLD %d LIVE CREDENTIALS, "
		    "THE MOST ALLOWED: REVOKE ONE FIRST",
		    a->cfg->portal_max_credentials);
	else if (rc == ST_RATE) {
		reply_err(res, rt, r, ERR_RATE, "YOU GENERATED %d CREDENTIALS "
		    "IN THE LAST HOUR, THE MOST ALLOWED: TRY AGAIN IN %lld S",
		    a->cfg->portal_generations_per_hour, caps.retry_s);
		snprintf(retry, sizeof(retry), "%lld", caps.retry_s);
		(void)response_header(res, "Retry-After", retry);
	} else if (rc == ST_CONFLICT)
		reply_err(res, rt, r, ERR_CRED_EXISTS, "USERNAME %s BELONGS TO "
		    "ANOTHER OWNER", json_object_get_string(v));
	else if (rc == ST_NOT_FOUND)
		reply_err(res, rt, r, ERR_FORBIDDEN, "NO API GROUP IS APPROVED "
		    "FOR YOU (OR ITS APPROVAL WAS TAKEN BACK): REQUEST API "
		    "ACCESS FIRST");
	else if (rc == ST_FORBIDDEN)
		reply_err(res, rt, r, ERR_BAD_REQUEST, "YOUR APPROVED GROUPS ARE "
		    "TOO LONG FOR THE GATEWAY: AT MOST %d BYTES JOINED BY COMMAS",
		    VALIDATE_MAX_JOINED);
	else if (rc != ST_OK)
		reply_store_err(res, rt, r, rc, "GENERATE CREDENTIALS");
	else {
		o = json_strings("username", json_object_get_string(v), "key",
		    cr.key, "secret", cr.secret, (char *)NULL);
		if (o != NULL)
			json_object_object_add(o, "groups",
			    strlist_json(&groups));
		reply_ok(res, rt, r, o);
	}
	explicit_bzero(cr.secret, sizeof(cr.secret));
	strlist_free(&groups);
}

static void
owned_row(void *arg, const struct owned_row *row)
{
	json_object	*arr = arg, *o;

	if ((o = json_object_new_object()) == NULL)
		return;
	json_object_object_add(o, "username",
	    json_object_new_string(row->username));
	json_object_object_add(o, "key", json_object_new_string(row->key));
	json_object_object_add(o, "notes", json_object_new_string(
	    row->notes != NULL ? row->notes : ""));
	json_object_object_add(o, "created_at",
	    json_object_new_int64(row->created_ms));
	json_object_object_add(o, "revoked",
	    json_object_new_boolean(row->revoked));
	json_object_array_add(arr, o);
}

void
portal_credential_list(struct app *a, const struct route *rt,
    struct request *r, struct response *res)
{
	json_object	*arr, *o;
	enum store_rc	 rc;

	if ((arr = json_object_new_array()) == NULL) {
		reply_internal(res, rt, r, "LIST CREDENTIALS");
		return;
	}
	rc = store_portal_credentials(a->store, r->actor, owned_row, arr);
	if (rc != ST_OK || (o = json_object_new_object()) == NULL) {
		json_object_put(arr);
		reply_store_err(res, rt, r, rc != ST_OK ? rc : ST_ERR,
		    "LIST CREDENTIALS");
		return;
	}
	json_object_object_add(o, "credentials", arr);
	reply_ok(res, rt, r, o);
}

void
portal_credential_revoke(struct app *a, const struct route *rt,
    struct request *r, struct response *res)
{
	struct actor	 act;
	char		 user[STORE_KEY_MAX + 1];
	const char	*msg;
	enum store_rc	 rc;

	if ((msg = validate_key_str(r->pathv[0], r->pathlen[0])) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return;
	}
	app_actor(rt, r, &act);
	rc = store_portal_revoke(a->store, &act, r->actor, r->pathv[0],
	    r->pathlen[0], user);
	if (rc == ST_NOT_FOUND)
		reply_err(res, rt, r, ERR_CONSUMER_NOT_FOUND, "NO CREDENTIAL "
		    "OF YOURS HAS KEY %s", r->pathv[0]);
	else if (rc != ST_OK)
		reply_store_err(res, rt, r, rc, "REVOKE THE CREDENTIAL");
	else
		reply_ok(res, rt, r, json_strings("username", user, "key",
		    r->pathv[0], (char *)NULL));
}
