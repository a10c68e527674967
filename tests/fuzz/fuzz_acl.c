/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * libFuzzer driver for acl.c and policy.c: acl_parse on the input and,
 * when it parses, acl_lookup of a few paths; and the input (up to its
 * first NUL) as a request path, whether it parsed or not, since a path
 * is seldom a valid ACL: path_normalize, path_fold, and acl_reach and
 * policy_decide over a fixed ACL and the parsed one.  What comes back
 * is checked: a rule that breaks the grammar, a path left unnormalised,
 * more readings than ACL_READINGS or a public pass for a path that one
 * reading says is protected aborts, as a crash does; so does a rule's
 * limit above 10^12, "limited" without a limit (or a limit not
 * "limited"), a by out of range, or a second parse of the same input
 * that gives a rule another id or other limits.
 *
 * Built and run by scripts/fuzz acl; the seeds are in corpus/acl/.
 */
#include "build.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/acl.h"
#include "gateway/path.h"
#include "gateway/policy.h"

static const char *const methods[] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*",
	"TRACE"
};
static const char *const paths[] = {
	"/", "/a", "/a/", "/a/b", "/a/bc", "/v1/auth", "/content/v1/read/x",
	"/api/v1/x/y/z"
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Aborts unless r is a rule acl_parse could have made. */
static void
check_rule(const struct acl_rule *r)
{
	size_t	 i, j, len;

	int	 w, any = 0;

	if (r == NULL)
		return;
	/* Limits: each 0 (none) to 10^12, limited when some is set. */
	for (w = 0; w < RL_NWINDOWS; w++) {
		if (r->limit[w] > 1000000000000ULL)
			abort();
		any |= r->limit[w] != 0;
	}
	if (r->limited != any || (r->by != RL_BY_CREDENTIAL &&
	    r->by != RL_BY_CONSUMER && r->by != RL_BY_IP))
		abort();
	switch (r->kind) {
	case ACL_PUBLIC:
	case ACL_AUTHENTICATED:
		return;
	case ACL_GROUPS:
		break;
	default:
		abort();
	}
	if (r->ngroups == 0)
		abort();
	for (i = 0; i < r->ngroups; i++) {
		len = strlen(r->groups[i]);
		if (len == 0 || len > 255)
			abort();
		for (j = 0; j < len; j++)
			if ((unsigned char)r->groups[i][j] <= 0x20 ||
			    r->groups[i][j] == 0x7f || r->groups[i][j] == ',')
				abort();
	}
}

/* Aborts unless x and y, found by one lookup in two parses, agree. */
static void
check_same(const struct acl_rule *x, const struct acl_rule *y)
{
	if ((x == NULL) != (y == NULL))
		abort();
	if (x != NULL && (x->id != y->id || x->by != y->by ||
	    x->limited != y->limited ||
	    memcmp(x->limit, y->limit, sizeof(x->limit)) != 0))
		abort();
}

/* Aborts unless p[0..n) is absolute, with no "//", "." or ".." left. */
static void
check_normal(const char *p, long n)
{
	const char	*s;
	size_t		 seg;

	if (n < 1 || (size_t)n != strlen(p) || p[0] != '/' ||
	    strstr(p, "//") != NULL)
		abort();
	for (s = p + 1; *s != '\0'; s += seg + (s[seg] == '/')) {
		seg = strcspn(s, "/");
		if ((seg == 1 && s[0] == '.') ||
		    (seg == 2 && s[0] == '.' && s[1] == '.'))
			abort();
	}
}

static const char fixed_text[] =
    "* /a @public\n* /a/b g1\nGET /a/b/c g2\n* /A2/x g3\n"
    "* /p;q @authenticated\n* / @public\n";

/* Every reading of path, against a; aborts on what cannot be. */
static void
check_reach(const struct acl *a, const char *path)
{
	const struct acl_rule	*out[ACL_READINGS];
	struct policy		 p;
	const char		*why = NULL;
	size_t			 i, j;
	int			 n;

	for (i = 0; i < NELEM(methods); i++) {
		n = acl_reach(a, methods[i], path, out, &why);
		if (n > ACL_READINGS || (n < 0 && why == NULL) || n == 0)
			abort();
		for (j = 0; n > 0 && j < (size_t)n; j++)
			check_rule(out[j]);
		policy_decide(&p, a, "deny", NULL, methods[i], path);
		if (n < 0 && p.need != NEED_DENIED)
			abort();
		/* Public only when every reading is. */
		for (j = 0; n > 0 && j < (size_t)n; j++)
			if (p.need == NEED_NOTHING && (out[j] == NULL ||
			    out[j]->kind != ACL_PUBLIC))
				abort();
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acl *fixed;
	struct acl	*a, *b;
	char		 err[256], *text, *path, *again;
	size_t		 i, j;
	long		 n;

	if (fixed == NULL)
		fixed = acl_parse(fixed_text, sizeof(fixed_text) - 1, err,
		    sizeof(err));
	/* Exactly size bytes, no NUL: ASan sees any read past the end. */
	if ((text = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(text, data, size);
	err[0] = '\0';
	a = acl_parse(text, size, err, sizeof(err));
	if (a == NULL && strncmp(err, "line ", 5) != 0 &&
	    strcmp(err, "out of memory") != 0)
		abort();
	if (a != NULL)
		for (i = 0; i < NELEM(methods); i++)
			for (j = 0; j < NELEM(paths); j++)
				check_rule(acl_lookup(a, methods[i], paths[j],
				    strlen(paths[j])));
	/* A second parse gives each rule the same id, limits and by. */
	if (a != NULL && (b = acl_parse(text, size, err, sizeof(err))) !=
	    NULL) {
		for (i = 0; i < NELEM(methods); i++)
			for (j = 0; j < NELEM(paths); j++)
				check_same(acl_lookup(a, methods[i], paths[j],
				    strlen(paths[j])), acl_lookup(b, methods[i],
				    paths[j], strlen(paths[j])));
		acl_free(b);
	}

	if ((path = malloc(size + 1)) == NULL)
		goto done;
	memcpy(path, text, size);
	path[size] = '\0';
	if ((n = path_normalize(path)) >= 0) {
		check_normal(path, n);
		/* Without escapes left, normalised is a fixed point. */
		if (strpbrk(path, "%?#") == NULL &&
		    (again = strdup(path)) != NULL) {
			if (path_normalize(again) != n ||
			    strcmp(again, path) != 0)
				abort();
			free(again);
		}
		if (a != NULL)
			for (i = 0; i < NELEM(methods); i++)
				check_rule(acl_lookup(a, methods[i], path,
				    (size_t)n));
	}
	/* Again, raw, as the gateway gets it. */
	memcpy(path, text, size);
	path[size] = '\0';
	if (fixed != NULL)
		check_reach(fixed, path);
	if (a != NULL)
		check_reach(a, path);
	n = (long)strlen(path);
	if (path_fold(path, (size_t)n) > (size_t)n)
		abort();
	free(path);
done:
	acl_free(a);
	free(text);
	return 0;
}
