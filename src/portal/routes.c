/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Self-service API access: the portal's routes (a developer's requests,
 * credentials and notifications) and the approvers' (/v1/access/...).
 * Who calls is settled before: the portal user the web server signed in
 * (r->actor, with r->portal_user), or an admin token's consumer.
 */
#include "build.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/validate.h"
#include "gateway/acl.h"
#include "gateway/auth.h"
#include "portal/portal.h"
#include "store/access.h"
#include "store/inbox.h"
#include "store/owned.h"

#define TEXT_MAX	 1024	/* notes, reasons */
#define EMAIL_MAX	 254

/*
 * 1 if group may be asked for through the portal: a group of the ACL
 * file, but none that opens the admin plane.
 */
static int
offered_name(const struct config *cfg, const char *g, size_t len)
{
	return !words_have(cfg->admin_groups, g, len) &&
	    !words_have(cfg->admin_read_groups, g, len) &&
	    !words_have(cfg->introspect_groups, g, len);
}

/* The groups offered, name -> [{method, path}], built from the ACL. */
struct offer {
	const struct config	*cfg;
	json_object		*byname;
};

static void
offer_rule(void *arg, const char *method, const char *prefix,
    const struct acl_rule *rule)
{
	struct offer	*o = arg;
	json_object	*apis, *api;
	size_t		 i;

	if (rule->kind != ACL_GROUPS)
		return;
	for (i = 0; i < rule->ngroups; i++) {
		if (!offered_name(o->cfg, rule->groups[i],
		    strlen(rule->groups[i])))
			continue;
		if (!json_object_object_get_ex(o->byname, rule->groups[i],
		    &apis)) {
			apis = json_object_new_array();
			json_object_object_add(o->byname, rule->groups[i],
			    apis);
		}
		if ((api = json_object_new_object()) == NULL)
			continue;
		json_object_object_add(api, "method",
		    json_object_new_string(method));
		json_object_object_add(api, "path",
		    json_object_new_string(prefix));
		json_object_array_add(apis, api);
	}
}

static int
by_path(const void *a, const void *b)
{
	json_object *const	*x = a, *const *y = b;
	int			 c;
	json_object		*px, *py;

	json_object_object_get_ex(*x, "path", &px);
	json_object_object_get_ex(*y, "path", &py);
	if ((c = strcmp(json_object_get_string(px),
	    json_object_get_string(py))) != 0)
		return c;
	json_object_object_get_ex(*x, "method", &px);
	json_object_object_get_ex(*y, "method", &py);
	return strcmp(json_object_get_string(px), json_object_get_string(py));
}

static int
by_name(const void *a, const void *b)
{
	json_object *const	*x = a, *const *y = b;
	json_object		*nx, *ny;

	json_object_object_get_ex(*x, "name", &nx);
	json_object_object_get_ex(*y, "name", &ny);
	return strcmp(json_object_get_string(nx), json_object_get_string(ny));
}

/* The offer as the route's array: by name, each group's APIs by path. */
static json_object *
offer_array(struct app *a)
{
	struct offer	 o = { a->cfg, json_object_new_object() };
	json_object	*arr, *g;

	if (o.byname == NULL || (arr = json_object_new_array()) == NULL) {
		json_object_put(o.byname);
		return NULL;
	}
	acl_each(auth_acl(a->auth), offer_rule, &o);
	json_object_object_foreach(o.byname, name, apis) {
		if ((g = json_object_new_object()) == NULL)
			continue;
		json_object_array_sort(apis, by_path);
		json_object_object_add(g, "name", json_object_new_string(name));
		json_object_object_add(g, "apis", json_object_get(apis));
		json_object_array_add(arr, g);
	}
	json_object_array_sort(arr, by_name);
	json_object_put(o.byname);
	return arr;
}

/* Whether a rule of the ACL names a group. */
struct seek {
	const char	*g;
	size_t		 len;
	int		 found;
};

static void
seek_rule(void *arg, const char *method, const char *prefix,
    const struct acl_rule *rule)
{
	struct seek	*k = arg;
	size_t		 i;

	(void)method;
	(void)prefix;
	if (rule->kind != ACL_GROUPS)
		return;
	for (i = 0; i < rule->ngroups && !k->found; i++)
		k->found = strlen(rule->groups[i]) == k->len &&
		    memcmp(rule->groups[i], k->g, k->len) == 0;
}

static int
group_in_acl(struct app *a, const char *g, size_t len)
{
	struct seek	 k = { g, len, 0 };

	acl_each(auth_acl(a->auth), seek_rule, &k);
	return k.found;
}

/* allowed() of store_portal_generate: offered, and still in the ACL. */
static int
offered(void *arg, const char *g, size_t len)
{
	struct app	*a = arg;

	return offered_name(a->cfg, g, len) && group_in_acl(a, g, len);
}

void
portal_groups(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	json_object	*arr, *o;

	if ((arr = offer_array(a)) == NULL || (o = json_object_new_object()) ==
	    NULL) {
		json_object_put(arr);
		reply_internal(res, rt, r, "LIST THE GROUPS");
		return;
	}
	json_object_object_add(o, "groups", arr);
	reply_ok(res, rt, r, o);
}

/*
 * The text member name of request: absent is "" unless mandatory, at
 * most TEXT_MAX bytes of UTF-8, no control character but newline and
 * tab.  0, or -1 after replying BAD_REQUEST.
 */
static int
req_text(struct response *res, const struct route *rt, struct request *r,
    const char *name, int mandatory, const char **out)
{
	json_object	*v = NULL;
	const char	*s;
	size_t		 len, i;

	*out = "";
	if (r->req != NULL)
		json_object_object_get_ex(r->req, name, &v);
	if (v == NULL) {
		if (!mandatory)
			return 0;
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s IS MANDATORY",
		    name);
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s MUST BE A STRING",
		    name);
		return -1;
	}
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (len > TEXT_MAX || !validate_utf8(s, len)) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s MUST BE AT MOST %d "
		    "BYTES OF UTF-8", name, TEXT_MAX);
		return -1;
	}
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n' &&
		    s[i] != '\t') || s[i] == 0x7f) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%s MUST NOT "
			    "HOLD CONTROL CHARACTERS", name);
			return -1;
		}
	if (mandatory && strspn(s, " \t\n") == len) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s IS MANDATORY",
		    name);
		return -1;
	}
	*out = s;
	return 0;
}

/*
 * A mail address fit for a header: local@domain, printable ASCII with
 * none of the specials, at most EMAIL_MAX bytes.  1 if so.
 */
static int
email_ok(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 len = strlen(s), i;

	if (len < 3 || len > EMAIL_MAX || at == NULL || at == s ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
		    strchr("<>()[]\\,;:\"", s[i]) != NULL)
			return 0;
	return 1;
}

/* The access request as the routes answer it. */
static json_object *
request_json(const struct access_row *row, int approver)
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
	}
	json_object_object_add(o, "groups", strlist_json(row->groups));
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
};

static void
keep_request(void *arg, const struct access_row *row)
{
	struct one_request	*x = arg;

	json_object_put(x->o);
	x->o = request_json(row, x->approver);
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
	struct one_request	 x = { NULL, 0 };
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
		if (!offered_name(a->cfg, json_object_get_string(g), len) ||
		    !group_in_acl(a, json_object_get_string(g), len)) {
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
	if (req_text(res, rt, r, "notes", 0, &notes) == -1 ||
	    req_text(res, rt, r, "email", 0, &email) == -1)
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

	json_object_array_add(x->o, request_json(row, x->approver));
}

/* The requests: the caller's own (portal), or any (approvers). */
static void
requests_list(struct app *a, const struct route *rt, struct request *r,
    struct response *res, const char *requester, const char *state)
{
	struct one_request	 x = { json_object_new_array(), requester ==
	    NULL };
	json_object		*o;
	enum store_rc		 rc;

	if (x.o == NULL) {
		reply_internal(res, rt, r, "LIST THE REQUESTS");
		return;
	}
	rc = store_access_list(a->store, requester, state, list_request, &x);
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

	if (req_text(res, rt, r, "state", 0, &state) == -1)
		return;
	if (state[0] != '\0' && strcmp(state, "pending") != 0 &&
	    strcmp(state, "approved") != 0 && strcmp(state, "rejected") != 0 &&
	    strcmp(state, "withdrawn") != 0 && strcmp(state, "revoked") != 0) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "STATE MUST BE PENDING, "
		    "APPROVED, REJECTED, WITHDRAWN OR REVOKED");
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
	struct one_request	 x = { NULL, strcmp(state, "withdrawn") != 0 };
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

	if (req_text(res, rt, r, name, mandatory, &text) == -1)
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
	if (req_text(res, rt, r, "notes", 0, &notes) == -1)
		return;
	app_actor(rt, r, &act);
	caps.live = a->cfg->portal_max_credentials;
	caps.per_hour = a->cfg->portal_generations_per_hour;
	caps.retry_s = 0;
	memset(&cr, 0, sizeof(cr));
	rc = store_portal_generate(a->store, &act, r->actor,
	    json_object_get_string(v), (size_t)json_object_get_string_len(v),
	    notes, &caps, offered, a, &cr, &groups);
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
