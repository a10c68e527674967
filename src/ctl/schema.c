/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The declarative file's schema (docs/ctl.md, "Declarative state"),
 * checked before anything is sent, each fault with its line and where
 * in the file it is; and the state route's request for one consumer.
 * The server checks the values again (a group's characters, a key's
 * length, a public key), naming the consumer.
 */

#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctl/doc.h"
#include "ctl/state.h"

struct check {
	char		*err;
	size_t		 errsz;
};

static int	 bad(struct check *, json_object *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* A fault at o's line: "line N: where: what". */
static int
bad(struct check *k, json_object *o, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	n = snprintf(k->err, k->errsz, "line %d: ", doc_line(o));
	if (n < 0 || (size_t)n >= k->errsz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(k->err + n, k->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *
type_name(json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "true or false";
	case json_type_int:
		return "an integer";
	case json_type_double:
		return "a number";
	case json_type_string:
		return "a string";
	case json_type_array:
		return "a list";
	default:
		return "a mapping";
	}
}

/* o is of type t, or a fault "WHERE: T is expected, not ..." at at. */
static int
want(struct check *k, json_object *o, json_object *at, json_type t,
    const char *where)
{
	static const char *const names[] = {
		[json_type_boolean] = "true or false",
		[json_type_int] = "an integer",
		[json_type_string] = "a string",
		[json_type_array] = "a list",
		[json_type_object] = "a mapping",
	};

	if (json_object_is_type(o, t) && o != NULL)
		return 0;
	return bad(k, o != NULL ? o : at, "%s: %s is expected, not %s", where,
	    names[t], type_name(o));
}

/* The members of o are of names, each once (the reader saw to that). */
static int
members(struct check *k, json_object *o, const char *const *names,
    const char *where)
{
	size_t	 i;

	json_object_object_foreach(o, name, v) {
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(name, names[i]) == 0)
				break;
		if (names[i] == NULL)
			return bad(k, v != NULL ? v : o, "%s: unknown key "
			    "\"%s\"", where, name);
	}
	return 0;
}

int
state_tag_ok(const char *s)
{
	size_t	 len = strlen(s);

	return len >= 1 && len <= 64 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

static int
check_cred(struct check *k, json_object *c, const char *where)
{
	static const char *const names[] = { "key", "algorithm", "secret",
	    "public_key", "jwk", NULL };
	static const char *const strs[] = { "key", "algorithm", "secret",
	    "public_key", NULL };
	json_object	*v;
	char		 w[256];
	size_t		 i;

	if (want(k, c, c, json_type_object, where) == -1 ||
	    members(k, c, names, where) == -1)
		return -1;
	if (!json_object_object_get_ex(c, "key", &v))
		return bad(k, c, "%s: key is missing", where);
	for (i = 0; strs[i] != NULL; i++) {
		snprintf(w, sizeof(w), "%s.%s", where, strs[i]);
		if (json_object_object_get_ex(c, strs[i], &v) &&
		    want(k, v, c, json_type_string, w) == -1)
			return -1;
	}
	snprintf(w, sizeof(w), "%s.jwk", where);
	if (json_object_object_get_ex(c, "jwk", &v) &&
	    want(k, v, c, json_type_object, w) == -1)
		return -1;
	return 0;
}

static int
check_consumer(struct check *k, json_object *c, const char *where)
{
	static const char *const names[] = { "username", "state", "groups",
	    "limits", "credentials", NULL };
	static const char *const windows[] = { "second", "minute", "hour",
	    "day", NULL };
	json_object	*v, *e;
	const char	*state = "present";
	char		 w[128];
	size_t		 i, n;

	if (want(k, c, c, json_type_object, where) == -1 ||
	    members(k, c, names, where) == -1)
		return -1;
	if (!json_object_object_get_ex(c, "username", &v))
		return bad(k, c, "%s: username is missing", where);
	snprintf(w, sizeof(w), "%s.username", where);
	if (want(k, v, c, json_type_string, w) == -1)
		return -1;
	if (json_object_get_string_len(v) == 0)
		return bad(k, v, "%s: an empty username", w);
	if (json_object_object_get_ex(c, "state", &v)) {
		snprintf(w, sizeof(w), "%s.state", where);
		if (want(k, v, c, json_type_string, w) == -1)
			return -1;
		state = json_object_get_string(v);
		if (strcmp(state, "present") != 0 &&
		    strcmp(state, "absent") != 0)
			return bad(k, v, "%s: present or absent, not \"%s\"",
			    w, state);
	}
	if (!json_object_object_get_ex(c, "groups", &v)) {
		if (strcmp(state, "absent") == 0)
			return 0;
		return bad(k, c, "%s: groups is missing (the whole list, [] "
		    "for none)", where);
	}
	snprintf(w, sizeof(w), "%s.groups", where);
	if (want(k, v, c, json_type_array, w) == -1)
		return -1;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		snprintf(w, sizeof(w), "%s.groups[%zu]", where, i);
		if (want(k, json_object_array_get_idx(v, i), v,
		    json_type_string, w) == -1)
			return -1;
	}
	if (json_object_object_get_ex(c, "limits", &v)) {
		snprintf(w, sizeof(w), "%s.limits", where);
		if (want(k, v, c, json_type_object, w) == -1 ||
		    members(k, v, windows, w) == -1)
			return -1;
		json_object_object_foreach(v, win, lim) {
			snprintf(w, sizeof(w), "%s.limits.%s", where, win);
			if (want(k, lim, v, json_type_int, w) == -1)
				return -1;
		}
	}
	if (json_object_object_get_ex(c, "credentials", &v)) {
		snprintf(w, sizeof(w), "%s.credentials", where);
		if (want(k, v, c, json_type_array, w) == -1)
			return -1;
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(v, i);
			snprintf(w, sizeof(w), "%s.credentials[%zu]", where,
			    i);
			if (check_cred(k, e != NULL ? e : v, w) == -1)
				return -1;
		}
	}
	return 0;
}

int
state_file_check(json_object *doc, char *err, size_t errsz)
{
	static const char *const names[] = { "_format", "managed_by",
	    "consumers", NULL };
	struct check	 k = { err, errsz };
	json_object	*v, *list, *c, *u, *u2;
	char		 w[64];
	size_t		 i, j, n;

	err[0] = '\0';
	if (want(&k, doc, doc, json_type_object, "the file") == -1 ||
	    members(&k, doc, names, "the file") == -1)
		return -1;
	if (!json_object_object_get_ex(doc, "_format", &v))
		return bad(&k, doc, "_format is missing (\"%s\")",
		    STATE_FORMAT);
	if (want(&k, v, doc, json_type_string, "_format") == -1)
		return -1;
	if (strcmp(json_object_get_string(v), STATE_FORMAT) != 0)
		return bad(&k, v, "_format: \"%s\" is not %s",
		    json_object_get_string(v), STATE_FORMAT);
	if (!json_object_object_get_ex(doc, "managed_by", &v))
		return bad(&k, doc, "managed_by is missing: the tag of the "
		    "consumers this file manages");
	if (want(&k, v, doc, json_type_string, "managed_by") == -1)
		return -1;
	if (!state_tag_ok(json_object_get_string(v)))
		return bad(&k, v, "managed_by: 1 to 64 of A-Z a-z 0-9 . _ -");
	if (!json_object_object_get_ex(doc, "consumers", &list))
		return bad(&k, doc, "consumers is missing ([] for none)");
	if (want(&k, list, doc, json_type_array, "consumers") == -1)
		return -1;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		c = json_object_array_get_idx(list, i);
		snprintf(w, sizeof(w), "consumers[%zu]", i);
		if (check_consumer(&k, c != NULL ? c : list, w) == -1)
			return -1;
		json_object_object_get_ex(c, "username", &u);
		for (j = 0; j < i; j++) {
			json_object_object_get_ex(json_object_array_get_idx(
			    list, j), "username", &u2);
			if (strcmp(json_object_get_string(u),
			    json_object_get_string(u2)) == 0)
				return bad(&k, u, "%s.username: \"%s\" is "
				    "listed twice (first at line %d)", w,
				    json_object_get_string(u), doc_line(u2));
		}
	}
	return 0;
}

json_object *
state_request(json_object *c, const char *tag, int dry_run, int adopt)
{
	static const char *const copied[] = { "state", "groups", "limits",
	    "credentials", NULL };
	json_object	*req, *v;
	size_t		 i;

	if ((req = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(req, "managed_by",
	    json_object_new_string(tag));
	if (dry_run)
		json_object_object_add(req, "dry_run",
		    json_object_new_boolean(1));
	if (adopt)
		json_object_object_add(req, "adopt",
		    json_object_new_boolean(1));
	for (i = 0; copied[i] != NULL; i++)
		if (json_object_object_get_ex(c, copied[i], &v))
			json_object_object_add(req, copied[i],
			    json_object_get(v));
	return req;
}
