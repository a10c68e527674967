/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The texts a person types into the portal (notes, reasons, the note of
 * an approval, the state asked for): one reading for every route.
 */
#include "build.h"

#include <string.h>

#include "core/validate.h"
#include "portal/portal_int.h"

/*
 * The text member name of request: absent is "" unless mandatory, at
 * most PORTAL_TEXT_MAX bytes of UTF-8, no control character but newline and
 * tab.  0, or -1 after replying BAD_REQUEST.
 */
int
portal_text(struct response *res, const struct route *rt, struct request *r,
    const char *name, int mandatory, const char **out)
{
	json_object	*v = NULL;
	const char	*s;
	size_t		 len, i;

	*out = "";
	if (r->req != NULL)
		json_object_object_get_ex(r->req, name, &v);
	if (v == NULL) {
		if (!mandatory)
			return 0;
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s IS MANDATORY",
		    name);
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s MUST BE A STRING",
		    name);
		return -1;
	}
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (len > PORTAL_TEXT_MAX || !validate_utf8(s, len)) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s MUST BE AT MOST %d "
		    "BYTES OF UTF-8", name, PORTAL_TEXT_MAX);
		return -1;
	}
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n' &&
		    s[i] != '\t') || s[i] == 0x7f) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%s MUST NOT "
			    "HOLD CONTROL CHARACTERS", name);
			return -1;
		}
	if (mandatory && strspn(s, " \t\n") == len) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s IS MANDATORY",
		    name);
		return -1;
	}
	*out = s;
	return 0;
}
