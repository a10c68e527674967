/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of policy.c over acl.c's readings of a path: a request
 * passes only what every common backend reading of it allows (";params"
 * dropped, "..;" as "..", "\" as "/", case folded, HEAD as GET), a path
 * too long or not plain is refused, and the location's groups come
 * first.  Each row says what a request needs and which consumers' groups
 * it lets through and which not.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/acl.h"
#include "gateway/policy.h"
#include "unit.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char acl_text[] =
    "*\t/course/v1/hierarchy\t@public\n"
    "*\t/course/v1/hierarchy/update\tcontentAdmin\n"
    "*\t/content/v1/flag\t@public\n"
    "*\t/content/v1/flag/accept\tcontentAdmin\n"
    "*\t/content/v1/read\tcontentAccess\n"
    "GET\t/reports\treportViewer\n"
    "*\t/reports\t@public\n"
    "*\t/Admin/Panel\tadminGroup\n"
    "*\t/skey\tsGroup\n"
    "*\t/key\tkGroup\n"
    "*\t/item\tiGroup\n"
    "*\t/p/a\tgA\n"
    "*\t/p/a;b\tgB\n"
    "*\t/open\t@public\n"
    "*\t/any\t@authenticated\n";

struct row {
	const char	*method, *uri;
	enum policy_need need;
	const char	*pass;		/* groups that pass, or NULL */
	const char	*fail;		/* groups that do not, or NULL */
};

#define PUB	 NEED_NOTHING
#define TOK	 NEED_TOKEN
#define DENY	 NEED_DENIED

static const struct row rows[] = {
	/* As written. */
	{ "GET", "/course/v1/hierarchy/read", PUB, NULL, NULL },
	{ "POST", "/course/v1/hierarchy/update", TOK, "contentAdmin",
	    "contentAccess" },
	{ "GET", "/content/v1/flag/list", PUB, NULL, NULL },
	{ "POST", "/content/v1/flag/accept", TOK, "contentAdmin",
	    "contentAccess" },
	{ "POST", "/content/v1/flag/accept/", TOK, "contentAdmin", "x" },
	{ "POST", "/content/v1/flag/acceptx", PUB, NULL, NULL },
	{ "GET", "/any/thing", TOK, "whatever", NULL },
	{ "GET", "/open", PUB, NULL, NULL },
	/* ;params, as servlet containers drop them. */
	{ "POST", "/course/v1/hierarchy/update;x", TOK, "contentAdmin",
	    "contentAccess" },
	{ "POST", "/course/v1/hierarchy/update;jsessionid=1", TOK,
	    "contentAdmin", "contentAccess" },
	{ "POST", "/course/v1/hierarchy;x/update", DENY, NULL, "contentAdmin" },
	{ "POST", "/course/v1/hierarchy/x/..;/update", TOK, "contentAdmin",
	    "contentAccess" },
	{ "POST", "/course/v1/hierarchy/x/..;y=1/update", TOK,
	    "contentAdmin", "contentAccess" },
	{ "POST", "/course/v1/hierarchy/update%3Bx", TOK, "contentAdmin",
	    "contentAccess" },
	{ "POST", "/course/v1/hierarchy/update%3bx", TOK, "contentAdmin",
	    "contentAccess" },
	{ "POST", "/course/v1/hierarchy/x/..%3B/update", TOK, "contentAdmin",
	    "contentAccess" },
	{ "POST", "/content/v1/flag/accept;", TOK, "contentAdmin",
	    "contentAccess" },
	/* "\" read as "/". */
	{ "POST", "/content/v1/flag\\accept", DENY, NULL, "contentAdmin" },
	{ "POST", "/content/v1/flag%5Caccept", DENY, NULL, "contentAdmin" },
	/*
	 * Case, as frameworks that ignore it read the path.  As written,
	 * most of these reach no rule: acl_default ("deny" here) decides
	 * that reading; test_default_authenticated has the others'.
	 */
	{ "POST", "/content/v1/flag/ACCEPT", TOK, "contentAdmin",
	    "contentAccess" },
	{ "POST", "/CONTENT/V1/FLAG/ACCEPT", DENY, NULL, "contentAdmin" },
	{ "POST", "/content/v1/flag/%41ccept", TOK, "contentAdmin",
	    "contentAccess" },
	{ "POST", "/Course/V1/Hierarchy/Update;x", DENY, NULL, "contentAdmin" },
	{ "GET", "/admin/panel", DENY, NULL, "adminGroup" },
	{ "GET", "/ADMIN/PANEL/x", DENY, NULL, "adminGroup" },
	{ "GET", "/\xc5\xbfkey", DENY, NULL, "sGroup" },
	{ "GET", "/%C5%BFkey", DENY, NULL, "sGroup" },
	{ "GET", "/\xe2\x84\xaa" "ey", DENY, NULL, "kGroup" },
	{ "GET", "/\xc4\xb1tem", DENY, NULL, "iGroup" },
	{ "GET", "/\xc4\xb0TEM", DENY, NULL, "iGroup" },
	/* Two readings, two rules: both must let the consumer in. */
	{ "GET", "/p/a;b", TOK, "gA,gB", "gA" },
	{ "GET", "/p/a;b", TOK, "gB,gA", "gB" },
	/* HEAD is GET to many a backend. */
	{ "HEAD", "/reports", TOK, "reportViewer", "x" },
	{ "GET", "/reports", TOK, "reportViewer", "x" },
	{ "POST", "/reports", PUB, NULL, NULL },
	/* The query is no part of the path, whatever it holds. */
	{ "GET", "/course/v1/hierarchy/read?x=;/../update", PUB, NULL, NULL },
	{ "POST", "/course/v1/hierarchy/update?x=/../read", TOK,
	    "contentAdmin", "contentAccess" },
	/* Refused: not a plain path in some reading, or no rule. */
	{ "GET", "/a/..;/..;/open", DENY, NULL, "contentAdmin" },
	{ "GET", "/..;/open", DENY, NULL, "contentAdmin" },
	{ "GET", "/open/%00", DENY, NULL, "contentAdmin" },
	{ "GET", "/open/%zz", DENY, NULL, "contentAdmin" },
	{ "GET", "open", DENY, NULL, "contentAdmin" },
	{ "GET", "\\open", DENY, NULL, "contentAdmin" },
	{ "GET", "", DENY, NULL, "contentAdmin" },
	{ "GET", "/nowhere", DENY, NULL, "contentAdmin" },
	{ "GET", "/open;/../nowhere", DENY, NULL, "contentAdmin" },
};

/* Splits a comma list into groups (at most 8) in buf. */
static size_t
split(const char *list, char *buf, size_t bufsz, char **g)
{
	size_t	 n = 0;
	char	*s, *save = NULL;

	snprintf(buf, bufsz, "%s", list);
	for (s = strtok_r(buf, ",", &save); s != NULL && n < 8;
	    s = strtok_r(NULL, ",", &save))
		g[n++] = s;
	return n;
}

static int
permits(const struct policy *p, const char *list)
{
	char	 buf[256], *g[8];

	return policy_permits(p, g, split(list, buf, sizeof(buf), g));
}

static const char *
need_name(enum policy_need n)
{
	static const char *const names[] = { "public", "token", "denied",
	    "broken" };

	return (size_t)n < NELEM(names) ? names[n] : "?";
}

static void
check_row(const struct acl *a, const char *dflt, const struct row *r,
    const char *allow)
{
	struct policy	 p;

	policy_decide(&p, a, dflt, allow, r->method, r->uri);
	UNIT_CHECK(p.need == r->need, "%s %s: needs %s, want %s", r->method,
	    r->uri, need_name(p.need), need_name(r->need));
	if (r->pass != NULL)
		UNIT_CHECK(permits(&p, r->pass), "%s %s: %s refused",
		    r->method, r->uri, r->pass);
	if (r->fail != NULL)
		UNIT_CHECK(!permits(&p, r->fail), "%s %s: %s let in",
		    r->method, r->uri, r->fail);
	UNIT_CHECK(p.need != NEED_DENIED || p.why != NULL, "%s %s: no reason",
	    r->method, r->uri);
}

static struct acl *
load(void)
{
	struct acl	*a;
	char		 err[256] = "";

	a = acl_parse(acl_text, sizeof(acl_text) - 1, err, sizeof(err));
	UNIT_CHECK(a != NULL, "ACL: %s", err);
	return a;
}

static void
test_readings(void)
{
	struct acl	*a = load();
	size_t		 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (i = 0; i < NELEM(rows); i++)
		check_row(a, "deny", &rows[i], NULL);
	acl_free(a);
}

/* acl_default authenticated: what no rule covers needs a token only. */
static void
test_default_authenticated(void)
{
	static const struct row more[] = {
		{ "GET", "/nowhere", TOK, "x", NULL },
		{ "GET", "/open;/../nowhere", TOK, "x", NULL },
		/* Never the default for a path that cannot be read. */
		{ "GET", "/a/..;/..;/open", DENY, NULL, "x" },
		{ "GET", "", DENY, NULL, "x" },
		/*
		 * As written, these reach no rule (a case-sensitive backend
		 * would not find the API): under "deny" that alone refuses
		 * them; here the other readings' rules decide.
		 */
		{ "POST", "/course/v1/hierarchy;x/update", TOK,
		    "contentAdmin", "contentAccess" },
		{ "POST", "/content/v1/flag\\accept", TOK,
		    "contentAdmin", "contentAccess" },
		{ "POST", "/content/v1/flag%5Caccept", TOK,
		    "contentAdmin", "contentAccess" },
		{ "POST", "/CONTENT/V1/FLAG/ACCEPT", TOK,
		    "contentAdmin", "contentAccess" },
		{ "POST", "/Course/V1/Hierarchy/Update;x", TOK,
		    "contentAdmin", "contentAccess" },
		{ "GET", "/admin/panel", TOK, "adminGroup", "contentAdmin" },
		{ "GET", "/ADMIN/PANEL/x", TOK, "adminGroup", "contentAdmin" },
		{ "GET", "/\xc5\xbfkey", TOK, "sGroup", "kGroup" },
		{ "GET", "/%C5%BFkey", TOK, "sGroup", "kGroup" },
		{ "GET", "/\xe2\x84\xaa" "ey", TOK, "kGroup", "sGroup" },
		{ "GET", "/\xc4\xb1tem", TOK, "iGroup", "kGroup" },
		{ "GET", "/\xc4\xb0TEM", TOK, "iGroup", "kGroup" },
	};
	struct acl	*a = load();
	struct policy	 p;
	size_t		 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (i = 0; i < NELEM(more); i++)
		check_row(a, "authenticated", &more[i], NULL);
	/* No ACL file at all: the default alone. */
	policy_decide(&p, NULL, "authenticated", NULL, "GET", "/x");
	CU_ASSERT_EQUAL(p.need, NEED_TOKEN);
	CU_ASSERT(permits(&p, "x"));
	policy_decide(&p, NULL, "deny", NULL, "GET", "/x");
	CU_ASSERT_EQUAL(p.need, NEED_DENIED);
	acl_free(a);
}

/* A path of ACL_PATH_MAX bytes is read; one byte more is refused. */
static void
test_too_long(void)
{
	struct acl	*a = load();
	struct policy	 p;
	char		*uri;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	uri = malloc(ACL_PATH_MAX + 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(uri);
	memcpy(uri, "/open/", 6);
	memset(uri + 6, 'a', ACL_PATH_MAX - 6);
	uri[ACL_PATH_MAX] = '\0';
	policy_decide(&p, a, "authenticated", NULL, "GET", uri);
	CU_ASSERT_EQUAL(p.need, NEED_NOTHING);
	strcpy(uri + ACL_PATH_MAX, "a?q");
	policy_decide(&p, a, "authenticated", NULL, "GET", uri);
	CU_ASSERT_EQUAL(p.need, NEED_DENIED);
	UNIT_CHECK(p.why != NULL && strstr(p.why, "too long") != NULL,
	    "why %s", p.why != NULL ? p.why : "(null)");
	/* The query does not count. */
	uri[ACL_PATH_MAX] = '?';
	policy_decide(&p, a, "authenticated", NULL, "GET", uri);
	CU_ASSERT_EQUAL(p.need, NEED_NOTHING);
	/*
	 * Many short segments under a protected API, longer than any
	 * prefix: the lookup starts at the longest prefix's length and
	 * still finds the rule (and the ';' asks for every reading).
	 */
	strcpy(uri, "/content/v1/flag/accept");
	while (strlen(uri) + 3 < ACL_PATH_MAX)
		strcat(uri, "/a");
	strcat(uri, ";");
	policy_decide(&p, a, "deny", NULL, "POST", uri);
	CU_ASSERT(p.need == NEED_TOKEN && permits(&p, "contentAdmin") &&
	    !permits(&p, "contentAccess"));
	strcpy(uri + 22, "/a/b/c");		/* "/content/v1/flag/accep" */
	policy_decide(&p, a, "deny", NULL, "POST", uri);
	CU_ASSERT(p.need == NEED_NOTHING);
	free(uri);
	acl_free(a);
}

/* The location's groups come before the file, and must be well-formed. */
static void
test_location_groups(void)
{
	static const struct {
		const char	*allow;
		enum policy_need need;
		const char	*pass, *fail;
	} t[] = {
		{ "@public", NEED_NOTHING, NULL, NULL },
		{ "@authenticated", NEED_TOKEN, "x", NULL },
		{ "reportViewer reportAdmin", NEED_TOKEN, "reportAdmin",
		    "contentAdmin" },
		{ "reportViewer,reportAdmin", NEED_TOKEN, "reportViewer",
		    "reportViewerX" },
		{ "  ", NEED_TOKEN, NULL, "x" },
		{ "a\tb", NEED_BROKEN, NULL, "a" },
		{ "a\nb", NEED_BROKEN, NULL, "a" },
		{ "a\x7f", NEED_BROKEN, NULL, "a\x7f" },
		{ "@public\t", NEED_BROKEN, NULL, NULL },
	};
	struct acl	*a = load();
	struct policy	 p;
	size_t		 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (i = 0; i < NELEM(t); i++) {
		/* The file would say contentAdmin: the location wins. */
		policy_decide(&p, a, "deny", t[i].allow, "POST",
		    "/content/v1/flag/accept");
		UNIT_CHECK(p.need == t[i].need, "allow \"%s\": needs %s, "
		    "want %s", t[i].allow, need_name(p.need),
		    need_name(t[i].need));
		if (t[i].pass != NULL)
			UNIT_CHECK(permits(&p, t[i].pass), "allow \"%s\": %s "
			    "refused", t[i].allow, t[i].pass);
		if (t[i].fail != NULL)
			UNIT_CHECK(!permits(&p, t[i].fail), "allow \"%s\": %s "
			    "let in", t[i].allow, t[i].fail);
	}
	/* Empty is none: the file decides. */
	policy_decide(&p, a, "deny", "", "POST", "/content/v1/flag/accept");
	CU_ASSERT(p.need == NEED_TOKEN && permits(&p, "contentAdmin") &&
	    !permits(&p, "reportViewer"));
	acl_free(a);
}

static const CU_TestInfo tests[] = {
	{ "every reading of the path decides", test_readings },
	{ "acl_default authenticated", test_default_authenticated },
	{ "a path too long to look up is refused", test_too_long },
	{ "the location's groups", test_location_groups },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("policy", tests, NULL, NULL);
}
