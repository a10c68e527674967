/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "core/strlist.h"

int
strlist_add(struct strlist *l, const char *s, size_t len)
{
	char	**v, *copy;
	size_t	 *lv, cap;

	if (l->n == l->cap) {
		cap = l->cap == 0 ? 8 : l->cap * 2;
		if ((v = realloc(l->v, cap * sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		if ((lv = realloc(l->len, cap * sizeof(*lv))) == NULL)
			return -1;
		l->len = lv;
		l->cap = cap;
	}
	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	l->v[l->n] = copy;
	l->len[l->n++] = len;
	return 0;
}

int
strlist_has(const struct strlist *l, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (l->len[i] == len && memcmp(l->v[i], s, len) == 0)
			return 1;
	return 0;
}

void
strlist_free(struct strlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->len);
	memset(l, 0, sizeof(*l));
}

const char *
words_next(const char **p, size_t *len)
{
	const char	*s = *p + strspn(*p, ", \t");

	*len = strcspn(s, ", \t");
	*p = s + *len;
	return *len > 0 ? s : NULL;
}

int
words_have(const char *list, const char *s, size_t len)
{
	const char	*w;
	size_t		 n;

	while ((w = words_next(&list, &n)) != NULL)
		if (n == len && memcmp(w, s, len) == 0)
			return 1;
	return 0;
}

json_object *
strlist_json(const struct strlist *l)
{
	json_object	*a;
	size_t		 i;

	if ((a = json_object_new_array_ext((int)l->n)) == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		json_object_array_add(a,
		    json_object_new_string_len(l->v[i], (int)l->len[i]));
	return a;
}
