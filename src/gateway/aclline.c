/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdint.h>
#include <string.h>

#include "core/hash.h"
#include "gateway/acl.h"
#include "gateway/aclline.h"
#include "gateway/path.h"

const char *const acl_methods[M__MAX] = {
	"*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"
};

int
acl_method_index(const char *s, size_t len)
{
	int	 m;

	for (m = 0; m < M__MAX; m++)
		if (strlen(acl_methods[m]) == len &&
		    memcmp(acl_methods[m], s, len) == 0)
			return m;
	return -1;
}

/* Splits the next blank-separated field of [*p, end). */
static int
field(const char **p, const char *end, const char **f, size_t *flen)
{
	const char	*s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	*f = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*flen = (size_t)(s - *f);
	*p = s;
	return *flen > 0;
}

static int
valid_group(const char *g, size_t len)
{
	size_t	 i;

	if (len == 0 || len > 255)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)g[i] <= 0x20 || g[i] == 0x7f ||
		    g[i] == ',')
			return 0;
	return 1;
}

static const char *const bys[] = {
	[RL_BY_CREDENTIAL] = "credential",
	[RL_BY_CONSUMER] = "consumer",
	[RL_BY_IP] = "ip"
};

#define NBYS		 (sizeof(bys) / sizeof(bys[0]))
#define RATE_MAX	 1000000000000ULL	/* 10^12 a window */

/*
 * The id of the rule of method mi and prefix p: the counters are kept
 * by it, so it depends on nothing else (not the groups, not the file,
 * not the process) and a reload that keeps the rule keeps its counts.
 * Not seeded: ratelimit_key hashes it again with a secret key.
 */
static uint64_t
rule_id(int mi, const char *p, size_t plen)
{
	char	 buf[16 + ACL_MAX_LINE];
	size_t	 mlen = strlen(acl_methods[mi]);

	memcpy(buf, acl_methods[mi], mlen);
	buf[mlen] = ' ';
	memcpy(buf + mlen + 1, p, plen);
	return hash_fnv1a(0, buf, mlen + 1 + plen);
}

/*
 * N/s, N/m, N/h or N/d with N a decimal from 1 to 10^12, no sign, no
 * leading zero: its window, and *n.  -1 for anything else.
 */
static int
rate(const char *f, size_t len, uint64_t *n)
{
	static const char	 unit[RL_NWINDOWS] = {
		[RL_SECOND] = 's', [RL_MINUTE] = 'm', [RL_HOUR] = 'h',
		[RL_DAY] = 'd'
	};
	size_t			 i;
	int			 w;

	/* At most 13 digits: no overflow before the bound is checked. */
	if (len < 3 || len > 15 || f[0] < '1' || f[0] > '9' ||
	    f[len - 2] != '/')
		return -1;
	for (*n = 0, i = 0; i < len - 2; i++) {
		if (f[i] < '0' || f[i] > '9')
			return -1;
		*n = *n * 10 + (uint64_t)(f[i] - '0');
	}
	if (*n > RATE_MAX)
		return -1;
	for (w = 0; w < RL_NWINDOWS; w++)
		if (f[len - 1] == unit[w])
			return w;
	return -1;
}

/*
 * Whether a field in the place of the groups is meant as a limit (a
 * rate, even a bad one, or "by="): the groups were left out.
 */
static int
limit_like(const char *f, size_t len)
{
	size_t	 i = 0;

	if (len >= 3 && memcmp(f, "by=", 3) == 0)
		return 1;
	if (i < len && (f[i] == '+' || f[i] == '-'))
		i++;
	if (i == len || f[i] < '0' || f[i] > '9')
		return 0;
	while (i < len && f[i] >= '0' && f[i] <= '9')
		i++;
	return i < len && f[i] == '/';
}

/*
 * The fields after the groups, [s, end): rates, at most one a window,
 * and at most one by=.  lim[] and *by (-1 when not given) are set.  0,
 * or -1 with why set.
 */
static int
limits(const char *s, const char *end, uint64_t lim[RL_NWINDOWS], int *by,
    const char **why)
{
	const char	*f;
	size_t		 len, i;
	uint64_t	 n;
	int		 w, any = 0;

	memset(lim, 0, RL_NWINDOWS * sizeof(*lim));
	*by = -1;
	while (field(&s, end, &f, &len)) {
		if (len >= 3 && memcmp(f, "by=", 3) == 0) {
			if (*by != -1) {
				*why = "by= given twice";
				return -1;
			}
			for (i = 0; i < NBYS; i++)
				if (strlen(bys[i]) == len - 3 &&
				    memcmp(bys[i], f + 3, len - 3) == 0)
					*by = (int)i;
			if (*by == -1) {
				*why = "by= must be credential, consumer or ip";
				return -1;
			}
		} else if ((f[0] >= '0' && f[0] <= '9') || f[0] == '+' ||
		    f[0] == '-' || memchr(f, '/', len) != NULL) {
			if ((w = rate(f, len, &n)) < 0) {
				*why = "bad rate: N/s, N/m, N/h or N/d, "
				    "N from 1 to 1000000000000";
				return -1;
			}
			if (lim[w] != 0) {
				*why = "two rates for one window";
				return -1;
			}
			lim[w] = n;
			any = 1;
		} else {
			*why = "text after the groups";
			return -1;
		}
	}
	if (*by != -1 && !any) {
		*why = "by= without a rate";
		return -1;
	}
	return 0;
}

/*
 * The line's grammar (method, prefix, groups, limits), each refusal
 * with its own reason for the operator.
 */
int
acl_line_parse(struct acl_line *l, const char *s, const char *end,
    const char **why)
{
	const char	*m, *p, *g, *c, *ge;
	size_t		 mlen, plen, glen;
	int		 by, w;
	char		 norm[ACL_MAX_LINE + 1];

	if (!field(&s, end, &m, &mlen) || !field(&s, end, &p, &plen) ||
	    !field(&s, end, &g, &glen) || limit_like(g, glen)) {
		*why = "expected METHOD PREFIX GROUPS";
		return -1;
	}
	if (limits(s, end, l->limit, &by, why) == -1)
		return -1;
	if ((l->method = acl_method_index(m, mlen)) < 0) {
		*why = "unknown method";
		return -1;
	}
	if (p[0] != '/' || memchr(p, '?', plen) != NULL ||
	    memchr(p, '%', plen) != NULL || memchr(p, '#', plen) != NULL) {
		*why = "the prefix must be an absolute path, no query, no %";
		return -1;
	}
	if (plen > 1 && p[plen - 1] == '/')
		plen--;			/* "/a/" is the prefix "/a" */
	/* Paths are matched normalised: a prefix must be so too. */
	if (plen >= sizeof(norm)) {
		*why = "prefix too long";
		return -1;
	}
	memcpy(norm, p, plen);
	norm[plen] = '\0';
	if (path_normalize(norm) != (long)plen || memcmp(norm, p, plen) != 0) {
		*why = "the prefix must be a normalised path (no //, . or ..)";
		return -1;
	}
	l->prefix = p;
	l->plen = plen;
	l->id = rule_id(l->method, p, plen);
	l->groups = g;
	l->glen = glen;
	l->kind = ACL_GROUPS;
	if (glen == 14 && memcmp(g, "@authenticated", 14) == 0)
		l->kind = ACL_AUTHENTICATED;
	else if (glen == 7 && memcmp(g, "@public", 7) == 0)
		l->kind = ACL_PUBLIC;
	/* No token to count by on a public API: its address. */
	if (by == -1)
		by = l->kind == ACL_PUBLIC ? RL_BY_IP : RL_BY_CREDENTIAL;
	l->by = (enum rl_by)by;
	for (l->limited = 0, w = 0; w < RL_NWINDOWS; w++)
		l->limited |= l->limit[w] != 0;
	if (l->kind != ACL_GROUPS)
		return 0;
	/* Every comma-separated name, the one after a last comma too. */
	for (c = g;; c = ge + 1) {
		if ((ge = memchr(c, ',', (size_t)(g + glen - c))) == NULL)
			ge = g + glen;
		if (!valid_group(c, (size_t)(ge - c))) {
			*why = "bad group name";
			return -1;
		}
		if (ge == g + glen)
			return 0;
	}
}
