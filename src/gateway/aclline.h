/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The grammar of one line of the ACL file (see acl.h and adminutil.acl(5)),
 * apart from the tables: acl.c merges the lines it parses into rules.
 */
#ifndef ADMINUTIL_ACLLINE_H
#define ADMINUTIL_ACLLINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/ratelimit.h"
#include "gateway/acl.h"

enum { M_ANY, M_GET, M_POST, M_PUT, M_PATCH, M_DELETE, M_HEAD, M_OPTIONS,
    M__MAX };

/* By M_*: "*", "GET", ... */
extern const char *const acl_methods[M__MAX];

/* One line, as written; its pointers are into the line. */
struct acl_line {
	int		 method;	/* M_* */
	const char	*prefix;	/* without a trailing "/" */
	size_t		 plen;
	enum acl_kind	 kind;
	const char	*groups;	/* the comma list (ACL_GROUPS), each
					   name checked */
	size_t		 glen;
	uint64_t	 id;		/* of method and prefix */
	uint64_t	 limit[RL_NWINDOWS];
	enum rl_by	 by;		/* as given, else the kind's default */
	int		 limited;
};

/* The M_* of method s[0..len), or -1. */
int	acl_method_index(const char *s, size_t len);

/*
 * Parses [s, end) (no comment, not blank).  0, or -1 with a static
 * reason in *why.
 */
int	acl_line_parse(struct acl_line *, const char *s, const char *end,
	    const char **why);

#endif
