/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * A growable list of byte strings, each NUL-terminated and with its
 * length: group names, in order.
 */
#ifndef ADMINUTIL_STRLIST_H
#define ADMINUTIL_STRLIST_H

#include <stddef.h>

#include <json-c/json.h>

struct strlist {
	char	**v;
	size_t	 *len;
	size_t	  n, cap;
};

/* Appends a copy of s.  -1 on no memory (the list is unchanged). */
int	strlist_add(struct strlist *, const char *s, size_t len);
/* 1 if s is in the list. */
int	strlist_has(const struct strlist *, const char *s, size_t len);
void	strlist_free(struct strlist *);
/*
 * The next word of a list split by commas or blanks (a configuration
 * value: admin_groups, admin_hosts, portal_approvers...): its start and
 * *len, and *p moved past it; NULL at the end of the list.
 */
const char	*words_next(const char **p, size_t *len);
/*
 * 1 if s (len bytes) is a word of list, a configuration's list of names
 * split by commas or blanks.
 */
int	words_have(const char *list, const char *s, size_t len);
/* A new JSON array of the list's strings; NULL on no memory. */
json_object *strlist_json(const struct strlist *);

#endif
