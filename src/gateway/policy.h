/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The ACL policy of the gateway: what a request needs to pass, from the
 * per-location groups (ADMINUTIL_ALLOW_GROUPS), else the ACL file over
 * every reading of the path (acl_reach), else acl_default; and whether
 * a consumer's groups meet it.
 */
#ifndef ADMINUTIL_POLICY_H
#define ADMINUTIL_POLICY_H

#include <stddef.h>

#include "gateway/acl.h"

enum policy_need {
	NEED_NOTHING,		/* public: no token */
	NEED_TOKEN,		/* a valid token, and the groups below */
	NEED_DENIED,		/* a valid token, then 403 all the same */
	NEED_BROKEN		/* the location's groups are malformed: 500 */
};

/*
 * What one request needs.  A consumer passes when, for each rule, it is
 * in one of the rule's groups, and, with allow set, in one of those.
 * What passes is then counted against every rule of limited[]: each
 * distinct rule with limits that a reading reaches, @public ones too, so
 * that no reading of the path escapes a limit (a location's own groups
 * carry none).
 */
struct policy {
	enum policy_need	 need;
	const char		*why;	/* static, for DENIED and BROKEN */
	const struct acl_rule	*rules[ACL_READINGS];
	size_t			 nrules;
	const struct acl_rule	*limited[ACL_READINGS];
	size_t			 nlimited;
	const char		*allow;	/* the location's list, or NULL */
};

/*
 * Decides what method and uri (raw, as the client sent it) need, with
 * allow_groups (the location's list, NULL or "" for none), acl (may be
 * NULL) and acl_default ("deny" or "authenticated").  The policy points
 * into allow_groups and acl, which must outlive it.
 */
void	policy_decide(struct policy *, const struct acl *acl,
	    const char *acl_default, const char *allow_groups,
	    const char *method, const char *uri);

/* 1 if groups[0..n) meet p (p->need NEED_TOKEN), else 0. */
int	policy_permits(const struct policy *p, char *const *groups, size_t n);

#endif
