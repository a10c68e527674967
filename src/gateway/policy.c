/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <string.h>

#include "gateway/policy.h"

/*
 * 1 if the location's list is one adminutil can read one way only: group
 * names (no control characters, no DEL) between spaces or commas.  nginx's
 * pass-cache key holds it between tabs (conf/nginx.conf), so a tab in it
 * must never earn a pass.
 */
static int
allow_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* Adds r to set[0..*n) unless it is there (ACL_READINGS at most). */
static void
add_rule(const struct acl_rule **set, size_t *n, const struct acl_rule *r)
{
	size_t	 j;

	for (j = 0; j < *n && set[j] != r; j++)
		;
	if (j == *n)
		set[(*n)++] = r;
}

void
policy_decide(struct policy *p, const struct acl *acl,
    const char *acl_default, const char *allow, const char *method,
    const char *uri)
{
	const struct acl_rule	*reached[ACL_READINGS];
	int			 n, i, dflt = 0;

	memset(p, 0, sizeof(*p));
	p->need = NEED_TOKEN;
	if (allow != NULL && allow[0] != '\0') {
		if (!allow_ok(allow)) {
			p->need = NEED_BROKEN;
			p->why = "the location's allowed groups are malformed";
		} else if (strcmp(allow, "@public") == 0)
			p->need = NEED_NOTHING;
		else if (strcmp(allow, "@authenticated") != 0)
			p->allow = allow;
		return;
	}
	if (acl == NULL)
		dflt = 1;
	else if ((n = acl_reach(acl, method != NULL ? method : "",
	    uri != NULL ? uri : "", reached, &p->why)) < 0) {
		p->need = NEED_DENIED;
		return;
	} else {
		/* The strictest of what the readings reach: all of it. */
		p->need = NEED_NOTHING;
		for (i = 0; i < n; i++) {
			if (reached[i] == NULL) {
				dflt = 1;
				continue;
			}
			if (reached[i]->limited)
				add_rule(p->limited, &p->nlimited, reached[i]);
			if (reached[i]->kind == ACL_PUBLIC)
				continue;
			p->need = NEED_TOKEN;
			if (reached[i]->kind == ACL_GROUPS)
				add_rule(p->rules, &p->nrules, reached[i]);
		}
	}
	if (!dflt)
		return;
	if (strcmp(acl_default, "authenticated") != 0) {
		p->need = NEED_DENIED;
		p->why = "no rule allows this API";
	} else if (p->need == NEED_NOTHING)
		p->need = NEED_TOKEN;
}

static int
member(char *const *groups, size_t n, const char *g, size_t len)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strlen(groups[i]) == len && memcmp(groups[i], g, len) == 0)
			return 1;
	return 0;
}

int
policy_permits(const struct policy *p, char *const *groups, size_t n)
{
	const char	*s, *e;
	size_t		 i, j;
	int		 ok;

	if (p->need != NEED_TOKEN)
		return 0;
	for (i = 0; i < p->nrules; i++) {
		for (ok = 0, j = 0; !ok && j < p->rules[i]->ngroups; j++)
			ok = member(groups, n, p->rules[i]->groups[j],
			    strlen(p->rules[i]->groups[j]));
		if (!ok)
			return 0;
	}
	if (p->allow == NULL)
		return 1;
	for (s = p->allow; *s != '\0'; s = e) {
		while (*s == ' ' || *s == ',')
			s++;
		for (e = s; *e != '\0' && *e != ' ' && *e != ','; e++)
			;
		if (e > s && member(groups, n, s, (size_t)(e - s)))
			return 1;
	}
	return 0;
}
