/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of acl.c: the rule file's syntax and its errors, longest
 * prefix lookup at segment boundaries, method rules against "*", path
 * normalisation as a web server does it, and the generated ACL of the
 * real Sunbird APIs when the source tree has it.
 */
#include "build.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/acl.h"
#include "gateway/path.h"
#include "unit.h"

#define LIT(s)	 (s), sizeof(s) - 1
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A rule as text: NULL for none, "@public", "@authenticated", or its
 * groups joined by commas in the order the file gave them.  Returns buf.
 */
static const char *
rule_text(const struct acl_rule *r, char *buf, size_t bufsz)
{
	size_t	 i, off = 0;
	int	 n;

	if (r == NULL)
		return NULL;
	switch (r->kind) {
	case ACL_PUBLIC:
		snprintf(buf, bufsz, "@public");
		return buf;
	case ACL_AUTHENTICATED:
		snprintf(buf, bufsz, "@authenticated");
		return buf;
	case ACL_GROUPS:
		break;
	default:
		snprintf(buf, bufsz, "(kind %d)", (int)r->kind);
		return buf;
	}
	buf[0] = '\0';
	for (i = 0; i < r->ngroups && off < bufsz; i++) {
		n = snprintf(buf + off, bufsz - off, "%s%s", i > 0 ? "," : "",
		    r->groups[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* acl_lookup of method and the NUL-terminated path is want (rule_text). */
static void
check_lookup(const struct acl *a, const char *method, const char *path,
    const char *want, unsigned int line)
{
	char	 buf[512], what[256];

	snprintf(what, sizeof(what), "%s %s", method, path);
	unit_streq_check(rule_text(acl_lookup(a, method, path, strlen(path)),
	    buf, sizeof(buf)), want, what, line, __FILE__);
}

#define CHECK_LOOKUP(a, m, p, want) \
	check_lookup((a), (m), (p), (want), __LINE__)

/* Parses text (len bytes); fails the test fatally if it does not parse. */
static struct acl *
parse_ok(const char *text, size_t len)
{
	struct acl	*a;
	char		 err[256] = "";

	a = acl_parse(text, len, err, sizeof(err));
	UNIT_CHECK(a != NULL, "does not parse: %s", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	return a;
}

static void
test_parse_syntax(void)
{
	static const char	 text[] =
	    "# The APIs of the test.\n"
	    "\n"
	    "   \t \n"
	    "GET /a g1 # a comment after the rule\r\n"
	    "\tPOST\t/b\tg2,g3\t\r\n"
	    "  # an indented comment\n"
	    "\r\n"
	    "PUT    /c   @public\n"
	    "#GET /commented-out g9\n"
	    "DELETE /d\t@authenticated#no space before the comment\n"
	    "* /e g4";		/* no newline at the end */
	static const struct {
		const char	*method, *path, *want;
	} t[] = {
		{ "GET", "/a", "g1" },
		{ "POST", "/b", "g2,g3" },
		{ "PUT", "/c", "@public" },
		{ "DELETE", "/d", "@authenticated" },
		{ "GET", "/e", "g4" },
		{ "PATCH", "/e/f", "g4" },
		{ "POST", "/a", NULL },
		{ "GET", "/commented-out", NULL },
	};
	struct acl	*a;
	size_t		 i;

	a = parse_ok(LIT(text));
	CU_ASSERT_EQUAL(acl_count(a), 5);
	for (i = 0; i < NELEM(t); i++)
		CHECK_LOOKUP(a, t[i].method, t[i].path, t[i].want);
	acl_free(a);

	/* Nothing at all, or nothing but comments: an empty ACL. */
	a = parse_ok("", 0);
	CU_ASSERT_EQUAL(acl_count(a), 0);
	CHECK_LOOKUP(a, "GET", "/", NULL);
	acl_free(a);
	a = parse_ok(LIT("# only\n\n  # comments\r\n"));
	CU_ASSERT_EQUAL(acl_count(a), 0);
	acl_free(a);
}

/* Each method's rule applies to that method only; "*" to all. */
static void
test_parse_methods(void)
{
	static const char *const methods[] = {
		"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"
	};
	struct acl	*a;
	char		 text[64], want[32];
	size_t		 i, j;

	for (i = 0; i < NELEM(methods); i++) {
		snprintf(text, sizeof(text), "%s /x g-%s\n", methods[i],
		    methods[i]);
		snprintf(want, sizeof(want), "g-%s", methods[i]);
		a = parse_ok(text, strlen(text));
		CU_ASSERT_EQUAL(acl_count(a), 1);
		for (j = 0; j < NELEM(methods); j++)
			CHECK_LOOKUP(a, methods[j], "/x", i == j ? want :
			    NULL);
		/* An unknown method only ever gets "*" rules. */
		CHECK_LOOKUP(a, "TRACE", "/x", NULL);
		acl_free(a);
	}

	a = parse_ok(LIT("* /x any\n"));
	for (j = 0; j < NELEM(methods); j++)
		CHECK_LOOKUP(a, methods[j], "/x", "any");
	CHECK_LOOKUP(a, "TRACE", "/x", "any");
	CHECK_LOOKUP(a, "get", "/x", "any");
	acl_free(a);

	/* All eight for one prefix: eight rules. */
	a = parse_ok(LIT("GET /x a\nPOST /x b\nPUT /x c\nPATCH /x d\n"
	    "DELETE /x e\nHEAD /x f\nOPTIONS /x g\n* /x h\n"));
	CU_ASSERT_EQUAL(acl_count(a), 8);
	CHECK_LOOKUP(a, "HEAD", "/x", "f");
	CHECK_LOOKUP(a, "OPTIONS", "/x/y", "g");
	CHECK_LOOKUP(a, "CONNECT", "/x", "h");
	acl_free(a);
}

/* Two lines for one method and prefix are one rule. */
static void
test_parse_merge(void)
{
	struct acl	*a;

	a = parse_ok(LIT("GET /a g1,g2\n"
	    "GET /a g2,g3,g2\n"
	    "GET /a/ g1,g4\n"	/* "/a/" is the prefix "/a" */
	    "POST /a g5\n"
	    "* /a g6\n"
	    "* /a g6\n"
	    "GET /p @public\n"
	    "GET /p/ @public\n"
	    "GET /q @authenticated\n"
	    "GET /q @authenticated\n"));
	CU_ASSERT_EQUAL(acl_count(a), 5);
	CHECK_LOOKUP(a, "GET", "/a", "g1,g2,g3,g4");
	CHECK_LOOKUP(a, "POST", "/a", "g5");
	CHECK_LOOKUP(a, "PUT", "/a", "g6");
	CHECK_LOOKUP(a, "GET", "/p", "@public");
	CHECK_LOOKUP(a, "GET", "/q", "@authenticated");
	acl_free(a);

	/* The same group names differ by case. */
	a = parse_ok(LIT("GET /a admin\nGET /a Admin\n"));
	CHECK_LOOKUP(a, "GET", "/a", "admin,Admin");
	acl_free(a);
}

static void
test_parse_errors(void)
{
	static const char	 method[] = "unknown method";
	static const char	 noabs[] =
	    "the prefix must be an absolute path, no query, no %";
	static const char	 shape[] = "expected METHOD PREFIX GROUPS";
	static const char	 badgroup[] = "bad group name";
	static const char	 after[] = "text after the groups";
	static const char	 kind[] =
	    "rules for one method and prefix disagree on the kind";
	static const char	 nul[] = "NUL byte";
	static const char	 fold[] =
	    "the prefix differs from another only in case";
	static const struct {
		const char	*name;
		const char	*text;
		size_t		 len;
		int		 line;
		const char	*why;
	} t[] = {
		{ "lowercase method", LIT("get /a g\n"), 1, method },
		{ "unknown method", LIT("FETCH /a g\n"), 1, method },
		{ "method with a star", LIT("GET* /a g\n"), 1, method },
		{ "two stars", LIT("** /a g\n"), 1, method },
		{ "relative prefix", LIT("# c\nGET a/b g\n"), 2, noabs },
		{ "prefix with a query", LIT("GET /a?b g\n"), 1, noabs },
		{ "prefix only ?", LIT("GET /? g\n"), 1, noabs },
		{ "prefix with %", LIT("GET /a%2Fb g\n"), 1, noabs },
		{ "only a method", LIT("GET\n"), 1, shape },
		{ "no groups", LIT("GET /a\n"), 1, shape },
		{ "no groups, blanks", LIT("GET /a  \t \n"), 1, shape },
		{ "no groups, a comment", LIT("GET /a # g\n"), 1, shape },
		{ "unterminated last line", LIT("GET /a g\nGET /b g\nGET /c"),
		    3, shape },
		{ "space in groups", LIT("GET /a g1, g2\n"), 1, after },
		{ "text after groups", LIT("GET /a g1 g2\n"), 1, after },
		{ "text after a keyword", LIT("GET /a @public x\n"), 1,
		    after },
		{ "empty group", LIT("GET /a g1,,g2\n"), 1, badgroup },
		{ "leading comma", LIT("GET /a ,g1\n"), 1, badgroup },
		{ "trailing comma", LIT("GET /a g1,\n"), 1, badgroup },
		{ "only a comma", LIT("GET /a ,\n"), 1, badgroup },
		{ "control in group", LIT("GET /a g\x01x\n"), 1, badgroup },
		{ "DEL in group", LIT("GET /a g\x7f\n"), 1, badgroup },
		{ "CR in group", LIT("GET /a g\rx\n"), 1, badgroup },
		{ "public, then groups", LIT("GET /a @public\nGET /a g\n"), 2,
		    kind },
		{ "groups, then public", LIT("GET /a g\nGET /a/ @public\n"),
		    2, kind },
		{ "public, then authenticated",
		    LIT("* /a @public\n* /a @authenticated\n"), 2, kind },
		{ "NUL byte", LIT("GET /a\0 g\n"), 1, nul },
		{ "NUL in groups", LIT("\nGET /a g\0\n"), 2, nul },
		{ "after CRLF lines and comments",
		    LIT("# c\r\n\r\nGET /a g\r\nBAD /b g\r\n"), 4, method },
		{ "prefixes that differ only in case",
		    LIT("GET /a/b g\n* /x y\nPOST /A/b h\n"), 3, fold },
		{ "the same, other way round",
		    LIT("GET /A/B g\n* /a/b h\n* /x y\n"), 2, fold },
		{ "differ only by a long s",
		    LIT("* /s g\n* /\xc5\xbf h\n"), 2, fold },
	};
	char		 err[256], want[256];
	struct acl	*a;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		snprintf(want, sizeof(want), "line %d: %s", t[i].line,
		    t[i].why);
		snprintf(err, sizeof(err), "(unset)");
		a = acl_parse(t[i].text, t[i].len, err, sizeof(err));
		UNIT_CHECK(a == NULL, "%s: parsed", t[i].name);
		acl_free(a);
		UNIT_STREQ(err, want, t[i].name);
	}
}

/* The rule of method and prefix in a, which must be there. */
static const struct acl_rule *
rule_of(const struct acl *a, const char *method, const char *prefix)
{
	const struct acl_rule	*r;

	r = acl_lookup(a, method, prefix, strlen(prefix));
	UNIT_CHECK(r != NULL, "%s %s: no rule", method, prefix);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	return r;
}

/* Rates and by= after the groups, each form the grammar accepts. */
static void
test_parse_limits(void)
{
	static const struct {
		const char	*text;
		uint64_t	 limit[RL_NWINDOWS];	/* s, m, h, d */
		enum rl_by	 by;
	} t[] = {
		{ "* /a g", { 0, 0, 0, 0 }, RL_BY_CREDENTIAL },
		{ "* /a @public", { 0, 0, 0, 0 }, RL_BY_IP },
		{ "* /a g 5000/h", { 0, 0, 5000, 0 }, RL_BY_CREDENTIAL },
		{ "* /a g1,g2 5000/h by=consumer", { 0, 0, 5000, 0 },
		    RL_BY_CONSUMER },
		{ "* /a g by=ip 10/s", { 10, 0, 0, 0 }, RL_BY_IP },
		{ "* /a g by=credential 7/m", { 0, 7, 0, 0 },
		    RL_BY_CREDENTIAL },
		{ "* /a @public 5000/h", { 0, 0, 5000, 0 }, RL_BY_IP },
		{ "* /a @public 5000/h by=credential", { 0, 0, 5000, 0 },
		    RL_BY_CREDENTIAL },
		{ "* /a @public 5000/h by=consumer", { 0, 0, 5000, 0 },
		    RL_BY_CONSUMER },
		{ "* /a @authenticated 1/s 2/m 3/h 4/d", { 1, 2, 3, 4 },
		    RL_BY_CREDENTIAL },
		{ "* /a g 4/d 3/h 2/m 1/s", { 1, 2, 3, 4 },
		    RL_BY_CREDENTIAL },
		{ "* /a g 1000000000000/d", { 0, 0, 0, 1000000000000ULL },
		    RL_BY_CREDENTIAL },
		{ "* /a g 999999999999/s", { 999999999999ULL, 0, 0, 0 },
		    RL_BY_CREDENTIAL },
		{ "* /a\tg\t5000/h\t# a comment", { 0, 0, 5000, 0 },
		    RL_BY_CREDENTIAL },
		{ "* /a g 5000/h#no blank before", { 0, 0, 5000, 0 },
		    RL_BY_CREDENTIAL },
		{ "* /a g 5000/h\t", { 0, 0, 5000, 0 }, RL_BY_CREDENTIAL },
		{ "* /a g 5000/h by=ip\r", { 0, 0, 5000, 0 }, RL_BY_IP },
		{ "* /a g 5000/h by=ip#", { 0, 0, 5000, 0 }, RL_BY_IP },
		/* A group that only starts like a rate is a group. */
		{ "* /a 2fa-users 1/m", { 0, 1, 0, 0 }, RL_BY_CREDENTIAL },
	};
	const struct acl_rule	*r;
	struct acl		*a;
	size_t			 i;
	int			 w, any;

	for (i = 0; i < NELEM(t); i++) {
		a = parse_ok(t[i].text, strlen(t[i].text));
		r = rule_of(a, "GET", "/a");
		for (any = 0, w = 0; w < RL_NWINDOWS; w++) {
			UNIT_CHECK(r->limit[w] == t[i].limit[w],
			    "%s: window %d: %llu, not %llu", t[i].text, w,
			    (unsigned long long)r->limit[w],
			    (unsigned long long)t[i].limit[w]);
			any |= t[i].limit[w] != 0;
		}
		UNIT_CHECK(r->limited == any, "%s: limited %d", t[i].text,
		    r->limited);
		UNIT_CHECK(r->by == t[i].by, "%s: by %d, not %d", t[i].text,
		    (int)r->by, (int)t[i].by);
		acl_free(a);
	}
	a = parse_ok(LIT("* /a 2fa-users 1/m\n"));
	CHECK_LOOKUP(a, "GET", "/a", "2fa-users");
	acl_free(a);
}

/* Every form the grammar refuses, with its line and reason. */
static void
test_parse_limit_errors(void)
{
	static const char	 rate[] = "bad rate: N/s, N/m, N/h or N/d, "
	    "N from 1 to 1000000000000";
	static const char	 twice[] = "two rates for one window";
	static const char	 badby[] =
	    "by= must be credential, consumer or ip";
	static const char	 by2[] = "by= given twice";
	static const char	 norate[] = "by= without a rate";
	static const char	 shape[] = "expected METHOD PREFIX GROUPS";
	static const char	 after[] = "text after the groups";
	static const char	 rates[] =
	    "rules for one method and prefix disagree on the rates";
	static const char	 by[] =
	    "rules for one method and prefix disagree on by=";
	static const struct {
		const char	*text;
		int		 line;
		const char	*why;
	} t[] = {
		{ "* /a g 0/h\n", 1, rate },
		{ "* /a g -1/h\n", 1, rate },
		{ "* /a g +1/h\n", 1, rate },
		{ "* /a g 01/h\n", 1, rate },
		{ "* /a g 00/h\n", 1, rate },
		{ "* /a g 5000/x\n", 1, rate },
		{ "* /a g 5000/hour\n", 1, rate },
		{ "* /a g 5000/H\n", 1, rate },
		{ "* /a g 5000/h?\n", 1, rate },
		{ "* /a g 5000\n", 1, rate },
		{ "* /a g 5000/\n", 1, rate },
		{ "* /a g /h\n", 1, rate },
		{ "* /a g 5,000/h\n", 1, rate },
		{ "* /a g 5000/h/h\n", 1, rate },
		{ "* /a g 1e3/h\n", 1, rate },
		{ "* /a g 0x10/h\n", 1, rate },
		{ "* /a g 1000000000001/h\n", 1, rate },
		{ "* /a g 9999999999999/h\n", 1, rate },
		{ "* /a g 10000000000000/h\n", 1, rate },
		{ "* /a g 18446744073709551617/h\n", 1, rate },
		{ "* /a g 99999999999999999999999999999/h\n", 1, rate },
		{ "* /a g 1/h 2/h\n", 1, twice },
		{ "* /a g 1/h 1/h\n", 1, twice },
		{ "* /a g 1/s 2/m 3/s\n", 1, twice },
		{ "* /a g 1/h by=foo\n", 1, badby },
		{ "* /a g 1/h by=\n", 1, badby },
		{ "* /a g 1/h by=IP\n", 1, badby },
		{ "* /a g 1/h by=ip,consumer\n", 1, badby },
		{ "* /a g 1/h by=ip by=ip\n", 1, by2 },
		{ "* /a g 1/h by=ip by=consumer\n", 1, by2 },
		{ "* /a g by=ip\n", 1, norate },
		{ "* /a @public by=ip\n", 1, norate },
		{ "* /a 5000/h g\n", 1, shape },
		{ "* /a 5000/h\n", 1, shape },
		{ "* /a -1/h g\n", 1, shape },
		{ "* /a by=ip g 1/h\n", 1, shape },
		{ "* /a g 1/h x\n", 1, after },
		{ "* /a g by x\n", 1, after },
		{ "* /a g 1/h\n* /a g 2/h\n", 2, rates },
		{ "* /a g 1/h\n* /a/ g2\n", 2, rates },
		{ "* /a g\n* /a g2 1/h\n", 2, rates },
		{ "* /a g 1/h 1/m\n* /a g 1/h\n", 2, rates },
		{ "* /a @public 1/h\n# c\n* /a @public 1/d\n", 3, rates },
		{ "* /a g 1/h by=ip\n* /a g 1/h\n", 2, by },
		{ "* /a g 1/h\n* /a g 1/h by=consumer\n", 2, by },
		{ "* /a @public 1/h\n* /a @public 1/h by=credential\n", 2,
		    by },
	};
	char		 err[256], want[256];
	struct acl	*a;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		snprintf(want, sizeof(want), "line %d: %s", t[i].line,
		    t[i].why);
		snprintf(err, sizeof(err), "(unset)");
		a = acl_parse(t[i].text, strlen(t[i].text), err, sizeof(err));
		UNIT_CHECK(a == NULL, "%s: parsed", t[i].text);
		acl_free(a);
		UNIT_STREQ(err, want, t[i].text);
	}
}

/* Lines that agree on the limits merge; by= as given or its default. */
static void
test_parse_limit_merge(void)
{
	const struct acl_rule	*r;
	struct acl		*a;

	a = parse_ok(LIT("* /a g1 5/h by=credential 2/m\n"
	    "* /a/ g2 2/m 5/h\n"
	    "GET /p @public 9/s\n"
	    "GET /p @public 9/s by=ip\n"
	    "POST /n g1\n"
	    "POST /n g2\n"));
	CU_ASSERT_EQUAL(acl_count(a), 3);
	CHECK_LOOKUP(a, "PUT", "/a", "g1,g2");
	r = rule_of(a, "PUT", "/a");
	CU_ASSERT(r->limited && r->limit[RL_HOUR] == 5 &&
	    r->limit[RL_MINUTE] == 2 && r->limit[RL_SECOND] == 0 &&
	    r->limit[RL_DAY] == 0 && r->by == RL_BY_CREDENTIAL);
	r = rule_of(a, "GET", "/p");
	CU_ASSERT(r->limited && r->limit[RL_SECOND] == 9 &&
	    r->by == RL_BY_IP);
	r = rule_of(a, "POST", "/n");
	CU_ASSERT(!r->limited && r->by == RL_BY_CREDENTIAL);
	acl_free(a);
}

/*
 * A rule's id depends on its method and prefix only: equal for merged
 * lines, in two parses and in two files with other groups and limits;
 * different for another method or prefix.  The folded reading finds
 * the same rule.
 */
static void
test_rule_ids(void)
{
	static const char	 one[] =
	    "GET /a g1 5/h\nGET /a/ g2 5/h\n* /a g3\nPOST /a g4\n"
	    "GET /a/b g5\nGET /b g6\nGET /A/c g7\n* /ab @public 1/s\n";
	static const char	 two[] =
	    "# Other groups and limits, another order.\n"
	    "* /ab @public\nGET /b x 1/d by=ip\nGET /a y 7/m by=consumer\n"
	    "* /a z\n";
	static const char *const keys[][2] = {
		{ "GET", "/a" }, { "PUT", "/a" }, { "POST", "/a" },
		{ "GET", "/a/b" }, { "GET", "/b" }, { "GET", "/A/c" },
		{ "GET", "/ab" },
	};
	const struct acl_rule	*r[NELEM(keys)], *x, *out[ACL_READINGS];
	struct acl		*a, *b, *c;
	const char		*why;
	size_t			 i, j;
	int			 n;

	a = parse_ok(LIT(one));
	b = parse_ok(LIT(one));
	c = parse_ok(LIT(two));
	for (i = 0; i < NELEM(keys); i++) {
		r[i] = rule_of(a, keys[i][0], keys[i][1]);
		x = rule_of(b, keys[i][0], keys[i][1]);
		UNIT_CHECK(r[i]->id == x->id, "%s %s: another id in a second "
		    "parse", keys[i][0], keys[i][1]);
		/* The rules that two also has: GET /a, * /a, GET /b, * /ab. */
		x = acl_lookup(c, keys[i][0], keys[i][1], strlen(keys[i][1]));
		if (i == 0 || i == 1 || i == 4 || i == 6)
			UNIT_CHECK(x != NULL && r[i]->id == x->id,
			    "%s %s: another id in another file", keys[i][0],
			    keys[i][1]);
		else
			UNIT_CHECK(x == NULL || r[i]->id != x->id,
			    "%s %s: the id of another rule", keys[i][0],
			    keys[i][1]);
		for (j = 0; j < i; j++)
			UNIT_CHECK(r[i] == r[j] || r[i]->id != r[j]->id,
			    "%s %s and %s %s: one id", keys[i][0], keys[i][1],
			    keys[j][0], keys[j][1]);
	}
	/* GET /a and PUT /a (the "*" rule) differ; "/a/" merged in. */
	CU_ASSERT(r[0] != r[1] && r[0]->id != r[1]->id);
	CU_ASSERT_EQUAL(rule_of(a, "GET", "/a/")->id, r[0]->id);
	/* Every reading, folded ones too, reaches rules with these ids. */
	n = acl_reach(a, "GET", "/a/C", out, &why);
	CU_ASSERT_FATAL(n > 0);
	for (i = 0; i < (size_t)n; i++)
		CU_ASSERT(out[i] != NULL && (out[i]->id == r[0]->id ||
		    out[i]->id == r[5]->id));
	acl_free(a);
	acl_free(b);
	acl_free(c);
}

/* Group names: 1 to 255 bytes of printable non-blank ASCII or UTF-8. */
static void
test_parse_group_names(void)
{
	char		 text[400], group[300], err[256];
	struct acl	*a;
	int		 n;

	memset(group, 'g', 255);
	group[255] = '\0';
	n = snprintf(text, sizeof(text), "GET /a %s\n", group);
	a = parse_ok(text, (size_t)n);
	CHECK_LOOKUP(a, "GET", "/a", group);
	acl_free(a);

	memset(group, 'g', 256);
	group[256] = '\0';
	n = snprintf(text, sizeof(text), "GET /a x,%s\n", group);
	a = acl_parse(text, (size_t)n, err, sizeof(err));
	CU_ASSERT_PTR_NULL(a);
	acl_free(a);
	UNIT_STREQ(err, "line 1: bad group name", "256-byte group");

	a = parse_ok(LIT("GET /a caf\xc3\xa9,a.b-c_d:e@f\n"));
	CHECK_LOOKUP(a, "GET", "/a", "caf\xc3\xa9,a.b-c_d:e@f");
	acl_free(a);
}

/* Lines up to ACL_MAX_LINE bytes (without the newline). */
static void
test_parse_long_line(void)
{
	char		*text, err[256];
	struct acl	*a;
	size_t		 n;

	CU_ASSERT_FATAL(ACL_MAX_LINE > 16);
	text = malloc(ACL_MAX_LINE * 2 + 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);

	/* "GET /aaa...a g\n" of exactly ACL_MAX_LINE bytes, then CRLF. */
	memcpy(text, "GET /", 5);
	memset(text + 5, 'a', ACL_MAX_LINE - 7);
	memcpy(text + ACL_MAX_LINE - 2, " g\n", 3);
	n = ACL_MAX_LINE + 1;
	a = acl_parse(text, n, err, sizeof(err));
	UNIT_CHECK(a != NULL, "%d-byte line: %s", ACL_MAX_LINE, err);
	CU_ASSERT(a != NULL && acl_count(a) == 1);
	acl_free(a);

	/* One byte more. */
	memcpy(text + ACL_MAX_LINE - 2, "  g\n", 4);
	n = ACL_MAX_LINE + 2;
	a = acl_parse(text, n, err, sizeof(err));
	CU_ASSERT_PTR_NULL(a);
	acl_free(a);
	UNIT_STREQ(err, "line 1: line too long", "long line");

	/* A long comment line is as long. */
	memmove(text + 2, text, n);
	memcpy(text, "#\n", 2);
	text[2] = '#';
	a = acl_parse(text, n + 2, err, sizeof(err));
	CU_ASSERT_PTR_NULL(a);
	acl_free(a);
	UNIT_STREQ(err, "line 2: line too long", "long comment");
	free(text);
}

static void
test_lookup(void)
{
	static const char	 text[] =
	    "GET /a/b get-ab\n"
	    "* /a/b any-ab\n"
	    "* /a/b/c/d any-abcd\n"
	    "POST /a post-a\n"
	    "GET /x/ x\n"
	    "* / root\n";
	static const struct {
		const char	*method, *path, *want;
	} t[] = {
		/* The prefix itself and what lies below it. */
		{ "GET", "/a/b", "get-ab" },
		{ "GET", "/a/b/", "get-ab" },
		{ "GET", "/a/b/c", "get-ab" },
		{ "GET", "/a/b/c/", "get-ab" },
		{ "GET", "/a/b/c/de", "get-ab" },
		/* Only at a segment boundary. */
		{ "GET", "/a/bc", "root" },
		{ "POST", "/a/bc", "post-a" },
		{ "GET", "/a/b.json", "root" },
		{ "POST", "/ab", "root" },
		/* The method's rule beats "*" at the same prefix... */
		{ "POST", "/a/b", "any-ab" },
		{ "DELETE", "/a/b/c", "any-ab" },
		{ "TRACE", "/a/b", "any-ab" },
		/* ...but a longer "*" prefix beats a shorter method rule. */
		{ "GET", "/a/b/c/d", "any-abcd" },
		{ "GET", "/a/b/c/d/e", "any-abcd" },
		{ "POST", "/a/b/c/d/e/f", "any-abcd" },
		/* A method rule where "*" has none falls to the parent. */
		{ "POST", "/a", "post-a" },
		{ "POST", "/a/", "post-a" },
		{ "GET", "/a", "root" },
		/* A rule written with a trailing slash. */
		{ "GET", "/x", "x" },
		{ "GET", "/x/", "x" },
		{ "GET", "/x/y", "x" },
		{ "GET", "/xy", "root" },
		{ "POST", "/x", "root" },
		/* The root rule is the fallback. */
		{ "GET", "/", "root" },
		{ "GET", "/zzz/y", "root" },
		{ "HEAD", "/a/b", "any-ab" },
		/* Not absolute. */
		{ "GET", "", NULL },
		{ "GET", "a/b", NULL },
		{ "GET", "x", NULL },
	};
	struct acl	*a;
	char		 buf[64];
	size_t		 i;

	a = parse_ok(LIT(text));
	CU_ASSERT_EQUAL(acl_count(a), 6);
	for (i = 0; i < NELEM(t); i++)
		CHECK_LOOKUP(a, t[i].method, t[i].path, t[i].want);

	/* Only len bytes of the path count. */
	UNIT_STREQ(rule_text(acl_lookup(a, "GET", "/a/bXYZ", 4), buf,
	    sizeof(buf)), "get-ab", "len 4 of /a/bXYZ");
	UNIT_STREQ(rule_text(acl_lookup(a, "GET", "/a/b/c/dz", 8), buf,
	    sizeof(buf)), "any-abcd", "len 8 of /a/b/c/dz");
	acl_free(a);

	/* Without a root rule, no match is NULL. */
	a = parse_ok(LIT("GET /a/b g\n* /c h\nGET / r\n"));
	CHECK_LOOKUP(a, "GET", "/zzz", "r");
	CHECK_LOOKUP(a, "POST", "/zzz", NULL);
	CHECK_LOOKUP(a, "POST", "/a/b", NULL);
	CHECK_LOOKUP(a, "POST", "/c/d", "h");
	CHECK_LOOKUP(a, "POST", "/", NULL);
	acl_free(a);
	a = parse_ok(LIT("* /only g\n"));
	CHECK_LOOKUP(a, "GET", "/", NULL);
	CHECK_LOOKUP(a, "GET", "/other", NULL);
	CHECK_LOOKUP(a, "GET", "/onl", NULL);
	CHECK_LOOKUP(a, "GET", "/only", "g");
	acl_free(a);
}

/* Many prefixes: the table grows and every one is still found. */
static void
test_lookup_many(void)
{
	char		*text, want[32], path[64];
	size_t		 i, off = 0, cap = 1000 * 48;
	struct acl	*a;

	text = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (i = 0; i < 1000; i++)
		off += (size_t)snprintf(text + off, cap - off,
		    "%s /api/v%zu/item%zu g%zu\n", i % 2 ? "GET" : "*",
		    i % 7, i, i);
	a = parse_ok(text, off);
	CU_ASSERT_EQUAL(acl_count(a), 1000);
	for (i = 0; i < 1000; i++) {
		snprintf(path, sizeof(path), "/api/v%zu/item%zu/sub", i % 7,
		    i);
		snprintf(want, sizeof(want), "g%zu", i);
		CHECK_LOOKUP(a, "GET", path, want);
		CHECK_LOOKUP(a, "POST", path, i % 2 ? NULL : want);
	}
	acl_free(a);
	free(text);
}

static void
test_normalize(void)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: -1 */
	} t[] = {
		{ "/", "/" },
		{ "/a", "/a" },
		{ "/a/b/", "/a/b/" },
		/* The query and the fragment go. */
		{ "/a?b=c", "/a" },
		{ "/a/?x=/../..", "/a/" },
		{ "/?", "/" },
		{ "/a#frag", "/a" },
		/* %XX decoded, once. */
		{ "/%61", "/a" },
		{ "/a%2Fb", "/a/b" },
		{ "/a%2fb", "/a/b" },
		{ "/a%3Fb", "/a?b" },
		{ "/a%20b", "/a b" },
		{ "/a%25", "/a%" },
		{ "/a%252e%252e", "/a%2e%2e" },
		{ "/%c3%A9", "/\xc3\xa9" },
		/* "//" merged. */
		{ "//", "/" },
		{ "//a///b//", "/a/b/" },
		{ "/a%2F%2Fb", "/a/b" },
		/* "." and ".." resolved. */
		{ "/.", "/" },
		{ "/./", "/" },
		{ "/a/./b", "/a/b" },
		{ "/a/.", "/a/" },
		{ "/a/..", "/" },
		{ "/a/../", "/" },
		{ "/a/b/..", "/a/" },
		{ "/a/b/../c", "/a/c" },
		{ "/a/b/../../c", "/c" },
		{ "/a/./../b/./c/..", "/b/" },
		{ "/a/%2e%2e/b", "/b" },
		{ "/a/%2E%2E/b", "/b" },
		{ "/a/.%2e/b", "/b" },
		{ "/a/%2e/b", "/a/b" },
		{ "/a%2f..%2fb", "/b" },
		{ "/a//..//b", "/b" },
		/* Names with dots that are no dot segments. */
		{ "/..a", "/..a" },
		{ "/a..", "/a.." },
		{ "/.a", "/.a" },
		{ "/...", "/..." },
		{ "/a/.../b", "/a/.../b" },
		/* Climbing above the root. */
		{ "/..", NULL },
		{ "/../", NULL },
		{ "/../a", NULL },
		{ "/a/../..", NULL },
		{ "/a/../../b", NULL },
		{ "/%2e%2e", NULL },
		{ "/%2e%2e/a", NULL },
		{ "/a/%2e%2e/%2e%2e/b", NULL },
		{ "/a%2f..%2f..", NULL },
		{ "/./..", NULL },
		/* NUL and bad escapes. */
		{ "/a%00b", NULL },
		{ "/%00", NULL },
		{ "/a%", NULL },
		{ "/a%0", NULL },
		{ "/a%zz", NULL },
		{ "/a%g0", NULL },
		{ "/a%0g", NULL },
		{ "/a%%41", NULL },
		{ "/a%-1", NULL },
		/* A bad escape in the query does not count. */
		{ "/a?%zz", "/a" },
		/* Not absolute. */
		{ "", NULL },
		{ "a/b", NULL },
		{ "?/a", NULL },
		{ "%2Fa", NULL },
		{ ".", NULL },
		{ "../a", NULL },
	};
	char	 buf[128];
	long	 n;
	size_t	 i;

	for (i = 0; i < NELEM(t); i++) {
		snprintf(buf, sizeof(buf), "%s", t[i].in);
		n = path_normalize(buf);
		if (t[i].out == NULL) {
			UNIT_CHECK(n == -1, "\"%s\": got %ld \"%s\", want -1",
			    t[i].in, n, n >= 0 ? buf : "");
			continue;
		}
		UNIT_CHECK(n >= 0 && (size_t)n == strlen(t[i].out) &&
		    strcmp(buf, t[i].out) == 0,
		    "\"%s\": got %ld \"%s\", want \"%s\"", t[i].in, n,
		    n >= 0 ? buf : "", t[i].out);
		/* Normalised is a fixed point (no escapes left to decode). */
		if (n >= 0 && strchr(buf, '%') == NULL &&
		    strchr(buf, '?') == NULL) {
			UNIT_CHECK(path_normalize(buf) == n &&
			    strcmp(buf, t[i].out) == 0,
			    "\"%s\": not a fixed point", t[i].in);
		}
	}
}

/* A normalised path then looked up, as the gateway check does. */
static void
test_normalize_then_lookup(void)
{
	static const struct {
		const char	*path, *want;
	} t[] = {
		{ "/admin", "admins" },
		{ "/admin/users?x=1", "admins" },
		{ "/public/../admin/users", "admins" },
		{ "/public/%2e%2e/admin", "admins" },
		{ "/public%2f..%2fadmin", "admins" },
		{ "//admin//users", "admins" },
		{ "/public/./x", "@public" },
		{ "/Admin", "@authenticated" },
		{ "/admin%2Fusers", "admins" },
	};
	struct acl	*a;
	char		 buf[128], rb[64];
	long		 n;
	size_t		 i;

	a = parse_ok(LIT("* /admin admins\n* /public @public\n"
	    "* / @authenticated\n"));
	for (i = 0; i < NELEM(t); i++) {
		snprintf(buf, sizeof(buf), "%s", t[i].path);
		n = path_normalize(buf);
		UNIT_CHECK(n > 0, "%s: not normalised", t[i].path);
		if (n <= 0)
			continue;
		UNIT_STREQ(rule_text(acl_lookup(a, "GET", buf, (size_t)n), rb,
		    sizeof(rb)), t[i].want, t[i].path);
	}
	acl_free(a);
}

/* Writes len bytes to a new temporary file; its path in path. */
static int
write_tmp(char *path, size_t pathsz, const char *text, size_t len)
{
	const char	*dir;
	int		 fd;

	if ((dir = getenv("TMPDIR")) == NULL || strlen(dir) > 200)
		dir = "/tmp";
	snprintf(path, pathsz, "%s/adminutil-acl.XXXXXX", dir);
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd);
}

static void
test_load(void)
{
	static const char	 missing[] = "/nonexistent/adminutil/x.acl";
	char			 path[256], err[512], want[512];
	struct acl		*a;

	/* A missing file: the error names the path. */
	err[0] = '\0';
	CU_ASSERT_PTR_NULL(acl_load(missing, err, sizeof(err)));
	UNIT_CHECK(strncmp(err, missing, strlen(missing)) == 0 &&
	    strstr(err, strerror(ENOENT)) != NULL, "error: %s", err);

	/* A good file. */
	CU_ASSERT_FATAL(write_tmp(path, sizeof(path),
	    LIT("GET /a g1\n* / @public\n")) == 0);
	a = acl_load(path, err, sizeof(err));
	UNIT_CHECK(a != NULL, "load: %s", err);
	if (a != NULL) {
		CU_ASSERT_EQUAL(acl_count(a), 2);
		CHECK_LOOKUP(a, "GET", "/a/b", "g1");
		CHECK_LOOKUP(a, "POST", "/a/b", "@public");
	}
	acl_free(a);
	unlink(path);

	/* A bad one: path and line. */
	CU_ASSERT_FATAL(write_tmp(path, sizeof(path),
	    LIT("GET /a g1\nGET a g2\n")) == 0);
	err[0] = '\0';
	CU_ASSERT_PTR_NULL(acl_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: line 2: the prefix must be an "
	    "absolute path, no query, no %%", path);
	UNIT_STREQ(err, want, "bad file");
	unlink(path);

	/* An empty file is an empty ACL. */
	CU_ASSERT_FATAL(write_tmp(path, sizeof(path), "", 0) == 0);
	a = acl_load(path, err, sizeof(err));
	UNIT_CHECK(a != NULL && acl_count(a) == 0, "empty file: %s", err);
	acl_free(a);
	unlink(path);

	/* A file larger than the reader's first buffer. */
	{
		char	*text;
		size_t	 i, off = 0, cap = 3000 * 40;

		text = malloc(cap);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		for (i = 0; i < 3000; i++)
			off += (size_t)snprintf(text + off, cap - off,
			    "* /long/file/%zu g%zu\n", i, i);
		CU_ASSERT_FATAL(write_tmp(path, sizeof(path), text, off) ==
		    0);
		free(text);
		a = acl_load(path, err, sizeof(err));
		UNIT_CHECK(a != NULL && acl_count(a) == 3000, "big file: %s",
		    a == NULL ? err : "wrong count");
		if (a != NULL) {
			CHECK_LOOKUP(a, "GET", "/long/file/0", "g0");
			CHECK_LOOKUP(a, "GET", "/long/file/2999/x", "g2999");
		}
		acl_free(a);
		unlink(path);
	}
}

/* The Sunbird rules, as counted by acl_each. */
struct tally {
	size_t	 rules, limited, other;
	size_t	 by[3];		/* by rl_by */
};

static void
tally_rule(void *arg, const char *method, const char *prefix,
    const struct acl_rule *r)
{
	struct tally	*t = arg;

	(void)method;
	(void)prefix;
	t->rules++;
	t->limited += r->limited != 0 && r->limit[RL_HOUR] != 0;
	if ((size_t)r->by < NELEM(t->by))
		t->by[r->by]++;
	if (r->limit[RL_SECOND] != 0 || r->limit[RL_MINUTE] != 0 ||
	    r->limit[RL_DAY] != 0)
		t->other++;
}

/*
 * conf/acl/sunbird.acl, generated from the 471 Kong APIs of a real
 * Sunbird deployment: it loads, every rule in it is found again by its
 * own method and prefix, and a few APIs known from the source data get
 * what Kong gave them.  Skipped (this test only) while the file is not
 * in the source tree.
 */
static void
test_sunbird_acl(void)
{
	static const struct {
		const char	*method, *path;
		const char	*group;	/* one the rule must hold */
	} t[] = {
		{ "POST", "/content/v1/flag/accept", "contentAdmin" },
		{ "POST", "/content/v1/flag/accept/do_123", "contentAdmin" },
		{ "POST", "/user/v1/tnc/accept", "appAccess" },
		{ "POST", "/data/v1/upload/status", "orgSuperAdmin" },
		{ "POST", "/data/v1/upload/status", "userSuperAdmin" },
		{ "POST", "/composite/v1/search", "contentTempAccess" },
		{ "POST", "/rc/certificate/v1/create", "certificateCreate" },
		{ "GET", "/data/v1/page/assemble", "@public" },
		{ "GET", "/framework/v1/read/ncf", "@public" },
		{ "GET", "/dialcode/v2/read/batch", "@public" },
	};
	const char		*srcdir, *s, *e, *sp;
	const struct acl_rule	*r;
	struct acl		*a;
	FILE			*f;
	char			 path[1024], err[1024];
	char			 line[ACL_MAX_LINE + 2], method[16];
	char			 prefix[ACL_MAX_LINE];
	size_t			 i, j, lines = 0, plen;
	static const char *const rates[6] = {
		"1", "100", "5000", "10000", "30000", "100000"
	};
	size_t			 by_credential = 0, by_ip = 0, at[6] = { 0 };
	char			 fields[ACL_MAX_LINE], rate[32];
	struct tally		 tl;
	int			 found;

	if ((srcdir = getenv("srcdir")) == NULL)
		srcdir = ".";
	snprintf(path, sizeof(path), "%s/conf/acl/sunbird.acl", srcdir);
	if (access(path, F_OK) == -1) {
		printf("\n  skipped: %s is not there yet ", path);
		CU_PASS("conf/acl/sunbird.acl missing: skipped");
		return;
	}
	a = acl_load(path, err, sizeof(err));
	UNIT_CHECK(a != NULL, "load: %s", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT(acl_count(a) > 0);

	/* Each rule line is found by its own method and prefix. */
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		s = line + strspn(line, " \t");
		if (*s == '#' || *s == '\r' || *s == '\n' || *s == '\0')
			continue;
		if ((e = strpbrk(s, " \t")) == NULL ||
		    (size_t)(e - s) >= sizeof(method))
			continue;
		memcpy(method, s, (size_t)(e - s));
		method[e - s] = '\0';
		s = e + strspn(e, " \t");
		plen = strcspn(s, " \t\r\n");
		if (plen == 0 || plen >= sizeof(prefix))
			continue;
		memcpy(prefix, s, plen);
		prefix[plen] = '\0';
		lines++;
		/* The fields after the groups, up to the comment. */
		e = s + plen + strspn(s + plen, " \t");
		e += strcspn(e, " \t#");
		if ((sp = strchr(e, '#')) != NULL) {
			snprintf(fields, sizeof(fields), "%.*s",
			    (int)(sp - e), e);
			by_credential += strstr(fields, "\tby=credential\t") !=
			    NULL;
			by_ip += strstr(fields, "\tby=ip\t") != NULL;
			for (j = 0; j < NELEM(rates); j++) {
				snprintf(rate, sizeof(rate), "\t%s/h\t",
				    rates[j]);
				at[j] += strstr(fields, rate) != NULL;
			}
		}
		r = acl_lookup(a, method, prefix, plen);
		UNIT_CHECK(r != NULL, "%s %s: no rule", method, prefix);
		/* And the groups listed there are in it. */
		sp = s + plen + strspn(s + plen, " \t");
		if (r == NULL || r->kind != ACL_GROUPS)
			continue;
		for (s = sp; *s != '\0' && *s != '#' && *s != ' ' &&
		    *s != '\t' && *s != '\r' && *s != '\n'; s = e) {
			e = s + strcspn(s, ", \t\r\n#");
			for (found = 0, j = 0; j < r->ngroups && !found; j++)
				found = strlen(r->groups[j]) ==
				    (size_t)(e - s) && memcmp(r->groups[j], s,
				    (size_t)(e - s)) == 0;
			UNIT_CHECK(found, "%s %s: group %.*s missing", method,
			    prefix, (int)(e - s), s);
			if (*e == ',')
				e++;
		}
	}
	fclose(f);
	UNIT_CHECK(lines >= acl_count(a), "%zu lines, %zu rules", lines,
	    acl_count(a));

	/*
	 * Kong's rate-limiting of every API, as the file writes it: 438 at
	 * 5000/h, 16 at 100/h, 12 at 10000/h, 2 at 30000/h, 2 at 100000/h
	 * and one at 1/h (a slip in the source, kept); limit_by credential
	 * on 454 APIs and ip on 16, none on one.  Two APIs share a prefix
	 * (and their limits): 470 rules, all limited by the hour, the one
	 * without by= by credential (the default).
	 */
	UNIT_CHECK(lines == 471 && by_credential == 454 && by_ip == 16,
	    "%zu lines, %zu by=credential, %zu by=ip", lines, by_credential,
	    by_ip);
	UNIT_CHECK(at[0] == 1 && at[1] == 16 && at[2] == 438 &&
	    at[3] == 12 && at[4] == 2 && at[5] == 2,
	    "at 1, 100, 5000, 10000, 30000, 100000 an hour: %zu %zu %zu %zu "
	    "%zu %zu", at[0], at[1], at[2], at[3], at[4], at[5]);
	memset(&tl, 0, sizeof(tl));
	acl_each(a, tally_rule, &tl);
	UNIT_CHECK(tl.rules == 470 && tl.limited == 470 && tl.other == 0,
	    "%zu rules, %zu limited by the hour, %zu with other windows",
	    tl.rules, tl.limited, tl.other);
	UNIT_CHECK(tl.by[RL_BY_CREDENTIAL] == 454 && tl.by[RL_BY_IP] == 16 &&
	    tl.by[RL_BY_CONSUMER] == 0, "by credential %zu, ip %zu, "
	    "consumer %zu", tl.by[RL_BY_CREDENTIAL], tl.by[RL_BY_IP],
	    tl.by[RL_BY_CONSUMER]);
	r = rule_of(a, "GET", "/app/v1/read");
	CU_ASSERT(r->limit[RL_HOUR] == 1 && r->by == RL_BY_CREDENTIAL);
	r = rule_of(a, "GET", "/data/v1/page/assemble");
	CU_ASSERT(r->kind == ACL_PUBLIC && r->limit[RL_HOUR] == 5000 &&
	    r->by == RL_BY_IP);
	r = rule_of(a, "POST", "/notification/v2/send");
	CU_ASSERT(r->limit[RL_HOUR] == 5000 && r->by == RL_BY_CREDENTIAL);

	for (i = 0; i < NELEM(t); i++) {
		r = acl_lookup(a, t[i].method, t[i].path, strlen(t[i].path));
		UNIT_CHECK(r != NULL, "%s %s: no rule", t[i].method,
		    t[i].path);
		if (r == NULL)
			continue;
		if (strcmp(t[i].group, "@public") == 0) {
			UNIT_CHECK(r->kind == ACL_PUBLIC, "%s %s: not public",
			    t[i].method, t[i].path);
			continue;
		}
		for (found = 0, j = 0; j < r->ngroups; j++)
			found |= strcmp(r->groups[j], t[i].group) == 0;
		UNIT_CHECK(r->kind == ACL_GROUPS && found,
		    "%s %s: group %s missing", t[i].method, t[i].path,
		    t[i].group);
	}
	acl_free(a);
}

static const CU_TestInfo tests[] = {
	{ "acl_parse comments, blanks, CRLF, tabs", test_parse_syntax },
	{ "acl_parse every method and *", test_parse_methods },
	{ "acl_parse merges one method and prefix", test_parse_merge },
	{ "acl_parse errors with line numbers", test_parse_errors },
	{ "acl_parse group names up to 255 bytes", test_parse_group_names },
	{ "acl_parse line length bound", test_parse_long_line },
	{ "acl_parse rates and by=", test_parse_limits },
	{ "acl_parse refuses bad rates and by=", test_parse_limit_errors },
	{ "acl_parse merges lines that agree on limits",
	    test_parse_limit_merge },
	{ "a rule's id: its method and prefix", test_rule_ids },
	{ "acl_lookup longest prefix, method over *", test_lookup },
	{ "acl_lookup 1000 prefixes", test_lookup_many },
	{ "path_normalize table", test_normalize },
	{ "path_normalize then acl_lookup", test_normalize_then_lookup },
	{ "acl_load file, missing file, bad file", test_load },
	{ "conf/acl/sunbird.acl loads and matches", test_sunbird_acl },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("acl", tests, NULL, NULL);
}
