/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * What the portal's files share: the reading of a typed text, and which
 * groups may be asked for.
 */
#ifndef ADMINUTIL_PORTAL_INT_H
#define ADMINUTIL_PORTAL_INT_H

#include <stddef.h>

#include "http/reply.h"

#define PORTAL_TEXT_MAX	 1024	/* notes, reasons */
#define PORTAL_EMAIL_MAX 254

/*
 * The text member name of request: absent is "" unless mandatory, at
 * most PORTAL_TEXT_MAX bytes of UTF-8, no control character but newline
 * and tab.  0, or -1 after replying BAD_REQUEST.
 */
int	portal_text(struct response *, const struct route *, struct request *,
	    const char *name, int mandatory, const char **out);

/* 1 if group g (len bytes) may be asked for: not an admin group. */
int	portal_offered_name(const struct config *, const char *g, size_t len);
/* 1 if group g is one of the ACL file's. */
int	portal_group_in_acl(struct app *, const char *g, size_t len);
/*
 * The offered groups of the ACL as an object name -> [{method, path}],
 * by path; NULL on no memory.
 */
json_object *portal_offer_map(struct app *);
/* Both: the filter of a generation's groups (arg: the app). */
int	portal_offered(void *arg, const char *g, size_t len);

#endif
