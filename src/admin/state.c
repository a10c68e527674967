/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Declarative state: a consumer set to the whole state a file gives it
 * (POST /v1/consumer/{username}/state), and every consumer's read back
 * for a file (POST /v1/state/export).  A secret kept verbatim, and
 * secrets exported, are more than any other route may do: they need a
 * caller of state_groups too.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/validate.h"
#include "gateway/auth.h"
#include "store/state.h"

#define EXPORT_LIMIT_DEFAULT	 500
#define EXPORT_LIMIT_MAX	 1000

/*
 * 1 if the caller is a consumer of state_groups (empty: nobody).  Only
 * a caller with a token can be: with admin_auth = none, or through the
 * portal, nobody is.
 */
static int
state_power(struct app *a, struct request *r)
{
	struct auth_result	 v;

	if (a->cfg->state_groups[0] == '\0' || r->portal_user != NULL ||
	    strcmp(a->cfg->admin_auth, "none") == 0)
		return 0;
	auth_caller(a->auth, r->authorization, r->nauthorization,
	    a->cfg->state_groups, clock_wall_ms(), &v);
	return v.verdict == AUTH_PASS;
}

/* The body names only members of names; else the first other one. */
static const char *
other_member(json_object *o, const char *const *names)
{
	size_t	 i;

	json_object_object_foreach(o, name, val) {
		(void)val;
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(name, names[i]) == 0)
				break;
		if (names[i] == NULL)
			return name;
	}
	return NULL;
}

/* A tag: 1 to 64 bytes of [A-Za-z0-9._-]. */
static int
tag_ok(json_object *v)
{
	const char	*s;
	size_t		 len;

	if (!json_object_is_type(v, json_type_string))
		return 0;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	return len >= 1 && len <= STATE_TAG_MAX && strspn(s, "ABCDEFGHIJKLMN"
	    "OPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

/* A boolean member (absent: 0) into *out; -1 when it is another type. */
static int
member_bool(json_object *o, const char *name, int *out)
{
	json_object	*v = NULL;

	*out = 0;
	if (!json_object_object_get_ex(o, name, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(v);
	return 0;
}

/* The thumbprint of a PEM public key for alg into t. */
static int
pem_thumb(const char *pem, enum jwt_alg alg, char t[JWK_THUMB_LEN + 1])
{
	json_object	*jwk;
	const char	*why;
	char		*out = NULL;
	int		 rc = -1;

	if ((jwk = jwk_of_pem(pem, strlen(pem), alg, NULL)) != NULL &&
	    jwk_pem(jwk, alg, &out, t, &why) == 0)
		rc = 0;
	free(out);
	json_object_put(jwk);
	return rc;
}

/* What the request's credentials hold, and what it must free. */
struct wanted {
	struct state_cred	*creds;
	char			**owned;
	char			(*thumbs)[JWK_THUMB_LEN + 1];
	size_t			 n;
	int			 secrets;	/* one is given */
};

static void
wanted_free(struct wanted *w)
{
	size_t	 i;

	for (i = 0; i < w->n; i++)
		free(w->owned[i]);
	free(w->owned);
	free(w->creds);
	free(w->thumbs);
	memset(w, 0, sizeof(*w));
}

/*
 * request.credentials into w, each checked as register checks one, a
 * secret as one a row can hold.  0, or -1 after replying.
 */
static int
request_creds(struct response *res, const struct route *rt,
    struct request *r, struct wanted *w)
{
	static const char *const members[] = { "key", "algorithm", "secret",
	    "public_key", "jwk", NULL };
	json_object		*list = NULL, *o, *v;
	struct state_cred	*c;
	const char		*msg, *name, *pem;
	char			 what[48];
	enum jwt_alg		 alg;
	size_t			 i, j;

	if (!json_object_object_get_ex(r->req, "credentials", &list) ||
	    list == NULL)
		return 0;
	if (!json_object_is_type(list, json_type_array)) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "CREDENTIALS MUST BE "
		    "AN ARRAY OF OBJECTS");
		return -1;
	}
	w->n = json_object_array_length(list);
	if ((w->creds = calloc(w->n + 1, sizeof(*w->creds))) == NULL ||
	    (w->owned = calloc(w->n + 1, sizeof(*w->owned))) == NULL ||
	    (w->thumbs = calloc(w->n + 1, sizeof(*w->thumbs))) == NULL) {
		reply_internal(res, rt, r, "READ CREDENTIALS");
		return -1;
	}
	for (i = 0; i < w->n; i++) {
		c = &w->creds[i];
		snprintf(what, sizeof(what), "CREDENTIALS[%zu]: ", i);
		o = json_object_array_get_idx(list, i);
		if (!json_object_is_type(o, json_type_object)) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%sMUST BE AN "
			    "OBJECT", what);
			return -1;
		}
		if ((name = other_member(o, members)) != NULL) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%sUNKNOWN "
			    "MEMBER %s", what, name);
			return -1;
		}
		v = NULL;
		json_object_object_get_ex(o, "key", &v);
		if ((msg = validate_key(v)) != NULL) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%s%s", what,
			    msg);
			return -1;
		}
		c->key = json_object_get_string(v);
		c->klen = (size_t)json_object_get_string_len(v);
		for (j = 0; j < i; j++)
			if (w->creds[j].klen == c->klen &&
			    memcmp(w->creds[j].key, c->key, c->klen) == 0) {
				reply_err(res, rt, r, ERR_BAD_REQUEST, "%sKEY "
				    "%s IS LISTED TWICE", what, c->key);
				return -1;
			}
		if (request_algorithm(res, rt, r, o, what, &alg, &pem,
		    &w->owned[i], w->thumbs[i]) == -1)
			return -1;
		c->algorithm = jwt_alg_name(alg);
		c->hmac = jwt_alg_is_hmac(alg);
		c->pem = pem;
		if (pem != NULL && w->thumbs[i][0] == '\0' &&
		    pem_thumb(pem, alg, w->thumbs[i]) == -1) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%sPUBLIC KEY "
			    "CANNOT BE READ", what);
			return -1;
		}
		c->thumb = pem != NULL ? w->thumbs[i] : NULL;
		v = NULL;
		if (!json_object_object_get_ex(o, "secret", &v) || v == NULL)
			continue;
		if (!c->hmac) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%sSECRET IS "
			    "NOT USED BY %s", what, c->algorithm);
			return -1;
		}
		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) < 1 ||
		    json_object_get_string_len(v) > STORE_SECRET_MAX ||
		    memchr(json_object_get_string(v), '\0',
		    (size_t)json_object_get_string_len(v)) != NULL) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%sSECRET MUST "
			    "BE A STRING OF 1 TO %d BYTES WITHOUT NUL (WHAT A "
			    "SEALED ROW HOLDS)", what, STORE_SECRET_MAX);
			return -1;
		}
		c->secret = json_object_get_string(v);
		c->slen = (size_t)json_object_get_string_len(v);
		w->secrets = 1;
	}
	return 0;
}

/* request.groups (an array, maybe empty) into list, duplicates dropped. */
static int
request_groups(struct response *res, const struct route *rt,
    struct request *r, struct strlist *list)
{
	json_object	*v = NULL;

	if (!json_object_object_get_ex(r->req, "groups", &v) || v == NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "GROUPS ARE MANDATORY "
		    "(THE WHOLE LIST; [] FOR NONE)");
		return -1;
	}
	if (json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) == 0)
		return 0;
	return request_group_list(res, rt, r, v, list);
}

/* The request as a wanted state; 0, or -1 after replying. */
static int
request_state(struct app *a, struct response *res, const struct route *rt,
    struct request *r, struct state_want *want, struct wanted *w)
{
	static const char *const members[] = { "managed_by", "state",
	    "dry_run", "adopt", "groups", "limits", "credentials", NULL };
	json_object	*v = NULL;
	const char	*msg, *name;

	if (r->req == NULL || !json_object_is_type(r->req, json_type_object) ||
	    (r->body != NULL && !validate_json_exact(r->body, r->bodylen,
	    r->json))) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "REQUEST MUST BE AN "
		    "OBJECT THAT NAMES EACH MEMBER ONCE");
		return -1;
	}
	if ((name = other_member(r->req, members)) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "UNKNOWN MEMBER %s",
		    name);
		return -1;
	}
	if (!json_object_object_get_ex(r->req, "managed_by", &v) ||
	    !tag_ok(v)) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "MANAGED_BY IS "
		    "MANDATORY: 1 TO 64 BYTES OF A-Z a-z 0-9 . _ -");
		return -1;
	}
	want->managed_by = json_object_get_string(v);
	v = NULL;
	if (json_object_object_get_ex(r->req, "state", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string) ||
		    (strcmp(json_object_get_string(v), "present") != 0 &&
		    strcmp(json_object_get_string(v), "absent") != 0)) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "STATE MUST BE "
			    "present OR absent");
			return -1;
		}
		want->absent = strcmp(json_object_get_string(v), "absent") == 0;
	}
	if (member_bool(r->req, "dry_run", &want->dry_run) == -1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "DRY_RUN MUST BE true "
		    "OR false");
		return -1;
	}
	if (member_bool(r->req, "adopt", &want->adopt) == -1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "ADOPT MUST BE true OR "
		    "false");
		return -1;
	}
	if (want->absent)
		return 0;
	if ((msg = validate_new_username_str(want->user, want->ulen)) !=
	    NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return -1;
	}
	if (request_groups(res, rt, r, &want->groups) == -1)
		return -1;
	v = NULL;
	if (json_object_object_get_ex(r->req, "limits", &v) && v != NULL &&
	    (msg = validate_limits(v, want->limits)) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return -1;
	}
	if (request_creds(res, rt, r, w) == -1)
		return -1;
	if (w->secrets && !state_power(a, r)) {
		reply_err(res, rt, r, ERR_FORBIDDEN, "A SECRET IS KEPT AS "
		    "GIVEN ONLY FOR A CALLER OF state_groups: SEND NONE (ONE "
		    "IS MADE) OR ASK ONE OF THEM");
		return -1;
	}
	want->creds = w->creds;
	want->ncreds = w->n;
	return 0;
}

void
consumer_state(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	struct state_want	 want;
	struct state_result	 out;
	struct wanted		 w;
	struct actor		 act;
	json_object		*o;
	enum store_rc		 rc;

	memset(&want, 0, sizeof(want));
	memset(&w, 0, sizeof(w));
	memset(&out, 0, sizeof(out));
	if (path_user(res, rt, r, &want.user, &want.ulen) == -1 ||
	    request_state(a, res, rt, r, &want, &w) == -1)
		goto done;
	app_actor(rt, r, &act);
	rc = store_consumer_state(a->store, &act, &want, &out);
	if (rc == ST_CONFLICT && out.refusal != SR_NONE) {
		reply_err(res, rt, r, out.refusal == SR_NOT_MANAGED ?
		    ERR_NOT_MANAGED : out.refusal == SR_KEY_TAKEN ?
		    ERR_CRED_EXISTS : out.refusal == SR_ALGORITHM ?
		    ERR_BAD_REQUEST : ERR_INTERNAL, "%s, NOTHING WAS CHANGED",
		    out.why);
		goto done;
	}
	if (rc != ST_OK) {
		reply_store_err(res, rt, r, rc, "SET THE CONSUMER'S STATE");
		goto done;
	}
	if ((o = json_object_new_object()) != NULL) {
		json_object_object_add(o, "username",
		    json_object_new_string_len(want.user, (int)want.ulen));
		json_object_object_add(o, "changed",
		    json_object_new_boolean(out.changed));
		json_object_object_add(o, "dry_run",
		    json_object_new_boolean(want.dry_run));
		json_object_object_add(o, "changes",
		    json_object_get(out.changes));
		json_object_object_add(o, "secrets",
		    json_object_get(out.secrets));
	}
	reply_ok(res, rt, r, o);
done:
	strlist_free(&want.groups);
	state_result_free(&out);
	wanted_free(&w);
}

/* export */

static void
export_row(void *arg, const struct state_row *row)
{
	json_object	*arr = arg, *o, *creds, *c;
	size_t		 i;

	if ((o = json_object_new_object()) == NULL ||
	    (creds = json_object_new_array()) == NULL) {
		json_object_put(o);
		return;
	}
	json_object_object_add(o, "username",
	    json_object_new_string(row->username));
	json_object_object_add(o, "managed_by", row->managed_by == NULL ?
	    NULL : json_object_new_string(row->managed_by));
	json_object_object_add(o, "groups", strlist_json(row->groups));
	json_object_object_add(o, "limits", validate_limits_json(row->limits));
	for (i = 0; i < row->ncreds; i++) {
		if ((c = json_object_new_object()) == NULL)
			continue;
		json_object_object_add(c, "key",
		    json_object_new_string(row->keys[i]));
		json_object_object_add(c, "algorithm",
		    json_object_new_string(row->algorithms[i]));
		if (row->secrets != NULL && row->secrets[i][0] != '\0')
			json_object_object_add(c, "secret",
			    json_object_new_string(row->secrets[i]));
		if (row->pems[i][0] != '\0')
			json_object_object_add(c, "public_key",
			    json_object_new_string(row->pems[i]));
		json_object_array_add(creds, c);
	}
	json_object_object_add(o, "credentials", creds);
	json_object_array_add(arr, o);
}

void
state_export(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	static const char *const members[] = { "after", "limit", "secrets",
	    "managed_by", NULL };
	json_object	*v = NULL, *arr, *o;
	const char	*after = "", *tag = NULL, *name;
	size_t		 alen = 0;
	long long	 limit;
	int		 secrets = 0;
	struct actor	 act;
	char		 next[STORE_KEY_MAX + 1];
	enum store_rc	 rc;

	if (r->req != NULL && (name = other_member(r->req, members)) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "UNKNOWN MEMBER %s",
		    name);
		return;
	}
	if (r->req != NULL && json_object_object_get_ex(r->req, "after", &v) &&
	    v != NULL) {
		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) > STORE_KEY_MAX) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "AFTER MUST BE "
			    "A USERNAME");
			return;
		}
		after = json_object_get_string(v);
		alen = (size_t)json_object_get_string_len(v);
	}
	if (req_count(r->req, "limit", EXPORT_LIMIT_DEFAULT, EXPORT_LIMIT_MAX,
	    &limit) == -1 || limit < 1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "LIMIT MUST BE AN "
		    "INTEGER FROM 1 TO %d", EXPORT_LIMIT_MAX);
		return;
	}
	if (r->req != NULL && member_bool(r->req, "secrets", &secrets) == -1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "SECRETS MUST BE true "
		    "OR false");
		return;
	}
	v = NULL;
	if (r->req != NULL && json_object_object_get_ex(r->req, "managed_by",
	    &v) && v != NULL) {
		if (!tag_ok(v)) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "MANAGED_BY: 1 "
			    "TO 64 BYTES OF A-Z a-z 0-9 . _ -");
			return;
		}
		tag = json_object_get_string(v);
	}
	if (secrets && !state_power(a, r)) {
		reply_err(res, rt, r, ERR_FORBIDDEN, "SECRETS ARE EXPORTED "
		    "ONLY TO A CALLER OF state_groups");
		return;
	}
	if ((arr = json_object_new_array()) == NULL) {
		reply_internal(res, rt, r, "EXPORT THE STATE");
		return;
	}
	app_actor(rt, r, &act);
	rc = store_state_export(a->store, &act, after, alen, tag, limit,
	    secrets, export_row, arr, next);
	if (rc != ST_OK) {
		json_object_put(arr);
		reply_store_err(res, rt, r, rc, "EXPORT THE STATE");
		return;
	}
	if ((o = json_object_new_object()) != NULL) {
		json_object_object_add(o, "consumers", arr);
		json_object_object_add(o, "next", next[0] == '\0' ? NULL :
		    json_object_new_string(next));
	} else
		json_object_put(arr);
	reply_ok(res, rt, r, o);
}
