/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * What each group is for, in words a partner's developer reads: the
 * group_descriptions file, one "group<TAB>description" a line.  A file
 * of its own rather than comments of the ACL: the ACL is the gateway's,
 * read on its hot path and shared with tools that know nothing of the
 * portal, and one description serves every rule that names the group.
 */
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "portal/portal.h"

/* One line: group, tab, description, with why it is not in *why. */
static int
describe_line(json_object *map, char *s, size_t len, const char **why)
{
	char	*tab, *d;
	size_t	 glen, dlen, i;

	if ((tab = memchr(s, '\t', len)) == NULL) {
		*why = "expected group<TAB>description";
		return -1;
	}
	glen = (size_t)(tab - s);
	d = tab + 1;
	dlen = len - glen - 1;
	if (glen == 0 || validate_group_str(s, glen) != NULL) {
		*why = "not a group name before the tab";
		return -1;
	}
	if (dlen == 0 || strspn(d, " ") == dlen) {
		*why = "no description after the tab";
		return -1;
	}
	if (dlen > PORTAL_DESCRIPTION_MAX) {
		*why = "a description longer than 512 bytes";
		return -1;
	}
	if (!validate_utf8(d, dlen)) {
		*why = "a description that is not UTF-8";
		return -1;
	}
	for (i = 0; i < dlen; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f) {
			*why = "a control character (a second tab?)";
			return -1;
		}
	s[glen] = '\0';
	if (json_object_object_get_ex(map, s, NULL)) {
		*why = "a group described twice";
		return -1;
	}
	json_object_object_add(map, s, json_object_new_string_len(d,
	    (int)dlen));
	return 0;
}

int
portal_descriptions_load(const char *path, json_object **out, char *err,
    size_t errsz)
{
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0, lineno = 0, len;
	ssize_t		 n;
	const char	*why = NULL;
	json_object	*map;

	*out = NULL;
	if (path[0] == '\0')
		return 0;
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "group_descriptions: %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if ((map = json_object_new_object()) == NULL)
		why = "out of memory";
	while (why == NULL && (n = getline(&line, &cap, f)) != -1) {
		lineno++;
		len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			len--;
		line[len] = '\0';
		if (memchr(line, '\0', len) != NULL) {
			why = "a NUL byte";
			break;
		}
		if (strspn(line, " \t") == len ||
		    line[strspn(line, " \t")] == '#')
			continue;
		(void)describe_line(map, line, len, &why);
	}
	if (why == NULL && ferror(f))
		why = strerror(errno);
	free(line);
	fclose(f);
	if (why != NULL) {
		snprintf(err, errsz, "group_descriptions: %s: line %zu: %s",
		    path, lineno, why);
		json_object_put(map);
		return -1;
	}
	*out = map;
	return 0;
}

const char *
portal_description(const json_object *map, const char *group)
{
	json_object	*v;

	if (map == NULL || !json_object_object_get_ex(map, group, &v))
		return NULL;
	return json_object_get_string(v);
}
