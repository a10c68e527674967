/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * What a developer may ask for: the ACL file's groups, less those that
 * open the admin plane, each with the APIs it opens.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/strlist.h"
#include "gateway/acl.h"
#include "gateway/auth.h"
#include "portal/portal.h"
#include "portal/portal_int.h"

/*
 * 1 if group may be asked for through the portal: a group of the ACL
 * file, but none that opens the admin plane.
 */
int
portal_offered_name(const struct config *cfg, const char *g, size_t len)
{
	return !words_have(cfg->admin_groups, g, len) &&
	    !words_have(cfg->admin_read_groups, g, len) &&
	    !words_have(cfg->introspect_groups, g, len);
}

/* The groups portal_offered, name -> [{method, path}], built from the ACL. */
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
		if (!portal_offered_name(o->cfg, rule->groups[i],
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

json_object *
portal_offer_map(struct app *a)
{
	struct offer	 o = { a->cfg, json_object_new_object() };

	if (o.byname == NULL)
		return NULL;
	acl_each(auth_acl(a->auth), offer_rule, &o);
	json_object_object_foreach(o.byname, name, apis) {
		(void)name;
		json_object_array_sort(apis, by_path);
	}
	return o.byname;
}

/*
 * The offer as the route's array: by name, each group with what it is
 * for (null when group_descriptions does not say) and its APIs by path.
 */
static json_object *
offer_array(struct app *a)
{
	json_object	*byname, *arr, *g;
	const char	*d;

	if ((byname = portal_offer_map(a)) == NULL)
		return NULL;
	if ((arr = json_object_new_array()) == NULL) {
		json_object_put(byname);
		return NULL;
	}
	json_object_object_foreach(byname, name, apis) {
		if ((g = json_object_new_object()) == NULL)
			continue;
		d = portal_description(a->descriptions, name);
		json_object_object_add(g, "name", json_object_new_string(name));
		json_object_object_add(g, "description", d != NULL ?
		    json_object_new_string(d) : NULL);
		json_object_object_add(g, "apis", json_object_get(apis));
		json_object_array_add(arr, g);
	}
	json_object_array_sort(arr, by_name);
	json_object_put(byname);
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

int
portal_group_in_acl(struct app *a, const char *g, size_t len)
{
	struct seek	 k = { g, len, 0 };

	acl_each(auth_acl(a->auth), seek_rule, &k);
	return k.found;
}

/* allowed() of store_portal_generate: portal_offered, and still in the ACL. */
int
portal_offered(void *arg, const char *g, size_t len)
{
	struct app	*a = arg;

	return portal_offered_name(a->cfg, g, len) && portal_group_in_acl(a, g, len);
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
