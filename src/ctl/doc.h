/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl's declarative files (docs/ctl.md, "Declarative state"):
 * YAML or JSON read by one reader (libyaml's; JSON is YAML's flow
 * style) into json-c objects, each remembering its line; the state
 * written back as YAML (yaml.c).  The commands over them: state.c.
 */

#ifndef CTL_DOC_H
#define CTL_DOC_H

#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

/*
 * The one document of text (len bytes) as json-c objects: mappings as
 * objects, sequences as arrays, a plain scalar that reads as an integer,
 * true or false, or null as one, and any other scalar, or a quoted one,
 * as a string.  Refused, with the line in err: a key given twice, an
 * anchor or alias (a few lines must not expand to millions of nodes), a
 * tag, a key that is not a string, more than one document, nesting
 * deeper than 64.  NULL on refusal.
 */
json_object	*doc_parse(const char *text, size_t len, char *err,
		    size_t errsz);

/* doc_parse() of the file path ("-": standard input). */
json_object	*doc_read(const char *path, char *err, size_t errsz);

/* The line an object of doc_parse() began on (0: not one of its). */
int		 doc_line(json_object *);

/*
 * o as a YAML document on fp: block style, a string that would read
 * back as another type quoted, one of several lines (a PEM key) as a
 * literal block.  0, or -1.
 */
int		 doc_yaml(FILE *fp, json_object *o);

#endif
