/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "gateway/acl.h"
#include "gateway/aclline.h"
#include "gateway/path.h"
#include "http/request.h"

struct acl_entry {
	char		*prefix;
	size_t		 len;
	uint64_t	 hash;
	size_t		 line;		/* of the prefix's first rule */
	struct acl_rule	*rule[M__MAX];
};

/* Prefixes, by open addressing in a power of two of slots. */
struct table {
	struct acl_entry *slots;
	size_t		  nslots;
	size_t		  n;
	size_t		  maxlen;	/* of the longest prefix */
};

/*
 * The rules by prefix as written, and the same rules by prefix case
 * folded (path_fold), for the backends that match paths without regard
 * to case.  Only exact owns the rules and their prefixes.
 */
struct acl {
	struct table	 exact;
	struct table	 folded;
	size_t		 nrules;
};

/* Unseeded: short keys, no attacker control over the table's content. */
static uint64_t
hash(const char *s, size_t len)
{
	return hash_fnv1a(0, s, len);
}

static struct acl_entry *
find(const struct table *a, const char *p, size_t len, uint64_t h)
{
	size_t	 i, mask = a->nslots - 1;

	for (i = h & mask; a->slots[i].prefix != NULL; i = (i + 1) & mask)
		if (a->slots[i].hash == h && a->slots[i].len == len &&
		    memcmp(a->slots[i].prefix, p, len) == 0)
			return &a->slots[i];
	return NULL;
}

static int
grow(struct table *a)
{
	struct acl_entry *old = a->slots, *e;
	size_t		  oldn = a->nslots, i, j, mask;

	a->nslots = oldn == 0 ? 64 : oldn * 2;
	if ((a->slots = calloc(a->nslots, sizeof(*a->slots))) == NULL) {
		a->slots = old;
		a->nslots = oldn;
		return -1;
	}
	mask = a->nslots - 1;
	for (i = 0; i < oldn; i++) {
		e = &old[i];
		if (e->prefix == NULL)
			continue;
		for (j = e->hash & mask; a->slots[j].prefix != NULL;
		    j = (j + 1) & mask)
			;
		a->slots[j] = *e;
	}
	free(old);
	return 0;
}

/*
 * The entry for prefix, made if missing (*made says which).  NULL on no
 * memory.
 */
static struct acl_entry *
entry(struct table *a, const char *p, size_t len, int *made)
{
	struct acl_entry *e;
	uint64_t	  h = hash(p, len);
	size_t		  i, mask;

	*made = 0;
	if (a->nslots > 0 && (e = find(a, p, len, h)) != NULL)
		return e;
	*made = 1;
	if ((a->n + 1) * 2 > a->nslots && grow(a) == -1)
		return NULL;
	mask = a->nslots - 1;
	for (i = h & mask; a->slots[i].prefix != NULL; i = (i + 1) & mask)
		;
	e = &a->slots[i];
	if ((e->prefix = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(e->prefix, p, len);
	e->prefix[len] = '\0';
	e->len = len;
	e->hash = h;
	a->n++;
	if (len > a->maxlen)
		a->maxlen = len;
	return e;
}

static void
rule_free(struct acl_rule *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ngroups; i++)
		free(r->groups[i]);
	free(r->groups);
	free(r);
}

void
acl_free(struct acl *a)
{
	size_t	 i, m;

	if (a == NULL)
		return;
	for (i = 0; i < a->exact.nslots; i++) {
		if (a->exact.slots[i].prefix == NULL)
			continue;
		free(a->exact.slots[i].prefix);
		for (m = 0; m < M__MAX; m++)
			rule_free(a->exact.slots[i].rule[m]);
	}
	for (i = 0; i < a->folded.nslots; i++)
		free(a->folded.slots[i].prefix);
	free(a->exact.slots);
	free(a->folded.slots);
	free(a);
}

size_t
acl_count(const struct acl *a)
{
	return a->nrules;
}

static int
add_group(struct acl_rule *r, const char *g, size_t len)
{
	char	**v;
	size_t	  i;

	for (i = 0; i < r->ngroups; i++)
		if (strlen(r->groups[i]) == len &&
		    memcmp(r->groups[i], g, len) == 0)
			return 0;
	if ((v = realloc(r->groups, (r->ngroups + 1) * sizeof(*v))) == NULL)
		return -1;
	r->groups = v;
	if ((v[r->ngroups] = malloc(len + 1)) == NULL)
		return -1;
	memcpy(v[r->ngroups], g, len);
	v[r->ngroups++][len] = '\0';
	return 0;
}

/*
 * One rule line (no comment, not blank), merged into a's rules.  0, or
 * -1 with why set.
 */
static int
parse_line(struct acl *a, size_t line, const char *s, const char *end,
    const char **why)
{
	const char	 *c, *ge, *gend;
	struct acl_line	  l;
	struct acl_entry *e;
	struct acl_rule	 *r;
	int		  made;

	if (acl_line_parse(&l, s, end, why) == -1)
		return -1;
	if ((e = entry(&a->exact, l.prefix, l.plen, &made)) == NULL)
		goto nomem;
	if (made)
		e->line = line;
	if ((r = e->rule[l.method]) == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			goto nomem;
		r->kind = l.kind;
		r->id = l.id;
		memcpy(r->limit, l.limit, sizeof(r->limit));
		r->by = l.by;
		r->limited = l.limited;
		e->rule[l.method] = r;
		a->nrules++;
	} else if (r->kind != l.kind) {
		*why = "rules for one method and prefix disagree on the kind";
		return -1;
	} else if (memcmp(r->limit, l.limit, sizeof(r->limit)) != 0) {
		/* Else which line's limit holds would be the file's order. */
		*why = "rules for one method and prefix disagree on the rates";
		return -1;
	} else if (r->limited && r->by != l.by) {
		*why = "rules for one method and prefix disagree on by=";
		return -1;
	}
	if (l.kind != ACL_GROUPS)
		return 0;
	gend = l.groups + l.glen;
	for (c = l.groups;; c = ge + 1) {
		if ((ge = memchr(c, ',', (size_t)(gend - c))) == NULL)
			ge = gend;
		if (add_group(r, c, (size_t)(ge - c)) == -1)
			goto nomem;
		if (ge == gend)
			return 0;
	}
nomem:
	*why = "out of memory";
	return -1;
}

/*
 * Fills the folded table from the exact one.  Two prefixes that fold
 * to one are refused: a backend that ignores case could not tell them
 * apart.  0, or -1 with *why and *line set (*why NULL: no memory).
 */
static int
fold_all(struct acl *a, size_t *line, const char **why)
{
	struct acl_entry	*x, *f;
	char			 buf[ACL_MAX_LINE + 1];
	size_t			 i, len;
	int			 made;

	*why = NULL;
	for (i = 0; i < a->exact.nslots; i++) {
		x = &a->exact.slots[i];
		if (x->prefix == NULL)
			continue;
		memcpy(buf, x->prefix, x->len);
		len = path_fold(buf, x->len);
		if ((f = entry(&a->folded, buf, len, &made)) == NULL)
			return -1;
		if (!made) {
			*line = f->line > x->line ? f->line : x->line;
			*why = "the prefix differs from another only in case";
			return -1;
		}
		f->line = x->line;
		memcpy(f->rule, x->rule, sizeof(f->rule));
	}
	return 0;
}

struct acl *
acl_parse(const char *text, size_t len, char *err, size_t errsz)
{
	struct acl	*a;
	const char	*s = text, *end = text + len, *eol, *hash_;
	const char	*why = NULL;
	size_t		 lineno = 0;

	if ((a = calloc(1, sizeof(*a))) == NULL || grow(&a->exact) == -1) {
		free(a);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	for (; s < end; s = eol < end ? eol + 1 : end) {
		lineno++;
		if ((eol = memchr(s, '\n', (size_t)(end - s))) == NULL)
			eol = end;
		if ((size_t)(eol - s) > ACL_MAX_LINE) {
			why = "line too long";
			break;
		}
		if ((hash_ = memchr(s, '#', (size_t)(eol - s))) == NULL)
			hash_ = eol;
		while (hash_ > s && (hash_[-1] == ' ' || hash_[-1] == '\t' ||
		    hash_[-1] == '\r'))
			hash_--;
		while (s < hash_ && (*s == ' ' || *s == '\t'))
			s++;
		if (s == hash_)
			continue;
		if (memchr(s, '\0', (size_t)(hash_ - s)) != NULL) {
			why = "NUL byte";
			break;
		}
		if (parse_line(a, lineno, s, hash_, &why) == -1)
			break;
	}
	if (why == NULL && fold_all(a, &lineno, &why) == -1 && why == NULL)
		why = "out of memory";
	if (why != NULL) {
		snprintf(err, errsz, "line %zu: %s", lineno, why);
		acl_free(a);
		return NULL;
	}
	return a;
}

struct acl *
acl_load(const char *path, char *err, size_t errsz)
{
	FILE		*f;
	char		*buf = NULL, msg[256];
	size_t		 len = 0, cap = 0, n;
	struct acl	*a;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len + 4096 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				snprintf(err, errsz, "out of memory");
				return NULL;
			}
			buf = nb;
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	a = acl_parse(buf, len, msg, sizeof(msg));
	if (a == NULL)
		snprintf(err, errsz, "%s: %s", path, msg);
	free(buf);
	return a;
}

int
acl_check_file(const char *path, char *err, size_t errsz)
{
	struct acl	*a;

	if (path[0] == '\0')
		return 0;
	if ((a = acl_load(path, err, errsz)) == NULL)
		return -1;
	acl_free(a);
	return 0;
}

static const struct acl_rule *
lookup(const struct table *a, int mi, const char *path, size_t len)
{
	const struct acl_entry	*e;

	if (len == 0 || path[0] != '/' || a->nslots == 0)
		return NULL;
	/*
	 * No prefix is longer than maxlen: start at the last segment
	 * boundary within it.  Else a path of many short segments, which
	 * a client picks, costs a hash of each of its prefixes, O(len^2).
	 */
	if (len > a->maxlen) {
		len = a->maxlen > 1 ? a->maxlen : 1;
		while (len > 1 && path[len] != '/')
			len--;
	}
	for (;;) {
		if ((e = find(a, path, len, hash(path, len))) != NULL) {
			if (mi != M_ANY && e->rule[mi] != NULL)
				return e->rule[mi];
			if (e->rule[M_ANY] != NULL)
				return e->rule[M_ANY];
		}
		if (len == 1)
			return NULL;
		/* Cut back to the previous segment boundary. */
		while (len > 1 && path[len - 1] != '/')
			len--;
		if (len > 1)
			len--;
	}
}

static int
method_of(const char *method)
{
	int	 mi;

	if ((mi = acl_method_index(method, strlen(method))) < 0)
		mi = M_ANY;
	return mi;
}

const struct acl_rule *
acl_lookup(const struct acl *a, const char *method, const char *path,
    size_t len)
{
	return lookup(&a->exact, method_of(method), path, len);
}

/* Appends the rules reaching path p[0..len) as written and folded. */
static void
reach(const struct acl *a, const int *mi, size_t nmi, char *p, size_t len,
    const struct acl_rule **out, size_t *n)
{
	size_t	 i;

	for (i = 0; i < nmi; i++)
		out[(*n)++] = lookup(&a->exact, mi[i], p, len);
	len = path_fold(p, len);
	for (i = 0; i < nmi; i++)
		out[(*n)++] = lookup(&a->folded, mi[i], p, len);
}

int
acl_reach(const struct acl *a, const char *method, const char *uri,
    const struct acl_rule **out, const char **why)
{
	char	 buf[ACL_PATH_MAX + 1];
	size_t	 len, n = 0, nmi = 1;
	long	 r;
	int	 mi[2], pass;

	/* HEAD is GET to many a backend: both rules must let it through. */
	mi[0] = method_of(method);
	if (mi[0] == M_HEAD)
		mi[nmi++] = M_GET;
	len = strcspn(uri, "?#");
	if (len == 0 || uri[0] != '/') {
		*why = "the request path is not a plain path";
		return -1;
	}
	if (len > ACL_PATH_MAX) {
		*why = "the request path is too long to look up";
		return -1;
	}
	/*
	 * As nginx reads it; then, if the path has anything a backend may
	 * read otherwise, as the lenient reading of the raw path and of the
	 * decoded one.
	 */
	for (pass = 0; pass < 3; pass++) {
		memcpy(buf, uri, len);
		if (pass == 0)
			r = percent_decode(buf, buf, len);
		else if (pass == 1)
			r = percent_decode(buf, buf, path_lenient(buf, len));
		else if ((r = percent_decode(buf, buf, len)) >= 0)
			r = (long)path_lenient(buf, (size_t)r);
		if (r < 0 || (r = path_resolve(buf, (size_t)r)) < 0) {
			*why = "the request path is not a plain path";
			return -1;
		}
		reach(a, mi, nmi, buf, (size_t)r, out, &n);
		if (pass == 0 && strcspn(uri, ";\\%") >= len)
			break;
	}
	return (int)n;
}

void
acl_each(const struct acl *a, void (*fn)(void *, const char *,
    const char *, const struct acl_rule *), void *arg)
{
	size_t	 i;
	int	 m;

	if (a == NULL)
		return;
	for (i = 0; i < a->exact.nslots; i++) {
		if (a->exact.slots[i].prefix == NULL)
			continue;
		for (m = 0; m < M__MAX; m++)
			if (a->exact.slots[i].rule[m] != NULL)
				fn(arg, acl_methods[m],
				    a->exact.slots[i].prefix,
				    a->exact.slots[i].rule[m]);
	}
}
