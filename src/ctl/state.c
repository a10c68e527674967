/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl dump, diff FILE and apply FILE: a file of consumers
 * (docs/ctl.md, "Declarative state") against the admin plane's state
 * routes, one call a consumer, so one transaction a consumer.  A secret
 * is never printed: dump writes secrets only into a new 0600 file, apply
 * writes the secrets it had made only into one.
 */

#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/cmd.h"
#include "ctl/doc.h"
#include "ctl/state.h"

#define ID(x)		"ekstep.api.am.adminutil." x
#define EXPORT_PAGE	 1000

/* A new file, 0600, never over another or through a link. */
static int
new_file(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
}

/*
 * Every consumer of tag (NULL: all) into list, by pages of the export;
 * with secrets, theirs too.
 */
static int
export_all(struct ctl *c, const char *tag, int secrets, json_object *list)
{
	json_object	*req, *res, *v, *next = NULL;
	char		*after = NULL;
	size_t		 i, n;
	int		 rc;

	for (;;) {
		if ((req = json_object_new_object()) == NULL)
			return CTL_UNREACHABLE;
		json_object_object_add(req, "limit",
		    json_object_new_int(EXPORT_PAGE));
		if (after != NULL)
			json_object_object_add(req, "after",
			    json_object_new_string(after));
		if (tag != NULL)
			json_object_object_add(req, "managed_by",
			    json_object_new_string(tag));
		if (secrets)
			json_object_object_add(req, "secrets",
			    json_object_new_boolean(1));
		free(after);
		after = NULL;
		if ((rc = call(c, ID("state.export"), "/v1/state/export", req,
		    NULL, &res)) != CTL_OK)
			return rc;
		if (json_object_object_get_ex(res, "consumers", &v) &&
		    json_object_is_type(v, json_type_array)) {
			n = json_object_array_length(v);
			for (i = 0; i < n; i++)
				json_object_array_add(list, json_object_get(
				    json_object_array_get_idx(v, i)));
		}
		if (json_object_object_get_ex(res, "next", &next) &&
		    json_object_is_type(next, json_type_string))
			after = strdup(json_object_get_string(next));
		json_object_put(res);
		if (after == NULL)
			return CTL_OK;
	}
}

/* A consumer of the export as the file has it. */
static json_object *
file_consumer(json_object *e)
{
	json_object	*o, *v, *creds, *cr, *src;
	size_t		 i, n;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (json_object_object_get_ex(e, "username", &v))
		json_object_object_add(o, "username", json_object_get(v));
	if (json_object_object_get_ex(e, "groups", &v))
		json_object_object_add(o, "groups", json_object_get(v));
	if (json_object_object_get_ex(e, "limits", &v) &&
	    json_object_object_length(v) > 0)
		json_object_object_add(o, "limits", json_object_get(v));
	creds = json_object_new_array();
	if (json_object_object_get_ex(e, "credentials", &v)) {
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			src = json_object_array_get_idx(v, i);
			if ((cr = json_object_new_object()) == NULL)
				continue;
			json_object_object_foreach(src, k, m)
				json_object_object_add(cr, k,
				    json_object_get(m));
			json_object_array_add(creds, cr);
		}
	}
	json_object_object_add(o, "credentials", creds);
	return o;
}

int
c_dump(struct ctl *c, const struct cmd *k, const struct args *a)
{
	json_object	*doc, *list, *consumers;
	const char	*tag = a->val[O_MANAGED_BY], *out = a->val[O_OUTPUT];
	const char	*path = a->val[O_FILE];
	size_t		 i, n;
	FILE		*fp = stdout;
	int		 fd = -1, rc, json, secrets = a->val[O_SECRETS] != NULL;

	(void)k;
	if (out != NULL && strcmp(out, "yaml") != 0 && strcmp(out, "json") !=
	    0)
		return usage_err(a, "output: \"%s\" is neither yaml nor json",
		    out);
	json = out != NULL && strcmp(out, "json") == 0;
	if (tag != NULL && !state_tag_ok(tag))
		return usage_err(a, "--managed-by: \"%s\" is not 1 to 64 of "
		    "A-Z a-z 0-9 . _ -", tag);
	if (secrets && path == NULL)
		return usage_err(a, "--secrets needs --file FILE: secrets "
		    "never go to standard output");
	/* The file first: none written, nothing asked of the server. */
	if (path != NULL && (fd = new_file(path)) == -1) {
		fprintf(stderr, "adminutil-ctl: dump: --file %s: %s%s\n", path,
		    strerror(errno), errno == EEXIST ? " (a dump is never "
		    "written over a file)" : "");
		return CTL_UNSAVED;
	}
	if ((list = json_object_new_array()) == NULL ||
	    (rc = export_all(c, tag, secrets, list)) != CTL_OK) {
		json_object_put(list);
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
		return list == NULL ? CTL_UNREACHABLE : rc;
	}
	doc = json_object_new_object();
	consumers = json_object_new_array();
	json_object_object_add(doc, "_format",
	    json_object_new_string(STATE_FORMAT));
	if (tag != NULL)
		json_object_object_add(doc, "managed_by",
		    json_object_new_string(tag));
	n = json_object_array_length(list);
	for (i = 0; i < n; i++)
		json_object_array_add(consumers,
		    file_consumer(json_object_array_get_idx(list, i)));
	json_object_object_add(doc, "consumers", consumers);
	json_object_put(list);
	if (fd != -1 && (fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		rc = CTL_UNSAVED;
	} else {
		if (json)
			rc = fprintf(fp, "%s\n", json_object_to_json_string_ext(
			    doc, JSON_C_TO_STRING_PRETTY |
			    JSON_C_TO_STRING_SPACED |
			    JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 ? -1 : 0;
		else
			rc = doc_yaml(fp, doc);
		if (fp != stdout && (fflush(fp) == EOF || fsync(fileno(fp)) ==
		    -1 || rc == -1)) {
			rc = -1;
			fclose(fp);
		} else if (fp != stdout && fclose(fp) == EOF)
			rc = -1;
		rc = rc == -1 ? CTL_UNSAVED : CTL_OK;
	}
	json_object_put(doc);
	if (rc != CTL_OK && path != NULL) {
		fprintf(stderr, "adminutil-ctl: dump: %s not written: %s\n",
		    path, strerror(errno));
		unlink(path);
	} else if (path != NULL)
		fprintf(stderr, "adminutil-ctl: dump: %zu consumers%s written "
		    "to %s (mode 0600)\n", n, secrets ? ", with secrets," : "",
		    path);
	if (tag == NULL && rc == CTL_OK)
		fprintf(stderr, "adminutil-ctl: dump: no --managed-by: the "
		    "file names no managed_by; give it the tag apply is to "
		    "manage them with\n");
	return rc;
}

/* diff and apply */

struct plan {
	json_object	*doc, *consumers;
	const char	*tag;
	json_object	*prune;		/* usernames of the tag not in doc */
	json_object	*rows;		/* {consumer, op, detail} */
	int		 refused, created, changed, unchanged, deleted;
};

/* What a change says, for the table: never a secret (it holds none). */
static json_object *
detail_of(json_object *ch)
{
	json_object	*b, *a, *v;
	char		*s = NULL;
	const char	*op = json_object_get_string(
	    json_object_object_get(ch, "op"));

	if (json_object_object_get_ex(ch, "before", &b) &&
	    json_object_object_get_ex(ch, "after", &a)) {
		if (asprintf(&s, "%s -> %s", json_object_to_json_string_ext(b,
		    JSON_C_TO_STRING_PLAIN), json_object_to_json_string_ext(a,
		    JSON_C_TO_STRING_PLAIN)) == -1)
			return NULL;
	} else if (strcmp(op, "credential.add") == 0) {
		if (asprintf(&s, "%s %s, secret %s", json_object_get_string(
		    json_object_object_get(ch, "key")), json_object_get_string(
		    json_object_object_get(ch, "algorithm")),
		    json_object_get_string(json_object_object_get(ch,
		    "secret"))) == -1)
			return NULL;
	} else if (json_object_object_get_ex(ch, "key", &v))
		return json_object_new_string(json_object_get_string(v));
	else if (strcmp(op, "adopt") == 0) {
		v = json_object_object_get(ch, "managed_by_before");
		if (asprintf(&s, "from %s", v == NULL ? "unmanaged" :
		    json_object_get_string(v)) == -1)
			return NULL;
	} else if (json_object_object_get_ex(ch, "managed_by", &v))
		if (asprintf(&s, "managed_by %s",
		    json_object_get_string(v)) == -1)
			return NULL;
	if (s == NULL)
		return json_object_new_string("");
	v = json_object_new_string(s);
	free(s);
	return v;
}

/* The rows of one consumer's answer, and what it counts as. */
static void
tally(struct plan *p, const char *user, json_object *res)
{
	json_object	*changes, *ch, *row;
	const char	*op;
	size_t		 i, n;
	int		 made = 0, gone = 0;

	if (!json_object_object_get_ex(res, "changes", &changes) ||
	    (n = json_object_array_length(changes)) == 0) {
		p->unchanged++;
		return;
	}
	for (i = 0; i < n; i++) {
		ch = json_object_array_get_idx(changes, i);
		op = json_object_get_string(json_object_object_get(ch, "op"));
		made |= strcmp(op, "create") == 0;
		gone |= strcmp(op, "delete") == 0;
		if ((row = json_object_new_object()) == NULL)
			continue;
		json_object_object_add(row, "consumer",
		    json_object_new_string(user));
		json_object_object_add(row, "op", json_object_new_string(op));
		json_object_object_add(row, "detail", detail_of(ch));
		json_object_array_add(p->rows, row);
	}
	if (made)
		p->created++;
	else if (gone)
		p->deleted++;
	else
		p->changed++;
}

/* One consumer through the route; its answer in *res on CTL_OK. */
static int
one(struct ctl *c, const char *user, json_object *req, json_object **res)
{
	char	*e = NULL, *path = NULL;
	int	 rc;

	if ((e = call_escape(user)) == NULL || asprintf(&path,
	    "/v1/consumer/%s/state", e) == -1) {
		free(e);
		json_object_put(req);
		return CTL_UNREACHABLE;
	}
	free(e);
	rc = call(c, ID("consumer.state"), path, req, NULL, res);
	free(path);
	return rc;
}

/* The file read and checked, and the consumers --prune takes. */
static int
plan_load(struct ctl *c, const struct args *a, struct plan *p)
{
	json_object	*all, *e, *u, *v;
	char		 err[512];
	size_t		 i, j, n, m;
	int		 rc, listed;

	memset(p, 0, sizeof(*p));
	if ((p->doc = doc_read(a->pos[0], err, sizeof(err))) == NULL ||
	    state_file_check(p->doc, err, sizeof(err)) == -1)
		return usage_err(a, "%s: %s", a->pos[0], err);
	p->tag = json_object_get_string(json_object_object_get(p->doc,
	    "managed_by"));
	p->consumers = json_object_object_get(p->doc, "consumers");
	p->rows = json_object_new_array();
	p->prune = json_object_new_array();
	if (a->val[O_PRUNE] == NULL)
		return CTL_OK;
	if ((all = json_object_new_array()) == NULL)
		return CTL_UNREACHABLE;
	if ((rc = export_all(c, p->tag, 0, all)) != CTL_OK) {
		json_object_put(all);
		return rc;
	}
	n = json_object_array_length(all);
	m = json_object_array_length(p->consumers);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(all, i);
		u = json_object_object_get(e, "username");
		for (j = 0, listed = 0; j < m && !listed; j++) {
			v = json_object_object_get(json_object_array_get_idx(
			    p->consumers, j), "username");
			listed = strcmp(json_object_get_string(v),
			    json_object_get_string(u)) == 0;
		}
		if (!listed)
			json_object_array_add(p->prune, json_object_get(u));
	}
	json_object_put(all);
	return CTL_OK;
}

static void
plan_free(struct plan *p)
{
	json_object_put(p->doc);
	json_object_put(p->rows);
	json_object_put(p->prune);
}

/* 1 if user is a line of list ("\nuser\n"). */
static int
listed_in(const char *list, const char *user)
{
	const char	*p;
	size_t		 n = strlen(user);

	for (p = list; (p = strstr(p, user)) != NULL; p++)
		if (p > list && p[-1] == '\n' && p[n] == '\n')
			return 1;
	return 0;
}

/*
 * Every consumer of the file, then each one --prune takes (absent),
 * through the route: a dry run, or done.  fn sees each answer.  A
 * consumer refused is said on standard error and counted; no answer at
 * all stops it.
 */
static int
plan_run(struct ctl *c, const struct args *a, struct plan *p, int dry,
    const char *only, int (*fn)(struct plan *, const char *, json_object *,
    void *), void *arg)
{
	json_object	*e, *req, *res, *absent;
	const char	*user;
	size_t		 i, n, m;
	int		 rc;

	n = json_object_array_length(p->consumers);
	m = json_object_array_length(p->prune);
	for (i = 0; i < n + m; i++) {
		if (i < n) {
			e = json_object_array_get_idx(p->consumers, i);
			user = json_object_get_string(json_object_object_get(e,
			    "username"));
			req = state_request(e, p->tag, dry,
			    a->val[O_ADOPT] != NULL);
		} else {
			user = json_object_get_string(
			    json_object_array_get_idx(p->prune, i - n));
			absent = json_object_new_object();
			json_object_object_add(absent, "state",
			    json_object_new_string("absent"));
			req = state_request(absent, p->tag, dry, 0);
			json_object_put(absent);
		}
		if (only != NULL && !listed_in(only, user)) {
			json_object_put(req);
			continue;
		}
		rc = one(c, user, req, &res);
		if (rc == CTL_REFUSED || rc == CTL_NOT_FOUND) {
			fprintf(stderr, "adminutil-ctl: %s: consumer %s "
			    "refused (above); the others go on\n", a->noun,
			    user);
			p->refused++;
			continue;
		}
		if (rc != CTL_OK)
			return rc;
		rc = fn(p, user, res, arg);
		json_object_put(res);
		if (rc != CTL_OK)
			return rc;
	}
	return CTL_OK;
}

static int
count(struct plan *p, const char *user, json_object *res, void *arg)
{
	(void)arg;
	tally(p, user, res);
	return CTL_OK;
}

static void
print_plan(struct ctl *c, struct plan *p, const char *verb)
{
	json_object	*o, *sum;

	o = json_object_new_object();
	json_object_object_add(o, "changes", json_object_get(p->rows));
	sum = json_object_new_object();
	json_object_object_add(sum, "created", json_object_new_int(p->created));
	json_object_object_add(sum, "changed", json_object_new_int(p->changed));
	json_object_object_add(sum, "unchanged",
	    json_object_new_int(p->unchanged));
	json_object_object_add(sum, "deleted", json_object_new_int(p->deleted));
	json_object_object_add(sum, "refused", json_object_new_int(p->refused));
	if (c->output == OUT_JSON) {
		json_object_object_add(o, "summary", sum);
		print_result(c, o);
	} else {
		if (json_object_array_length(p->rows) == 0)
			printf("no change\n");
		else
			print_result(c, o);
		printf("%s: %d created, %d changed, %d unchanged, %d deleted, "
		    "%d refused\n", verb, p->created, p->changed, p->unchanged,
		    p->deleted, p->refused);
		json_object_put(sum);
	}
	json_object_put(o);
}

int
c_diff(struct ctl *c, const struct cmd *k, const struct args *a)
{
	struct plan	 p;
	int		 rc;

	(void)k;
	if ((rc = plan_load(c, a, &p)) == CTL_OK &&
	    (rc = plan_run(c, a, &p, 1, NULL, count, NULL)) == CTL_OK) {
		print_plan(c, &p, "diff");
		rc = p.refused > 0 ? CTL_REFUSED : json_object_array_length(
		    p.rows) > 0 ? CTL_CHANGES : CTL_OK;
	}
	plan_free(&p);
	return rc;
}

/* apply */

struct made {
	int	 fd;		/* the secret file, or -1 */
	int	 n;		/* secrets written to it */
	int	 failed;
};

/* The secrets the route made, "username<TAB>key<TAB>secret" a line. */
static int
keep_secrets(struct plan *p, const char *user, json_object *res, void *arg)
{
	struct made	*m = arg;
	json_object	*list, *s;
	char		*line;
	size_t		 i, n;
	int		 len;

	tally(p, user, res);
	if (!json_object_object_get_ex(res, "secrets", &list))
		return CTL_OK;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		s = json_object_array_get_idx(list, i);
		if ((len = asprintf(&line, "%s\t%s\t%s\n", user,
		    json_object_get_string(json_object_object_get(s, "key")),
		    json_object_get_string(json_object_object_get(s,
		    "secret")))) == -1) {
			m->failed = 1;
			continue;
		}
		if (m->fd == -1 || write(m->fd, line, (size_t)len) != len)
			m->failed = 1;
		else
			m->n++;
		explicit_bzero(line, (size_t)len);
		free(line);
	}
	return CTL_OK;
}

/* In a dry run: the consumers with changes, and a secret to be made. */
struct look {
	char	*users;		/* "\n" + each user + "\n" */
	int	 makes;		/* a new HMAC credential without a secret */
};

static int
look(struct plan *p, const char *user, json_object *res, void *arg)
{
	struct look	*l = arg;
	json_object	*changes, *ch, *v;
	char		*u;
	size_t		 i, n;

	(void)p;
	if (!json_object_object_get_ex(res, "changes", &changes) ||
	    (n = json_object_array_length(changes)) == 0)
		return CTL_OK;
	for (i = 0; i < n; i++) {
		ch = json_object_array_get_idx(changes, i);
		if (json_object_object_get_ex(ch, "secret", &v) &&
		    strcmp(json_object_get_string(v), "made") == 0) {
			if (l->makes++ == 0)
				fprintf(stderr, "adminutil-ctl: apply: "
				    "consumer %s, credential %s: new, and no "
				    "secret for it in the file\n", user,
				    json_object_get_string(
				    json_object_object_get(ch, "key")));
		}
	}
	if (asprintf(&u, "%s%s\n", l->users, user) == -1)
		return CTL_UNREACHABLE;
	free(l->users);
	l->users = u;
	return CTL_OK;
}

int
c_apply(struct ctl *c, const struct cmd *k, const struct args *a)
{
	struct plan	 p;
	struct look	 l = { NULL, 0 };
	struct made	 m = { -1, 0, 0 };
	const char	*sf = a->val[O_SECRET_FILE];
	int		 rc, refused;

	(void)k;
	if ((rc = plan_load(c, a, &p)) != CTL_OK)
		goto done;
	/* A dry run of all first: what is refused, what needs a secret. */
	if ((l.users = strdup("\n")) == NULL) {
		rc = CTL_UNREACHABLE;
		goto done;
	}
	if ((rc = plan_run(c, a, &p, 1, NULL, look, &l)) != CTL_OK)
		goto done;
	if (l.makes > 0 && sf == NULL) {
		rc = usage_err(a, "%d new HMAC credential%s without a secret: "
		    "give %s in the file, or --secret-file FILE for those "
		    "made; nothing was changed", l.makes, l.makes > 1 ? "s" :
		    "", l.makes > 1 ? "theirs" : "its");
		goto done;
	}
	if (sf != NULL && (m.fd = new_file(sf)) == -1) {
		rc = usage_err(a, "--secret-file %s: %s%s; nothing was "
		    "changed", sf, strerror(errno), errno == EEXIST ?
		    " (a secret file is never overwritten)" : "");
		goto done;
	}
	refused = p.refused;
	p.refused = 0;
	rc = plan_run(c, a, &p, 0, l.users, keep_secrets, &m);
	/* Those the dry run found refused were not sent again. */
	p.refused += refused;
	p.unchanged = (int)json_object_array_length(p.consumers) +
	    (int)json_object_array_length(p.prune) - p.created - p.changed -
	    p.deleted - p.refused;
	print_plan(c, &p, "apply");
	if (m.fd != -1) {
		if (fsync(m.fd) == -1)
			m.failed = 1;
		close(m.fd);
		if (m.n == 0 && !m.failed) {
			unlink(sf);
			fprintf(stderr, "adminutil-ctl: apply: no secret was "
			    "made: %s not kept\n", sf);
		} else
			fprintf(stderr, "adminutil-ctl: apply: %d made "
			    "secret%s in %s (mode 0600)\n", m.n, m.n == 1 ? "" :
			    "s", sf);
	}
	if (rc == CTL_OK)
		rc = m.failed ? CTL_UNSAVED : p.refused > 0 ? CTL_REFUSED :
		    CTL_OK;
done:
	free(l.users);
	plan_free(&p);
	return rc;
}
