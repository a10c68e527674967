/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * YAML and JSON to json-c and back, through libyaml: its parser's
 * events become objects, json-c's objects its emitter's events.  No
 * YAML feature that makes a small file large or ambiguous is taken.
 */

#include "build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "ctl/doc.h"

#define DOC_DEPTH_MAX	 64
#define DOC_SIZE_MAX	 (64 * 1024 * 1024)

struct reader {
	yaml_parser_t	 p;
	char		*err;
	size_t		 errsz;
};

static json_object	*node(struct reader *, yaml_event_t *, int);

static void	 fail(struct reader *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* The reason, after the line (from 0) it is on. */
static void
fail(struct reader *r, size_t line, const char *fmt, ...)
{
	char	 m[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errsz, "line %zu: %s", line + 1, m);
}

static json_object *
mark(json_object *o, size_t line)
{
	if (o != NULL)
		json_object_set_userdata(o, (void *)(uintptr_t)(line + 1),
		    NULL);
	return o;
}

int
doc_line(json_object *o)
{
	return o == NULL ? 0 : (int)(uintptr_t)json_object_get_userdata(o);
}

/* The next event; 0, or -1 with the parser's reason. */
static int
next(struct reader *r, yaml_event_t *ev)
{
	if (yaml_parser_parse(&r->p, ev))
		return 0;
	snprintf(r->err, r->errsz, "line %zu: %s%s%s",
	    r->p.problem_mark.line + 1, r->p.problem != NULL ? r->p.problem :
	    "not YAML or JSON", r->p.context != NULL ? " " : "",
	    r->p.context != NULL ? r->p.context : "");
	return -1;
}

/* A plain scalar as YAML's core schema reads it; else a string. */
static json_object *
scalar(const char *s, size_t len, int plain)
{
	const char	*d = s;
	long long	 n;
	char		*end;

	if (!plain)
		return json_object_new_string_len(s, (int)len);
	if (len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return NULL;
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0)
		return json_object_new_boolean(1);
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
	    strcmp(s, "FALSE") == 0)
		return json_object_new_boolean(0);
	if (*d == '-' || *d == '+')
		d++;
	if (*d >= '0' && *d <= '9' && strspn(d, "0123456789") ==
	    len - (size_t)(d - s)) {
		errno = 0;
		n = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0')
			return json_object_new_int64(n);
	}
	/* A float (1.5, 1e3, .inf): not a string, and never one we take. */
	if (strspn(s, "+-.0123456789eE") == len && strpbrk(s, "0123456789") !=
	    NULL)
		return json_object_new_double(strtod(s, NULL));
	if (strcmp(s, ".inf") == 0 || strcmp(s, "-.inf") == 0 ||
	    strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0)
		return json_object_new_double(0);
	return json_object_new_string_len(s, (int)len);
}

/* A null is no object in json-c: this stands for it while built. */
static char		 null_byte;
#define NULL_MARK	 ((json_object *)(void *)&null_byte)

static json_object *
mapping(struct reader *r, int depth, size_t line)
{
	json_object	*o, *v;
	yaml_event_t	 ev;
	char		*key;
	size_t		 kline;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	mark(o, line);
	for (;;) {
		if (next(r, &ev) == -1)
			goto bad;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return o;
		}
		kline = ev.start_mark.line;
		if (ev.type != YAML_SCALAR_EVENT) {
			yaml_event_delete(&ev);
			fail(r, kline, "a key must be a string");
			goto bad;
		}
		if (ev.data.scalar.anchor != NULL || ev.data.scalar.tag !=
		    NULL) {
			yaml_event_delete(&ev);
			fail(r, kline, "anchors, aliases and tags are not "
			    "accepted");
			goto bad;
		}
		if ((key = strndup((const char *)ev.data.scalar.value,
		    ev.data.scalar.length)) == NULL) {
			yaml_event_delete(&ev);
			goto bad;
		}
		yaml_event_delete(&ev);
		if (json_object_object_get_ex(o, key, NULL)) {
			fail(r, kline, "the key \"%s\" is given twice", key);
			free(key);
			goto bad;
		}
		if (next(r, &ev) == -1) {
			free(key);
			goto bad;
		}
		v = node(r, &ev, depth + 1);
		if (v == NULL_MARK)
			v = NULL;
		else if (v == NULL) {
			free(key);
			goto bad;
		}
		json_object_object_add(o, key, v);
		free(key);
	}
bad:
	json_object_put(o);
	return NULL;
}

static json_object *
sequence(struct reader *r, int depth, size_t line)
{
	json_object	*o, *v;
	yaml_event_t	 ev;

	if ((o = json_object_new_array()) == NULL)
		return NULL;
	mark(o, line);
	for (;;) {
		if (next(r, &ev) == -1)
			goto bad;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return o;
		}
		if ((v = node(r, &ev, depth + 1)) == NULL)
			goto bad;
		json_object_array_add(o, v == NULL_MARK ? NULL : v);
	}
bad:
	json_object_put(o);
	return NULL;
}

/* The node ev begins (ev deleted here); NULL_MARK for a null. */
static json_object *
node(struct reader *r, yaml_event_t *ev, int depth)
{
	json_object	*o = NULL;
	size_t		 line = ev->start_mark.line;
	int		 refused = 0;

	if (depth > DOC_DEPTH_MAX) {
		yaml_event_delete(ev);
		fail(r, line, "nested deeper than 64");
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		refused = 1;
		break;
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor != NULL ||
		    ev->data.scalar.tag != NULL) {
			refused = 1;
			break;
		}
		o = scalar((const char *)ev->data.scalar.value,
		    ev->data.scalar.length, ev->data.scalar.plain_implicit &&
		    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
		if (o == NULL && ev->data.scalar.style ==
		    YAML_PLAIN_SCALAR_STYLE)
			o = NULL_MARK;
		else
			mark(o, line);
		break;
	case YAML_SEQUENCE_START_EVENT:
		refused = ev->data.sequence_start.anchor != NULL ||
		    ev->data.sequence_start.tag != NULL;
		break;
	case YAML_MAPPING_START_EVENT:
		refused = ev->data.mapping_start.anchor != NULL ||
		    ev->data.mapping_start.tag != NULL;
		break;
	default:
		fail(r, line, "not a value");
		yaml_event_delete(ev);
		return NULL;
	}
	if (refused) {
		yaml_event_delete(ev);
		fail(r, line, "anchors, aliases and tags are not accepted");
		return NULL;
	}
	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		yaml_event_delete(ev);
		return sequence(r, depth, line);
	}
	if (ev->type == YAML_MAPPING_START_EVENT) {
		yaml_event_delete(ev);
		return mapping(r, depth, line);
	}
	yaml_event_delete(ev);
	return o;
}

json_object *
doc_parse(const char *text, size_t len, char *err, size_t errsz)
{
	struct reader	 r;
	yaml_event_t	 ev;
	json_object	*o = NULL;

	memset(&r, 0, sizeof(r));
	r.err = err;
	r.errsz = errsz;
	err[0] = '\0';
	if (!yaml_parser_initialize(&r.p)) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&r.p, (const unsigned char *)text, len);
	/* STREAM-START, DOCUMENT-START, the node, DOCUMENT-END, STREAM-END */
	if (next(&r, &ev) == -1)
		goto done;
	yaml_event_delete(&ev);
	if (next(&r, &ev) == -1)
		goto done;
	if (ev.type != YAML_DOCUMENT_START_EVENT) {
		yaml_event_delete(&ev);
		snprintf(err, errsz, "line 1: an empty file");
		goto done;
	}
	yaml_event_delete(&ev);
	if (next(&r, &ev) == -1 || (o = node(&r, &ev, 0)) == NULL)
		goto done;
	if (o == NULL_MARK) {
		o = NULL;
		snprintf(err, errsz, "line 1: an empty document");
		goto done;
	}
	if (next(&r, &ev) == -1)
		goto bad;
	yaml_event_delete(&ev);
	if (next(&r, &ev) == -1)
		goto bad;
	if (ev.type != YAML_STREAM_END_EVENT) {
		fail(&r, ev.start_mark.line, "a second document: a file "
		    "holds one");
		yaml_event_delete(&ev);
		goto bad;
	}
	yaml_event_delete(&ev);
	goto done;
bad:
	json_object_put(o);
	o = NULL;
done:
	yaml_parser_delete(&r.p);
	if (o == NULL && err[0] == '\0')
		snprintf(err, errsz, "out of memory");
	return o;
}

json_object *
doc_read(const char *path, char *err, size_t errsz)
{
	json_object	*o;
	FILE		*fp;
	char		*buf = NULL, *nb;
	size_t		 len = 0, cap = 0, n;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s", strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= DOC_SIZE_MAX || (nb = realloc(buf,
			    cap = cap == 0 ? 65536 : cap * 2)) == NULL) {
				snprintf(err, errsz, cap >= DOC_SIZE_MAX ?
				    "larger than 64 MB" : "out of memory");
				goto bad;
			}
			buf = nb;
		}
		if ((n = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	if (ferror(fp)) {
		snprintf(err, errsz, "%s", strerror(errno));
		goto bad;
	}
	if (fp != stdin)
		fclose(fp);
	o = doc_parse(buf, len, err, errsz);
	if (buf != NULL)
		explicit_bzero(buf, len);
	free(buf);
	return o;
bad:
	if (fp != stdin)
		fclose(fp);
	if (buf != NULL)
		explicit_bzero(buf, len);
	free(buf);
	return NULL;
}

/* writing */

static int
emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	return yaml_emitter_emit(e, ev) ? 0 : -1;
}

static int
emit_scalar(yaml_emitter_t *e, const char *s, size_t len,
    yaml_scalar_style_t style)
{
	yaml_event_t	 ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)(uintptr_t)s, (int)len, 1, 1, style))
		return -1;
	return emit(e, &ev);
}

/* A string that a plain scalar would make another type, or none. */
static yaml_scalar_style_t
string_style(const char *s, size_t len)
{
	json_object	*o;
	int		 other;

	if (memchr(s, '\n', len) != NULL)
		return YAML_LITERAL_SCALAR_STYLE;
	o = scalar(s, len, 1);
	other = o == NULL || !json_object_is_type(o, json_type_string);
	json_object_put(o);
	return other ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;
}

static int
emit_node(yaml_emitter_t *e, json_object *o)
{
	yaml_event_t	 ev;
	const char	*s;
	size_t		 i, n;

	switch (json_object_get_type(o)) {
	case json_type_null:
		return emit_scalar(e, "null", 4, YAML_PLAIN_SCALAR_STYLE);
	case json_type_object:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    json_object_object_length(o) == 0 ?
		    YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE) ||
		    emit(e, &ev) == -1)
			return -1;
		json_object_object_foreach(o, k, v) {
			if (emit_scalar(e, k, strlen(k), string_style(k,
			    strlen(k))) == -1 || emit_node(e, v) == -1)
				return -1;
		}
		return yaml_mapping_end_event_initialize(&ev) ?
		    emit(e, &ev) : -1;
	case json_type_array:
		n = json_object_array_length(o);
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    n == 0 ? YAML_FLOW_SEQUENCE_STYLE :
		    YAML_BLOCK_SEQUENCE_STYLE) || emit(e, &ev) == -1)
			return -1;
		for (i = 0; i < n; i++)
			if (emit_node(e, json_object_array_get_idx(o, i)) == -1)
				return -1;
		return yaml_sequence_end_event_initialize(&ev) ?
		    emit(e, &ev) : -1;
	case json_type_string:
		s = json_object_get_string(o);
		n = (size_t)json_object_get_string_len(o);
		return emit_scalar(e, s, n, string_style(s, n));
	default:
		s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		return emit_scalar(e, s, strlen(s), YAML_PLAIN_SCALAR_STYLE);
	}
}

static int
write_fp(void *arg, unsigned char *buf, size_t size)
{
	return fwrite(buf, 1, size, arg) == size;
}

int
doc_yaml(FILE *fp, json_object *o)
{
	yaml_emitter_t	 e;
	yaml_event_t	 ev;
	int		 rc = -1;

	if (!yaml_emitter_initialize(&e))
		return -1;
	yaml_emitter_set_output(&e, write_fp, fp);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) ||
	    emit(&e, &ev) == -1 ||
	    !yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0) ||
	    emit(&e, &ev) == -1 || emit_node(&e, o) == -1 ||
	    !yaml_document_end_event_initialize(&ev, 1) ||
	    emit(&e, &ev) == -1 || !yaml_stream_end_event_initialize(&ev) ||
	    emit(&e, &ev) == -1)
		goto done;
	rc = 0;
done:
	yaml_emitter_delete(&e);
	return rc;
}
