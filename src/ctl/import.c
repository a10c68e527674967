/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl import kong URL|DIR, import deck FILE: each consumer
 * read sent to POST /v1/consumer/{username}/state, one call (so one
 * transaction and one audit row) each, as a dry run unless --apply.
 * The summary says what was read, carried, refused and not carried;
 * no secret is ever printed, not even in a message of the server's.
 */

#include "build.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl/cmd.h"
#include "ctl/import.h"

#define ROUTE	"ekstep.api.am.adminutil.consumer.state"

/* The server's refusal of one consumer, or why the run stops. */
static int
stops(long status)
{
	return status != 400 && status != 409;
}

/* 1 if s holds a secret of the consumer state (then it is not shown). */
static int
holds_secret(const char *s, struct json_object *state)
{
	struct json_object	*creds, *v;
	size_t			 i;

	creds = json_object_object_get(state, "credentials");
	for (i = 0; i < json_object_array_length(creds); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(creds,
		    i), "secret", &v) && strstr(s, json_object_get_string(v)) !=
		    NULL)
			return 1;
	return 0;
}

/* 1 if msg speaks of a public key (case aside). */
static int
about_key(const char *msg)
{
	const char	*p;

	for (p = msg; *p != '\0'; p++)
		if (strncasecmp(p, "public", 6) == 0 ||
		    strncasecmp(p, "PEM", 3) == 0)
			return 1;
	return 0;
}

/* What the server did, or would do, counted by op. */
static void
tally(struct json_object *report, struct json_object *res)
{
	struct json_object	*v, *changes;
	const char		*op;
	char			 name[96], *d;
	size_t			 i;
	int			 created = 0;

	if (json_object_object_get_ex(res, "changes", &changes) &&
	    json_object_is_type(changes, json_type_array))
		for (i = 0; i < json_object_array_length(changes); i++) {
			v = json_object_object_get(json_object_array_get_idx(
			    changes, i), "op");
			if ((op = json_object_get_string(v)) == NULL)
				continue;
			created |= strcmp(op, "create") == 0;
			snprintf(name, sizeof(name), "%s", op);
			/* "credential.add" is one counter, not a path. */
			for (d = name; *d != '\0'; d++)
				if (*d == '.')
					*d = '_';
			import_count(json_object_object_get(report, "changes"),
			    name, 1);
		}
	if (created)
		import_count(report, "consumers.created", 1);
	else if (json_object_object_get_ex(res, "changed", &v) &&
	    json_object_get_boolean(v))
		import_count(report, "consumers.changed", 1);
	else
		import_count(report, "consumers.unchanged", 1);
}

/* One consumer's state sent; CTL_OK unless the run must stop. */
static int
send_one(struct ctl *c, struct json_object *state, const char *tag,
    int apply, int adopt, struct json_object *report,
    struct json_object *distinct)
{
	struct json_object	*req, *res = NULL;
	struct call_err		 e;
	const char		*user;
	char			*esc, *path = NULL;
	int			 rc;

	user = json_object_get_string(json_object_object_get(state,
	    "username"));
	req = json_object_new_object();
	json_object_object_foreach(state, name, v)
		if (strcmp(name, "username") != 0)
			json_object_object_add(req, name, json_object_get(v));
	json_object_object_add(req, "managed_by", json_object_new_string(tag));
	json_object_object_add(req, "state", json_object_new_string("present"));
	json_object_object_add(req, "dry_run", json_object_new_boolean(!apply));
	json_object_object_add(req, "adopt", json_object_new_boolean(adopt));
	if ((esc = call_escape(user)) == NULL ||
	    asprintf(&path, "/v1/consumer/%s/state", esc) == -1) {
		free(esc);
		json_object_put(req);
		fprintf(stderr, "adminutil-ctl: out of memory\n");
		return CTL_UNREACHABLE;
	}
	free(esc);
	memset(&e, 0, sizeof(e));
	rc = call_err(c, ROUTE, path, req, &res, &e);
	free(path);
	if (rc == CTL_OK) {
		tally(report, res);
		import_carried(report, state, distinct);
		json_object_put(res);
		return CTL_OK;
	}
	if (e.status == 0 || stops(e.status)) {
		if (e.status != 0)
			fprintf(stderr, "adminutil-ctl: import: consumer %s: "
			    "%s: %s (HTTP %ld)%s\n", user, e.err,
			    holds_secret(e.msg, state) ? "(withheld)" : e.msg,
			    e.status, e.status == 403 ? "; writing secrets "
			    "needs the token's user in state_groups" :
			    e.status == 404 ? "; is the server older than "
			    "the state route?" : "");
		return rc;
	}
	import_note(report, "refused", user, "%s: %s", e.err,
	    holds_secret(e.msg, state) ? "(the message held a secret: "
	    "withheld)" : e.msg);
	import_count(report, "consumers.refused", 1);
	if (about_key(e.msg))
		import_count(report, "public_keys_refused", 1);
	return CTL_OK;
}

/* s for a terminal: control bytes as \xNN (print.c does the same). */
static void
put_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			printf("\\x%02x", (unsigned char)*s);
		else
			putchar(*s);
}

static void
print_list(struct json_object *report, const char *list, const char *title)
{
	struct json_object	*l, *o;
	size_t			 i, n;

	l = json_object_object_get(report, list);
	if ((n = json_object_array_length(l)) == 0)
		return;
	printf("%s (%zu):\n", title, n);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(l, i);
		fputs("  ", stdout);
		put_safe(json_object_get_string(json_object_object_get(o,
		    "consumer")));
		fputs(": ", stdout);
		put_safe(json_object_get_string(json_object_object_get(o,
		    "why")));
		putchar('\n');
	}
}

/* "name n" for each member of the object at path in report. */
static void
print_counts(struct json_object *report, const char *path, const char *title)
{
	struct json_object	*o = json_object_object_get(report, path);

	printf("%-12s", title);
	if (o == NULL || json_object_object_length(o) == 0)
		printf(" none");
	json_object_object_foreach(o, name, v) {
		putchar(' ');
		put_safe(name);
		printf(" %lld", (long long)json_object_get_int64(v));
	}
	putchar('\n');
}

static void
print_report(const struct ctl *c, struct json_object *r, int apply)
{
	if (c->output == OUT_JSON) {
		puts(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE));
		return;
	}
	/* Texts from the source or the server: put_safe. */
	print_list(r, "refused", "refused, not imported");
	print_list(r, "not_carried", "not carried");
	print_list(r, "duplicates", "duplicate groups collapsed");
	printf("%s\n", apply ? "import done:" : "dry run, nothing written "
	    "(--apply writes); what it would do:");
	print_counts(r, "consumers", "consumers");
	print_counts(r, "credentials", "credentials");
	print_counts(r, "groups", "groups");
	print_counts(r, "limits", "limits");
	print_counts(r, "plugins", "plugins");
	printf("%-12s %lld refused\n", "public keys", (long long)
	    json_object_get_int64(json_object_object_get(r,
	    "public_keys_refused")));
	print_counts(r, "changes", "changes");
}

/* The ownership tag as the state route takes it: 1-64 [A-Za-z0-9._-]. */
static int
tag_ok(const char *t)
{
	size_t	 n = strlen(t), i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '.' &&
		    t[i] != '_' && t[i] != '-')
			return 0;
	return n >= 1 && n <= 64;
}

int
c_import(struct ctl *c, const struct cmd *k, const struct args *a)
{
	struct json_object	*report, *states, *distinct;
	struct kong		 kong;
	struct stat		 st;
	const char		*tag = a->val[O_TAG] != NULL ? a->val[O_TAG] :
				    "kong";
	size_t			 i;
	int			 apply = a->val[O_APPLY] != NULL, rc;

	if (!tag_ok(tag))
		return usage_err(a, "--tag: \"%s\" is not 1 to 64 of "
		    "A-Z a-z 0-9 . _ -", tag);
	if (strcmp(k->verb, "deck") == 0)
		rc = deck_read(a->pos[0], &kong);
	else if (stat(a->pos[0], &st) == 0 && S_ISDIR(st.st_mode))
		rc = kong_read_dir(a->pos[0], &kong);
	else
		rc = kong_read_url(c, a->pos[0], &kong);
	if (rc == CTL_USAGE)
		return usage_err(a, "%s: neither a directory nor an http(s) "
		    "URL", a->pos[0]);
	if (rc != CTL_OK) {
		fprintf(stderr, "adminutil-ctl: import: nothing was sent\n");
		return rc;
	}
	report = import_report_new();
	json_object_object_add(report, "source", json_object_new_string(
	    k->verb));
	json_object_object_add(report, "managed_by",
	    json_object_new_string(tag));
	json_object_object_add(report, "dry_run",
	    json_object_new_boolean(!apply));
	json_object_object_add(report, "changes", json_object_new_object());
	states = kong_map(&kong, report);
	kong_free(&kong);
	call_keep();
	distinct = json_object_new_object();
	for (i = 0; i < json_object_array_length(states) && rc == CTL_OK; i++)
		rc = send_one(c, json_object_array_get_idx(states, i), tag,
		    apply, a->val[O_ADOPT] != NULL, report, distinct);
	json_object_put(distinct);
	json_object_put(states);
	if (rc != CTL_OK)
		fprintf(stderr, "adminutil-ctl: import: stopped after %zu of "
		    "the consumers; each sent is whole (one transaction "
		    "each), the rest untouched\n", i - 1);
	else {
		print_report(c, report, apply);
		if (json_object_get_int64(json_object_object_get(
		    json_object_object_get(report, "consumers"), "refused")) >
		    0)
			rc = CTL_REFUSED;
	}
	json_object_put(report);
	return rc;
}
