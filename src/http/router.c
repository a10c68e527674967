/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

/* Length of the segment at p (up to '/' or the end). */
static size_t
seglen(const char *p)
{
	const char	*s = strchr(p, '/');

	return s == NULL ? strlen(p) : (size_t)(s - p);
}

/*
 * 1 if path fits pattern; captures go to r when capture is set.
 * -1 on a captured segment percent_decode refuses (a bad escape, "%00";
 * only when capturing).
 */
static int
fits(const char *pattern, const char *path, struct request *r, int capture)
{
	const char	*p = pattern, *q = path;
	size_t		 pl, ql;

	for (;;) {
		if (*p != '/' || *q != '/')
			return *p == '\0' && *q == '\0';
		p++;
		q++;
		pl = seglen(p);
		ql = seglen(q);
		if (pl == 2 && p[0] == '{' && p[1] == '}') {
			if (capture) {
				if (r->pathc == REQUEST_MAX_PATH_PARAMS) {
					errno = E2BIG;
					return -1;
				}
				r->pathv[r->pathc] = request_percent_decode(q,
				    ql, &r->pathlen[r->pathc]);
				if (r->pathv[r->pathc] == NULL)
					return -1;
				r->pathc++;
			}
		} else if (pl != ql || memcmp(p, q, pl) != 0)
			return 0;
		p += pl;
		q += ql;
	}
}

const struct route *
router_match(const struct route *t, size_t n, unsigned families,
    struct request *r, enum err *e, const char **msg,
    const struct route **same)
{
	size_t	 i;

	*same = NULL;
	*e = ERR_NOT_FOUND;
	*msg = "NO SUCH ROUTE";
	if (r->path == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!(t[i].family & families) || !fits(t[i].pattern, r->path,
		    NULL, 0))
			continue;
		if (t[i].method != r->method) {
			if (*same == NULL)
				*same = &t[i];
			continue;
		}
		if (fits(t[i].pattern, r->path, r, 1) == 1)
			return &t[i];
		*e = ERR_BAD_REQUEST;
		*same = &t[i];
		*msg = errno == ENOMEM ? "OUT OF MEMORY" : errno == E2BIG ?
		    "ROUTE HAS TOO MANY PARAMETERS" :
		    "PATH IS NOT VALIDLY PERCENT-ENCODED";
		return NULL;
	}
	if (*same != NULL) {
		*e = ERR_METHOD;
		*msg = "METHOD NOT ALLOWED";
	}
	return NULL;
}
