/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Kong 0.14's consumers, JWT credentials, ACL groups and rate-limiting
 * plugins mapped to adminutil's consumer state (import.h).  Whatever
 * is not carried is said in the report, by consumer: nothing is
 * dropped unseen.  A consumer is carried whole or not at all, so a
 * partner never finds some of its keys working and others not.
 */

#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/import.h"

/* Kong's algorithms (jwt_secrets.algorithm), all of which adminutil has. */
static const char *const kong_algs[] = {
	"HS256", "HS384", "HS512", "RS256", "RS512", "ES256"
};

/* The windows adminutil limits by, and those it has not. */
static const char *const windows[] = { "second", "minute", "hour", "day" };
static const char *const long_windows[] = { "month", "year" };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct json_object *
import_report_new(void)
{
	/* Its counters at 0, in the order the summary shows them. */
	static const char *const consumers[] = {
		"consumers.read", "consumers.named_by_custom_id",
		"consumers.unnamed", "consumers.created", "consumers.changed",
		"consumers.unchanged", "consumers.refused"
	};
	static const char *const others[] = {
		"groups.memberships", "groups.distinct",
		"groups.duplicates_collapsed", "public_keys_refused",
		"limits.carried", "plugins.not_carried"
	};
	static const char *const lists[] = {
		"named_by_custom_id", "duplicates", "not_carried", "refused"
	};
	struct json_object	*r;
	size_t			 i;

	if ((r = json_object_new_object()) == NULL)
		return NULL;
	for (i = 0; i < NELEM(consumers); i++)
		import_count(r, consumers[i], 0);
	json_object_object_add(r, "credentials", json_object_new_object());
	for (i = 0; i < NELEM(others); i++)
		import_count(r, others[i], 0);
	for (i = 0; i < NELEM(lists); i++)
		json_object_object_add(r, lists[i], json_object_new_array());
	return r;
}

void
import_count(struct json_object *report, const char *name, int64_t n)
{
	struct json_object	*o = report, *v;
	const char		*dot;
	char			 part[64];

	while ((dot = strchr(name, '.')) != NULL) {
		snprintf(part, sizeof(part), "%.*s", (int)(dot - name), name);
		if (!json_object_object_get_ex(o, part, &v)) {
			v = json_object_new_object();
			json_object_object_add(o, part, v);
		}
		o = v;
		name = dot + 1;
	}
	if (json_object_object_get_ex(o, name, &v))
		n += json_object_get_int64(v);
	json_object_object_add(o, name, json_object_new_int64(n));
}

void
import_note(struct json_object *report, const char *list, const char *who,
    const char *fmt, ...)
{
	struct json_object	*l, *o;
	va_list			 ap;
	char			*why;

	if (!json_object_object_get_ex(report, list, &l))
		return;
	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) == -1)
		why = NULL;
	va_end(ap);
	o = json_object_new_object();
	json_object_object_add(o, "consumer", json_object_new_string(who));
	json_object_object_add(o, "why", json_object_new_string(why != NULL ?
	    why : "out of memory"));
	json_object_array_add(l, o);
	free(why);
}

struct json_object *
kong_page_data(struct json_object *page, int need_total, const char **why)
{
	struct json_object	*data, *total, *row, *id, *seen;
	size_t			 i, n;
	int			 ok = 1;

	if (!json_object_is_type(page, json_type_object) ||
	    !json_object_object_get_ex(page, "data", &data) ||
	    !json_object_is_type(data, json_type_array)) {
		*why = "not a page of Kong's Admin API (no \"data\" array)";
		return NULL;
	}
	n = json_object_array_length(data);
	if (need_total) {
		if (!json_object_object_get_ex(page, "total", &total) ||
		    !json_object_is_type(total, json_type_int)) {
			*why = "the page has no \"total\"";
			return NULL;
		}
		if (json_object_get_int64(total) != (int64_t)n) {
			*why = "the page holds fewer or more rows than its "
			    "\"total\"";
			return NULL;
		}
	}
	if ((seen = json_object_new_object()) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	for (i = 0; i < n && ok; i++) {
		row = json_object_array_get_idx(data, i);
		if (!json_object_is_type(row, json_type_object) ||
		    !json_object_object_get_ex(row, "id", &id) ||
		    !json_object_is_type(id, json_type_string)) {
			*why = "a row that is not an object with a string id";
			ok = 0;
		} else if (json_object_object_get_ex(seen,
		    json_object_get_string(id), NULL)) {
			*why = "a row given twice (the same id)";
			ok = 0;
		} else
			json_object_object_add(seen,
			    json_object_get_string(id), NULL);
	}
	json_object_put(seen);
	return ok ? json_object_get(data) : NULL;
}

const char *
kong_str(struct json_object *o, const char *name)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The member name of o as a positive integer; 0 absent or null, -1 bad. */
static int64_t
count_of(struct json_object *o, const char *name)
{
	struct json_object	*v;
	double			 d;

	if (!json_object_object_get_ex(o, name, &v) || v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_int))
		return json_object_get_int64(v) > 0 ?
		    json_object_get_int64(v) : -1;
	if (json_object_is_type(v, json_type_double)) {
		/* Kong's schema holds numbers: 5.0 is 5. */
		d = json_object_get_double(v);
		return d >= 1 && d <= 1e12 && d == (double)(int64_t)d ?
		    (int64_t)d : -1;
	}
	return -1;
}

/* A consumer being mapped: the state to send and what stops it. */
struct item {
	struct json_object	*state;		/* the request, "username" in */
	struct json_object	*groups;	/* group -> times seen */
	char			*name;
	char			*bad;		/* NULL: carried */
	int			 limited;	/* a plugin's limits taken */
};

static void
refuse(struct item *it, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	if (it->bad == NULL)
		it->bad = s != NULL ? s : strdup("out of memory");
	else {
		/* Every reason, not the first only: one fix for all. */
		char	*both;

		if (s != NULL && asprintf(&both, "%s; %s", it->bad, s) != -1) {
			free(it->bad);
			it->bad = both;
		}
		free(s);
	}
}

/* The consumer row's item, or NULL after reporting why it is none. */
static int
item_init(struct item *it, struct json_object *row, struct json_object *names,
    struct json_object *report)
{
	const char	*user, *cid, *id;

	memset(it, 0, sizeof(*it));
	id = kong_str(row, "id");
	user = kong_str(row, "username");
	cid = kong_str(row, "custom_id");
	import_count(report, "consumers.read", 1);
	if (user != NULL && user[0] == '\0')
		user = NULL;
	if (id == NULL)
		return -1;
	if (user == NULL && (cid == NULL || cid[0] == '\0')) {
		/* Kept, so that its rows are not taken for strays. */
		import_count(report, "consumers.unnamed", 1);
		user = id;
		refuse(it, "Kong consumer %s has neither username nor "
		    "custom_id: not imported", id);
	} else if (user == NULL) {
		user = cid;
		import_count(report, "consumers.named_by_custom_id", 1);
		json_object_array_add(json_object_object_get(report,
		    "named_by_custom_id"), json_object_new_string(user));
	}
	it->name = strdup(user);
	it->state = json_object_new_object();
	it->groups = json_object_new_object();
	json_object_object_add(it->state, "username",
	    json_object_new_string(user));
	json_object_object_add(it->state, "credentials",
	    json_object_new_array());
	json_object_object_add(it->state, "limits", json_object_new_object());
	if (it->bad != NULL)
		return 0;
	if (json_object_object_get_ex(names, user, NULL))
		refuse(it, "its name is another Kong consumer's username or "
		    "custom_id too");
	json_object_object_add(names, user, NULL);
	return 0;
}

static void
take_acl(struct item *it, struct json_object *row)
{
	struct json_object	*v;
	const char		*g = kong_str(row, "group");

	if (g == NULL || g[0] == '\0') {
		refuse(it, "an ACL row without a group");
		return;
	}
	if (json_object_object_get_ex(it->groups, g, &v))
		json_object_object_add(it->groups, g,
		    json_object_new_int(json_object_get_int(v) + 1));
	else
		json_object_object_add(it->groups, g, json_object_new_int(1));
}

static void
take_jwt(struct item *it, struct json_object *row)
{
	struct json_object	*cred;
	const char		*key, *alg, *secret, *pem;
	size_t			 i, len;

	key = kong_str(row, "key");
	alg = kong_str(row, "algorithm");
	if (key == NULL || key[0] == '\0') {
		refuse(it, "a JWT credential without a key");
		return;
	}
	if (alg == NULL)		/* Kong's default */
		alg = "HS256";
	for (i = 0; i < NELEM(kong_algs); i++)
		if (strcmp(alg, kong_algs[i]) == 0)
			break;
	if (i == NELEM(kong_algs)) {
		refuse(it, "key %s: algorithm %s is not one of Kong's", key,
		    alg);
		return;
	}
	cred = json_object_new_object();
	json_object_object_add(cred, "key", json_object_new_string(key));
	json_object_object_add(cred, "algorithm", json_object_new_string(alg));
	if (alg[0] == 'H') {
		/* The length only, never the secret, goes in a reason. */
		secret = kong_str(row, "secret");
		len = secret != NULL ? strlen(secret) : 0;
		if (len == 0 || len > IMPORT_SECRET_MAX) {
			refuse(it, "key %s: a secret of %zu bytes (1 to %d "
			    "are stored)", key, len, IMPORT_SECRET_MAX);
			json_object_put(cred);
			return;
		}
		json_object_object_add(cred, "secret",
		    json_object_new_string(secret));
	} else {
		pem = kong_str(row, "rsa_public_key");
		if (pem == NULL || pem[0] == '\0') {
			refuse(it, "key %s: %s without a public key", key, alg);
			json_object_put(cred);
			return;
		}
		json_object_object_add(cred, "public_key",
		    json_object_new_string(pem));
	}
	json_object_array_add(json_object_object_get(it->state, "credentials"),
	    cred);
}

/* A rate-limiting plugin of the consumer: its windows to the limits. */
static void
take_limits(struct item *it, struct json_object *conf,
    struct json_object *report)
{
	struct json_object	*lim;
	const char		*by;
	int64_t			 n;
	size_t			 i;
	int			 any = 0;

	if (it->limited) {
		import_note(report, "not_carried", it->name, "a second "
		    "rate-limiting plugin: only one is carried");
		import_count(report, "plugins.not_carried", 1);
		return;
	}
	by = conf != NULL ? kong_str(conf, "limit_by") : NULL;
	if (by != NULL && strcmp(by, "consumer") != 0 &&
	    strcmp(by, "credential") != 0) {
		import_note(report, "not_carried", it->name, "rate-limiting "
		    "by %s: adminutil limits a consumer, by its key", by);
		import_count(report, "plugins.not_carried", 1);
		return;
	}
	lim = json_object_new_object();
	for (i = 0; i < NELEM(windows); i++) {
		if ((n = count_of(conf, windows[i])) == 0)
			continue;
		if (n < 0) {
			refuse(it, "rate-limiting %s is not a positive "
			    "integer", windows[i]);
			json_object_put(lim);
			return;
		}
		json_object_object_add(lim, windows[i],
		    json_object_new_int64(n));
		any = 1;
	}
	for (i = 0; i < NELEM(long_windows); i++)
		if ((n = count_of(conf, long_windows[i])) != 0) {
			import_note(report, "not_carried", it->name,
			    "rate-limiting %s %lld: adminutil's windows are "
			    "second, minute, hour and day", long_windows[i],
			    (long long)n);
		}
	if (!any)
		import_count(report, "plugins.not_carried", 1);
	it->limited = 1;
	if (any)
		json_object_object_add(it->state, "limits", lim);
	else
		json_object_put(lim);
}

/* Plugins on no consumer, counted by name and scope: one note each. */
static void
note_scoped(struct json_object *report, struct json_object *scoped)
{
	json_object_object_foreach(scoped, name, v) {
		import_note(report, "not_carried", "-", "%s (%d): a plugin of "
		    "an API, route or service, or a global one; adminutil's "
		    "ACL file holds routes and their rates "
		    "(docs/rate-limits.md)", name, json_object_get_int(v));
		import_count(report, "plugins.not_carried",
		    json_object_get_int(v));
	}
}

static void
take_plugin(struct json_object *row, struct json_object *byid,
    struct json_object *scoped, struct json_object *report)
{
	static const char *const scopes[] = { "api_id", "route_id",
	    "service_id" };
	struct json_object	*v, *conf = NULL;
	struct item		*it;
	const char		*name, *cid;
	size_t			 i;
	int			 scope = 0;

	name = kong_str(row, "name");
	if (name == NULL)
		name = "(no name)";
	cid = kong_str(row, "consumer_id");
	for (i = 0; i < NELEM(scopes); i++)
		scope |= kong_str(row, scopes[i]) != NULL;
	if (cid == NULL || scope) {
		json_object_object_add(scoped, name, json_object_new_int(
		    json_object_object_get_ex(scoped, name, &v) ?
		    json_object_get_int(v) + 1 : 1));
		return;
	}
	if (!json_object_object_get_ex(byid, cid, &v)) {
		import_note(report, "not_carried", cid, "plugin %s of a "
		    "consumer not in the consumers' list", name);
		import_count(report, "plugins.not_carried", 1);
		return;
	}
	it = json_object_get_userdata(v);
	if (json_object_object_get_ex(row, "enabled", &v) &&
	    json_object_is_type(v, json_type_boolean) &&
	    !json_object_get_boolean(v)) {
		import_note(report, "not_carried", it->name, "plugin %s is "
		    "disabled", name);
		import_count(report, "plugins.not_carried", 1);
		return;
	}
	if (strcmp(name, "rate-limiting") != 0) {
		import_note(report, "not_carried", it->name, "plugin %s: "
		    "adminutil has none like it", name);
		import_count(report, "plugins.not_carried", 1);
		return;
	}
	json_object_object_get_ex(row, "config", &conf);
	take_limits(it, conf, report);
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(json_object_get_string(*(struct json_object *const *)a),
	    json_object_get_string(*(struct json_object *const *)b));
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(kong_str(*(struct json_object *const *)a, "key"),
	    kong_str(*(struct json_object *const *)b, "key"));
}

static int
by_username(const void *a, const void *b)
{
	return strcmp(kong_str(*(struct json_object *const *)a, "username"),
	    kong_str(*(struct json_object *const *)b, "username"));
}

void
import_carried(struct json_object *report, struct json_object *state,
    struct json_object *distinct)
{
	struct json_object	*groups, *creds, *algs;
	size_t			 i;

	groups = json_object_object_get(state, "groups");
	creds = json_object_object_get(state, "credentials");
	import_count(report, "groups.memberships",
	    (int64_t)json_object_array_length(groups));
	for (i = 0; i < json_object_array_length(groups); i++)
		json_object_object_add(distinct, json_object_get_string(
		    json_object_array_get_idx(groups, i)), NULL);
	json_object_object_add(json_object_object_get(report, "groups"),
	    "distinct", json_object_new_int64(
	    json_object_object_length(distinct)));
	algs = json_object_object_get(report, "credentials");
	for (i = 0; i < json_object_array_length(creds); i++)
		import_count(algs, kong_str(json_object_array_get_idx(creds, i),
		    "algorithm"), 1);
	if (json_object_object_length(json_object_object_get(state,
	    "limits")) > 0)
		import_count(report, "limits.carried", 1);
}

/* The item done: its groups set, out or refused. */
static void
item_finish(struct item *it, struct json_object *out,
    struct json_object *report)
{
	struct json_object	*groups, *creds;
	int			 times;

	groups = json_object_new_array();
	json_object_object_foreach(it->groups, g, v) {
		times = json_object_get_int(v);
		if (times > 1) {
			import_note(report, "duplicates", it->name, "group %s "
			    "%d times: kept once", g, times);
			import_count(report, "groups.duplicates_collapsed",
			    times - 1);
		}
		json_object_array_add(groups, json_object_new_string(g));
	}
	json_object_array_sort(groups, by_string);
	json_object_object_add(it->state, "groups", groups);
	creds = json_object_object_get(it->state, "credentials");
	json_object_array_sort(creds, by_key);
	if (it->bad != NULL) {
		import_note(report, "refused", it->name, "%s", it->bad);
		import_count(report, "consumers.refused", 1);
		return;
	}
	json_object_array_add(out, json_object_get(it->state));
}

static void
item_free(struct json_object *o, void *p)
{
	struct item	*it = p;

	(void)o;
	json_object_put(it->state);
	json_object_put(it->groups);
	free(it->name);
	free(it->bad);
	free(it);
}

/*
 * Gives each row of rows (what: "a JWT credential") to the item of its
 * consumer_id in byid; a row of a consumer not listed is not carried.
 */
static void
take_rows(struct json_object *rows, const char *what,
    void (*take)(struct item *, struct json_object *),
    struct json_object *byid, struct json_object *report)
{
	struct json_object	*row, *holder;
	const char		*cid;
	size_t			 i;

	for (i = 0; i < json_object_array_length(rows); i++) {
		row = json_object_array_get_idx(rows, i);
		if ((cid = kong_str(row, "consumer_id")) == NULL ||
		    !json_object_object_get_ex(byid, cid, &holder)) {
			import_note(report, "not_carried", cid != NULL ? cid :
			    "?", "%s of a consumer not in the consumers' list",
			    what);
			continue;
		}
		take(json_object_get_userdata(holder), row);
	}
}

struct json_object *
kong_map(const struct kong *k, struct json_object *report)
{
	struct json_object	*out, *byid, *names, *scoped;
	struct json_object	*row, *holder, *order;
	struct item		*it;
	const char		*id;
	size_t			 i;

	out = json_object_new_array();
	byid = json_object_new_object();
	names = json_object_new_object();
	scoped = json_object_new_object();
	order = json_object_new_array();
	for (i = 0; i < json_object_array_length(k->consumers); i++) {
		row = json_object_array_get_idx(k->consumers, i);
		if ((it = calloc(1, sizeof(*it))) == NULL)
			break;
		if (item_init(it, row, names, report) == -1) {
			import_note(report, "refused", "?", "a Kong consumer "
			    "without an id");
			import_count(report, "consumers.refused", 1);
			item_free(NULL, it);
			continue;
		}
		id = kong_str(row, "id");
		/* The item lives as long as its holder in byid. */
		holder = json_object_new_object();
		json_object_set_userdata(holder, it, item_free);
		json_object_object_add(byid, id, holder);
		json_object_array_add(order, json_object_get(holder));
	}
	take_rows(k->acls, "an ACL row", take_acl, byid, report);
	take_rows(k->jwts, "a JWT credential", take_jwt, byid, report);
	for (i = 0; i < json_object_array_length(k->plugins); i++)
		take_plugin(json_object_array_get_idx(k->plugins, i), byid,
		    scoped, report);
	note_scoped(report, scoped);
	for (i = 0; i < json_object_array_length(order); i++)
		item_finish(json_object_get_userdata(
		    json_object_array_get_idx(order, i)), out, report);
	json_object_array_sort(out, by_username);
	json_object_put(order);
	json_object_put(byid);
	json_object_put(names);
	json_object_put(scoped);
	return out;
}

void
kong_free(struct kong *k)
{
	json_object_put(k->consumers);
	json_object_put(k->jwts);
	json_object_put(k->acls);
	json_object_put(k->plugins);
	memset(k, 0, sizeof(*k));
}
