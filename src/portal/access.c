/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Access requests: a developer's (request, list, withdraw) and the
 * approvers' (list, approve, reject, revoke an approval).  Who calls is
 * settled before: the portal user the web server signed in (r->actor,
 * with r->portal_user), or an admin token's consumer.
 */
#include "build.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/validate.h"
#include "portal/portal.h"
#include "portal/portal_int.h"
#include "store/access.h"

/*
 * A mail address fit for a header: local@domain, printable ASCII with
 * none of the specials, at most PORTAL_EMAIL_MAX bytes.  1 if so.
 */
static int
email_ok(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 len = strlen(s), i;

	if (len < 3 || len > PORTAL_EMAIL_MAX || at == NULL || at == s ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
		    strchr("<>()[]\\,;:\"", s[i]) != NULL)
			return 0;
	return 1;
}

/*
 * The APIs each of groups opens, {group: [{method, path}]}, from the
 * offer (offer.c) as it is now: a group the ACL no longer has opens [].
 */
static json_object *
request_apis(json_object *offer, const struct strlist *groups)
{
	json_object	*o, *v;
	char		 name[256];
	size_t		 i;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	for (i = 0; i < groups->n; i++) {
		if (groups->len[i] >= sizeof(name))
			continue;
		memcpy(name, groups->v[i], groups->len[i]);
		name[groups->len[i]] = '\0';
		if (offer != NULL && json_object_object_get_ex(offer, name, &v))
			json_object_object_add(o, name, json_object_get(v));
		else
			json_object_object_add(o, name,
			    json_object_new_array());
	}
	return o;
}

/*
 * The access request as the routes answer it: an approver also sees
 * who asked, their mail and the APIs of the groups (offer).
 */
static json_object *
request_json(const struct access_row *row, int approver, json_object *offer)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "id", json_object_new_int64(row->id));
	if (approver) {
		json_object_object_add(o, "requester",
		    json_object_new_string(row->requester));
		json_object_object_add(o, "email", row->email != NULL ?
		    json_object_new_string(row->email) : NULL);
		json_object_object_add(o, "mail", row->email != NULL ?
		    json_object_new_string(row->email) : NULL);
	}
	json_object_object_add(o, "groups", strlist_json(row->groups));
	if (offer != NULL)
		json_object_object_add(o, "apis", request_apis(offer,
		    row->groups));
	json_object_object_add(o, "notes", json_object_new_string(row->notes));
	json_object_object_add(o, "state", json_object_new_string(row->state));
	json_object_object_add(o, "reason", row->reason != NULL ?
	    json_object_new_string(row->reason) : NULL);
	json_object_object_add(o, "note", row->note != NULL ?
	    json_object_new_string(row->note) : NULL);
	json_object_object_add(o, "decided_by", row->decided_by != NULL ?
	    json_object_new_string(row->decided_by) : NULL);
	json_object_object_add(o, "created_at",
	    json_object_new_int64(row->created_ms));
	json_object_object_add(o, "decided_at", row->decided_ms != 0 ?
	    json_object_new_int64(row->decided_ms) : NULL);
	json_object_object_add(o, "revoked_by", row->revoked_by != NULL ?
	    json_object_new_string(row->revoked_by) : NULL);
	json_object_object_add(o, "revoked_at", row->revoked_ms != 0 ?
	    json_object_new_int64(row->revoked_ms) : NULL);
	return o;
}

/* What a change of a request gives back: {request}. */
struct one_request {
	json_object	*o;
	int		 approver;
	json_object	*offer;		/* the APIs of the groups, or NULL */
};

static void
keep_request(void *arg, const struct access_row *row)
{
	struct one_request	*x = arg;

	json_object_put(x->o);
	x->o = request_json(row, x->approver, x->offer);
}

static void
reply_request(struct response *res, const struct route *rt,
    struct request *r, struct one_request *x)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL) {
		json_object_put(x->o);
		reply_internal(res, rt, r, "ANSWER");
		return;
	}
	json_object_object_add(o, "request", x->o);
	reply_ok(res, rt, r, o);
}

void
portal_access_request(struct app *a, const struct route *rt,
    struct request *r, struct response *res)
{
	struct strlist		 groups = { 0 };
	struct one_request	 x = { NULL, 0, NULL };
	struct actor		 act;
	json_object		*v = NULL, *g;
	const char		*msg, *notes, *email;
	size_t			 i, n, len;
	enum store_rc		 rc;

	json_object_object_get_ex(r->req, "groups", &v);
	if ((msg = validate_groups(v)) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return;
	}
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		g = json_object_array_get_idx(v, i);
		len = (size_t)json_object_get_string_len(g);
		if (!portal_offered_name(a->cfg, json_object_get_string(g), len) ||
		    !portal_group_in_acl(a, json_object_get_string(g), len)) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "GROUP %s CANNOT "
			    "BE REQUESTED", json_object_get_string(g));
			goto out;
		}
		if (!strlist_has(&groups, json_object_get_string(g), len) &&
		    strlist_add(&groups, json_object_get_string(g), len) ==
		    -1) {
			reply_internal(res, rt, r, "REQUEST ACCESS");
			goto out;
		}
	}
	if (portal_text(res, rt, r, "notes", 0, &notes) == -1 ||
	    portal_text(res, rt, r, "email", 0, &email) == -1)
		goto out;
	if (email[0] == '\0' && r->portal_email != NULL)
		email = r->portal_email;
	if (email[0] != '\0' && !email_ok(email)) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "EMAIL IS NOT A MAIL "
		    "ADDRESS");
		goto out;
	}
	app_actor(rt, r, &act);
	rc = store_access_create(a->store, &act, r->actor, email[0] != '\0' ?
	    email : NULL, &groups, notes, keep_request, &x);
	if (rc != ST_OK)
		reply_store_err(res, rt, r, rc, "REQUEST ACCESS");
	else
		reply_request(res, rt, r, &x);
out:
	strlist_free(&groups);
}

static void
list_request(void *arg, const struct access_row *row)
{
	struct one_request	*x = arg;

	json_object_array_add(x->o, request_json(row, x->approver,
	    x->offer));
}

/* The requests: the caller's own (portal), or any (approvers). */
static void
requests_list(struct app *a, const struct route *rt, struct request *r,
    struct response *res, const char *requester, const char *state)
{
	struct one_request	 x = { json_object_new_array(), requester ==
	    NULL, NULL };
	json_object		*o;
	enum store_rc		 rc;

	if (x.o == NULL || (x.approver && (x.offer = portal_offer_map(a)) ==
	    NULL)) {
		json_object_put(x.o);
		reply_internal(res, rt, r, "LIST THE REQUESTS");
		return;
	}
	rc = store_access_list(a->store, requester, state, list_request, &x);
	json_object_put(x.offer);
	if (rc != ST_OK || (o = json_object_new_object()) == NULL) {
		json_object_put(x.o);
		reply_store_err(res, rt, r, rc != ST_OK ? rc : ST_ERR,
		    "LIST THE REQUESTS");
		return;
	}
	json_object_object_add(o, "requests", x.o);
	reply_ok(res, rt, r, o);
}

void
portal_access_list(struct app *a, const struct route *rt,
    struct request *r, struct response *res)
{
	requests_list(a, rt, r, res, r->actor, "");
}

void
access_list(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	const char	*state;

	if (portal_text(res, rt, r, "state", 0, &state) == -1)
		return;
	/* "all" is what no state has always meant; "decided" the history. */
	if (strcmp(state, "all") == 0)
		state = "";
	if (state[0] != '\0' && strcmp(state, "pending") != 0 &&
	    strcmp(state, "decided") != 0 && strcmp(state, "approved") != 0 &&
	    strcmp(state, "rejected") != 0 && strcmp(state, "withdrawn") != 0 &&
	    strcmp(state, "revoked") != 0) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "STATE MUST BE PENDING, "
		    "DECIDED, ALL, APPROVED, REJECTED, WITHDRAWN OR REVOKED");
		return;
	}
	requests_list(a, rt, r, res, NULL, state);
}

/* The {id} of the path: a positive integer.  0, or -1 after replying. */
static int
path_id(struct response *res, const struct route *rt, struct request *r,
    long long *id)
{
	if (strlen(r->pathv[0]) != r->pathlen[0] ||
	    validate_number(r->pathv[0], 10, 1, LLONG_MAX, id) == -1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "THE REQUEST ID MUST BE "
		    "A POSITIVE INTEGER");
		return -1;
	}
	return 0;
}

/* Withdraws, approves, rejects or revokes request {id}, as the caller. */
static void
decide(struct app *a, const struct route *rt, struct request *r,
    struct response *res, const char *state, const char *text)
{
	struct one_request	 x = { NULL, strcmp(state, "withdrawn") != 0,
				    NULL };
	struct actor		 act;
	long long		 id;
	enum store_rc		 rc;

	if (path_id(res, rt, r, &id) == -1)
		return;
	app_actor(rt, r, &act);
	/* admin_auth = none: an admin of the network decides. */
	rc = store_access_decide(a->store, &act, id, state, r->actor != NULL ?
	    r->actor : "anonymous", text, keep_request, &x);
	if (rc == ST_NOT_FOUND)
		reply_err(res, rt, r, ERR_NOT_FOUND, "NO SUCH REQUEST: %lld",
		    id);
	else if (rc == ST_CONFLICT && strcmp(state, "revoked") == 0)
		reply_err(res, rt, r, ERR_DECIDED, "REQUEST %lld IS NOT "
		    "APPROVED: ONLY AN APPROVAL IS REVOKED", id);
	else if (rc == ST_CONFLICT)
		reply_err(res, rt, r, ERR_DECIDED, "REQUEST %lld IS DECIDED "
		    "ALREADY", id);
	else if (rc == ST_FORBIDDEN)
		reply_err(res, rt, r, ERR_FORBIDDEN, "NOBODY DECIDES THEIR OWN "
		    "REQUEST");
	else if (rc != ST_OK)
		reply_store_err(res, rt, r, rc, "DECIDE THE REQUEST");
	else {
		reply_request(res, rt, r, &x);
		return;
	}
	json_object_put(x.o);
}

void
portal_access_withdraw(struct app *a, const struct route *rt,
    struct request *r, struct response *res)
{
	decide(a, rt, r, res, "withdrawn", NULL);
}

/* Decides request {id} to state with the request's text member name. */
static void
decide_with(struct app *a, const struct route *rt, struct request *r,
    struct response *res, const char *state, const char *name,
    int mandatory)
{
	const char	*text;

	if (portal_text(res, rt, r, name, mandatory, &text) == -1)
		return;
	decide(a, rt, r, res, state, text);
}

void
access_approve(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	decide_with(a, rt, r, res, "approved", "note", 0);
}

void
access_reject(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	decide_with(a, rt, r, res, "rejected", "reason", 1);
}

/*
 * Takes an approval back: its groups leave the requester's consumers at
 * once (those another approval gives stay), and no generation gives
 * them again.
 */
void
access_revoke(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	decide_with(a, rt, r, res, "revoked", "reason", 1);
}
