/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Which groups an API allows: the ACL file.
 *
 * One rule a line: METHOD PREFIX GROUPS, where METHOD is GET, POST, PUT,
 * PATCH, DELETE, HEAD, OPTIONS or * (any), PREFIX an absolute path, and
 * GROUPS a comma list of group names, or one of the keywords
 *   @public         the API needs no token at all,
 *   @authenticated  any valid token will do.
 * "#" starts a comment.  A path matches the longest PREFIX that equals
 * it or is followed in it by "/"; at equal prefixes a rule for the
 * request's method wins over "*".  Two rules for the same method and
 * prefix are merged (their groups joined).  Two prefixes that differ
 * only in case (path_fold) are refused.
 *
 * After GROUPS, optional limits in any order: rates N/s, N/m, N/h, N/d
 * (1 <= N <= 10^12, one a window) and by=credential|consumer|ip (the
 * default: credential, ip on @public).  Merged lines must agree on them.
 * The grammar of a line is aclline.c's.
 */
#ifndef ADMINUTIL_ACL_H
#define ADMINUTIL_ACL_H

#include <stddef.h>
#include <stdint.h>

#include "core/ratelimit.h"

#define ACL_MAX_LINE	 4096
#define ACL_PATH_MAX	 4096	/* longer request paths are refused */
#define ACL_READINGS	 12	/* rules acl_reach() returns at most */

enum acl_kind {
	ACL_GROUPS,		/* groups[] */
	ACL_PUBLIC,		/* no token needed */
	ACL_AUTHENTICATED	/* any valid token */
};

struct acl_rule {
	enum acl_kind	  kind;
	char		**groups;
	size_t		  ngroups;
	uint64_t	  id;		/* the same for the same method and
					   prefix in any file: a reload keeps
					   its counters */
	uint64_t	  limit[RL_NWINDOWS]; /* passes a window, 0: none */
	enum rl_by	  by;		/* what the limits count by */
	int		  limited;	/* some limit[] is set */
};

struct acl;

/*
 * Parses len bytes of ACL text.  NULL on error, with "line N: why" in
 * err (or on no memory).
 */
struct acl	*acl_parse(const char *text, size_t len, char *err,
		    size_t errsz);
/* Reads and parses the file at path; as acl_parse. */
struct acl	*acl_load(const char *path, char *err, size_t errsz);
void		 acl_free(struct acl *);
/*
 * Checks that the file at path ("" for none) parses, as start-up and
 * reload must before any worker needs it.  0, or -1 with err set.
 */
int		 acl_check_file(const char *path, char *err, size_t errsz);
size_t		 acl_count(const struct acl *);
/* Calls fn for every rule: its method ("*" for any) and its prefix. */
void		 acl_each(const struct acl *, void (*fn)(void *,
		    const char *method, const char *prefix,
		    const struct acl_rule *), void *arg);

/*
 * The rule for method and a normalised path (see path_normalize), or
 * NULL when none matches.  The rule lives as long as the acl.
 */
const struct acl_rule *acl_lookup(const struct acl *, const char *method,
		    const char *path, size_t len);

/*
 * The rules that every reading of a request reaches: uri (raw, with its
 * query) as nginx reads it (path_normalize), and, when it holds ";", "\"
 * or "%", as servlet containers and some frameworks do (each segment's
 * ";params" dropped, so "..;" is "..", and "\" taken for "/"), on the
 * raw path and on the decoded one; each reading as written and case
 * folded; for HEAD, GET's rules too.  Fills out[] with up to
 * ACL_READINGS rules, NULL where a reading matches none, and returns
 * how many; -1 with a static reason in *why when the path is too long
 * (ACL_PATH_MAX) or is not a plain path in one of its readings.
 */
int		 acl_reach(const struct acl *, const char *method,
		    const char *uri, const struct acl_rule **out,
		    const char **why);

#endif
