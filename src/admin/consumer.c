/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The consumer routes: create, grant, revoke, read, delete, list, and a
 * consumer's own rate limits.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "core/config.h"
#include "core/validate.h"
#include "store/consumer.h"

#define LIST_LIMIT_DEFAULT	 100
#define LIST_LIMIT_MAX		 1000

static json_object *
groups_result(const char *user, size_t ulen, const struct strlist *groups)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "username",
	    json_object_new_string_len(user, (int)ulen));
	json_object_object_add(o, "groups", strlist_json(groups));
	return o;
}

/* A consumer as read and listed: its groups and its own limits. */
static json_object *
read_result(const char *user, size_t ulen, const struct strlist *groups,
    const uint64_t limits[RL_NWINDOWS])
{
	json_object	*o;

	if ((o = groups_result(user, ulen, groups)) != NULL)
		json_object_object_add(o, "limits",
		    validate_limits_json(limits));
	return o;
}

void
consumer_create(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	json_object		*v = NULL, *o;
	const char		*msg, *user;
	size_t			 ulen;
	struct credential	 cr;
	struct actor		 act;
	enum store_rc		 rc;

	json_object_object_get_ex(r->req, "username", &v);
	if ((msg = validate_new_username(v)) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return;
	}
	user = json_object_get_string(v);
	ulen = (size_t)json_object_get_string_len(v);
	app_actor(rt, r, &act);
	rc = store_consumer_create(a->store, &act, user, ulen,
	    a->cfg->default_group, &cr);
	if (rc != ST_OK) {
		reply_store_err(res, rt, r, rc, "CREATE CONSUMER");
		return;
	}
	o = json_strings("key", cr.key, "secret", cr.secret, "username", user,
	    (char *)NULL);
	explicit_bzero(cr.secret, sizeof(cr.secret));
	/*
	 * secret_readback = no, or a consumer the portal made: a secret is
	 * shown when it is issued only.
	 */
	if (o != NULL && !cr.issued && (!a->cfg->secret_readback || cr.owned))
		json_object_object_add(o, "secret", NULL);
	reply_ok(res, rt, r, o);
}

int
request_group_list(struct response *res, const struct route *rt,
    struct request *r, json_object *v, struct strlist *list)
{
	json_object	*g;
	const char	*msg;
	size_t		 i, n, len;

	if ((msg = validate_groups(v)) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return -1;
	}
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		g = json_object_array_get_idx(v, i);
		len = (size_t)json_object_get_string_len(g);
		if (strlist_has(list, json_object_get_string(g), len))
			continue;
		if (strlist_add(list, json_object_get_string(g), len) == -1) {
			reply_internal(res, rt, r, "READ GROUPS");
			return -1;
		}
	}
	return 0;
}

/* request.groups into list (request_group_list). */
static int
request_groups(struct response *res, const struct route *rt,
    struct request *r, struct strlist *list)
{
	json_object	*v = NULL;

	json_object_object_get_ex(r->req, "groups", &v);
	return request_group_list(res, rt, r, v, list);
}

static void
groups_change(struct app *a, const struct route *rt, struct request *r,
    struct response *res, int remove)
{
	struct strlist	 list = { 0 }, out = { 0 };
	struct actor	 act;
	const char	*user;
	size_t		 ulen;
	enum store_rc	 rc;

	if (path_user(res, rt, r, &user, &ulen) == -1 ||
	    request_groups(res, rt, r, &list) == -1)
		goto out;
	app_actor(rt, r, &act);
	if (remove)
		rc = store_groups_remove(a->store, &act, user, ulen, &list,
		    &out);
	else
		rc = store_groups_set(a->store, &act, user, ulen, &list, &out);
	if (rc == ST_NOT_FOUND && remove)
		reply_err(res, rt, r, ERR_GROUP_FETCH,
		    "ERROR WHEN FETCHING GROUPS OF CONSUMER, USERNAME: %s. "
		    "CONSUMER DOES NOT EXISTS", user);
	else if (rc == ST_NOT_FOUND)
		reply_err(res, rt, r, ERR_GROUP_ASSIGN,
		    "ERROR WHEN GRANTING CONSUMER ACCESS TO API GROUP : %s. "
		    "CONSUMER DOES NOT EXISTS", list.v[0]);
	else if (rc != ST_OK)
		reply_store_err(res, rt, r, rc, remove ? "REVOKE GROUPS" :
		    "GRANT GROUPS");
	else
		reply_ok(res, rt, r, groups_result(user, ulen, &out));
out:
	strlist_free(&list);
	strlist_free(&out);
}

void
consumer_grant(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	groups_change(a, rt, r, res, 0);
}

void
consumer_revoke(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	groups_change(a, rt, r, res, 1);
}

void
consumer_read(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	struct strlist	 out = { 0 };
	uint64_t	 limits[RL_NWINDOWS];
	const char	*user;
	size_t		 ulen;
	enum store_rc	 rc;

	if (path_user(res, rt, r, &user, &ulen) == -1)
		return;
	rc = store_consumer_get(a->store, user, ulen, &out, limits);
	if (rc == ST_NOT_FOUND)
		reply_err(res, rt, r, ERR_GROUP_FETCH,
		    "ERROR WHEN FETCHING GROUPS OF CONSUMER, USERNAME: %s. "
		    "CONSUMER DOES NOT EXISTS", user);
	else if (rc != ST_OK)
		reply_store_err(res, rt, r, rc, "READ CONSUMER");
	else
		reply_ok(res, rt, r, read_result(user, ulen, &out, limits));
	strlist_free(&out);
}

void
consumer_delete(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	struct actor	 act;
	const char	*user;
	size_t		 ulen;
	enum store_rc	 rc;

	if (path_user(res, rt, r, &user, &ulen) == -1)
		return;
	app_actor(rt, r, &act);
	rc = store_consumer_delete(a->store, &act, user, ulen);
	if (rc == ST_NOT_FOUND)
		reply_err(res, rt, r, ERR_CONSUMER_NOT_FOUND,
		    "CONSUMER DOES NOT EXIST, USERNAME: %s", user);
	else if (rc != ST_OK)
		reply_store_err(res, rt, r, rc, "DELETE CONSUMER");
	else
		reply_ok(res, rt, r, json_strings("username", user,
		    (char *)NULL));
}

/*
 * Replaces the consumer's own limits with request.limits ({} clears
 * them).  A body that names a member twice is refused: json-c keeps the
 * last of two "hour"s, where the caller may have meant the first.
 */
void
consumer_limits(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	json_object	*v = NULL, *o;
	uint64_t	 want[RL_NWINDOWS], got[RL_NWINDOWS];
	struct actor	 act;
	const char	*user, *msg;
	size_t		 ulen;
	enum store_rc	 rc;

	if (path_user(res, rt, r, &user, &ulen) == -1)
		return;
	if (r->body != NULL && r->json != NULL &&
	    !validate_json_exact(r->body, r->bodylen, r->json)) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "REQUEST BODY NAMES A "
		    "MEMBER TWICE OR HOLDS A NUL");
		return;
	}
	json_object_object_get_ex(r->req, "limits", &v);
	if ((msg = validate_limits(v, want)) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return;
	}
	app_actor(rt, r, &act);
	rc = store_limits_set(a->store, &act, user, ulen, want, got);
	if (rc == ST_NOT_FOUND)
		reply_err(res, rt, r, ERR_CONSUMER_NOT_FOUND,
		    "CONSUMER DOES NOT EXIST, USERNAME: %s", user);
	else if (rc != ST_OK)
		reply_store_err(res, rt, r, rc, "SET LIMITS");
	else {
		if ((o = json_object_new_object()) != NULL) {
			json_object_object_add(o, "username",
			    json_object_new_string_len(user, (int)ulen));
			json_object_object_add(o, "limits",
			    validate_limits_json(got));
		}
		reply_ok(res, rt, r, o);
	}
}

static void
list_row(void *arg, const struct consumer_row *row)
{
	json_object	*arr = arg;

	json_object_array_add(arr, read_result(row->username, row->ulen,
	    row->groups, row->limits));
}

void
consumer_list(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	json_object	*arr, *v = NULL;
	const char	*prefix = "", *msg;
	size_t		 plen = 0;
	long long	 offset, limit, total;
	enum store_rc	 rc;

	if (req_count(r->req, "offset", 0, 1LL << 40, &offset) == -1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST,
		    "OFFSET MUST BE A NON-NEGATIVE INTEGER");
		return;
	}
	if (req_count(r->req, "limit", LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX,
	    &limit) == -1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST,
		    "LIMIT MUST BE AN INTEGER FROM 0 TO %d", LIST_LIMIT_MAX);
		return;
	}
	if (r->req != NULL && json_object_object_get_ex(r->req, "prefix", &v) &&
	    v != NULL) {
		if (!json_object_is_type(v, json_type_string)) {
			reply_err(res, rt, r, ERR_BAD_REQUEST,
			    "PREFIX MUST BE A STRING");
			return;
		}
		prefix = json_object_get_string(v);
		plen = (size_t)json_object_get_string_len(v);
		if (plen > 0 && (msg = validate_username_str(prefix, plen)) !=
		    NULL && strstr(msg, "UUID") == NULL) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "PREFIX: %s",
			    msg);
			return;
		}
	}
	if ((arr = json_object_new_array()) == NULL) {
		reply_internal(res, rt, r, "LIST CONSUMERS");
		return;
	}
	rc = store_consumer_list(a->store, prefix, plen, offset, limit,
	    list_row, arr, &total);
	reply_page(res, rt, r, rc, "LIST CONSUMERS", "consumers", arr, total);
}
