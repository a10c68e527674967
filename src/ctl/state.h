/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl dump, diff and apply: the declarative file's schema
 * (schema.c) and the commands over the state routes (state.c).
 */

#ifndef CTL_STATE_H
#define CTL_STATE_H

#include <stddef.h>

#include <json-c/json.h>

#define STATE_FORMAT	 "adminutil/1"

/* 1 if s is a tag: 1 to 64 of A-Z a-z 0-9 . _ - */
int		 state_tag_ok(const char *s);

/*
 * The file doc_parse() read holds to the schema: 0, or -1 with "line N:
 * where: what" in err (where: consumers[2].groups[0], say).
 */
int		 state_file_check(json_object *doc, char *err, size_t errsz);

/*
 * The request of POST /v1/consumer/{username}/state for consumer c of a
 * checked file of tag (its members shared, not copied).
 */
json_object	*state_request(json_object *c, const char *tag, int dry_run,
		    int adopt);

#endif
