/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The result, for a person or for a script.  json: the answer's
 * result object, one line, as the server gave it (stable: the
 * contract's members).  table: its single members as "name: value"
 * lines, then each list of objects as columns.  Every text a server
 * holds came from someone: control bytes are printed as \xNN, so no
 * value can move the cursor or retitle the terminal.
 */

#include "build.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"

/* A growing string. */
struct buf {
	char	*s;
	size_t	 len, cap;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	char	*ns;
	size_t	 cap;

	if (b->len + n + 1 > b->cap) {
		cap = b->cap == 0 ? 64 : b->cap;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((ns = realloc(b->s, cap)) == NULL) {
			fprintf(stderr, "adminutil-ctl: out of memory\n");
			exit(CTL_UNREACHABLE);
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
buf_safe(struct buf *b, const char *s)
{
	char	 x[5];

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			snprintf(x, sizeof(x), "\\x%02x", (unsigned char)*s);
			buf_add(b, x, 4);
		} else if ((unsigned char)s[0] == 0xc2 &&
		    (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9f) {
			/* U+0080..U+009F, the C1 controls (CSI among them). */
			snprintf(x, sizeof(x), "\\x%02x", (unsigned char)s[1]);
			buf_add(b, x, 4);
			s++;
		} else
			buf_add(b, s, 1);
	}
}

/* One value as a cell: scalars as they are, lists joined by commas,
 * objects as name=value pairs, nothing as "-". */
static void
cell(struct buf *b, struct json_object *v)
{
	size_t	 i, n, start = b->len;
	int	 comma = 0;

	switch (json_object_get_type(v)) {
	case json_type_null:
		break;
	case json_type_string:
		buf_safe(b, json_object_get_string(v));
		break;
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_add(b, ",", 1);
			cell(b, json_object_array_get_idx(v, i));
		}
		break;
	case json_type_object: {
		json_object_object_foreach(v, k, e) {
			if (comma)
				buf_add(b, ",", 1);
			comma = 1;
			buf_safe(b, k);
			buf_add(b, "=", 1);
			cell(b, e);
		}
		break;
	}
	default:
		buf_safe(b, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN));
		break;
	}
	if (b->len == start)
		buf_add(b, "-", 1);
}

/* A list of objects (each row one object): the table's test. */
static int
is_rows(struct json_object *v)
{
	size_t	 i, n;

	if (!json_object_is_type(v, json_type_array))
		return 0;
	n = json_object_array_length(v);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i),
		    json_type_object))
			return 0;
	return 1;
}

/* The column names: every member of every row, in first-seen order. */
static size_t
columns(struct json_object *rows, const char ***out)
{
	const char	**cols = NULL, **nc;
	size_t		  ncols = 0, i, j, n = json_object_array_length(rows);

	for (i = 0; i < n; i++) {
		json_object_object_foreach(json_object_array_get_idx(rows, i),
		    k, e) {
			(void)e;
			for (j = 0; j < ncols; j++)
				if (strcmp(cols[j], k) == 0)
					break;
			if (j < ncols)
				continue;
			if ((nc = reallocarray(cols, ncols + 1,
			    sizeof(*cols))) == NULL) {
				fprintf(stderr, "adminutil-ctl: out of memory\n");
				exit(CTL_UNREACHABLE);
			}
			cols = nc;
			cols[ncols++] = k;
		}
	}
	*out = cols;
	return ncols;
}

static void
print_rows(struct json_object *rows)
{
	const char		**cols;
	struct json_object	 *row, *v;
	struct buf		 *cells;
	size_t			  ncols, nrows, i, j, *w, k;

	ncols = columns(rows, &cols);
	nrows = json_object_array_length(rows);
	cells = calloc((nrows + 1) * ncols, sizeof(*cells));
	w = calloc(ncols, sizeof(*w));
	if (cells == NULL || w == NULL) {
		fprintf(stderr, "adminutil-ctl: out of memory\n");
		exit(CTL_UNREACHABLE);
	}
	for (j = 0; j < ncols; j++) {
		for (k = 0; cols[j][k] != '\0'; k++) {
			char up = (char)toupper((unsigned char)cols[j][k]);

			buf_add(&cells[j], &up, 1);
		}
		w[j] = cells[j].len;
	}
	for (i = 0; i < nrows; i++) {
		row = json_object_array_get_idx(rows, i);
		for (j = 0; j < ncols; j++) {
			struct buf *b = &cells[(i + 1) * ncols + j];

			if (json_object_object_get_ex(row, cols[j], &v))
				cell(b, v);
			else
				buf_add(b, "-", 1);
			if (b->len > w[j])
				w[j] = b->len;
		}
	}
	for (i = 0; i <= nrows; i++) {
		for (j = 0; j < ncols; j++) {
			struct buf *b = &cells[i * ncols + j];

			if (j + 1 < ncols)
				printf("%-*s  ", (int)w[j], b->s);
			else
				printf("%s\n", b->s);
			free(b->s);
		}
	}
	free(cells);
	free(w);
	free(cols);
}

/* The single members, "name: value", an object's members indented. */
static void
print_members(struct json_object *o, int indent)
{
	struct buf	 b;
	size_t		 wid = 0, n;

	json_object_object_foreach(o, k0, v0) {
		if (is_rows(v0))
			continue;
		if ((n = strlen(k0)) > wid)
			wid = n;
	}
	json_object_object_foreach(o, k, v) {
		if (is_rows(v))
			continue;
		memset(&b, 0, sizeof(b));
		buf_safe(&b, k);
		if (json_object_is_type(v, json_type_object) &&
		    json_object_object_length(v) > 0 && indent == 0) {
			printf("%s:\n", b.s);
			print_members(v, indent + 2);
			free(b.s);
			continue;
		}
		printf("%*s%s:%*s ", indent, "", b.s,
		    (int)(wid - strlen(k)), "");
		b.len = 0;
		cell(&b, v);
		printf("%s\n", b.s);
		free(b.s);
	}
}

void
print_result(const struct ctl *c, struct json_object *result)
{
	int	 first = 1;

	if (c->output == OUT_JSON) {
		printf("%s\n", json_object_to_json_string_ext(result,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		return;
	}
	print_members(result, 0);
	json_object_object_foreach(result, k, v) {
		(void)k;
		if (!is_rows(v))
			continue;
		/* A blank line between what came before and a table. */
		if (!first || json_object_object_length(result) > 1)
			printf("\n");
		first = 0;
		print_rows(v);
	}
}
