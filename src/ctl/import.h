/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl import: consumers, JWT credentials, ACL groups and
 * rate limits from Kong 0.14 (its Admin API, or its pages saved in a
 * directory) or from a decK file (docs/ctl.md, "Coming from Kong").
 *
 * Every source is first brought to the shape of Kong 0.14's Admin API
 * (struct kong: its four lists, as /consumers, /jwts, /acls and
 * /plugins give their "data"), then mapped, one way for all, to the
 * state of each consumer that POST /v1/consumer/{username}/state takes.
 */

#ifndef CTL_IMPORT_H
#define CTL_IMPORT_H

#include <json-c/json.h>

#include "ctl/ctl.h"

/* The longest secret the server stores (its sealed column). */
#define IMPORT_SECRET_MAX	161

/* Kong's four lists, each a json-c array of its rows (owned). */
struct kong {
	struct json_object	*consumers, *jwts, *acls, *plugins;
};

void	kong_free(struct kong *);

/*
 * Reads Kong 0.14's Admin API at url: /consumers page by page (keyset,
 * stable), /jwts, /acls and /plugins each as one page of at least
 * their total (their paging has no order: see kong.c).  CTL_OK, or
 * CTL_UNREACHABLE after saying on standard error which endpoint failed
 * and why.  Never prints a row.
 */
int	kong_read_url(const struct ctl *c, const char *url, struct kong *k);

/* The same from dir: consumers.json or consumers-*.json, jwts.json,
 * acls.json, plugins.json, as curl saved those answers. */
int	kong_read_dir(const char *dir, struct kong *k);

/* The same from a decK file's content (JSON or YAML) at path. */
int	deck_read(const char *path, struct kong *k);

/* A list's rows checked as one page of Kong's old DAO: an object with
 * "data" an array of objects, "total" its length, every "id" once.
 * NULL and *why set, or the data (a new reference). */
struct json_object *kong_page_data(struct json_object *page, int need_total,
	    const char **why);

/* The string member name of o, or NULL (absent, null, not a string). */
const char	*kong_str(struct json_object *o, const char *name);

/*
 * Maps k to the consumers to send (a json-c array of objects: the
 * route's request without managed_by, dry_run and adopt, with
 * "username" added) and fills report (a json-c object, docs/ctl.md):
 * what was read, what is carried, what is not and why.  A consumer that
 * cannot be carried whole is left out of the array and listed in
 * report's "refused" with its reason.  Never copies a secret into
 * report.
 */
struct json_object *kong_map(const struct kong *k, struct json_object *report);

/* Counts the state's groups (distinct: the set of all so far),
 * credentials and limits as carried, once the server took it. */
void	import_carried(struct json_object *report, struct json_object *state,
	    struct json_object *distinct);

/* The report, empty: every counter at 0, every list empty. */
struct json_object *import_report_new(void);
/* Adds n to the report's counter name (a dotted path "a.b"). */
void	import_count(struct json_object *report, const char *name, int64_t n);
/* Appends {"consumer": who, "why": why} to the report's list name. */
void	import_note(struct json_object *report, const char *list,
	    const char *who, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

#endif
