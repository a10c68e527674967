/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * A decK file (_format_version "1.1", "2.1" or "3.0"; YAML or JSON)
 * brought to the shape of Kong 0.14's Admin API (import.h), so that one
 * mapping serves both: its consumers with their jwt_secrets, acls and
 * plugins, and the top-level plugins, jwt_secrets and acls that name
 * their consumer.  Each row gets an id of its own, as Kong's have.
 */

#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/doc.h"
#include "ctl/import.h"

static const char *const formats[] = { "1.1", "2.1", "3.0" };

/* The lists a consumer holds, and Kong's endpoint each goes to. */
enum list { L_JWTS, L_ACLS, L_PLUGINS, L_MAX };
static const char *const members[L_MAX] = { "jwt_secrets", "acls",
    "plugins" };

struct deck {
	struct kong		*k;
	struct json_object	*lists[L_MAX];
	struct json_object	*names;		/* username/custom_id -> id */
	const char		*path;
	int			 n;		/* rows made, for their ids */
};

static int	 deck_err(const struct deck *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
deck_err(const struct deck *d, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "adminutil-ctl: import deck: %s: ", d->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CTL_UNREACHABLE;
}

/* A copy of row with an id and consumer_id as Kong 0.14 gives them. */
static void
add_row(struct deck *d, enum list l, struct json_object *row,
    const char *consumer_id)
{
	struct json_object	*r;
	char			 id[48];

	r = json_object_new_object();
	json_object_object_foreach(row, name, v) {
		/* A service or route of decK is a scope, as Kong's ids. */
		if (strcmp(name, "service") == 0 || strcmp(name, "route") == 0) {
			if (v != NULL)
				json_object_object_add(r, name[0] == 's' ?
				    "service_id" : "route_id",
				    json_object_new_string("deck"));
		} else if (strcmp(name, "consumer") != 0)
			json_object_object_add(r, name, json_object_get(v));
	}
	snprintf(id, sizeof(id), "deck-%s-%d", members[l], ++d->n);
	json_object_object_add(r, "id", json_object_new_string(id));
	json_object_object_add(r, "consumer_id", consumer_id != NULL ?
	    json_object_new_string(consumer_id) : NULL);
	json_object_array_add(d->lists[l], r);
}

/* The rows of list l under o (a consumer's, or the file's). */
static int
take_list(struct deck *d, struct json_object *o, enum list l,
    const char *consumer_id, const char *where)
{
	struct json_object	*a, *row, *ref;
	const char		*cid;
	size_t			 i;

	if (!json_object_object_get_ex(o, members[l], &a) || a == NULL)
		return CTL_OK;
	if (!json_object_is_type(a, json_type_array))
		return deck_err(d, "%s: %s is not a list", where, members[l]);
	for (i = 0; i < json_object_array_length(a); i++) {
		row = json_object_array_get_idx(a, i);
		if (!json_object_is_type(row, json_type_object))
			return deck_err(d, "an entry of %s is not a mapping "
			    "(#%zu)", members[l], i + 1);
		cid = consumer_id;
		if (cid == NULL && json_object_object_get_ex(row, "consumer",
		    &ref) && ref != NULL) {
			/* decK names a consumer by username, or an object. */
			if (json_object_is_type(ref, json_type_object))
				cid = kong_str(ref, "username") != NULL ?
				    kong_str(ref, "username") :
				    kong_str(ref, "id");
			else if (json_object_is_type(ref, json_type_string))
				cid = json_object_get_string(ref);
			if (cid != NULL && json_object_object_get_ex(d->names,
			    cid, &ref))
				cid = json_object_get_string(ref);
		}
		add_row(d, l, row, cid);
	}
	return CTL_OK;
}

static int
take_consumers(struct deck *d, struct json_object *root)
{
	struct json_object	*a, *c, *r;
	const char		*u, *cid;
	char			 id[48];
	size_t			 i;
	int			 l, rc;

	if (!json_object_object_get_ex(root, "consumers", &a) || a == NULL)
		return CTL_OK;
	if (!json_object_is_type(a, json_type_array))
		return deck_err(d, "consumers is not a list");
	for (i = 0; i < json_object_array_length(a); i++) {
		c = json_object_array_get_idx(a, i);
		if (!json_object_is_type(c, json_type_object))
			return deck_err(d, "consumers #%zu is not a mapping",
			    i + 1);
		snprintf(id, sizeof(id), "deck-consumer-%zu", i + 1);
		r = json_object_new_object();
		json_object_object_add(r, "id", json_object_new_string(id));
		if ((u = kong_str(c, "username")) != NULL)
			json_object_object_add(r, "username",
			    json_object_new_string(u));
		if ((cid = kong_str(c, "custom_id")) != NULL)
			json_object_object_add(r, "custom_id",
			    json_object_new_string(cid));
		json_object_array_add(d->k->consumers, r);
		if (cid != NULL)
			json_object_object_add(d->names, cid,
			    json_object_new_string(id));
		if (u != NULL)
			json_object_object_add(d->names, u,
			    json_object_new_string(id));
		if (kong_str(c, "id") != NULL)
			json_object_object_add(d->names, kong_str(c, "id"),
			    json_object_new_string(id));
		for (l = 0; l < L_MAX; l++)
			if ((rc = take_list(d, c, (enum list)l, id, id +
			    5)) != CTL_OK)
				return rc;
	}
	return CTL_OK;
}

/*
 * The file as json-c, JSON or YAML, through the reader of declarative
 * files (doc.h): its refusals (a key twice, an alias, a tag) hold here
 * too, with the line.
 */
static struct json_object *
deck_parse(const char *path)
{
	struct json_object	*root;
	char			 err[256];

	if ((root = doc_read(path, err, sizeof(err))) == NULL)
		fprintf(stderr, "adminutil-ctl: import deck: %s: %s\n", path,
		    err);
	return root;
}

int
deck_read(const char *path, struct kong *k)
{
	struct json_object	*root;
	struct deck		 d;
	const char		*v;
	size_t			 i;
	int			 l, rc;

	memset(k, 0, sizeof(*k));
	memset(&d, 0, sizeof(d));
	d.k = k;
	d.path = path;
	if ((root = deck_parse(path)) == NULL)
		return CTL_UNREACHABLE;
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return deck_err(&d, "not a mapping at its top");
	}
	v = kong_str(root, "_format_version");
	for (i = 0; v != NULL && i < sizeof(formats) / sizeof(formats[0]);
	    i++)
		if (strcmp(v, formats[i]) == 0)
			break;
	if (v == NULL || i == sizeof(formats) / sizeof(formats[0])) {
		rc = deck_err(&d, "_format_version %s: 1.1, 2.1 or 3.0 (a "
		    "string) are read", v != NULL ? v : "missing");
		json_object_put(root);
		return rc;
	}
	k->consumers = json_object_new_array();
	d.names = json_object_new_object();
	for (l = 0; l < L_MAX; l++)
		d.lists[l] = json_object_new_array();
	rc = take_consumers(&d, root);
	/* The file's own lists, each row naming its consumer. */
	for (l = 0; l < L_MAX && rc == CTL_OK; l++)
		rc = take_list(&d, root, (enum list)l, NULL, "the file");
	k->jwts = d.lists[L_JWTS];
	k->acls = d.lists[L_ACLS];
	k->plugins = d.lists[L_PLUGINS];
	json_object_put(d.names);
	json_object_put(root);
	if (rc != CTL_OK)
		kong_free(k);
	return rc;
}
